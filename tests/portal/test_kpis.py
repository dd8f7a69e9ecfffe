"""The open KPIs equal figures computed here, independently, from the world's own list of events;
a region or year with nothing behind a KPI shows "no data", never 0."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from senim.core.models import Region, RegionPopulation
from senim.portal import open_data
from senim.register.models import Article
from senim.safeguards.models import Complaint, ConvictPopulation
from tests.portal.conftest import World

pytestmark = pytest.mark.django_db
CRIMINAL = {"crime", "criminal_misdemeanour"}


def _complaints() -> None:
    """Two ill-treatment complaints in Almaty in 2025, one in Astana, one with no region."""
    rows = [("KZ-75", 3), ("KZ-75", 7), ("KZ-71", 9), (None, 10)]
    regions = dict(Region.objects.values_list("iso", "id"))
    Complaint.objects.bulk_create(
        Complaint(
            source_system="test", external_id=f"C-{i}", channel="terminal", stage="penitentiary",
            received_at=timezone.make_aware(dt.datetime(2025, month, 5, 10)),
            region_id=regions.get(iso or ""),
        )
        for i, (iso, month) in enumerate(rows)
    )  # fmt: skip


def _kpis(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "kpis.json").read_text())["regions"]


def test_every_kpi_equals_the_figure_computed_from_the_events(
    portal_world: World, open_dir: Path
) -> None:
    _complaints()
    open_data.build()
    kpis = _kpis(open_dir)
    kinds = dict(Article.objects.values_list("code", "kind"))

    def criminal(region: str, year: int) -> list[Any]:
        return [
            o for o in portal_world.offences
            if o.region == region and kinds[o.article] in CRIMINAL and o.when.year == year
        ]  # fmt: skip

    population = RegionPopulation.objects.get(region__iso="KZ-75", year=2025).population
    almaty = kpis["KZ-75"]["2025"]
    n25, n24 = len(criminal("KZ-75", 2025)), len(criminal("KZ-75", 2024))
    assert almaty["crime"]["count"] == n25 == 16
    assert almaty["crime"]["rate"] == round(n25 * 100_000 / population, 1)
    # The same population both years (only 2025 is known): the change is that of the counts.
    assert almaty["crime"]["change_pct"] == pytest.approx((n25 - n24) / n24 * 100, abs=0.05)
    solved = [o for o in criminal("KZ-75", 2025) if o.status in {"solved", "sent_to_court"}]
    assert almaty["solved"] == {
        "registered": n25, "solved": len(solved), "share": round(100 * len(solved) / n25, 1)
    }  # fmt: skip
    minutes = [a.arrival_min for a in portal_world.appeals
               if a.region == "KZ-75" and a.channel == "call_102" and a.arrival_min is not None
               and a.arrival_min >= 0]  # fmt: skip
    assert almaty["response_102"] == {
        "n": len(minutes),
        "median_min": round(float(np.median(minutes)), 1),
        "p90_min": round(float(np.percentile(minutes, 90)), 1),
    }
    convicts = ConvictPopulation.objects.get(region__iso="KZ-75", year=2025).convicts
    per_1000 = (Decimal(2) * 1000 / Decimal(convicts)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert almaty["complaints"] == {
        "complaints": 2,
        "convicts": convicts,
        "per_1000": float(per_1000),
    }
    # The country pools every region (the complaint without a region counts nowhere).
    country = kpis["KZ"]["2025"]
    assert country["crime"]["count"] == n25 + len(criminal("KZ-71", 2025))
    all_minutes = [*minutes, 11]
    assert country["response_102"]["median_min"] == round(float(np.median(all_minutes)), 1)
    table2 = list(ConvictPopulation.objects.filter(year=2025).values_list("convicts", flat=True))
    assert country["complaints"]["per_1000"] == round(3000 / sum(table2), 1)


def test_what_has_nothing_behind_it_is_no_data(portal_world: World, open_dir: Path) -> None:
    open_data.build()
    kpis = _kpis(open_dir)
    assert kpis["KZ-10"]["2025"] == {k: None for k in kpis["KZ-10"]["2025"]}  # Abai: no records
    assert kpis["KZ-71"]["2024"]["crime"] is None  # Astana began in 2025
    assert kpis["KZ-75"]["2024"]["response_102"] is None  # no 102 call in 2024
    # No complaint anywhere in the register: the register was not kept, not zero complaints.
    assert kpis["KZ-75"]["2025"]["complaints"] is None
    assert kpis["KZ-75"]["2025"]["trust"] is None and kpis["KZ-75"]["2025"]["npm"] is None

    page = Client().get("/open/?year=2025").content.decode()
    abai = page.split('data-region="KZ-10"')[1].split("</tr>")[0]
    assert abai.count("no data") == 6 and ">0<" not in abai
    almaty = page.split('data-region="KZ-75"')[1].split("</tr>")[0]
    assert almaty.count("no data") == 3  # complaints, trust, NPM
    assert ">0.7<" in almaty and "50.0 %" in almaty and ">13.5<" in almaty
