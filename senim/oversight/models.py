"""The NPM information system: mandated institutions, the council and regional groups, visit plans,
visits with their checklist, findings and attachments, recommendations with their history and
reminders, proposals of the Ombudsman, and records of obstruction (seed 004 §6).

Rows made by `senim demo` carry `is_demo` (or `source="demo"`) so a rebuild removes only them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from senim.core.models import Facility, Region
from senim.oversight.checklist import Item, Result


class Institution(models.Model):
    """A place the NPM may visit: a facility on the register, keyed by its register code."""

    facility = models.OneToOneField(Facility, models.PROTECT, related_name="npm_institution")
    code = models.CharField(_("register code"), max_length=60, unique=True)
    active = models.BooleanField(_("on the register"), default=True)
    included_on = models.DateField(_("included in the register on"))
    source = models.CharField(max_length=20, default="import")  # "import", "demo"
    row_hash = models.CharField(
        max_length=64, blank=True
    )  # of the imported row: reloads are no-ops

    class Meta:
        ordering = ["code"]
        verbose_name = _("mandated institution")

    def __str__(self) -> str:
        return f"{self.facility.display_name} ({self.code})"


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("coordination council")
    GROUP = "group", _("regional group")
    # Seed 004 §5: the Ombudsman and the regional representatives visit closed institutions
    # themselves, beside the NPM groups; their visits and recommendations are counted apart.
    OMBUDSMAN = "ombudsman", _("the Ombudsman")
    REPRESENTATIVE = "representative", _("regional representative")


# The kinds of body whose visits the NPM's own tables (Table 3, visits by agency) count.
NPM_VISITING = (BodyKind.GROUP,)
REGIONAL_KINDS = (BodyKind.GROUP, BodyKind.REPRESENTATIVE)


class Body(models.Model):
    """Who visits or oversees: the coordination council under the Ombudsman, the NPM group of a
    region, the Ombudsman, or the Ombudsman's representative in a region."""

    kind = models.CharField(max_length=16, choices=BodyKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "region__iso"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["council", "ombudsman"], region__isnull=True)
                | models.Q(kind__in=["group", "representative"], region__isnull=False),
                name="npm_body_group_has_region",
            ),
            models.UniqueConstraint(fields=["kind", "region"], name="npm_body_once_per_region"),
        ]

    @property
    def name(self) -> str:
        if self.kind == BodyKind.OMBUDSMAN:
            return str(_("The Ombudsman"))
        if self.kind == BodyKind.REPRESENTATIVE and self.region is not None:
            return str(_("Ombudsman's representative: %(region)s") % {"region": self.region.name})
        if self.kind == BodyKind.COUNCIL or self.region is None:
            return str(_("Coordination council"))
        return str(_("NPM group: %(region)s") % {"region": self.region.name})

    @property
    def is_npm(self) -> bool:
        return self.kind in NPM_VISITING

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    CHAIR = "chair", _("chair")
    HEAD = "head", _("head of group")
    MEMBER = "member", _("member")


TERM_YEARS = 2  # participants are renewed by open competition every two years (seed 004 §6)


class Member(models.Model):
    """A participant's term in a body; a user account links the person to what they may see."""

    body = models.ForeignKey(Body, models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="npm_terms"
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["body", "-term_start", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")), name="npm_term_order"
            )
        ]

    def serves_on(self, day: dt.date) -> bool:
        return self.term_start <= day <= self.term_end

    def __str__(self) -> str:
        return self.full_name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class VisitPlan(models.Model):
    group = models.ForeignKey(Body, models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="npm_plan_once")]


class PlannedVisit(models.Model):
    plan = models.ForeignKey(VisitPlan, models.CASCADE, related_name="entries")
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "institution"], name="npm_planned_once")
        ]


class Visit(models.Model):
    group = models.ForeignKey(Body, models.PROTECT, related_name="visits")
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("date of the visit"))
    unannounced = models.BooleanField(_("unannounced"), default=True)
    team = models.ManyToManyField(Member, related_name="visits")
    interviews_private = models.PositiveIntegerField(_("private interviews"), default=0)
    note = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on"], name="npm_visit_day")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} · {self.institution.facility.display_name}"

    @property
    def body_kind(self) -> str:
        """The visiting body: an NPM group, the Ombudsman or a regional representative."""
        return self.group.kind


class ChecklistAnswer(models.Model):
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="answers")
    item = models.CharField(max_length=24, choices=Item.choices)
    result = models.CharField(max_length=16, choices=Result.choices)
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="npm_answer_once")]


class Finding(models.Model):
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="findings")
    item = models.CharField(max_length=24, choices=Item.choices, blank=True)
    text = models.TextField(_("finding"))
    ill_treatment = models.BooleanField(_("signs of ill-treatment"), default=False)


class Attachment(models.Model):
    """A file kept in the database, so it is saved, backed up and rolled back with the visit."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.CharField(max_length=150, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Proposal(models.Model):
    """The Ombudsman's proposal to a competent body when recommendations are long not implemented."""

    agency = models.CharField(max_length=40)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)


class RecStatus(models.TextChoices):
    SENT = "sent", _("sent")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    NOT_IMPLEMENTED = "not_implemented", _("not implemented")


OPEN_STATUSES = (RecStatus.SENT, RecStatus.IN_PROGRESS)


class Recommendation(models.Model):
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(Finding, models.SET_NULL, null=True, blank=True, related_name="+")
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="recommendations")
    agency = models.CharField(_("addressee agency"), max_length=40)
    text = models.TextField(_("recommendation"))
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=16, choices=RecStatus.choices, default=RecStatus.SENT)
    closed_on = models.DateField(null=True, blank=True)
    proposal = models.ForeignKey(
        Proposal, models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["sent_on"], name="npm_rec_sent"),
            models.Index(fields=["status", "due_on"], name="npm_rec_open"),
        ]

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < today


class RecommendationEvent(models.Model):
    """One step of a recommendation's status history."""

    recommendation = models.ForeignKey(Recommendation, models.CASCADE, related_name="events")
    on = models.DateField()
    status = models.CharField(max_length=16, choices=RecStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    actor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["on", "id"]


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


class Reminder(models.Model):
    """A reminder already sent: one per recommendation and stage, so a timer may run often."""

    recommendation = models.ForeignKey(Recommendation, models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "stage"], name="npm_reminder_once")
        ]


class ObstructionKind(models.TextChoices):
    DENIED_ENTRY = "denied_entry", _("entry refused")
    DELAYED_ENTRY = "delayed_entry", _("entry delayed")
    DENIED_PREMISES = "denied_premises", _("premises not shown")
    DENIED_DOCUMENTS = "denied_documents", _("documents withheld")
    DENIED_INTERVIEW = "denied_interview", _("private interview prevented")
    OTHER = "other", _("other")


class Obstruction(models.Model):
    """A written record that officials obstructed a visit (Art. 507 of the Code of Administrative
    Offences), from which the letter to the prosecutor is printed."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="obstructions")
    occurred_at = models.DateTimeField(_("when"))
    kind = models.CharField(_("what happened"), max_length=20, choices=ObstructionKind.choices)
    official = models.CharField(_("official (position)"), max_length=300)
    description = models.TextField(_("description"))
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class SanctionKind(models.TextChoices):
    DISCIPLINARY = "disciplinary", _("disciplinary liability")
    ADMINISTRATIVE = "administrative", _("administrative liability")
    PRE_TRIAL = "pre_trial", _("pre-trial investigation registered")


class Sanction(models.Model):
    """What followed a recommendation: one person held liable, or one pre-trial investigation
    registered (seed 004 §5 counts 337 people disciplined, 76 fined, 3 investigations)."""

    recommendation = models.ForeignKey(Recommendation, models.CASCADE, related_name="sanctions")
    kind = models.CharField(_("sanction"), max_length=16, choices=SanctionKind.choices)
    decided_on = models.DateField(_("decided on"))
    official = models.CharField(_("official (position)"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["kind", "decided_on"], name="npm_sanction_kind_on")]
