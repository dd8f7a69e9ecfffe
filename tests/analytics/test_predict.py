import numpy as np
import pytest

from senim.analytics.backtest import hit_rate
from senim.analytics.grid import Grid
from senim.analytics.predict import (
    PREDICTORS,
    AutoPredictor,
    Events,
    MohlerPredictor,
    NaivePredictor,
    ProspectivePredictor,
    RetrospectivePredictor,
    SeppGridPredictor,
    YearlyCountPredictor,
    make,
)
from senim.analytics.predict.auto import default_candidates
from senim.analytics.predict.mohler import window_pairs
from senim.analytics.predict.seppgrid import _GridHawkes
from senim.demo import process


def cell_events(grid: Grid, cells: list[int], times: list[float]) -> Events:
    flat = np.asarray(cells)
    x = grid.x0 + (flat % grid.nx + 0.5) * grid.cell_m
    y = grid.y0 + (flat // grid.nx + 0.5) * grid.cell_m
    return Events.of(times, x, y)


def test_naive_ranks_the_cell_with_more_recent_events_first():
    grid = Grid(0, 0, 100, nx=4, ny=4)
    # Cell 5: two events last week. Cell 10: one last week but many older ones.
    events = cell_events(grid, [5, 5, 10] + [10] * 6, [95, 97, 96, 10, 20, 30, 40, 50, 60])
    risk = NaivePredictor(window_days=7).fit(events, grid).predict(100.0)
    assert risk.top_cells(1 / 16).tolist() == [5]
    assert risk.top_cells(2 / 16).tolist() == [5, 10]


def test_naive_breaks_ties_by_the_longer_window_not_by_cell_number():
    grid = Grid(0, 0, 100, nx=4, ny=4)
    # One event each last week in cells 2 and 14; cell 14 also had three earlier this year.
    events = cell_events(grid, [2, 14, 14, 14, 14], [98, 98, 10, 30, 40])
    risk = NaivePredictor(window_days=7).fit(events, grid).predict(100.0)
    assert risk.top_cells(1 / 16).tolist() == [14]
    # The tie-break never overturns a real difference in the short window.
    more = cell_events(grid, [2, 2, 14, 14, 14, 14, 14], [97, 98, 98, 10, 30, 40, 50])
    risk = NaivePredictor(window_days=7).fit(more, grid).predict(100.0)
    assert risk.top_cells(1 / 16).tolist() == [2]


def test_naive_does_not_see_events_after_the_forecast_origin():
    grid = Grid(0, 0, 100, nx=4, ny=4)
    events = cell_events(grid, [3, 9, 9, 9], [95, 101, 102, 103])
    risk = NaivePredictor().fit(events, grid).predict(100.0)
    assert risk.top_cells(1 / 16).tolist() == [3]


def planted_hot_spot(seed: int = 3) -> tuple[Grid, Events, Events, int]:
    """Uniform noise over a 2 km square plus a hot spot of 60 m spread in one cell."""
    rng = np.random.default_rng(seed)
    grid = Grid(0, 0, 100, nx=20, ny=20)
    days = 400
    noise = 3000
    t = np.r_[rng.uniform(0, days, noise), rng.uniform(0, days, 1200)]
    x = np.r_[rng.uniform(0, 2000, noise), rng.normal(1250, 30, 1200)]
    y = np.r_[rng.uniform(0, 2000, noise), rng.normal(750, 30, 1200)]
    events = Events.of(t, x, y)
    return grid, events.before(days - 7), events.between(days - 7, days), 7 * 20 + 12


@pytest.mark.parametrize(
    "predictor",
    [
        NaivePredictor(),
        RetrospectivePredictor(),
        ProspectivePredictor(),
        SeppGridPredictor(),
        MohlerPredictor(max_iterations=50),
        AutoPredictor(weeks=4),
    ],
    ids=lambda p: p.name,
)
def test_every_model_finds_a_strong_planted_hot_spot(predictor):
    grid, train, after, hot_cell = planted_hot_spot()
    at = float(train.t.max()) + 1e-9
    risk = predictor.fit(train, grid).predict(at, 7.0)
    assert risk.risk.shape == grid.shape and np.all(risk.risk >= 0)
    assert hot_cell in risk.top_cells(4 / grid.size).tolist()
    assert hit_rate(risk, after, 0.01) > 0.2  # a random 1 % of cells would catch ~1 %


def grid_hawkes(rng, grid, mu, theta, omega, spill, days):
    """Cluster simulation of the grid model: Poisson(θ) children per event, Exp(ω) delay,
    a child moves to one of the four edge neighbours with probability `spill`; children that
    leave the grid are lost (the model's edge correction accounts for them)."""
    cells = np.repeat(np.arange(grid.size), rng.poisson(mu.ravel() * days))
    times = rng.uniform(0, days, cells.size)
    all_cells, all_times = [cells], [times]
    while cells.size:
        k = rng.poisson(theta, cells.size)
        times = np.repeat(times, k) + rng.exponential(1 / omega, k.sum())
        col, row = np.repeat(cells % grid.nx, k), np.repeat(cells // grid.nx, k)
        move = rng.random(col.size) < spill
        way = rng.integers(0, 4, col.size)
        col = col + move * np.select([way == 0, way == 1], [1, -1], 0)
        row = row + move * np.select([way == 2, way == 3], [1, -1], 0)
        keep = (times < days) & (col >= 0) & (col < grid.nx) & (row >= 0) & (row < grid.ny)
        cells, times = (row * grid.nx + col)[keep], times[keep]
        all_cells.append(cells)
        all_times.append(times)
    cells, times = np.concatenate(all_cells), np.concatenate(all_times)
    x = grid.x0 + (cells % grid.nx + rng.random(cells.size)) * grid.cell_m
    y = grid.y0 + (cells // grid.nx + rng.random(cells.size)) * grid.cell_m
    return Events.of(times, x, y)


def test_seppgrid_recovers_background_and_branching_of_a_simulated_grid_hawkes():
    rng = np.random.default_rng(11)
    grid = Grid(0, 0, 100, nx=15, ny=15)
    mu = rng.gamma(2.0, 0.005, grid.shape)  # events per cell per day
    events = grid_hawkes(rng, grid, mu, theta=0.4, omega=0.25, spill=0.4, days=1500)
    fit = SeppGridPredictor(window_days=None).fit(events, grid).fitted
    assert fit is not None and fit.converged
    assert fit.branching_ratio == pytest.approx(0.4, abs=0.05)
    assert fit.decay_per_day == pytest.approx(0.25, rel=0.2)
    assert fit.background.sum() == pytest.approx(mu.sum(), rel=0.1)
    assert np.corrcoef(fit.background.ravel(), mu.ravel())[0, 1] > 0.8
    # Children stay in their cell with probability 0.6, else go to an edge neighbour.
    assert fit.neighbour_kernel[1, 1] == pytest.approx(0.6, abs=0.08)
    assert fit.neighbour_kernel[0, 1] == pytest.approx(0.1, abs=0.04)


def test_seppgrid_recursion_equals_the_sum_over_all_pairs():
    rng = np.random.default_rng(5)
    grid = Grid(0, 0, 100, nx=4, ny=3)
    events = grid_hawkes(rng, grid, np.full(grid.shape, 0.05), 0.5, 0.5, 0.5, 150)
    col, row = grid.cells(events.x, events.y)
    model = _GridHawkes(events.t, col, row, grid, radius=1)
    mu = rng.uniform(0.01, 0.05, grid.size)
    # a_k = θ g_k for offsets (dc, dr) in row-major order; symmetric like every fitted kernel.
    corner, edge, centre = 0.01, 0.05, 0.2
    rates = np.array([corner, edge, corner, edge, centre, edge, corner, edge, corner])
    omega = 0.7
    _, loglik = model.step(np.r_[mu, rates, omega])
    # Brute force: λ_i over every earlier event in the 3 × 3 neighbourhood.
    t, cell = events.t, row * grid.nx + col
    lam = mu[cell].copy()
    for i in range(t.size):
        for j in range(t.size):
            dc, dr = col[i] - col[j], row[i] - row[j]
            if t[j] < t[i] and abs(dc) <= 1 and abs(dr) <= 1:
                lam[i] += rates[(dr + 1) * 3 + (dc + 1)] * omega * np.exp(-omega * (t[i] - t[j]))
    span = t.max() - t.min()
    exposure = 0.0
    for j in range(t.size):
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if 0 <= col[j] + dc < grid.nx and 0 <= row[j] + dr < grid.ny:
                    k = (dr + 1) * 3 + (dc + 1)
                    exposure += rates[k] * (1 - np.exp(-omega * (t.max() - t[j])))
    expected = np.log(lam).sum() - span * mu.sum() - exposure
    assert loglik == pytest.approx(expected, rel=1e-6)


def simulated_hawkes(seed: int) -> tuple[Events, float]:
    """About 6 000 events of the demo's process on 3 km × 3 km over 500 days, branching 0.45
    (mean delay 2 days, 60 m spread): the events and the simulation's own triggered share."""
    rng = np.random.default_rng(seed)
    hours = 500 * 24
    background = process.Background(
        centres=np.array([[1500.0, 1500.0], [800.0, 2200.0], [2300.0, 900.0]]),
        sigmas=np.array([700.0, 150.0, 200.0]),
        weights=np.array([0.6, 0.2, 0.2]),
        hourly=np.full(hours, 6000 * 0.55 / hours),
    )
    trigger = process.Trigger(branching=0.45, decay=1 / (24 * 2.0), sigma=60.0)
    sim = process.simulate(background, trigger, rng)
    return Events.of(sim.t / 24, sim.x, sim.y), float(np.mean(sim.parent >= 0))


HAWKES_GRID = Grid(0, 0, 100, nx=30, ny=30)


def small_mohler(**params) -> MohlerPredictor:
    return MohlerPredictor(trigger_days=20, trigger_radius_m=300, **params)


def test_mohler_fits_and_its_triggering_share_is_sensible():
    events, true_share = simulated_hawkes(8)
    model = small_mohler()
    fit = model.fit(events, HAWKES_GRID).fitted
    assert fit is not None and fit.pairs > 0
    assert fit.trigger_share == pytest.approx(true_share, abs=0.12)
    assert 0.5 < fit.mean_delay_days < 6  # true mean delay: 2 days
    assert fit.trigger_distance_m < 200  # true mean distance: 60 · √(π/2) ≈ 75 m
    risk = model.predict(float(events.t[-1]) + 1e-9)
    assert risk.risk.shape == HAWKES_GRID.shape and np.all(np.isfinite(risk.risk))


@pytest.mark.parametrize("seed", [8, 9, 10])
def test_mohler_recovers_the_branching_ratio_of_a_simulated_hawkes_process(seed):
    events, _ = simulated_hawkes(seed)
    fit = small_mohler().fit(events, HAWKES_GRID).fitted
    assert fit is not None and fit.converged
    assert fit.branching_ratio == pytest.approx(0.45, abs=0.05)
    assert fit.mean_delay_days == pytest.approx(2.0, abs=0.5)


def test_mohler_converges_before_its_guard_and_reports_the_log_likelihood_path():
    events, _ = simulated_hawkes(8)
    fit = small_mohler(max_iterations=200).fit(events, HAWKES_GRID).fitted
    assert fit is not None and fit.converged
    assert 2 <= fit.iterations < 200
    assert len(fit.log_likelihood) == len(fit.branching_path) == fit.iterations
    steps = np.diff(fit.log_likelihood)
    assert abs(steps[-1]) <= 1e-5 * fit.events
    assert abs(fit.branching_path[-1] - fit.branching_path[-2]) <= 1e-4
    # The likelihood climbs from the start: the path is a real optimisation, not a constant.
    assert fit.log_likelihood[-1] > fit.log_likelihood[1] + 10
    assert fit.branching_path[-1] == fit.branching_ratio
    # Stopped by the guard, the fit says so.
    guarded = small_mohler(max_iterations=3).fit(events, HAWKES_GRID).fitted
    assert guarded is not None and not guarded.converged and guarded.iterations == 3


def test_coincident_duplicates_do_not_raise_the_branching_ratio():
    events, _ = simulated_hawkes(8)
    rng = np.random.default_rng(1)
    # 40 % of the offences recorded two or three times, at the same point within the hour.
    copies = np.where(rng.random(len(events)) < 0.4, rng.integers(1, 3, len(events)), 0)
    late = np.repeat(events.t, copies) + rng.uniform(0, 1 / 24, copies.sum())
    doubled = Events.of(
        np.r_[events.t, late],
        np.r_[events.x, np.repeat(events.x, copies)],
        np.r_[events.y, np.repeat(events.y, copies)],
    )
    base = small_mohler().fit(events, HAWKES_GRID).fitted
    kept = small_mohler().fit(doubled, HAWKES_GRID).fitted
    read_as_triggering = small_mohler(coincident_m=0).fit(doubled, HAWKES_GRID).fitted
    assert base is not None and kept is not None and read_as_triggering is not None
    assert kept.coincident_pairs > 0 and read_as_triggering.coincident_pairs == 0
    assert kept.branching_ratio <= base.branching_ratio + 0.02
    # Without the rule the same data read as more triggering: the test can tell.
    assert read_as_triggering.branching_ratio > base.branching_ratio + 0.04


def test_busy_snapped_addresses_are_background_not_triggering():
    events, _ = simulated_hawkes(8)
    rng = np.random.default_rng(2)
    # Twenty snapped addresses (a shop, a station) reporting at random times, ~70 each.
    points = rng.uniform(500, 2500, (20, 2))
    reports = rng.poisson(70, 20)
    busy = Events.of(
        np.r_[events.t, rng.uniform(0, 500, reports.sum())],
        np.r_[events.x, np.repeat(points[:, 0], reports)],
        np.r_[events.y, np.repeat(points[:, 1], reports)],
    )
    base = small_mohler().fit(events, HAWKES_GRID).fitted
    fit = small_mohler().fit(busy, HAWKES_GRID).fitted
    assert base is not None and fit is not None
    # The reports are background, so the triggered share can only fall.
    assert fit.branching_ratio < base.branching_ratio


def test_window_pairs_are_exactly_the_pairs_inside_the_support():
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(0, 60, 400))
    x, y = rng.uniform(0, 1500, 400), rng.uniform(0, 1500, 400)
    found: set[tuple[int, int]] = set()
    blocks = 0
    for lo, hi, i, j in window_pairs(t, x, y, 10.0, 200.0, block_pairs=300):
        assert np.all((i >= lo) & (i < hi)) and np.all(np.diff(i) >= 0)
        found.update(zip(i.tolist(), j.tolist(), strict=True))
        blocks += 1
    assert blocks > 3  # small blocks: the pairs were built piece by piece
    lag = t[:, None] - t[None, :]
    close = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= 200.0
    brute = np.argwhere((lag > 0) & (lag <= 10.0) & close)
    assert found == {(int(a), int(b)) for a, b in brute}


def test_candidate_pairs_grow_with_the_events_not_their_square():
    events, _ = simulated_hawkes(8)
    # The same city twice, side by side: twice the events at the same density.
    twice = Events.of(
        np.r_[events.t, events.t], np.r_[events.x, events.x + 3000], np.r_[events.y, events.y]
    )
    one = small_mohler().fit(events, HAWKES_GRID).fitted
    two = small_mohler().fit(twice, Grid(0, 0, 100, nx=60, ny=30)).fitted
    assert one is not None and two is not None
    assert two.events == pytest.approx(2 * one.events, rel=0.01)
    assert two.pairs == pytest.approx(2 * one.pairs, rel=0.02)
    assert one.pairs < 30 * one.events  # the window, not n (5 876 events)
    with pytest.raises(ValueError, match="max_pairs"):
        small_mohler(max_pairs=one.pairs // 2).fit(events, HAWKES_GRID)


def test_auto_is_never_worse_than_the_yearly_count_on_its_own_back_test():
    grid, train, _, _ = planted_hot_spot(seed=4)
    at = float(train.t.max()) + 1e-9
    auto = AutoPredictor(weeks=6).fit(train, grid)
    risk = auto.predict(at)
    choice = auto.choice
    assert choice is not None and risk.model == f"auto:{choice.chosen}"
    assert choice.baseline == "yearly-count"
    assert len(choice.scores) == len(default_candidates())
    chosen = choice.score(choice.chosen).mean_hit_rate
    assert all(chosen >= s.mean_hit_rate for s in choice.scores if not np.isnan(s.mean_hit_rate))
    assert choice.gain_over_baseline >= 0


def test_auto_keeps_the_yearly_count_on_a_tie():
    grid, train, _, _ = planted_hot_spot(seed=4)
    # Two candidates that forecast exactly the same: the first (the bar) must be kept.
    auto = AutoPredictor([YearlyCountPredictor, lambda: NaivePredictor(365.0, 730.0)], weeks=3)
    choice = auto.fit(train, grid).select(float(train.t.max()))
    assert choice.chosen == choice.baseline == "yearly-count"


class Unfittable:
    name = "unfittable"

    def fit(self, events, grid):
        raise ValueError("too few events")


def test_auto_leaves_out_a_candidate_that_cannot_be_fitted():
    grid, train, _, _ = planted_hot_spot(seed=4)
    auto = AutoPredictor([YearlyCountPredictor, Unfittable], weeks=2)  # type: ignore[list-item]
    choice = auto.fit(train, grid).select(float(train.t.max()))
    assert choice.chosen == "yearly-count"
    assert np.isnan(choice.score("unfittable").mean_hit_rate)


@pytest.mark.parametrize("name", sorted(PREDICTORS))
def test_fitting_on_no_events_is_refused(name):
    with pytest.raises(ValueError, match="empty"):
        make(name).fit(Events.of([], [], []), Grid(0, 0, 100, 5, 5))


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="unknown predictor"):
        make("crystal-ball")
    with pytest.raises(ValueError, match="coverage"):
        AutoPredictor(coverage=0)
    with pytest.raises(ValueError, match="coverage"):
        AutoPredictor(coverage=1.5)
    with pytest.raises(ValueError, match="positive"):
        NaivePredictor(window_days=0)
    with pytest.raises(ValueError, match="chance_lags"):
        MohlerPredictor(chance_lags=1.0)
    with pytest.raises(ValueError, match="max_iterations"):
        MohlerPredictor(max_iterations=0)
    grid, train, _, _ = planted_hot_spot()
    with pytest.raises(ValueError, match="horizon"):
        RetrospectivePredictor().fit(train, grid).predict(100.0, horizon_days=0)
