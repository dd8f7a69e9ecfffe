"""The inspector's administrative cases: recorded from the protocol in the inspector's sector,
moved forward one dated step at a time to a decision and its execution or appeal, held to the
legal terms (overdue when passed), refused by field on bad input with nothing stored, seen and
written only within the territory, every opening of a case audited; pages in kk / ru / en."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.iin import iin_hash
from senim.core.models import AuditEntry, Person, User
from senim.prevention import admin_cases
from senim.prevention.models import (
    AdminBody,
    AdminCase,
    AdminCaseStep,
    AdminOutcome,
    AdminStatus,
    AdminTerm,
    TerminationReason,
)
from senim.register.models import Article, Offence
from tests import catalogues
from tests.prevention.conftest import OTHER_IIN, VALID_IIN, Place

pytestmark = pytest.mark.django_db
CASE_LINK = re.compile(r'href="/prevention/admin-cases/\d+/"')
TODAY = timezone.localdate


def days_ago(n: int) -> str:
    return (TODAY() - dt.timedelta(days=n)).isoformat()


def case_form(place: Place, **extra: Any) -> dict[str, str]:
    return {
        "sector": place.s1.code,
        "number": "AA-0001",
        "article": "KoAP-434",
        "iin": VALID_IIN,
        "offence_on": days_ago(10),
        "protocol_on": days_ago(9),
        "summary": "Shouting in the yard at night",
    } | {k: str(v) for k, v in extra.items()}


def open_case(place: Place, user: User | None = None, **extra: Any) -> AdminCase:
    return admin_cases.admin_case_open(user=user or place.inspector, form=case_form(place, **extra))


def step(place: Place, case: AdminCase, user: User | None = None, **form: Any) -> AdminCase:
    return admin_cases.admin_case_step(
        user=user or place.inspector, case_id=case.pk, form={k: str(v) for k, v in form.items()}
    )


def register_offence(place: Place, *, sector: Any = None, kind: str = "administrative") -> Offence:
    at = timezone.now() - dt.timedelta(days=10)
    article = Article.objects.get(code="KoAP-434" if kind == "administrative" else "UK-99")
    sector = sector or place.s1
    return Offence.objects.create(
        source_system="test",
        external_id=f"A-{Offence.objects.count() + 1:04d}",
        kind=kind,
        article=article,
        occurred_at=at,
        registered_at=at,
        place_type="street",
        status="registered",
        region=place.almaty,
        district=sector.district,
        sector=sector,
        lat=sector.lat,
        lon=sector.lon,
    )


# --- the workflow ------------------------------------------------------------------------------


def test_a_case_goes_from_protocol_to_a_paid_fine_each_step_dated_and_audited(
    place: Place,
) -> None:
    case = open_case(place)
    assert case.sector == place.s1 and case.district == place.d1 and case.region == place.almaty
    assert case.person.iin_hash == iin_hash(VALID_IIN) and case.inspector == place.inspector
    assert case.status == AdminStatus.PROTOCOL
    # The protocol is sent within the (assumed) three days of its date.
    assert case.due_on == TODAY() - dt.timedelta(days=9) + dt.timedelta(days=3)
    step(
        place,
        case,
        step="sent",
        on=days_ago(8),
        body="police",
        body_name="Head of the district police",
    )
    case.refresh_from_db()
    assert case.status == "sent" and case.due_on == TODAY() - dt.timedelta(days=8 - 15)
    step(place, case, step="decided", on=days_ago(3), outcome="fine", fine_kzt="36 920")
    case.refresh_from_db()
    assert case.outcome == "fine" and case.fine_kzt == 36920
    assert case.due_on == TODAY() + dt.timedelta(days=-3 + 10 + 30) and case.closed_on is None
    step(place, case, step="executed", on=days_ago(0), note="Paid")
    case.refresh_from_db()
    assert case.status == "executed" and case.closed_on == TODAY() and case.due_on is None
    assert [s.status for s in case.steps.all()] == ["protocol", "sent", "decided", "executed"]
    actions = list(
        AuditEntry.objects.filter(model="prevention.AdminCase").values_list("action", "details")
    )
    assert [a for a, _ in actions] == ["create", "update", "update", "update"]
    assert VALID_IIN not in str(actions) and "yard" not in str(actions)


def test_a_terminated_case_is_closed_and_cannot_be_executed_but_may_be_appealed(
    place: Place,
) -> None:
    case = open_case(place)
    step(place, case, step="sent", on=days_ago(8), body="court", body_name="Specialised court")
    step(
        place, case, step="decided", on=days_ago(2), outcome="terminated", termination="limitation"
    )
    case.refresh_from_db()
    assert case.closed_on == TODAY() - dt.timedelta(days=2) and case.due_on is None
    with pytest.raises(Invalid) as error:
        step(place, case, step="executed", on=days_ago(1))
    assert error.value.field == "step"
    step(place, case, step="appealed", on=days_ago(1))
    case.refresh_from_db()
    assert case.status == "appealed"


def test_only_a_court_imposes_an_arrest_within_bounded_days(place: Place) -> None:
    case = open_case(place)
    step(place, case, step="sent", on=days_ago(8), body="court", body_name="Specialised court")
    step(place, case, step="decided", on=days_ago(2), outcome="arrest", arrest_days="10")
    case.refresh_from_db()
    assert case.arrest_days == 10 and case.due_on == TODAY() + dt.timedelta(days=8)
    other = open_case(place, number="AA-0002")
    step(place, other, step="sent", on=days_ago(8), body="police", body_name="District police")
    with pytest.raises(Invalid) as error:
        step(place, other, step="decided", on=days_ago(2), outcome="arrest", arrest_days="5")
    assert error.value.field == "outcome"


def test_a_passed_deadline_marks_the_case_overdue(place: Place) -> None:
    late = open_case(place, offence_on=days_ago(30), protocol_on=days_ago(20))
    fresh = open_case(place, number="AA-0002", offence_on=days_ago(1), protocol_on=days_ago(0))
    closed = open_case(place, number="AA-0003", offence_on=days_ago(40), protocol_on=days_ago(40))
    step(place, closed, step="sent", on=days_ago(39), body="court", body_name="Court")
    step(
        place, closed, step="decided", on=days_ago(38), outcome="terminated", termination="no_event"
    )
    overdue = admin_cases.admin_cases(place.inspector).filter(admin_cases.overdue_q(TODAY()))
    assert list(overdue) == [late]
    summary = admin_cases.sector_cases(place.s1, today=TODAY())
    assert (summary.open, summary.overdue) == (2, 1)
    assert {c.pk for c in summary.cases} == {late.pk, fresh.pk}


def test_the_terms_are_reference_data_in_three_languages_and_marked_assumed() -> None:
    terms = {t.code: t for t in AdminTerm.objects.all()}
    assert set(terms) == {"send", "consider", "appeal", "pay"}
    for t in terms.values():
        assert t.assumed and t.name_kk and t.name_ru and t.name_en
        assert t.name_kk != t.name_ru != t.name_en
        assert not catalogues.RUSSIAN_ONLY.search(t.name_kk)


def test_a_changed_term_changes_the_deadline(place: Place) -> None:
    AdminTerm.objects.filter(code="send").update(days=5)
    case = open_case(place)
    assert case.due_on == TODAY() - dt.timedelta(days=9) + dt.timedelta(days=5)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"article": "KoAP-9999"}, "article"),
        ({"article": "UK-99"}, "article"),  # a Criminal Code article
        ({"article": ""}, "article"),
        ({"iin": "900101300018"}, "iin"),  # wrong check digit
        ({"iin": "12345"}, "iin"),
        ({"iin": ""}, "iin"),
        ({"number": ""}, "number"),
        ({"number": "A\x00-1"}, "number"),
        ({"number": "N" * 41}, "number"),
        ({"summary": "x" * 2001}, "summary"),
        ({"summary": "bell\x07"}, "summary"),
        ({"offence_on": "2026-02-30"}, "offence_on"),
        ({"offence_on": "2999-01-01"}, "offence_on"),
        ({"protocol_on": (TODAY() + dt.timedelta(days=1)).isoformat()}, "protocol_on"),
        ({"offence_on": days_ago(3), "protocol_on": days_ago(5)}, "protocol_on"),
        ({"sector": "KZ-75-NOWHERE-S01"}, "sector"),
        ({"offence": "99999999"}, "offence"),
        ({"offence": "²"}, "offence"),
    ],
)
def test_a_bad_case_is_refused_by_field_and_stores_nothing(
    place: Place, change: dict[str, str], field: str
) -> None:
    with pytest.raises(Invalid) as error:
        open_case(place, **change)
    assert error.value.field == field
    assert not AdminCase.objects.exists() and not AdminCaseStep.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(model="prevention.AdminCase").exists()


def test_a_register_record_links_only_if_administrative_and_of_the_sector(place: Place) -> None:
    crime = register_offence(place, kind="crime")
    elsewhere = register_offence(place, sector=place.s1b)
    for record in (crime, elsewhere):
        with pytest.raises(Invalid) as error:
            open_case(place, offence=record.pk)
        assert error.value.field == "offence"
    own = register_offence(place)
    with pytest.raises(Invalid) as error:
        open_case(place, offence=own.pk, article="KoAP-440")
    assert error.value.field == "article"
    assert not AdminCase.objects.exists()
    case = open_case(place, offence=own.pk)
    assert case.offence == own


def test_the_protocol_number_is_once_per_sector(place: Place) -> None:
    open_case(place)
    with pytest.raises(Invalid) as error:
        open_case(place, iin=OTHER_IIN)
    assert error.value.field == "number"
    assert AdminCase.objects.count() == 1


def _sent(place: Place) -> AdminCase:
    case = open_case(place)
    return step(place, case, step="sent", on=days_ago(8), body="court", body_name="Court")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"step": "executed", "on": days_ago(1)}, "step"),  # skips the decision
        ({"step": "sent", "on": days_ago(1), "body": "court", "body_name": "C"}, "step"),  # again
        ({"step": "protocol", "on": days_ago(1)}, "step"),
        ({"step": "closed", "on": days_ago(1)}, "step"),
        ({"step": "decided", "on": days_ago(9), "outcome": "warning"}, "on"),  # before "sent"
        ({"step": "decided", "on": days_ago(-1), "outcome": "warning"}, "on"),  # the future
        ({"step": "decided", "on": "yesterday", "outcome": "warning"}, "on"),
        ({"step": "decided", "on": days_ago(1), "outcome": "flogging"}, "outcome"),
        ({"step": "decided", "on": days_ago(1), "outcome": "fine", "fine_kzt": "0"}, "fine_kzt"),
        ({"step": "decided", "on": days_ago(1), "outcome": "fine", "fine_kzt": "-5"}, "fine_kzt"),
        ({"step": "decided", "on": days_ago(1), "outcome": "fine", "fine_kzt": ""}, "fine_kzt"),
        (
            {"step": "decided", "on": days_ago(1), "outcome": "fine", "fine_kzt": "10000001"},
            "fine_kzt",
        ),
        (
            {"step": "decided", "on": days_ago(1), "outcome": "arrest", "arrest_days": "0"},
            "arrest_days",
        ),
        (
            {"step": "decided", "on": days_ago(1), "outcome": "arrest", "arrest_days": "31"},
            "arrest_days",
        ),
        (
            {"step": "decided", "on": days_ago(1), "outcome": "arrest", "arrest_days": "x"},
            "arrest_days",
        ),
        ({"step": "decided", "on": days_ago(1), "outcome": "terminated"}, "termination"),
        ({"step": "decided", "on": days_ago(1), "outcome": "warning", "note": "n\x1b"}, "note"),
        ({"step": "decided", "on": days_ago(1), "outcome": "warning", "note": "n" * 501}, "note"),
    ],
)
def test_a_bad_step_is_refused_by_field_and_changes_nothing(
    place: Place, form: dict[str, str], field: str
) -> None:
    case = _sent(place)
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid) as error:
        step(place, case, **form)
    assert error.value.field == field
    case.refresh_from_db()
    assert case.status == "sent" and case.outcome == "" and case.fine_kzt is None
    assert case.steps.count() == 2 and AuditEntry.objects.count() == before


def test_sending_needs_the_body_and_its_name(place: Place) -> None:
    case = open_case(place)
    for form, field in (
        ({"body": "ministry", "body_name": "X"}, "body"),
        ({"body": "court", "body_name": ""}, "body_name"),
        ({"body": "court", "body_name": "C" * 201}, "body_name"),
    ):
        with pytest.raises(Invalid) as error:
            step(place, case, step="sent", on=days_ago(8), **form)
        assert error.value.field == field
    case.refresh_from_db()
    assert case.status == "protocol" and case.sent_on is None and case.steps.count() == 1


# --- scope and roles ---------------------------------------------------------------------------


def test_an_inspector_of_another_sector_cannot_see_or_write_a_case(place: Place) -> None:
    with pytest.raises(Forbidden):
        open_case(place, sector=place.s1b.code)
    theirs = open_case(place, user=place.colleague, sector=place.s1b.code)
    assert not admin_cases.admin_cases(place.inspector).filter(pk=theirs.pk).exists()
    with pytest.raises(NotFound):
        step(place, theirs, step="sent", on=days_ago(8), body="court", body_name="Court")
    theirs.refresh_from_db()
    assert theirs.status == "protocol" and theirs.steps.count() == 1
    client = Client()
    client.force_login(place.inspector)
    assert client.get(reverse("prevention-admin-case", args=[theirs.pk])).status_code == 404
    answer = client.post(
        reverse("prevention-admin-case", args=[theirs.pk]),
        {"step": "sent", "on": days_ago(8), "body": "court", "body_name": "Court"},
    )
    assert answer.status_code == 404
    answer = client.post(
        reverse("prevention-admin-case-new"), case_form(place, sector=place.s1b.code, number="Z-9")
    )
    assert answer.status_code == 403
    assert AdminCase.objects.count() == 1 and theirs.steps.count() == 1
    listing = client.get(reverse("prevention-admin-cases") + "?status=all").content.decode()
    assert str(theirs) not in listing
    assert not AuditEntry.objects.filter(model="prevention.AdminCase", action="read").exists()


def test_roles_without_prevention_are_refused_403_and_nothing_is_stored(place: Place) -> None:
    for user in (place.duty, place.analyst):
        with pytest.raises(Forbidden):
            open_case(place, user=user)
        client = Client()
        client.force_login(user)
        assert client.get(reverse("prevention-admin-cases")).status_code == 403
        assert (
            client.post(reverse("prevention-admin-case-new"), case_form(place)).status_code == 403
        )
    assert not AdminCase.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_records_a_case_and_its_page_shows_the_timeline_and_is_audited(
    place: Place,
) -> None:
    client = _client(place.inspector)
    form_page = client.get(reverse("prevention-admin-case-new")).content.decode()
    assert 'value="KoAP-434"' in form_page and 'value="UK-99"' not in form_page
    assert "assumed" in form_page
    bad = client.post(reverse("prevention-admin-case-new"), case_form(place, iin="900101300018"))
    assert bad.status_code == 422 and 'data-field="iin"' in bad.content.decode()
    assert VALID_IIN not in bad.content.decode() and "900101300018" not in bad.content.decode()
    assert not AdminCase.objects.exists()
    done = client.post(reverse("prevention-admin-case-new"), case_form(place))
    case = AdminCase.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "prevention-admin-case", args=[case.pk]
    )
    page = client.get(done["Location"]).content.decode()
    assert (
        'id="case-timeline"' in page and 'data-step="protocol"' in page and 'id="step-form"' in page
    )
    assert str(case.person) in page and "Shouting in the yard" in page
    reads = AuditEntry.objects.filter(model="prevention.AdminCase", action="read")
    assert reads.count() == 1 and reads.get().object_pk == str(case.pk)
    assert reads.get().actor == place.inspector.username
    # A step out of order through the form: the message by the field, 422, nothing stored.
    wrong = client.post(done["Location"], {"step": "executed", "on": days_ago(1)})
    assert wrong.status_code == 422 and 'data-field="step"' in wrong.content.decode()
    right = client.post(
        done["Location"],
        {"step": "sent", "on": days_ago(8), "body": "court", "body_name": "Specialised court"},
    )
    assert right.status_code == 302
    case.refresh_from_db()
    assert case.status == "sent"
    page = client.get(done["Location"]).content.decode()
    assert 'data-step="sent"' in page and 'name="outcome"' in page
    assert reads.count() == 3  # every showing of the page, the one with the error included


def test_the_list_filters_searches_and_pages_by_fifty(place: Place) -> None:
    first_case = open_case(place, number="B-000", offence_on=days_ago(1), protocol_on=days_ago(0))
    clones = []
    for n in range(1, 55):
        clone = AdminCase.objects.get(pk=first_case.pk)
        clone.pk, clone.number = None, f"B-{n:03d}"
        clones.append(clone)
    AdminCase.objects.bulk_create(clones)
    late = open_case(place, number="LATE-1", offence_on=days_ago(30), protocol_on=days_ago(20))
    theirs = open_case(place, user=place.colleague, sector=place.s1b.code, number="THEIRS")
    client = _client(place.inspector)
    url = reverse("prevention-admin-cases")
    first = client.get(url).content.decode()
    assert len(CASE_LINK.findall(first)) == 50 and "56 found" in first
    assert len(CASE_LINK.findall(client.get(url + "?page=2").content.decode())) == 6
    overdue = client.get(url + "?overdue=1").content.decode()
    assert str(late) in overdue and "1 found" in overdue
    assert "LATE-1" in client.get(url + "?q=late").content.decode()
    by_own = client.get(url + f"?q={late}").content.decode()
    assert "1 found" in by_own
    search_theirs = client.get(url + "?q=THEIRS&status=all").content.decode()
    assert "0 found" in search_theirs and str(theirs) not in search_theirs
    step(place, late, step="sent", on=days_ago(19), body="court", body_name="Court")
    sent = client.get(url + "?status=sent").content.decode()
    assert "LATE-1" in sent and "1 found" in sent
    # A national administrator sees both sectors and filters by one.
    admin = _client(place.admin)
    assert str(theirs) in admin.get(url + f"?sector={place.s1b.code}").content.decode()
    assert "LATE-1" not in admin.get(url + f"?sector={place.s1b.code}").content.decode()


def test_the_sector_page_shows_open_and_overdue_cases(place: Place) -> None:
    late = open_case(place, offence_on=days_ago(30), protocol_on=days_ago(20))
    open_case(place, number="AA-0002", offence_on=days_ago(1), protocol_on=days_ago(0))
    page = _client(place.inspector).get(reverse("prevention-sector", args=[place.s1.code]))
    html = page.content.decode()
    assert re.search(r'id="kpi-admin-open"><a [^>]*>2</a>', html)
    assert re.search(r'id="kpi-admin-overdue"><a [^>]*>1</a>', html)
    assert f'href="/prevention/admin-cases/{late.pk}/"' in html
    assert 'id="open-admin-cases"' in html


def test_the_working_time_month_counts_protocols_per_inspector(place: Place) -> None:
    open_case(place)
    open_case(place, number="AA-0002")
    month = (TODAY() - dt.timedelta(days=9)).replace(day=1)
    assert admin_cases.opened_per_inspector(place.inspector, month) == {"insp1": 2}
    assert admin_cases.opened_per_inspector(place.colleague, month) == {}
    # On the working-time page, next to the inspector's hours of the month.
    from senim.prevention import worktime

    day = TODAY() - dt.timedelta(days=9)
    worktime.record(
        user=place.inspector,
        form={"day": day.isoformat(), "activity": "admin_cases", "hours": "2", "minutes": "0"},
    )
    html = (
        _client(place.inspector)
        .get(reverse("prevention-time") + f"?month={month:%Y-%m}")
        .content.decode()
    )
    assert "Protocols drawn up" in html
    assert re.search(r"<td>2</td></tr>", html.split('id="time-summary"')[1])


# --- languages ---------------------------------------------------------------------------------

CHOICES = [AdminStatus, AdminBody, AdminOutcome, TerminationReason]


@pytest.mark.parametrize("language", catalogues.LANGUAGES)
def test_the_choice_labels_are_translated(language: str) -> None:
    with translation.override(language):
        for choices in CHOICES:
            for value, label in choices.choices:
                text = str(label)
                assert not catalogues.latin(text, {"Senim"}), (language, value, text)
                if language == "kk":
                    assert not catalogues.RUSSIAN_ONLY.search(text), text


@pytest.mark.kazakh_default
@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Әкімшілік істер"), ("ru", "Административные дела"), ("en", "Administrative cases")],
)
def test_the_case_pages_speak_the_chosen_language(
    language: str, heading: str, place: Place, settings: Any
) -> None:
    case = open_case(place)
    client = _client(place.inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (
        reverse("prevention-admin-cases"),
        reverse("prevention-admin-case-new"),
        reverse("prevention-admin-case", args=[case.pk]),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in html
        assert heading in html, url
        if language != "en":
            for english in (
                "Protocol number",
                "Deadline",
                "assumed",
                "Steps of the case",
                "Next step",
            ):
                assert english not in html, (url, english)


# --- the demo ----------------------------------------------------------------------------------


def _demo_rows() -> list[tuple[Any, ...]]:
    return list(
        AdminCase.objects.order_by("number").values_list(
            "number", "status", "outcome", "protocol_on", "due_on", "fine_kzt", "offence_id"
        )
    )


def test_the_demo_cases_cover_every_step_some_overdue_deterministic_and_valid(
    place: Place,
) -> None:
    from senim.prevention import demo_admin_cases

    records = [register_offence(place) for _ in range(3)]
    sectors = [place.s1, place.s1b, place.s2] * 20  # 60 draws: every status comes up
    now = timezone.now()
    cases, steps = demo_admin_cases.build(7, sectors, now)
    assert cases == AdminCase.objects.count() > 0 and steps == AdminCaseStep.objects.count()
    first = _demo_rows()
    assert {r[1] for r in first} == set(AdminStatus.values)
    assert {r[2] for r in first} >= {"fine", "warning", "terminated"}
    today = timezone.localdate(now)
    overdue = AdminCase.objects.filter(admin_cases.overdue_q(today))
    assert 0 < overdue.count() < AdminCase.objects.filter(closed_on=None).count()
    assert {c.offence_id for c in AdminCase.objects.exclude(offence=None)} <= {
        r.pk for r in records
    }
    for case in AdminCase.objects.prefetch_related("steps").select_related("article"):
        assert case.is_demo and case.number.startswith("DEMO-") and case.article.code_kind == "KoAP"
        assert case.person.iin_hash is None
        dates = [s.on for s in case.steps.all()]
        assert dates == sorted(dates) and dates[-1] <= today and dates[0] == case.protocol_on
        assert [s.status for s in case.steps.all()][-1] == case.status
        assert case.due_on == (
            None if case.closed_on else admin_cases._due(case, admin_cases.terms())
        )
        if case.status == "executed":
            assert case.outcome != "terminated"
        if case.outcome == "arrest":
            assert case.body == "court"
        if case.offence_id:
            assert case.sector_id == place.s1.pk
    people = set(AdminCase.objects.values_list("person_id", flat=True))
    assert demo_admin_cases.delete() == people and not AdminCase.objects.exists()
    demo_admin_cases.build(7, sectors, now)
    assert _demo_rows() == first
