"""Hot-spot map: a planted cluster is found, figures add up, bad settings are refused clearly."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pytest
from django.test import Client

from senim.analysis.areas import resolve
from senim.analysis.hotspot_map import hotspot_map
from senim.analytics.hotspots import distance_window, gi_star
from senim.analytics.indicators import Period
from senim.core.models import User
from tests.analysis.conftest import LayOffences, Spot, local

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
CLUSTER = (43.2500, 76.9200)


@pytest.fixture
def planted(lay_offences: LayOffences) -> None:
    """40 offences at one corner, 60 scattered over ~4 × 4 km around it, in May 2025."""
    rng = np.random.default_rng(7)
    spots: list[Spot] = [
        (CLUSTER[0], CLUSTER[1], local(2025, 5, 1 + i % 20, 21), {}) for i in range(40)
    ]
    for i in range(60):
        lat = CLUSTER[0] + rng.uniform(-0.018, 0.018)
        lon = CLUSTER[1] + rng.uniform(-0.025, 0.025)
        spots.append((lat, lon, local(2025, 5, 1 + i % 20, 10), {}))
    spots.append((None, None, local(2025, 5, 2, 12), {}))  # no coordinates: counted, not mapped
    lay_offences(spots)


def test_the_planted_cluster_is_the_first_hot_spot(planted: None, users: dict[str, User]) -> None:
    user = users["national_analyst"]
    result = hotspot_map(
        user=user,
        area=resolve(user, "KZ-TA-D1"),
        period=Period(dt.date(2025, 5, 1), dt.date(2025, 5, 21)),
        cell_m=100,
        bandwidth_m=200,
    )
    assert (result.n_events, result.n_located) == (101, 100)
    assert result.counts.sum() == 100 and result.counts.max() >= 40
    first = result.spots[0]
    assert first.rank == 1 and first.events >= 40
    # Its centre is the planted corner, within a cell.
    dy = (first.lat - CLUSTER[0]) * 111_195
    dx = (first.lon - CLUSTER[1]) * 111_195 * math.cos(math.radians(CLUSTER[0]))
    assert math.hypot(dx, dy) < 100
    # The page's Gi* is the library's on the same counts and window.
    expected = gi_star(result.counts, window=distance_window(result.plane.grid, 200), alpha=0.05)
    np.testing.assert_allclose(result.gi.z, expected.z)
    assert result.gi.hot[np.unravel_index(np.argmax(result.counts), result.counts.shape)]
    # Density is offences per km²: integrated over the grid it gives back (nearly) the offences.
    cell_km2 = (result.cell_m / 1000) ** 2
    assert 90 <= result.density_km2.sum() * cell_km2 <= 100.0001


def test_the_page_and_the_api_show_the_same_figures(
    planted: None, users: dict[str, User], session_client: ClientFor
) -> None:
    client = session_client(users["regional_analyst_a"])
    query = {"area": "KZ-TA-D1", "date_from": "2025-05-01", "date_to": "2025-05-20"}
    query |= {"cell_m": "100", "bandwidth_m": "200", "alpha": "0.05"}
    page = client.get("/analytics/", query)
    assert page.status_code == 200
    api = client.get("/api/analytics/hotspots", query).json()
    assert (api["n_events"], api["n_located"], api["cell_m"]) == (101, 100, 100.0)
    assert sum(c["count"] for c in api["cells"]) == 100
    spot = api["hot_spots"][0]
    html = page.content.decode()
    assert f'<td class="strong">{spot["events"]}</td>' in html
    assert "100 of 101 offences have coordinates" in html
    assert 'id="hotspot-data"' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"cell_m": "10"}, "cell_m", "Must be between 25 and 5000."),
        ({"cell_m": "ten"}, "cell_m", "Enter a number."),
        ({"bandwidth_m": "-5"}, "bandwidth_m", "Must be between 25 and 20000."),
        ({"alpha": "0.2"}, "alpha", "The significance level must be one of: 0.01, 0.05, 0.1"),
        ({"date_from": "2025-05-10", "date_to": "2025-05-01"}, "date_to", "ends before it starts"),
        ({"date_from": "2025-13-01", "date_to": "2025-05-01"}, "date_from", "YYYY-MM-DD"),
        ({"date_from": "2025-05-01"}, "date_to", "Give both dates"),
        ({"kind": "felony"}, "kind", "Unknown offence kind: felony"),
    ],
)
def test_bad_settings_are_refused_with_the_field_and_the_reason(
    planted: None,
    users: dict[str, User],
    session_client: ClientFor,
    params: dict[str, str],
    field: str,
    message: str,
) -> None:
    client = session_client(users["national_analyst"])
    page = client.get("/analytics/", {"area": "KZ-TA-D1"} | params)
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.content.decode()
    assert message in page.content.decode()
    if params.get("cell_m") == "ten" or "13" in params.get("date_from", ""):
        return  # in the API a value of the wrong type is django-ninja's 422, below
    api = client.get("/api/analytics/hotspots", {"area": "KZ-TA-D1"} | params)
    assert api.status_code == 400
    error = api.json()["errors"][0]
    assert error["field"] == field and message in error["message"]


def test_a_wrong_type_is_a_422_in_the_api(
    planted: None, users: dict[str, User], session_client: ClientFor
) -> None:
    api = session_client(users["national_analyst"]).get("/api/analytics/hotspots", {"cell_m": "x"})
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "cell_m"


def test_too_fine_a_grid_for_the_area_says_which_cell_size_fits(
    lay_offences: LayOffences, users: dict[str, User]
) -> None:
    when = local(2025, 5, 3, 12)
    lay_offences([(43.0, 76.5, when, {}), (43.5, 77.3, when, {})])  # ~65 km apart
    client = Client()
    client.force_login(users["national_analyst"])
    page = client.get("/analytics/", {"area": "KZ-TA", "cell_m": "25"})
    assert page.status_code == 400
    assert "Choose cells of at least" in page.content.decode()
