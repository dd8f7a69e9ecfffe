import numpy as np
import pytest

from senim.analytics.backtest import (
    compare,
    hindsight_max,
    hit_rate,
    intensity_hit_rate,
    pai,
    rolling_origin,
)
from senim.analytics.grid import Grid
from senim.analytics.predict import Events, NaivePredictor, RiskGrid

# Ten cells of 1 m: flat index = row * 5 + col.
GRID = Grid(0.0, 0.0, 1.0, nx=5, ny=2)


def at_cells(flat: list[int], t: float = 0.0) -> Events:
    """One event at the centre of each listed cell."""
    cells = np.asarray(flat)
    return Events.of(np.full(cells.size, t), cells % 5 + 0.5, cells // 5 + 0.5)


def test_hit_rate_and_pai_by_hand():
    risk = np.zeros(GRID.shape)
    risk.flat[[3, 7]] = [5.0, 9.0]  # coverage 0.2 of ten cells flags cells 7 and 3
    forecast = RiskGrid(GRID, risk, "hand")
    after = at_cells([3, 3, 7, 0, 9])
    assert hit_rate(forecast, after, 0.2) == pytest.approx(3 / 5)
    assert pai(forecast, after, 0.2) == pytest.approx((3 / 5) / 0.2)
    # One cell (coverage 0.1): only cell 7, which holds one of the five events.
    assert hit_rate(forecast, after, 0.1) == pytest.approx(1 / 5)
    assert hit_rate(forecast, after, 1.0) == 1.0


def test_events_off_the_grid_are_not_scored():
    risk = np.zeros(GRID.shape)
    risk.flat[0] = 1.0
    after = Events.of([0.0, 0.0, 0.0], [0.5, 50.0, -3.0], [0.5, 0.5, 0.5])
    assert hit_rate(RiskGrid(GRID, risk, "hand"), after, 0.1) == 1.0


def test_hindsight_is_the_best_possible_and_truth_is_scored_like_a_forecast():
    after = at_cells([1, 1, 1, 4, 4, 8, 2])
    # The top two cells by actual count hold 3 + 2 of the 7 events.
    assert hindsight_max(after, GRID, 0.2) == pytest.approx(5 / 7)
    intensity = np.zeros(GRID.shape)
    intensity.flat[[8, 2]] = [2.0, 1.0]
    assert intensity_hit_rate(intensity, GRID, after, 0.2) == pytest.approx(2 / 7)
    uniform = RiskGrid(GRID, np.ones(GRID.shape), "flat")
    assert hit_rate(uniform, after, 0.2) <= hindsight_max(after, GRID, 0.2)


@pytest.mark.parametrize("coverage", [0, 0.0, -0.1, 1.01, 2])
def test_coverage_outside_zero_to_one_is_refused(coverage):
    forecast = RiskGrid(GRID, np.ones(GRID.shape), "flat")
    with pytest.raises(ValueError, match="coverage"):
        hit_rate(forecast, at_cells([1]), coverage)
    with pytest.raises(ValueError, match="coverage"):
        hindsight_max(at_cells([1]), GRID, coverage)


def test_nothing_to_score_is_refused():
    forecast = RiskGrid(GRID, np.ones(GRID.shape), "flat")
    with pytest.raises(ValueError, match="no events"):
        hit_rate(forecast, Events.of([], [], []), 0.5)
    with pytest.raises(ValueError, match="empty"):
        rolling_origin(NaivePredictor, Events.of([], [], []), GRID, [1.0])


class Spy:
    """A predictor that records what it was given, to check a back-test never leaks."""

    name = "spy"
    seen: list[tuple[float, float]] = []

    def fit(self, events, grid):
        self.events, self.grid = events, grid
        return self

    def predict(self, at, horizon_days=7.0):
        Spy.seen.append((at, float(self.events.t.max())))
        return RiskGrid(self.grid, np.ones(self.grid.shape), self.name)


def test_rolling_origin_refits_on_the_past_only():
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 100, 500))
    events = Events.of(t, rng.uniform(0, 5, 500), rng.uniform(0, 2, 500))
    Spy.seen = []
    result = rolling_origin(Spy, events, GRID, [50.0, 60.0, 70.0], 7.0, (0.1, 0.5))
    assert [at for at, _ in Spy.seen] == [50.0, 60.0, 70.0]
    assert all(latest < at for at, latest in Spy.seen)
    assert len(result.hit_rates) == 3 and len(result.hit_rates[0]) == 2
    # A flat map flags cells by index: the hit rate is then just the share in those cells.
    after = events.between(60.0, 67.0)
    flat = RiskGrid(GRID, np.ones(GRID.shape), "flat")
    assert result.hit_rates[1][1] == pytest.approx(hit_rate(flat, after, 0.5))
    assert result.pai[1][1] == pytest.approx(result.hit_rates[1][1] / 0.5)


def test_compare_puts_predictors_and_ceilings_in_one_table():
    rng = np.random.default_rng(1)
    # Cell 7 is a standing hot spot; the rest is noise.
    n = 2000
    t = rng.uniform(0, 200, n)
    hot = rng.random(n) < 0.3
    x = np.where(hot, 2.5, rng.uniform(0, 5, n))
    y = np.where(hot, 1.5, rng.uniform(0, 2, n))
    events = Events.of(t, x, y)
    origins = [150.0, 157.0, 164.0]

    def truth(start: float, end: float) -> np.ndarray:
        expected = np.full(GRID.shape, 0.7 * n / 200 * (end - start) / GRID.size)
        expected.flat[7] += 0.3 * n / 200 * (end - start)
        return expected

    table = compare(
        {"naive": NaivePredictor, "flat": Spy}, events, GRID, origins, 7.0, 0.1, truth=truth
    )
    naive, flat = table.row("naive"), table.row("flat")
    assert naive.mean_hit_rate > flat.mean_hit_rate
    assert table.truth_hit_rate is not None
    assert naive.share_of_truth == pytest.approx(naive.mean_hit_rate / table.truth_hit_rate)
    assert table.hindsight_hit_rate >= naive.mean_hit_rate
    assert "hindsight maximum" in table.to_text()
