"""Domestic-violence risk: the checklist, its levels and the assessments of addresses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Person, Region, Sector
from senim.prevention.models.common import _lang


class DvRiskItem(models.Model):
    """One question of the domestic-violence risk checklist, answered yes or no."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weight = models.PositiveSmallIntegerField(_("weight"))
    text_kk = models.CharField(_("text (Kazakh)"), max_length=300)
    text_ru = models.CharField(_("text (Russian)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("risk item")

    @property
    def text(self) -> str:
        return getattr(self, f"text_{_lang()}", None) or self.text_en


class DvRiskLevel(Localized):
    """A level of risk and the lowest score that reaches it."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    min_score = models.PositiveSmallIntegerField(_("lowest score"))

    class Meta:
        ordering = ["min_score"]
        verbose_name = _("risk level")


class DvAssessment(models.Model):
    """A domestic-violence risk assessment at an address, after an incident or a visit.

    The score is the sum of the weights of the items answered yes; the computed level follows
    from it; the assessor may raise (never lower) the level with a reason. A high level makes
    the operational centres warn on any new call from the address.
    """

    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="dv_assessments")
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    place_key = models.BigIntegerField(db_index=True)
    victim = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="dv_as_victim"
    )
    offender = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="dv_as_offender"
    )
    answers = models.JSONField(_("answers"), default=dict)  # {item code: true/false}
    score = models.PositiveSmallIntegerField(_("score"))
    computed_level = models.ForeignKey(DvRiskLevel, models.PROTECT, related_name="+")
    level = models.ForeignKey(DvRiskLevel, models.PROTECT, related_name="+")
    raised_because = models.TextField(_("why the level was raised"), blank=True, max_length=2000)
    assessed_at = models.DateTimeField(_("assessed at"))
    assessed_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("domestic-violence risk assessment")
        indexes = [models.Index(fields=["sector", "assessed_at"], name="dv_sector_time")]

    def __str__(self) -> str:
        return f"DV-{self.pk:06d}" if self.pk else "DV-new"
