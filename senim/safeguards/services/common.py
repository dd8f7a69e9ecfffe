"""Pieces shared by the safeguards use cases: scope checks, people, local times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.models import Facility, User
from senim.core.scope import scope_level
from senim.safeguards.access import allowed
from senim.safeguards.errors import Forbidden, Invalid


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is Almaty wall-clock time, as on the facility's forms."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def require(user: User, roles: frozenset[str], message: str) -> None:
    if not allowed(user, roles):
        raise Forbidden("", message)


def in_scope(
    user: User, qs: QuerySet[Any], *, region: str = "region_id", district: str = "district_id"
) -> QuerySet[Any]:
    """The records of the user's territory; `region` / `district` name the lookups to filter.

    Safeguards records have no sectors, so a sector-level user is held to their district.
    """
    level = scope_level(user)
    if level == "national":
        return qs
    if level == "region":
        return qs.filter(**{region: user.region_id})
    if level in {"district", "sector"}:
        return qs.filter(**{district: user.district_id})
    return qs.none()


def facility_for_write(
    user: User, facility_id: int | None, *, field: str = "facility_id"
) -> Facility:
    """The facility, if it exists and lies in the caller's territory."""
    facility = (
        Facility.objects.select_related("region").filter(pk=facility_id).first()
        if facility_id is not None
        else None
    )
    if facility is None:
        raise Invalid(field, _("No facility with id %(id)s.") % {"id": facility_id})
    check_territory(
        user, region_id=facility.region_id, district_id=facility.district_id, field=field
    )
    return facility


def check_territory(
    user: User, *, region_id: int | None, district_id: int | None, field: str
) -> None:
    level = scope_level(user)
    if level == "national":
        return
    if level == "region" and region_id == user.region_id:
        return
    if (
        level in {"district", "sector"}
        and district_id is not None
        and district_id == user.district_id
    ):
        return
    messages = {
        "region": _("the record is outside your region"),
        "district": _("the record is outside your district"),
        "sector": _("the record is outside your district"),
    }
    raise Forbidden(field, messages.get(level, _("your account has no territorial scope")))


def label(model: type[Model]) -> str:
    return model._meta.label
