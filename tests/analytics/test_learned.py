"""The per-type decayed counts and the learned (gradient boosting) candidate."""

import numpy as np
import pytest

from senim.analytics.backtest import hit_rate
from senim.analytics.grid import Grid
from senim.analytics.predict import (
    AutoPredictor,
    Events,
    LearnedPredictor,
    TypedDecayedPredictor,
    YearlyCountPredictor,
)
from senim.analytics.predict.base import GridEvents

GRID = Grid(0, 0, 100, nx=12, ny=12)


def city(seed: int = 1, days: float = 420.0, per_day: float = 6.0, marks: bool = True) -> Events:
    """Noise over the grid plus three steady hot cells; two offence types."""
    rng = np.random.default_rng(seed)
    n = int(days * per_day)
    hot = rng.random(n) < 0.4
    cells = np.where(hot, rng.choice([17, 50, 101], n), rng.integers(0, GRID.size, n))
    t = rng.uniform(0, days, n)
    x = (cells % GRID.nx + rng.random(n)) * GRID.cell_m
    y = (cells // GRID.nx + rng.random(n)) * GRID.cell_m
    mark = rng.integers(0, 2, n) if marks else None
    return Events.of(t, x, y, mark=mark)


def at_cell(cell: int, t: np.ndarray, mark: int | None = None) -> Events:
    x = np.full(t.size, (cell % GRID.nx + 0.5) * GRID.cell_m)
    y = np.full(t.size, (cell // GRID.nx + 0.5) * GRID.cell_m)
    return Events.of(t, x, y, mark=None if mark is None else np.full(t.size, mark))


def join(*parts: Events) -> Events:
    marks = [p.mark for p in parts]
    mark = None if any(m is None for m in marks) else np.concatenate(marks)  # type: ignore[arg-type]
    return Events.of(
        np.concatenate([p.t for p in parts]),
        np.concatenate([p.x for p in parts]),
        np.concatenate([p.y for p in parts]),
        mark=mark,
    )


FACTORIES = [
    lambda: LearnedPredictor(train_weeks=12, max_iter=30),
    lambda: TypedDecayedPredictor(tune_weeks=8),
]
IDS = ["learned", "typed"]


def test_marks_follow_every_slice_and_are_checked():
    events = Events.of([3.0, 1.0, 2.0], [10, 20, 30], [10, 20, 30], mark=[7, 5, 6])
    assert events.mark is not None and events.mark.tolist() == [5, 6, 7]
    assert events.before(2.5).mark.tolist() == [5, 6]  # type: ignore[union-attr]
    assert events.between(2.0, 4.0).mark.tolist() == [6, 7]  # type: ignore[union-attr]
    indexed = GridEvents.index(events, GRID)
    assert indexed.before(3.0).mark.tolist() == [5, 6]  # type: ignore[union-attr]
    assert Events.of([1.0], [1.0], [1.0]).mark is None
    with pytest.raises(ValueError, match="mark"):
        Events.of([1.0, 2.0], [1, 2], [1, 2], mark=[0, -1])
    with pytest.raises(ValueError, match="mark"):
        Events.of([1.0, 2.0], [1, 2], [1, 2], mark=[0.5, 1.0])
    with pytest.raises(ValueError, match="mark"):
        Events.of([1.0, 2.0], [1, 2], [1, 2], mark=[0])


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_a_planted_future_only_signal_is_not_used(factory):
    """Events after the origin — here a burst in a cell that was empty before — must change
    nothing: the forecast from the whole history equals the one from the past alone."""
    at = 400.0
    past = city(seed=2).before(at)
    future = at_cell(143, np.linspace(at, at + 6.5, 400), mark=1)  # cell 143 empty before
    everything = join(past, future, city(seed=3, days=440.0).between(at, 440.0))
    with_future = factory().fit(everything, GRID).predict(at)
    without = factory().fit(past, GRID).predict(at)
    np.testing.assert_array_equal(with_future.risk, without.risk)
    assert 143 not in with_future.top_cells(0.05).tolist()


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_an_earlier_origin_after_a_later_one_retrains(factory):
    events = city(seed=4)
    model = factory().fit(events, GRID)
    model.predict(410.0)  # trained at day 410
    earlier = model.predict(300.0)
    fresh = factory().fit(events.before(300.0), GRID).predict(300.0)
    np.testing.assert_array_equal(earlier.risk, fresh.risk)


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_the_forecast_is_deterministic_and_finds_the_hot_cells(factory):
    events = city(seed=5)
    at = 413.0
    first = factory().fit(events.before(at), GRID).predict(at)
    second = factory().fit(events.before(at), GRID).predict(at)
    np.testing.assert_array_equal(first.risk, second.risk)
    assert first.risk.shape == GRID.shape and np.all(first.risk >= 0)
    assert {17, 50, 101} <= set(first.top_cells(3 / GRID.size).tolist())
    assert hit_rate(first, events.between(at, at + 7), 3 / GRID.size) > 0.3


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_empty_history_is_refused(factory):
    with pytest.raises(ValueError, match="empty"):
        factory().fit(Events.of([], [], []), GRID)
    off_grid = Events.of([1.0, 2.0], [-500.0, -600.0], [5.0, 5.0])
    with pytest.raises(ValueError, match="grid"):
        factory().fit(off_grid, GRID)


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_a_single_cell_grid(factory):
    grid = Grid(0, 0, 100, nx=1, ny=1)
    rng = np.random.default_rng(6)
    t = np.sort(rng.uniform(0, 200, 400))
    events = Events.of(t, rng.uniform(0, 100, t.size), rng.uniform(0, 100, t.size))
    risk = factory().fit(events, grid).predict(200.0)
    assert risk.risk.shape == (1, 1) and risk.risk[0, 0] > 0


def test_too_little_history_for_the_learned_model_is_refused():
    events = city(seed=7, days=30.0)
    with pytest.raises(ValueError, match="too little history"):
        LearnedPredictor().fit(events, GRID).predict(30.0)


def test_works_without_types_and_with_a_type_unseen_in_training():
    plain = city(seed=8, marks=False)
    for model in (LearnedPredictor(train_weeks=8, max_iter=20), TypedDecayedPredictor()):
        assert model.fit(plain, GRID).predict(413.0).risk.sum() > 0
    typed = city(seed=8)
    late = at_cell(60, np.linspace(405.0, 412.0, 20), mark=9)  # a type first seen late
    model = LearnedPredictor(train_weeks=8, max_iter=20).fit(join(typed, late), GRID)
    model.predict(300.0)  # trained before type 9 existed
    assert model.predict_from(join(typed, late), 413.0).risk.sum() > 0


def test_each_type_gets_its_own_half_life():
    """Type 0 keeps to one cell for the whole history; type 1 moved to a new cell six weeks
    ago: the moving type needs a short memory, the steady type a long one."""
    t = np.arange(0.0, 700.0, 0.5)
    steady = at_cell(30, t, mark=0)
    moved = join(at_cell(80, t[t < 658], mark=1), at_cell(90, t[t >= 658], mark=1))
    model = TypedDecayedPredictor(half_lives=(365.0, 28.0), tune_weeks=3)
    risk = model.fit(join(steady, moved), GRID).predict(700.0)
    assert model.chosen[0] == 365.0 and model.chosen[1] == 28.0
    assert risk.top_cells(2 / GRID.size).tolist() == [30, 90]


def test_auto_keeps_the_yearly_count_when_the_new_candidates_do_not_beat_it():
    """Every event in one cell: every candidate flags it, a tie, and the bar wins a tie."""
    events = at_cell(50, np.linspace(0.0, 400.0, 2000), mark=0)
    auto = AutoPredictor([YearlyCountPredictor, *FACTORIES], weeks=4, coverage=1 / GRID.size).fit(
        events, GRID
    )
    choice = auto.select(400.0)
    assert choice.chosen == choice.baseline == "yearly-count"
    assert choice.score("learned-gbm").mean_hit_rate == 1.0
    assert choice.score("typed-decayed").mean_hit_rate == 1.0


def test_auto_uses_a_new_candidate_that_beats_the_yearly_count():
    """Type 1 moved cells a month ago and is most of the events: a short memory of type 1
    wins, the yearly count still flags the old cell."""
    t = np.arange(0.0, 500.0, 0.25)
    old = at_cell(20, t[t < 440], mark=1)
    new = at_cell(99, t[t >= 440], mark=1)
    background = at_cell(5, np.arange(0.0, 500.0, 2.0), mark=0)
    auto = AutoPredictor(
        [YearlyCountPredictor, lambda: TypedDecayedPredictor(half_lives=(365.0, 14.0))],
        weeks=3,
        coverage=1 / GRID.size,
    ).fit(join(old, new, background), GRID)
    risk = auto.predict(500.0)
    assert auto.choice is not None and auto.choice.chosen == "typed-decayed"
    assert risk.top_cells(1 / GRID.size).tolist() == [99]
