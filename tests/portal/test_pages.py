"""Public pages open without signing in, in Kazakh by default and in Russian or English on request;
staff pages still need a login; the district report (HTML and PDF, three languages) shows the
figures of the world's own events; bad addresses get a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from senim.core.models import District, Officer, Sector, Unit
from senim.portal import open_data
from senim.register.models import Article, Offence
from tests.pdf_text import pdf_text
from tests.portal.conftest import World

pytestmark = pytest.mark.django_db
REPORT = "/open/reports/KZ-75-ALMALY/2025-03/"


def _section(page: str, ident: str) -> str:
    return page.split(f'id="{ident}"', 1)[1].split("</section>", 1)[0]


def test_before_the_first_build_the_portal_says_nothing_is_published(db: Any) -> None:
    client = Client()
    for url in ("/open/", "/open/regions/KZ-75/", "/open/data/"):
        response = client.get(url)
        assert response.status_code == 200 and 'id="not-published"' in response.content.decode()
    missing = client.get("/open/data/offences-KZ-75-2025.csv")
    assert missing.status_code == 404
    assert "has not been published yet" in missing.content.decode()


@pytest.mark.kazakh_default
def test_anonymous_visitors_read_kazakh_by_default_and_switch_to_russian(
    portal_world: World,
) -> None:
    open_data.build()
    client = Client()
    page = client.get("/open/").content.decode()
    assert "<h1>Полиция жұмысының ашық көрсеткіштері</h1>" in page
    assert "деректер жоқ" in page and page.count('data-region="') >= 21  # 20 regions + country
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/open/"}, follow=True)
    assert "<h1>Открытые показатели работы полиции</h1>" in response.content.decode()
    region = client.get("/open/regions/KZ-75/").content.decode()
    assert "Алмалинский район" in region and "Открытые данные региона" in region


def test_staff_pages_and_the_staff_api_still_need_a_login(db: Any) -> None:
    client = Client()
    for url in ("/", "/indicators/", "/analytics/", "/trust/", "/safeguards/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.get("/api/register/offences").status_code == 401
    assert client.get("/open/").status_code == 200
    assert client.get("/api/open/regions").status_code == 200


def test_a_region_page_has_each_kpi_with_its_note_trend_districts_and_downloads(
    portal_world: World,
) -> None:
    open_data.build()
    page = Client().get("/open/regions/KZ-75/").content.decode()
    cards = _section(page, "kpi-cards")
    assert cards.count('class="card pt-card"') == 6 and cards.count('class="pt-note"') == 6
    assert "Source" in cards and "read from the monthly counts the database keeps;" in cards
    assert 'id="portal-trends"' in page
    districts = _section(page, "districts")
    assert (
        districts.count("<tr data-district=")
        == District.objects.filter(region__iso="KZ-75").count()
    )
    assert "/open/reports/KZ-75-ALMALY/2025-12/" in districts  # the latest complete month
    downloads = _section(page, "open-data")
    assert 'href="/open/data/offences-KZ-75-2025.csv"' in downloads
    download = Client().get("/open/data/offences-KZ-75-2025.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="offences-KZ-75-2025.csv"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"month,region,district,cell_id")  # type: ignore[attr-defined]
    assert Client().get("/open/regions/KZ-99/").status_code == 404
    assert Client().get("/open/data/offences-KZ-75-1999.csv").status_code == 404
    assert Client().get("/open/data/secrets.txt").status_code == 404


def _sectors() -> None:
    """Two sectors in Almaly, one with an inspector; two of March's offences lie in the first."""
    almaly = District.objects.get(code="KZ-75-ALMALY")
    unit = Unit.objects.create(
        name_kk="Т", name_ru="Т", name_en="T", kind="district_department",
        region=almaly.region, district=almaly,
    )  # fmt: skip
    officer = Officer.objects.create(
        badge_number="T-1", unit=unit, rank="captain", position="district inspector"
    )
    one = Sector.objects.create(
        district=almaly, code="KZ-75-ALMALY-T01", number=1, lat=43.26, lon=76.93, inspector=officer
    )
    Sector.objects.create(district=almaly, code="KZ-75-ALMALY-T02", number=2, lat=43.25, lon=76.91)
    ids = Offence.objects.filter(district=almaly, article__code="UK-99").values_list(
        "id", flat=True
    )
    Offence.objects.filter(id__in=list(ids)).update(sector=one)


def test_the_district_report_shows_the_months_figures(portal_world: World) -> None:
    _sectors()
    kinds = dict(Article.objects.values_list("code", "kind"))
    march = [
        o for o in portal_world.offences
        if o.district == "KZ-75-ALMALY" and (o.when.year, o.when.month) == (2025, 3)
    ]  # fmt: skip
    page = Client().get(REPORT).content.decode()
    assert '<h1 id="report-title">Accountability report: Almaly District, March 2025</h1>' in page
    offences = _section(page, "offences")
    crimes = sum(kinds[o.article] == "crime" for o in march)
    assert (
        f'<tr data-kind="crime"><td class="text">crime</td><td>{crimes}</td><td>0</td><td>0</td>'
        in offences
    )
    assert f'<td class="strong">{len(march)}</td>' in offences
    criminal = [o for o in march if kinds[o.article] != "administrative"]
    solved = [o for o in criminal if o.status in {"solved", "sent_to_court"}]
    results = _section(page, "results")
    assert f"{100 * len(solved) / len(criminal):.1f} % ({len(solved)} / {len(criminal)})" in results
    assert "13.5" in results and "34.5" in results and "calls: 8" in results
    channels = _section(page, "channels")
    assert "102 call</td><td>10<" in channels and '<td class="strong">12</td>' in channels
    sectors = _section(page, "sectors")
    assert "captain, district inspector" in sectors and "fewer than 3" in sectors
    assert "vacant" in sectors
    # Navigation: February has no data yet is a month of the report; April is the next one.
    assert 'href="/open/reports/KZ-75-ALMALY/2025-04/" rel="next"' in page


@pytest.mark.parametrize(
    ("language", "district", "heading"),
    [
        ("kk", "Алмалы ауданы", "Тіркелген құқық бұзушылықтар"),
        ("ru", "Алмалинский район", "Зарегистрированные правонарушения"),
        ("en", "Almaly District", "Offences registered"),
    ],
)
def test_the_report_pdf_is_written_in_each_language(
    portal_world: World, language: str, district: str, heading: str
) -> None:
    response = Client().get(f"{REPORT}pdf/?lang={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(" ".join(pdf_text(response.content)).split())
    assert district in text and heading in text
    assert f"-{language}.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/open/reports/KZ-75-ALMALY/2025-13/", 400, "YYYY-MM"),
        ("/open/reports/KZ-75-ALMALY/march/pdf/", 400, "YYYY-MM"),
        ("/open/reports/KZ-99-NOWHERE/2025-03/", 404, "no district with the code KZ-99-NOWHERE"),
        ("/open/reports/KZ-75-ALMALY/2999-01/", 404, "only complete months"),
        ("/open/reports/KZ-75-ALMALY/2019-01/", 404, "no data for 2019-01"),
        ("/open/reports/KZ-75-ALMALY/2025-03/?lang=de", 400, "kk, ru, en"),
        ("/open/?year=1999", 404, "no published KPIs for the year 1999"),
    ],
)
def test_bad_report_and_page_addresses_say_what_is_wrong(
    portal_world: World, url: str, status: int, message: str
) -> None:
    open_data.build()
    response = Client().get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_the_demo_banner_and_the_files_say_the_data_is_synthetic(
    portal_world: World, open_dir: Path
) -> None:
    Offence.objects.update(source_system="demo")
    open_data.build()
    page = Client().get("/open/").content.decode()
    assert "Demo: all data on this page is synthetic" in page
    assert '"synthetic": true' in (open_dir / "offences-KZ-75-2025.meta.json").read_text()
    report = Client().get(REPORT).content.decode()
    assert "Demo: all data in this report is synthetic" in report
