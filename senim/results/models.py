"""National thematic results (seed 003's "results of 2025"): seizures, dismantled laboratories,
blocked fraudulent calls, closed call centres, road deaths and the livestock stolen.

What the register already holds is not copied here: organised-crime cases are register offences
counted by article (senim.results.selectors), and a livestock theft is a register theft offence
with an annex naming the animals, which an offence record cannot hold.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Region


class Ranked(Localized):
    """Reference data: a code, names in kk / ru / en, an order for lists."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["rank", "code"]


class DrugKind(Ranked):
    synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta(Ranked.Meta):
        verbose_name = _("drug kind")


class WeaponKind(Ranked):
    class Meta(Ranked.Meta):
        verbose_name = _("weapon kind")


class LivestockKind(Ranked):
    class Meta(Ranked.Meta):
        verbose_name = _("livestock kind")


class TelecomOperator(models.Model):
    """A mobile or fixed-line operator that blocks fraudulent calls (a brand name, one spelling)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("telecom operator")

    def __str__(self) -> str:
        return self.name


class Sourced(models.Model):
    """A loaded record: its key in the source (loads are idempotent on it) and its territory."""

    source_system = models.CharField(_("source system"), max_length=40)
    external_id = models.CharField(_("source number"), max_length=64)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def _source_key(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["source_system", "external_id"], name=name)


class DrugSeizure(Sourced):
    seized_on = models.DateField(_("seized on"))
    drug_kind = models.ForeignKey(DrugKind, models.PROTECT, verbose_name=_("drug kind"))
    weight_kg = models.DecimalField(_("weight, kg"), max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["-seized_on", "-id"]
        verbose_name = _("drug seizure")
        constraints = [
            _source_key("drug_seizure_source_key"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="drug_seizure_weight_gt_0"),
        ]


class WeaponSeizure(Sourced):
    seized_on = models.DateField(_("seized on"))
    weapon_kind = models.ForeignKey(WeaponKind, models.PROTECT, verbose_name=_("weapon kind"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["-seized_on", "-id"]
        verbose_name = _("weapon seizure")
        constraints = [
            _source_key("weapon_seizure_source_key"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="weapon_seizure_quantity_gt_0"
            ),
        ]


class DrugLab(Sourced):
    dismantled_on = models.DateField(_("dismantled on"))
    synthetic = models.BooleanField(_("synthetic drugs"), default=False)

    class Meta:
        ordering = ["-dismantled_on", "-id"]
        verbose_name = _("drug laboratory")
        constraints = [_source_key("drug_lab_source_key")]


class BlockedCalls(Sourced):
    """One operator's monthly report of fraudulent calls blocked (national: no region)."""

    operator = models.ForeignKey(TelecomOperator, models.PROTECT, verbose_name=_("operator"))
    period = models.DateField(_("month"))  # the first day of the month reported
    calls = models.PositiveBigIntegerField(_("calls blocked"))

    class Meta:
        ordering = ["-period", "operator__rank"]
        verbose_name = _("blocked calls report")
        constraints = [
            _source_key("blocked_calls_source_key"),
            # A month is reported once per operator: a second file would double the count.
            models.UniqueConstraint(fields=["operator", "period"], name="blocked_calls_once"),
        ]


class CallCentreClosure(Sourced):
    """A fraudulent call centre closed down; one abroad has no region."""

    closed_on = models.DateField(_("closed on"))
    abroad = models.BooleanField(_("abroad"), default=False)
    country = models.CharField(_("country"), max_length=100, blank=True)

    class Meta:
        ordering = ["-closed_on", "-id"]
        verbose_name = _("call centre closed")
        constraints = [_source_key("call_centre_source_key")]


class RoadAccident(Sourced):
    """A road accident with people killed or injured: the register holds the offence (if any),
    not how many died."""

    occurred_on = models.DateField(_("date"))
    deaths = models.PositiveSmallIntegerField(_("killed"))
    injured = models.PositiveSmallIntegerField(_("injured"), default=0)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("road accident")
        constraints = [
            _source_key("road_accident_source_key"),
            models.CheckConstraint(
                condition=Q(deaths__gt=0) | Q(injured__gt=0), name="road_accident_has_casualties"
            ),
        ]


class LivestockTheft(models.Model):
    """What a register theft offence took: the animals (kind and head count)."""

    offence = models.OneToOneField(
        "register.Offence", models.CASCADE, related_name="livestock", verbose_name=_("offence")
    )
    livestock_kind = models.ForeignKey(
        LivestockKind, models.PROTECT, verbose_name=_("livestock kind")
    )
    heads = models.PositiveIntegerField(_("head"))
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("livestock theft")
        constraints = [
            models.CheckConstraint(condition=Q(heads__gt=0), name="livestock_heads_gt_0"),
        ]
