"""Repeats API: repeat places, repeat victims and offenders, and the Knox near-repeat table.

Mounted by senim.config.api at /api/analytics/repeats/. The same services, checks and scope as
the page (senim.analysis.views_repeats); errors as the rest of the analytics API
(senim.analysis.api): {"errors": [{"field", "message"}]}, 400 for a refused value, 422 for a
wrong type, 403 outside the scope or (victims, offenders) without Perm.PERSONS, 404 for an
unknown territory or nothing to analyse. Lists come a page at a time (`page`, from 1). People
are pseudonymous ids only, and every page of people answered is written to the audit log.
See docs/analytics.md, "Repeats and near repeats".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from senim.analysis import areas, params
from senim.analysis import repeats as rp
from senim.analysis.api import RESPONSES, _answer, _area
from senim.analytics.indicators import Period
from senim.core import audit
from senim.core.models import Person, User
from senim.core.permissions import Perm, can

router = Router(tags=["analytics"])
API_PAGE_SIZE = 100


class RepeatFilters(Schema):
    area: str = Field("", description="Region ISO code (KZ-75) or district code; empty: yours")
    date_from: dt.date | None = Field(None, description="First day; default: 365 days to data")
    date_to: dt.date | None = Field(None, description="Last day, inclusive")
    kind: list[str] = Field(
        default_factory=list, description="Offence kinds; default: crime, criminal misdemeanour"
    )


class PlaceFilters(RepeatFilters):
    radius_m: float | None = Field(None, description="Same place within, m (0-100; default 25)")
    min_events: int | None = Field(None, description="Listed from this many offences (default 2)")
    page: int = Field(1, description="Page of 100 places, from 1")


class PeopleFilters(RepeatFilters):
    min_events: int | None = Field(None, description="Listed from this many offences (default 2)")
    page: int = Field(1, description="Page of 100 people, from 1")


class KnoxFilters(RepeatFilters):
    space_m: list[float] = Field(
        default_factory=list, description="Distance band edges, m (default 0,100,200,300,400)"
    )
    time_days: list[float] = Field(
        default_factory=list, description="Time band edges, days (default 0,7,14,21,28)"
    )
    permutations: int | None = Field(None, description="Random shuffles, 19-999 (default 99)")


def _common(user: User, f: RepeatFilters) -> tuple[areas.Area, Period, tuple[str, ...]]:
    area = areas.resolve(user, f.area)
    default = areas.period_ending(areas.last_day(user, area), rp.DEFAULT_DAYS)
    period = params.check_period(f.date_from, f.date_to, default)
    kinds = rp.check_kinds_or_default(params.check_kinds(f.kind))
    return area, period, kinds


def _head(area: areas.Area, period: Period, kinds: tuple[str, ...]) -> dict[str, Any]:
    return {
        "area": _area(area),
        "date_from": period.start,
        "date_to": period.last_day,
        "kinds": list(kinds),
    }


def _page(page: rp.Page) -> dict[str, Any]:
    return {"page": page.number, "pages": page.pages, "total": page.total}


@router.get("/places", response=RESPONSES, summary="Repeat places: offences within a radius")
def places(request: HttpRequest, f: Query[PlaceFilters]) -> Any:
    """Places with at least `min_events` offences chained within `radius_m`, most offences
    first; `offence_ids` are the register's offences there (/api/register/offences/{id})."""

    def work(user: User) -> dict[str, Any]:
        area, period, kinds = _common(user, f)
        settings = rp.settings_from(radius_m=f.radius_m, min_events=f.min_events)
        r = rp.repeat_places_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            radius_m=settings.radius_m,
            min_events=settings.min_events,
        )
        page = rp.paginate("page", r.places, _page_number(f.page), API_PAGE_SIZE)
        return _head(area, period, kinds) | {
            "radius_m": r.radius_m,
            "min_events": r.min_events,
            "n_events": r.n_events,
            "n_located": r.n_located,
            "events_at_repeat_places": r.events_at_repeat_places,
            "share_of_located": r.share_of_located,
            **_page(page),
            "places": list(page.rows),
        }

    return _answer(request, work)


def _page_number(value: int) -> int:
    return rp.page_number("page", value)


def _people(request: HttpRequest, f: PeopleFilters, group: str) -> Any:
    def work(user: User) -> dict[str, Any]:
        if not can(user, Perm.PERSONS):
            raise PermissionDenied(_("Your role does not see person-level data."))
        area, period, kinds = _common(user, f)
        settings = rp.settings_from(min_events=f.min_events)
        r = rp.repeat_people_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            group=group,
            min_events=settings.min_events,
            with_people=True,
        )
        page = rp.paginate("page", r.people, _page_number(f.page), API_PAGE_SIZE)
        if page.rows:
            audit.record(
                action="read",
                model=Person._meta.label,
                details={
                    "purpose": f"repeat {group} of {area.code} (API)",
                    "period": [period.start.isoformat(), period.last_day.isoformat()],
                    "people": [p.person_id for p in page.rows],
                },
                actor=user.get_username(),
            )
        return _head(area, period, kinds) | {
            "min_events": r.min_events,
            "n_people": r.n_people,
            "n_records": r.n_links,
            "n_repeat": r.n_repeat,
            "repeat_records": r.repeat_links,
            **_page(page),
            "people": [
                {
                    "person_id": p.person_id,
                    "pseudonym": p.pseudonym,
                    "events": p.events,
                    "first": p.first,
                    "last": p.last,
                    "offence_ids": list(p.offence_ids),
                }
                for p in page.rows
            ],
        }

    return _answer(request, work)


@router.get("/victims", response=RESPONSES, summary="Repeat victims (person-level roles)")
def victims(request: HttpRequest, f: Query[PeopleFilters]) -> Any:
    """Victims of at least `min_events` of the area's offences, by pseudonym; audit-logged."""
    return _people(request, f, "victims")


@router.get("/offenders", response=RESPONSES, summary="Repeat offenders (person-level roles)")
def offenders(request: HttpRequest, f: Query[PeopleFilters]) -> Any:
    """Identified suspects and offenders of at least `min_events` offences; audit-logged."""
    return _people(request, f, "offenders")


@router.get("/knox", response=RESPONSES, summary="Knox near-repeat table with p-values")
def knox(request: HttpRequest, f: Query[KnoxFilters]) -> Any:
    """Pairs of located offences by distance band × band of days between them: observed,
    expected (dates shuffled among the offences), the ratio and the Monte Carlo p-value."""

    def work(user: User) -> dict[str, Any]:
        area, period, kinds = _common(user, f)
        settings = rp.settings_from(
            space_m=f.space_m or None,
            time_days=f.time_days or None,
            permutations=f.permutations,
        )
        r = rp.near_repeats(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            space_edges_m=settings.space_edges_m,
            time_edges_days=settings.time_edges_days,
            permutations=settings.permutations,
        )
        return _head(area, period, kinds) | {
            "n_events": r.n_events,
            "n_located": r.n_located,
            "space_edges_m": list(settings.space_edges_m),
            "time_edges_days": list(settings.time_edges_days),
            "permutations": r.permutations,
            "cells": r.rows,
        }

    return _answer(request, work)
