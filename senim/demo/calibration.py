"""The national volumes the demo is calibrated to, and the sample factors it applies.

Figures quoted from seed 003 (the ministry's 2025 board meeting) are read from
senim/demo/data/national_2025.csv; every figure the seed does not give is an assumption kept
here, in one place, and listed in docs/demo.md.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

NATIONAL_CSV = Path(__file__).resolve().parent / "data" / "national_2025.csv"
LAST_YEAR = 2025

# Assumed where the seed is silent (docs/demo.md, "Calibration").
ASSUMED_CRIMINAL_2025 = 130_000  # crimes + criminal misdemeanours registered in 2025
ASSUMED_MISDEMEANOUR_SHARE = 0.22  # of registered criminal offences
ASSUMED_FALL_2025 = 6_000  # seed 003: crime fell "by more than 6 thousand" in 2025
# Seed 003 line 8: "more than 17 million administrative offences" stopped in 2025 (the point
# value 17.1 million is assumed).
ASSUMED_ADMINISTRATIVE_2025 = 17_100_000
ASSUMED_APPEALS_2025 = 3_600_000  # appeals of all channels a year (≈ 10,000 a day)
# Seed 003 line 10: "more than 23 thousand" drunk drivers stopped (23,200 assumed, so that the
# demo's count stays above 23,000 even at the tests' small scales).
ASSUMED_DRUNK_DRIVERS_2025 = 23_200
# Seed 003 line 7: "more than 20 thousand" missing people found (20,100 assumed).
ASSUMED_MISSING_FOUND_2025 = 20_100
# Seed 003 line 7: "more than 1.6 thousand" wanted criminals caught (1,650 assumed).
ASSUMED_WANTED_CAUGHT_2025 = 1_650
# Seed 003 line 6: "more than 2.7 thousand" crimes of earlier years solved (2,750 assumed).
ASSUMED_EARLIER_SOLVED_2025 = 2_750
# Seed 003 line 6: solving "of all kinds of crime" rose "to 98 %".
SOLVED_SHARE_CRIMES = 0.98
# Seed 003 line 7: "about 60 billion tenge" of damage repaid to victims in 2025.
REPAID_2025_TENGE = 60_000_000_000
# Relative change of every volume from one year to the next, going back from 2025:
# 2024 is fixed by the seed's fall; earlier years fall a few percent a year, as the seed's
# "steady decrease" suggests.
EARLIER_YEAR_RATIO = {2024: None, 2023: 1.035, 2022: 1.04}

# Administrative offences and appeals are far too many to write in the time budget, so they are
# sampled: at --scale 1 one record stands for this many (docs/demo.md, "Scale").
# 1 : 300 keeps 17 million administrative offences a year at ~57,000 records (docs/demo.md).
ADMINISTRATIVE_N = 300
ADMINISTRATIVE_SAMPLE = 1 / ADMINISTRATIVE_N
APPEAL_SAMPLE = 1 / 40

_ALIASES: dict[str, tuple[str, ...]] = {
    "criminal": (
        "registered_criminal_offences",
        "criminal_offences",
        "criminal_offences_registered",
        "registered_offences",
        "criminal_total",
    ),
    "crimes": ("registered_crimes", "crimes", "crimes_registered"),
    "misdemeanours": (
        "criminal_misdemeanours",
        "registered_criminal_misdemeanours",
        "misdemeanours",
        "criminal_misdemeanors",
    ),
    "fall": (
        "crime_decrease",
        "crime_fall",
        "crimes_decrease",
        "crime_reduction",
        "decrease_in_crimes",
        "criminal_offences_decrease",
        "crime_decline",
    ),
    "administrative": ("administrative_offences", "registered_administrative_offences"),
    "appeals": ("appeals", "appeals_102", "calls_102", "appeals_total"),
    "drunk_drivers": ("drunk_drivers", "drunk_drivers_detained", "drunk_driving"),
    "missing_found": ("missing_persons_found", "missing_found", "missing_people_found"),
}


# When no alias matches exactly: words a key must contain, words it must not, and the range a
# plausible national figure lies in (a wrong match must not silently skew the whole demo).
_NOT_A_VOLUME = (
    "solved",
    "share",
    "percent",
    "rate",
    "previous",
    "wanted",
    "organi",
    "decrease",
    "fall",
    "reduction",
    "decline",
    "weapon",
    "case",
)
_FUZZY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[float, float]]] = {
    "misdemeanours": (("misdemean",), ("share", "percent", "rate"), (5e3, 2e5)),
    "fall": (("decrease", "fall", "reduction", "decline", "fewer"), ("percent", "rate"), (1, 5e4)),
    "criminal": (("criminal",), (*_NOT_A_VOLUME, "misdemean"), (2e4, 5e5)),
    "crimes": (("crime",), (*_NOT_A_VOLUME, "misdemean"), (2e4, 5e5)),
    "administrative": (("administrative",), ("share", "percent", "rate"), (2e5, 3e7)),
    "drunk_drivers": (("drunk",), ("share", "percent", "rate"), (1e3, 2e5)),
    "missing_found": (("missing",), ("share", "percent", "rate"), (1e3, 2e5)),
}


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def read_national(path: Path | None = None) -> dict[str, tuple[float, str]]:
    """{figure: (value, citation)} for the figures found in the seed-003 table, if it exists."""
    path = path or NATIONAL_CSV
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return {}
    columns = {_norm(c): c for c in rows[0]}
    key_col = next(
        (
            columns[c]
            for c in ("key", "indicator", "metric", "code", "figure", "name", "id")
            if c in columns
        ),
        next(iter(rows[0])),
    )
    value_col = next(
        (columns[c] for c in ("value", "figure_value", "count", "number") if c in columns), None
    )
    if value_col is None:
        return {}
    cite_cols = [
        columns[c] for c in ("quote", "citation", "source", "seed", "note") if c in columns
    ]
    found: dict[str, tuple[float, str]] = {}
    fuzzy: list[tuple[str, float, str]] = []
    for row in rows:
        key = _norm(row.get(key_col) or "")
        raw = (row.get(value_col) or "").replace(" ", "").replace("\u00a0", "").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        cite = " — ".join((row.get(c) or "").strip() for c in cite_cols if row.get(c))
        for figure, aliases in _ALIASES.items():
            if key in aliases and figure not in found:
                found[figure] = (value, cite or "seed 003")
        fuzzy.append((key, value, cite))
    for key, value, cite in fuzzy:
        for figure, (needed, banned, (low, high)) in _FUZZY.items():
            if (
                figure not in found
                and any(w in key for w in needed)
                and not any(w in key for w in banned)
                and low <= value <= high
            ):
                found[figure] = (value, cite or "seed 003")
                break
    return found


@dataclass(frozen=True)
class YearVolumes:
    """National volumes of one year at scale 1 (before the sample factors)."""

    crimes: int
    misdemeanours: int
    administrative: int
    appeals: int


@dataclass(frozen=True)
class Calibration:
    years: dict[int, YearVolumes]
    drunk_drivers: int
    missing_found: int
    sources: dict[str, str]  # figure → "seed 003: …" or "assumed"

    def national_2025(self) -> YearVolumes:
        return self.years[LAST_YEAR]


def calibration(years: list[int], *, path: Path | None = None) -> Calibration:
    """Volumes for the requested years: 2025 from the seed, earlier years drifting back from it,
    later years held at 2025's."""
    seed = read_national(path)
    sources: dict[str, str] = {}

    def figure(name: str, assumed: float) -> float:
        if name in seed:
            sources[name] = f"seed 003: {seed[name][1]}"
            return seed[name][0]
        sources[name] = "assumed"
        return assumed

    share = ASSUMED_MISDEMEANOUR_SHARE
    if "crimes" in seed and "misdemeanours" in seed:
        crimes, misdemeanours = figure("crimes", 0), figure("misdemeanours", 0)
    elif "criminal" in seed and ("crimes" in seed or "misdemeanours" in seed):
        total = figure("criminal", 0)
        if "crimes" in seed:
            crimes = figure("crimes", 0)
            misdemeanours = total - crimes
        else:
            misdemeanours = figure("misdemeanours", 0)
            crimes = total - misdemeanours
    elif "crimes" in seed:
        crimes = figure("crimes", 0)
        misdemeanours = crimes * share / (1 - share)
        sources["misdemeanours"] = f"assumed: {share:.0%} of criminal offences"
    elif "misdemeanours" in seed:
        misdemeanours = figure("misdemeanours", 0)
        crimes = misdemeanours * (1 - share) / share
        sources["crimes"] = f"assumed: {1 - share:.0%} of criminal offences"
    else:
        total = figure("criminal", ASSUMED_CRIMINAL_2025)
        misdemeanours = total * share
        crimes = total - misdemeanours
        sources["split"] = f"assumed: {share:.0%} of criminal offences are misdemeanours"
    fall = figure("fall", ASSUMED_FALL_2025)
    administrative = figure("administrative", ASSUMED_ADMINISTRATIVE_2025)
    appeals = figure("appeals", ASSUMED_APPEALS_2025)
    drunk = figure("drunk_drivers", ASSUMED_DRUNK_DRIVERS_2025)
    missing = figure("missing_found", ASSUMED_MISSING_FOUND_2025)

    volumes: dict[int, YearVolumes] = {
        LAST_YEAR: YearVolumes(
            crimes=round(crimes),
            misdemeanours=round(misdemeanours),
            administrative=round(administrative),
            appeals=round(appeals),
        )
    }
    ratio_2024 = (crimes + misdemeanours + fall) / (crimes + misdemeanours)
    for year in range(LAST_YEAR - 1, min(years) - 1, -1):
        ratio = EARLIER_YEAR_RATIO.get(year) or ratio_2024
        later = volumes[year + 1]
        volumes[year] = YearVolumes(
            crimes=round(later.crimes * ratio),
            misdemeanours=round(later.misdemeanours * ratio),
            administrative=round(later.administrative * (1 + (ratio - 1) / 2)),
            appeals=round(later.appeals * (1 + (ratio - 1) / 2)),
        )
    # No seed gives a year after 2025: later years (the running one included) repeat 2025's
    # volumes, an assumption docs/demo.md states.
    held = [y for y in years if y > LAST_YEAR]
    for year in held:
        volumes[year] = volumes[LAST_YEAR]
    if held:
        sources["after_2025"] = f"assumed: {', '.join(map(str, held))} held at 2025's volumes"
    return Calibration(
        years={y: volumes[y] for y in sorted(years)},
        drunk_drivers=round(drunk),
        missing_found=round(missing),
        sources=sources,
    )
