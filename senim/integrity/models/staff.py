"""The officer's file: post, rank, duty, years in post, training, and the units' duty records."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Officer, Region, Sex, Unit


class Rank(models.TextChoices):
    """Special ranks of the police, lowest first (their order is the seniority)."""

    PRIVATE = "private", _("private of police")
    SERGEANT = "sergeant", _("sergeant of police")
    LIEUTENANT = "lieutenant", _("lieutenant of police")
    SENIOR_LIEUTENANT = "senior_lieutenant", _("senior lieutenant of police")
    CAPTAIN = "captain", _("captain of police")
    MAJOR = "major", _("major of police")
    LT_COLONEL = "lt_colonel", _("lieutenant colonel of police")
    COLONEL = "colonel", _("colonel of police")
    GENERAL = "general", _("general of police")


class Duty(models.TextChoices):
    """The kind of service: officers are compared with peers of the same duty in the same unit."""

    PATROL = "patrol", _("patrol service")
    DISTRICT_INSPECTOR = "district_inspector", _("district inspector")
    JUVENILE = "juvenile", _("juvenile inspector")
    INVESTIGATION = "investigation", _("investigation")
    CRIMINAL_POLICE = "criminal_police", _("criminal police")
    DUTY_UNIT = "duty_unit", _("duty unit")
    CUSTODY = "custody", _("custody and escort")
    ROAD_POLICE = "road_police", _("road police")
    MANAGEMENT = "management", _("management and staff")


class ServiceStatus(models.TextChoices):
    SERVING = "serving", _("serving")
    SUSPENDED = "suspended", _("suspended from duty")
    DISMISSED = "dismissed", _("dismissed")


class OfficerFile(models.Model):
    """What personnel and supervisors know of an officer: one file per officer.

    The region and district are the unit's, copied so that every list can be scoped by the
    reader's territory with one filter.
    """

    officer = models.OneToOneField(Officer, models.PROTECT, related_name="file")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    service_since = models.DateField(_("in the police since"))
    post_since = models.DateField(_("in this post since"))
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.SERVING
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("officer's file")
        ordering = ["officer__badge_number"]
        indexes = [models.Index(fields=["region", "district", "status"], name="officerfile_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1940, birth_year__lte=2015),
                name="officerfile_birth_year",
            ),
            models.CheckConstraint(
                condition=Q(post_since__gte=models.F("service_since")),
                name="officerfile_post_after_service",
            ),
        ]

    def __str__(self) -> str:
        return str(self.officer)


class Course(models.TextChoices):
    HUMAN_RIGHTS = "human_rights", _("human rights and the prohibition of torture")
    USE_OF_FORCE = "use_of_force", _("use of force and special means")
    DE_ESCALATION = "de_escalation", _("de-escalation and communication")
    ANTI_CORRUPTION = "anti_corruption", _("anti-corruption standards")
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence response")
    FIRST_AID = "first_aid", _("first aid")


class Training(models.Model):
    officer = models.ForeignKey(OfficerFile, models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=20, choices=Course.choices)
    completed_on = models.DateField(_("completed on"))
    hours = models.PositiveSmallIntegerField(_("hours"))

    class Meta:
        verbose_name = _("training")
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=1, hours__lte=500), name="training_hours")
        ]


class DutyMonth(models.Model):
    """One month of an officer's duty record, as the unit keeps it."""

    officer = models.ForeignKey(OfficerFile, models.CASCADE, related_name="duty_months")
    month = models.DateField(_("month"))  # the first day of the month
    shifts = models.PositiveSmallIntegerField(_("shifts"))
    overtime_hours = models.PositiveSmallIntegerField(_("overtime (hours)"))
    longest_without_rest = models.PositiveSmallIntegerField(
        _("longest stretch without rest (days)")
    )
    sick_days = models.PositiveSmallIntegerField(_("sick leave (days)"))

    class Meta:
        verbose_name = _("month of duty")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "month"], name="dutymonth_once"),
            models.CheckConstraint(
                condition=Q(shifts__lte=31, sick_days__lte=31, longest_without_rest__lte=31)
                & Q(overtime_hours__lte=400),
                name="dutymonth_ranges",
            ),
        ]
