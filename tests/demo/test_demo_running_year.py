"""The demo's calendar ends today: the register runs on from the last full year up to now, the
live feed's window is left to the feed, and written appeals still within their term are open
with the legal deadline intake would give them."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from senim.core.calendar import add_working_days, legal_deadline
from senim.core.demo_flag import DEMO_SOURCE
from senim.core.models import Holiday
from senim.demo.appeals import LIVE_CHANNELS, _terms, as_of, legal_last_days
from senim.demo.builder import build, default_years
from senim.demo.calibration import LAST_YEAR, calibration
from senim.demo.common import live_window_start
from senim.register.models import WRITTEN_PRIORITY, Appeal, Offence

pytestmark = pytest.mark.django_db
SCALE = 0.05
ZONE = dt.timezone(dt.timedelta(hours=5))


def test_the_vectorised_term_counts_working_days_as_the_calendar_does() -> None:
    days_off = list(Holiday.objects.values_list("day", flat=True))
    assert days_off, "the shipped holiday calendar is loaded by migration"
    start = dt.date(2025, 1, 1)
    received = [start + dt.timedelta(days=k) for k in range(0, 730)]  # weekends, holidays too
    got = legal_last_days(np.array(received, dtype="datetime64[D]"), 15, days_off)
    expected = [add_working_days(day, 15, days_off=days_off) for day in received]
    assert [d.astype("datetime64[D]").item() for d in got] == expected


def test_later_years_hold_the_last_seed_year_and_say_it_is_assumed() -> None:
    cal = calibration([LAST_YEAR, LAST_YEAR + 1])
    assert cal.years[LAST_YEAR + 1] == cal.years[LAST_YEAR]
    assert "assumed" in cal.sources["after_2025"]


def test_the_default_years_are_the_four_before_this_one() -> None:
    assert default_years(dt.date(2026, 12, 7)) == [2022, 2023, 2024, 2025]
    assert default_years(dt.date(2031, 1, 1)) == [2027, 2028, 2029, 2030]


def test_the_register_runs_up_to_the_moment_and_written_appeals_are_open_in_their_term() -> None:
    # Fixed moments, so the test means the same on any day: the register built "on" 10 Dec 2026.
    through = dt.datetime(2026, 12, 10, 15, 30, tzinfo=ZONE)
    summary = build(seed=5, scale=SCALE, years=[2025], through=through)
    assert summary.through == through
    offences = Offence.objects.filter(source_system=DEMO_SOURCE)
    appeals = Appeal.objects.filter(source_system=DEMO_SOURCE)
    assert offences.filter(registered_at__gte=dt.datetime(2026, 11, 1, tzinfo=ZONE)).exists()
    assert not offences.filter(registered_at__gte=through).exists()
    assert not appeals.filter(received_at__gte=through).exists()
    # The last four weeks of live calls belong to the feed.
    window = live_window_start(through)
    assert not appeals.filter(channel__in=LIVE_CHANNELS, received_at__gte=window).exists()
    assert appeals.filter(channel__in=LIVE_CHANNELS, received_at__gte=window - dt.timedelta(days=3))
    assert appeals.filter(channel="e_otinish", received_at__gte=window).exists()
    # Nothing that ended after the moment is shown as ended.
    assert not appeals.filter(closed_at__gte=through).exists()
    assert not appeals.filter(answered_at__gte=through).exists()
    open_ = list(appeals.filter(status="received"))
    assert open_, "written appeals received in the last days are still being answered"
    assert {a.channel for a in open_} <= {"e_otinish", "complaint_terminal", "walk_in"}
    assert all(a.closed_at is None and a.due_at < through + dt.timedelta(days=23) for a in open_)
    assert all(a.priority == WRITTEN_PRIORITY for a in open_)
    # The deadline is the one intake gives (15 working days, the holiday calendar).
    written = list(appeals.filter(channel="e_otinish").order_by("pk")[::25])
    assert written and all(a.due_at == legal_deadline(a.received_at, 15) for a in written)
    assert not appeals.filter(channel="call_102", due_at__isnull=False).exists()


def test_as_of_opens_a_written_appeal_past_its_term_and_leaves_out_unfinished_calls() -> None:
    until = dt.datetime(2026, 12, 10, 10, 0, tzinfo=ZONE)
    end = np.datetime64("2026-12-10T05:00:00", "s")  # the same moment in UTC
    day = np.timedelta64(86400, "s")
    cols = {
        "channel": np.array(["e_otinish", "e_otinish", "call_102", "call_102", "walk_in"], object),
        "received_at": np.array(
            [end - 30 * day, end - 3 * day, end - 40 * day, end - 60, end - 90]
        ),
        "answered_at": np.array([end - 29 * day, end + 60, end - 40 * day, end - 50, end - 80]),
        "closed_at": np.array([end + 2 * day, end + 5 * day, end - 39 * day, end + 600, end + 30]),
        "status": np.array(["closed"] * 5, object),
    }
    got = as_of(cols, until)
    # The call still on scene is the feed's (inside its window) and the walk-in is unfinished.
    assert list(got["channel"]) == ["e_otinish", "e_otinish", "call_102"]
    assert list(got["status"]) == ["received", "received", "closed"]
    assert np.isnat(got["closed_at"][:2]).all() and not np.isnat(got["closed_at"][2])
    assert not np.isnat(got["answered_at"][0]) and np.isnat(got["answered_at"][1])
    _terms(got)
    # Thirty days old: past its 15 working days, so the queue shows it overdue.
    assert got["due_at"][0] < end < got["due_at"][1]
    assert list(got["priority"]) == [WRITTEN_PRIORITY, WRITTEN_PRIORITY, 0]


def test_the_command_refuses_the_running_year_as_a_full_year() -> None:
    this_year = timezone.localdate().year
    with pytest.raises(CommandError, match=f"full years from 2000 to {this_year - 1}"):
        call_command("demo", "--scale", str(SCALE), "--years", str(this_year), stdout=io.StringIO())
