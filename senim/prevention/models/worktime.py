"""The district inspector's working time by activity: the time-keeping that measures where an
inspector's day goes (seed 001 reports the pilot's time saved on administrative cases and the
preventive register; here it is measured per inspector per month, not assumed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Region, Sector


class Activity(models.TextChoices):
    ADMIN_CASES = "admin_cases", _("administrative cases")
    PREVENTIVE_REGISTER = "preventive_register", _("preventive register")
    APPEALS = "appeals", _("appeals and calls")
    RESIDENTS = "residents", _("meetings and visits to residents")
    PATROL = "patrol", _("patrolling the sector")
    SCHOOLS = "schools", _("work in schools")
    PAPERWORK = "paperwork", _("reports and paperwork")
    TRAINING = "training", _("training")
    OTHER = "other", _("other duties")


class TimeEntry(models.Model):
    """Minutes an inspector spent on one activity on one day in their sector."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    activity = models.CharField(_("activity"), max_length=24, choices=Activity.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("working time entry")
        ordering = ["-day", "id"]
        indexes = [
            models.Index(fields=["inspector", "day"], name="worktime_inspector_day"),
            models.Index(fields=["district", "day"], name="worktime_district_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="worktime_minutes_in_day"
            ),
        ]

    @property
    def duration(self) -> str:
        """Hours and minutes, as an inspector writes them: 2:05."""
        return f"{self.minutes // 60}:{self.minutes % 60:02d}"
