"""Case steps and damage load from files keyed by the offence's source number: good rows load,
each bad row is refused with its row number and field, a second load changes nothing, and a
caller's load stays inside their territory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from senim.core.models import User
from senim.register.ingest import outcomes as loader
from senim.register.ingest.pipeline import FileRejected
from senim.register.models import CaseStep, Damage, Offence, Repayment
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db
STEPS = ["offence_source_system", "offence_external_id", "step", "on", "unit", "district"]
DAMAGE = ["offence_source_system", "offence_external_id", "damage", "assessed_on", "repaid",
          "repaid_on"]  # fmt: skip


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def offences(make_offence: Callable[..., Offence], territory: Territory) -> list[Offence]:
    # Registered 2025-03-02 (09:00 Almaty); the third in region B.
    return [
        make_offence(),
        make_offence(),
        make_offence(region=territory.region_b, district=territory.district_b),
    ]


def _load(kind: str, data: bytes, user: User | None = None) -> loader.LoadSummary:
    return loader.ingest(handle=io.BytesIO(data), kind=kind, fmt="csv", user=user, actor="t")


STEP_ROWS = [
    ["test", "O-00001", "suspended", "2025-05-01", "", ""],  # row 2
    ["test", "O-00001", "solved", "2025-09-01", "", "KZ-TA-D1"],  # row 3: builds on row 2
    ["test", "O-00002", "solved", "2025-03-01", "", "KZ-TA-D1"],  # row 4: before registration
    ["test", "O-00002", "sent_to_court", "2025-04-01", "", ""],  # row 5: out of order
    ["test", "O-00002", "solved", "2999-01-01", "", "KZ-TA-D1"],  # row 6: in the future
    ["test", "O-00002", "solved", "01.04.2025", "", "KZ-TA-D1"],  # row 7: not a date
    ["test", "O-00002", "solved", "2025-04-01", "", ""],  # row 8: nobody solved it
    ["test", "O-99999", "solved", "2025-04-01", "", "KZ-TA-D1"],  # row 9: no such offence
    ["test", "O-00002", "closed", "2025-04-01", "", ""],  # row 10: no such step
]


def test_good_step_rows_load_and_each_bad_row_names_its_row_and_field(offences: Any) -> None:
    summary = _load("case_steps", _csv(STEPS, STEP_ROWS))
    assert (summary.read, summary.loaded, summary.rejected) == (9, 2, 7)
    errors = [(e.row, e.field) for e in summary.errors]
    assert errors == [
        (4, "on"), (5, "step"), (6, "on"), (7, "on"), (8, "unit"),
        (9, "offence_external_id"), (10, "step"),
    ]  # fmt: skip
    assert "before the offence was registered" in summary.errors[0].reason
    first, second = Offence.objects.order_by("pk")[:2]
    assert first.status == "solved" and second.status == "registered"
    assert list(first.steps.values_list("step", flat=True)) == ["suspended", "solved"]
    assert not second.steps.exists()  # nothing half-written


def test_loading_the_same_file_again_changes_nothing(offences: Any) -> None:
    data = _csv(STEPS, STEP_ROWS[:2])
    _load("case_steps", data)
    again = _load("case_steps", data)
    assert (again.loaded, again.unchanged, again.rejected) == (0, 2, 0)
    other = _load("case_steps", _csv(STEPS, [["test", "O-00001", "solved", "2025-09-02", "",
                                              "KZ-TA-D1"]]))  # fmt: skip
    assert other.rejected == 1 and "stored already" in other.errors[0].reason
    assert CaseStep.objects.count() == 2


def test_damage_and_repayments_load_and_a_repayment_above_the_damage_is_refused(
    offences: Any,
) -> None:
    rows = [
        ["test", "O-00001", "1000000", "2025-03-02", "400000.50", "2025-06-01"],  # row 2
        ["test", "O-00001", "1000000", "2025-03-02", "700000", "2025-07-01"],  # row 3: above
        ["test", "O-00002", "-5", "2025-03-02", "", ""],  # row 4: negative
        ["test", "O-00002", "500", "2025-03-02", "10", ""],  # row 5: repaid without its date
        ["test", "O-00002", "500", "2025-03-02", "600", "2025-03-05"],  # row 6: above, alone
    ]
    summary = _load("damage", _csv(DAMAGE, rows))
    assert [(e.row, e.field) for e in summary.errors] == [
        (3, "repaid"), (4, "damage"), (5, "repaid_on"), (6, "repaid"),
    ]  # fmt: skip
    assert "above the damage" in summary.errors[0].reason
    assert "negative" in summary.errors[1].reason
    assert Damage.objects.count() == 1  # row 6's damage went with its refused repayment
    assert list(Repayment.objects.values_list("amount", flat=True)) == [Decimal("400000.50")]
    again = _load("damage", _csv(DAMAGE, rows[:1]))
    assert (again.loaded, again.unchanged) == (0, 1)


def test_a_file_with_wrong_columns_or_unreadable_loads_nothing(offences: Any) -> None:
    with pytest.raises(FileRejected, match="missing required columns: on"):
        _load("case_steps", _csv(STEPS[:3], [["test", "O-00001", "solved"]]))
    with pytest.raises(FileRejected, match="unknown columns: colour"):
        _load("case_steps", _csv([*STEPS, "colour"], [[*STEP_ROWS[0], "red"]]))
    with pytest.raises(FileRejected):
        _load("case_steps", b"\xff\xfe not utf-8")
    assert not CaseStep.objects.exists()


def test_the_api_keeps_a_load_inside_the_callers_territory(
    offences: Any, users: dict[str, User], session_client: Callable[[User], Any]
) -> None:
    rows = [
        ["test", "O-00001", "terminated", "2025-04-01", "", ""],  # region A
        ["test", "O-00003", "terminated", "2025-04-01", "", ""],  # region B
    ]
    upload = SimpleUploadedFile("steps.csv", _csv(STEPS, rows), content_type="text/csv")
    client = session_client(users["regional_analyst_b"])
    reply = client.post("/api/register/ingest?kind=case_steps", {"file": upload})
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert (body["loaded"], body["rejected"]) == (1, 1)
    assert body["errors"][0]["row"] == 2
    assert list(CaseStep.objects.values_list("offence__external_id", flat=True)) == ["O-00003"]
    duty = session_client(users["duty_officer_a"])
    upload.seek(0)
    assert duty.post("/api/register/ingest?kind=case_steps", {"file": upload}).status_code == 403


def test_the_command_loads_case_steps(offences: Any, tmp_path: Path) -> None:
    path = tmp_path / "steps.csv"
    path.write_bytes(_csv(STEPS, STEP_ROWS[:3]))
    out = io.StringIO()
    call_command("ingest", str(path), "--kind", "case_steps", stdout=out)
    assert "loaded 2" in out.getvalue() and "rejected 1" in out.getvalue()
    assert (tmp_path / "steps.csv.errors.csv").read_text().splitlines()[1].startswith("4,on,")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(["step"], [["solved"]]))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("ingest", str(bad), "--kind", "case_steps", stdout=io.StringIO())


SEARCHES = ["search_source_system", "search_external_id", "kind", "region", "opened_on",
            "district", "outcome_on", "appeal_source_system", "appeal_external_id"]  # fmt: skip


def test_searches_load_with_their_outcomes_and_bad_rows_are_refused_by_field(
    territory: Territory, make_appeal: Callable[..., Any], users: dict[str, User]
) -> None:
    from senim.register.models import PersonSearch

    appeal = make_appeal(category="missing_person")
    rows = [
        [
            "mvd",
            "S-1",
            "missing",
            "KZ-TA",
            "2025-03-03",
            "",
            "2025-03-09",
            "test",
            appeal.external_id,
        ],
        ["mvd", "S-2", "wanted", "KZ-TA", "2025-01-10", "", "", "", ""],  # still searched for
        ["mvd", "S-3", "lost", "KZ-TA", "2025-01-10", "", "", "", ""],  # row 4: no such kind
        ["mvd", "S-4", "wanted", "KZ-XX", "2025-01-10", "", "", "", ""],  # row 5: no region
        ["mvd", "S-5", "wanted", "KZ-TA", "2999-01-10", "", "", "", ""],  # row 6: future
        ["mvd", "S-6", "wanted", "KZ-TA", "2025-02-10", "", "2025-02-01", "", ""],  # row 7
        ["mvd", "S-7", "wanted", "KZ-TA", "2025-02-10", "", "", "test", appeal.external_id],
    ]
    summary = _load("searches", _csv(SEARCHES, rows))
    assert (summary.loaded, summary.rejected) == (2, 5)
    assert [(e.row, e.field) for e in summary.errors] == [
        (4, "kind"), (5, "region"), (6, "opened_on"), (7, "outcome_on"), (8, "appeal_external_id"),
    ]  # fmt: skip
    found = PersonSearch.objects.get(external_id="S-1")
    assert (found.outcome, str(found.outcome_on), found.appeal_id) == (
        "found",
        "2025-03-09",
        appeal.pk,
    )
    # A later file closes the open search; the same file again changes nothing.
    later = _csv(
        SEARCHES, [["mvd", "S-2", "wanted", "KZ-TA", "2025-01-10", "", "2025-04-02", "", ""]]
    )
    assert _load("searches", later).loaded == 1
    assert PersonSearch.objects.get(external_id="S-2").outcome == "caught"
    again = _load("searches", later)
    assert (again.loaded, again.unchanged) == (0, 1)
    # A caller of region B cannot load a search of region A.
    outside = _load(
        "searches",
        _csv(SEARCHES, [["mvd", "S-9", "wanted", "KZ-TA", "2025-01-10", "", "", "", ""]]),
        users["regional_analyst_b"],
    )
    assert [(e.field) for e in outside.errors] == ["region"]
    assert PersonSearch.objects.count() == 2
