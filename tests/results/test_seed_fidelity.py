"""Seed 003's national results of 2025, recomputed from the demo's records by the selector the
results page and API read (issue 17, items 4 and 5)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from senim.results import demo_data, selectors
from tests.seed_figures import SeedFigure, assert_cited

pytestmark = pytest.mark.django_db
SEED_003 = "003"
FIGURES = [
    # figure, seed, line, value as the seed writes it, and how a figure is read from the page's
    # numbers (a "more than N thousand" figure is checked as a floor with the seed's rounding).
    (SeedFigure("organised-crime cases opened", SEED_003, 11, 78), "oc_cases", "exact"),
    (SeedFigure("of them transnational", SEED_003, 11, 10), "oc_transnational", "exact"),
    (
        SeedFigure("weapons seized, thousand (more than)", SEED_003, 11, Decimal("2.5")),
        "weapons",
        "thousand+",
    ),
    (SeedFigure("drugs seized, t", SEED_003, 12, Decimal("31.7")), "drugs_t", "one decimal"),
    (SeedFigure("drug laboratories dismantled", SEED_003, 12, 109), "labs", "exact"),
    (SeedFigure("of them synthetic", SEED_003, 12, 13), "labs_synthetic", "exact"),
    (
        SeedFigure("fraudulent calls blocked, million", SEED_003, 13, Decimal("84.5")),
        "blocked_calls",
        "million",
    ),
    (SeedFigure("call centres closed", SEED_003, 13, 13), "call_centres", "exact"),
    (SeedFigure("road deaths down, %", SEED_003, 19, 10), "road_deaths", "down %"),
]


@pytest.fixture(scope="module")
def figures(
    django_db_setup: object, django_db_blocker: object
) -> Iterator[dict[str, selectors.Figure]]:
    from senim.core.models import User

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        demo_data.build(seed=2025, years=[2024, 2025])
        try:
            user = User.objects.create(username="rs-fidelity", role="national_analyst")
            yield selectors.figures_by_code(user=user, year=2025)
        finally:
            user.delete()
            demo_data.delete()


@pytest.mark.parametrize(("figure", "code", "how"), FIGURES, ids=[str(f[0]) for f in FIGURES])
def test_the_demo_reproduces_seed_003s_results_of_2025(
    figures: dict[str, selectors.Figure], figure: SeedFigure, code: str, how: str
) -> None:
    assert_cited(figure)
    got = figures[code]
    if how == "exact":
        assert got.value == figure.value
    elif how == "one decimal":
        assert Decimal(got.value).quantize(Decimal("0.1")) == figure.value
    elif how == "thousand+":
        assert got.value > figure.value * 1000
        assert Decimal(got.value / 1000).quantize(Decimal("0.1"), "ROUND_DOWN") == figure.value
    elif how == "million":
        assert (Decimal(got.value) / 1_000_000).quantize(Decimal("0.1")) == figure.value
    elif how == "down %":
        assert got.change_pct == -Decimal(figure.value)
    else:  # pragma: no cover
        raise AssertionError(how)
