"""A district inspector works their sector in a real headless Chromium.

Signs in and lands on the sector's page (its map drawn), puts a person on the preventive register
through the form (a wrong IIN first: the error, nothing stored), records the contact that is
due, assesses a domestic-violence risk that comes out high; then a call from that address shows
the warning in the district duty officer's queue.

With SENIM_DOC_SCREENSHOTS=1 the screenshots of docs/prevention.md are written to docs/img/.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from senim.ops.intake import intake
from senim.prevention.models import DvAssessment, Problem, Supervision
from tests.prevention.conftest import Place, dv_form, person_form, plant_offences
from tests.web.test_browser_drilldown import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SEVERE = {"weapon", "strangulation", "threat_to_kill", "escalating"}


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = DOCS_IMG if os.environ.get("SENIM_DOC_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"prevention-{name}.png"), full_page=True)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "secret-pass-1")
    page.click("form.form button[type=submit]")


def test_an_inspector_works_the_sector_and_a_high_risk_reaches_the_queue(
    page: Any, live_server: Any, place: Place, tmp_path: Path
) -> None:
    base = live_server.url
    _sign_in(page, base, place.inspector.username)
    page.wait_for_url(f"**/prevention/sectors/{place.s1.code}/")
    page.wait_for_selector("#prevention-map[data-rendered=true]")
    assert page.inner_text("#kpi-supervised") == "0"

    # The register's form: a wrong IIN is refused by name, the rest of the input kept.
    page.click("text=Put a person on the register")
    form = person_form(place)
    page.select_option("select[name=category]", form["category"])
    for name in ("basis", "started_on", "ends_on", "address", "lat", "lon"):
        page.fill(f"[name={name}]", form[name])
    page.fill("[name=iin]", "900101300018")
    _shot(page, tmp_path, "register-form")
    page.click("#supervision-form button[type=submit]")
    page.wait_for_selector(".alert--error[data-field=iin]")
    assert not Supervision.objects.exists()
    assert page.input_value("[name=address]") == form["address"]
    page.fill("[name=iin]", form["iin"])
    page.click("#supervision-form button[type=submit]")
    page.wait_for_selector("#contacts")
    supervision = Supervision.objects.get()

    # The contact owed today, recorded from the person's page.
    page.select_option("#contact-form select[name=kind]", "home_visit")
    page.select_option("#contact-form select[name=outcome]", "met")
    page.fill("#contact-form [name=note]", "At home, works at the market.")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contacts >> text=met, no violation")
    _shot(page, tmp_path, "person")
    assert supervision.contacts.filter(done_at__isnull=False).count() == 1

    # A domestic-violence risk that comes out high.
    page.goto(f"{base}/prevention/dv/new/")
    answers = dv_form(place, SEVERE)
    page.fill("#dv-form [name=address]", answers["address"])
    page.fill("#dv-form [name=lat]", answers["lat"])
    page.fill("#dv-form [name=lon]", answers["lon"])
    for key, value in answers.items():
        if key.startswith("item_"):
            page.check(f"input[name={key}][value={value}]")
    _shot(page, tmp_path, "dv-form")
    page.click("#dv-form button[type=submit]")
    page.wait_for_selector("#dv-level")
    assert page.inner_text("#dv-level") == "High"
    assert DvAssessment.objects.get().level.code == "high"
    page.goto(f"{base}/prevention/sectors/{place.s1.code}/")
    page.wait_for_selector("#prevention-map[data-rendered=true]")
    assert page.inner_text("#kpi-supervised") == "1"
    assert "7 Dostyk avenue" in page.inner_text("#risks")
    _shot(page, tmp_path, "sector")

    # Where calls are handled: a call from the address carries the warning.
    intake(
        user=place.duty,
        rows=[
            {
                "source_system": "102",
                "external_id": "FROM-THE-ADDRESS",
                "channel": "call_102",
                "category": "domestic_conflict",
                "lat": float(answers["lat"]),
                "lon": float(answers["lon"]),
            }
        ],
    )
    page.context.clear_cookies()
    _sign_in(page, base, place.duty.username)
    page.wait_for_url(f"{base}/ops/**")
    page.wait_for_selector("#queue-table [data-warning=dv]")


def test_an_inspector_takes_a_hot_spot_through_sara_to_the_verdict(
    page: Any, live_server: Any, place: Place, tmp_path: Path
) -> None:
    start, control_lat, control_lon = plant_offences(place, background=600)
    base = live_server.url
    _sign_in(page, base, place.inspector.username)
    page.wait_for_url(f"**/prevention/sectors/{place.s1.code}/")

    # Scanning: the analytics centre's hot spot in the sector, suggested on the sector's page.
    page.click("#suggestions li[data-origin=hot_spot] a")
    page.wait_for_selector("#problem-form")
    assert page.input_value("[name=lat]") and page.input_value("select[name=origin]") == "hot_spot"
    page.fill("[name=title]", "Thefts at the bus stop")
    page.fill("[name=description]", "Phones stolen from people waiting for the evening buses.")
    # The inspector narrows the hot spot to the bus stop itself.
    page.fill("[name=lat]", f"{place.d1.lat:.6f}")
    page.fill("[name=lon]", f"{place.d1.lon:.6f}")
    page.fill("[name=radius_m]", "150")
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("#incidents")
    problem = Problem.objects.get()
    assert problem.incidents.count() > 0 and problem.origin == "hot_spot"
    for box in page.query_selector_all("#incidents input[type=checkbox]")[:10]:
        box.check()
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("#incidents input:checked")
    page.click("#advance-button")

    # Analysis: the crime triangle.
    page.wait_for_selector("#triangle")
    for side, text in (
        ("offender", "Teenagers from the market"),
        ("target", "Commuters"),
        ("place", "Dark stop"),
    ):
        page.fill(f"[name={side}_description]", text)
        page.fill(f"[name={side}_controller]", "Parents; the bus company; the akimat")
    page.click("#triangle button[type=submit]")
    page.wait_for_selector("[name=response_ends_on]")
    ends = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    page.fill("[name=response_ends_on]", ends)
    page.click("#advance-button")

    # Response: a task for a partner.
    page.wait_for_selector("#task-form")
    page.fill("#task-form [name=text]", "Light the bus stop")
    page.select_option("#task-form [name=owner_kind]", "partner")
    page.fill("#task-form [name=owner_name]", "Akimat, transport department")
    page.fill("#task-form [name=due_on]", ends)
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#tasks >> text=Light the bus stop")
    page.click("#advance-button")
    page.wait_for_selector("#assess-form")

    # Months later (the response began 120 days ago): before and after against a control.
    Problem.objects.filter(pk=problem.pk).update(
        scanning_at=start - dt.timedelta(days=40),
        analysis_at=start - dt.timedelta(days=20),
        response_at=start,
    )
    page.reload()
    page.fill("#assess-form [name=lat]", f"{control_lat:.6f}")
    page.fill("#assess-form [name=lon]", f"{control_lon:.6f}")
    page.click("#assess-form button[type=submit]")
    page.wait_for_selector("#verdict, .alert--error")
    assert not page.query_selector(".alert--error"), page.inner_text(".alert--error")
    _shot(page, tmp_path, "problem")
    problem.refresh_from_db()
    assert problem.evaluation["target"][0] > problem.evaluation["target"][1]
    assert "Before:" in page.inner_text("#verdict")


def test_an_inspector_records_an_administrative_case_and_moves_it_forward(
    page: Any, live_server: Any, place: Place, tmp_path: Path
) -> None:
    from senim.prevention.models import AdminCase

    base = live_server.url
    today = timezone.localdate()
    _sign_in(page, base, place.inspector.username)
    page.wait_for_url(f"**/prevention/sectors/{place.s1.code}/")
    assert page.inner_text("#kpi-admin-open") == "0"
    page.click("#sector-admin-cases >> text=Record a protocol")
    page.fill("[name=number]", "AB-1207")
    page.select_option("select[name=article]", "KoAP-434")
    page.fill("[name=iin]", "900101300017")
    page.fill("[name=offence_on]", (today - dt.timedelta(days=2)).isoformat())
    page.fill("[name=protocol_on]", (today - dt.timedelta(days=1)).isoformat())
    page.click("#admin-case-form button[type=submit]")
    page.wait_for_selector("#case-timeline [data-step=protocol]")
    case = AdminCase.objects.get()
    # The next step: sent to a court, dated today.
    page.select_option("#step-form select[name=body]", "court")
    page.fill("#step-form [name=body_name]", "Specialised administrative court")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#case-timeline [data-step=sent]")
    _shot(page, tmp_path, "admin-case")
    case.refresh_from_db()
    assert case.status == "sent" and case.body == "court" and case.sent_on == today
    page.goto(f"{base}/prevention/sectors/{place.s1.code}/")
    assert page.inner_text("#kpi-admin-open") == "1"
