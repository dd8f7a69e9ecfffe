"""The repeats page, a repeat place's page and a person's page: the figures are a hand count of
a small register (tests/analysis/repeats_fixture.py); people only for person-level roles, every
list of them audit-logged; CSV without names or identifiers; bad input a clear 400, not a 500."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from senim.analysis import repeats as rp
from senim.analytics.indicators import Period
from senim.core.models import AuditEntry, User
from tests.analysis.repeats_fixture import Repeats, lay_repeats, query
from tests.register.conftest import Territory

URL = "/analytics/repeats/"


@pytest.fixture
def fixture(territory: Territory) -> Repeats:
    return lay_repeats(territory)


def _get(client: Any, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def _csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- the service: hand counts ------------------------------------------------------------------


def test_the_service_counts_repeat_places_and_people_by_hand(
    fixture: Repeats, users: dict[str, User]
) -> None:
    from senim.analysis import areas

    user = users["national_analyst"]
    area = areas.resolve(user, "KZ-TA-D1")
    period = Period(*(__import__("datetime").date(2025, 3, d) for d in (1, 31)))
    places = rp.repeat_places_of(user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS)
    assert (places.n_events, places.n_located) == (10, 9)
    assert [p.events for p in places.places] == [4, 2]
    a, b = places.places
    assert a.key == fixture.place_a_key
    assert set(a.offence_ids) == {o.pk for o in fixture.place_a}
    assert a.offence_ids[0] == fixture.place_a[-1].pk  # newest first
    assert (a.first.day, a.last.day, b.first.day, b.last.day) == (2, 10, 3, 20)
    assert places.events_at_repeat_places == 6
    assert places.share_of_located == pytest.approx(6 / 9)
    # Exactly the same point only: the offence ~10 m away is its own place.
    strict = rp.repeat_places_of(
        user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS, radius_m=0.0
    )
    assert [p.events for p in strict.places] == [3, 2]
    # With administrative offences, place A has five.
    every = rp.repeat_places_of(
        user=user, area=area, period=period, kinds=("crime", "administrative")
    )
    assert [p.events for p in every.places] == [5, 2]

    victims = rp.repeat_people_of(
        user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS, group="victims",
        with_people=True,
    )  # fmt: skip
    assert (victims.n_people, victims.n_links, victims.n_repeat, victims.repeat_links) == (
        2, 4, 1, 3,
    )  # fmt: skip
    assert victims.people[0].person_id == fixture.v1.pk and victims.people[0].events == 3
    offenders = rp.repeat_people_of(
        user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS, group="offenders",
        with_people=True,
    )  # fmt: skip
    # O1 is suspect and offender of one offence: two offences, not three.
    assert (offenders.n_people, offenders.n_links, offenders.n_repeat) == (2, 3, 1)
    assert offenders.people[0].person_id == fixture.o1.pk and offenders.people[0].events == 2
    assert offenders.people[0].offence_ids == (fixture.place_b[1].pk, fixture.place_a[0].pk)
    hidden = rp.repeat_people_of(
        user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS, group="victims"
    )
    assert hidden.people == () and hidden.n_repeat == 1

    knox = rp.near_repeats(
        user=user, area=area, period=period, kinds=rp.DEFAULT_KINDS,
        space_edges_m=(0.0, 100.0), time_edges_days=(0.0, 7.0), permutations=19,
    )  # fmt: skip
    # Place A's days 2, 5, 9, 10: pairs 3, 4, 5 and 1 days apart are under 7 days.
    assert knox.knox.observed.tolist() == [[4]]
    assert knox.n_located == 9


# --- the page ----------------------------------------------------------------------------------


def test_an_analyst_sees_places_how_many_people_repeat_and_the_knox_table_but_not_who(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    status, body = _get(session_client(users["national_analyst"]), f"{URL}?{query()}")
    assert status == 200
    assert 'id="repeat-places-table"' in body and 'id="knox-table"' in body
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th><td class=\"strong\">(\d+)</td>", body)
    assert rows == [("1", "4"), ("2", "2")]
    assert f"/analytics/repeats/places/{fixture.place_a_key}/?" in body
    assert "1 of 2 victims were victims of at least 2 offences: 3 of 4 victimisations." in body
    assert "1 of 2 identified suspects and offenders took part in at least 2 offences" in body
    assert "Who they are is shown only to roles that work with person-level data." in body
    assert "P-0" not in body and "/analytics/repeats/people/" not in body
    assert not AuditEntry.objects.filter(model="core.Person", action="read").exists()
    assert 'class="analysis-tabs__link is-active">Repeats<' in body


def test_a_person_level_role_sees_pseudonyms_and_each_list_shown_is_audited(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    prosecutor = users["prosecutor_a"]
    status, body = _get(session_client(prosecutor), f"{URL}?{query()}")
    assert status == 200
    assert f"P-{fixture.v1.pk:08d}" in body and f"P-{fixture.o1.pk:08d}" in body
    assert f"P-{fixture.v2.pk:08d}" not in body  # one victimisation: not a repeat
    assert f"/analytics/repeats/people/{fixture.v1.pk}/?" in body
    reads = list(AuditEntry.objects.filter(model="core.Person", action="read").order_by("seq"))
    assert [e.details["people"] for e in reads] == [[fixture.v1.pk], [fixture.o1.pk]]
    assert all(e.actor == prosecutor.username for e in reads)
    assert reads[0].details["purpose"] == "repeat victims of KZ-TA-D1"


def test_a_repeat_place_page_lists_its_records_linked_to_the_register(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    client = session_client(users["national_analyst"])
    status, body = _get(client, f"{URL}places/{fixture.place_a_key}/?{query()}")
    assert status == 200
    assert "Repeat place No. 1" in body
    for offence in fixture.place_a:
        assert f'href="/register/offences/{offence.pk}/"' in body
    assert f"/register/offences/{fixture.administrative.pk}/" not in body
    # Another place's offence does not name a repeat place; nor does a place of other settings.
    status, body = _get(client, f"{URL}places/{fixture.singles[0].pk}/?{query()}")
    assert status == 404 and "No repeat place with this offence" in body
    status, _ = _get(client, f"{URL}places/{fixture.place_a_key}/?{query(radius_m='0')}")
    assert status == 200  # still the smallest id of the three at the very same point
    # A role that does not open the register sees the numbers, not links.
    monitor = session_client(users["npm_monitor"])
    status, body = _get(monitor, f"{URL}places/{fixture.place_a_key}/?{query()}")
    assert status == 200 and "/register/offences/" not in body
    assert fixture.place_a[0].external_id in body


def test_a_person_page_is_for_person_level_roles_and_is_audited(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    url = f"{URL}people/{fixture.o1.pk}/?{query(group='offenders')}"
    status, _ = _get(session_client(users["national_analyst"]), url)
    assert status == 403
    prosecutor = users["prosecutor_a"]
    client = session_client(prosecutor)
    status, body = _get(client, url)
    assert status == 200
    assert f"P-{fixture.o1.pk:08d}" in body
    assert f'href="/register/offences/{fixture.place_a[0].pk}/"' in body
    assert f'href="/register/offences/{fixture.place_b[1].pk}/"' in body
    assert "As a suspect or offender" in body and "<dd>16</dd>" in body  # age on 20 March 2025
    entry = AuditEntry.objects.filter(model="core.Person", action="read").latest("seq")
    assert entry.object_pk == str(fixture.o1.pk) and entry.actor == prosecutor.username
    # A person with no offence in this role, area and period is not found (nor told apart).
    status, body = _get(client, f"{URL}people/{fixture.v2.pk}/?{query(group='offenders')}")
    assert status == 404 and "No offences of this person" in body
    status, _ = _get(client, f"{URL}people/999999/?{query(group='victims')}")
    assert status == 404
    status, body = _get(client, f"{URL}people/{fixture.o1.pk}/?{query(group='thieves')}")
    assert status == 400 and "Choose victims or offenders." in body


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_downloads_hold_the_tables_without_names_or_identifiers(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    analyst = session_client(users["national_analyst"])
    response = analyst.get(f"{URL}?{query(format='csv', table='places')}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "senim-repeats-places-KZ-TA-D1" in response["Content-Disposition"]
    rows = _csv(response.content)
    assert rows[0] == ["Rank", "Offences", "Latitude", "Longitude", "First", "Last"]
    assert [r[:2] for r in rows[1:]] == [["1", "4"], ["2", "2"]]
    assert rows[2][4:] == ["2025-03-03", "2025-03-20"]

    response = analyst.get(
        f"{URL}?{query(format='csv', table='knox', space_m='0,100,500', time_days='0,7,14')}"
    )
    rows = _csv(response.content)
    assert rows[0][:5] == ["Distance from, m", "Distance to, m", "Days from", "Days to",
                           "Pairs observed"]  # fmt: skip
    assert len(rows) == 1 + 2 * 2
    assert rows[1][:5] == ["0", "100", "0", "7", "4"]

    assert analyst.get(f"{URL}?{query(format='csv', table='victims')}").status_code == 403

    prosecutor = users["prosecutor_a"]
    response = session_client(prosecutor).get(f"{URL}?{query(format='csv', table='victims')}")
    assert response.status_code == 200
    rows = _csv(response.content)
    assert rows == [
        ["Person (pseudonym)", "Offences", "First", "Last"],
        [f"P-{fixture.v1.pk:08d}", "3", "2025-03-02", "2025-03-05"],
    ]
    export = AuditEntry.objects.filter(model="core.Person", action="export").get()
    assert export.details["people"] == [fixture.v1.pk] and export.actor == prosecutor.username


# --- bad input and scope -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"radius_m": "500"}, "radius_m", "Must be between 0 and 100."),
        ({"radius_m": "ten"}, "radius_m", "Enter a number."),
        ({"min_events": "1"}, "min_events", "Must be a whole number between 2 and 1000."),
        ({"min_events": "2.5"}, "min_events", "Must be a whole number between 2 and 1000."),
        ({"permutations": "5"}, "permutations", "Must be a whole number between 19 and 999."),
        ({"space_m": "0,a"}, "space_m", "Write the band edges as numbers separated by commas"),
        ({"space_m": "100,50"}, "space_m", "Band edges must increase from one to the next."),
        ({"space_m": "0,5000"}, "space_m", "Every band edge must be between 0 and 2000."),
        ({"space_m": "0"}, "space_m", "Give between 2 and 11 band edges."),
        ({"time_days": ",".join(str(d) for d in range(13))}, "time_days", "Give between 2 and 11"),
        ({"time_days": "0,400"}, "time_days", "Every band edge must be between 0 and 365."),
        ({"date_to": "2025-02-01"}, "date_to", "The period ends before it starts."),
        ({"date_from": "2020-01-01"}, "date_from", "The period is too long"),
        ({"date_from": "1 March"}, "date_from", "Write the date as YYYY-MM-DD."),
        ({"kind": "theft"}, "kind", "Unknown offence kind: theft"),
        ({"places_page": "9"}, "places_page", "There is no page 9: the list has 1."),
        ({"places_page": "x"}, "places_page", "The page is a whole number from 1."),
    ],
)
def test_bad_input_is_a_clear_400_next_to_the_form(
    fixture: Repeats,
    users: dict[str, User],
    session_client: Any,
    extra: dict[str, str],
    field: str,
    message: str,
) -> None:
    status, body = _get(session_client(users["national_analyst"]), f"{URL}?{query(**extra)}")
    assert status == 400
    assert f'data-field="{field}"' in body and message in body


def test_bad_exports_are_plain_400s(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    client = session_client(users["national_analyst"])
    for extra, message in [
        ({"format": "xlsx", "table": "places"}, "Unknown export format."),
        ({"format": "csv", "table": "people"}, "Choose which table to download."),
        ({"format": "csv", "table": "knox", "permutations": "5"}, "between 19 and 999"),
    ]:
        response = client.get(f"{URL}?{query(**extra)}")
        assert response.status_code == 400 and message in response.content.decode()


def test_territory_outside_the_scope_is_refused_and_unknown_one_is_404(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    status, body = _get(session_client(users["regional_analyst_b"]), f"{URL}?{query()}")
    assert status == 403
    status, _ = _get(session_client(users["duty_officer_b"]), f"{URL}?{query()}")
    assert status == 403
    status, body = _get(session_client(users["national_analyst"]), f"{URL}?{query('KZ-NOPE')}")
    assert status == 404 and "No such territory: KZ-NOPE" in body
    response = session_client(users["regional_analyst_b"]).get(
        f"{URL}?{query(format='csv', table='places')}"
    )
    assert response.status_code == 403
    # The region holds district D2's offence at place A's point too.
    status, body = _get(session_client(users["regional_analyst_a"]), f"{URL}?{query('KZ-TA')}")
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th><td class=\"strong\">(\d+)</td>", body)
    assert status == 200 and rows == [("1", "5"), ("2", "2")]


def test_a_knox_test_too_large_says_how_to_narrow_it_and_the_rest_of_the_page_stands(
    fixture: Repeats, users: dict[str, User], session_client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(rp, "MAX_KNOX_COMPARISONS", 500)
    status, body = _get(session_client(users["national_analyst"]), f"{URL}?{query()}")
    assert status == 200 and 'id="repeat-places-table"' in body
    assert "Too many pairs for the near-repeat test: 7 pairs" in body
    assert "400 m of each other, and 100 runs would compare them 700 times" in body
    assert "At most 70 permutations fit these pairs." in body
    assert 'id="knox-table"' not in body


def test_an_empty_period_is_said_calmly(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    client = session_client(users["national_analyst"])
    status, body = _get(client, f"{URL}?{query(date_from='2024-01-01', date_to='2024-01-31')}")
    assert status == 200 and "No offences in this area and period." in body


def test_a_refused_page_number_logs_no_list_of_people(
    fixture: Repeats, users: dict[str, User], session_client: Any
) -> None:
    client = session_client(users["prosecutor_a"])
    status, body = _get(client, f"{URL}?{query(offenders_page='5')}")
    assert status == 400 and 'data-field="offenders_page"' in body
    assert not AuditEntry.objects.filter(model="core.Person", action="read").exists()
