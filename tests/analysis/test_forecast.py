"""Forecast: the automatic predictor's map and its back-test; `senim forecast` is idempotent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from senim.analysis.areas import resolve
from senim.analysis.forecasts import compute, forecast
from senim.analysis.models import Forecast
from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
HOT = (43.2500, 76.9200)
NEXT_DAY = dt.date(2025, 5, 26)  # the Monday after the last offence


@pytest.fixture
def twenty_weeks(lay_offences: LayOffences) -> None:
    """Every week from 6 January to 25 May 2025: 4 offences at one corner, 4 scattered."""
    rng = np.random.default_rng(11)
    spots: list[Spot] = []
    for week in range(20):
        monday = dt.date(2025, 1, 6) + dt.timedelta(weeks=week)
        for k in range(4):
            day = monday + dt.timedelta(days=int(rng.integers(7)))
            spots.append((HOT[0], HOT[1], local(day.year, day.month, day.day, 20, k), {}))
            day = monday + dt.timedelta(days=int(rng.integers(7)))
            lat = HOT[0] + rng.uniform(-0.02, 0.02)
            lon = HOT[1] + rng.uniform(-0.03, 0.03)
            spots.append((lat, lon, local(day.year, day.month, day.day, 11), {}))
    lay_offences(spots)


def _hot_cell(result: object) -> int:
    plane = result.plane  # type: ignore[attr-defined]
    x, y = plane.xy(np.array([HOT[1]]), np.array([HOT[0]]))
    return int(plane.grid.flat_index(x, y)[0])


def test_the_forecast_flags_the_persistent_corner_and_reports_its_back_test(
    twenty_weeks: None, users: dict[str, User]
) -> None:
    user = users["regional_analyst_a"]
    result = forecast(user=user, area=resolve(user, "KZ-TA-D1"))
    assert result.issued_for == NEXT_DAY and result.stored_at is None
    assert result.n_events == 160 and result.data_until == dt.date(2025, 5, 25)
    assert result.kinds == ("crime", "criminal_misdemeanour")
    assert _hot_cell(result) in set(result.top.tolist())
    assert len(result.top) == max(1, round(0.05 * result.plane.grid.size))
    b = result.backtest
    # The page reports the automatic forecast walked forward over the last 12 weeks.
    assert b.origins == tuple(NEXT_DAY - dt.timedelta(weeks=k) for k in range(12, 0, -1))
    assert len(b.chosen) == len(b.baseline) == len(b.chosen_models) == 12
    assert result.model in dict(b.candidates)
    assert b.baseline_name == "yearly-count"
    assert b.mean_chosen is not None and b.mean_baseline is not None
    assert 0 < b.mean_chosen <= (b.mean_hindsight or 1.0) <= 1.0
    diff = b.difference
    assert diff is not None and diff.n == 12
    assert diff.mean == pytest.approx(b.mean_chosen - b.mean_baseline, abs=1e-3)
    assert diff.low <= diff.mean <= diff.high
    assert b.verdict in {"better", "worse", "uncertain"}
    assert result.pai(b.mean_chosen) == pytest.approx(b.mean_chosen / result.area_share)


def test_the_command_stores_each_region_once_and_the_page_reads_it(
    twenty_weeks: None, users: dict[str, User], session_client: ClientFor
) -> None:
    out = StringIO()
    call_command("forecast", stdout=out)
    assert "forecasts: 1 new, 0 already stored" in out.getvalue()
    assert "last 12 weeks" in out.getvalue() and "yearly count" in out.getvalue()
    row = Forecast.objects.get()
    assert (row.region.iso, row.issued_for, row.coverage) == ("KZ-TA", NEXT_DAY, 0.05)
    before = (row.pk, row.created_at, bytes(row.risk), row.model, row.backtest)

    out = StringIO()
    call_command("forecast", stdout=out)
    assert "forecasts: 0 new, 1 already stored" in out.getvalue()
    row = Forecast.objects.get()
    assert (row.pk, row.created_at, bytes(row.risk), row.model, row.backtest) == before

    user = users["regional_analyst_a"]
    area = resolve(user, "KZ-TA")
    stored = forecast(user=user, area=area)
    assert stored.stored_at == row.created_at and stored.model == row.model
    fresh = compute(user=user, area=area, issued_for=NEXT_DAY)
    assert np.array_equal(np.sort(stored.top), np.sort(fresh.top))

    page = session_client(user).get("/analytics/forecast/", {"area": "KZ-TA"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "precomputed" in html and row.model in html
    api = session_client(user).get("/api/analytics/forecast", {"area": "KZ-TA"}).json()
    assert api["stored"] is True and api["model"] == row.model
    assert len(api["top_cells"]) == len(stored.top)
    assert api["backtest"]["mean_pai"] == pytest.approx(stored.pai(stored.backtest.mean_chosen))
    assert api["backtest"]["baseline_name"] == "yearly-count"
    assert api["backtest"]["verdict"] == stored.backtest.verdict
    assert api["backtest"]["difference"]["n"] == 12


def test_the_command_refuses_an_unknown_region_or_share(twenty_weeks: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown region"):
        call_command("forecast", region=["KZ-XX"], stdout=StringIO())
    with pytest.raises(CommandError, match="--coverage"):
        call_command("forecast", coverage=3, stdout=StringIO())


@pytest.mark.parametrize(
    ("params", "field"),
    [({"coverage": "3"}, "coverage"), ({"issued_for": "26.05.2025"}, "issued_for")],
)
def test_bad_forecast_settings_are_refused(
    twenty_weeks: None,
    users: dict[str, User],
    session_client: ClientFor,
    params: dict[str, str],
    field: str,
) -> None:
    page = session_client(users["national_analyst"]).get(
        "/analytics/forecast/", {"area": "KZ-TA-D1"} | params
    )
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.content.decode()


def test_too_little_history_is_said_plainly(
    lay_offences: LayOffences, users: dict[str, User], session_client: ClientFor
) -> None:
    lay_offences([(43.25, 76.92, local(2025, 5, 1, 12), {})])
    client = session_client(users["national_analyst"])
    page = client.get("/analytics/forecast/", {"area": "KZ-TA"})
    assert page.status_code == 200
    assert "Too few offences with coordinates" in page.content.decode()
    assert client.get("/api/analytics/forecast", {"area": "KZ-TA"}).status_code == 404


@pytest.mark.parametrize(
    ("language", "sentence", "foreign"),
    [
        ("en", "Over the last 12 weeks the forecast caught", "Число за прошлый год"),
        ("ru", "За последние 12 недель прогноз охватил", "last year"),
        ("kk", "Соңғы 12 аптада болжам", "Число за прошлый год"),
    ],
)
def test_the_page_sets_the_forecast_beside_last_years_count_in_the_readers_language(
    twenty_weeks: None,
    users: dict[str, User],
    session_client: ClientFor,
    language: str,
    sentence: str,
    foreign: str,
) -> None:
    user = users["regional_analyst_a"]
    result = forecast(user=user, area=resolve(user, "KZ-TA-D1"))
    b = result.backtest
    page = session_client(user).get(
        "/analytics/forecast/", {"area": "KZ-TA-D1"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    html = page.content.decode()
    verdict = html.split('id="forecast-verdict">', 1)[1].split("</p>", 1)[0]
    assert sentence in verdict
    assert b.mean_baseline is not None
    yearly = f"{b.mean_baseline * 100:.1f}"
    assert (yearly if language == "en" else yearly.replace(".", ",")) in verdict
    assert foreign not in html
    assert 'id="yearly-count"' in html


def test_a_forecast_stored_against_the_old_naive_bar_is_recomputed(
    twenty_weeks: None, users: dict[str, User]
) -> None:
    call_command("forecast", stdout=StringIO())
    row = Forecast.objects.get()
    old = dict(row.backtest)
    old.pop("difference")
    old["baseline_name"] = "naive-7d"
    Forecast.objects.filter(pk=row.pk).update(backtest=old)
    user = users["regional_analyst_a"]
    # The page does not show it against the wrong bar: it computes afresh.
    assert forecast(user=user, area=resolve(user, "KZ-TA")).stored_at is None
    out = StringIO()
    call_command("forecast", stdout=out)
    assert "forecasts: 1 new" in out.getvalue()
    fresh = Forecast.objects.get()
    assert fresh.backtest["baseline_name"] == "yearly-count" and fresh.pk != row.pk


def test_every_candidate_model_is_described_in_words_in_each_language() -> None:
    """The page names the chosen model by what it does, never by its code ("decayed-365d")."""
    from django.utils import translation

    from senim.analysis.model_names import describe
    from senim.analytics.predict.auto import default_candidates

    names = [factory().name for factory in default_candidates()]
    for lang in ("kk", "ru", "en"):
        with translation.override(lang):
            for name in names:
                text = describe(name)
                assert text != name and name not in text, (lang, name)
                if lang != "en":
                    assert not re.search(r"[a-z]{3,}", text), (lang, name, text)
