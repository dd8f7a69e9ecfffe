"""Evaluation of a measure: a clear fall against a steady control is an effect; thin data and
bad choices are said in words, with the field at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from senim.analysis.measures import CAVEAT_CODES, caveat_text, evaluate_measure
from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
START, END = dt.date(2025, 4, 1), dt.date(2025, 6, 29)


@pytest.fixture
def measure_world(territory: Territory, lay_offences: LayOffences) -> None:
    """From 2024 on: D1 (target) 10 offences a week, 3 a week once the measure starts on
    1 April 2025; D2 (control) 10 a week throughout; 2 a week just outside D1 (the ring)."""
    t = territory
    rng = np.random.default_rng(3)
    spots: list[Spot] = []
    day = dt.date(2024, 1, 1)
    while day <= END:
        target_rate = 3 / 7 if day >= START else 10 / 7
        when = local(day.year, day.month, day.day, 19)
        for _ in range(rng.poisson(target_rate)):
            spots.append((43.25 + rng.normal(0, 0.002), 76.92 + rng.normal(0, 0.002), when, {}))
        for _ in range(rng.poisson(10 / 7)):
            spots.append((43.30, 76.80, when, {"district": t.district_a2}))
        for _ in range(rng.poisson(2 / 7)):
            spots.append((43.2545, 76.92, when, {"district": None}))
        day += dt.timedelta(days=1)
    # The data end on END in both districts.
    last = local(END.year, END.month, END.day, 22)
    spots += [(43.25, 76.92, last, {}), (43.30, 76.80, last, {"district": t.district_a2})]
    lay_offences(spots)


def test_a_clear_fall_against_a_steady_control_is_an_effect(
    measure_world: None, users: dict[str, User]
) -> None:
    e = evaluate_measure(
        user=users["regional_analyst_a"], target="KZ-TA-D1", control="KZ-TA-D2", start=START,
        end=END,
    )  # fmt: skip
    v = e.verdict
    assert v.verdict == "effect", v.caveats
    assert (v.after.start, v.after.last_day) == (START, END)
    assert v.before.days == v.after.days == 90
    assert v.relative_effect.ci_low > 1
    assert v.target.after < v.target.before / 2
    assert v.ring is not None and v.ring.before > 0  # the offences just outside D1


def test_the_page_shows_the_verdict_and_caveats_in_words(
    measure_world: None, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["national_analyst"])
    query = {"area": "KZ-TA", "target": "KZ-TA-D1", "control": "KZ-TA-D2"}
    page = client.get(
        "/analytics/evaluation/", query | {"start": "2025-06-16", "end": "2025-06-29"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-verdict="' in html
    # Two weeks after: too short to judge, and the page says why in words.
    assert 'data-caveat="short_after_period"' in html
    assert caveat_text("short_after_period") in html
    api = client.get(
        "/api/analytics/evaluation",
        {"target": "KZ-TA-D1", "control": "KZ-TA-D2", "start": "2025-04-01", "end": "2025-06-29"},
    ).json()
    assert api["verdict"] == "effect"
    assert api["verdict_text"] and api["details"]["target"]["after"] > 0


def test_every_caveat_code_of_the_library_has_words() -> None:
    from senim.analytics.evaluation import CAVEATS

    assert set(CAVEATS) == set(CAVEAT_CODES)
    assert all(caveat_text(code) != code for code in CAVEATS)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"control": "KZ-TA-D1"}, "control", "another district"),
        ({"control": "KZ-TA"}, "control", "not a whole region"),
        ({"control": "KZ-TB-D1"}, "", ""),  # another region: outside the analyst's scope
        ({"end": "2025-03-01"}, "end", "ends before it starts"),
        ({"end": "2025-08-31"}, "end", "The data end on 2025-06-29"),
        ({"ring_m": "9000"}, "ring_m", "Must be between 0 and 5000."),
        ({"target": "KZ-XX"}, "target", "No such territory"),
    ],
)
def test_bad_choices_are_refused_with_the_field(
    measure_world: None,
    users: dict[str, User],
    session_client: ClientFor,
    params: dict[str, str],
    field: str,
    message: str,
) -> None:
    client = session_client(users["regional_analyst_a"])
    query = {"target": "KZ-TA-D1", "control": "KZ-TA-D2", "start": "2025-04-01"}
    query |= {"end": "2025-06-29"} | params
    api = client.get("/api/analytics/evaluation", query)
    if not field:
        assert api.status_code == 403
        return
    assert api.status_code in {400, 404}
    error = api.json()["errors"][0]
    assert error["field"] == field and message in error["message"]
    page = client.get("/analytics/evaluation/", query)
    assert f'data-field="{field}"' in page.content.decode()
