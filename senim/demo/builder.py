"""The synthetic demo: territory details, units, users, four years of offences and appeals.

Everything here is synthetic and deterministic for a given seed, scale, years and end day;
docs/demo.md says what is calibrated to which seed figure and what is assumed. `senim demo`
continues the register from the last full year up to today (`through`), so "overdue" and "next
week" mean something on any day.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
from django.apps import apps
from django.core.cache import cache
from django.db import transaction

from senim.core.geo import place_keys, reset_locator
from senim.core.models import Unit
from senim.demo import appeals as appeal_gen
from senim.demo import db
from senim.demo import offences as offence_gen
from senim.demo import outcomes as outcome_gen
from senim.demo import parties as party_gen
from senim.demo.articles import article_book
from senim.demo.calibration import calibration
from senim.demo.cities import city_models, region_shares
from senim.demo.common import GENERATOR_VERSION, LOCAL_ZONE, PASSWORD
from senim.demo.models import DemoBuild
from senim.demo.territory import build_facilities, build_officers, build_sectors, build_units
from senim.demo.users import build_users
from senim.register.models import Appeal, Offence

DEFAULT_SEED = 2025
DEFAULT_YEARS = [2022, 2023, 2024, 2025]
FULL_YEARS = 4  # the command's default: the four full years before the running one

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "PASSWORD",
    "DemoSummary",
    "build",
    "default_years",
    "existing",
]


def default_years(today: dt.date) -> list[int]:
    """The full calendar years the command builds by default: the four before today's."""
    return list(range(today.year - FULL_YEARS, today.year))


def running_year(years: list[int], through: dt.datetime | None) -> int | None:
    """The year continued up to `through`: the one right after the last full year, if any."""
    if through is None or not years:
        return None
    year = through.astimezone(LOCAL_ZONE).year
    return year if year == max(years) + 1 else None


@dataclass
class DemoSummary:
    seed: int
    scale: float
    years: list[int]
    through: dt.datetime | None = None  # the register runs up to here (the running year)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False


def app_hooks() -> list[ModuleType]:
    """The `demo_data` module of every other Senim app that has one, in INSTALLED_APPS order.

    Each has `build(*, seed, years) -> dict[str, int]` (counts for the summary), run after the
    register is filled, and `delete()`, which removes what its build made. An app's demo data
    lives with the app; this command only runs it.
    """
    hooks = []
    for config in apps.get_app_configs():
        if not config.name.startswith("senim.") or config.name == "senim.demo":
            continue
        try:
            hooks.append(importlib.import_module(f"{config.name}.demo_data"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo_data":
                raise
    return hooks


def _app_label(hook: ModuleType) -> str:
    """'senim.oversight.demo_data' → 'oversight'."""
    return hook.__name__.rsplit(".", 2)[-2]


def _years_key(years: list[int], through: dt.datetime | None = None) -> str:
    """'2022,2023,2024,2025', and '+2026-12-07' when the register runs on to that day."""
    key = ",".join(str(y) for y in sorted(years))
    if running_year(years, through) is not None and through is not None:
        key += f"+{through.astimezone(LOCAL_ZONE):%Y-%m-%d}"
    return key


def existing(
    *, seed: int, scale: float, years: list[int], through: dt.datetime | None = None
) -> DemoBuild | None:
    """The recorded build with exactly these parameters and this generator, if any (a build that
    ran up to an earlier day is not the same: its calendar would end then)."""
    build_ = DemoBuild.objects.order_by("-pk").first()
    if (
        build_
        and build_.seed == seed
        and build_.scale == scale
        and build_.years == _years_key(years, through)
        and build_.version == GENERATOR_VERSION
        and Offence.objects.filter(source_system="demo").exists()
    ):
        return build_
    return None


def build(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    years: list[int] | None = None,
    through: dt.datetime | None = None,
    force: bool = True,
    log: bool = False,
) -> DemoSummary:
    """Replace the demo rows with a fresh build, or skip if an identical one exists and not force.

    `years` are full calendar years. With `through` in the year right after them, offences and
    appeals go on up to that moment (at the last year's volumes, docs/demo.md); the apps' hooks
    still get the full years, and anchor what is live to the current time themselves.
    """
    years = sorted(years or DEFAULT_YEARS)
    started = time.perf_counter()
    running = running_year(years, through)
    until = through if running is not None else None
    register_years = [*years, running] if running is not None else years
    summary = DemoSummary(seed=seed, scale=scale, years=years, through=until)
    done = existing(seed=seed, scale=scale, years=years, through=through)
    if done and not force:
        summary.counts, summary.seconds, summary.skipped = dict(done.counts), 0.0, True
        summary.through = done.built_at if until is not None else None
        return summary

    def step(name: str) -> None:
        if log:
            print(f"  {time.perf_counter() - started:6.1f} s  {name}", flush=True)

    cal = calibration(register_years)
    with transaction.atomic():
        step("removing earlier demo rows")
        hooks = app_hooks()
        db.refresh_statistics("core", "register", *(_app_label(hook) for hook in hooks))
        for hook in reversed(hooks):  # apps that build on others' rows go first
            hook.delete()
        outcome_gen.delete()
        db.delete_demo_rows()
        step("territory, units, officers, facilities, users")
        reset_locator()
        sectors = build_sectors()
        units = build_units()
        officers = build_officers(units, sectors)
        facilities = build_facilities(units)
        users = build_users()
        reset_locator()

        step("simulating offences")
        book = article_book(cal)
        shares = region_shares(seed, register_years)
        models = city_models(seed=seed, scale=scale, years=register_years, cal=cal)
        offences = offence_gen.generate(
            seed=seed,
            scale=scale,
            years=register_years,
            cal=cal,
            book=book,
            shares=shares,
            models=models,
            until=until,
        )
        step("simulating appeals")
        places = offence_gen.region_places()
        appeals = appeal_gen.generate(
            seed=seed,
            scale=scale,
            years=register_years,
            cal=cal,
            offences=offences,
            shares=shares,
            models=models,
            places=places,
            until=until,
        )
        step("case outcomes")
        last_day = (
            until.astimezone(LOCAL_ZONE).date()
            if until is not None
            else dt.date(max(register_years), 12, 31)
        )
        steps = outcome_gen.case_steps(seed, offences, cal=cal, scale=scale, last_day=last_day)
        damages, payments = outcome_gen.damage(
            seed, offences, steps, cal=cal, scale=scale, code_of=book.code_of, last_day=last_day
        )
        searches = outcome_gen.searches(
            seed,
            cal=cal,
            scale=scale,
            years=register_years,
            shares=shares,
            appeals=appeals,
            last_day=last_day,
        )
        step(f"writing {len(appeals.get('external_id', [])):,} appeals")
        _write_appeals(appeals)
        step(f"writing {len(offences['external_id']):,} offences")
        _write_offences(offences, appeals)
        outcome_counts = outcome_gen.write(offences, steps, damages, payments, searches, appeals)
        step("people and parties")
        party_counts = party_gen.generate(seed, offences, book.code_of)

        app_counts: dict[str, int] = {}
        db.refresh_statistics("core", "register")
        for hook in hooks:
            step(_app_label(hook))
            app_counts.update(hook.build(seed=seed, years=years))
            db.refresh_statistics(_app_label(hook))

        kinds = offences["kind"]
        summary.counts = {
            "sectors": len(sectors),
            "units": Unit.objects.count(),
            "officers": len(officers),
            "facilities": len(facilities),
            "users": len(users),
            "offences": len(kinds),
            "crimes": int((kinds == "crime").sum()),
            "criminal_misdemeanours": int((kinds == "criminal_misdemeanour").sum()),
            "administrative_sample": int((kinds == "administrative").sum()),
            "city_process_offences": int(offences["hawkes"].sum()),
            "appeals": len(appeals.get("external_id", [])),
            "appeals_linked": int((offences["appeal_index"] >= 0).sum()),
            **party_counts,
            **outcome_counts,
            **app_counts,
        }
        summary.seconds = time.perf_counter() - started
        DemoBuild.objects.all().delete()
        DemoBuild.objects.create(
            seed=seed,
            scale=scale,
            years=_years_key(years, through),
            version=GENERATOR_VERSION,
            seconds=summary.seconds,
            counts=summary.counts,
        )
    cache.delete("senim:demo-present")
    reset_locator()
    step("done")
    return summary


def _write_appeals(cols: offence_gen.Columns) -> None:
    if not cols:
        return
    db.insert(
        Appeal,
        {
            "source_system": np.full(len(cols["external_id"]), "demo", dtype=object),
            "external_id": cols["external_id"],
            "row_hash": np.full(len(cols["external_id"]), "", dtype=object),
            "channel": cols["channel"],
            "category": cols["category"],
            "status": cols["status"],
            "received_at": cols["received_at"],
            "answered_at": cols["answered_at"],
            "dispatched_at": cols["dispatched_at"],
            "arrived_at": cols["arrived_at"],
            "closed_at": cols["closed_at"],
            "due_at": cols["due_at"],
            "priority": cols["priority"],
            "lat": cols["lat"],
            "lon": cols["lon"],
            # The address cell of repeat-call warnings and the prevention's addresses.
            "place_key": place_keys(cols["lat"], cols["lon"]),
            "region_id": cols["region_id"],
            "district_id": cols["district_id"],
            "sector_id": cols["sector_id"],
            "loaded_at": np.full(len(cols["external_id"]), np.datetime64("now", "s")),
        },
        null_zero=("district_id", "sector_id", "priority"),
    )


def _write_offences(cols: offence_gen.Columns, appeals: offence_gen.Columns) -> None:
    n = len(cols["external_id"])
    appeal_id = np.zeros(n, dtype=np.int64)
    linked = np.nonzero(cols["appeal_index"] >= 0)[0]
    if len(linked):
        ids = db.ids_by_external_id(Appeal)
        external = appeals["external_id"][cols["appeal_index"][linked]]
        appeal_id[linked] = [ids[e] for e in external]
    db.insert(
        Offence,
        {
            "source_system": np.full(n, "demo", dtype=object),
            "external_id": cols["external_id"],
            "row_hash": np.full(n, "", dtype=object),
            "kind": cols["kind"],
            "article_id": cols["article_id"],
            "occurred_at": cols["occurred_at"],
            "registered_at": cols["registered_at"],
            "place_type": cols["place_type"],
            "status": cols["status"],
            "lat": cols["lat"],
            "lon": cols["lon"],
            "region_id": cols["region_id"],
            "district_id": cols["district_id"],
            "sector_id": cols["sector_id"],
            "appeal_id": appeal_id,
            "loaded_at": np.full(n, np.datetime64("now", "s")),
        },
        null_zero=("district_id", "sector_id", "appeal_id"),
    )
