"""Peak times: counts land in the right Almaty hour and weekday, and a real peak is found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from senim.analysis.areas import resolve
from senim.analysis.peak_times import peak_times
from senim.analytics.indicators import Period
from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def fridays(lay_offences: LayOffences) -> None:
    """Four weeks of June 2025: 5 offences every Friday 21:xx, 1 every day at 10:xx."""
    spots: list[Spot] = []
    for day in range(2, 30):  # 2 June 2025 is a Monday; 28 days = 4 whole weeks
        spots.append((43.25, 76.92, local(2025, 6, day, 10, 15), {}))
        if dt.date(2025, 6, day).weekday() == 4:
            spots += [(43.25, 76.92, local(2025, 6, day, 21, 5 * k), {}) for k in range(5)]
    # 16:30 UTC on Friday 27 June is 21:30 in Almaty.
    spots.append((43.25, 76.92, dt.datetime(2025, 6, 27, 16, 30, tzinfo=dt.UTC), {}))
    lay_offences(spots)


def test_friday_evening_is_the_peak_of_the_week(fridays: None, users: dict[str, User]) -> None:
    user = users["national_analyst"]
    result = peak_times(
        user=user,
        area=resolve(user, "KZ-TA"),
        period=Period(dt.date(2025, 6, 2), dt.date(2025, 6, 30)),
    )
    hw = result.profile.hour_weekday
    assert result.n_events == 28 + 4 * 5 + 1
    assert hw.counts[4, 21] == 21  # Friday (row 4) 21:00–21:59
    assert hw.counts[0, 10] == 4  # Monday 10:00–10:59
    assert hw.exposure[4, 21] == 4  # four Friday 21:00 hours in the period
    assert result.hour_weekday_peaks[0].label == "Fri 21:00–21:59"
    assert result.hour_weekday_peaks[0].count == 21
    # By hour of day alone, 10:00 (every day) and 21:00 (Fridays) both stand out.
    assert {p.label for p in result.hour_peaks} == {"10:00–10:59", "21:00–21:59"}


def test_the_page_draws_from_the_same_figures_as_the_api(
    fridays: None, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["regional_analyst_a"])
    query = {"area": "KZ-TA", "date_from": "2025-06-02", "date_to": "2025-06-29"}
    api = client.get("/api/analytics/peaks", query).json()
    assert api["hour_weekday"]["counts"][4][21] == 21
    assert api["peaks"]["hour_weekday"][0]["count"] == 21
    page = client.get("/analytics/peaks/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fri 21:00–21:59" in html and 'id="peaks-data"' in html
    assert client.get("/analytics/peaks/", query | {"alpha": "0.5"}).status_code == 400
