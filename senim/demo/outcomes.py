"""What became of the demo's cases and searches, calibrated to seed 003 (lines 6-10).

Counts the seed publishes are made exact by construction rather than left to chance, so that
they hold at the tests' small scales too: per registration year exactly 98 % of crimes are
solved within the year (line 6), a fixed number of earlier years' unsolved crimes is solved in
each later year (line 6's 2,700+), searches end with the seed's found and caught counts (line 7),
the repayments of a year sum to its calibrated total (line 7's ~60 billion tenge) and drunk
driving has exactly its share of articles (line 10). Every other figure here is an assumption,
listed in docs/demo.md ("Case outcomes").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from senim.core.demo_flag import DEMO_SOURCE
from senim.core.models import District, Unit, UnitKind
from senim.demo import db
from senim.demo.calibration import (
    ADMINISTRATIVE_N,
    ASSUMED_EARLIER_SOLVED_2025,
    ASSUMED_WANTED_CAUGHT_2025,
    LAST_YEAR,
    REPAID_2025_TENGE,
    SOLVED_SHARE_CRIMES,
    Calibration,
)
from senim.demo.common import largest_remainder, rng_for, utc_to_local
from senim.register.models import CaseStep, Damage, Offence, PersonSearch, Repayment

Columns = dict[str, np.ndarray]
DAY = np.timedelta64(1, "D")
# Assumed (no seed gives them): the share of criminal misdemeanours solved, how long solving,
# suspension and the way to court take, how many unsolved cases are terminated, which crimes
# cause material damage and how much, how much of it is repaid.
SOLVED_MISDEMEANOURS = 0.8
SOLVE_MEDIAN_DAYS = 12.0
SUSPEND_AFTER_DAYS = 60
TERMINATED_OF_UNSOLVED = 0.12
COURT_MEDIAN_DAYS = 45.0
PROPERTY_CRIMES = ("UK-188", "UK-189", "UK-190", "UK-191", "UK-192", "UK-194", "UK-200", "UK-205")
DAMAGE_MEDIAN_TENGE = 250_000.0
REPAID_OF_SOLVED = 0.7  # share of solved property crimes with a repayment
EARLIER_POOL_SHARE_BEFORE_2025 = 0.25
MISSING_STILL_SEARCHED = 0.03  # of the missing found, still searched for at the year's end
WANTED_STILL_SEARCHED = 0.4


def _year_ratio(cal: Calibration, year: int) -> float:
    """A year's crime volume against 2025's: earlier years' figures the seed does not give."""
    last = cal.years.get(LAST_YEAR) or next(iter(cal.years.values()))
    return cal.years[year].crimes / max(last.crimes, 1)


# --- drunk driving: an exact count per year --------------------------------------------------


def pin_drunk_driving(
    seed: int,
    cols: Columns,
    *,
    cal: Calibration,
    scale: float,
    article_ids: dict[str, int],
    redraw: dict[str, tuple[np.ndarray, np.ndarray]],
) -> None:
    """Give UK-346 and KoAP-608 exactly the rows that make seed 003's drunk drivers (line 10):
    administrative records stand for ADMINISTRATIVE_N each, the misdemeanours make up the rest,
    so misdemeanours + N × administrative = the figure × scale to within one record."""
    years = cols["local"].astype("datetime64[Y]").astype(int) + 1970
    rng = rng_for(seed, "drunk-driving")
    for year in np.unique(years):
        total = cal.drunk_drivers * _year_ratio(cal, int(year)) * scale
        admin = round(total * 0.8 / ADMINISTRATIVE_N)
        criminal = max(round(total - admin * ADMINISTRATIVE_N), 0)
        for kind, code, target in (
            ("administrative", "KoAP-608", admin),
            ("criminal_misdemeanour", "UK-346", criminal),
        ):
            pinned = article_ids.get(code)
            if pinned is None:
                continue
            rows = np.nonzero((years == year) & (cols["kind"] == kind))[0]
            have = rows[cols["article_id"][rows] == pinned]
            other = rows[cols["article_id"][rows] != pinned]
            if len(have) < target:
                take = rng.choice(other, size=min(target - len(have), len(other)), replace=False)
                cols["article_id"][take] = pinned
            elif len(have) > target:
                drop = rng.choice(have, size=len(have) - target, replace=False)
                ids, p = redraw[kind]
                cols["article_id"][drop] = ids[rng.choice(len(ids), size=len(drop), p=p)]


# --- case steps --------------------------------------------------------------------------------


def _local_days(utc: np.ndarray) -> np.ndarray:
    return utc_to_local(utc).astype("datetime64[D]")


def _solver_units(region_ids: np.ndarray, district_ids: np.ndarray) -> np.ndarray:
    """The district police department, else the regional department, of each offence."""
    by_district = dict(
        Unit.objects.filter(kind=UnitKind.DISTRICT_DEPARTMENT, district__isnull=False)
        .order_by("id")
        .values_list("district_id", "id")
    )
    by_region = dict(
        Unit.objects.filter(kind=UnitKind.REGIONAL_DEPARTMENT)
        .order_by("id")
        .values_list("region_id", "id")
    )
    out = np.zeros(len(region_ids), dtype=np.int64)
    for i, (r, d) in enumerate(zip(region_ids.tolist(), district_ids.tolist(), strict=True)):
        out[i] = by_district.get(d) or by_region.get(r) or 0
    return out


def case_steps(
    seed: int, cols: Columns, *, cal: Calibration, scale: float, last_day: dt.date
) -> Columns:
    """Steps of every criminal case up to `last_day`; sets cols["status"] to each case's state.

    Returns columns: index (row in cols), step, on (datetime64[D]), unit_id, district_id."""
    rng = rng_for(seed, "case-steps")
    n = len(cols["kind"])
    horizon = np.datetime64(last_day, "D")
    registered = _local_days(cols["registered_at"])
    reg_year = registered.astype("datetime64[Y]").astype(int) + 1970
    kind = cols["kind"]
    criminal = np.isin(kind, ["crime", "criminal_misdemeanour"])
    solved_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    year_end = (reg_year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - DAY
    for year in np.unique(reg_year[criminal]):
        for k, share in (
            ("crime", SOLVED_SHARE_CRIMES),
            ("criminal_misdemeanour", SOLVED_MISDEMEANOURS),
        ):
            rows = np.nonzero((reg_year == year) & (kind == k))[0]
            chosen = rng.choice(rows, size=round(share * len(rows)), replace=False)
            delay = np.floor(rng.lognormal(np.log(SOLVE_MEDIAN_DAYS), 1.0, len(chosen)))
            day = registered[chosen] + delay.astype("timedelta64[D]")
            # Solved within its own year: the share is of the year's cohort at the year's end.
            solved_on[chosen] = np.minimum(day, year_end[chosen])
    unsolved = criminal & np.isnat(solved_on)
    suspended_on = np.where(unsolved, registered + SUSPEND_AFTER_DAYS * DAY, np.datetime64("NaT"))
    terminated = unsolved & (rng.random(n) < TERMINATED_OF_UNSOLVED)
    terminated_on = np.where(terminated, suspended_on, np.datetime64("NaT"))
    suspended_on = np.where(terminated, np.datetime64("NaT"), suspended_on)

    # Crimes of earlier years solved (seed 003 line 6): from 2025 on, the calibrated number of
    # the crimes still suspended from before the year. A 98 % year leaves a pool of under 2 %,
    # smaller than 2,700 on its own (the real pool is decades deep), so the years before 2025
    # solve only an assumed quarter of theirs and 2025 draws on the demo's earlier years.
    earlier = np.zeros(n, dtype=bool)
    first = int(reg_year.min()) if n else LAST_YEAR
    for year in sorted({int(y) for y in np.unique(reg_year)} - {first}):
        if year not in cal.years:
            continue
        start = np.datetime64(f"{year}-01-01", "D")
        pool = np.nonzero(
            (kind == "crime")
            & (reg_year < year)
            & ~np.isnat(suspended_on)
            & ~earlier
            & (suspended_on <= start + 364 * DAY)
        )[0]
        if year >= LAST_YEAR:
            target = round(ASSUMED_EARLIER_SOLVED_2025 * _year_ratio(cal, year) * scale)
        else:
            target = round(len(pool) * EARLIER_POOL_SHARE_BEFORE_2025)
        chosen = rng.choice(pool, size=min(target, len(pool)), replace=False)
        day = start + rng.integers(0, 365, len(chosen)).astype("timedelta64[D]")
        day = np.maximum(day, suspended_on[chosen] + DAY)
        day = np.minimum(day, np.datetime64(f"{year}-12-31", "D"))
        solved_on[chosen] = day
        earlier[chosen] = True
    solved = ~np.isnat(solved_on)
    years_ago = np.maximum(int(horizon.astype("datetime64[Y]").astype(int) + 1970) - reg_year, 0)
    to_court = solved & (rng.random(n) < np.minimum(0.45 + 0.15 * years_ago, 0.9))
    court_delay = np.floor(rng.lognormal(np.log(COURT_MEDIAN_DAYS), 0.6, n)).astype(int) + 1
    court_on = np.where(
        to_court, solved_on + court_delay.astype("timedelta64[D]"), np.datetime64("NaT")
    )

    units = _solver_units(cols["region_id"], cols["district_id"])
    parts: list[Columns] = []
    status = cols["status"].copy()
    status[criminal] = "registered"
    # In time order, so the status ends as the last step that happened by the horizon.
    for step, on in (
        ("suspended", suspended_on),
        ("solved", solved_on),
        ("terminated", terminated_on),
        ("sent_to_court", court_on),
    ):
        rows = np.nonzero(~np.isnat(on) & (on <= horizon))[0]
        if step == "suspended":  # a case solved before it would have been suspended is not
            rows = rows[np.isnat(solved_on[rows]) | (solved_on[rows] > on[rows])]
        status[rows] = step
        parts.append(
            {
                "index": rows,
                "step": np.full(len(rows), step, dtype=object),
                "on": on[rows],
                "unit_id": units[rows] if step == "solved" else np.zeros(len(rows), np.int64),
                "district_id": np.where(step == "solved", cols["district_id"][rows], 0).astype(
                    np.int64
                ),
            }
        )
    # A case solved after being suspended is solved now, unless it went on to court.
    cols["status"] = status
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# --- damage and repayments -------------------------------------------------------------------


def damage(
    seed: int,
    cols: Columns,
    steps: Columns,
    *,
    cal: Calibration,
    scale: float,
    code_of: dict[int, str],
    last_day: dt.date,
) -> tuple[Columns, Columns]:
    """Damage of property crimes and the repayments of solved ones; each year's repayments sum
    to its calibrated total × scale (seed 003 line 7, earlier years in proportion to crime)."""
    rng = rng_for(seed, "damage")
    codes = np.array([code_of[int(a)] for a in cols["article_id"]], dtype=object)
    rows = np.nonzero(np.isin(codes, PROPERTY_CRIMES) & (cols["kind"] == "crime"))[0]
    registered = _local_days(cols["registered_at"][rows])
    amount = rng.lognormal(np.log(DAMAGE_MEDIAN_TENGE), 1.2, len(rows))
    solved_rows = steps["index"][steps["step"] == "solved"]
    solved_day = dict(
        zip(solved_rows.tolist(), steps["on"][steps["step"] == "solved"].tolist(), strict=True)
    )
    horizon = np.datetime64(last_day, "D")
    paid = np.array([r in solved_day for r in rows.tolist()]) & (
        rng.random(len(rows)) < REPAID_OF_SOLVED
    )
    paid_on = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    idx = np.nonzero(paid)[0]
    delay = np.floor(rng.lognormal(np.log(30.0), 0.8, len(idx))).astype(int)
    base = np.array([solved_day[r] for r in rows[idx].tolist()], dtype="datetime64[D]")
    paid_on[idx] = base + delay.astype("timedelta64[D]")
    paid &= ~np.isnat(paid_on) & (paid_on <= horizon)
    share = np.where(paid, rng.beta(4, 2, len(rows)), 0.0)
    repaid = amount * share
    # Scale each repayment year (and the damage of the cases repaid in it) to its total.
    pay_year = np.where(paid, paid_on.astype("datetime64[Y]").astype(int) + 1970, 0)
    factor = np.ones(len(rows))
    for year in np.unique(pay_year[paid]):
        if int(year) not in cal.years:
            continue
        mask = pay_year == year
        target = REPAID_2025_TENGE * _year_ratio(cal, int(year)) * scale
        factor[mask] = target / repaid[mask].sum()
    unpaid_factor = float(np.median(factor[paid])) if paid.any() else 1.0
    factor[~paid] = unpaid_factor
    amount_t = np.round(amount * factor, 2)
    repaid_t = np.minimum(np.round(repaid * factor, 2), amount_t)
    damages = {
        "index": rows,
        "amount": np.array([Decimal(f"{a:.2f}") for a in amount_t], dtype=object),
        "assessed_on": registered,
    }
    payments = {
        "index": rows[paid],
        "amount": np.array([Decimal(f"{a:.2f}") for a in repaid_t[paid]], dtype=object),
        "on": paid_on[paid],
    }
    return damages, payments


# --- searches ----------------------------------------------------------------------------------


def searches(
    seed: int,
    *,
    cal: Calibration,
    scale: float,
    years: list[int],
    shares: dict[int, dict[int, float]],
    appeals: Columns,
    last_day: dt.date,
) -> Columns:
    """Missing people found and wanted people caught per year (seed 003 line 7), exactly, and
    some still searched for; missing-person searches take the place and day of the sample's
    missing-person appeals where there are any."""
    rng = rng_for(seed, "searches")
    horizon = np.datetime64(last_day, "D")
    districts: dict[int, list[int]] = {}
    for d, r in District.objects.order_by("id").values_list("id", "region_id"):
        districts.setdefault(r, []).append(d)
    appeal_days = (
        _local_days(appeals["received_at"]) if appeals else np.array([], dtype="datetime64[D]")
    )
    missing_rows = (
        np.nonzero(appeals["category"] == "missing_person")[0] if appeals else np.array([], int)
    )
    used: set[int] = set()
    parts: list[Columns] = []
    for year in years:
        ratio = _year_ratio(cal, year)
        start = np.datetime64(f"{year}-01-01", "D")
        for kind, figure, still in (
            ("missing", cal.missing_found, MISSING_STILL_SEARCHED),
            ("wanted", ASSUMED_WANTED_CAUGHT_2025, WANTED_STILL_SEARCHED),
        ):
            done = round(figure * ratio * scale)
            n = done + round(done * still)
            region_ids = np.array(list(shares[year]))
            counts = largest_remainder(n, np.array(list(shares[year].values())))
            region = np.repeat(region_ids, counts)
            rng.shuffle(region)
            district = np.array(
                [int(rng.choice(districts[r])) if districts.get(r) else 0 for r in region.tolist()],
                dtype=np.int64,
            )
            outcome_on = start + rng.integers(0, 365, n).astype("timedelta64[D]")
            if kind == "missing":
                opened = outcome_on - np.floor(rng.lognormal(np.log(2.0), 1.0, n)).astype(int)
            else:
                opened = outcome_on - rng.integers(20, 3 * 365, n)
            opened = opened.astype("datetime64[D]")
            appeal_index = np.full(n, -1, dtype=np.int64)
            if kind == "missing" and len(missing_rows):
                in_year = missing_rows[
                    appeal_days[missing_rows].astype("datetime64[Y]").astype(int) + 1970 == year
                ]
                for i, row in enumerate(r for r in in_year.tolist() if r not in used):
                    if i >= n:
                        break
                    used.add(row)
                    appeal_index[i] = row
                    region[i] = appeals["region_id"][row]
                    district[i] = appeals["district_id"][row]
                    opened[i] = appeal_days[row]
                    outcome_on[i] = min(
                        opened[i] + rng.integers(0, 5), np.datetime64(f"{year}-12-31")
                    )
            outcome = np.full(n, "found" if kind == "missing" else "caught", dtype=object)
            outcome_on = np.maximum(outcome_on, opened)
            # The last ones of the year's list are still searched for.
            open_rows = np.zeros(n, dtype=bool)
            open_rows[done:] = True
            outcome[open_rows] = ""
            outcome_on = outcome_on.astype("datetime64[D]")
            outcome_on[open_rows] = np.datetime64("NaT")
            late = ~open_rows & (outcome_on > horizon)
            outcome[late], outcome_on[late] = "", np.datetime64("NaT")
            keep = opened <= horizon
            parts.append(
                {
                    "kind": np.full(int(keep.sum()), kind, dtype=object),
                    "region_id": region[keep].astype(np.int64),
                    "district_id": district[keep],
                    "opened_on": opened[keep],
                    "outcome": outcome[keep],
                    "outcome_on": outcome_on[keep],
                    "appeal_index": appeal_index[keep],
                }
            )
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out["external_id"] = np.array([f"S-{i:07d}" for i in range(len(out["kind"]))], dtype=object)
    return out


# --- writing -----------------------------------------------------------------------------------


def delete() -> None:
    """Demo searches go first (they point at demo appeals and offences); steps, damage and
    repayments go with their offences (CASCADE, senim.demo.db.release)."""
    PersonSearch.objects.filter(source_system=DEMO_SOURCE).delete()


def _offence_ids(cols: Columns) -> np.ndarray:
    """The database id of every row of the offence columns (one query for all)."""
    ids = db.ids_by_external_id(Offence)
    return np.array([ids[e] for e in cols["external_id"]], dtype=np.int64)


def write(
    cols: Columns,
    steps: Columns,
    damages: Columns,
    payments: Columns,
    found: Columns,
    appeals: Columns,
) -> dict[str, int]:
    from senim.register.models import Appeal

    n_steps = len(steps["index"])
    offence_ids = _offence_ids(cols)
    db.insert(
        CaseStep,
        {
            "offence_id": offence_ids[steps["index"]],
            "step": steps["step"],
            "on": steps["on"].astype(str).astype(object),
            "unit_id": steps["unit_id"],
            "district_id": steps["district_id"],
            "source_system": np.full(n_steps, DEMO_SOURCE, dtype=object),
            "actor": np.full(n_steps, "", dtype=object),
            "recorded_at": np.full(n_steps, np.datetime64("now", "s")),
        },
        null_zero=("unit_id", "district_id"),
    )
    db.insert(
        Damage,
        {
            "offence_id": offence_ids[damages["index"]],
            "amount": list(damages["amount"]),
            "assessed_on": damages["assessed_on"].astype(str).astype(object),
            "source_system": np.full(len(damages["index"]), DEMO_SOURCE, dtype=object),
        },
    )
    db.insert(
        Repayment,
        {
            "offence_id": offence_ids[payments["index"]],
            "amount": list(payments["amount"]),
            "on": payments["on"].astype(str).astype(object),
            "source_system": np.full(len(payments["index"]), DEMO_SOURCE, dtype=object),
            "actor": np.full(len(payments["index"]), "", dtype=object),
        },
    )
    appeal_id = np.zeros(len(found["kind"]), dtype=np.int64)
    linked = np.nonzero(found["appeal_index"] >= 0)[0]
    if len(linked):
        ids = db.ids_by_external_id(Appeal)
        appeal_id[linked] = [ids[e] for e in appeals["external_id"][found["appeal_index"][linked]]]
    outcome_on = found["outcome_on"].astype(str).astype(object)
    outcome_on[np.isnat(found["outcome_on"])] = None
    db.insert(
        PersonSearch,
        {
            "kind": found["kind"],
            "region_id": found["region_id"],
            "district_id": found["district_id"],
            "opened_on": found["opened_on"].astype(str).astype(object),
            "outcome": found["outcome"],
            "outcome_on": outcome_on,
            "appeal_id": appeal_id,
            "source_system": np.full(len(found["kind"]), DEMO_SOURCE, dtype=object),
            "external_id": found["external_id"],
        },
        null_zero=("district_id", "appeal_id"),
    )
    return {
        "case_steps": n_steps,
        "damages": len(damages["index"]),
        "repayments": len(payments["index"]),
        "searches": len(found["kind"]),
    }
