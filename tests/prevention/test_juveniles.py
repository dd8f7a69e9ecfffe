"""Juveniles (issue 13 item 8; seed 003 lines 9 and 23): officers assigned to schools (one at a
time, serving in the school's territory), programmes run with a partner or a school, and the
children they reach recorded as counts per period, age band and sex — never names. The summary
of a year's children by region is seen by analysts and commanders within their territory. Bad
input is refused by its field with nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Officer, Region, Unit
from senim.prevention import juveniles, partnership, social_map
from senim.prevention.models import Programme, ProgrammeKind, Reach, SchoolAssignment
from tests.ops.conftest import make_user
from tests.prevention.conftest import TODAY
from tests.prevention.conftest import Place as World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _officer(badge: str, region: Region, district: District | None) -> Officer:
    unit = Unit.objects.create(
        kind="district_department" if district else "regional_department",
        name_kk="Бөлім",
        name_ru="Отдел",
        name_en="Unit",
        region=region,
        district=district,
    )
    return Officer.objects.create(badge_number=badge, unit=unit, position="inspector")


def _school(world: World, sector: Any = None, name: str = "School No. 7") -> Any:
    sector = sector or world.s1
    return social_map.place_save(
        user=world.admin,
        form={
            "sector": sector.code,
            "kind": "school",
            "name": name,
            "address": "1 Abai avenue",
            "lat": f"{sector.district.lat + 0.001:.6f}",
            "lon": f"{sector.district.lon:.6f}",
        },
    )


def _day(days: int) -> str:
    return (TODAY() + dt.timedelta(days=days)).isoformat()


def programme_form(world: World, at: Any, **extra: Any) -> dict[str, str]:
    return {
        "name": "Young inspectors' club",
        "kind": "mentoring",
        "district": world.d1.code,
        "school": str(at.pk),
        "starts_on": f"{TODAY().year - 1}-09-01",
        "ends_on": "",
        "description": "Weekly meetings after lessons.",
    } | {k: str(v) for k, v in extra.items()}


def reach_form(**extra: Any) -> dict[str, str]:
    year = TODAY().year - 1
    return {
        "period_start": f"{year}-09-01",
        "period_end": f"{year}-12-31",
        "age_band": "11_14",
        "sex": "f",
        "children": "35",
    } | {k: str(v) for k, v in extra.items()}


def test_the_programme_kinds_are_reference_data_in_three_languages(db: Any) -> None:
    kinds = {k.code: k for k in ProgrammeKind.objects.all()}
    assert {"mentoring", "sport", "prevention"} <= set(kinds)
    assert all(k.name_kk and k.name_ru and k.name_en for k in kinds.values())


def test_one_officer_of_the_territory_is_assigned_to_a_school_at_a_time(place: World) -> None:
    school = _school(place)
    mine = _officer("75-90001", place.almaty, place.d1)
    next_one = _officer("75-90002", place.almaty, None)  # the city's department: any district
    juveniles.assignment_add(
        user=place.inspector,
        pk=school.pk,
        form={"officer": mine.badge_number, "starts_on": _day(-100)},
    )
    # While the first is open, nobody else; after it ends, the next one from the day after.
    with pytest.raises(Invalid) as clash:
        juveniles.assignment_add(
            user=place.inspector,
            pk=school.pk,
            form={"officer": next_one.badge_number, "starts_on": _day(-10)},
        )
    assert clash.value.field == "starts_on"
    first = SchoolAssignment.objects.get()
    juveniles.assignment_end(
        user=place.inspector, pk=school.pk, form={"assignment": first.pk, "ends_on": _day(-11)}
    )
    juveniles.assignment_add(
        user=place.inspector,
        pk=school.pk,
        form={"officer": next_one.badge_number, "starts_on": _day(-10)},
    )
    # A dated assignment inside the first one's term overlaps too.
    with pytest.raises(Invalid, match="Another officer"):
        juveniles.assignment_add(
            user=place.inspector,
            pk=school.pk,
            form={"officer": mine.badge_number, "starts_on": _day(-50), "ends_on": _day(-40)},
        )
    assert SchoolAssignment.objects.count() == 2
    page = _client(place.inspector).get(reverse("prevention-sector", args=[place.s1.code]))
    assert "#75-90002" in page.content.decode()
    schools = _client(place.inspector).get(reverse("prevention-schools")).content.decode()
    assert "#75-90002" in schools and "School No. 7" in schools


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"officer": ""}, "officer"),
        ({"officer": "NO-SUCH"}, "officer"),
        ({"officer": "71-00001"}, "officer"),  # serves in Astana
        ({"officer": "75-00002"}, "officer"),  # serves in the next district
        ({"officer": "75-0\x001"}, "officer"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"starts_on": _day(400)}, "starts_on"),
        ({"ends_on": _day(-200)}, "ends_on"),
    ],
)
def test_bad_assignments_are_refused_by_their_field(
    place: World, change: dict[str, str], field: str
) -> None:
    school = _school(place)
    _officer("75-00001", place.almaty, place.d1)
    _officer("75-00002", place.almaty, place.d2)
    astana = Region.objects.get(iso="KZ-71")
    _officer("71-00001", astana, District.objects.filter(region=astana).first())
    form = {"officer": "75-00001", "starts_on": _day(-100)} | change
    with pytest.raises(Invalid) as error:
        juveniles.assignment_add(user=place.inspector, pk=school.pk, form=form)
    assert error.value.field == field and not SchoolAssignment.objects.exists()


def test_officers_are_assigned_only_to_schools_of_ones_own_sector(place: World) -> None:
    """Scope: the colleague's school next door reads as unknown; a market is not a school."""
    theirs = _school(place, place.s1b, "School No. 9")
    market = social_map.place_save(
        user=place.admin,
        form={
            "sector": place.s1.code,
            "kind": "market",
            "name": "Bazaar",
            "address": "2 Abai avenue",
            "lat": f"{place.d1.lat:.6f}",
            "lon": f"{place.d1.lon:.6f}",
        },
    )
    officer = _officer("75-00001", place.almaty, place.d1)
    form = {"officer": officer.badge_number, "starts_on": _day(-1)}
    for target in (theirs, market):
        with pytest.raises(NotFound):
            juveniles.assignment_add(user=place.inspector, pk=target.pk, form=form)
    client = _client(place.inspector)
    response = client.post(
        reverse("prevention-place", args=[theirs.pk]), form | {"action": "assign"}
    )
    assert response.status_code == 404 and not SchoolAssignment.objects.exists()
    assert client.get(reverse("prevention-place", args=[theirs.pk])).status_code == 404
    # The colleague assigns at their own school.
    ok = _client(place.colleague).post(
        reverse("prevention-place", args=[theirs.pk]), form | {"action": "assign"}
    )
    assert ok.status_code == 302 and SchoolAssignment.objects.count() == 1


def test_a_programme_runs_with_a_partner_or_a_school_and_records_its_reach(place: World) -> None:
    school = _school(place)
    client = _client(place.inspector)
    opened = client.post(reverse("prevention-programme-new"), programme_form(place, school))
    assert opened.status_code == 302
    programme = Programme.objects.get()
    url = reverse("prevention-programme", args=[programme.pk])
    assert client.post(url, reach_form()).status_code == 302
    assert client.post(url, reach_form(sex="m", children=40)).status_code == 302
    year = TODAY().year - 1
    assert (
        client.post(
            url,
            reach_form(
                period_start=f"{year}-09-01", period_end=f"{year}-10-31", sex="u", age_band="15_17"
            ),
        ).status_code
        == 302
    )
    page = client.get(url)
    assert page.status_code == 200 and page.context["totals"]["total"] == 35 + 40 + 35
    listing = client.get(reverse("prevention-programmes"), {"q": "club"})
    assert listing.context["page"].paginator.count == 1
    assert listing.context["page"].object_list[0].children == 110
    assert (
        client.get(reverse("prevention-programmes"), {"kind": "sport"})
        .context["page"]
        .paginator.count
        == 0
    )
    # The passport of the school's sector counts the district's running programmes and the
    # children of this year's periods (the ones above are last year's).
    passport = client.get(reverse("prevention-sector", args=[place.s1.code])).context["social"]
    assert (passport.programmes, passport.reached) == (1, 0)
    # No personal data: the reach table has counts, no names or identifiers.
    names = {f.name for f in Reach._meta.get_fields()}
    assert not names & {"name", "iin", "person", "birth_date", "child"}
    # With a partner only, no school.
    partner = partnership.partner_add(
        user=place.inspector,
        form={"name": "Sports school Zhuldyz", "kind": "ngo", "district": place.d1.code},
    )
    juveniles.programme_open(
        user=place.inspector,
        form=programme_form(place, school, school="", partner=partner.pk, kind="sport"),
    )
    assert Programme.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": "Club\x1b"}, "name"),
        ({"kind": "chess"}, "kind"),
        ({"district": "NOPE"}, "district"),
        ({"school": "", "partner": ""}, "partner"),
        ({"school": "999999"}, "school"),
        ({"partner": "999999"}, "partner"),
        ({"starts_on": "yesterday"}, "starts_on"),
        ({"starts_on": _day(400)}, "starts_on"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"description": "d" * 2001}, "description"),
    ],
)
def test_bad_programmes_are_refused_by_their_field(
    place: World, change: dict[str, str], field: str
) -> None:
    school = _school(place)
    with pytest.raises(Invalid) as error:
        juveniles.programme_open(user=place.inspector, form=programme_form(place, school) | change)
    assert error.value.field == field and not Programme.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"children": "-3"}, "children"),
        ({"children": "0"}, "children"),
        ({"children": "2001"}, "children"),
        ({"children": "12.5"}, "children"),
        ({"age_band": "0_99"}, "age_band"),
        ({"sex": "x"}, "sex"),
        ({"period_end": _day(3)}, "period_end"),
        ({"period_start": _day(2), "period_end": _day(3)}, "period_start"),
        (
            {
                "period_start": f"{TODAY().year - 1}-12-01",
                "period_end": f"{TODAY().year - 1}-11-01",
            },
            "period_end",
        ),
        ({"period_start": f"{TODAY().year - 2}-12-01"}, "period_end"),  # spans two years
        ({"period_start": f"{TODAY().year - 1}-08-01"}, "period_start"),  # before the programme
    ],
)
def test_bad_reach_is_refused_by_its_field(
    place: World, change: dict[str, str], field: str
) -> None:
    school = _school(place)
    programme = juveniles.programme_open(user=place.inspector, form=programme_form(place, school))
    with pytest.raises(Invalid) as error:
        juveniles.reach_record(user=place.inspector, pk=programme.pk, form=reach_form() | change)
    assert error.value.field == field and not Reach.objects.exists()


def test_the_same_children_are_not_counted_twice_in_overlapping_dates(place: World) -> None:
    school = _school(place)
    programme = juveniles.programme_open(
        user=place.inspector,
        form=programme_form(place, school, ends_on=f"{TODAY().year - 1}-11-30"),
    )
    year = TODAY().year - 1
    with pytest.raises(Invalid, match="after the programme ends"):
        juveniles.reach_record(user=place.inspector, pk=programme.pk, form=reach_form())
    juveniles.reach_record(
        user=place.inspector, pk=programme.pk, form=reach_form(period_end=f"{year}-10-31")
    )
    with pytest.raises(Invalid) as error:
        juveniles.reach_record(
            user=place.inspector,
            pk=programme.pk,
            form=reach_form(period_start=f"{year}-10-01", period_end=f"{year}-11-30"),
        )
    assert error.value.field == "period_start" and Reach.objects.count() == 1


def test_programmes_and_reach_stay_in_the_district(place: World) -> None:
    """Scope: another district's programme reads as unknown; a school of a colleague's sector
    or a partner of another district cannot be named; another district is refused by code."""
    d2_inspector = make_user(
        "insp3", "district_inspector", region=place.almaty, district=place.d2, sector=place.s2
    )
    their_school = _school(place, place.s2, "School No. 40")
    theirs = juveniles.programme_open(
        user=d2_inspector, form=programme_form(place, their_school, district=place.d2.code)
    )
    juveniles.reach_record(user=d2_inspector, pk=theirs.pk, form=reach_form())
    colleague_school = _school(place, place.s1b, "School No. 9")
    d2_partner = partnership.partner_add(
        user=d2_inspector, form={"name": "Club of d2", "kind": "ngo", "district": place.d2.code}
    )
    own_school = _school(place)
    with pytest.raises(Forbidden):
        juveniles.programme_open(
            user=place.inspector, form=programme_form(place, own_school, district=place.d2.code)
        )
    with pytest.raises(Invalid) as error:
        juveniles.programme_open(user=place.inspector, form=programme_form(place, colleague_school))
    assert error.value.field == "school"
    with pytest.raises(Invalid) as error:
        juveniles.programme_open(
            user=place.inspector,
            form=programme_form(place, own_school, school="", partner=d2_partner.pk),
        )
    assert error.value.field == "partner"
    client = _client(place.inspector)
    refused = client.post(
        reverse("prevention-programme-new"),
        programme_form(place, own_school, district=place.d2.code),
    )
    assert refused.status_code == 403
    with pytest.raises(NotFound):
        juveniles.reach_record(user=place.inspector, pk=theirs.pk, form=reach_form(sex="m"))
    response = client.post(reverse("prevention-programme", args=[theirs.pk]), reach_form(sex="m"))
    assert response.status_code == 404
    assert client.get(reverse("prevention-programme", args=[theirs.pk])).status_code == 404
    assert list(Programme.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert Reach.objects.count() == 1
    # A role without prevention (the duty officer) may not open one at all.
    denied = _client(place.duty).post(
        reverse("prevention-programme-new"), programme_form(place, own_school)
    )
    assert denied.status_code == 403 and Programme.objects.count() == 1
    # The form in order is taken.
    assert (
        client.post(
            reverse("prevention-programme-new"), programme_form(place, own_school)
        ).status_code
        == 302
    )


def test_the_summary_counts_a_years_children_by_region_within_the_territory(place: World) -> None:
    school = _school(place)
    programme = juveniles.programme_open(user=place.inspector, form=programme_form(place, school))
    juveniles.reach_record(user=place.inspector, pk=programme.pk, form=reach_form())
    juveniles.reach_record(
        user=place.inspector, pk=programme.pk, form=reach_form(sex="m", children=20)
    )
    astana = Region.objects.get(iso="KZ-71")
    astana_district = District.objects.filter(region=astana).order_by("code").first()
    assert astana_district is not None
    partner = partnership.partner_add(
        user=place.admin,
        form={"name": "Astana youth", "kind": "ngo", "district": astana_district.code},
    )
    far = juveniles.programme_open(
        user=place.admin,
        form=programme_form(
            place,
            school,
            school="",
            partner=partner.pk,
            district=astana_district.code,
            kind="sport",
        ),
    )
    juveniles.reach_record(user=place.admin, pk=far.pk, form=reach_form(children=100))
    year = TODAY().year - 1
    national = juveniles.children_reached(place.analyst, year)
    assert national.total == 155 and [r.region.iso for r in national.regions] == ["KZ-71", "KZ-75"]
    almaty = national.regions[1]
    assert almaty.by_sex == {"f": 35, "m": 20} and almaty.by_kind == {"mentoring": 55}
    assert almaty.programmes == 1
    regional = make_user("ra", "regional_analyst", region=place.almaty)
    assert juveniles.children_reached(regional, year).total == 55
    assert juveniles.children_reached(place.analyst, year - 1).total == 0
    page = _client(regional).get(reverse("prevention-reached"), {"year": year})
    assert page.status_code == 200 and 'id="kpi-total">55<' in page.content.decode()
    commander = make_user("boss", "supervisor", region=place.almaty)
    assert _client(commander).get(reverse("prevention-reached")).status_code == 200
    prosecutor = make_user("pros", "prosecutor", region=place.almaty)
    assert _client(prosecutor).get(reverse("prevention-reached")).status_code == 403
    for bad in ("20x5", "1999", str(TODAY().year + 1)):
        assert (
            _client(regional).get(reverse("prevention-reached"), {"year": bad}).status_code == 422
        )


def test_the_programme_list_pages_by_50(place: World) -> None:
    school = _school(place)
    kind = ProgrammeKind.objects.get(code="sport")
    Programme.objects.bulk_create(
        Programme(
            name=f"Football {n:02d}",
            kind=kind,
            region=place.almaty,
            district=place.d1,
            school=school,
            starts_on=TODAY() - dt.timedelta(days=n),
        )
        for n in range(55)
    )
    client = _client(place.inspector)
    page = client.get(reverse("prevention-programmes")).context["page"]
    assert len(page.object_list) == 50 and page.paginator.count == 55
    assert client.get(reverse("prevention-programmes"), {"page": 2}).context["page"].number == 2
    running = client.get(reverse("prevention-programmes"), {"status": "ended"}).context["page"]
    assert running.paginator.count == 0


def test_the_new_choices_speak_kazakh_and_russian(db: Any) -> None:
    from django.utils import translation

    from senim.prevention.models import AgeBand, PopulationSource, ReachSex

    for choices in (AgeBand, ReachSex, PopulationSource):
        for value, label in choices.choices:
            with translation.override("en"):
                english = str(label)
            with translation.override("kk"):
                kazakh = str(label)
            with translation.override("ru"):
                russian = str(label)
            assert kazakh != russian, value
            if not english[0].isdigit():
                assert kazakh != english and russian != english, value
