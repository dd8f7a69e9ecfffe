"""Complaints against officers, their internal check and finding, and discipline.

A complaint of ill-treatment is the safeguards app's record (custody, forensic examination,
Art. 146): here it is linked, never copied, so the two registers cannot disagree about it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from senim.core.models import District, Region, Unit
from senim.integrity.models.staff import OfficerFile


class ComplaintKind(models.TextChoices):
    RUDENESS = "rudeness", pgettext_lazy("officer complaint", "rudeness")
    INACTION = "inaction", pgettext_lazy("officer complaint", "inaction")
    UNLAWFUL_DETENTION = (
        "unlawful_detention",
        pgettext_lazy("officer complaint", "unlawful detention"),
    )
    BRIBERY = "bribery", pgettext_lazy("officer complaint", "bribery or extortion")
    ABUSE_OF_OFFICE = "abuse_of_office", pgettext_lazy("officer complaint", "abuse of office")
    ILL_TREATMENT = "ill_treatment", pgettext_lazy("officer complaint", "ill-treatment")
    OTHER = "other", pgettext_lazy("officer complaint", "other misconduct")


# The kinds that count as corruption on the anti-corruption programme's KPIs.
CORRUPTION_KINDS = (ComplaintKind.BRIBERY, ComplaintKind.ABUSE_OF_OFFICE)


class ComplaintSource(models.TextChoices):
    APPEAL = "appeal", _("a citizen's appeal")
    E_OTINISH = "e_otinish", _("E-Otinish")
    PORTAL = "portal", _("the public portal")
    INTERNAL_SECURITY = "internal_security", _("internal security")
    SAFEGUARDS = "safeguards", _("ill-treatment complaint register")


class ComplaintStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("officer complaint", "registered")
    CHECK = "check", pgettext_lazy("officer complaint", "internal check")
    FINDING = "finding", pgettext_lazy("officer complaint", "finding made")
    CLOSED = "closed", pgettext_lazy("officer complaint", "closed")


class Finding(models.TextChoices):
    SUSTAINED = "sustained", pgettext_lazy("officer complaint", "sustained")
    NOT_SUSTAINED = "not_sustained", pgettext_lazy("officer complaint", "not sustained")
    UNFOUNDED = "unfounded", pgettext_lazy("officer complaint", "unfounded")


class OfficerComplaint(models.Model):
    """A complaint about one or more officers of a unit, worked by internal security.

    The complainant's name and contact are shown only to the complaint's workers (and every
    read of them is audit-logged); everyone else sees the facts.
    """

    received_at = models.DateTimeField(pgettext_lazy("officer complaint", "received"))
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices)
    source = models.CharField(_("source"), max_length=20, choices=ComplaintSource.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    officers = models.ManyToManyField(OfficerFile, related_name="complaints", blank=True)
    # The register's appeal it came from, or the safeguards complaint it stands for.
    appeal = models.OneToOneField(
        "register.Appeal", models.PROTECT, null=True, blank=True, related_name="+"
    )
    ill_treatment = models.OneToOneField(
        "safeguards.Complaint", models.PROTECT, null=True, blank=True, related_name="+"
    )
    complainant_name = models.CharField(_("complainant"), max_length=200, blank=True)
    complainant_contact = models.CharField(_("complainant's contact"), max_length=200, blank=True)
    summary = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.REGISTERED,
    )
    answer_due = models.DateField(_("answer due"))
    check_started_at = models.DateTimeField(_("internal check started"), null=True, blank=True)
    check_due = models.DateField(_("internal check due"), null=True, blank=True)
    finding = models.CharField(
        pgettext_lazy("officer complaint", "finding"),
        max_length=16,
        choices=Finding.choices,
        blank=True,
    )
    finding_at = models.DateTimeField(_("finding made"), null=True, blank=True)
    finding_basis = models.TextField(_("grounds of the finding"), max_length=4000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("complaint against officers")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region", "district", "received_at"], name="offcomplaint_scope"),
            models.Index(fields=["status", "answer_due"], name="offcomplaint_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding="")
                | Q(status__in=["finding", "closed"], finding_at__isnull=False),
                name="offcomplaint_finding_has_stage",
            ),
            models.CheckConstraint(
                condition=Q(finding_at__isnull=True) | Q(check_started_at__isnull=False),
                name="offcomplaint_finding_after_check",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ill_treatment") | Q(ill_treatment__isnull=False),
                name="offcomplaint_ill_treatment_linked",
            ),
        ]

    def __str__(self) -> str:
        return f"IC-{self.pk:06d}" if self.pk else "IC-new"


class MeasureKind(models.TextChoices):
    """Disciplinary measures, mildest first."""

    REMARK = "remark", _("remark")
    REPRIMAND = "reprimand", _("reprimand")
    SEVERE_REPRIMAND = "severe_reprimand", _("severe reprimand")
    INCOMPLETE_CONFORMITY = "incomplete_conformity", _("warning of incomplete conformity")
    DEMOTION = "demotion", _("demotion in post")
    DISMISSAL = "dismissal", _("dismissal")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("appeal pending")
    UPHELD = "upheld", _("measure upheld")
    REDUCED = "reduced", _("measure reduced")
    CANCELLED = "cancelled", _("measure cancelled")


class DisciplinaryMeasure(models.Model):
    officer = models.ForeignKey(OfficerFile, models.PROTECT, related_name="measures")
    complaint = models.ForeignKey(
        OfficerComplaint, models.PROTECT, null=True, blank=True, related_name="measures"
    )
    kind = models.CharField(_("measure"), max_length=24, choices=MeasureKind.choices)
    basis = models.TextField(_("basis"), max_length=2000)
    oath_breach = models.BooleanField(_("breach of the oath"), default=False)
    imposed_on = models.DateField(_("imposed on"))
    imposed_by = models.CharField(max_length=150, blank=True)
    appealed_on = models.DateField(_("appealed on"), null=True, blank=True)
    appeal_outcome = models.CharField(
        _("appeal against the measure"), max_length=12, choices=AppealOutcome.choices, blank=True
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("disciplinary measure")
        ordering = ["-imposed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(basis=""), name="measure_has_basis"),
            models.CheckConstraint(
                condition=Q(oath_breach=False) | Q(kind="dismissal"),
                name="measure_oath_breach_is_dismissal",
            ),
            models.CheckConstraint(
                condition=Q(appealed_on__isnull=True, appeal_outcome="")
                | Q(appealed_on__isnull=False) & ~Q(appeal_outcome=""),
                name="measure_appeal_consistent",
            ),
        ]


class CommendationKind(models.TextChoices):
    GRATITUDE = "gratitude", _("letter of gratitude")
    BONUS = "bonus", _("bonus")
    CERTIFICATE = "certificate", _("certificate of honour")
    VALUABLE_GIFT = "valuable_gift", _("valuable gift")
    AWARD = "award", _("departmental award")


class Commendation(models.Model):
    officer = models.ForeignKey(OfficerFile, models.PROTECT, related_name="commendations")
    kind = models.CharField(_("commendation"), max_length=16, choices=CommendationKind.choices)
    basis = models.CharField(_("for what"), max_length=500)
    given_on = models.DateField(_("given on"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("commendation")
        ordering = ["-given_on", "-id"]
