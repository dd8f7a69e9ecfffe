"""CompStat brief: the right counts per period, district and kind, alerts, and a real PDF."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from senim.analysis.areas import resolve
from senim.analysis.compstat_brief import compstat_brief
from senim.analysis.pdf import compstat_pdf
from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local
from tests.pdf_text import pdf_text
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
REFERENCE = dt.date(2025, 6, 30)


@pytest.fixture
def weeks(territory: Territory, lay_offences: LayOffences) -> None:
    """D1: 20 crimes in the week to 30 June, 5 the week before, 4 a year earlier.
    D2: 3 administrative offences in each of the last two weeks."""
    t = territory
    d2: dict[str, Any] = {
        "district": t.district_a2,
        "kind": "administrative",
        "article": t.admin_article,
    }
    spots: list[Spot] = [(43.25, 76.92, local(2025, 6, 24 + i % 7, 12), {}) for i in range(20)]
    spots += [(43.25, 76.92, local(2025, 6, 17 + i, 12), {}) for i in range(5)]
    spots += [(43.25, 76.92, local(2024, 6, 25 + i, 12), {}) for i in range(4)]
    spots += [(43.30, 76.80, local(2025, 6, 28, 12), d2) for _ in range(3)]
    spots += [(43.30, 76.80, local(2025, 6, 20, 12), d2) for _ in range(3)]
    # 30 June 23:30 in Almaty is 18:30 UTC: still in the reference day.
    spots.append((43.25, 76.92, dt.datetime(2025, 6, 30, 18, 30, tzinfo=dt.UTC), {}))
    lay_offences(spots)


def test_counts_changes_and_alerts_per_district_and_kind(
    weeks: None, users: dict[str, User]
) -> None:
    user = users["regional_analyst_a"]
    brief = compstat_brief(user=user, area=resolve(user, "KZ-TA"), reference=REFERENCE)
    week = {row.key: row.cells[0] for row in brief.by_district}
    d1, d2 = week["KZ-TA-D1"], week["KZ-TA-D2"]
    assert (d1.current, d1.prior.base, d1.last_year.base) == (21, 5, 4)
    assert d1.prior.change_pct == pytest.approx(320.0)
    assert d1.prior.alert == 1 and d1.last_year.alert == 1
    assert (d2.current, d2.prior.base, d2.prior.change_pct, d2.prior.alert) == (3, 3, 0.0, 0)
    kinds = {row.key: row.cells[0].current for row in brief.by_kind}
    assert kinds == {"crime": 21, "criminal_misdemeanour": 0, "administrative": 3}
    assert brief.total.cells[0].current == 24
    assert brief.periods[0][1].start == dt.date(2025, 6, 24)
    # 28 days hold both weeks; the year to date everything of 2025.
    assert brief.total.cells[1].current == 32
    assert brief.total.cells[2].current == 32
    assert {"KZ-TA-D1", "crime", "Total"} <= {a.row for a in brief.alerts}


def test_the_pdf_is_a_real_pdf_with_the_tables_in_cyrillic(
    weeks: None, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["national_analyst"])
    response = client.get(
        "/analytics/compstat/",
        {"area": "KZ-TA", "reference": "2025-06-30", "format": "pdf"},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="senim-compstat-KZ-TA-20250630.pdf"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    pages = int(re.search(rb"/Count (\d+)", body).group(1))  # type: ignore[union-attr]
    text = pdf_text(body)
    assert len(text) == pages == 2  # the tables, then the alerts overflow onto a second page
    page = "\n".join(text)
    assert "KZ-TA-D1" in page and "+320%" in page
    assert "қылмыс" in page  # "crime" in Kazakh: Cyrillic with its own letters
    assert "synthetic" not in page  # no demo data here


def test_the_pdf_says_when_the_data_is_synthetic(weeks: None, users: dict[str, User]) -> None:
    user = users["national_analyst"]
    brief = compstat_brief(user=user, area=resolve(user, "KZ-TA-D1"), reference=REFERENCE)
    page = pdf_text(compstat_pdf(brief, demo=True))[0]
    assert "Demo: all data in this report is synthetic" in page
    assert "By district" not in page  # a district's brief has rows by kind only


def test_an_unknown_export_format_is_refused(weeks: None, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["national_analyst"])
    response = client.get("/analytics/compstat/", {"area": "KZ-TA", "format": "docx"})
    assert response.status_code == 400
