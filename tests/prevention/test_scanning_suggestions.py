"""Scanning suggests near-repeat clusters and repeat victims and offenders of the sector, beside
hot spots and repeat places, without naming anyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import Person
from senim.prevention import sara
from senim.register.models import Article, Offence, OffenceParty
from tests.prevention.conftest import Place

pytestmark = pytest.mark.django_db
METRES = 1 / 111_000


def _offence(place: Place, n: int, at: dt.datetime, dlat_m: float, dlon_m: float) -> Offence:
    return Offence.objects.create(
        source_system="test",
        external_id=f"S-{n:04d}",
        kind="crime",
        article=Article.objects.first(),
        occurred_at=at - dt.timedelta(hours=1),
        registered_at=at,
        place_type="street",
        status="registered",
        region=place.almaty,
        district=place.d1,
        sector=place.s1,
        lat=place.s1.lat + dlat_m * METRES,
        lon=place.s1.lon + dlon_m * METRES * 1.37,
    )


def test_near_repeats_and_repeat_people_are_suggested(place: Place, monkeypatch: Any) -> None:
    monkeypatch.setattr(sara, "hotspot_map", lambda **kw: (_ for _ in ()).throw(ValueError()))
    now = timezone.now()
    # A near-repeat cluster: four offences 120 m apart over ten days, three months ago.
    cluster = [
        _offence(place, i, now - dt.timedelta(days=90 - 3 * i), 0, 120 * i) for i in range(4)
    ]
    # The same victim in three offences months apart and far apart (no place or cluster).
    victim, offender = Person.objects.create(), Person.objects.create()
    spread = [
        _offence(place, 10 + i, now - dt.timedelta(days=30 + 60 * i), 900 * (i + 1), -900)
        for i in range(3)
    ]
    for o in spread:
        OffenceParty.objects.create(offence=o, person=victim, role="victim")
    for o in cluster[:2]:
        OffenceParty.objects.create(offence=o, person=offender, role="offender")
    found = sara.suggestions(place.admin, place.s1, now=now)
    by_origin = {s.origin: s for s in found}
    assert by_origin["near_repeat"].events == 4
    assert by_origin["repeat_victim"].events == 3
    assert by_origin["repeat_offender"].events == 2
    # The victim's suggestion sits at their latest offence; no person id in any label.
    latest = spread[0]
    assert by_origin["repeat_victim"].lat == pytest.approx(latest.lat)
    assert all(str(victim) not in s.label and str(offender) not in s.label for s in found)
