"""The workbench pages: lists with labels and pages, record pages, scope, roles, bad input."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from senim.core.models import AuditEntry, Person, User
from senim.core.permissions import MENU, landing
from senim.register.models import AppealEvent, Grade, OffenceParty
from tests.register.conftest import WHEN, Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
APPEALS, OFFENCES = "/register/appeals/", "/register/offences/"


def text(response: Any) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def rows(response: Any) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-id="(\d+)"', response.content.decode())]


def test_the_urls_have_their_names() -> None:
    assert reverse("register-appeals") == APPEALS
    assert reverse("register-appeal", args=[7]) == "/register/appeals/7/"
    assert reverse("register-offences") == OFFENCES
    assert reverse("register-offence", args=[7]) == "/register/offences/7/"
    assert MENU[0].url_name == "register-appeals"
    assert landing(User(role="district_inspector")) == "prevention-home"


def test_the_list_shows_labels_never_codes_and_links_each_record(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    appeal = make_appeal(channel="app_video_102", category="domestic_conflict", status="on_scene")
    response = session_client(users["national_analyst"]).get(APPEALS)
    assert response.status_code == 200
    page = text(response)
    assert "102 app video call" in page and "domestic conflict" in page and "on scene" in page
    assert "09:00" in page  # 04:00 UTC is 09:00 in Almaty
    body = response.content.decode()
    table = body[body.index('id="register-table"') :]
    assert "app_video_102" not in table and "domestic_conflict" not in table
    assert f'href="/register/appeals/{appeal.pk}/"' in body
    assert "Register" in page  # the menu entry


def test_filters_narrow_the_page_and_the_pages_link_to_each_other(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    many = [make_appeal(received_at=WHEN + dt.timedelta(minutes=i)) for i in range(53)]
    telegram = make_appeal(channel="telegram")
    client = session_client(users["administrator"])
    assert rows(client.get(APPEALS, {"channel": "telegram"})) == [telegram.pk]
    first = client.get(APPEALS)
    assert len(rows(first)) == 50 and 'rel="prev"' not in first.content.decode()
    older = re.search(r'href="([^"]+)" rel="next"', first.content.decode())
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert set(rows(first)) | set(rows(second)) == {a.pk for a in [*many, telegram]}
    assert not set(rows(first)) & set(rows(second))
    assert 'rel="prev"' in second.content.decode()


def test_bad_input_is_a_clear_message_never_a_500(
    users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["national_analyst"])
    control = client.get(OFFENCES, {"external_id": "12\x0734"})
    assert control.status_code == 400
    assert "Source number: contains a control character" in text(control)
    cursor = client.get(APPEALS, {"cursor": "garbage!"})
    assert cursor.status_code == 400
    assert "The page link is damaged" in text(cursor) and "Go to the first page" in text(cursor)
    unknown = client.get(APPEALS, {"chanel": "telegram"})
    assert unknown.status_code == 400 and "chanel: unknown filter; known:" in text(unknown)
    choice = client.get(APPEALS, {"channel": "pigeon"})
    assert choice.status_code == 400 and "is not one of the choices" in text(choice)
    dates = client.get(APPEALS, {"date_from": "2025-13-01"})
    assert dates.status_code == 400 and "YYYY-MM-DD" in text(dates)
    nul = client.get(APPEALS, {"region": "KZ-TA\x00", "district": "KZ-TA-D1"})
    assert nul.status_code == 400 and "Region: contains a control character" in text(nul)
    far = client.get(APPEALS, {"date_to": "9999-12-31"})
    assert far.status_code == 400 and "the date is out of range" in text(far)
    assert client.get(f"{APPEALS}99999999999999999999/").status_code == 404
    fmt = client.get(APPEALS, {"format": "pdf"})
    assert fmt.status_code == 400 and "Choose CSV or XLSX" in text(fmt)


def test_scope_a_record_elsewhere_is_404_and_a_filter_elsewhere_is_refused(
    territory: Territory,
    users: dict[str, User],
    make_appeal: Callable[..., Any],
    make_offence: Callable[..., Any],
    session_client: ClientFor,
) -> None:
    elsewhere = make_appeal(region=territory.region_b, district=territory.district_b)
    offence_b = make_offence(region=territory.region_b, district=territory.district_b)
    client = session_client(users["regional_analyst_a"])
    assert client.get(f"{APPEALS}{elsewhere.pk}/").status_code == 404
    assert client.get(f"{OFFENCES}{offence_b.pk}/").status_code == 404
    assert client.get(f"{APPEALS}999999/").status_code == 404
    assert rows(client.get(APPEALS)) == []
    refused = client.get(APPEALS, {"region": "KZ-TB"})
    assert refused.status_code == 403
    assert "This region is outside your scope." in text(refused)
    # The form offers only the user's own region.
    assert "KZ-TB" not in client.get(APPEALS).content.decode()


def test_a_role_without_the_register_gets_a_403_page(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    appeal = make_appeal()
    client = session_client(users["npm_monitor"])
    for path in (APPEALS, OFFENCES, f"{APPEALS}{appeal.pk}/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "does not open the register" in text(response)
    assert Client().get(APPEALS).status_code == 302  # to the sign-in page


def test_the_timeline_lists_the_events_in_order_with_their_facts_in_words(
    territory: Territory,
    users: dict[str, User],
    make_appeal: Callable[..., Any],
    session_client: ClientFor,
) -> None:
    urgent = Grade.objects.update_or_create(
        code="t-urgent",
        defaults={"name_kk": "Жедел", "name_ru": "Срочный", "name_en": "Urgent", "rank": 90},
    )[0]
    Grade.objects.update_or_create(
        code="t-emergency",
        defaults={"name_kk": "Шұғыл", "name_ru": "Экстренный", "name_en": "Emergency", "rank": 91},
    )
    appeal = make_appeal(status="closed", grade=urgent, warnings={"place": 3, "caller": 1})

    def event(minutes: int, kind: str, **fields: Any) -> None:
        AppealEvent.objects.create(
            appeal=appeal, at=WHEN + dt.timedelta(minutes=minutes), kind=kind, **fields
        )

    # Written out of order: the page orders them by time.
    event(30, "closed", actor="duty-2", from_status="on_scene", to_status="closed",
          details={"outcome": "help_given", "unit": "A-12"}, reason="talked it through")  # fmt: skip
    event(0, "received", actor="intake", to_status="received", details={"channel": "call_102"})
    event(5, "graded", actor="duty-1", from_status="received", to_status="graded",
          details={"grade": "t-emergency"})  # fmt: skip
    event(8, "regraded", actor="duty-1", from_status="graded", to_status="graded",
          reason_code="new_information", reason="no weapon after all",
          details={"from_grade": "t-emergency", "grade": "t-urgent"})  # fmt: skip
    event(9, "transferred", actor="duty-1", from_status="graded", to_status="graded",
          details={"from_district": "KZ-TA-D2", "to_district": "KZ-TA-D1"}, reason="border")  # fmt: skip
    event(12, "dispatched", actor="duty-1", from_status="graded", to_status="dispatched",
          details={"unit": "A-12"})  # fmt: skip
    response = session_client(users["duty_officer_a"]).get(f"{APPEALS}{appeal.pk}/")
    assert response.status_code == 200
    page = text(response)
    order = ["received", "graded", "re-graded", "transferred", "unit dispatched", "closed"]
    timeline = page[page.index("Timeline") :]
    positions = [timeline.index(f" {label} · ") for label in order]
    assert positions == sorted(positions)
    assert "grade: Emergency → Urgent" in page
    assert "new information from the caller — «no weapon after all»" in page
    assert "transferred from KZ-TA-D2 to KZ-TA-D1" in page
    assert "unit A-12" in page and "outcome: help or advice given" in page
    assert "status: on scene → closed" in page
    assert "earlier calls from this place: 3" in page
    assert "source system" not in timeline.split("Offences registered")[0]


def test_a_loaded_appeal_without_events_gets_a_timeline_from_its_stage_times(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    appeal = make_appeal(
        source_system="legacy-102",
        status="closed",
        answered_at=WHEN + dt.timedelta(seconds=20),
        dispatched_at=WHEN + dt.timedelta(minutes=3),
        arrived_at=WHEN + dt.timedelta(minutes=14),
        closed_at=WHEN + dt.timedelta(minutes=50),
        lat=43.25,
        lon=76.92,
    )
    page = text(session_client(users["national_analyst"]).get(f"{APPEALS}{appeal.pk}/"))
    timeline = page[page.index("Timeline") :]
    labels = ["received", "answered", "unit dispatched", "unit on scene", "closed"]
    positions = [timeline.index(f" {label} · source system legacy-102") for label in labels]
    assert positions == sorted(positions)
    assert "Latitude 43.25000, longitude 76.92000" in page
    assert 'id="record-map"' in response_body(session_client, users, appeal.pk)


def response_body(session_client: ClientFor, users: dict[str, User], pk: int) -> str:
    return session_client(users["national_analyst"]).get(f"{APPEALS}{pk}/").content.decode()


def test_linked_records_link_both_ways(
    users: dict[str, User],
    make_appeal: Callable[..., Any],
    make_offence: Callable[..., Any],
    session_client: ClientFor,
) -> None:
    original = make_appeal()
    appeal = make_appeal(status="duplicate", duplicate_of=original)
    offence = make_offence(appeal=appeal)
    client = session_client(users["prosecutor_a"])
    appeal_page = client.get(f"{APPEALS}{appeal.pk}/").content.decode()
    assert f'href="/register/offences/{offence.pk}/"' in appeal_page
    assert f'href="/register/appeals/{original.pk}/"' in appeal_page
    offence_page = client.get(f"{OFFENCES}{offence.pk}/").content.decode()
    assert f'href="/register/appeals/{appeal.pk}/"' in offence_page
    assert "UK-T1" in offence_page


def test_parties_are_shown_and_audit_logged_for_a_duty_officer_and_counted_for_an_analyst(
    users: dict[str, User], make_offence: Callable[..., Any], session_client: ClientFor
) -> None:
    offence = make_offence(occurred_at=dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.UTC))
    victim = Person.objects.create(iin_hash="e" * 64, sex="F", birth_date=dt.date(1990, 3, 2))
    suspect = Person.objects.create(iin_hash="f" * 64, sex="M")
    OffenceParty.objects.create(offence=offence, person=victim, role="victim")
    OffenceParty.objects.create(offence=offence, person=suspect, role="suspect")
    OffenceParty.objects.create(offence=make_offence(), person=suspect, role="offender")
    reads = AuditEntry.objects.filter(action="read", model="register.Offence")

    officer = session_client(users["duty_officer_a"]).get(f"{OFFENCES}{offence.pk}/")
    page = text(officer)
    assert f"P-{victim.pk:08d}" in page and f"P-{suspect.pk:08d}" in page
    # 02:00 on 2 March in Almaty: the victim turned 35 that day; the suspect's age is unknown.
    assert re.search(rf"P-{victim.pk:08d} victim female 35 0", page)
    assert re.search(rf"P-{suspect.pk:08d} suspect male — 1", page)
    entry = reads.get()
    assert entry.actor == users["duty_officer_a"].username
    assert entry.object_pk == str(offence.pk)
    assert entry.details == {"purpose": f"parties of offence {offence.pk}"}

    analyst = text(session_client(users["regional_analyst_a"]).get(f"{OFFENCES}{offence.pk}/"))
    assert "P-0" not in analyst and "female" not in analyst
    assert "victim 1 suspect 1 offender 0" in analyst
    assert reads.count() == 1  # counts only: nothing person-level was read


def test_the_status_history_comes_from_the_audit_log(
    users: dict[str, User], make_offence: Callable[..., Any], session_client: ClientFor
) -> None:
    from senim.register.services import change_offence_status

    offence = make_offence()
    change_offence_status(
        user=users["duty_officer_a"], pk=offence.pk, status="solved", reason="suspect found"
    )
    page = text(session_client(users["prosecutor_a"]).get(f"{OFFENCES}{offence.pk}/"))
    assert "registered → solved" in page and "«suspect found»" in page
    assert users["duty_officer_a"].username in page


def test_a_dispatcher_gets_a_link_to_work_on_an_open_call(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    open_call, done = make_appeal(status="graded"), make_appeal(status="closed")
    officer = session_client(users["duty_officer_a"])
    work = "Work on this call"
    assert (work in text(officer.get(f"{APPEALS}{open_call.pk}/"))) == _has_ops_call()
    assert work not in text(officer.get(f"{APPEALS}{done.pk}/"))
    analyst = session_client(users["national_analyst"])
    assert work not in text(analyst.get(f"{APPEALS}{open_call.pk}/"))


def _has_ops_call() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("ops-call", args=[1])
    except NoReverseMatch:
        return False
    return True


@pytest.mark.kazakh_default
def test_the_workbench_speaks_kazakh_by_default_and_russian_on_request(
    users: dict[str, User], make_appeal: Callable[..., Any], session_client: ClientFor
) -> None:
    appeal = make_appeal(status="closed", closed_at=WHEN + dt.timedelta(minutes=40))
    client = session_client(users["national_analyst"])
    kazakh = text(client.get(f"{APPEALS}{appeal.pk}/"))
    assert "Тізілім" in kazakh and "Өтініштер" in kazakh and "Хронология" in kazakh
    assert "бастапқы жүйесі" in kazakh and "Timeline" not in kazakh
    client.post("/i18n/setlang/", {"language": "ru", "next": APPEALS})
    russian = text(client.get(APPEALS))
    assert "Реестр" in russian and "Обращения" in russian and "все каналы" in russian
