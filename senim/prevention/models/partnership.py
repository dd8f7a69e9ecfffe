"""Partnership: partner organisations with their memoranda, interdepartmental commissions with
their decisions followed up until done, and meetings with residents whose priorities are either
answered ("what we did", published per district) or turned into a problem case (seed 001,
about lines 681-689, 1307-1325 and 6445-6883)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Region, Sector
from senim.prevention.models.problems import Problem


class PartnerKind(models.TextChoices):
    AKIMAT = "akimat", _("local executive body (akimat)")
    SCHOOL = "school", _("school or college")
    HEALTH = "health", _("health organisation")
    SOCIAL = "social", _("social services")
    NGO = "ngo", _("non-governmental organisation")
    BUSINESS = "business", _("business")
    RESIDENTS = "residents", _("residents' council or condominium")
    OTHER = "other", _("other")


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    contact = models.CharField(_("contact (the organisation's)"), max_length=200, blank=True)
    memorandum = models.CharField(_("memorandum (number and subject)"), max_length=300, blank=True)
    memorandum_signed_on = models.DateField(_("memorandum signed on"), null=True, blank=True)
    memorandum_ends_on = models.DateField(_("memorandum ends on"), null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("partner")
        constraints = [
            models.CheckConstraint(
                condition=Q(memorandum_ends_on__isnull=True)
                | Q(
                    memorandum_signed_on__isnull=False,
                    memorandum_ends_on__gt=F("memorandum_signed_on"),
                ),
                name="partner_memorandum_term",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommissionLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    REGION = "region", _("regional")
    DISTRICT = "district", _("district")


class Commission(models.Model):
    """An interdepartmental commission on prevention at one level of government."""

    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=10, choices=CommissionLevel.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    chair = models.CharField(_("chaired by"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("interdepartmental commission")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="national", region__isnull=True, district__isnull=True)
                | Q(level="region", region__isnull=False, district__isnull=True)
                | Q(level="district", region__isnull=False, district__isnull=False),
                name="commission_level_territory",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommissionMeeting(models.Model):
    commission = models.ForeignKey(Commission, models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    agenda = models.TextField(_("agenda"), max_length=4000)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("in progress")
    DONE = "done", _("carried out")
    DROPPED = "dropped", _("withdrawn")


class Decision(models.Model):
    """A decision of a commission's meeting: who does what by when, followed up until done."""

    meeting = models.ForeignKey(CommissionMeeting, models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=2000)
    owner = models.CharField(_("responsible"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=DecisionStatus.choices, default="open"
    )
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), max_length=2000, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True)
                | ~Q(status="open") & Q(done_on__isnull=False),
                name="decision_done_agrees",
            )
        ]


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("meeting with residents")
    OPEN_DAY = "open_day", _("open day at the police point")
    STREET = "street", _("street or yard meeting")


class ResidentMeeting(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="resident_meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=300)
    attendance = models.PositiveIntegerField(_("residents attended"))
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting with residents")
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__lte=100_000), name="meeting_attendance_bounded"
            )
        ]


class PriorityStatus(models.TextChoices):
    OPEN = "open", _("to answer")
    ANSWERED = "answered", _("answered")
    CASE = "case", _("taken up as a problem case")


class Priority(models.Model):
    """A concern residents raised at a meeting; the police answer it or take it up as a case."""

    meeting = models.ForeignKey(ResidentMeeting, models.CASCADE, related_name="priorities")
    concern = models.CharField(_("residents' concern"), max_length=500)
    status = models.CharField(
        _("status"), max_length=8, choices=PriorityStatus.choices, default="open"
    )
    answer = models.TextField(_("what we did"), max_length=2000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    problem = models.ForeignKey(
        Problem, models.SET_NULL, null=True, blank=True, related_name="priorities"
    )
    published = models.BooleanField(_("published on the portal"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("residents' priority")
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | ~Q(status="open") & ~Q(answer=""),
                name="priority_published_answered",
            )
        ]
