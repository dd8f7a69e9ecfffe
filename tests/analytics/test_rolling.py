"""The honest comparison: every model against the yearly count per cell, on rolling origins,
with the paired difference's confidence interval; nothing from the future leaks in."""

import math

import numpy as np
import pytest
from scipy.stats import t as student_t

from senim.analytics.backtest import (
    hit_rate,
    paired_difference,
    rolling_origins,
    rolling_report,
)
from senim.analytics.grid import Grid
from senim.analytics.predict import (
    AllHistoryCountPredictor,
    AutoPredictor,
    BlendPredictor,
    DecayedCountPredictor,
    Events,
    NaivePredictor,
    RiskGrid,
    YearlyCountPredictor,
)

GRID = Grid(0.0, 0.0, 100.0, nx=10, ny=10)


def cell_events(cells: list[int], times: list[float]) -> Events:
    flat = np.asarray(cells)
    return Events.of(times, (flat % GRID.nx + 0.5) * 100.0, (flat // GRID.nx + 0.5) * 100.0)


def test_paired_difference_by_hand():
    model = [0.50, 0.55, 0.60, 0.45]
    base = [0.40, 0.50, 0.50, 0.45]
    d = np.array([0.10, 0.05, 0.10, 0.0])
    diff = paired_difference(model, base)
    half = student_t.ppf(0.975, 3) * d.std(ddof=1) / 2
    assert diff.mean == pytest.approx(0.0625)
    assert (diff.low, diff.high) == pytest.approx((0.0625 - half, 0.0625 + half))
    assert diff.n == 4 and diff.verdict == "uncertain"  # the interval reaches below zero
    # Weeks a model could not score (NaN) drop out of the pairs.
    assert paired_difference([0.5, math.nan, 0.6], [0.4, 0.3, 0.5]).n == 2
    assert paired_difference([0.6] * 5, [0.5] * 5).verdict == "better"
    assert paired_difference([0.4, 0.41, 0.39], [0.5, 0.5, 0.5]).verdict == "worse"
    assert paired_difference([0.5], [0.4]).verdict == "uncertain"


def test_the_interval_covers_a_planted_difference_as_often_as_it_says():
    rng = np.random.default_rng(5)
    planted, covered, trials = 0.02, 0, 2000
    for _ in range(trials):
        base = rng.uniform(0.3, 0.6, 12)  # 12 weekly origins
        model = base + planted + rng.normal(0, 0.015, 12)
        diff = paired_difference(model, base, 0.95)
        covered += diff.low <= planted <= diff.high
    assert 0.93 <= covered / trials <= 0.97


def test_rolling_origins_are_weekly_or_monthly_and_oldest_first():
    assert rolling_origins(100.0, 3) == (86.0, 93.0, 100.0)
    assert rolling_origins(100.0, 2, 28.0) == (72.0, 100.0)
    with pytest.raises(ValueError):
        rolling_origins(100.0, 0)


def test_the_yearly_count_counts_the_last_365_days_only():
    # Cell 1: three events two years ago; cell 2: two events this year.
    events = cell_events([1, 1, 1, 2, 2], [10, 11, 12, 700, 710])
    risk = YearlyCountPredictor().fit(events, GRID).predict(730.0)
    assert risk.top_cells(0.01).tolist() == [2]
    # All history sees cell 1 first; ties in the year are broken by all history.
    assert AllHistoryCountPredictor().fit(events, GRID).predict(730.0).top_cells(0.01) == [1]
    tie = cell_events([1, 1, 2, 2, 2, 2], [10, 700, 10, 11, 12, 705])
    assert YearlyCountPredictor().fit(tie, GRID).predict(730.0).top_cells(0.01) == [2]


def test_a_decayed_count_halves_an_event_per_half_life():
    events = cell_events([3, 4, 4], [900.0, 800.0, 800.0])  # one new event, two 100 days older
    at = 1000.0
    short = DecayedCountPredictor(half_life_days=50.0).fit(events, GRID).predict(at)
    long = DecayedCountPredictor(half_life_days=400.0).fit(events, GRID).predict(at)
    # Two events 200 days old against one 100 days old: 2 · 2^-4 < 2^-2, but 2 · 2^-½ > 2^-¼.
    assert short.top_cells(0.01).tolist() == [3]
    assert long.top_cells(0.01).tolist() == [4]
    ratio = short.risk.flat[4] / short.risk.flat[3]
    assert ratio == pytest.approx(2 * 2**-4 / 2**-2, rel=1e-3)


def test_a_blend_without_short_weight_ranks_like_its_long_surface():
    rng = np.random.default_rng(2)
    events = Events.of(
        rng.uniform(0, 400, 600), rng.uniform(0, 1000, 600), rng.uniform(0, 1000, 600)
    )
    at = 400.0
    blend = BlendPredictor(365.0, 28.0, 0.0, 200.0).fit(events, GRID).predict(at)
    decayed = DecayedCountPredictor(365.0).fit(events, GRID).predict(at)
    assert blend.top_cells(0.1).tolist() == decayed.top_cells(0.1).tolist()
    with pytest.raises(ValueError, match="short_weight"):
        BlendPredictor(short_weight=1.5)


class Recorder:
    """A candidate that records (origin, latest event it was given) at every forecast."""

    calls: list[tuple[float, float]] = []
    name = "recorder"

    def fit(self, events, grid):
        self.events, self.grid = events, grid
        return self

    def predict(self, at, horizon_days=7.0):
        Recorder.calls.append((at, float(self.events.t.max())))
        return RiskGrid(self.grid, np.ones(self.grid.shape), self.name)


def stationary(seed: int, days: float = 500.0) -> Events:
    """A fixed hot spot (cell 44) plus uniform noise: nothing beats a long count by much."""
    rng = np.random.default_rng(seed)
    n = int(days * 6)
    hot = rng.random(n) < 0.25
    x = np.where(hot, 450.0, rng.uniform(0, 1000, n))
    y = np.where(hot, 450.0, rng.uniform(0, 1000, n))
    return Events.of(rng.uniform(0, days, n), x, y)


def test_the_report_puts_the_yearly_count_first_and_sees_only_the_past():
    events = stationary(1)
    origins = rolling_origins(490.0, 12)
    Recorder.calls = []
    report = rolling_report([Recorder, NaivePredictor], events, GRID, origins, 7.0, (0.01, 0.05))
    assert [m.name for m in report.models] == [
        "yearly-count",
        "all-history-count",
        "recorder",
        "naive-7d",
    ]
    assert report.baseline == "yearly-count"
    assert [at for at, _ in Recorder.calls] == list(origins)
    assert all(latest < at for at, latest in Recorder.calls)
    base = report.model("yearly-count").differences[1]
    assert base.mean == 0 and base.n == 12
    # A flat map (by cell number) is clearly worse than the yearly count at 1 %.
    assert report.model("recorder").differences[0].verdict == "worse"
    assert "difference vs yearly-count" in report.to_text()


class Clairvoyant:
    """Cheats: ranks cells by the coming week's events (to plant a known better model)."""

    def __init__(self, events: Events) -> None:
        self.all = events
        self.name = "clairvoyant"

    def fit(self, events, grid):
        self.grid = grid
        return self

    def predict(self, at, horizon_days=7.0):
        after = self.all.between(at, at + horizon_days)
        return RiskGrid(self.grid, self.grid.counts(after.x, after.y), self.name)


def test_a_planted_better_model_is_reported_clearly_better():
    events = stationary(2)
    origins = rolling_origins(490.0, 12)
    report = rolling_report([lambda: Clairvoyant(events)], events, GRID, origins, 7.0, (0.05,))
    diff = report.model("clairvoyant").differences[0]
    assert diff.verdict == "better" and diff.low > 0
    assert report.model("clairvoyant").result.mean_hit_rate() == pytest.approx(report.hindsight[0])


def test_auto_falls_back_to_the_yearly_count_when_nothing_beats_it():
    events = stationary(3)
    at = 500.0
    # Only worse candidates: a flat map and last week's count.
    candidates = [YearlyCountPredictor, Recorder, NaivePredictor]
    auto = AutoPredictor(candidates, weeks=8, evaluate_weeks=8)
    risk = auto.fit(events, GRID).predict(at)
    choice = auto.choice
    assert choice is not None and choice.chosen == choice.baseline == "yearly-count"
    assert risk.model == "auto:yearly-count"
    assert choice.gain_over_baseline == 0.0
    # Walked forward, a week's winner by luck may be taken, but never clearly worse.
    walk = choice.walk_forward
    assert walk is not None and walk.difference.verdict != "worse"
    # Asking for the gain to be sure at 95 % keeps the yearly count every week.
    strict = AutoPredictor(candidates, weeks=8, evaluate_weeks=8, confidence=0.95)
    walk = strict.fit(events, GRID).select(at).walk_forward
    assert walk is not None and set(walk.chosen) == {"yearly-count"}
    assert walk.difference.mean == 0.0 and walk.hit_rates == walk.baseline_rates


def test_auto_keeps_the_yearly_count_on_a_tie():
    # Every week the same two cells: every long count forecasts exactly the same.
    times = np.repeat(np.arange(0, 400, 1.0), 2)
    events = cell_events([12, 87] * 400, times.tolist())
    auto = AutoPredictor(weeks=4).fit(events, GRID)
    choice = auto.select(400.0)
    assert choice.chosen == "yearly-count"


def moved_hot_spot(seed: int) -> Events:
    """A hot spot at cell 11 for a year, then at cell 88 for the last 12 weeks."""
    rng = np.random.default_rng(seed)
    noise = Events.of(
        rng.uniform(0, 450, 2000), rng.uniform(0, 1000, 2000), rng.uniform(0, 1000, 2000)
    )
    old = rng.uniform(0, 366, 700)
    new = rng.uniform(366, 450, 300)
    t = np.r_[noise.t, old, new]
    x = np.r_[noise.x, np.full(700, 150.0), np.full(300, 850.0)]
    y = np.r_[noise.y, np.full(700, 150.0), np.full(300, 850.0)]
    return Events.of(t, x, y)


def test_auto_takes_a_candidate_that_beats_the_yearly_count_and_reports_it_honestly():
    events = moved_hot_spot(4)
    auto = AutoPredictor(
        [YearlyCountPredictor, lambda: NaivePredictor(28.0)],
        weeks=4,
        coverage=0.01,
        confidence=0.95,
        evaluate_weeks=6,
    ).fit(events, GRID)
    choice = auto.select(450.0)
    assert choice.chosen == "naive-28d"
    assert choice.difference.verdict == "better"
    walk = choice.walk_forward
    assert walk is not None and walk.chosen[-1] == "naive-28d"
    assert np.nanmean(walk.hit_rates) > np.nanmean(walk.baseline_rates)


def test_the_automatic_choice_does_not_change_with_what_happens_after_the_forecast():
    events = moved_hot_spot(5)
    at = 420.0
    rng = np.random.default_rng(9)
    future = Events.of(
        rng.uniform(at, 450, 500), rng.uniform(0, 1000, 500), rng.uniform(0, 1000, 500)
    )
    altered = Events.of(
        np.r_[events.before(at).t, future.t],
        np.r_[events.before(at).x, future.x],
        np.r_[events.before(at).y, future.y],
    )
    first = AutoPredictor(weeks=4, evaluate_weeks=4).fit(events, GRID)
    second = AutoPredictor(weeks=4, evaluate_weeks=4).fit(altered, GRID)
    a, b = first.predict(at), second.predict(at)
    assert np.array_equal(a.risk, b.risk)
    assert first.choice == second.choice


def test_a_candidate_inside_auto_only_sees_the_past():
    events = stationary(6)
    Recorder.calls = []
    AutoPredictor([YearlyCountPredictor, Recorder], weeks=5, evaluate_weeks=3).fit(
        events, GRID
    ).predict(480.0)
    # Eight back-test origins; the forecast itself is the yearly count's (a flat map loses).
    assert [at for at, _ in Recorder.calls] == [480.0 - 7 * k for k in range(8, 0, -1)]
    assert all(latest < at for at, latest in Recorder.calls)


def test_hit_rate_of_the_yearly_count_is_what_the_report_says():
    events = stationary(7)
    origins = rolling_origins(480.0, 3)
    report = rolling_report([], events, GRID, origins, 7.0, (0.05,))
    by_hand = [
        hit_rate(
            YearlyCountPredictor().fit(events.before(o), GRID).predict(o),
            events.between(o, o + 7.0),
            0.05,
        )
        for o in origins
    ]
    assert report.model("yearly-count").result.mean_hit_rate() == pytest.approx(np.mean(by_hand))


def test_events_indexed_on_the_grid_count_like_the_grid():
    from senim.analytics.predict.base import GridEvents, cell_counts

    events = stationary(8)
    indexed = GridEvents.index(events, GRID)
    part = indexed.before(300.0).between(100.0, 300.0)
    plain = events.before(300.0).between(100.0, 300.0)
    weights = np.linspace(0, 1, len(plain))
    assert isinstance(part, GridEvents)
    assert np.array_equal(cell_counts(part, GRID), GRID.counts(plain.x, plain.y))
    assert np.allclose(cell_counts(part, GRID, weights), GRID.counts(plain.x, plain.y, weights))
    other = Grid(0.0, 0.0, 50.0, nx=20, ny=20)  # another grid: binned afresh
    assert np.array_equal(cell_counts(part, other), other.counts(plain.x, plain.y))
