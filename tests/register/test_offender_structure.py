"""The structure of offenders (seed 001: sex, age, juveniles, repeat, alone or in a group) equals
a hand count of a small register, on the service, the indicators page and the API.

The register (offences registered in 2025 unless told; district D1 of region A unless told):
  O1 03-02  suspects P1 (M, born 2009-01-01: 16) and P2 (F, born 1990-05-05: 34) — a group
  O2 04-01  offender P1 (his second: a repeat offender)
  O3 05-01  offender P3 (M, no birth date); victim P4 (a victim is not an offender)
  O4 06-01  nobody identified
  O5 2024-11-01 suspect P5 (M, born 1980-01-01) — before the period
  O6 07-01  offender P5 (45 at it; a repeat offender through O5)
  O7 08-01  region B: suspect P2
  O8 09-01  administrative offence, offender P3
  O9 10-01  district D2 of region A: offender P2
District D1, 2025, every kind: people P1, P2, P3, P5 — 3 men, 1 woman; ages 16, 34, 45 and one
unknown: 1 juvenile of 3 known; repeat P1, P3 (O3 + O8), P5: 3 of 4; offences with someone
identified O1, O2, O3, O6, O8: 5, one of them (O1) a group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from senim.core.models import Person, User
from senim.register.indicators import offenders
from senim.register.models import Offence, OffenceParty
from tests.register.conftest import Territory

ALMATY = dt.timezone(dt.timedelta(hours=5))
YEAR: dict[str, Any] = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2026, 1, 1)}


@pytest.fixture
def register(territory: Territory, make_offence: Callable[..., Offence]) -> dict[str, Any]:
    t = territory

    def offence(year: int, month: int, day: int, **fields: Any) -> Offence:
        at = dt.datetime(year, month, day, 12, tzinfo=ALMATY)
        return make_offence(registered_at=at, occurred_at=at - dt.timedelta(hours=1), **fields)

    p1 = Person.objects.create(sex="M", birth_date=dt.date(2009, 1, 1))
    p2 = Person.objects.create(sex="F", birth_date=dt.date(1990, 5, 5))
    p3 = Person.objects.create(sex="M")
    p4 = Person.objects.create(sex="F", birth_date=dt.date(1970, 1, 1))
    p5 = Person.objects.create(sex="M", birth_date=dt.date(1980, 1, 1))
    o = {
        1: offence(2025, 3, 2),
        2: offence(2025, 4, 1),
        3: offence(2025, 5, 1),
        4: offence(2025, 6, 1),
        5: offence(2024, 11, 1),
        6: offence(2025, 7, 1),
        7: offence(2025, 8, 1, region=t.region_b, district=t.district_b),
        8: offence(2025, 9, 1, kind="administrative", article=t.admin_article),
        9: offence(2025, 10, 1, district=t.district_a2),
    }
    links = [
        (1, p1, "suspect"), (1, p2, "suspect"), (2, p1, "offender"), (3, p3, "offender"),
        (3, p4, "victim"), (5, p5, "suspect"), (6, p5, "offender"), (7, p2, "suspect"),
        (8, p3, "offender"), (9, p2, "offender"),
    ]  # fmt: skip
    OffenceParty.objects.bulk_create(
        OffenceParty(offence=o[k], person=p, role=role) for k, p, role in links
    )
    return {"offences": o, "people": (p1, p2, p3, p4, p5)}


def _district(user: User, t: Territory, kinds: list[str] | None = None) -> Any:
    return offenders(
        user=user, level="district", region_id=t.region_a.pk, district_id=t.district_a.pk,
        kinds=kinds, **YEAR,
    )  # fmt: skip


def test_a_district_year_by_hand(
    register: dict[str, Any], territory: Territory, users: dict[str, User]
) -> None:
    s = _district(users["national_analyst"], territory)
    assert s.people == 4
    assert [(x.key, x.count) for x in s.by_sex] == [("M", 3), ("F", 1)]
    assert [(x.key, x.count) for x in s.by_age] == [("14_17", 1), ("30_49", 2), ("unknown", 1)]
    assert (s.known_age, s.juveniles) == (3, 1) and s.juvenile_share == pytest.approx(1 / 3)
    assert s.repeat == 3 and s.repeat_share == pytest.approx(3 / 4)
    assert (s.offences, s.group_offences) == (5, 1) and s.group_share == pytest.approx(1 / 5)


def test_kinds_territory_and_period_change_the_count_as_a_hand_count_says(
    register: dict[str, Any], territory: Territory, users: dict[str, User]
) -> None:
    t, analyst = territory, users["national_analyst"]
    crimes = _district(analyst, t, ["crime"])
    # Without the administrative O8, P3 has one offence, and O8 is not counted.
    assert (crimes.people, crimes.repeat, crimes.offences, crimes.group_offences) == (4, 2, 4, 1)
    region = offenders(user=analyst, level="region", region_id=t.region_a.pk, kinds=None, **YEAR)
    # District D2's O9 makes P2 a repeat offender of the region.
    assert (region.people, region.repeat, region.offences) == (4, 4, 6)
    national = offenders(user=analyst, level="national", kinds=None, **YEAR)
    assert (national.people, national.repeat, national.offences) == (4, 4, 7)
    before = offenders(
        user=analyst, level="district", district_id=t.district_a.pk, kinds=None,
        date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 1, 1),
    )  # fmt: skip
    assert (before.people, before.repeat, before.juvenile_share) == (1, 0, 0.0)
    empty = offenders(
        user=analyst, level="district", district_id=t.district_a.pk, kinds=None,
        date_from=dt.date(2023, 1, 1), date_to=dt.date(2024, 1, 1),
    )  # fmt: skip
    assert empty.people == 0 and empty.repeat_share is None and empty.group_share is None


def test_scope_applies(
    register: dict[str, Any], territory: Territory, users: dict[str, User]
) -> None:
    assert _district(users["duty_officer_a"], territory).people == 4
    with pytest.raises(PermissionDenied):
        _district(users["regional_analyst_b"], territory)
    with pytest.raises(PermissionDenied):
        offenders(user=users["regional_analyst_a"], level="national", kinds=None, **YEAR)


def test_the_indicators_page_and_the_api_show_the_hand_count(
    register: dict[str, Any],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    token_client: Callable[[User], Any],
) -> None:
    where = "year=2025&region=KZ-TA&district=KZ-TA-D1"
    body = session_client(users["national_analyst"]).get(f"/indicators/?{where}").content.decode()
    section = body[body.index('id="offender-structure"') :]

    def value(element_id: str) -> str:
        found = re.search(rf'id="{element_id}">([^<]*)<', section)
        assert found, element_id
        return found.group(1)

    assert value("offenders-people") == "4"
    assert value("offenders-juvenile") == "33.3%"
    assert value("offenders-repeat") == "75.0%"
    assert value("offenders-group") == "20.0%"
    by_sex = section[section.index('id="offenders-by-sex"') :]
    rows = re.findall(
        r'<th scope="row" class="text">([^<]+)</th><td>(\d+)</td><td>([\d.]+)%', by_sex
    )
    assert rows[:2] == [("male", "3", "75.0"), ("female", "1", "25.0")]
    by_age = section[section.index('id="offenders-by-age"') :]
    rows = re.findall(r'<th scope="row" class="text">([^<]+)</th><td>(\d+)</td>', by_age)
    assert rows[:3] == [("14–17", "1"), ("30–49", "2"), ("not recorded", "1")]
    assert "P-0" not in section  # counts, never people

    api = token_client(users["national_analyst"])
    data = api.get("/api/indicators/offenders?year=2025&region=KZ-TA&district=KZ-TA-D1").json()
    assert (data["people"], data["juveniles"], data["known_age"]) == (4, 1, 3)
    assert (data["repeat"], data["offences"], data["group_offences"]) == (3, 5, 1)
    assert [(x["key"], x["label"], x["count"]) for x in data["by_sex"]] == [
        ("M", "male", 3), ("F", "female", 1),
    ]  # fmt: skip
    assert data["repeat_share"] == pytest.approx(0.75)
    refused = token_client(users["regional_analyst_b"]).get(
        "/api/indicators/offenders?year=2025&region=KZ-TA"
    )
    assert refused.status_code == 403
    bad = api.get("/api/indicators/offenders?year=2025&kind=theft")
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Құқық бұзушылардың құрылымы"), ("ru", "Структура правонарушителей")],
)
def test_the_structure_speaks_kazakh_and_russian(
    register: dict[str, Any],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    language: str,
    heading: str,
) -> None:
    client = session_client(users["national_analyst"])
    client.cookies["django_language"] = language
    body = client.get("/indicators/?year=2025&region=KZ-TA&district=KZ-TA-D1").content.decode()
    section = body[body.index('id="offender-structure"') :]
    section = re.sub(r"<[^>]+>", " ", section[: section.index("</section>")])
    assert heading in section
    english = ["Structure of offenders", "Identified people", "Juveniles", "Repeat offenders",
               "Group offences", "By sex", "By age", "male", "not recorded", "of known age",
               "A repeat offender"]  # fmt: skip
    assert [e for e in english if e in section] == []
    assert "14–17" in section  # numbers need no translation
