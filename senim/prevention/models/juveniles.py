"""Juveniles (issue 13 item 8; seed 003, lines 9 and 23): officers assigned to schools, the
programmes the police run with a partner or a school (mentoring, sport, prevention), and the
children they reach — counted per programme, period, age band and sex, never named (they are
minors: no personal data is stored)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Officer, Region, Sector
from senim.prevention.models.partnership import Partner
from senim.prevention.models.social_map import Place

# The most children one reach record may count (assumed; docs/prevention.md): a programme's
# group in one period and one age band and sex is a school's or a club's, not a city's.
MAX_REACH = 2_000


class SchoolAssignment(models.Model):
    """An officer assigned to a school from a day to a day (open while in force)."""

    place = models.ForeignKey(Place, models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(Officer, models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("officer assigned to a school")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="school_assignment_forward",
            ),
            # At most one open-ended assignment per school (the overlap of dated ones is
            # checked by the service under a lock on the school).
            models.UniqueConstraint(
                fields=["place"], condition=Q(ends_on__isnull=True), name="school_assignment_open"
            ),
        ]


class ProgrammeKind(Localized):
    """Mentoring, sport, prevention … (reference data, data/programme_kinds.csv)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kind of programme")


class Programme(models.Model):
    """A programme for children and teenagers the police run with a partner or a school."""

    name = models.CharField(_("name"), max_length=300)
    kind = models.ForeignKey(ProgrammeKind, models.PROTECT, related_name="programmes")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        Partner, models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    school = models.ForeignKey(
        Place, models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        verbose_name = _("programme for juveniles")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | Q(school__isnull=False),
                name="programme_has_partner_or_school",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programme_term_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"JP-{self.pk:05d}" if self.pk else "JP-new"


class AgeBand(models.TextChoices):
    CHILD = "7_10", _("7–10 years")
    YOUNG_TEEN = "11_14", _("11–14 years")
    TEEN = "15_17", _("15–17 years")


class ReachSex(models.TextChoices):
    BOYS = "m", _("boys")
    GIRLS = "f", _("girls")
    UNKNOWN = "u", _("not known")


class Reach(models.Model):
    """How many children a programme reached in a period (one calendar year at most), of one
    age band and sex: a count, never a child's name or identifier."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="reach")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    age_band = models.CharField(_("age band"), max_length=6, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=ReachSex.choices, default="u")
    children = models.PositiveIntegerField(_("children reached"))
    recorded_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-period_end", "age_band", "sex", "pk"]
        verbose_name = _("children reached")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="reach_period_forward"
            ),
            models.CheckConstraint(
                condition=Q(children__gte=1, children__lte=MAX_REACH), name="reach_bounded"
            ),
        ]
        indexes = [models.Index(fields=["region", "period_end"], name="reach_region_end")]
