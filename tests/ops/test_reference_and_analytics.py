"""The administrator's targets and calendar, and a centre's analytics over real records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from senim.core.models import AuditEntry, Holiday
from senim.ops import centre, selectors, services
from senim.ops.models import ResponseTarget
from tests.ops.conftest import World, make_unit


def test_a_districts_own_target_overrides_the_centres_and_bad_values_are_refused(
    world: World, send_call: Any, client_of: Any
) -> None:
    admin = client_of(world.admin)
    assert client_of(world.duty).get("/ops/reference/").status_code == 403
    ok = admin.post(
        "/ops/reference/",
        {
            "action": "set_target",
            "grade": "urgent",
            "area": "urban",
            "district": world.d1.code,
            "minutes": "15",
        },
    )
    assert ok.status_code == 302
    for bad in (
        {"minutes": "0"},
        {"minutes": "ten"},
        {"minutes": "999999"},
        {"grade": "nope"},
        {"area": "moon"},
    ):
        form = {"action": "set_target", "grade": "urgent", "area": "urban", "minutes": "15"} | bad
        assert admin.post("/ops/reference/", form).status_code == 422
    assert ResponseTarget.objects.filter(district=world.d1).count() == 1
    call = send_call()
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")
    call.refresh_from_db()
    assert call.due_at == call.received_at + dt.timedelta(minutes=15)
    other = send_call(world.d2)
    services.grade_call(user=world.duty2, pk=other.pk, grade="urgent")
    other.refresh_from_db()
    assert other.due_at == other.received_at + dt.timedelta(minutes=20)  # the Centre's
    assert AuditEntry.objects.filter(model="ops.ResponseTarget", action="target").exists()


def test_holidays_are_added_once_and_control_characters_refused(
    world: World, client_of: Any
) -> None:
    admin = client_of(world.admin)
    form = {
        "action": "add_holiday",
        "day": "2026-12-31",
        "name_kk": "a",
        "name_ru": "b",
        "name_en": "c",
    }
    assert admin.post("/ops/reference/", form).status_code == 302
    again = admin.post("/ops/reference/", form)
    assert again.status_code == 422 and "already" in again.content.decode()
    assert (
        admin.post("/ops/reference/", form | {"day": "2026-12-30", "name_en": "c\x07"}).status_code
        == 422
    )
    assert (
        Holiday.objects.filter(day__in=[dt.date(2026, 12, 30), dt.date(2026, 12, 31)]).count() == 1
    )


def test_the_centre_measures_its_response_stages_and_ranks_its_districts(
    world: World, send_call: Any, client_of: Any
) -> None:
    unit1, unit2 = make_unit(world.d1, "A-01"), make_unit(world.d2, "B-01")
    t0 = timezone.now() - dt.timedelta(hours=3)
    for district, unit, duty, travel in (
        (world.d1, unit1, world.duty, 8),
        (world.d2, unit2, world.duty2, 14),
    ):
        call = send_call(district, received_at=t0)
        services.grade_call(
            user=duty, pk=call.pk, grade="emergency", now=t0 + dt.timedelta(minutes=1)
        )
        services.dispatch(user=duty, pk=call.pk, unit_id=unit.pk, now=t0 + dt.timedelta(minutes=2))
        services.on_scene(user=duty, pk=call.pk, now=t0 + dt.timedelta(minutes=travel))
        services.close_call(
            user=duty, pk=call.pk, outcome="help_given", now=t0 + dt.timedelta(minutes=40)
        )
    level = selectors.level_for(world.oblast)
    period = centre.default_period()
    rows = {r.code: r.attendance for r in centre.league(level, period)}
    assert (rows[world.d1.code].n, rows[world.d1.code].within) == (1, 1)  # 8 of 10 minutes
    assert (rows[world.d2.code].n, rows[world.d2.code].within) == (1, 0)  # 14 of 10
    assert centre.league(level, period)[0].code == world.d1.code
    stages = {c.name: c for c in centre.response_components(level, period)}
    assert stages["response"].median_s == 11 * 60 and stages["travel"].n == 2
    page = client_of(world.oblast).get("/ops/analytics/")
    assert page.status_code == 200 and world.d1.name_en in page.content.decode()
    assert "Receipt to arrival" in page.content.decode()  # labels in the request's language
    assert (
        client_of(world.oblast)
        .get("/ops/analytics/", {"date_from": "2026-02-30", "date_to": "x"})
        .status_code
        == 422
    )


def test_todays_load_is_compared_with_the_same_weekday_of_earlier_weeks(
    world: World, send_call: Any
) -> None:
    today = timezone.localdate()
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12, 30)))
    if noon > timezone.now():
        noon -= dt.timedelta(days=7)  # keep "today" in the past for an early-morning run
    for weeks_back, n in ((1, 2), (2, 4)):
        for i in range(n):
            send_call(received_at=noon - dt.timedelta(weeks=weeks_back, minutes=i))
    load = centre.expected_load(
        selectors.level_for(world.duty), day=timezone.localtime(noon).date()
    )
    assert load.reference_days == 2 and load.expected[12] == 3.0 and load.expected.sum() == 3.0
