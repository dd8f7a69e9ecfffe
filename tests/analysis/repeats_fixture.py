"""A small hand-countable register for the repeats tests (pages, API, browser).

In district D1 of region A, March 2025 (crimes unless told):
  place A  — 3 offences at 43.25 N 76.92 E and 1 about 10 m east: one place of 4 (25 m radius);
             one administrative offence there too (not counted with the default kinds);
  place B  — 2 offences at 43.26 N 76.93 E;
  singles  — 3 offences kilometres apart, and 1 without coordinates;
  district D2 — 1 offence at place A's point (outside D1; inside region A).
People: victim V1 in 3 offences (two at A, one single), V2 in 1; suspect O1 in 2 offences, and
also recorded as the offender of one of them (counted once); offender O2 in 1.
So, for D1: 10 crimes (9 located), repeat places A (4) and B (2): 6 of 9 located; repeat
victims 1 of 2 (3 of 4 victimisations); repeat offenders 1 of 2 (2 of 3 participations).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from senim.core.models import Person
from senim.register.models import Offence, OffenceParty
from tests.register.conftest import Territory

ALMATY = dt.timezone(dt.timedelta(hours=5))
PLACE_A = (43.25, 76.92)
PLACE_A_NEAR = (43.25, 76.92012)  # 76.92012 - 76.92 = 0.00012° ≈ 9.7 m east at 43.25 N
PLACE_B = (43.26, 76.93)
SINGLES = [(43.23, 76.95), (43.27, 76.89), (43.21, 76.90)]
DATE_FROM, DATE_TO = "2025-03-01", "2025-03-31"


@dataclass(frozen=True)
class Repeats:
    place_a: list[Offence]
    place_b: list[Offence]
    singles: list[Offence]
    unlocated: Offence
    administrative: Offence
    other_district: Offence
    v1: Person
    v2: Person
    o1: Person
    o2: Person

    @property
    def place_a_key(self) -> int:
        return min(o.pk for o in self.place_a)


def _at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, tzinfo=ALMATY)


def lay_repeats(t: Territory) -> Repeats:
    counter = iter(range(1, 1000))

    def offence(point: tuple[float, float] | None, day: int, **fields: object) -> Offence:
        lat, lon = point if point else (None, None)
        values: dict[str, object] = {
            "source_system": "test",
            "external_id": f"R-{next(counter):04d}",
            "kind": "crime",
            "article": t.crime_article,
            "occurred_at": _at(day) - dt.timedelta(hours=1),
            "registered_at": _at(day),
            "place_type": "street",
            "status": "registered",
            "region": t.region_a,
            "district": t.district_a,
            "lat": lat,
            "lon": lon,
        }
        return Offence.objects.create(**(values | fields))

    place_a = [
        offence(PLACE_A, 2),
        offence(PLACE_A, 5),
        offence(PLACE_A, 9),
        offence(PLACE_A_NEAR, 10),
    ]
    place_b = [offence(PLACE_B, 3), offence(PLACE_B, 20)]
    singles = [offence(p, 4 + k * 7) for k, p in enumerate(SINGLES)]
    unlocated = offence(None, 15)
    administrative = offence(PLACE_A, 6, kind="administrative", article=t.admin_article)
    other_district = offence(PLACE_A, 7, district=t.district_a2)
    v1 = Person.objects.create(birth_date=dt.date(1980, 5, 1), sex="F")
    v2 = Person.objects.create(birth_date=dt.date(1990, 1, 1), sex="M")
    o1 = Person.objects.create(birth_date=dt.date(2008, 6, 1), sex="M")
    o2 = Person.objects.create(birth_date=dt.date(1975, 2, 2), sex="M")
    links = [
        (place_a[0], v1, "victim"),
        (place_a[1], v1, "victim"),
        (singles[0], v1, "victim"),
        (place_b[0], v2, "victim"),
        (place_a[0], o1, "suspect"),
        (place_a[0], o1, "offender"),
        (place_b[1], o1, "suspect"),
        (singles[1], o2, "offender"),
    ]
    OffenceParty.objects.bulk_create(
        OffenceParty(offence=o, person=p, role=role) for o, p, role in links
    )
    return Repeats(
        place_a, place_b, singles, unlocated, administrative, other_district, v1, v2, o1, o2
    )


def query(area: str = "KZ-TA-D1", **extra: str) -> str:
    params = {"area": area, "date_from": DATE_FROM, "date_to": DATE_TO} | extra
    return "&".join(f"{k}={v}" for k, v in params.items())
