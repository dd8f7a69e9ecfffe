"""The district report PDF lays out cleanly in each language (issue 16 item 11): an inspector's
rank and post fit their cell on one line, no word of a table is broken across lines, decimals take
a comma in Kazakh and Russian; ranks and posts stored in Russian are shown in the page's language
(issue 16 item 9)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from senim.core.models import District, Officer, Sector, Unit
from senim.register.models import Offence
from tests.pdf_text import pdf_text
from tests.portal.conftest import World

pytestmark = pytest.mark.django_db
REPORT = "/open/reports/KZ-75-ALMALY/2025-03/pdf/"
INSPECTOR = {
    "kk": "полиция капитаны, учаскелік полиция инспекторы",
    "ru": "капитан полиции, участковый инспектор полиции",
    "en": "police captain, district police inspector",
}


def _sector_with_an_inspector() -> None:
    almaly = District.objects.get(code="KZ-75-ALMALY")
    unit = Unit.objects.create(
        name_kk="Т", name_ru="Т", name_en="T", kind="district_department",
        region=almaly.region, district=almaly,
    )  # fmt: skip
    officer = Officer.objects.create(
        badge_number="T-1",
        unit=unit,
        rank="капитан полиции",
        position="участковый инспектор полиции",
    )
    one = Sector.objects.create(
        district=almaly, code="KZ-75-ALMALY-T01", number=1, lat=43.26, lon=76.93, inspector=officer
    )
    ids = Offence.objects.filter(district=almaly).values_list("id", flat=True)[:2]
    Offence.objects.filter(id__in=list(ids)).update(sector=one)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_report_pdf_keeps_cells_short_words_whole_and_decimals_local(
    portal_world: World, language: str
) -> None:
    _sector_with_an_inspector()
    response = Client().get(f"{REPORT}?lang={language}")
    assert response.status_code == 200
    lines = [line.strip() for page in pdf_text(response.content) for line in page.splitlines()]
    # The inspector's rank and post, stored in Russian, in the report's language, on one line.
    assert INSPECTOR[language] in lines
    # Every word of the tables' labels is whole on some line: none was broken across two.
    tokens = {token for line in lines for token in re.findall(r"[^\W\d_]+", line)}
    with translation.override(language):
        labels = [
            _("Share of criminal offences solved"),
            _("102: median time to arrival, min"),
            _("Complaints about the police (appeals)"),
            _("District inspectors' sectors"),
            _("A year earlier"),
            _("Month before"),
        ]
    for label in labels:
        for word in re.findall(r"[^\W\d_]+", label):
            assert word in tokens, (language, word)
    # The solved share: "66,7 % (2/3)" in Kazakh and Russian, "66.7 % (2/3)" in English.
    share = next(line for line in lines if re.search(r"\d+[.,]\d %", line))
    comma = re.search(r"\d+,\d %", share) is not None
    assert comma == (language in {"kk", "ru"}), share
