"""`senim npm_import` loads the register from a file and reports rejected rows by number."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from senim.oversight.models import Institution
from tests.oversight.conftest import World

pytestmark = pytest.mark.django_db


def test_the_import_command_loads_good_rows_and_lists_bad_ones(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "code,name,kind,region\nC-1,СИЗО №1,sizo,KZ-TB\nC-2,?,nowhere,KZ-TB\n", encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "npm_import", str(path), "--user", world.admin.username, stdout=out, stderr=err
        )
    assert exit_.value.code == 1
    assert "created 1" in out.getvalue() and "row 3: kind" in err.getvalue()
    assert Institution.objects.filter(code="C-1").exists()
    with pytest.raises(CommandError, match="administrator"):
        call_command(
            "npm_import", str(path), "--user", world.monitor_a.username, stdout=io.StringIO()
        )
