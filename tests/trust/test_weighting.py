"""Raking to the population margins, weighted estimates with intervals, the trust index."""

from __future__ import annotations

import io

import numpy as np
import pytest

from senim.trust.errors import Forbidden, Invalid
from senim.trust.models import Item, Respondent
from senim.trust.services import index
from senim.trust.services.surveys import (
    compute_weights,
    item_estimate,
    load_responses,
    population_margins,
    survey_estimates,
)

HEAD = "respondent_id,region,sex,settlement,age_band,trust_police"


def _load(users, survey, n=400, seed=1) -> None:
    """A sample of two regions that over-represents women, towns and the young."""
    rng = np.random.default_rng(seed)
    lines = [HEAD]
    for i in range(n):
        lines.append(",".join([
            f"r{i}", rng.choice(["KZ-75", "KZ-71"], p=[0.7, 0.3]), rng.choice(["M", "F"], p=[0.35, 0.65]),
            rng.choice(["urban", "rural"], p=[0.8, 0.2]), rng.choice(["18-29", "30-44", "45-59", "60+"], p=[0.4, 0.3, 0.2, 0.1]),
            rng.choice(["trust", "partly", "rather_not", "not", "hard_to_say"], p=[0.6, 0.25, 0.06, 0.06, 0.03]),
        ]))  # fmt: skip
    load_responses(user=users["national"], survey=survey, filename="s.csv",
                   handle=io.BytesIO("\n".join(lines).encode()))  # fmt: skip


def test_weights_reproduce_every_margin_of_the_regions_sampled(users, survey) -> None:
    _load(users, survey)
    report = compute_weights(user=users["national"], survey=survey)
    assert report["converged"] and report["n"] == 400
    assert "KZ-35" in report["regions_without_respondents"]
    margins = population_margins(2024)
    people = list(
        Respondent.objects.filter(survey=survey).values(
            "region__iso", "sex", "settlement", "age_band", "weight"
        )
    )
    w = np.array([p["weight"] for p in people])
    assert w.mean() == pytest.approx(1.0)
    for dim, key in (("sex", "sex"), ("settlement", "settlement"), ("age_band", "age_band")):
        total = sum(m.population for m in margins[dim])
        for m in margins[dim]:
            got = w[[p[key] == m.category for p in people]].sum() / w.sum()
            assert got == pytest.approx(m.population / total, abs=1e-8)
    regional = {
        m.category: m.population for m in margins["region"] if m.category in {"KZ-75", "KZ-71"}
    }
    almaty = w[[p["region__iso"] == "KZ-75" for p in people]].sum() / w.sum()
    assert almaty == pytest.approx(regional["KZ-75"] / sum(regional.values()), abs=1e-8)


def test_the_stored_weights_equal_weightipys_on_the_same_respondents(users, survey) -> None:
    wp = pytest.importorskip("weightipy")
    pd = pytest.importorskip("pandas")
    _load(users, survey)
    compute_weights(user=users["national"], survey=survey)
    margins = population_margins(2024)
    people = pd.DataFrame(list(Respondent.objects.filter(survey=survey).order_by("pk").values(
        "region__iso", "sex", "settlement", "age_band", "weight")))  # fmt: skip
    people = people.rename(columns={"region__iso": "region"})
    targets = {}
    for dim in ("region", "sex", "settlement", "age_band"):
        present = [m for m in margins[dim] if m.category in set(people[dim])]
        total = sum(m.population for m in present)
        targets[dim] = {m.category: m.population / total * 100 for m in present}
    scheme = wp.scheme_from_dict(targets, rim_params={"convcrit": 1e-12, "max_iterations": 5000})
    theirs = wp.weight_dataframe(
        df=people.drop(columns="weight"), scheme=scheme, weight_column="w"
    )["w"]
    np.testing.assert_allclose(people["weight"], theirs / theirs.mean(), rtol=1e-6)


def test_estimates_carry_intervals_and_the_effective_sample_size(users, survey) -> None:
    _load(users, survey)
    item = Item.objects.get(questionnaire=survey.questionnaire, code="trust_police")
    unweighted = item_estimate(user=users["national"], survey=survey, item=item)
    assert not unweighted.weighted and unweighted.n_eff == pytest.approx(400)
    compute_weights(user=users["national"], survey=survey)
    survey.refresh_from_db()
    weighted = item_estimate(user=users["national"], survey=survey, item=item)
    assert weighted.weighted and weighted.n == 400
    assert weighted.n_eff < 400 and weighted.deff == pytest.approx(400 / weighted.n_eff)
    assert sum(s.share.estimate for s in weighted.shares) == pytest.approx(1.0)
    trust = weighted.shares[0]
    assert trust.option.code == "trust" and trust.published == 64.3
    assert trust.share.low < trust.share.estimate < trust.share.high
    assert weighted.mean is not None and 0 < weighted.mean.estimate < 100


def test_a_regional_analyst_estimates_only_their_region(users, survey) -> None:
    _load(users, survey)
    almaty = survey_estimates(user=users["almaty"], survey=survey)
    everything = survey_estimates(user=users["national"], survey=survey)
    in_almaty = Respondent.objects.filter(survey=survey, region__iso="KZ-75").count()
    assert almaty[0].n == in_almaty < everything[0].n == 400
    with pytest.raises(Forbidden):
        survey_estimates(user=users["almaty"], survey=survey, region="KZ-71")
    with pytest.raises(Forbidden):
        survey_estimates(user=users["duty"], survey=survey)


def test_a_survey_without_respondents_cannot_be_weighted(users, survey) -> None:
    with pytest.raises(Invalid, match="no respondents"):
        compute_weights(user=users["national"], survey=survey)


def test_the_trust_index_per_region_and_for_the_country(users, survey) -> None:
    _load(users, survey)
    compute_weights(user=users["national"], survey=survey)
    regions, national = index.trust_index(user=users["national"])
    assert national is not None and len(national.points) == 1
    by_code = {s.code: s for s in regions}
    assert by_code["KZ-75"].points and by_code["KZ-71"].points and not by_code["KZ-35"].points
    point = by_code["KZ-75"].points[0].value
    assert 0 < point.low < point.estimate < point.high <= 100
    mine, none = index.trust_index(user=users["almaty"])
    assert none is None and [s.code for s in mine] == ["KZ-75"]
