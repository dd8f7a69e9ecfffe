"""The demo microdata reproduce seed 002: the national trust distribution and the reasons for
distrust (weighted, to 0.1 pp) and the 1 174 critical media items of 2024."""

from __future__ import annotations

import pytest

from senim.trust import demo_data, instruments
from senim.trust.models import MediaItem, Survey
from senim.trust.services.media import critical_counts
from senim.trust.services.surveys import survey_estimates


@pytest.fixture
def demo(users):
    return demo_data.build(seed=2025, years=[2024])


def test_the_demo_reproduces_the_seeds_trust_figures_and_critical_items(demo, users) -> None:
    survey = Survey.objects.get(code="demo-trust-2024")
    assert survey.weighted_at is not None and survey.weighting["deff"] > 1.02  # weights do work
    estimates = {e.item.code: e for e in survey_estimates(user=users["national"], survey=survey)}
    trust = {s.option.code: s.share.estimate * 100 for s in estimates["trust_police"].shares}
    for code, published in instruments.NATIONAL_TRUST_2024.items():
        assert trust[code] == pytest.approx(published, abs=0.1), code
    reasons = {s.option.code: s.share.estimate * 100 for s in estimates["distrust_reasons"].shares}
    for code, _text, published in instruments.DISTRUST_REASONS:
        assert reasons[code] == pytest.approx(published, abs=0.1), code

    # The weights, not the raw sample, bring the figures to the seed's.
    survey.weighted_at = None
    estimates = survey_estimates(user=users["national"], survey=survey)
    trust = {s.option.code: s.share.estimate * 100 for s in estimates[0].shares}
    assert abs(trust["trust"] - 64.3) > 0.1

    # Seed 002: 1 174 critical items about police actions in 2024.
    rows = critical_counts(user=users["national"], year=2024)
    assert sum(r.total for r in rows) == 1174
    assert demo["critical_items"] == 1174
    assert MediaItem.objects.filter(final_tone="negative").count() == 1174

    demo_data.delete()
    assert not Survey.objects.filter(source="demo").exists()
    assert not MediaItem.objects.filter(external_id__startswith="DEMO-").exists()
