"""The trust index and the NPM's recommendations reach the open KPIs through their apps' services,
equal to figures computed here from the answers and the recommendations themselves."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from senim.core.models import User
from senim.oversight import services
from senim.oversight.models import Recommendation
from senim.portal import open_data
from senim.trust import instruments
from senim.trust.instruments import TRUST_ITEM
from senim.trust.models import Answer, Survey
from senim.trust.services.surveys import compute_weights, create_questionnaire
from tests.oversight.conftest import (  # noqa: F401 (fixtures)
    RecordVisit,
    World,
    make_user,
    record_visit,
    territory,
    world,
)
from tests.portal.conftest import Off, lay, local
from tests.portal.conftest import World as Events
from tests.trust.test_weighting import _load

pytestmark = pytest.mark.django_db


def test_the_trust_index_is_the_weighted_mean_score_of_the_regions_answers(open_dir: Path) -> None:
    lay(Events(offences=[Off("KZ-75", None, "UK-188", local(2024, 5, 1), None)]))
    national = User.objects.create(username="nat", role="national_analyst")
    questionnaire = create_questionnaire(
        code="portal-q", titles=("kk", "ru", "en"), blocks=list(instruments.INSTRUMENTS)
    )
    survey = Survey.objects.create(
        code="portal-2024", questionnaire=questionnaire, title_kk="Т", title_ru="Т",
        title_en="Test", year=2024,
    )  # fmt: skip
    _load({"national": national}, survey)
    compute_weights(user=national, survey=survey)
    open_data.build()
    kpis = json.loads((open_dir / "kpis.json").read_text())["regions"]
    rows = np.array(
        Answer.objects.filter(
            item__code=TRUST_ITEM, respondent__region__iso="KZ-75", option__score__isnull=False
        ).values_list("respondent__weight", "option__score"),
        dtype=float,
    )
    expected = float(np.sum(rows[:, 0] * rows[:, 1]) / np.sum(rows[:, 0]))
    trust = kpis["KZ-75"]["2024"]["trust"]
    assert trust["index"] == round(expected, 1) and trust["n"] == len(rows)
    assert trust["low"] < trust["index"] < trust["high"] and trust["survey"] == "portal-2024"
    assert kpis["KZ-35"]["2024"]["trust"] is None  # not sampled
    assert kpis["KZ"]["2024"]["trust"] is not None


def test_recommendations_sent_in_a_year_and_implemented_by_region(
    world: World,  # noqa: F811
    record_visit: RecordVisit,  # noqa: F811
    open_dir: Path,
) -> None:
    lay(Events(offences=[Off("KZ-75", None, "UK-188", local(2025, 5, 1), None)]))
    today = dt.date.today()
    visit = record_visit(
        recommendations=[
            services.RecommendationIn("Restore hot water", today + dt.timedelta(days=5)),
            services.RecommendationIn("Repair the terminal", today + dt.timedelta(days=90)),
            services.RecommendationIn("Staff", today + dt.timedelta(days=30), agency="health"),
        ],
    )
    first = visit.recommendations.order_by("pk").first()
    assert first is not None
    services.change_status(user=world.monitor_a, recommendation_id=first.pk, status="implemented")
    # Sent in 2025, the last full year; one more sent in 2024 does not count for 2025.
    Recommendation.objects.update(sent_on=dt.date(2025, 6, 1))
    Recommendation.objects.filter(pk=visit.recommendations.order_by("pk").last().pk).update(  # type: ignore[union-attr]
        sent_on=dt.date(2024, 12, 31)
    )
    open_data.build()
    kpis: dict[str, Any] = json.loads((open_dir / "kpis.json").read_text())["regions"]
    assert kpis["KZ-TA"]["2025"]["npm"] == {"sent": 2, "implemented": 1, "share": 50.0}
    assert kpis["KZ-TB"]["2025"]["npm"] is None
    assert kpis["KZ"]["2025"]["npm"] == {"sent": 2, "implemented": 1, "share": 50.0}
