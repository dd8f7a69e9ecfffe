"""The portal's demo step publishes the open data and KPIs, marked synthetic; `senim open_data`
run after it has nothing left to write; the demo's delete step removes the files. (The whole
`senim demo` with every app's step runs in tests/demo.)"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from senim.portal import demo_data
from senim.register.models import Appeal, Offence
from tests.portal.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_step_publishes_open_data_that_says_it_is_synthetic(
    portal_world: World, open_dir: Path
) -> None:
    Offence.objects.update(source_system="demo")
    Appeal.objects.update(source_system="demo")
    counts = demo_data.build(seed=1, years=[2024, 2025])
    assert counts == {"open_datasets": 5, "open_data_rows": 8}
    catalogue = json.loads((open_dir / "catalogue.json").read_text())
    assert catalogue["synthetic"] is True and len(catalogue["datasets"]) == 5
    assert json.loads((open_dir / "kpis.json").read_text())["synthetic"] is True
    page = Client().get("/open/").content.decode()
    assert "Demo: all data on this page is synthetic" in page and 'id="not-published"' not in page

    out = io.StringIO()
    call_command("open_data", stdout=out)
    assert "5 datasets (0 written, 5 unchanged, 0 old files removed)" in out.getvalue()
    (open_dir / "notes.txt").write_text("kept")
    demo_data.delete()
    assert [p.name for p in open_dir.iterdir()] == ["notes.txt"]  # only the builder's files go
