"""Fixtures of the operational-centre tests: the shipped territory (Almaty's districts), demo-like
units, duty officers of every level, and calls sent through the real intake."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from senim.core.models import District, Region, User
from senim.ops.intake import intake
from senim.ops.models import PatrolUnit
from senim.register.models import Appeal

_ids = itertools.count(1)


@dataclass(frozen=True)
class World:
    almaty: Region
    astana: Region
    d1: District  # two districts of Almaty
    d2: District
    astana_district: District
    duty: User  # duty officer of d1
    duty2: User  # duty officer of d2
    oblast: User  # duty officer of Almaty's centre
    centre: User  # the Centre's duty officer (no territory)
    analyst: User  # national analyst: watches, does not work calls
    admin: User


@functools.cache
def _password() -> str:
    # Hashing is deliberately slow; one hash serves every test user (the browser test signs in).
    return make_password("secret-pass-1")


def make_user(username: str, role: str, **scope: Any) -> User:
    return User.objects.create(username=username, role=role, password=_password(), **scope)


@pytest.fixture
def world(db: Any) -> World:
    almaty = Region.objects.get(iso="KZ-75")
    astana = Region.objects.get(iso="KZ-71")
    d1, d2 = list(District.objects.filter(region=almaty).order_by("code")[:2])
    astana_district = District.objects.filter(region=astana).order_by("code").first()
    assert astana_district is not None
    return World(
        almaty=almaty,
        astana=astana,
        d1=d1,
        d2=d2,
        astana_district=astana_district,
        duty=make_user("duty1", "duty_officer", region=almaty, district=d1),
        duty2=make_user("duty2", "duty_officer", region=almaty, district=d2),
        oblast=make_user("oblast", "duty_officer", region=almaty),
        centre=make_user("centre", "duty_officer"),
        analyst=make_user("analyst", "national_analyst"),
        admin=make_user("admin", "administrator"),
    )


def make_unit(
    district: District, call_sign: str, *, dlat: float = 0.0, dlon: float = 0.0
) -> PatrolUnit:
    now = timezone.now()
    return PatrolUnit.objects.create(
        call_sign=call_sign,
        kind="patrol_car",
        region_id=district.region_id,
        district=district,
        status="available",
        status_since=now,
        lat=district.lat + dlat,
        lon=district.lon + dlon,
        position_at=now,
    )


@pytest.fixture
def send_call(world: World) -> Callable[..., Appeal]:
    """Send one call through the real intake, at a district's centre unless told otherwise."""

    def send(
        district: District | None = None,
        *,
        user: User | None = None,
        category: str = "domestic_conflict",
        channel: str = "call_102",
        received_at: dt.datetime | None = None,
        **extra: Any,
    ) -> Appeal:
        district = district or world.d1
        row = {
            "source_system": "test-102",
            "external_id": f"T-{next(_ids)}",
            "channel": channel,
            "category": category,
            "lat": district.lat,
            "lon": district.lon,
            "district": district.code,
        } | extra
        if received_at is not None:
            row["received_at"] = received_at.isoformat()
        outcome = intake(user=user or world.centre, rows=[row])[0]
        assert outcome.status == 201, outcome.errors
        return Appeal.objects.get(pk=outcome.id)

    return send


@pytest.fixture
def client_of() -> Callable[[User], Client]:
    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


from tests.web.test_browser_drilldown import (  # noqa: E402, F401 (the browser tests' fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)
