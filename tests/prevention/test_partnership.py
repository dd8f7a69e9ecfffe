"""Partners, commissions and meetings with residents: recorded within the territory, decisions
followed up until done, residents' priorities answered or taken up as cases, and the answers
published on the district's public report — nothing stored on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry
from senim.prevention import partnership, sara
from senim.prevention.models import Commission, Decision, Partner, Priority, ResidentMeeting
from senim.register.models import Article, Offence
from tests.pdf_text import pdf_text
from tests.prevention.conftest import Place

TODAY = timezone.localdate


def _meeting(at: Place, **extra: str) -> dict[str, str]:
    return {
        "sector": at.s1.code,
        "kind": "meeting",
        "held_on": (TODAY() - dt.timedelta(days=3)).isoformat(),
        "place": "School No. 12, assembly hall",
        "attendance": "41",
        "priority_0_concern": "Speeding cars by the school",
        "priority_1_concern": "Drinking in the yard at night",
    } | extra


def test_a_meeting_records_the_residents_priorities_and_each_is_answered_or_made_a_case(
    place: Place,
) -> None:
    meeting = partnership.resident_meeting_add(user=place.inspector, form=_meeting(place))
    first, second = meeting.priorities.order_by("pk")
    assert [first.status, second.status] == ["open", "open"]
    with pytest.raises(Invalid) as error:
        partnership.priority_answer(user=place.inspector, pk=first.pk, form={})
    assert error.value.field == "answer"
    partnership.priority_answer(
        user=place.inspector,
        pk=first.pk,
        form={"answer": "A speed bump and a crossing guard since Monday.", "published": "1"},
    )
    case = sara.problem_open(
        user=place.inspector,
        form={
            "sector": place.s1.code,
            "title": "Night drinking in the yard",
            "origin": "residents",
            "lat": f"{place.d1.lat:.6f}",
            "lon": f"{place.d1.lon:.6f}",
            "radius_m": "100",
            "description": "Residents' concern from the meeting.",
        },
    )
    partnership.priority_answer(user=place.inspector, pk=second.pk, form={"problem": case.pk})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.published, first.answered_on) == ("answered", True, TODAY())
    assert (second.status, second.problem, second.published) == ("case", case, False)
    assert (
        AuditEntry.objects.filter(model="prevention.ResidentMeeting", action="answer").count() == 2
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rave"}, "kind"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"attendance": "-3"}, "attendance"),
        ({"attendance": "1000000"}, "attendance"),
        ({"place": ""}, "place"),
        ({"priority_1_concern": "x" * 501}, "priority_1_concern"),
        ({"priority_0_concern": "bad\x00"}, "priority_0_concern"),
    ],
)
def test_a_bad_meeting_stores_nothing(place: Place, change: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as error:
        partnership.resident_meeting_add(user=place.inspector, form=_meeting(place, **change))
    assert error.value.field == field
    assert not ResidentMeeting.objects.exists() and not Priority.objects.exists()


def test_meetings_and_priorities_stay_in_their_sector(place: Place) -> None:
    with pytest.raises(Forbidden):
        partnership.resident_meeting_add(
            user=place.inspector, form=_meeting(place, sector=place.s1b.code)
        )
    theirs = partnership.resident_meeting_add(
        user=place.colleague, form=_meeting(place, sector=place.s1b.code)
    )
    assert not partnership.meetings(place.inspector).filter(pk=theirs.pk).exists()
    with pytest.raises(NotFound):
        partnership.priority_answer(
            user=place.inspector,
            pk=theirs.priorities.first().pk,
            form={"answer": "done"},  # type: ignore[union-attr]
        )
    mine = partnership.resident_meeting_add(user=place.inspector, form=_meeting(place))
    their_case = sara.problem_open(
        user=place.colleague,
        form={
            "sector": place.s1b.code,
            "title": "x",
            "origin": "residents",
            "lat": f"{place.d1.lat:.6f}",
            "lon": f"{place.d1.lon:.6f}",
            "radius_m": "100",
            "description": "y",
        },
    )
    with pytest.raises(Invalid) as error:
        partnership.priority_answer(
            user=place.inspector,
            pk=mine.priorities.first().pk,
            form={"problem": their_case.pk},  # type: ignore[union-attr]
        )
    assert error.value.field == "problem"


def test_partners_are_recorded_within_the_district_with_their_memorandum(place: Place) -> None:
    form = {
        "name": "School No. 12",
        "kind": "school",
        "district": place.d1.code,
        "memorandum": "No. 7, safe routes to school",
        "memorandum_signed_on": (TODAY() - dt.timedelta(days=100)).isoformat(),
        "memorandum_ends_on": (TODAY() + dt.timedelta(days=265)).isoformat(),
    }
    partner = partnership.partner_add(user=place.inspector, form=form)
    assert partner.region == place.almaty and partner.district == place.d1
    for change, field in (
        ({"name": "school no. 12"}, "name"),  # the same partner twice
        ({"kind": "cartel"}, "kind"),
        ({"memorandum_ends_on": form["memorandum_signed_on"]}, "memorandum_ends_on"),
        ({"memorandum": ""}, "memorandum"),
        ({"district": "KZ-75-NOWHERE"}, "district"),
    ):
        with pytest.raises(Invalid) as error:
            partnership.partner_add(user=place.inspector, form=form | change)
        assert error.value.field == field
    with pytest.raises(Forbidden):
        partnership.partner_add(user=place.inspector, form=form | {"district": place.d2.code})
    assert Partner.objects.count() == 1


def test_a_commission_meeting_records_decisions_followed_up_until_done(place: Place) -> None:
    with pytest.raises(Forbidden):  # an inspector records their district's commission only
        partnership.commission_add(
            user=place.inspector,
            form={"name": "Akimat commission", "level": "region", "region": "KZ-75"},
        )
    commission = partnership.commission_add(
        user=place.inspector,
        form={
            "name": "District prevention commission",
            "level": "district",
            "district": place.d1.code,
        },
    )
    held = TODAY() - dt.timedelta(days=40)
    bad = {
        "held_on": held.isoformat(),
        "agenda": "Safety near schools",
        "decision_0_text": "Light the school crossing",
        "decision_0_owner": "Akimat",
        "decision_0_due_on": (held - dt.timedelta(days=1)).isoformat(),
    }
    with pytest.raises(Invalid) as error:
        partnership.commission_meeting_add(user=place.inspector, pk=commission.pk, form=bad)
    assert error.value.field == "decision_0_due_on" and not Decision.objects.exists()
    good = bad | {
        "decision_0_due_on": (TODAY() - dt.timedelta(days=5)).isoformat(),
        "decision_1_text": "Patrol at 07:30-08:30",
        "decision_1_owner": "Patrol police",
        "decision_1_due_on": (TODAY() + dt.timedelta(days=30)).isoformat(),
    }
    partnership.commission_meeting_add(user=place.inspector, pk=commission.pk, form=good)
    _late, ahead = Decision.objects.order_by("due_on")
    partnership.decision_close(
        user=place.inspector, pk=ahead.pk, form={"status": "done", "follow_up": "Done daily."}
    )
    ahead.refresh_from_db()
    assert (ahead.status, ahead.done_on) == ("done", TODAY())
    with pytest.raises(Invalid):
        partnership.decision_close(user=place.inspector, pk=ahead.pk, form={"status": "done"})
    client = Client()
    client.force_login(place.inspector)
    page = client.get(reverse("prevention-commission", args=[commission.pk])).content.decode()
    assert "Light the school crossing" in page and "overdue" in page
    other = Commission.objects.create(
        name="Other district's", level="district", region=place.almaty, district=place.d2
    )
    assert client.get(reverse("prevention-commission", args=[other.pk])).status_code == 404


def test_a_published_answer_appears_on_the_districts_public_report(place: Place) -> None:
    meeting = partnership.resident_meeting_add(user=place.inspector, form=_meeting(place))
    first, second = meeting.priorities.order_by("pk")
    partnership.priority_answer(
        user=place.inspector,
        pk=first.pk,
        form={"answer": "A speed bump and a crossing guard since Monday.", "published": "1"},
    )
    partnership.priority_answer(
        user=place.inspector, pk=second.pk, form={"answer": "Internal note, not for the public."}
    )
    month = TODAY().replace(day=1)
    shown = partnership.published_priorities(
        district_id=place.d1.pk, start=month, end=(month + dt.timedelta(days=32)).replace(day=1)
    )
    assert [p.pk for p in shown] == [first.pk]
    # Only complete months are reported: move the meeting and the answers to last month, with an
    # offence of the district then, so that the month has a report.
    last = (month - dt.timedelta(days=1)).replace(day=1)
    ResidentMeeting.objects.filter(pk=meeting.pk).update(held_on=last)
    Priority.objects.filter(meeting=meeting).update(answered_on=last + dt.timedelta(days=3))
    at = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=5), dt.time(12)))
    Offence.objects.create(
        source_system="test", external_id="PRI-1", kind="crime", article=Article.objects.first(),
        occurred_at=at, registered_at=at, place_type="street", status="registered",
        region=place.almaty, district=place.d1,
    )  # fmt: skip
    args = [place.d1.code, f"{last:%Y-%m}"]
    page = Client().get(reverse("portal-report", args=args), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "A speed bump and a crossing guard" in body and "Internal note" not in body
    pdf = Client().get(reverse("portal-report-pdf", args=args), HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(pdf_text(pdf.content))
    assert "crossing guard" in text and "Internal note" not in text
    assert "Residents' priorities" in text


def test_the_pages_work_for_the_inspector(place: Place) -> None:
    client = Client()
    client.force_login(place.inspector)
    for name in ("prevention-partners", "prevention-commissions", "prevention-meetings"):
        assert client.get(reverse(name)).status_code == 200
    bad = client.post(reverse("prevention-meetings"), _meeting(place, attendance="many"))
    assert bad.status_code == 422 and 'data-field="attendance"' in bad.content.decode()
    made = client.post(reverse("prevention-meetings"), _meeting(place))
    meeting = ResidentMeeting.objects.get()
    assert made["Location"] == reverse("prevention-meeting", args=[meeting.pk])
    priority = meeting.priorities.first()
    answered = client.post(
        made["Location"],
        {"priority": priority.pk, "answer": "Speed bump built.", "published": "1"},  # type: ignore[union-attr]
    )
    assert answered.status_code == 302
    assert "Speed bump built." in client.get(made["Location"]).content.decode()


def test_odd_digits_in_a_form_are_refused_not_a_server_error(place: Place) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(place.inspector)
    bad = client.post(reverse("prevention-meetings"), _meeting(place, attendance="²"))
    assert bad.status_code == 422 and 'data-field="attendance"' in bad.content.decode()
    meeting = partnership.resident_meeting_add(user=place.inspector, form=_meeting(place))
    url = reverse("prevention-meeting", args=[meeting.pk])
    assert client.post(url, {"priority": "²", "answer": "x"}).status_code == 404
    assert client.post(url, {"priority": "٣", "answer": "x"}).status_code == 404
    priority = meeting.priorities.first()
    odd = client.post(url, {"priority": priority.pk, "problem": "²"})  # type: ignore[union-attr]
    assert odd.status_code == 422 and 'data-field="problem"' in odd.content.decode()
    commission = partnership.commission_add(
        user=place.inspector,
        form={"name": "District commission", "level": "district", "district": place.d1.code},
    )
    page = reverse("prevention-commission", args=[commission.pk])
    answer = client.post(page, {"action": "decision", "decision": "abc", "status": "done"})
    assert answer.status_code == 404
