"""The register of mandated institutions loads from CSV or XLSX: good rows load, bad rows come
back with row number, field and reason, and loading the same file again changes nothing."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from senim.core.models import User
from senim.oversight.models import Institution
from senim.oversight.registry import import_institutions
from senim.register.ingest.readers import UnreadableFile
from tests.oversight.conftest import World

pytestmark = pytest.mark.django_db

CSV = """code,name,kind,region,district,capacity,included_on,agency
R-001,ИВС №1,ivs,KZ-TA,KZ-TA-D1,40,2019-05-01,mia_police
R-002,Колония №2,colony,kz-ta,,800,,
R-003,Нет вида,prison_ship,KZ-TA,,,,
R-004,Не тот район,ivs,KZ-TA,KZ-TB-D1,,,
R-005,Не то ведомство,ivs,KZ-TA,,,,health
R-001,Повтор,ivs,KZ-TA,,,,
R-006,Будущее,ivs,KZ-TA,,,2999-01-01,
"""


def _load(user: User, text: str, name: str = "register.csv") -> dict[str, object]:
    return import_institutions(
        user=user, handle=io.BytesIO(text.encode()), fmt="csv", source_name=name
    ).as_dict()


def test_good_rows_load_and_bad_rows_say_where_and_why(world: World) -> None:
    before = Institution.objects.count()
    summary = _load(world.admin, CSV)
    assert (summary["created"], summary["rejected"]) == (2, 5)
    reasons = {(e["row"], e["field"]) for e in summary["errors"]}  # type: ignore[attr-defined]
    assert reasons == {(4, "kind"), (5, "district"), (6, "agency"), (7, "code"), (8, "included_on")}
    assert Institution.objects.count() == before + 2
    colony = Institution.objects.get(code="R-002")
    assert (colony.facility.kind.agency_code, colony.facility.region.iso) == (
        "penitentiary",
        "KZ-TA",
    )


def test_loading_the_same_file_again_changes_nothing_and_a_change_updates(world: World) -> None:
    _load(world.admin, CSV)
    again = _load(world.admin, CSV)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = _load(
        world.admin, "code,name,kind,region,active\nR-002,Колония №2 (новое),colony,KZ-TA,0\n"
    )
    assert (changed["created"], changed["updated"]) == (0, 1)
    colony = Institution.objects.get(code="R-002")
    assert (colony.facility.name, colony.active) == ("Колония №2 (новое)", False)


def test_an_xlsx_file_loads_like_a_csv(
    world: World, session_client: Callable[[User], Client]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code", "Name", "Kind", "Region", "Included_on"])
    sheet.append(["X-1", "Гауптвахта", "guardhouse", "KZ-TB", None])
    sheet.append(["X-2", "", "guardhouse", "KZ-TB", None])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("register.xlsx", buffer.getvalue())
    response = session_client(world.admin).post(
        "/oversight/institutions/import/", {"file": upload}, follow=True
    )
    text = response.content.decode()
    assert "1 new" in text and "A name of 1 to 300 characters is required." in text
    assert Institution.objects.filter(code="X-1", facility__kind__code="guardhouse").exists()


def test_a_file_without_the_required_columns_is_refused_whole(world: World) -> None:
    with pytest.raises(UnreadableFile, match="Missing columns: kind, region"):
        _load(world.admin, "code,name\nA,B\n")


def test_only_an_administrator_loads_the_register(
    world: World, token_client: Callable[[User], Client]
) -> None:
    with pytest.raises(PermissionDenied):
        _load(world.monitor_a, CSV)
    upload = SimpleUploadedFile("register.csv", CSV.encode())
    response = token_client(world.monitor_a).post(
        "/api/oversight/institutions/import", {"file": upload}
    )
    assert response.status_code == 403
    upload = SimpleUploadedFile("register.csv", CSV.encode())
    response = token_client(world.admin).post(
        "/api/oversight/institutions/import", {"file": upload}
    )
    assert response.status_code == 200 and response.json()["rejected"] == 5
