"""Which territory an analytics page looks at, and whether the user may look at it.

An area is a region (a city of republican significance or an oblast) or one district. A
national role may open any; a regional analyst or prosecutor their region and its districts;
a duty officer or district inspector only their own district (an inspector's events are then
still narrowed to their sector by `scoped`, in the register service). Anything else is
PermissionDenied; an unknown code is AreaNotFound (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.analysis.params import AreaNotFound
from senim.analytics.indicators import Period
from senim.core.models import District, Region, RegionKind, User
from senim.core.scope import require_district, require_region, scope_level
from senim.register.services import last_offence_day


@dataclass(frozen=True)
class Area:
    region: Region
    district: District | None = None

    @property
    def level(self) -> str:
        return "district" if self.district else "region"

    @property
    def code(self) -> str:
        return self.district.code if self.district else self.region.iso

    @property
    def name(self) -> str:
        if self.district:
            return f"{self.district.name} ({self.region.name})"
        return self.region.name

    @property
    def region_id(self) -> int:
        return int(self.region.pk)

    @property
    def district_id(self) -> int | None:
        return None if self.district is None else int(self.district.pk)

    @property
    def centre(self) -> tuple[float, float]:
        """(lat, lon) of the district's or the region's administrative centre."""
        place = self.district or self.region
        return float(place.lat), float(place.lon)


def authorise(user: User, area: Area) -> None:
    """PermissionDenied unless the user's scope covers the whole area."""
    scope = scope_level(user)
    if scope == "none":
        raise PermissionDenied(_("Your account has no territorial scope."))
    if area.district is None:
        require_region(user, area.region_id)
        # A district- or sector-scoped user has a region too, but not all of its districts.
        if scope in {"district", "sector"}:
            raise PermissionDenied(_("This region is outside your scope."))
    else:
        require_district(user, area.district.pk, area.region_id)


def resolve(user: User, code: str, *, field: str = "area") -> Area:
    """The area named by a district code or a region's ISO code ('' = the user's home area)."""
    code = code.strip()
    if not code:
        return home(user)
    district = District.objects.select_related("region").filter(code=code).first()
    if district is not None:
        area = Area(district.region, district)
    else:
        region = Region.objects.filter(iso=code).first()
        if region is None:
            raise AreaNotFound(field, _("No such territory: %(code)s") % {"code": code[:40]})
        area = Area(region)
    authorise(user, area)
    return area


def home(user: User) -> Area:
    """Where a user lands: their district, their region, or (national) the first city."""
    scope = scope_level(user)
    if scope in {"district", "sector"} and user.district_id:
        district = District.objects.select_related("region").get(pk=user.district_id)
        return Area(district.region, district)
    if scope == "region" and user.region_id:
        return Area(Region.objects.get(pk=user.region_id))
    if scope == "national":
        # Hot spots and peaks mean most in a city; the first city by ISO code is stable.
        region = (
            Region.objects.filter(kind=RegionKind.CITY).order_by("iso").first()
            or Region.objects.order_by("iso").first()
        )
        if region is not None:
            return Area(region)
    raise PermissionDenied(_("Your account has no territorial scope."))


def choices(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """Areas the user may open, grouped by region: [(region name, [(code, label)])]."""
    scope = scope_level(user)
    if scope in {"district", "sector"} and user.district_id:
        district = District.objects.select_related("region").get(pk=user.district_id)
        return [(district.region.name, [(district.code, district.name)])]
    regions = Region.objects.order_by("iso")
    if scope == "region" and user.region_id:
        regions = regions.filter(id=user.region_id)
    elif scope != "national":
        return []
    by_region: dict[int, list[tuple[str, str]]] = {}
    for district in District.objects.filter(region__in=regions).order_by("code"):
        by_region.setdefault(district.region_id, []).append((district.code, district.name))
    whole = _("%(region)s — whole region")
    return [
        (r.name, [(r.iso, whole % {"region": r.name}), *by_region.get(r.pk, [])]) for r in regions
    ]


def districts_of(user: User, area: Area) -> list[District]:
    """The districts of the area the user may compare (evaluation targets and controls)."""
    qs = District.objects.filter(region_id=area.region_id).order_by("code")
    if scope_level(user) in {"district", "sector"}:
        qs = qs.filter(id=user.district_id or 0)
    return list(qs)


def last_day(user: User, area: Area) -> dt.date:
    """The last local day with offences in the area, or yesterday when it has none."""
    day = last_offence_day(user=user, region_id=area.region_id, district_id=area.district_id)
    return day or timezone.localdate() - dt.timedelta(days=1)


def period_ending(last: dt.date, days: int) -> Period:
    """The `days` days that end with (and include) `last`."""
    end = last + dt.timedelta(days=1)
    return Period(end - dt.timedelta(days=days), end)
