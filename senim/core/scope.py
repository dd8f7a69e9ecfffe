"""Territorial scopes: who sees which regions, districts and sectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from senim.core.models import User

M = TypeVar("M", bound=Model)

# Roles that may hold a nation-wide scope; every other role must be pinned to a territory.
# A duty officer works at the Centre (no territory), an oblast centre (a region) or a district.
NATIONAL_ROLES = {
    "national_analyst",
    "administrator",
    "npm_monitor",
    "duty_officer",
    "internal_security",
    "psychologist",
}
# The narrowest level each role is normally pinned to.
ROLE_LEVEL = {
    "regional_analyst": "region",
    "prosecutor": "region",
    "supervisor": "region",
    "district_inspector": "sector",
}


def validate_scope(user: User) -> None:
    level = ROLE_LEVEL.get(user.role)
    if level == "sector" and not user.sector_id:
        raise ValidationError({"sector": _("A district inspector is scoped to a sector.")})
    if level == "region" and not (user.region_id or user.district_id or user.sector_id):
        raise ValidationError({"region": _("This role is scoped to a region.")})
    district = user.district if user.district_id else None
    if district is not None and user.region_id and district.region_id != user.region_id:
        raise ValidationError({"district": _("The district is not in the user's region.")})


def scope_level(user: User) -> str:
    """'national', 'region', 'district', 'sector' or 'none' (an unscoped non-national user)."""
    if user.sector_id:
        return "sector"
    if user.district_id:
        return "district"
    if user.region_id:
        return "region"
    if user.is_superuser or user.role in NATIONAL_ROLES:
        return "national"
    return "none"


def scoped(user: User, queryset: QuerySet[M], *, prefix: str = "") -> QuerySet[M]:
    """Restrict a queryset of territorial records (with region/district/sector fields)."""
    level = scope_level(user)
    if level == "national":
        return queryset
    if level == "none":
        return queryset.none()
    target = getattr(user, f"{level}_id")
    return queryset.filter(**{f"{prefix}{level}_id": target})


def allowed_region_ids(user: User) -> set[int] | None:
    """None means every region."""
    if scope_level(user) == "national":
        return None
    return {user.region_id} if user.region_id else set()


def require_region(user: User, region_id: int) -> None:
    allowed = allowed_region_ids(user)
    if allowed is not None and region_id not in allowed:
        raise PermissionDenied(_("This region is outside your scope."))


def require_district(user: User, district_id: int, region_id: int) -> None:
    require_region(user, region_id)
    if scope_level(user) in {"district", "sector"} and user.district_id != district_id:
        raise PermissionDenied(_("This district is outside your scope."))


def point_outside_scope(user: User, lat: float | None, lon: float | None) -> str | None:
    """The level ("region", "district", "sector") at which a point lies outside the user's
    territory, or None when it lies inside or cannot be placed. A write is judged by its stated
    codes and by its coordinates alike, so a record cannot be filed under one's own codes with a
    point in another region. A point no polygon holds is left to the meaning checks (it is
    refused there as outside Kazakhstan), not called someone else's."""
    level = scope_level(user)
    if level == "national" or lat is None or lon is None:
        return None
    if level == "none":
        return "region"
    import math

    import numpy as np

    from senim.core.geo import locator

    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    where = locator().locate(np.array([lat]), np.array([lon]))
    found = {
        "region": int(where.region_ids[0]),
        "district": int(where.district_ids[0]),
        "sector": int(where.sector_ids[0]),
    }
    if not found["region"]:
        return None
    for name in ("region", "district", "sector"):
        mine = getattr(user, f"{name}_id")
        if mine and found[name] and found[name] != mine:
            return name
        if name == level:
            break
    return None
