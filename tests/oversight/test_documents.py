"""The obstruction record and letter to the prosecutor are real PDFs in Kazakh and in Russian,
and the annual report's PDF and XLSX carry the figures computed from the records."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from senim.core.models import User
from senim.oversight import services
from tests.oversight.conftest import RecordVisit, World
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def obstruction(world: World, record_visit: RecordVisit) -> int:
    visit = record_visit()
    when = timezone.make_aware(dt.datetime.combine(visit.visited_on, dt.time(11, 5)))
    item = services.record_obstruction(user=world.monitor_a, visit_id=visit.pk, occurred_at=when,
                                       kind="denied_entry", official="duty officer",
                                       description="The group was kept at the gate for two hours.")  # fmt: skip
    return item.pk


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ["Алдын ала баруға кедергі келтіру туралы акт", "507-бабы", "прокурорына"]),
        ("ru", ["Акт о воспрепятствовании превентивному посещению", "статьёй 507", "Прокурору"]),
    ],
)
def test_the_obstruction_pdf_is_written_in_kazakh_or_russian(
    world: World,
    obstruction: int,
    session_client: Callable[[User], Client],
    lang: str,
    words: list[str],
) -> None:
    response = session_client(world.monitor_a).get(
        f"/oversight/obstructions/{obstruction}/pdf/?lang={lang}"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pages = pdf_text(response.content)
    assert len(pages) == 2  # the record, then the letter
    text = " ".join(" ".join(pages).split())
    for word in words:
        assert word in text, text
    assert "Aigerim A." in text and "11:05" in text


def test_the_obstruction_pdf_is_only_in_kazakh_or_russian_and_only_for_the_group(
    world: World, obstruction: int, session_client: Callable[[User], Client]
) -> None:
    assert (
        session_client(world.monitor_a)
        .get(f"/oversight/obstructions/{obstruction}/pdf/?lang=en")
        .status_code
        == 400
    )
    assert (
        session_client(world.monitor_b)
        .get(f"/oversight/obstructions/{obstruction}/pdf/?lang=kk")
        .status_code
        == 404
    )


def test_an_obstruction_before_the_visit_is_refused(
    world: World, record_visit: RecordVisit
) -> None:
    visit = record_visit()
    with pytest.raises(services.Invalid) as refused:
        services.record_obstruction(user=world.monitor_a, visit_id=visit.pk,
                                    occurred_at=timezone.now() - dt.timedelta(days=30), kind="denied_entry",
                                    official="x", description="y")  # fmt: skip
    assert refused.value.field == "occurred_at"


def test_the_annual_report_pdf_and_xlsx_carry_the_computed_tables(
    world: World, record_visit: RecordVisit, session_client: Callable[[User], Client]
) -> None:
    record_visit(
        findings=[services.FindingIn("Expired medicines", "medicines")],
        recommendations=[
            services.RecommendationIn("Remove them", TODAY + dt.timedelta(days=9), finding=0)
        ],
    )
    record_visit(institution_id=world.colony_a.pk, unannounced=False)
    client = session_client(world.council_user)
    xlsx = client.get(f"/oversight/report/?year={TODAY.year}&format=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    by_agency = {row[0]: row[1] for row in book["Visits by agency"].iter_rows(values_only=True)}
    assert (
        by_agency["Internal affairs bodies (police)"] == 1 and by_agency["Penitentiary system"] == 1
    )
    assert by_agency["Total"] == 2
    table3 = list(book["Table 3"].iter_rows(values_only=True))
    assert table3[-1][0] == "By agency" and table3[-1][-3:] == (1, 0, 0.0)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Visits"] == "2" and summary["of them unannounced"] == "1"

    pdf = client.get(f"/oversight/report/?year={TODAY.year}&format=pdf")
    assert pdf.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(pdf.content))
    assert f"Consolidated report of the NPM for {TODAY.year}" in text
    assert "Correctional institutions" in text and "1 / 0" in text
