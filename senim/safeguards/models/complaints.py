"""Complaints of ill-treatment, convict populations (Table 2 of seed 004), Art. 146 cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Facility, Officer, Person, Region, Unit


class ComplaintChannel(models.TextChoices):
    TERMINAL = "terminal", _("complaint terminal")
    E_OTINISH = "e_otinish", _("E-Otinish")
    LETTER = "letter", _("letter")
    RECEPTION = "personal_reception", _("personal reception")
    SOCIAL_MEDIA = "social_media", _("social media")
    LAWYER_OR_RELATIVE = "lawyer_or_relative", _("lawyer or relative")
    OMBUDSMAN = "ombudsman", _("Ombudsman")


class ComplaintHandler(models.TextChoices):
    """Who in the Ombudsman's institution considered the complaint (seed 004 §5: most, 126 of
    240 in 2025, by the regional representatives)."""

    UNKNOWN = "", _("not recorded")
    CENTRAL = "central", _("the Ombudsman's central office")
    REPRESENTATIVE = "representative", _("a regional representative")


class ComplaintStage(models.TextChoices):
    PRE_TRIAL = "pre_trial", _("pre-trial investigation")
    PENITENTIARY = "penitentiary", _("serving a sentence")


class ComplaintOutcome(models.TextChoices):
    PENDING = "pending", _("under consideration")
    ART_146 = "art_146", _("pre-trial investigation under Art. 146")
    ART_362 = "art_362", _("pre-trial investigation under Art. 362")
    OTHER_ARTICLE = "other_article", _("pre-trial investigation under another article")
    DISCIPLINARY = "disciplinary", _("disciplinary measures")
    ADMINISTRATIVE = "administrative", _("administrative proceedings")
    REFUSED = "refused", _("refused")


class Complaint(models.Model):
    """A complaint of torture or ill-treatment.

    The complainant's identity (person, name, contact, the text) is shown only to the
    complaint's handlers; everyone else sees the facts needed for oversight and statistics.
    A repeated complaint points at the first complaint about the same events.
    """

    source_system = models.CharField(max_length=40)
    external_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received"))
    channel = models.CharField(_("channel"), max_length=24, choices=ComplaintChannel.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=ComplaintStage.choices)
    # No region when it could not be established (e.g. events abroad, an unsigned letter).
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    officer = models.ForeignKey(Officer, models.PROTECT, null=True, blank=True, related_name="+")
    event_date = models.DateField(_("date of the events"), null=True, blank=True)
    complainant = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_contact = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    repeat_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="repeats"
    )
    erdr_registered_at = models.DateTimeField(
        _("registered in the pre-trial register"), null=True, blank=True
    )
    erdr_number = models.CharField(_("pre-trial register number"), max_length=30, blank=True)
    forensic_ordered_at = models.DateTimeField(
        _("forensic examination ordered"), null=True, blank=True
    )
    video_requested_at = models.DateTimeField(_("video footage requested"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=ComplaintOutcome.choices,
        default=ComplaintOutcome.PENDING,
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "Art146Case", models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    handled_by = models.CharField(
        _("considered by"), max_length=16, choices=ComplaintHandler.choices, blank=True
    )
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="safeguards_complaints"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("ill-treatment complaint")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="complaint_external_id_once"
            )
        ]
        indexes = [
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(fields=["complainant", "facility"], name="complaint_repeat_lookup"),
        ]


class ConvictPopulation(models.Model):
    """Convicted and detained people held in a region in a year, with the published figures.

    Loaded from senim/safeguards/data/convicts.csv (Table 2 of seed 004); the published number
    of complaints and rate are kept to show next to the ones computed from records.
    """

    region = models.ForeignKey(Region, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    convicts = models.PositiveIntegerField(_("convicts"))
    source = models.CharField(_("source"), max_length=300)
    published_complaints = models.PositiveIntegerField(null=True, blank=True)
    published_rate = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="convicts_once_per_year")
        ]


class CaseStage(models.TextChoices):
    INVESTIGATING = "investigating", _("under investigation")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED_EXONERATING = "terminated_exonerating", _("terminated on exonerating grounds")
    TERMINATED_OTHER = "terminated_other", _("terminated on other grounds")
    IN_COURT = "in_court", _("sent to court")
    CONVICTED = "convicted", _("conviction")
    ACQUITTED = "acquitted", _("acquittal")


class CaseEventKind(models.TextChoices):
    REGISTERED = "registered", _("registered")
    REQUALIFIED = "requalified", _("requalified")
    SUSPENDED = "suspended", _("suspended")
    RESUMED = "resumed", _("resumed")
    TERMINATED_EXONERATING = "terminated_exonerating", _("terminated on exonerating grounds")
    TERMINATED_OTHER = "terminated_other", _("terminated on other grounds")
    SENT_TO_COURT = "sent_to_court", _("sent to court")
    RETURNED = "returned", _("returned for further investigation")
    CONVICTED = "convicted", _("conviction")
    ACQUITTED = "acquitted", _("acquittal")


class Art146Case(models.Model):
    """A pre-trial investigation of torture (Art. 146 of the Criminal Code) and its history."""

    source_system = models.CharField(max_length=40)
    external_id = models.CharField(max_length=64)
    erdr_number = models.CharField(_("pre-trial register number"), max_length=30, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    registered_on = models.DateField(_("registered"))
    article = models.CharField(_("qualification"), max_length=20)
    stage = models.CharField(
        _("stage"), max_length=24, choices=CaseStage.choices, default=CaseStage.INVESTIGATING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Art. 146 case")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="case_external_id_once"
            )
        ]
        indexes = [models.Index(fields=["registered_on"], name="case_registered")]


class CaseEvent(models.Model):
    """A dated step of a case; the yearly series of seed 004 §4 are counts of these."""

    case = models.ForeignKey(Art146Case, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    on = models.DateField()
    persons = models.PositiveSmallIntegerField(default=0)  # convicted or acquitted persons
    from_article = models.CharField(max_length=20, blank=True)
    to_article = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["kind", "on"], name="case_event_kind_on")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="requalified") | ~Q(to_article=""),
                name="case_requalification_has_target",
            )
        ]
