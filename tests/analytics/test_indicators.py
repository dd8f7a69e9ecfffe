"""Rates, changes, 3-year averages and structure shares come out as a statistician computes them."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys

import numpy as np
import pytest

from senim.analytics.indicators import (
    Period,
    change,
    dynamics,
    rate_per_100k,
    rates_per_100k,
    shares,
    shift_years,
)


def test_the_library_never_imports_django() -> None:
    # A fresh interpreter: this test process has Django loaded by pytest-django already.
    probe = "import sys, senim.analytics.indicators; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_rate_per_100k_divides_by_the_population() -> None:
    assert rate_per_100k(250, 2_000_000) == pytest.approx(12.5)
    assert rate_per_100k(0, 500_000) == 0.0


@pytest.mark.parametrize("population", [None, 0, -5])
def test_rate_is_unknown_without_a_usable_population(population: int | None) -> None:
    assert rate_per_100k(10, population) is None


def test_vectorised_rates_match_the_scalar_rate_and_leave_unknowns_as_nan() -> None:
    out = rates_per_100k([10, 20, 30], [100_000, None, 0])
    assert out[0] == pytest.approx(10.0)
    assert math.isnan(out[1]) and math.isnan(out[2])


def test_change_is_absolute_and_relative() -> None:
    c = change(120, 100)
    assert (c.absolute, c.percent, c.direction) == (20.0, pytest.approx(20.0), 1)
    down = change(75, 100)
    assert (down.absolute, down.percent, down.direction) == (-25.0, pytest.approx(-25.0), -1)


def test_percent_change_is_undefined_against_a_zero_base() -> None:
    c = change(7, 0)
    assert c.absolute == 7.0 and c.percent is None
    assert change(0, 0).direction == 0


def test_dynamics_compares_with_last_year_and_with_the_mean_of_three_years() -> None:
    d = dynamics(130, [100, 110, 90])
    assert d.previous_year == 100
    assert d.vs_previous_year.percent == pytest.approx(30.0)
    assert d.average_3y == pytest.approx(100.0)
    assert d.vs_average_3y.absolute == pytest.approx(30.0)
    assert d.vs_average_3y.percent == pytest.approx(30.0)


def test_dynamics_needs_exactly_three_previous_years() -> None:
    with pytest.raises(ValueError):
        dynamics(10, [1, 2])


def test_a_new_territory_has_no_percentage_against_an_empty_history() -> None:
    d = dynamics(5, [0, 0, 0])
    assert d.vs_previous_year.percent is None and d.vs_average_3y.percent is None


def test_shares_sum_to_one_sorted_by_size_with_stable_ties() -> None:
    out = shares({"b": 10, "a": 10, "c": 30, "zero": 0})
    assert [s.key for s in out] == ["c", "a", "b"]
    assert sum(s.share for s in out) == pytest.approx(1.0)
    assert out[0].share == pytest.approx(0.6)


def test_shares_beyond_top_fold_into_other() -> None:
    out = shares({"1": 50, "2": 30, "3": 10, "4": 6, "5": 4}, top=2)
    assert [(s.key, s.count) for s in out] == [("1", 50), ("2", 30), ("other", 20)]


def test_shares_of_nothing_are_empty() -> None:
    assert shares({}) == () and shares({"a": 0}) == ()


def test_shares_merge_repeated_keys() -> None:
    out = shares([("a", 1), ("a", 2), ("b", 1)])
    assert [(s.key, s.count) for s in out] == [("a", 3), ("b", 1)]


def test_a_period_is_half_open_and_moves_by_calendar_years() -> None:
    year = Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert year.days == 365 and year.is_calendar_year and year.reference_year == 2025
    assert year.last_day == dt.date(2025, 12, 31)
    assert year.years_earlier(3) == Period(dt.date(2022, 1, 1), dt.date(2023, 1, 1))
    with pytest.raises(ValueError):
        Period(dt.date(2025, 1, 2), dt.date(2025, 1, 2))


def test_a_leap_day_moves_to_the_28th() -> None:
    assert shift_years(dt.date(2024, 2, 29), -1) == dt.date(2023, 2, 28)
    spring = Period(dt.date(2024, 2, 29), dt.date(2024, 3, 1))
    assert spring.years_earlier(1).start == dt.date(2023, 2, 28)


def test_the_population_year_of_a_period_is_that_of_its_middle_day() -> None:
    assert Period(dt.date(2024, 12, 1), dt.date(2025, 3, 1)).reference_year == 2025
    assert np.isclose(Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31)).days, 30)


# --- the structure of offenders --------------------------------------------------------------


def test_offender_structure_by_hand():
    from senim.analytics.indicators import age_band, age_on, offender_structure

    nan = float("nan")
    s = offender_structure(
        sex=["M", "M", "F", "", "M"],
        age=[15, 17, 34, nan, 52],
        repeat=[True, False, False, False, True],
        people_per_offence=[1, 2, 1, 3],
    )
    assert s.people == 5 and s.known_age == 4 and s.juveniles == 2
    assert [(x.key, x.count) for x in s.by_sex] == [("M", 3), ("F", 1), ("unknown", 1)]
    assert s.by_sex[0].share == pytest.approx(0.6)
    assert [(x.key, x.count) for x in s.by_age] == [
        ("14_17", 2), ("30_49", 1), ("50_plus", 1), ("unknown", 1),
    ]  # fmt: skip
    assert s.juvenile_share == pytest.approx(2 / 4)  # of the known ages
    assert s.repeat == 2 and s.repeat_share == pytest.approx(2 / 5)
    assert (s.offences, s.group_offences) == (4, 2) and s.group_share == pytest.approx(0.5)
    assert [age_band(a) for a in (13, 14, 17, 18, 24, 25, 29, 30, 49, 50, nan, -1)] == [
        "under_14", "14_17", "14_17", "18_24", "18_24", "25_29", "25_29", "30_49", "30_49",
        "50_plus", "unknown", "unknown",
    ]  # fmt: skip
    assert age_on(dt.date(2008, 3, 10), dt.date(2025, 3, 9)) == 16
    assert age_on(dt.date(2008, 3, 10), dt.date(2025, 3, 10)) == 17


def test_offender_structure_of_nobody_has_no_shares():
    from senim.analytics.indicators import offender_structure

    s = offender_structure(sex=[], age=[], repeat=[], people_per_offence=[])
    assert s.people == 0 and s.by_sex == () and s.by_age == ()
    assert s.juvenile_share is None and s.repeat_share is None and s.group_share is None
    with pytest.raises(ValueError, match="one sex, age and repeat flag"):
        offender_structure(sex=["M"], age=[], repeat=[True], people_per_offence=[])
