"""Staff welfare: psychological support and screening. Seen by the psychologist alone."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.integrity.models.staff import OfficerFile


class SupportKind(models.TextChoices):
    CONSULTATION = "consultation", _("individual consultation")
    GROUP = "group", _("group session")
    CRISIS = "crisis", _("crisis support after a critical incident")
    REFERRAL = "referral", _("referral to a clinician")


class SupportContact(models.Model):
    officer = models.ForeignKey(OfficerFile, models.CASCADE, related_name="support_contacts")
    kind = models.CharField(_("kind"), max_length=14, choices=SupportKind.choices)
    on = models.DateField(_("date"))
    by = models.CharField(max_length=150, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("support contact")
        ordering = ["-on", "-id"]


class Screening(models.Model):
    """A PCL-5 screening (PTSD Checklist for DSM-5, US National Center for PTSD, public
    domain): 20 items scored 0-4, total 0-80; 33 or more suggests a follow-up assessment."""

    officer = models.ForeignKey(OfficerFile, models.CASCADE, related_name="screenings")
    on = models.DateField(_("date"))
    score = models.PositiveSmallIntegerField(_("PCL-5 total"))
    by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("screening")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=80), name="screening_pcl5_range")
        ]
