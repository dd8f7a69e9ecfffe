"""The district inspector's administrative cases: a protocol on an offence of the Code of
Administrative Offences, sent for consideration, decided, then executed or appealed — each step
dated, in order, and held to a legal term.

Seed 001 (about lines 753-760 and 839) reports that the service-model pilot analysed the
inspectors' administrative proceedings and saved 60 % of their time on administrative cases and
the preventive register; it gives no legal terms. The terms are reference data
(`AdminTerm`, senim/prevention/data/admin_terms.csv), every one marked assumed on the pages and
in docs/prevention.md until checked against the Code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Person, Region, Sector
from senim.register.models import Article, Offence


class AdminTerm(Localized):
    """A legal term of an administrative case in calendar days (assumed: see the module)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    days = models.PositiveSmallIntegerField(_("days"))
    assumed = models.BooleanField(_("assumed"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("term of an administrative case")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=365), name="prevention_admin_term_days"
            )
        ]


class AdminStatus(models.TextChoices):
    PROTOCOL = "protocol", _("protocol drawn up")
    SENT = "sent", _("sent for consideration")
    DECIDED = "decided", _("decided")
    EXECUTED = "executed", _("executed")
    APPEALED = "appealed", _("appealed")


# The order of the steps: a case moves only forward, one step at a time.
ADMIN_NEXT: dict[str, tuple[str, ...]] = {
    AdminStatus.PROTOCOL: (AdminStatus.SENT,),
    AdminStatus.SENT: (AdminStatus.DECIDED,),
    AdminStatus.DECIDED: (AdminStatus.EXECUTED, AdminStatus.APPEALED),
    AdminStatus.EXECUTED: (),
    AdminStatus.APPEALED: (),
}
ADMIN_OPEN = (AdminStatus.PROTOCOL, AdminStatus.SENT, AdminStatus.DECIDED)


class AdminBody(models.TextChoices):
    COURT = "court", _("court")
    POLICE = "police", _("head of the police body")
    OTHER = "other", _("another authorised body")


class AdminOutcome(models.TextChoices):
    WARNING = "warning", _("warning")
    FINE = "fine", _("fine")
    ARREST = "arrest", _("administrative arrest")
    TERMINATED = "terminated", _("proceedings terminated")


class TerminationReason(models.TextChoices):
    NO_EVENT = "no_event", _("no event of an offence")
    NO_ELEMENTS = "no_elements", _("no elements of an offence")
    LIMITATION = "limitation", _("the limitation period expired")
    MINOR = "minor", _("a minor offence: an oral remark")
    OTHER = "other", _("another ground in law")


class AdminCase(models.Model):
    """An administrative case an inspector handles in their sector."""

    number = models.CharField(_("protocol number"), max_length=40)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="admin_cases")
    article = models.ForeignKey(Article, models.PROTECT, related_name="+", db_constraint=False)
    # The register's record of the offence, when there is one (of the same sector, administrative).
    offence = models.ForeignKey(
        Offence,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="admin_cases")
    offence_on = models.DateField(_("date of the offence"))
    protocol_on = models.DateField(_("date of the protocol"))
    status = models.CharField(
        _("status"), max_length=10, choices=AdminStatus.choices, default=AdminStatus.PROTOCOL
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    body = models.CharField(
        _("considered by"), max_length=10, choices=AdminBody.choices, blank=True
    )
    body_name = models.CharField(_("name of the court or body"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(
        _("decision"), max_length=12, choices=AdminOutcome.choices, blank=True
    )
    fine_kzt = models.PositiveIntegerField(_("fine, ₸"), null=True, blank=True)
    arrest_days = models.PositiveSmallIntegerField(_("arrest, days"), null=True, blank=True)
    termination = models.CharField(
        _("ground for termination"), max_length=12, choices=TerminationReason.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The next legal deadline of an open case (none once it is closed).
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-protocol_on", "-pk"]
        verbose_name = _("administrative case")
        constraints = [
            models.CheckConstraint(
                condition=Q(protocol_on__gte=models.F("offence_on")),
                name="admin_case_protocol_after_offence",
            ),
            models.CheckConstraint(
                condition=Q(fine_kzt__isnull=True) | Q(fine_kzt__gte=1),
                name="admin_case_fine_positive",
            ),
            models.CheckConstraint(
                condition=Q(outcome="fine", fine_kzt__isnull=False)
                | ~Q(outcome="fine") & Q(fine_kzt__isnull=True),
                name="admin_case_fine_agrees",
            ),
            models.CheckConstraint(
                condition=Q(outcome="arrest", arrest_days__isnull=False)
                | ~Q(outcome="arrest") & Q(arrest_days__isnull=True),
                name="admin_case_arrest_agrees",
            ),
            models.UniqueConstraint(fields=["sector", "number"], name="admin_case_number_once"),
        ]
        indexes = [
            models.Index(fields=["sector", "status"], name="admin_case_sector"),
            models.Index(fields=["district", "status"], name="admin_case_district"),
            models.Index(fields=["due_on"], name="admin_case_due", condition=Q(closed_on=None)),
        ]

    def __str__(self) -> str:
        return f"AC-{self.pk:06d}" if self.pk else "AC-new"

    @property
    def is_open(self) -> bool:
        return self.status in ADMIN_OPEN and self.closed_on is None


class AdminCaseStep(models.Model):
    """One dated step of a case, as recorded: the case's timeline."""

    case = models.ForeignKey(AdminCase, models.CASCADE, related_name="steps")
    status = models.CharField(_("step"), max_length=10, choices=AdminStatus.choices)
    on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.CharField(max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("step of an administrative case")
        constraints = [
            models.UniqueConstraint(fields=["case", "status"], name="admin_case_step_once"),
        ]
