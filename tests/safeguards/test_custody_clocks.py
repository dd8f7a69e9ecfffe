"""Custody clocks: 48 h for adults, 24 h for minors, 12 h to tell the prosecutor, in Almaty time."""

from __future__ import annotations

import datetime as dt

import pytest

from senim.safeguards import rules

ALMATY = dt.timezone(dt.timedelta(hours=5))
DETAINED = dt.datetime(2025, 3, 2, 1, 0, tzinfo=ALMATY)  # 1 March 20:00 UTC


def test_an_adult_may_be_held_48_hours_and_a_warning_comes_at_36() -> None:
    clock = rules.custody_clock(
        detained_at=DETAINED, minor=False, court_order_at=None, released_at=None
    )
    assert clock.deadline == dt.datetime(2025, 3, 4, 1, 0, tzinfo=ALMATY)
    assert clock.warn_at == DETAINED + dt.timedelta(hours=36)
    assert clock.state(DETAINED + dt.timedelta(hours=35, minutes=59)) == "ok"
    assert clock.state(DETAINED + dt.timedelta(hours=36)) == "warning"
    assert clock.state(DETAINED + dt.timedelta(hours=48)) == "breached"


def test_a_minor_may_be_held_24_hours_and_a_warning_comes_at_18() -> None:
    clock = rules.custody_clock(
        detained_at=DETAINED, minor=True, court_order_at=None, released_at=None
    )
    assert clock.deadline == dt.datetime(2025, 3, 3, 1, 0, tzinfo=ALMATY)
    assert clock.state(DETAINED + dt.timedelta(hours=18)) == "warning"
    assert clock.state(DETAINED + dt.timedelta(hours=24, seconds=1)) == "breached"


def test_the_earlier_of_court_order_and_release_stops_the_clock() -> None:
    court = DETAINED + dt.timedelta(hours=47)
    clock = rules.custody_clock(
        detained_at=DETAINED,
        minor=False,
        court_order_at=court,
        released_at=court + dt.timedelta(hours=5),
    )
    assert clock.met_at == court and clock.state(court + dt.timedelta(days=9)) == "met"
    late = rules.custody_clock(
        detained_at=DETAINED,
        minor=True,
        court_order_at=None,
        released_at=DETAINED + dt.timedelta(hours=25),
    )
    assert late.state(DETAINED) == "late" and late.broken(DETAINED)


def test_only_a_written_notice_to_the_prosecutor_stops_the_12_hour_clock() -> None:
    recorded = DETAINED + dt.timedelta(minutes=40)
    oral = rules.prosecutor_clock(recorded_at=recorded, notified_at=recorded, in_writing=False)
    assert oral.state(recorded + dt.timedelta(hours=13)) == "breached"
    written = rules.prosecutor_clock(
        recorded_at=recorded, notified_at=recorded + dt.timedelta(hours=11), in_writing=True
    )
    assert written.state(recorded + dt.timedelta(days=2)) == "met"
    assert written.deadline == recorded + dt.timedelta(hours=12)
    assert written.warn_at == recorded + dt.timedelta(hours=9)


@pytest.mark.parametrize(
    ("birth", "minor"),
    [
        (dt.date(2007, 3, 2), False),  # 18 on the local day of detention (in UTC still 1 March)
        (dt.date(2007, 3, 3), True),  # 18 only the next day
        (dt.date(2007, 2, 28), False),
        (None, False),  # no birth date known: the adult limit
    ],
)
def test_minor_or_adult_is_decided_on_the_almaty_day_of_detention(
    birth: dt.date | None, minor: bool
) -> None:
    assert rules.is_minor(birth, DETAINED) is minor


def test_someone_born_on_29_february_comes_of_age_on_1_march() -> None:
    birth = dt.date(2008, 2, 29)
    assert rules.is_minor(birth, dt.datetime(2026, 2, 28, 12, tzinfo=ALMATY))
    assert not rules.is_minor(birth, dt.datetime(2026, 3, 1, 12, tzinfo=ALMATY))


def test_contradicting_times_are_each_named() -> None:
    now = DETAINED + dt.timedelta(days=3)
    problems = dict(
        rules.time_errors(
            {
                "detained_at": DETAINED,
                "recorded_at": DETAINED - dt.timedelta(hours=1),
                "released_at": DETAINED - dt.timedelta(hours=2),
                "court_order_at": now + dt.timedelta(hours=1),
            },
            now=now,
        )
    )
    assert "after the time the record was drawn up" in problems["detained_at"]
    assert "2025-03-02 01:00" in problems["detained_at"]  # shown in Almaty time
    assert "before the actual detention time" in problems["released_at"]
    assert "in the future" in problems["court_order_at"]


def test_gaps_in_footage_ignore_seams_shorter_than_the_tolerance() -> None:
    t0 = DETAINED
    hour = dt.timedelta(hours=1)
    covered = [(t0, t0 + hour), (t0 + hour + dt.timedelta(seconds=20), t0 + 3 * hour)]
    assert rules.gaps(t0, t0 + 3 * hour, covered, tolerance=dt.timedelta(minutes=1)) == []
    assert rules.gaps(t0, t0 + 4 * hour, covered, tolerance=dt.timedelta(minutes=1)) == [
        (t0 + 3 * hour, t0 + 4 * hour)
    ]
