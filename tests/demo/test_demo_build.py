"""`senim demo` is deterministic, idempotent, calibrated, and its points sit in their regions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.models import Facility, FacilityKind, Person, Sector, Unit, User
from senim.demo.builder import build
from senim.demo.calibration import calibration
from senim.register.models import Appeal, Offence, OffenceParty

pytestmark = pytest.mark.django_db
SCALE = 0.01
YEARS = [2022, 2023, 2024, 2025]


def _sample() -> list[tuple[object, ...]]:
    return list(
        Offence.objects.filter(source_system=DEMO_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "lat", "lon", "article_id", "occurred_at", "status")[::97]
    )


def test_the_same_seed_builds_the_same_data_and_rebuilding_replaces_it() -> None:
    first = build(seed=7, scale=SCALE)
    sample, people = _sample(), Person.objects.count()
    second = build(seed=7, scale=SCALE, force=True)
    assert first.counts == second.counts
    assert _sample() == sample
    assert Offence.objects.filter(source_system=DEMO_SOURCE).count() == second.counts["offences"]
    assert Appeal.objects.filter(source_system=DEMO_SOURCE).count() == second.counts["appeals"]
    assert Person.objects.count() == people  # the earlier demo people went with their offences
    other = build(seed=8, scale=SCALE, force=True)
    assert _sample() != sample
    assert Offence.objects.filter(source_system=DEMO_SOURCE).count() == other.counts["offences"]


def test_the_command_skips_an_identical_build_and_force_rebuilds() -> None:
    this_year = timezone.localdate().year
    years = f"{this_year - 2}-{this_year - 1}"
    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--years", years, stdout=out)
    assert "offences" in out.getvalue() and "so far" in out.getvalue()
    units, sectors = Unit.objects.count(), Sector.objects.count()
    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--years", years, stdout=out)
    assert "already built" in out.getvalue()
    call_command("demo", "--scale", str(SCALE), "--years", years, "--force", stdout=io.StringIO())
    assert (Unit.objects.count(), Sector.objects.count()) == (units, sectors)
    zone = timezone.get_default_timezone()
    registered = list(Offence.objects.values_list("registered_at", flat=True))
    # The two full years, then this one up to now.
    assert {this_year - 2, this_year - 1} <= {timezone.localtime(t, zone).year for t in registered}
    assert max(registered) < timezone.now()


def test_national_2025_volumes_follow_the_calibration_and_the_population() -> None:
    build(seed=1, scale=SCALE)
    target = calibration(YEARS).years[2025]
    zone = timezone.get_default_timezone()
    in_2025 = Offence.objects.filter(
        registered_at__gte=dt.datetime(2025, 1, 1, tzinfo=zone),
        registered_at__lt=dt.datetime(2026, 1, 1, tzinfo=zone),
    )
    by_kind = dict(in_2025.values_list("kind").annotate(n=Count("id")))
    assert by_kind["crime"] == pytest.approx(target.crimes * SCALE, rel=0.02)
    assert by_kind["criminal_misdemeanour"] == pytest.approx(target.misdemeanours * SCALE, rel=0.03)
    assert by_kind["administrative"] > by_kind["criminal_misdemeanour"]
    by_region = dict(in_2025.values_list("region__iso").annotate(n=Count("id")))
    assert len(by_region) == 20
    assert by_region["KZ-75"] > by_region["KZ-62"] * 3  # Almaty city vs Ulytau, as the populations
    structure = dict(
        in_2025.filter(kind="crime").values_list("article__code").annotate(n=Count("id"))
    )
    top_two = sorted(structure, key=structure.__getitem__)[-2:]
    assert set(top_two) == {"UK-188", "UK-190"}  # theft and fraud dominate


def test_demo_users_sign_in_with_their_scopes_and_every_sector_has_an_inspector() -> None:
    build(seed=2, scale=SCALE, years=[2025])
    for username in (
        "analyst",
        "almaty_analyst",
        "inspector",
        "duty",
        "prosecutor",
        "npm",
        "admin",
    ):
        assert authenticate(username=username, password="senim-demo") is not None, username
    inspector = User.objects.get(username="inspector")
    assert inspector.sector is not None and inspector.region is not None
    assert inspector.region.iso == "KZ-75" and inspector.officer == inspector.sector.inspector
    assert User.objects.get(username="duty").district is not None
    assert User.objects.get(username="admin").is_superuser
    per_district = dict(
        Sector.objects.filter(district__region__iso="KZ-75")
        .values_list("district__code")
        .annotate(n=Count("id"))
    )
    assert per_district and all(10 <= n <= 20 for n in per_district.values())
    assert not Sector.objects.filter(district__region__iso="KZ-75", inspector=None).exists()
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert kinds >= {
        "ministry",
        "regional_department",
        "district_department",
        "police_point",
        "modular_post",
    }


def test_appeals_come_mostly_by_102_with_realistic_response_times() -> None:
    build(seed=4, scale=SCALE * 3, years=[2025])
    appeals = Appeal.objects.filter(source_system=DEMO_SOURCE)
    channels = dict(appeals.values_list("channel").annotate(n=Count("id")))
    assert channels["call_102"] > 0.6 * sum(channels.values())

    def median_minutes(end: str = "arrived_at", **where: object) -> float:
        rows = appeals.filter(channel="call_102", **{f"{end}__isnull": False}, **where)
        spans = sorted(
            (b - a).total_seconds() / 60
            for a, b in rows.values_list("received_at", end)
            if a is not None and b is not None
        )
        return spans[len(spans) // 2]

    assert 9 <= median_minutes(region__kind="city") <= 18
    assert median_minutes(district__kind="rural_district") > 1.8 * median_minutes(
        region__kind="city"
    )
    assert median_minutes("answered_at") < 0.5  # a 102 call is answered within seconds
    linked = list(Offence.objects.filter(appeal__isnull=False).select_related("appeal")[:200])
    assert linked
    assert all(o.appeal and o.registered_at > o.appeal.received_at for o in linked)


def test_the_demo_city_has_repeat_victims_and_repeat_offenders() -> None:
    build(seed=5, scale=SCALE * 3, years=[2024, 2025])
    victims = OffenceParty.objects.filter(role="victim").values("person").annotate(n=Count("id"))
    offenders = OffenceParty.objects.exclude(role="victim").values("person").annotate(n=Count("id"))
    assert victims.filter(n__gte=2).count() > 10
    assert offenders.filter(n__gte=3).count() > 5
    assert not Person.objects.filter(iin_hash__isnull=True).exists()


def test_facilities_follow_the_2025_counts_split_by_population_without_duplicates() -> None:
    names = {f"{f}_{lang}": "ИВС" for f in ("name", "agency") for lang in ("kk", "ru", "en")}
    FacilityKind.objects.update_or_create(
        code="ivs", defaults={"agency_code": "mia_police", "count_2025": 40, **names}
    )
    build(seed=1, scale=SCALE / 2, years=[2025])
    build(seed=2, scale=SCALE / 2, years=[2025], force=True)
    # The core demo's own isolators; other apps' demo data may add one where a region has none.
    ivs = Facility.objects.filter(kind__code="ivs", name__startswith="ИВС ДП")
    assert ivs.count() == 40
    assert ivs.filter(name="ИВС ДП г. Алматы №1", region__iso="KZ-75").exists()
    assert ivs.filter(name__endswith="области №1").exists()
    assert ivs.filter(region__iso="KZ-75").count() > ivs.filter(region__iso="KZ-62").count()


@pytest.mark.with_app_hooks
def test_each_apps_demo_data_is_removed_in_reverse_and_built_in_order_after_the_register(
    monkeypatch,
) -> None:
    import types

    from senim.demo import builder

    calls: list[tuple[str, str, int]] = []

    def stand_in(name: str) -> types.ModuleType:
        hook = types.ModuleType(f"senim.{name}.demo_data")

        def build(*, seed: int, years: list[int]) -> dict[str, int]:
            # Runs after the register is written: the offences are already there to build on.
            calls.append((name, "build", Offence.objects.count()))
            return {f"{name}_rows": seed}

        hook.build = build  # type: ignore[attr-defined]
        hook.delete = lambda: calls.append((name, "delete", -1))  # type: ignore[attr-defined]
        return hook

    monkeypatch.setattr(builder, "app_hooks", lambda: [stand_in("core"), stand_in("register")])
    summary = build(seed=3, scale=SCALE / 2, years=[2025])
    assert [(name, step) for name, step, _ in calls] == [
        ("register", "delete"),
        ("core", "delete"),
        ("core", "build"),
        ("register", "build"),
    ]
    assert all(n > 0 for _, step, n in calls if step == "build")
    assert summary.counts["core_rows"] == summary.counts["register_rows"] == 3
