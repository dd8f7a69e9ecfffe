"""Raking, weighted shares and means: checked against weightipy and against known formulas."""

from __future__ import annotations

import numpy as np
import pytest

from senim.analytics.survey import (
    RakingError,
    effective_sample_size,
    kish_deff,
    mean,
    proportion,
    proportions,
    rake,
)

MARGINS = {
    "region": np.array([30.0, 25.0, 20.0, 15.0, 10.0]),
    "sex": np.array([48.0, 52.0]),
    "settlement": np.array([63.0, 37.0]),
    "age": np.array([22.0, 30.0, 27.0, 21.0]),
}


def _skewed_sample(n: int = 2000, seed: int = 7) -> dict[str, np.ndarray]:
    """A sample that over-represents the first region, women, towns and the middle-aged."""
    rng = np.random.default_rng(seed)
    return {
        "region": rng.choice(5, n, p=[0.4, 0.2, 0.2, 0.1, 0.1]),
        "sex": rng.choice(2, n, p=[0.38, 0.62]),
        "settlement": rng.choice(2, n, p=[0.75, 0.25]),
        "age": rng.choice(4, n, p=[0.15, 0.35, 0.3, 0.2]),
    }


def test_raking_reproduces_every_margin() -> None:
    dims = _skewed_sample()
    result = rake(dims, MARGINS)
    assert result.converged and result.max_error < 1e-10
    assert result.weights.mean() == pytest.approx(1.0)
    for name, codes in dims.items():
        got = np.bincount(codes, result.weights) / result.weights.sum()
        np.testing.assert_allclose(got, MARGINS[name] / MARGINS[name].sum(), atol=1e-10)


def test_raking_gives_the_weights_of_weightipy_on_the_same_data() -> None:
    wp = pytest.importorskip("weightipy")
    pd = pytest.importorskip("pandas")
    dims = _skewed_sample()
    df = pd.DataFrame({name: codes.astype(int) for name, codes in dims.items()})
    scheme = wp.scheme_from_dict(
        {
            name: {k: float(v) for k, v in enumerate(t / t.sum() * 100)}
            for name, t in MARGINS.items()
        },
        rim_params={"convcrit": 1e-12, "max_iterations": 5000},
    )
    theirs = wp.weight_dataframe(df=df, scheme=scheme, weight_column="w")["w"].to_numpy()
    ours = rake(dims, MARGINS).weights
    np.testing.assert_allclose(ours, theirs / theirs.mean(), rtol=1e-6)


def test_an_empty_category_cannot_be_weighted() -> None:
    dims = _skewed_sample(200)
    dims["region"] = np.where(dims["region"] == 4, 3, dims["region"])
    with pytest.raises(RakingError, match="region: no respondents in categories \\[4\\]"):
        rake(dims, MARGINS)


def test_codes_outside_the_margin_are_refused() -> None:
    with pytest.raises(RakingError, match="outside"):
        rake({"sex": np.array([0, 1, 2])}, {"sex": np.array([1.0, 1.0])})


def test_equal_weights_give_the_textbook_standard_error() -> None:
    y = np.array([1] * 30 + [0] * 70)
    p = proportion(y, np.ones(100))
    assert p.estimate == pytest.approx(0.3)
    assert p.se == pytest.approx(np.sqrt(0.3 * 0.7 / 99))
    assert p.low < 0.3 < p.high
    assert effective_sample_size(np.ones(100)) == pytest.approx(100)
    assert kish_deff(np.ones(100)) == pytest.approx(1.0)


def test_unequal_weights_widen_the_interval_and_shrink_the_effective_sample() -> None:
    rng = np.random.default_rng(3)
    y = rng.random(1000) < 0.4
    w = rng.lognormal(0, 0.8, 1000)
    equal, weighted = proportion(y, np.ones(1000)), proportion(y, w)
    assert weighted.se > equal.se
    n_eff = effective_sample_size(w)
    assert n_eff < 1000
    assert kish_deff(w) == pytest.approx(1000 / n_eff)
    assert kish_deff(w) == pytest.approx(1 + np.var(w) / np.mean(w) ** 2)


def test_shares_of_an_item_add_up_and_small_shares_keep_their_interval_inside_zero_one() -> None:
    codes = np.array([0] * 600 + [1] * 380 + [2] * 20)
    dist = proportions(codes, np.ones(1000), 4)
    assert sum(s.estimate for s in dist.shares) == pytest.approx(1.0)
    small = dist.shares[2]
    assert 0 < small.low < 0.02 < small.high
    empty = dist.shares[3]
    assert empty.estimate == 0 and empty.low == 0 and 0 < empty.high < 0.01


def test_linearised_intervals_cover_the_population_value_about_95_times_in_100() -> None:
    # PPS sampling with replacement, weights = 1 / selection probability: the design the
    # linearisation formula assumes. The true share must fall inside ~95 % of the intervals.
    rng = np.random.default_rng(11)
    size = rng.lognormal(0, 1, 20_000)
    y = rng.random(20_000) < 1 / (1 + np.exp(-(np.log(size) - 0.5)))
    truth = y.mean()
    p_select = size / size.sum()
    hits, reps = 0, 600
    for _ in range(reps):
        idx = rng.choice(20_000, 400, p=p_select)
        est = proportion(y[idx], 1 / p_select[idx])
        hits += est.low <= truth <= est.high
    assert 0.92 <= hits / reps <= 0.98


def test_weighted_mean_of_a_likert_item() -> None:
    values = np.array([1, 2, 3, 4, 5] * 20)
    w = np.array([1.0, 1, 1, 1, 2] * 20)
    m = mean(values, w)
    assert m.estimate == pytest.approx((1 + 2 + 3 + 4 + 10) / 6)
    assert m.low < m.estimate < m.high and m.n == 100


def test_a_bounded_scale_keeps_the_interval_inside_its_bounds() -> None:
    m = mean(np.array([100.0] * 9 + [0.0]), np.ones(10), bounds=(0.0, 100.0))
    assert m.estimate == pytest.approx(90) and m.high == 100.0 and m.low > 0
