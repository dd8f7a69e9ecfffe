"""The sector's passport holds its social map (issue 13 item 2): residents and households
counted on a date from a source (history kept, the latest shown), the places that matter with
their point inside the sector's district (on the map with their own colour), and the partners
of the sector's district. Bad input is refused by its field with nothing stored; an inspector
writes only in their own sector."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry
from senim.prevention import partnership, social_map
from senim.prevention.models import Place, PlaceKind, SectorPopulation
from tests.ops.conftest import make_user
from tests.prevention.conftest import TODAY
from tests.prevention.conftest import Place as World

pytestmark = pytest.mark.django_db


def count_form(world: World, **extra: Any) -> dict[str, str]:
    return {
        "sector": world.s1.code,
        "residents": "8200",
        "households": "2900",
        "as_of": (TODAY() - dt.timedelta(days=30)).isoformat(),
        "source": "akimat",
    } | {k: str(v) for k, v in extra.items()}


def place_form(world: World, **extra: Any) -> dict[str, str]:
    return {
        "sector": world.s1.code,
        "kind": "school",
        "name": "School-gymnasium No. 12",
        "address": "5 Satpayev street",
        "lat": f"{world.d1.lat + 0.001:.6f}",
        "lon": f"{world.d1.lon:.6f}",
        "contact": "director's office",
        "notes": "",
    } | {k: str(v) for k, v in extra.items()}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_place_kinds_are_reference_data_in_three_languages(db: Any) -> None:
    kinds = {k.code: k for k in PlaceKind.objects.all()}
    assert {"school", "licensed_premises", "market", "hostel", "transport_stop"} <= set(kinds)
    for kind in kinds.values():
        assert kind.name_kk and kind.name_ru and kind.name_en and kind.name_kk != kind.name_ru


def test_the_passport_shows_the_latest_count_places_on_the_map_and_the_district_partners(
    place: World,
) -> None:
    older = count_form(place, residents=7900, households=2800, source="statistics")
    older["as_of"] = (TODAY() - dt.timedelta(days=400)).isoformat()
    social_map.population_record(user=place.inspector, form=older)
    social_map.population_record(user=place.inspector, form=count_form(place))
    school = social_map.place_save(user=place.inspector, form=place_form(place))
    social_map.place_save(
        user=place.inspector,
        form=place_form(place, kind="licensed_premises", name="Bar Dostar", contact=""),
    )
    partnership.partner_add(
        user=place.inspector,
        form={"name": "Youth centre Zhastar", "kind": "ngo", "district": place.d1.code},
    )
    partnership.partner_add(
        user=place.admin,
        form={"name": "Other district NGO", "kind": "ngo", "district": place.d2.code},
    )
    page = _client(place.inspector).get(reverse("prevention-sector", args=[place.s1.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="kpi-residents">8200<' in body and 'id="kpi-households">2900<' in body
    assert len(page.context["social"].history) == 1
    assert "School-gymnasium No. 12" in body and "Bar Dostar" in body
    assert "Youth centre Zhastar" in body and "Other district NGO" not in body
    spec = page.context["map"]
    placed = [p for p in spec["points"] if p["kind"] == "place"]
    assert len(placed) == 2 and [school.lon, school.lat] in [p["value"] for p in placed]
    # The history is kept, newest first; each write is in the audit log with codes only.
    assert list(SectorPopulation.objects.values_list("residents", flat=True)) == [8200, 7900]
    logged = AuditEntry.objects.filter(model="prevention.Place", action="create")
    assert logged.count() == 2 and "Satpayev" not in json.dumps(logged.first().details)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"residents": "-5"}, "residents"),
        ({"residents": "0"}, "residents"),
        ({"residents": "300001"}, "residents"),
        ({"residents": "1e4"}, "residents"),
        ({"households": "9000"}, "households"),
        ({"households": ""}, "households"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"as_of": "31.12.2025"}, "as_of"),
        ({"source": "rumour"}, "source"),
        ({"note": "x" * 301}, "note"),
        ({"note": "bad\x07note"}, "note"),
        ({"sector": "NOPE"}, "sector"),
    ],
)
def test_bad_counts_are_refused_by_their_field(
    place: World, change: dict[str, str], field: str
) -> None:
    with pytest.raises(Invalid) as error:
        social_map.population_record(user=place.inspector, form=count_form(place) | change)
    assert error.value.field == field and not SectorPopulation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "casino_royale"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": "School\x00"}, "name"),
        ({"address": ""}, "address"),
        ({"contact": "c" * 201}, "contact"),
        ({"notes": "n" * 2001}, "notes"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "60.0"}, "lat"),
        ({"lon": "nan"}, "lon"),
    ],
)
def test_bad_places_are_refused_by_their_field(
    place: World, change: dict[str, str], field: str
) -> None:
    with pytest.raises(Invalid) as error:
        social_map.place_save(user=place.inspector, form=place_form(place) | change)
    assert error.value.field == field and not Place.objects.exists()


def test_a_place_outside_the_sectors_district_is_refused(place: World) -> None:
    d2_point = {"lat": f"{place.d2.lat:.6f}", "lon": f"{place.d2.lon:.6f}"}
    with pytest.raises(Invalid, match="outside the sector's district"):
        social_map.place_save(user=place.inspector, form=place_form(place, **d2_point))
    assert not Place.objects.exists()


def test_a_place_is_changed_on_its_page_and_keeps_its_sector(place: World) -> None:
    school = social_map.place_save(user=place.inspector, form=place_form(place))
    client = _client(place.inspector)
    url = reverse("prevention-place", args=[school.pk])
    assert client.get(url).status_code == 200
    changed = place_form(place, name="Lyceum No. 12", sector=place.s2.code) | {"action": "edit"}
    assert client.post(url, changed).status_code == 302
    school.refresh_from_db()
    assert school.name == "Lyceum No. 12" and school.sector_id == place.s1.pk
    bad = client.post(url, place_form(place, kind="unknown") | {"action": "edit"})
    assert bad.status_code == 422 and b'data-field="kind"' in bad.content
    school.refresh_from_db()
    assert school.kind.code == "school"


def test_an_inspector_writes_only_in_their_sector_and_sees_only_their_places(
    place: World,
) -> None:
    """Scope: the colleague's sector next door (same district) and another district are refused
    by code; another sector's place reads as unknown, on the page and in the service."""
    theirs = social_map.place_save(
        user=place.colleague,
        form=place_form(place, sector=place.s1b.code, name="Hostel of the college"),
    )
    client = _client(place.inspector)
    for sector in (place.s1b, place.s2):
        refused = client.post(
            reverse("prevention-place-new"), place_form(place, sector=sector.code)
        )
        assert refused.status_code == 403, sector.code
        with pytest.raises(Forbidden):
            social_map.population_record(
                user=place.inspector, form=count_form(place, sector=sector.code)
            )
        page = client.post(reverse("prevention-population", args=[sector.code]), count_form(place))
        assert page.status_code == 404
    with pytest.raises(NotFound):
        social_map.place_save(user=place.inspector, form=place_form(place), pk=theirs.pk)
    edit = client.post(
        reverse("prevention-place", args=[theirs.pk]), place_form(place) | {"action": "edit"}
    )
    assert edit.status_code == 404
    assert client.get(reverse("prevention-place", args=[theirs.pk])).status_code == 404
    assert list(Place.objects.values_list("name", flat=True)) == ["Hostel of the college"]
    assert not SectorPopulation.objects.exists()
    listing = client.get(reverse("prevention-places")).content.decode()
    assert "Hostel of the college" not in listing
    # The district's duty officer has no prevention role at all.
    assert _client(place.duty).get(reverse("prevention-places")).status_code == 403
    denied = _client(place.duty).post(reverse("prevention-place-new"), place_form(place))
    assert denied.status_code == 403 and Place.objects.count() == 1
    # The form in order is taken, so the refusals above are the territory's.
    assert client.post(reverse("prevention-place-new"), place_form(place)).status_code == 302
    own = client.post(reverse("prevention-population", args=[place.s1.code]), count_form(place))
    assert own.status_code == 302 and SectorPopulation.objects.count() == 1


def test_the_places_list_filters_searches_and_pages_by_50(place: World) -> None:
    kind = PlaceKind.objects.get(code="transport_stop")
    Place.objects.bulk_create(
        Place(
            region=place.almaty,
            district=place.d1,
            sector=place.s1,
            kind=kind,
            name=f"Stop {n:03d}",
            address="Abai avenue",
            lat=place.d1.lat,
            lon=place.d1.lon,
        )
        for n in range(60)
    )
    social_map.place_save(user=place.inspector, form=place_form(place))
    client = _client(place.inspector)
    first = client.get(reverse("prevention-places"))
    assert (
        len(first.context["page"].object_list) == 50 and first.context["page"].paginator.count == 61
    )
    assert (
        client.get(reverse("prevention-places"), {"kind": "school"}).context["page"].paginator.count
        == 1
    )
    found = client.get(reverse("prevention-places"), {"q": "Stop 05"}).context["page"]
    assert found.paginator.count == 10


def test_a_regional_user_without_a_sector_chooses_any_sector_of_the_region(place: World) -> None:
    other = make_user(
        "insp9", "district_inspector", region=place.almaty, district=place.d2, sector=place.s2
    )
    assert social_map.places(other).count() == 0
    row = social_map.population_record(
        user=place.admin, form=count_form(place, sector=place.s2.code)
    )
    assert row.district_id == place.d2.pk
