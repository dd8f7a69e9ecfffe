"""The published open data carries no person key, no day or time, no exact coordinate and no
count below 3, and its published plus suppressed counts equal the true totals, month by month.

Checked on the explicit small world (a group at each merge level, a suppressed one, records
without coordinates) and on a random world of exact points, days and times. Both files of
every dataset are parsed (csv module, json.loads) and checked the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from senim.core.models import Region
from senim.portal import open_data
from senim.register.models import Offence
from tests.portal.conftest import ALMATY, App, Off, World, cell_centre, lay, local, small_world

pytestmark = pytest.mark.django_db

COLUMNS = ["month", "region", "district", "cell_id", "cell_lat", "cell_lon", "category", "count"]
# Parts of a name that would say a column identifies a person, a record or a moment.
FORBIDDEN = ("iin", "hash", "external", "source", "victim", "suspect", "offender", "person",
             "party", "name", "birth", "sex", "phone", "address", "article", "day", "time",
             "date", "exact")  # fmt: skip
MONTH = re.compile(r"^\d{4}-\d{2}$")
DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|T\d{2}")
CELL = re.compile(r"^KZ-\d{2}:-?\d+:-?\d+$")


def random_world(seed: int = 5, n: int = 500) -> World:
    """Exact points within ~1 km of Almaty's centre, at any day and minute of 2025's first half."""
    rng = np.random.default_rng(seed)
    articles = ["UK-188", "UK-188", "UK-188", "UK-190", "UK-99", "UK-108", "KoAP-434", "KoAP-608"]
    districts = ["KZ-75-ALMALY", "KZ-75-MEDEU", "KZ-75-AUEZOV"]
    w = World()
    for _ in range(n):
        when = local(2025, int(rng.integers(1, 7)), int(rng.integers(1, 29)),
                     int(rng.integers(0, 24)), int(rng.integers(0, 60)))  # fmt: skip
        point = None
        if rng.random() > 0.05:
            point = (ALMATY[0] + rng.normal(0, 0.004), ALMATY[1] + rng.normal(0, 0.005))
        w.offences.append(
            Off("KZ-75", str(rng.choice(districts)), str(rng.choice(articles)), when, point)
        )
        if rng.random() < 0.5:
            w.appeals.append(App("KZ-75", str(rng.choice(districts)), "call_102",
                               str(rng.choice(["public_order", "noise", "domestic_conflict"])),
                               when, point, 12))  # fmt: skip
    return w


def read(
    directory: Path, name: str
) -> tuple[list[dict[str, str]], list[str], dict[str, Any], dict[str, Any]]:
    text = (directory / f"{name}.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    geo = json.loads((directory / f"{name}.geojson").read_text(encoding="utf-8"))
    meta = json.loads((directory / f"{name}.meta.json").read_text(encoding="utf-8"))
    return rows, list(reader.fieldnames or []), geo, meta


def check_dataset(
    directory: Path, name: str, world: World, originals: set[tuple[float, float]]
) -> None:
    rows, header, geo, meta = read(directory, name)
    region = Region.objects.get(iso=name.split("-", 1)[1].rsplit("-", 1)[0])
    origin = (region.lat, region.lon)
    assert header == COLUMNS
    assert not [c for c in header if any(word in c.lower() for word in FORBIDDEN)]
    raw = (directory / f"{name}.csv").read_text() + (directory / f"{name}.geojson").read_text()
    for secret in [*world.external_ids, *world.iin_hashes]:
        assert secret not in raw
    for row in rows:
        assert MONTH.match(row["month"]), row
        assert int(row["count"]) >= 3, row
        for column in COLUMNS:
            if column != "cell_id":
                assert not DATE_LIKE.search(row[column]), (column, row[column])
        if row["cell_id"]:
            assert CELL.match(row["cell_id"])
            _, col, r = row["cell_id"].rsplit(":", 2)
            centre = cell_centre(int(col), int(r), origin)
            lat, lon = float(row["cell_lat"]), float(row["cell_lon"])
            assert (lat, lon) == pytest.approx(centre, abs=1.5e-6)
            assert all(math.dist((lat, lon), p) > 1e-6 for p in originals)
        else:
            assert row["cell_lat"] == row["cell_lon"] == ""
    # GeoJSON: the same rows, the cell centre as geometry, no other property.
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(rows)
    for feature, row in zip(geo["features"], rows, strict=True):
        props = feature["properties"]
        assert set(props) == set(COLUMNS) - {"cell_lat", "cell_lon"}
        assert not [k for k in props if any(word in k.lower() for word in FORBIDDEN)]
        assert props["month"] == row["month"] and props["count"] == int(row["count"])
        if row["cell_id"]:
            assert feature["geometry"] == {
                "type": "Point",
                "coordinates": [float(row["cell_lon"]), float(row["cell_lat"])],
            }
        else:
            assert feature["geometry"] is None
    # Published + suppressed = the true number of events, month by month.
    dataset, iso, year = name.split("-", 1)[0], region.iso, int(name[-4:])
    events = world.offences if dataset == "offences" else world.appeals
    truth = Counter(
        local_month(e.when)
        for e in events
        if e.region == iso and local_month(e.when)[:4] == str(year)
    )
    published = Counter()
    for row in rows:
        published[row["month"]] += int(row["count"])
    months = {m["month"]: m for m in meta["months"]}
    assert set(months) == set(truth)
    for month, n in truth.items():
        assert months[month]["events"] == n
        assert published[month] + months[month]["suppressed"] == n, month
        assert months[month]["published"] == published[month]


def local_month(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m")


def _originals(world: World) -> set[tuple[float, float]]:
    return {e.point for e in [*world.offences, *world.appeals] if e.point}


def test_the_small_worlds_open_data_is_anonymised_and_reconciles(
    portal_world: World, open_dir: Path
) -> None:
    summary = open_data.build()
    names = sorted(p.name.removesuffix(".csv") for p in open_dir.glob("*.csv"))
    assert names == ["appeals-KZ-71-2025", "appeals-KZ-75-2025", "offences-KZ-71-2025",
                     "offences-KZ-75-2024", "offences-KZ-75-2025"]  # fmt: skip
    for name in names:
        check_dataset(open_dir, name, portal_world, _originals(portal_world))
    rows, _, _, meta = read(open_dir, "offences-KZ-75-2025")
    got = {(r["month"], r["cell_id"], r["category"]): int(r["count"]) for r in rows}
    cell_a, cell_b = "KZ-75:1:2", "KZ-75:-4:6"
    assert got == {
        ("2025-03", cell_a, "crime.uk06"): 5,  # published as it is
        ("2025-03", cell_a, "crime.other_chapters"): 3,  # 2 of ch. 1 + 1 of ch. 10
        ("2025-03", cell_b, "offences.mixed"): 3,  # one crime, one misdemeanour, one KoAP
        # Bostandyk's 3 thefts without coordinates and cell C's 2, which no cell could publish.
        ("2025-04", "", "crime.uk06"): 5,
    }
    assert [(m["month"], m["merged"], m["suppressed"]) for m in meta["months"]] == [
        ("2025-03", 6, 0),
        ("2025-04", 2, 1),  # Medeu's 1 without coordinates stays alone: suppressed
    ]
    no_cell = next(r for r in rows if not r["cell_id"])
    assert no_cell["district"] == "KZ-75-BOSTANDYK"
    assert meta["synthetic"] is False and meta["licence"] == "CC-BY-4.0"
    assert meta["categories"]["crime.uk06"]["ru"].startswith("преступление")
    assert (summary.datasets, summary.events) == (
        5,
        len(portal_world.offences) + len(portal_world.appeals),
    )


def test_a_random_world_of_exact_points_days_and_times_publishes_none_of_them(
    db: Any, open_dir: Path
) -> None:
    world = lay(random_world())
    open_data.build()
    for name in ("offences-KZ-75-2025", "appeals-KZ-75-2025"):
        check_dataset(open_dir, name, world, _originals(world))
        assert len(read(open_dir, name)[0]) >= 10


def test_a_second_build_rewrites_nothing_and_a_change_rewrites_only_its_dataset(
    portal_world: World, open_dir: Path
) -> None:
    first = open_data.build()
    before = {p.name: p.read_bytes() for p in open_dir.iterdir()}
    again = open_data.build()
    assert (again.written, again.unchanged, again.removed) == (0, first.datasets, 0)
    assert {p.name: p.read_bytes() for p in open_dir.iterdir()} == before
    # Astana's records go: its files go too; a new Almaty offence rewrites Almaty's 2025 only.
    Offence.objects.filter(region__iso="KZ-71").delete()
    lay(World(offences=[Off("KZ-75", "KZ-75-MEDEU", "UK-188", local(2025, 5, 5), None)]))
    third = open_data.build()
    assert third.written == 1 and third.removed == 3  # offences-KZ-71-2025 .csv/.geojson/.meta.json
    assert not (open_dir / "offences-KZ-71-2025.csv").exists()
    assert (open_dir / "appeals-KZ-71-2025.csv").exists()
    assert (open_dir / "offences-KZ-75-2024.csv").read_bytes() == before["offences-KZ-75-2024.csv"]
    catalogue = json.loads((open_dir / "catalogue.json").read_text())
    assert {(d["dataset"], d["region"], d["year"]) for d in catalogue["datasets"]} == {
        ("appeals", "KZ-71", 2025), ("appeals", "KZ-75", 2025),
        ("offences", "KZ-75", 2024), ("offences", "KZ-75", 2025),
    }  # fmt: skip


def test_only_complete_months_are_published(portal_world: World, open_dir: Path) -> None:
    open_data.build(today=dt.date(2025, 4, 20))  # April 2025 is not over
    _, _, _, meta = read(open_dir, "offences-KZ-75-2025")
    assert [m["month"] for m in meta["months"]] == ["2025-03"]
    kpis = json.loads((open_dir / "kpis.json").read_text())
    assert kpis["years"] == [2024]  # 2025 is not a full year yet


def test_an_empty_register_publishes_an_empty_catalogue(db: Any, open_dir: Path) -> None:
    summary = open_data.build()
    assert summary.datasets == 0
    assert json.loads((open_dir / "catalogue.json").read_text())["datasets"] == []
    assert open_data.clear() == 2 and not list(open_dir.iterdir())


def test_the_world_places_its_cells_where_the_tests_say() -> None:
    # Guards the fixture: each named cell's points really lie in that cell of Almaty's frame.
    from senim.portal.anonymise import CellFrame

    frame = CellFrame("KZ-75", *ALMATY)
    lat = np.array([o.point[0] for o in small_world().offences if o.point and o.region == "KZ-75"])
    lon = np.array([o.point[1] for o in small_world().offences if o.point and o.region == "KZ-75"])
    col, row = frame.cells(lat, lon)
    assert {(int(c), int(r)) for c, r in zip(col, row, strict=True)} == {(1, 2), (-4, 6), (-9, -8)}
