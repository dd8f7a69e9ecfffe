"""Fixtures for register tests: a small territory of its own, users of every role, records.

The territory uses test-only codes (KZ-TA, KZ-TB, UK-T1 …) so tests do not depend on the
shipped reference CSVs and cannot collide with them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from senim.core.api_auth import issue_token
from senim.core.models import District, Region, Sector, User
from senim.register.models import Appeal, Article, Offence

WHEN = dt.datetime(2025, 3, 2, 4, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Territory:
    """Region A with two districts (the first with a sector); region B with one district."""

    region_a: Region
    region_b: Region
    district_a: District
    district_a2: District
    district_b: District
    sector_a: Sector
    sector_b: Sector
    crime_article: Article  # code UK-T1, kind crime
    admin_article: Article  # code KoAP-T1, kind administrative


def _region(iso: str, lat: float, lon: float) -> Region:
    return Region.objects.update_or_create(
        iso=iso,
        defaults={"name_kk": iso, "name_ru": iso, "name_en": iso, "kind": "city"}
        | {"lat": lat, "lon": lon},
    )[0]


def _district(region: Region, code: str, lat: float, lon: float) -> District:
    names = {"name_kk": code, "name_ru": code, "name_en": code}
    return District.objects.update_or_create(
        code=code,
        defaults={"region": region, "kind": "city_district", "lat": lat, "lon": lon} | names,
    )[0]


def _article(code: str, kind: str) -> Article:
    code_kind, number = code.split("-", 1)
    titles = {"title_kk": code, "title_ru": code, "title_en": code}
    return Article.objects.update_or_create(
        code=code, defaults={"code_kind": code_kind, "number": number, "kind": kind} | titles
    )[0]


@pytest.fixture
def territory(db: Any) -> Territory:
    a, b = _region("KZ-TA", 43.25, 76.92), _region("KZ-TB", 51.13, 71.43)
    da = _district(a, "KZ-TA-D1", 43.25, 76.92)
    da2 = _district(a, "KZ-TA-D2", 43.30, 76.80)
    db_ = _district(b, "KZ-TB-D1", 51.13, 71.43)
    sa = Sector.objects.update_or_create(
        code="KZ-TA-D1-S1", defaults={"district": da, "number": 1, "lat": 43.25, "lon": 76.92}
    )[0]
    sb = Sector.objects.update_or_create(
        code="KZ-TB-D1-S1", defaults={"district": db_, "number": 1, "lat": 51.13, "lon": 71.43}
    )[0]
    return Territory(
        region_a=a,
        region_b=b,
        district_a=da,
        district_a2=da2,
        district_b=db_,
        sector_a=sa,
        sector_b=sb,
        crime_article=_article("UK-T1", "crime"),
        admin_article=_article("KoAP-T1", "administrative"),
    )


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: Any) -> MakeUser:
    """make_user(role, region=…, district=…, sector=…) → a saved, active user."""
    counter = itertools.count(1)

    def make(role: str, **scope: Any) -> User:
        user = User(username=f"{role}-{next(counter)}", role=role, **scope)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])  # the role's scope rules apply to fixtures too
        user.save()
        return user

    return make


@pytest.fixture
def users(territory: Territory, make_user: MakeUser) -> dict[str, User]:
    """One user per role; `_a` / `_b` suffixes say which region the scope lies in."""
    t = territory
    return {
        "administrator": make_user("administrator"),
        "national_analyst": make_user("national_analyst"),
        "npm_monitor": make_user("npm_monitor"),
        "regional_analyst_a": make_user("regional_analyst", region=t.region_a),
        "regional_analyst_b": make_user("regional_analyst", region=t.region_b),
        "prosecutor_a": make_user("prosecutor", region=t.region_a),
        "duty_officer_a": make_user("duty_officer", district=t.district_a),
        "duty_officer_b": make_user("duty_officer", district=t.district_b),
        "district_inspector_a": make_user("district_inspector", sector=t.sector_a),
    }


@pytest.fixture
def make_appeal(territory: Territory) -> Callable[..., Appeal]:
    """make_appeal(**fields) → a saved appeal in district A unless told otherwise."""
    counter = itertools.count(1)

    def make(**fields: Any) -> Appeal:
        n = next(counter)
        values: dict[str, Any] = {
            "source_system": "test",
            "external_id": f"A-{n:05d}",
            "channel": "call_102",
            "category": "public_order",
            "status": "received",
            "received_at": WHEN,
            "region": territory.region_a,
            "district": territory.district_a,
        }
        return Appeal.objects.create(**(values | fields))

    return make


@pytest.fixture
def make_offence(territory: Territory) -> Callable[..., Offence]:
    """make_offence(**fields) → a saved registered crime in district A unless told otherwise."""
    counter = itertools.count(1)

    def make(**fields: Any) -> Offence:
        n = next(counter)
        values: dict[str, Any] = {
            "source_system": "test",
            "external_id": f"O-{n:05d}",
            "kind": "crime",
            "article": territory.crime_article,
            "occurred_at": WHEN - dt.timedelta(hours=6),
            "registered_at": WHEN,
            "place_type": "street",
            "status": "registered",
            "region": territory.region_a,
            "district": territory.district_a,
        }
        return Offence.objects.create(**(values | fields))

    return make


@pytest.fixture
def session_client() -> Callable[[User], Client]:
    """A test client signed in as the user through the browser session."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client() -> Callable[[User], Client]:
    """A test client that sends `Authorization: Bearer <token>` and has no session."""

    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})

    return make


from tests.web.test_browser_drilldown import (  # noqa: E402, F401 (the browser tests' fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)
