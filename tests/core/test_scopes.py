"""A user sees the regions, districts and sectors of their scope and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from senim.core.models import District, Region, Sector, User
from senim.core.scope import require_district, require_region, scope_level, scoped
from senim.register.models import Article, Offence

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, object]:
    def region(iso: str) -> Region:
        return Region.objects.update_or_create(
            iso=iso,
            defaults={
                "name_kk": iso,
                "name_ru": iso,
                "name_en": iso,
                "kind": "city",
                "lat": 43.0,
                "lon": 77.0,
            },
        )[0]

    a, b = region("KZ-T1"), region("KZ-T2")
    da = District.objects.create(
        region=a,
        code="T1-D1",
        name_kk="d",
        name_ru="d",
        name_en="d",
        kind="city_district",
        lat=43.0,
        lon=77.0,
    )
    da2 = District.objects.create(
        region=a,
        code="T1-D2",
        name_kk="e",
        name_ru="e",
        name_en="e",
        kind="city_district",
        lat=43.1,
        lon=77.1,
    )
    db = District.objects.create(
        region=b,
        code="T2-D1",
        name_kk="f",
        name_ru="f",
        name_en="f",
        kind="city_district",
        lat=44.0,
        lon=78.0,
    )
    sa = Sector.objects.create(district=da, code="T1-D1-S1", number=1, lat=43.0, lon=77.0)
    article = Article.objects.update_or_create(
        code="UK-T",
        defaults={
            "code_kind": "UK",
            "number": "T",
            "title_kk": "t",
            "title_ru": "t",
            "title_en": "t",
            "kind": "crime",
        },
    )[0]
    places = {"a_sector": (a, da, sa), "a_other_district": (a, da2, None), "b": (b, db, None)}
    for name, (r, d, s) in places.items():
        Offence.objects.create(
            region=r,
            district=d,
            sector=s,
            article=article,
            kind="crime",
            occurred_at=WHEN,
            registered_at=WHEN,
            place_type="street",
            status="registered",
            source_system="t",
            external_id=name,
        )
    return {"a": a, "b": b, "da": da, "da2": da2, "db": db, "sa": sa}


def names(user: User) -> set[str]:
    return set(scoped(user, Offence.objects.all()).values_list("external_id", flat=True))


def test_each_level_of_scope_sees_only_its_own_records(world: dict) -> None:
    national = User.objects.create(username="n", role="national_analyst")
    regional = User.objects.create(username="r", role="regional_analyst", region=world["a"])
    duty = User.objects.create(username="d", role="duty_officer", district=world["da2"])
    inspector = User.objects.create(username="i", role="district_inspector", sector=world["sa"])
    assert names(national) == {"a_sector", "a_other_district", "b"}
    assert names(regional) == {"a_sector", "a_other_district"}
    assert names(duty) == {"a_other_district"}
    assert names(inspector) == {"a_sector"}
    # Wider levels are derived when a narrower scope is set.
    assert inspector.district == world["da"] and inspector.region == world["a"]


def test_a_territorial_role_without_a_territory_sees_nothing(world: dict) -> None:
    user = User.objects.create(username="x", role="regional_analyst")
    assert scope_level(user) == "none"
    assert names(user) == set()
    with pytest.raises(ValidationError):
        user.full_clean()


def test_checks_refuse_other_regions_and_districts(world: dict) -> None:
    regional = User.objects.create(username="r", role="regional_analyst", region=world["a"])
    require_region(regional, world["a"].id)
    with pytest.raises(PermissionDenied):
        require_region(regional, world["b"].id)
    duty = User.objects.create(username="d", role="duty_officer", district=world["da"])
    require_district(duty, world["da"].id, world["a"].id)
    with pytest.raises(PermissionDenied):
        require_district(duty, world["da2"].id, world["a"].id)


def test_a_district_outside_the_users_region_is_invalid(world: dict) -> None:
    user = User(username="bad", role="duty_officer", region=world["a"], district=world["db"])
    with pytest.raises(ValidationError, match="not in the user's region"):
        user.full_clean()


def test_reference_data_is_loaded_after_migrate() -> None:
    from senim.core.models import District, FacilityKind, Region, RegionPopulation
    from senim.register.models import Article

    assert Region.objects.count() == 20
    assert set(Region.objects.filter(kind="city").values_list("iso", flat=True)) == {
        "KZ-71",
        "KZ-75",
        "KZ-79",
    }
    assert {"KZ-10", "KZ-33", "KZ-62"} <= set(
        Region.objects.values_list("iso", flat=True)
    )  # the 2022 regions
    assert RegionPopulation.objects.filter(year=2025).count() == 20
    assert District.objects.filter(region__iso="KZ-75").count() == 8
    assert set(FacilityKind.objects.values_list("agency_code", flat=True)) == {
        "mia_police",
        "penitentiary",
        "health",
        "education",
        "social_protection",
        "defence",
        "national_security",
        "other",  # places outside the NPM register that the Ombudsman's representatives visit
    }
    assert Article.objects.get(code="UK-146").title_ru == "Пытки"
