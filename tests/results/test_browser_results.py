"""A real headless Chromium: an analyst reads the thematic results of 2025 in Kazakh and English
(seed 003's figures from the demo's records), searches a list, opens a record, and has a file
with a negative weight refused row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser_drilldown import (  # noqa: F401 - fixtures shared with the register's browser test
    CHROMIUM,
    audit_log_flushable,
    page,
    static_from_the_project,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def test_an_analyst_reads_the_results_in_kazakh_and_english_and_a_bad_file_is_refused(
    page: Any,  # noqa: F811 - the shared fixture imported above
    live_server: Any,
    tmp_path: Path,
) -> None:
    from senim.core.models import User
    from senim.results import demo_data
    from senim.results.models import DrugSeizure

    demo_data.build(seed=2025, years=[2024, 2025])
    seizures = DrugSeizure.objects.count()
    user = User(username="results-analyst", role="national_analyst")
    user.set_password("secret-pass-1")
    user.save()

    page.goto(f"{live_server.url}/results/?year=2025")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/results/?year=2025")

    page.click("button.lang-switch__btn[value=kk]")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Тақырыптық')")
    assert page.locator("h1").inner_text().startswith("Тақырыптық нәтижелер · 2025")
    drugs = page.locator("[data-figure=drugs_t]").inner_text()
    assert "Тәркіленген есірткі" in drugs and "31,700" in drugs.replace("\xa0", " ")
    assert (
        page.locator("[data-figure=road_deaths] [data-change]").get_attribute("data-change")
        == "-10.0"
    )
    assert page.locator("#by-region tbody tr").count() == 20
    # The regional spread of national totals is synthetic, and the page says so.
    assert "синтетикалық" in page.locator("#synthetic-note").inner_text()

    page.click("button.lang-switch__btn[value=en]")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Thematic results')")
    assert "84500000" in page.locator("[data-figure=blocked_calls]").inner_text().replace(
        ",", ""
    ).replace("\xa0", "").replace(" ", "")
    assert "LABORATORIES" in page.locator("#by-region thead").inner_text().upper()

    page.click(".rs-tabs__link >> text=Drug laboratories dismantled")
    page.fill("input[name=q]", "DEMO-LAB-2025-00007")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#records tbody tr >> text=DEMO-LAB-2025-00007")
    assert page.locator("#records tbody tr").count() == 1
    page.click("#records tbody a")
    page.wait_for_selector("#record")
    assert "DEMO-LAB-2025-00007" in page.locator("#record").inner_text()

    bad = tmp_path / "seizures.csv"
    bad.write_text(
        "source_number,seized_on,region,drug_kind,weight_kg\n"
        "N-1,2025-05-01,KZ-75,heroin,2.5\n"
        "N-2,2025-05-02,KZ-75,heroin,-4\n"
        "N-3,2025-05-03,KZ-75,spice,1\n"
    )
    page.goto(f"{live_server.url}/results/load/")
    page.select_option("select[name=kind]", "drug_seizures")
    page.fill("input[name=source_system]", "drug-police")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#load-form button[type=submit]")
    page.wait_for_selector("#file-errors")
    rows = page.locator("#file-errors tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert rows[0].split("\t")[:2] == ["3", "weight_kg"]
    assert rows[1].split("\t")[:2] == ["4", "drug_kind"]
    assert DrugSeizure.objects.count() == seizures  # nothing of the file was stored
