"""The indicator table counts, rates and compares offences per territory, within the user's scope.

Built on the shipped reference territory (20 regions, their districts) with offences made here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from senim.core.models import District, Region, RegionPopulation, Sector, User
from senim.register.indicators import IndicatorTable, default_period, indicators, locate
from senim.register.models import Article, Offence

pytestmark = pytest.mark.django_db
ALMATY_TZ = dt.timezone(dt.timedelta(hours=5))
Y2025: dict[str, Any] = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2026, 1, 1)}


def add(region: str, district: str | None, article: str, when: dt.datetime, n: int = 1) -> None:
    """n offences of `article` registered at `when` (a local Almaty time)."""
    r = Region.objects.get(iso=region)
    d = District.objects.get(code=district) if district else None
    a = Article.objects.get(code=article)
    start = Offence.objects.count()
    Offence.objects.bulk_create(
        Offence(
            source_system="test",
            external_id=f"T-{start + i}",
            kind=a.kind,
            article=a,
            occurred_at=when,
            registered_at=when,
            place_type="street",
            status="registered",
            region=r,
            district=d,
        )
        for i in range(n)
    )


def local(y: int, m: int = 6, d: int = 15, h: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=ALMATY_TZ)


def build_world() -> None:
    """Almaty (KZ-75) with a history; Astana (KZ-71) new this year; one record without a district."""
    RegionPopulation.objects.filter(region__iso="KZ-75", year=2025).update(
        population=2_000_000, is_placeholder=False
    )
    add("KZ-75", "KZ-75-ALMALY", "UK-188", local(2025), 7)  # theft: crime, medium, chapter 6
    add("KZ-75", "KZ-75-ALMALY", "UK-99", local(2025), 1)  # murder: crime, especially grave, ch. 1
    add("KZ-75", "KZ-75-ALMALY", "UK-108", local(2025), 2)  # criminal misdemeanour, ch. 1
    add("KZ-75", "KZ-75-BOSTANDYK", "KoAP-434", local(2025), 5)  # administrative
    add("KZ-75", None, "UK-188", local(2025), 1)
    add("KZ-75", "KZ-75-ALMALY", "UK-188", local(2024), 8)
    add("KZ-75", "KZ-75-ALMALY", "UK-188", local(2023), 6)
    add("KZ-75", "KZ-75-ALMALY", "UK-188", local(2022), 4)
    add("KZ-71", None, "UK-188", local(2025), 3)


def make_user(role: str = "national_analyst", **scope: Any) -> User:
    u = User(username=f"u{User.objects.count()}", role=role, **scope)
    u.set_password("secret-pass-1")
    u.full_clean(exclude=["password"])
    u.save()
    return u


@pytest.fixture
def world() -> None:
    build_world()


@pytest.fixture
def user() -> Callable[..., User]:
    return make_user


def row(table: IndicatorTable, code: str) -> Any:
    return next(r for r in table.rows if r.place.code == code)


def test_national_table_has_every_region_with_volume_rate_and_changes(
    world: None, user: Any
) -> None:
    table = indicators(user=user(), level="national", kinds=None, **Y2025)
    assert len(table.rows) == 20 and table.child_level == "region"
    almaty = row(table, "KZ-75")
    assert almaty.dynamics.volume == 16
    assert almaty.rate == pytest.approx(16 * 100_000 / 2_000_000)
    assert almaty.population_is_placeholder is False
    assert almaty.dynamics.previous_year == 8
    assert almaty.dynamics.vs_previous_year.absolute == 8
    assert almaty.dynamics.vs_previous_year.percent == pytest.approx(100.0)
    assert almaty.dynamics.average_3y == pytest.approx(6.0)  # (8 + 6 + 4) / 3
    assert almaty.dynamics.vs_average_3y.percent == pytest.approx(10 / 6 * 100)
    astana = row(table, "KZ-71")
    assert astana.dynamics.volume == 3 and astana.dynamics.vs_previous_year.percent is None
    assert astana.population_is_placeholder  # the shipped figures are placeholders
    assert table.total.dynamics.volume == 19 and table.total.drill is None
    assert almaty.drill == {"region": "KZ-75"}


def test_region_table_lists_its_districts_and_the_unassigned_records(
    world: None, user: Any
) -> None:
    region = Region.objects.get(iso="KZ-75")
    table = indicators(user=user(), level="region", region_id=region.pk, kinds=None, **Y2025)
    codes = [r.place.code for r in table.rows]
    assert set(codes[:-1]) == set(
        District.objects.filter(region=region).values_list("code", flat=True)
    )
    almaly = row(table, "KZ-75-ALMALY")
    assert almaly.dynamics.volume == 10
    assert almaly.rate == pytest.approx(10 * 100_000 / 220_000)
    assert almaly.drill == {"region": "KZ-75", "district": "KZ-75-ALMALY"}
    unassigned = table.rows[-1]
    assert unassigned.place.level == "unassigned" and unassigned.dynamics.volume == 1
    assert table.total.dynamics.volume == 16
    assert table.total.rate == pytest.approx(0.8)
    assert table.has_placeholder  # district populations are placeholders


def test_district_without_sectors_is_its_own_row_and_with_sectors_lists_them(
    world: None, user: Any
) -> None:
    d = District.objects.get(code="KZ-75-ALMALY")
    args: dict[str, Any] = {
        "level": "district",
        "region_id": d.region_id,
        "district_id": d.pk,
        "kinds": None,
    }
    table = indicators(user=user(), **args, **Y2025)
    assert table.child_level == "self" and [r.dynamics.volume for r in table.rows] == [10]
    assert table.displayed_rows == table.rows  # no total repeating the only row
    sector = Sector.objects.create(
        district=d, code="KZ-75-ALMALY-S01", number=1, lat=43.2, lon=76.9
    )
    Offence.objects.filter(district=d, registered_at__year=2025).update(sector=sector)
    table = indicators(user=user(), **args, **Y2025)
    assert table.child_level == "sector" and row(table, "KZ-75-ALMALY-S01").dynamics.volume == 10
    assert row(table, "KZ-75-ALMALY-S01").rate is None  # sectors have no population
    assert table.total.rate == pytest.approx(10 * 100_000 / 220_000)


def test_periods_are_local_calendar_days(user: Any) -> None:
    add("KZ-71", None, "UK-188", local(2025, 12, 31, 23, 30))  # 18:30 UTC, still 2025 locally
    add("KZ-71", None, "UK-188", local(2026, 1, 1, 0, 30))  # 2025-12-31 19:30 UTC, but 2026 here
    table = indicators(user=user(), level="national", kinds=None, **Y2025)
    assert row(table, "KZ-71").dynamics.volume == 1


def test_a_period_not_aligned_to_months_counts_whole_months_and_edge_days(user: Any) -> None:
    # Counted from the monthly table (February) and the daily one (15-31 Jan, 1-9 Mar).
    for when in [
        local(2025, 1, 14, 23, 59),  # before
        local(2025, 1, 15, 0, 1),
        local(2025, 2, 1),
        local(2025, 2, 28, 23, 59),
        local(2025, 3, 9, 23, 59),
        local(2025, 3, 10, 0, 0),  # the end is exclusive
    ]:
        add("KZ-71", None, "UK-188", when)
    add("KZ-71", None, "UK-188", local(2024, 2, 10), 2)  # the same period a year earlier
    period = {"date_from": dt.date(2025, 1, 15), "date_to": dt.date(2025, 3, 10)}
    table = indicators(user=user(), level="national", kinds=None, **period)
    assert row(table, "KZ-71").dynamics.volume == 4
    assert row(table, "KZ-71").dynamics.previous_year == 2
    inside_a_month = {"date_from": dt.date(2025, 1, 15), "date_to": dt.date(2025, 1, 20)}
    table = indicators(user=user(), level="national", kinds=None, **inside_a_month)
    assert row(table, "KZ-71").dynamics.volume == 1


def test_kinds_filter_and_structure(world: None, user: Any) -> None:
    region = Region.objects.get(iso="KZ-75").pk
    only_admin = indicators(
        user=user(), level="region", region_id=region, kinds=["administrative"], **Y2025
    )
    assert only_admin.total.dynamics.volume == 5 and only_admin.kinds == ("administrative",)
    table = indicators(user=user(), level="region", region_id=region, kinds=None, **Y2025)
    assert {s.key: s.count for s in table.by_kind} == {
        "crime": 9,
        "criminal_misdemeanour": 2,
        "administrative": 5,
    }
    assert {s.key: s.count for s in table.by_severity} == {"medium": 8, "especially_grave": 1}
    assert {s.key: s.count for s in table.by_chapter} == {"6": 8, "1": 3}
    assert sum(s.share for s in table.by_kind) == pytest.approx(1.0)
    assert table.chapter_titles["6"]


def test_a_regional_analyst_sees_only_their_region(world: None, user: Any) -> None:
    analyst = user("regional_analyst", region=Region.objects.get(iso="KZ-71"))
    almaty = Region.objects.get(iso="KZ-75").pk
    with pytest.raises(PermissionDenied):
        indicators(user=analyst, level="national", kinds=None, **Y2025)
    with pytest.raises(PermissionDenied):
        indicators(user=analyst, level="region", region_id=almaty, kinds=None, **Y2025)
    own = indicators(user=analyst, level="region", region_id=analyst.region_id, kinds=None, **Y2025)
    assert own.total.dynamics.volume == 3


def test_a_district_user_sees_only_their_district(world: None, user: Any) -> None:
    almaly = District.objects.get(code="KZ-75-ALMALY")
    other = District.objects.get(code="KZ-75-BOSTANDYK")
    officer = user("duty_officer", district=almaly)
    with pytest.raises(PermissionDenied):
        indicators(user=officer, level="region", region_id=almaly.region_id, kinds=None, **Y2025)
    with pytest.raises(PermissionDenied):
        indicators(
            user=officer,
            level="district",
            region_id=other.region_id,
            district_id=other.pk,
            kinds=None,
            **Y2025,
        )
    own = indicators(user=officer, level="district", district_id=almaly.pk, kinds=None, **Y2025)
    assert own.rows[0].dynamics.volume == 10


def test_a_district_inspector_sees_only_their_sector(world: None, user: Any) -> None:
    almaly = District.objects.get(code="KZ-75-ALMALY")
    mine = Sector.objects.create(district=almaly, code="S-MINE", number=1, lat=43.2, lon=76.9)
    other = Sector.objects.create(district=almaly, code="S-OTHER", number=2, lat=43.2, lon=76.9)
    Offence.objects.filter(district=almaly, article__code="UK-188").update(sector=mine)
    Offence.objects.filter(district=almaly, article__code="UK-99").update(sector=other)
    inspector = user("district_inspector", sector=mine)
    table = indicators(user=inspector, level="district", district_id=almaly.pk, kinds=None, **Y2025)
    assert [r.place.code for r in table.rows] == ["S-MINE"]
    assert table.total.dynamics.volume == 7 and table.total.rate is None
    assert {s.key: s.count for s in table.by_kind} == {"crime": 7}


def test_queries_do_not_grow_with_the_number_of_territories(
    world: None, user: Any, django_assert_max_num_queries: Any
) -> None:
    analyst = user()
    with django_assert_max_num_queries(6):
        indicators(user=analyst, level="national", kinds=None, **Y2025)


def test_the_default_period_is_the_last_full_year_in_the_data(world: None, user: Any) -> None:
    add("KZ-71", None, "UK-188", local(2026, 2, 1))
    period = default_period(user(), today=dt.date(2026, 3, 1))
    assert (period.start, period.end) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))


def test_locate_reads_url_codes() -> None:
    region = Region.objects.get(iso="KZ-75")
    district = District.objects.get(code="KZ-75-ALMALY")
    assert locate(region_iso=None, district_code=None) == ("national", None, None)
    assert locate(region_iso="KZ-75", district_code=None) == ("region", region.pk, None)
    assert locate(region_iso="KZ-75", district_code="KZ-75-ALMALY") == (
        "district",
        region.pk,
        district.pk,
    )
    from senim.register.indicators import UnknownTerritory

    with pytest.raises(UnknownTerritory):
        locate(region_iso="KZ-71", district_code="KZ-75-ALMALY")
    with pytest.raises(UnknownTerritory):
        locate(region_iso="KZ-00", district_code=None)
