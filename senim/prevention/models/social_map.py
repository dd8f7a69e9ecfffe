"""The sector's social map (issue 13 item 2; seed 001, about lines 6415-6433): how many people
and households live in the sector, counted on a date from a named source (the history is kept,
the latest is shown), and the places that matter to its order — schools, licensed premises,
markets, hostels, transport stops — with their address and point on the map."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Region, Sector

# Bounds of a sector's figures (assumed; docs/prevention.md): a service-model sector holds some
# thousands to tens of thousands of residents, so more than this is a typing error, not a sector.
MAX_RESIDENTS = 300_000


class PopulationSource(models.TextChoices):
    AKIMAT = "akimat", _("the akimat's count")
    ROUND = "round", _("the inspector's door-to-door round")
    STATISTICS = "statistics", _("the statistics bureau's data")
    OTHER = "other", _("another source")


class SectorPopulation(models.Model):
    """Residents and households of a sector as counted on a day by a source."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="populations")
    residents = models.PositiveIntegerField(_("residents"))
    households = models.PositiveIntegerField(_("households"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=12, choices=PopulationSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("residents and households of a sector")
        constraints = [
            models.CheckConstraint(
                condition=Q(residents__gte=1, residents__lte=MAX_RESIDENTS)
                & Q(households__gte=1, households__lte=F("residents")),
                name="sector_population_bounded",
            )
        ]


class PlaceKind(Localized):
    """A kind of place on the social map (reference data, senim/prevention/data/place_kinds.csv)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kind of place")


SCHOOL = "school"  # the kind whose places get officers assigned (juveniles.SchoolAssignment)


class Place(models.Model):
    """A place that matters to the sector's order, at a point inside the sector's district."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="places")
    kind = models.ForeignKey(PlaceKind, models.PROTECT, related_name="places")
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind__position", "name", "pk"]
        verbose_name = _("place of the social map")
        indexes = [models.Index(fields=["sector", "kind"], name="place_sector_kind")]

    def __str__(self) -> str:
        return self.name
