"""The demo's Hawkes process: counts match theory and the true intensity integrates correctly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from senim.demo.process import (
    Background,
    Events,
    Grid,
    Trigger,
    hourly_profile,
    simulate,
    true_intensity,
)

DAYS = 365
TRIGGER = Trigger(branching=0.3, decay=1 / (3 * 24), sigma=150.0)
GRID = Grid(x0=-8000, y0=-8000, cell=500, nx=32, ny=32)


def _background(per_hour: float = 1.0, days: int = DAYS) -> Background:
    return Background(
        centres=np.array([[0.0, 0.0], [2500.0, -1500.0], [-3000.0, 2000.0]]),
        sigmas=np.array([1500.0, 200.0, 300.0]),
        weights=np.array([0.6, 0.25, 0.15]),
        hourly=np.full(days * 24, per_hour),
    )


def test_a_long_simulation_has_the_expected_count_mu_over_one_minus_branching() -> None:
    background = _background()
    counts = [len(simulate(background, TRIGGER, np.random.default_rng(s))) for s in range(3)]
    expected = background.expected(0, DAYS * 24) / (1 - TRIGGER.branching)
    # Offspring due after the end are lost: about η/(1-η)² · μ/ω events, under 1 % here.
    assert np.mean(counts) == pytest.approx(expected, rel=0.03)


def test_offspring_follow_their_parents_closely_in_time_and_space() -> None:
    events = simulate(_background(days=60), TRIGGER, np.random.default_rng(1))
    child = events.parent >= 0
    assert 0.15 < child.mean() < 0.35  # η = 0.3 of all events are offspring in equilibrium
    lag = events.t[child] - events.t[events.parent[child]]
    assert np.all(lag >= 0)
    assert np.mean(lag) == pytest.approx(1 / TRIGGER.decay, rel=0.1)
    dist = np.hypot(
        events.x[child] - events.x[events.parent[child]],
        events.y[child] - events.y[events.parent[child]],
    )
    assert np.median(dist) == pytest.approx(TRIGGER.sigma * 1.1774, rel=0.1)  # Rayleigh median


def test_the_true_intensity_over_a_long_window_integrates_to_the_expected_count() -> None:
    background = _background(days=120)
    truth = true_intensity(background, TRIGGER, GRID, start=0, end=120 * 24, step=2.0)
    inside = background.spatial_mass(GRID).sum()
    assert inside > 0.99
    expected = background.expected(0, 120 * 24) * inside / (1 - TRIGGER.branching)
    # Offspring due after the window are excluded: η/(1-η)² · μ/ω ≈ 2 % of the total here.
    tail = TRIGGER.branching / (1 - TRIGGER.branching) ** 2 / TRIGGER.decay
    assert truth.sum() == pytest.approx(expected - tail * inside, rel=0.01)


def test_the_true_intensity_given_a_history_matches_the_mean_of_simulated_continuations() -> None:
    background = _background(per_hour=0.5, days=40)
    history = simulate(background, TRIGGER, np.random.default_rng(5), end=30 * 24)
    # A burst of recent events at one place: the truth must expect their offspring there.
    burst = Events(
        t=np.full(40, 30 * 24 - 2.0),
        x=np.full(40, 4000.0),
        y=np.full(40, 4000.0),
        parent=np.full(40, -1),
    )
    history = Events(
        t=np.concatenate([history.t, burst.t]),
        x=np.concatenate([history.x, burst.x]),
        y=np.concatenate([history.y, burst.y]),
        parent=np.concatenate([history.parent, burst.parent]),
    )
    start, end = 30 * 24.0, 33 * 24.0
    truth = true_intensity(background, TRIGGER, GRID, start=start, end=end, history=history)
    runs = [
        GRID.counts(s.x, s.y)
        for s in (
            simulate(
                background,
                TRIGGER,
                np.random.default_rng(100 + i),
                start=start,
                end=end,
                history=history,
            )
            for i in range(300)
        )
    ]
    mean = np.mean(runs, axis=0)
    assert mean.sum() == pytest.approx(truth.sum(), rel=0.03)
    hot = (slice(22, 26), slice(22, 26))  # the 2 km square around (4000, 4000)
    assert mean[hot].sum() == pytest.approx(truth[hot].sum(), rel=0.1)
    assert (
        truth[hot].sum()
        > 5 * background.expected(start, end) * background.spatial_mass(GRID)[hot].sum()
    )


def test_the_hourly_profile_peaks_in_the_evening_and_at_weekends() -> None:
    profile = hourly_profile(dt.date(2025, 1, 6), 28).reshape(28, 24)  # starts on a Monday
    by_hour = profile.mean(axis=0)
    assert by_hour.argmax() in (19, 20, 21)
    assert by_hour[20] > 3 * by_hour[4]
    by_day = profile.sum(axis=1).reshape(4, 7).mean(axis=0)
    assert by_day[5] > by_day[1]  # Saturday above Tuesday
