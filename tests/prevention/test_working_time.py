"""The inspector's time-keeping: a day's activities recorded in hours and minutes, never more
than 24 hours a day, only the inspector's own entries changed and only within a month; the
month's summary per inspector is seen within the viewer's territory only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry
from senim.prevention import worktime
from senim.prevention.models import TimeEntry
from tests.prevention.conftest import Place

pytestmark = pytest.mark.django_db


def entry(
    day: dt.date, activity: str = "admin_cases", hours: int = 2, minutes: int = 30
) -> dict[str, str]:
    return {
        "day": day.isoformat(),
        "activity": activity,
        "hours": str(hours),
        "minutes": str(minutes),
    }


def test_an_inspector_records_a_day_and_the_month_adds_up(place: Place) -> None:
    today = timezone.localdate()
    day = today - dt.timedelta(days=1)
    month = day.replace(day=1)
    worktime.record(user=place.inspector, form=entry(day), today=today)
    worktime.record(user=place.inspector, form=entry(day, "patrol", 5, 0), today=today)
    worktime.record(user=place.colleague, form=entry(day, "preventive_register", 1, 0), today=today)
    [mine] = worktime.month_summary(place.inspector, month)
    assert mine.minutes == {"admin_cases": 150, "patrol": 300} and mine.days == 1
    assert mine.total_hours == 7.5 and mine.measured_percent == 33
    # The district's duty officer sees both inspectors of the district; the inspector only themself.
    assert {r.username for r in worktime.month_summary(place.duty, month)} == {"insp1", "insp2"}
    entry_audit = AuditEntry.objects.filter(model="prevention.TimeEntry", action="create").first()
    assert entry_audit is not None and entry_audit.details["minutes"] == 150


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": "2026-13-01"}, "day"),
        ({"day": "01.12.2026"}, "day"),
        ({"activity": "sleeping"}, "activity"),
        ({"hours": "25"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"minutes": "60"}, "minutes"),
        ({"minutes": "1e3"}, "minutes"),
        ({"hours": "0", "minutes": "0"}, "minutes"),
        ({"note": "x" * 201}, "note"),
        ({"note": "bad\x00note"}, "note"),
    ],
)
def test_bad_input_is_refused_by_its_field(
    place: Place, change: dict[str, str], field: str
) -> None:
    today = timezone.localdate()
    with pytest.raises(Invalid) as error:
        worktime.record(user=place.inspector, form=entry(today) | change, today=today)
    assert error.value.field == field and not TimeEntry.objects.exists()


def test_the_day_holds_at_most_24_hours_and_a_month_back(place: Place) -> None:
    today = timezone.localdate()
    worktime.record(user=place.inspector, form=entry(today, "patrol", 20, 0), today=today)
    with pytest.raises(Invalid, match="24 hours"):
        worktime.record(user=place.inspector, form=entry(today, "paperwork", 4, 1), today=today)
    worktime.record(user=place.inspector, form=entry(today, "paperwork", 4, 0), today=today)
    for day in (today + dt.timedelta(days=1), today - dt.timedelta(days=40)):
        with pytest.raises(Invalid) as error:
            worktime.record(user=place.inspector, form=entry(day), today=today)
        assert error.value.field == "day"
    assert TimeEntry.objects.count() == 2


def test_only_an_inspector_records_and_only_their_own_entries_are_removed(place: Place) -> None:
    today = timezone.localdate()
    with pytest.raises(Forbidden):
        worktime.record(user=place.duty, form=entry(today), today=today)
    theirs = worktime.record(user=place.colleague, form=entry(today), today=today)
    with pytest.raises(NotFound):
        worktime.remove(user=place.inspector, pk=theirs.pk, today=today)
    worktime.remove(user=place.colleague, pk=theirs.pk, today=today)
    assert not TimeEntry.objects.exists()


def test_the_page_records_and_refuses_with_the_field(place: Place) -> None:
    client = Client()
    client.force_login(place.inspector)
    url = reverse("prevention-time")
    today = timezone.localdate()
    assert client.get(url).status_code == 200
    assert client.post(url, entry(today)).status_code == 302
    bad = client.post(url, entry(today, hours=30))
    assert bad.status_code == 422 and 'data-field="hours"' in bad.content.decode()
    page = client.get(url, {"month": today.strftime("%Y-%m")}).content.decode()
    assert "2:30" in page and "insp1" in page
    for month in ("2026-00", "9999-01", "1999-12", "abc", "2026-1"):
        assert client.get(url, {"month": month}).status_code == 422
    removed = client.post(url, {"action": "remove", "entry": "99999999999999999999"})
    assert removed.status_code == 404 and TimeEntry.objects.count() == 1


def test_the_demo_fills_working_days_within_24_hours_and_is_removed(place: Place) -> None:
    from django.db.models import Sum

    from senim.prevention import demo_worktime

    today = timezone.localdate()
    made = demo_worktime.build(seed=7, today=today)
    assert made == TimeEntry.objects.filter(is_demo=True).count() > 0
    days = TimeEntry.objects.values("inspector", "day").annotate(m=Sum("minutes"))
    assert all(6 * 60 <= d["m"] <= 12 * 60 and d["day"].weekday() < 5 for d in days)
    assert {d["inspector"] for d in days} == {place.inspector.pk, place.colleague.pk}
    demo_worktime.delete()
    assert not TimeEntry.objects.exists()
