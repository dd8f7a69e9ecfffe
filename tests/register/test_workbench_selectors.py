"""The workbench's reads: each filter narrows, scope holds, keyset pages visit every row once."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from senim.core.errors import Forbidden, Invalid
from senim.core.models import Person, User
from senim.register import selectors
from senim.register.models import Appeal, Grade, Offence, OffenceParty
from tests.register.conftest import WHEN, Territory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def ids(user: User, what: selectors.Kind, **params: Any) -> set[int]:
    query = selectors.parse_query(what, params)
    return set(selectors.filtered(user, query).values_list("id", flat=True))


def walk(user: User, what: selectors.Kind, limit: int) -> list[list[int]]:
    """Every page from the newest to the oldest, by following `next_cursor`."""
    qs = selectors.filtered(user, selectors.parse_query(what, {}))
    pages: list[list[int]] = []
    cursor = None
    while True:
        page = selectors.page(qs, what, cursor, limit)
        pages.append([r.pk for r in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = selectors.Cursor.decode(page.next_cursor)


@pytest.fixture
def grade() -> Grade:
    return Grade.objects.update_or_create(
        code="t-urgent",
        defaults={"name_kk": "Жедел", "name_ru": "Срочный", "name_en": "Urgent", "rank": 90},
    )[0]


def test_each_appeal_filter_narrows_the_list(
    territory: Territory, users: dict[str, User], make_appeal: Callable[..., Any], grade: Grade
) -> None:
    t, admin = territory, users["administrator"]
    plain = make_appeal()
    telegram = make_appeal(channel="telegram")
    noise = make_appeal(category="noise")
    closed = make_appeal(status="closed")
    graded = make_appeal(grade=grade)
    in_sector = make_appeal(sector=t.sector_a)
    in_a2 = make_appeal(district=t.district_a2)
    in_b = make_appeal(region=t.region_b, district=t.district_b)
    other_system = make_appeal(source_system="e-otinish")
    everything = {a.id for a in (plain, telegram, noise, closed, graded, in_sector, in_a2)}
    everything |= {in_b.id, other_system.id}
    assert ids(admin, "appeals") == everything
    assert ids(admin, "appeals", channel="telegram") == {telegram.id}
    assert ids(admin, "appeals", category="noise") == {noise.id}
    assert ids(admin, "appeals", status="closed") == {closed.id}
    assert ids(admin, "appeals", grade="t-urgent") == {graded.id}
    assert ids(admin, "appeals", region="KZ-TB") == {in_b.id}
    assert ids(admin, "appeals", district="KZ-TA-D2") == {in_a2.id}
    assert ids(admin, "appeals", sector="KZ-TA-D1-S1") == {in_sector.id}
    assert ids(admin, "appeals", source_system="e-otinish") == {other_system.id}
    assert ids(admin, "appeals", channel="telegram", status="closed") == set()


def test_the_period_is_in_local_dates_with_the_last_day_included(
    users: dict[str, User], make_appeal: Callable[..., Any]
) -> None:
    # Almaty is UTC+5: 18:59 UTC on 2 March is 23:59 local, 19:00 UTC is already 3 March.
    late = make_appeal(received_at=dt.datetime(2025, 3, 2, 18, 59, tzinfo=dt.UTC))
    next_day = make_appeal(received_at=dt.datetime(2025, 3, 2, 19, 0, tzinfo=dt.UTC))
    early = make_appeal(received_at=dt.datetime(2025, 3, 1, 19, 0, tzinfo=dt.UTC))  # 00:00 local
    before = make_appeal(received_at=dt.datetime(2025, 3, 1, 18, 59, tzinfo=dt.UTC))
    admin = users["administrator"]
    one_day = {"date_from": "2025-03-02", "date_to": "2025-03-02"}
    assert ids(admin, "appeals", **one_day) == {late.id, early.id}
    assert ids(admin, "appeals", date_from="2025-03-03") == {next_day.id}
    assert ids(admin, "appeals", date_to="2025-03-01") == {before.id}
    with pytest.raises(Invalid) as error:
        selectors.parse_query("appeals", {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert error.value.field == "date_to"
    with pytest.raises(Invalid) as error:
        selectors.parse_query("appeals", {"date_from": "2025-02-30"})
    assert error.value.field == "date_from"


def test_each_offence_filter_narrows_the_list(
    territory: Territory, users: dict[str, User], make_offence: Callable[..., Any]
) -> None:
    admin = users["administrator"]
    crime = make_offence()
    admin_offence = make_offence(kind="administrative", article=territory.admin_article)
    solved = make_offence(status="solved")
    at_home = make_offence(place_type="residence")
    late = make_offence(registered_at=WHEN + dt.timedelta(days=40))
    assert ids(admin, "offences", kind="administrative") == {admin_offence.id}
    assert ids(admin, "offences", article="KoAP-T1") == {admin_offence.id}
    assert ids(admin, "offences", status="solved") == {solved.id}
    assert ids(admin, "offences", place_type="residence") == {at_home.id}
    assert ids(admin, "offences", date_from="2025-04-01") == {late.id}
    assert crime.id in ids(admin, "offences", kind="crime", status="registered")
    for name, value in [("article", "UK-NONE"), ("kind", "arson"), ("status", "lost")]:
        with pytest.raises(Invalid) as error:
            ids(admin, "offences", **{name: value})
        assert error.value.field == name


def test_a_territory_outside_the_scope_is_refused_and_an_unknown_one_is_invalid(
    territory: Territory, users: dict[str, User], make_appeal: Callable[..., Any]
) -> None:
    mine = make_appeal(sector=territory.sector_a)
    officer = users["duty_officer_a"]  # district KZ-TA-D1
    # Territories that contain the scope or lie inside it narrow as usual ...
    assert ids(officer, "appeals", region="KZ-TA") == {mine.id}
    assert ids(officer, "appeals", sector="KZ-TA-D1-S1") == {mine.id}
    # ... one beside it is refused, naming the filter.
    for name, code in [("region", "KZ-TB"), ("district", "KZ-TA-D2"), ("sector", "KZ-TB-D1-S1")]:
        with pytest.raises(Forbidden) as refused:
            ids(officer, "appeals", **{name: code})
        assert refused.value.field == name
    with pytest.raises(Invalid) as error:
        ids(users["administrator"], "appeals", region="KZ-ZZ")
    assert error.value.field == "region"
    with pytest.raises(Invalid) as error:
        ids(users["administrator"], "appeals", region="KZ-TB", district="KZ-TA-D1")
    assert error.value.field == "district"


def test_keyset_pages_visit_every_row_once_forward_and_backward_even_at_one_instant(
    users: dict[str, User], make_appeal: Callable[..., Any]
) -> None:
    # Nine calls at the very same second among others: the id breaks the tie.
    same = [make_appeal() for _ in range(9)]
    spread = [make_appeal(received_at=WHEN + dt.timedelta(seconds=s)) for s in (-5, -1, 1, 7)]
    admin = users["administrator"]
    pages = walk(admin, "appeals", 4)
    forward = [pk for page in pages for pk in page]
    expected = [a.pk for a in sorted(same + spread, key=lambda a: (a.received_at, a.pk))][::-1]
    assert forward == expected
    assert [len(p) for p in pages] == [4, 4, 4, 1]

    # Backward from the last page, by `previous_cursor`, gives the same pages in reverse.
    qs = selectors.filtered(admin, selectors.parse_query("appeals", {}))
    last = None
    cursor = None
    for _ in pages:
        last = selectors.page(qs, "appeals", cursor, 4)
        if last.next_cursor:
            cursor = selectors.Cursor.decode(last.next_cursor)
    assert last is not None and last.next_cursor is None
    backward = [[r.pk for r in last.rows]]
    while last.previous_cursor:
        last = selectors.page(qs, "appeals", selectors.Cursor.decode(last.previous_cursor), 4)
        backward.append([r.pk for r in last.rows])
    assert backward == pages[::-1]
    assert last.first


def test_offences_page_the_same_way(
    users: dict[str, User], make_offence: Callable[..., Any]
) -> None:
    made = [make_offence() for _ in range(5)] + [make_offence(registered_at=WHEN.replace(hour=1))]
    pages = walk(users["administrator"], "offences", 2)
    assert sorted(pk for page in pages for pk in page) == sorted(o.pk for o in made)
    assert len(pages) == 3 and pages[-1][-1] == made[-1].pk  # the oldest last


@pytest.mark.parametrize(
    "text",
    [
        "not-a-cursor!",
        "%%%",
        base64.urlsafe_b64encode(b"2025-03-02T04:00:00+00:00|12").decode(),
        base64.urlsafe_b64encode(b"2025-03-02T04:00:00|12|n").decode(),  # no offset
        base64.urlsafe_b64encode(b"yesterday|12|n").decode(),
        base64.urlsafe_b64encode(b"2025-03-02T04:00:00+00:00|-1|n").decode(),
        base64.urlsafe_b64encode(b"2025-03-02T04:00:00+00:00|99999999999999999999|n").decode(),
        base64.urlsafe_b64encode(b"2025-03-02T04:00:00+00:00|12|x").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "QQ" * 100,
    ],
)
def test_a_damaged_cursor_is_a_clear_refusal(text: str) -> None:
    with pytest.raises(Invalid) as error:
        selectors.Cursor.decode(text)
    assert error.value.field == "cursor"
    assert "first page" in error.value.message


def test_a_cursor_round_trips() -> None:
    cursor = selectors.Cursor(WHEN, 42, forward=False)
    assert selectors.Cursor.decode(cursor.encode()) == cursor
    assert "=" not in cursor.encode() and "|" not in cursor.encode()


def test_the_source_number_search_finds_the_record_in_every_source_system(
    users: dict[str, User], make_appeal: Callable[..., Any], make_offence: Callable[..., Any]
) -> None:
    in_102 = make_appeal(source_system="102", external_id="2025-000777")
    in_eotinish = make_appeal(source_system="e-otinish", external_id="2025-000777")
    make_appeal(source_system="102", external_id="2025-000778")
    make_appeal()  # source system "test"
    make_offence(source_system="erdr", external_id="2025-000777")
    admin = users["administrator"]
    assert selectors.source_systems(Appeal) == ["102", "e-otinish", "test"]
    assert selectors.source_systems(Offence) == ["erdr"]
    found = ids(admin, "appeals", external_id="  2025-000777 ")
    assert found == {in_102.id, in_eotinish.id}
    narrowed = ids(admin, "appeals", external_id="2025-000777", source_system="e-otinish")
    assert narrowed == {in_eotinish.id}
    assert ids(admin, "appeals", external_id="2025-00077") == set()  # exact, not a prefix
    # Typed as a load would store it: full-width digits and an en dash read as plain ones.
    assert ids(admin, "appeals", external_id="２０２５\u2013000777") == {in_102.id, in_eotinish.id}
    # The scope still applies to a search.
    assert ids(users["regional_analyst_b"], "appeals", external_id="2025-000777") == set()


def test_a_control_character_in_the_search_is_invalid() -> None:
    with pytest.raises(Invalid) as error:
        selectors.parse_query("appeals", {"external_id": "12\x0034"})
    assert error.value.field == "external_id"
    assert "control character" in error.value.message


def test_party_counts_are_one_query_over_the_page_only(
    make_offence: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    offences = [make_offence() for _ in range(3)]
    people = [Person.objects.create(iin_hash=f"{'cd' * 31}{i:02d}") for i in range(3)]
    OffenceParty.objects.create(offence=offences[0], person=people[0], role="victim")
    OffenceParty.objects.create(offence=offences[0], person=people[1], role="victim")
    OffenceParty.objects.create(offence=offences[1], person=people[2], role="suspect")
    with django_assert_num_queries(1):
        counts = selectors.party_counts([o.pk for o in offences])
    assert counts[offences[0].pk] == {"victim": 2, "suspect": 0, "offender": 0}
    assert counts[offences[1].pk] == {"victim": 0, "suspect": 1, "offender": 0}
    assert counts[offences[2].pk] == {"victim": 0, "suspect": 0, "offender": 0}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_a_search_too_broad_to_answer_quickly_is_refused_with_a_reason(
    territory: Territory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from senim.core.errors import Invalid
    from senim.register import selectors
    from senim.register.models import Offence

    Offence.objects.create(
        source_system="t",
        external_id="slow",
        kind="crime",
        article=territory.crime_article,
        region=territory.region_a,
        occurred_at=WHEN,
        registered_at=WHEN,
        place_type="street",
        status="registered",
    )
    monkeypatch.setattr(selectors, "LIST_TIMEOUT_MS", 1)
    # pg_sleep on every row makes the page's query outlast the 1 ms limit.
    slow = Offence.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"])
    with pytest.raises(Invalid) as refused:
        selectors.page(slow, "offences", None, 10)
    assert refused.value.field == "date_from" and "too broad" in refused.value.message
