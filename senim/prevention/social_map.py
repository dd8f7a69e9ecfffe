"""The sector's social map: residents and households counted on a date from a source (history
kept, the latest shown), and the places that matter to the sector's order. Reads within the
user's territory; writes one transaction each, audited with codes and ids only.

`passport_extras` is what the sector's passport adds from the social map: the latest count and
its history, the places (for the list and the map), the partners of the sector's district, and
the officers now assigned to its schools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Invalid, NotFound
from senim.core.models import Sector, User
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.prevention.models import (
    Partner,
    Place,
    PlaceKind,
    PopulationSource,
    SchoolAssignment,
    SectorPopulation,
)
from senim.prevention.models.social_map import MAX_RESIDENTS, SCHOOL
from senim.prevention.services import (
    Form,
    _choice,
    _day,
    _point,
    _require,
    log_write,
    sector_for_write,
)

HISTORY = 10  # earlier counts shown under the latest


def places(user: User) -> QuerySet[Place]:
    return scoped(user, Place.objects.select_related("kind", "sector", "district", "region"))


def populations(user: User) -> QuerySet[SectorPopulation]:
    return scoped(user, SectorPopulation.objects.select_related("sector"))


def count(form: Form, name: str, *, top: int) -> int:
    """A whole number from 1 to `top` (ASCII digits: not "-5", "1e3" or "²")."""
    raw = str(form.get(name) or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        raise Invalid(name, _("is required"))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not 1 <= int(raw) <= top:
        raise Invalid(name, _("must be a whole number from 1 to %(top)s") % {"top": f"{top:,}"})
    return int(raw)


def population_record(
    *, user: User, form: Form, now: dt.datetime | None = None
) -> SectorPopulation:
    """Residents and households of a sector on a day, from a source; earlier counts stay."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    sector = sector_for_write(user, str(form.get("sector") or ""))
    residents = count(form, "residents", top=MAX_RESIDENTS)
    households = count(form, "households", top=MAX_RESIDENTS)
    if households > residents:
        raise Invalid("households", _("There cannot be more households than residents."))
    as_of = _day(form, "as_of", today=today)
    source = _choice(form, "source", PopulationSource)
    note = clean_text(form.get("note"), field="note", max_length=300)
    with transaction.atomic():
        row = SectorPopulation.objects.create(
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            residents=residents,
            households=households,
            as_of=as_of,
            source=source,
            note=note,
            created_by=user.get_username(),
        )
        log_write(user, "create", row, {"sector": sector.code, "source": source})
    return row


def place_save(*, user: User, form: Form, pk: int | None = None) -> Place:
    """Add a place to a sector of the user's territory, or change one (its sector stays)."""
    _require(user)
    if pk is None:
        sector = sector_for_write(user, str(form.get("sector") or ""))
        place = Place(
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            created_by=user.get_username(),
        )
    else:
        found = places(user).filter(pk=pk).first()
        if found is None:
            raise NotFound("", _("No such place in your territory."))
        place, sector = found, found.sector
        # Within the user's territory, but an inspector changes only their own sector's places.
        sector_for_write(user, sector.code)
    kind = PlaceKind.objects.filter(code=str(form.get("kind") or "").strip(), active=True).first()
    if kind is None:
        raise Invalid("kind", _("Unknown kind of place."))
    moves_school = pk is not None and place.kind.code == SCHOOL and kind.code != SCHOOL
    if moves_school and (place.assignments.exists() or place.programmes.exists()):
        raise Invalid("kind", _("Officers or programmes are recorded at this school."))
    place.kind = kind
    place.name = clean_text(form.get("name"), field="name", max_length=300, required=True)
    place.address = clean_text(form.get("address"), field="address", max_length=300, required=True)
    place.lat, place.lon = _point(form, sector)
    place.contact = clean_text(form.get("contact"), field="contact", max_length=200)
    place.notes = clean_text(form.get("notes"), field="notes", max_length=2000)
    with transaction.atomic():
        place.save()
        log_write(
            user,
            "create" if pk is None else "update",
            place,
            {"sector": sector.code, "kind": kind.code},
        )
    return place


@dataclass
class SocialMap:
    """What the sector's passport shows from the social map."""

    population: SectorPopulation | None
    history: list[SectorPopulation] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    officers: dict[int, SchoolAssignment] = field(default_factory=dict)  # place id → in force
    kinds: list[tuple[str, int]] = field(default_factory=list)  # kind name → places
    programmes: int = 0  # programmes for juveniles of the sector's district running today
    reached: int = 0  # children they reached in this year's periods

    @property
    def rows(self) -> list[tuple[Place, SchoolAssignment | None]]:
        """Each place with the officer assigned to it now (schools only)."""
        return [(p, self.officers.get(p.pk)) for p in self.places]

    @property
    def per_household(self) -> float | None:
        p = self.population
        return round(p.residents / p.households, 1) if p and p.households else None


def passport_extras(user: User, sector: Sector, *, today: dt.date | None = None) -> SocialMap:
    from senim.prevention.partnership import partners

    today = today or timezone.localdate()
    counts = list(
        SectorPopulation.objects.filter(sector=sector).order_by("-as_of", "-pk")[: HISTORY + 1]
    )
    out = SocialMap(population=counts[0] if counts else None, history=counts[1:])
    out.places = list(
        Place.objects.filter(sector=sector)
        .select_related("kind")
        .order_by("kind__position", "name")
    )
    out.partners = list(
        partners(user).filter(
            Q(district_id=sector.district_id)
            | Q(district__isnull=True, region_id=sector.district.region_id)
        )[:100]
    )
    in_force = (
        SchoolAssignment.objects.filter(place__sector=sector, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("officer")
    )
    out.officers = {a.place_id: a for a in in_force}
    from senim.prevention.models import Programme, Reach

    out.programmes = (
        Programme.objects.filter(district_id=sector.district_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .count()
    )
    out.reached = (
        Reach.objects.filter(district_id=sector.district_id, period_end__year=today.year).aggregate(
            n=Sum("children")
        )["n"]
        or 0
    )
    tally: dict[str, int] = {}
    for p in out.places:
        tally[p.kind.name] = tally.get(p.kind.name, 0) + 1
    out.kinds = list(tally.items())
    return out


def map_points(social: SocialMap) -> list[dict[str, Any]]:
    """The places as points of the sector's map (their own colour, `kind: "place"`)."""
    return [
        {"kind": "place", "name": f"{p.kind.name}: {p.name}", "value": [p.lon, p.lat]}
        for p in social.places
    ]
