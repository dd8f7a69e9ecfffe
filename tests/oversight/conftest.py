"""Fixtures for NPM tests: the register tests' two test regions, a group in each and the council,
a few institutions, members with terms covering today, and users of each kind.

Region A (KZ-TA) has an IVS and a colony, region B (KZ-TB) an IVS. `monitor_a` serves in group A,
`monitor_b` in group B, `council` on the coordination council; `admin` is the administrator.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import Facility, FacilityKind, User
from senim.oversight import registry, services
from senim.oversight.models import Body, BodyKind, Institution, Member, Visit
from tests.register.conftest import (  # noqa: F401 (fixtures)
    Territory,
    make_user,
    session_client,
    territory,
    token_client,
)

_codes = itertools.count(1)


@dataclass(frozen=True)
class World:
    group_a: Body
    group_b: Body
    council: Body
    ivs_a: Institution
    colony_a: Institution
    ivs_b: Institution
    member_a: Member
    member_a2: Member
    member_b: Member
    monitor_a: User
    monitor_b: User
    council_user: User
    admin: User


def institution(kind: str, region: Any, **extra: Any) -> Institution:
    n = next(_codes)
    facility = Facility.objects.create(
        name=f"{kind} test №{n}", kind=FacilityKind.objects.get(code=kind), region=region
    )
    defaults = {"included_on": dt.date(2020, 1, 1), "source": "test"}
    return Institution.objects.create(facility=facility, code=f"T-{n:04d}", **(defaults | extra))


def term(body: Body, name: str, user: User | None = None, **dates: dt.date) -> Member:
    start = dates.get("start", timezone.localdate() - dt.timedelta(days=100))
    end = dates.get("end", registry.term_end(start))
    return Member.objects.create(
        body=body, full_name=name, user=user, position="member", term_start=start, term_end=end
    )


@pytest.fixture
def world(territory: Territory, make_user: Callable[..., User]) -> World:  # noqa: F811
    registry.ensure_bodies()
    groups = {b.region_id: b for b in Body.objects.filter(kind=BodyKind.GROUP)}
    council = Body.objects.get(kind=BodyKind.COUNCIL)
    group_a, group_b = groups[territory.region_a.pk], groups[territory.region_b.pk]
    monitor_a, monitor_b = make_user("npm_monitor"), make_user("npm_monitor")
    council_user = make_user("npm_monitor")
    term(council, "Council Member", council_user)
    return World(
        group_a=group_a,
        group_b=group_b,
        council=council,
        ivs_a=institution("ivs", territory.region_a),
        colony_a=institution("colony", territory.region_a),
        ivs_b=institution("ivs", territory.region_b),
        member_a=term(group_a, "Aigerim A.", monitor_a),
        member_a2=term(group_a, "Bolat B."),
        member_b=term(group_b, "Dana D.", monitor_b),
        monitor_a=monitor_a,
        monitor_b=monitor_b,
        council_user=council_user,
        admin=make_user("administrator"),
    )


RecordVisit = Callable[..., Visit]


@pytest.fixture
def record_visit(world: World) -> RecordVisit:
    """record_visit(**overrides) → a visit by monitor A to region A's IVS yesterday."""

    def record(**overrides: Any) -> Visit:
        args: dict[str, Any] = {
            "user": world.monitor_a,
            "group_id": world.group_a.pk,
            "institution_id": world.ivs_a.pk,
            "visited_on": timezone.localdate() - dt.timedelta(days=1),
            "unannounced": True,
            "team_ids": [world.member_a.pk, world.member_a2.pk],
            "interviews_private": 4,
        }
        return services.record_visit(**(args | overrides))

    return record
