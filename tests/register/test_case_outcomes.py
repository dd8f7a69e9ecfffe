"""Recording case steps, damage, repayments and search outcomes: each bad input is refused with
its field named and nothing changed; scope and role decide who may record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry, User
from senim.register import outcomes
from senim.register.models import CaseStep, Damage, Offence, PersonSearch, Repayment
from tests.register.conftest import WHEN, Territory

pytestmark = pytest.mark.django_db
REGISTERED = WHEN.date()  # 2025-03-02 in Almaty too (09:00 local)


@pytest.fixture
def offence(make_offence: Callable[..., Offence]) -> Offence:
    return make_offence()


@pytest.fixture
def duty(users: dict[str, User]) -> User:
    return users["duty_officer_a"]


def _day(days: int) -> str:
    return (REGISTERED + dt.timedelta(days=days)).isoformat()


def _refused(field: str, call: Callable[[], Any]) -> str:
    before = (
        CaseStep.objects.count(),
        Damage.objects.count(),
        Repayment.objects.count(),
        list(Offence.objects.values_list("status", flat=True)),
        list(PersonSearch.objects.values_list("outcome", flat=True)),
    )
    with pytest.raises(Invalid) as error:
        call()
    assert error.value.field == field, error.value
    after = (
        CaseStep.objects.count(),
        Damage.objects.count(),
        Repayment.objects.count(),
        list(Offence.objects.values_list("status", flat=True)),
        list(PersonSearch.objects.values_list("outcome", flat=True)),
    )
    assert after == before  # nothing changed
    return error.value.message


def test_a_case_is_solved_then_sent_to_court_and_the_offence_follows(
    offence: Offence, duty: User, territory: Territory
) -> None:
    outcomes.record_step(
        user=duty, offence_id=offence.pk, step="solved", on=_day(3), district="KZ-TA-D1"
    )
    offence.refresh_from_db()
    assert offence.status == "solved"
    outcomes.record_step(user=duty, offence_id=offence.pk, step="sent_to_court", on=_day(40))
    offence.refresh_from_db()
    assert offence.status == "sent_to_court"
    steps = list(offence.steps.values_list("step", "on", "district__code"))
    assert steps == [
        ("solved", REGISTERED + dt.timedelta(days=3), "KZ-TA-D1"),
        ("sent_to_court", REGISTERED + dt.timedelta(days=40), None),
    ]
    assert AuditEntry.objects.filter(action="status", object_pk=str(offence.pk)).count() == 2


def test_a_suspended_case_can_be_solved_years_later(offence: Offence, duty: User) -> None:
    outcomes.record_step(user=duty, offence_id=offence.pk, step="suspended", on=_day(60))
    outcomes.record_step(
        user=duty, offence_id=offence.pk, step="solved", on=_day(400), district="KZ-TA-D1"
    )
    assert outcomes.case_state(offence) == ("solved", REGISTERED + dt.timedelta(days=400))


def test_a_solved_date_before_registration_is_refused(offence: Offence, duty: User) -> None:
    message = _refused(
        "on",
        lambda: outcomes.record_step(
            user=duty, offence_id=offence.pk, step="solved", on=_day(-1), district="KZ-TA-D1"
        ),
    )
    assert "before the offence was registered" in message


def test_a_future_date_is_refused(offence: Offence, duty: User) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    message = _refused(
        "on",
        lambda: outcomes.record_step(
            user=duty, offence_id=offence.pk, step="solved", on=tomorrow, district="KZ-TA-D1"
        ),
    )
    assert "future" in message


def test_a_step_out_of_order_is_refused(offence: Offence, duty: User) -> None:
    message = _refused(
        "step",
        lambda: outcomes.record_step(
            user=duty, offence_id=offence.pk, step="sent_to_court", on=_day(5)
        ),
    )
    assert "cannot go from registered to sent_to_court" in message
    outcomes.record_step(user=duty, offence_id=offence.pk, step="terminated", on=_day(5))
    assert "closed" in _refused(
        "step",
        lambda: outcomes.record_step(
            user=duty, offence_id=offence.pk, step="solved", on=_day(6), district="KZ-TA-D1"
        ),
    )


def test_a_step_dated_before_the_previous_one_is_refused(offence: Offence, duty: User) -> None:
    outcomes.record_step(user=duty, offence_id=offence.pk, step="suspended", on=_day(60))
    message = _refused(
        "on",
        lambda: outcomes.record_step(
            user=duty, offence_id=offence.pk, step="solved", on=_day(30), district="KZ-TA-D1"
        ),
    )
    assert "previous step" in message


def test_unknown_steps_bad_dates_and_a_missing_solver_name_their_field(
    offence: Offence, duty: User, territory: Territory
) -> None:
    def step(**kw: Any) -> Callable[[], Any]:
        values = {"step": "solved", "on": _day(3), "district": "KZ-TA-D1"} | kw
        return lambda: outcomes.record_step(user=duty, offence_id=offence.pk, **values)

    assert "not one of" in _refused("step", step(step="closed"))
    assert "not a date" in _refused("on", step(on="02.03.2025"))
    assert "required" in _refused("on", step(on=""))
    assert "which unit or district" in _refused("unit", step(district=None))
    assert "no district" in _refused("district", step(district="KZ-NOPE"))
    assert "not in the offence's region" in _refused("district", step(district="KZ-TB-D1"))
    assert "no unit" in _refused("unit", step(unit="999999", district=None))


def test_an_administrative_offence_has_no_case_steps(
    make_offence: Callable[..., Offence], duty: User, territory: Territory
) -> None:
    admin = make_offence(kind="administrative", article=territory.admin_article)
    _refused(
        "offence",
        lambda: outcomes.record_step(user=duty, offence_id=admin.pk, step="terminated", on=_day(1)),
    )


def test_only_writing_roles_in_scope_record_steps(offence: Offence, users: dict[str, User]) -> None:
    with pytest.raises(Forbidden):
        outcomes.record_step(
            user=users["national_analyst"], offence_id=offence.pk, step="terminated", on=_day(1)
        )
    with pytest.raises(NotFound):  # the other region's duty officer does not see it
        outcomes.record_step(
            user=users["duty_officer_b"], offence_id=offence.pk, step="terminated", on=_day(1)
        )
    assert not CaseStep.objects.exists()


def test_damage_and_repayments_add_up_and_never_pass_the_damage(
    offence: Offence, duty: User
) -> None:
    outcomes.record_damage(user=duty, offence_id=offence.pk, amount="500000", assessed_on=_day(1))
    outcomes.record_repayment(user=duty, offence_id=offence.pk, amount="300000.50", on=_day(20))
    assert outcomes.repaid_total(offence) == Decimal("300000.50")
    message = _refused(
        "repaid",
        lambda: outcomes.record_repayment(
            user=duty, offence_id=offence.pk, amount="200000", on=_day(30)
        ),
    )
    assert "above the damage of 500000.00" in message
    # The same day's total replaces the earlier entry rather than adding to it.
    outcomes.record_repayment(user=duty, offence_id=offence.pk, amount="499999", on=_day(20))
    assert outcomes.repaid_total(offence) == Decimal("499999")
    assert "less than" in _refused(
        "damage",
        lambda: outcomes.record_damage(
            user=duty, offence_id=offence.pk, amount="1000", assessed_on=_day(1)
        ),
    )


def test_bad_amounts_and_dates_of_money_name_their_field(offence: Offence, duty: User) -> None:
    def damage(amount: str, on: str = _day(1)) -> Callable[[], Any]:
        return lambda: outcomes.record_damage(
            user=duty, offence_id=offence.pk, amount=amount, assessed_on=on
        )

    assert "negative" in _refused("damage", damage("-5"))
    assert "not an amount" in _refused("damage", damage("lots"))
    assert "not an amount" in _refused("damage", damage("NaN"))
    assert "2 after" in _refused("damage", damage("1.005"))
    assert "before the offence was registered" in _refused("assessed_on", damage("5", _day(-3)))
    assert "record the damage" in _refused(
        "repaid",
        lambda: outcomes.record_repayment(user=duty, offence_id=offence.pk, amount="5", on=_day(2)),
    )
    outcomes.record_damage(user=duty, offence_id=offence.pk, amount="1000", assessed_on=_day(1))

    def repay(amount: str, on: str = _day(2)) -> Callable[[], Any]:
        return lambda: outcomes.record_repayment(
            user=duty, offence_id=offence.pk, amount=amount, on=on
        )

    assert "negative" in _refused("repaid", repay("-1"))
    assert "more than zero" in _refused("repaid", repay("0"))
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert "future" in _refused("repaid_on", repay("10", future))
    assert "before the damage was assessed" in _refused("repaid_on", repay("10", _day(0)))


def test_a_search_ends_found_or_caught_and_only_once(
    duty: User, territory: Territory, make_appeal: Callable[..., Any]
) -> None:
    missing = PersonSearch.objects.create(
        kind="missing",
        region=territory.region_a,
        district=territory.district_a,
        opened_on=REGISTERED,
        appeal=make_appeal(category="missing_person"),
        source_system="test",
        external_id="S-1",
    )
    assert "before the search was opened" in _refused(
        "outcome_on",
        lambda: outcomes.record_search_outcome(user=duty, search_id=missing.pk, on=_day(-1)),
    )
    outcomes.record_search_outcome(user=duty, search_id=missing.pk, on=_day(2))
    missing.refresh_from_db()
    assert (missing.outcome, missing.outcome_on) == ("found", REGISTERED + dt.timedelta(days=2))
    _refused(
        "outcome",
        lambda: outcomes.record_search_outcome(user=duty, search_id=missing.pk, on=_day(3)),
    )


def test_the_database_refuses_what_one_row_can_say_is_wrong(
    offence: Offence, territory: Territory
) -> None:
    from django.db import IntegrityError, transaction

    for bad in (
        lambda: CaseStep.objects.create(offence=offence, step="solved", on=REGISTERED),
        lambda: CaseStep.objects.create(offence=offence, step="reopened", on=REGISTERED),
        lambda: Damage.objects.create(offence=offence, amount=-1, assessed_on=REGISTERED),
        lambda: PersonSearch.objects.create(
            kind="wanted",
            region=territory.region_a,
            opened_on=REGISTERED,
            outcome="found",
            outcome_on=REGISTERED,
            external_id="x",
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            bad()


# --- the appeal page: the search for a missing person --------------------------------------


def test_a_missing_person_appeal_opens_a_search_that_ends_found(
    make_appeal: Callable[..., Any],
    users: dict[str, User],
    session_client: Callable[[User], Any],
) -> None:
    appeal = make_appeal(category="missing_person")
    client = session_client(users["duty_officer_a"])
    page = client.get(f"/register/appeals/{appeal.pk}/").content.decode()
    assert 'id="open-search-form"' in page
    url = f"/register/appeals/{appeal.pk}/search/"
    too_early = client.post(url, {"action": "open", "opened_on": _day(-2)})
    assert too_early.status_code == 422 and 'data-field="opened_on"' in too_early.content.decode()
    # The message names the field by its label on the form, never by its internal name.
    assert "<strong>Search opened</strong>:" in too_early.content.decode()
    assert "<strong>opened_on</strong>" not in too_early.content.decode()
    assert not PersonSearch.objects.exists()
    assert client.post(url, {"action": "open", "opened_on": _day(0)}).status_code == 302
    search = PersonSearch.objects.get(appeal=appeal)
    late = client.post(url, {"action": "found", "search": search.pk, "outcome_on": "2999-01-01"})
    assert late.status_code == 422 and "future" in late.content.decode()
    assert (
        client.post(
            url, {"action": "found", "search": search.pk, "outcome_on": _day(1)}
        ).status_code
        == 302
    )
    search.refresh_from_db()
    assert (search.outcome, search.outcome_on) == ("found", REGISTERED + dt.timedelta(days=1))
    twice = client.post(url, {"action": "open", "opened_on": _day(1)})
    assert twice.status_code == 422 and "already" in twice.content.decode()


def test_only_missing_person_appeals_open_searches_and_only_writers_in_scope(
    make_appeal: Callable[..., Any],
    users: dict[str, User],
    session_client: Callable[[User], Any],
) -> None:
    other = make_appeal(category="public_order")
    reply = session_client(users["duty_officer_a"]).post(
        f"/register/appeals/{other.pk}/search/", {"action": "open", "opened_on": _day(0)}
    )
    assert reply.status_code == 422 and 'data-field="appeal"' in reply.content.decode()
    missing = make_appeal(category="missing_person")
    url = f"/register/appeals/{missing.pk}/search/"
    form = {"action": "open", "opened_on": _day(0)}
    assert session_client(users["national_analyst"]).post(url, form).status_code == 403
    assert session_client(users["duty_officer_b"]).post(url, form).status_code == 404
    assert not PersonSearch.objects.exists()


# --- the offence page: suspects declared wanted ----------------------------------------------


def test_a_suspect_is_declared_wanted_on_the_offence_page_and_caught(
    offence: Offence, duty: User, session_client: Callable[[User], Any]
) -> None:
    client = session_client(duty)
    page = client.get(f"/register/offences/{offence.pk}/").content.decode()
    assert 'id="wanted-form"' in page
    url = f"/register/offences/{offence.pk}/outcome/"
    early = client.post(url, {"action": "wanted", "opened_on": _day(-1)})
    assert early.status_code == 422 and 'data-field="opened_on"' in early.content.decode()
    assert not PersonSearch.objects.exists()
    assert client.post(url, {"action": "wanted", "opened_on": _day(3)}).status_code == 302
    assert client.post(url, {"action": "wanted", "opened_on": _day(4)}).status_code == 302
    first, second = PersonSearch.objects.filter(offence=offence).order_by("opened_on")
    assert (first.kind, first.region_id) == ("wanted", offence.region_id)
    before_open = client.post(url, {"action": "caught", "search": first.pk, "outcome_on": _day(2)})
    assert before_open.status_code == 422 and "Found or caught on" in before_open.content.decode()
    bogus = client.post(url, {"action": "caught", "search": "9" * 30, "outcome_on": _day(5)})
    assert bogus.status_code == 404
    assert (
        client.post(
            url, {"action": "caught", "search": first.pk, "outcome_on": _day(5)}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.outcome_on) == ("caught", REGISTERED + dt.timedelta(days=5))
    assert second.outcome == ""


def test_no_wanted_search_for_an_administrative_offence_or_another_district(
    make_offence: Callable[..., Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    territory: Territory,
) -> None:
    administrative = make_offence(kind="administrative", article=territory.admin_article)
    with pytest.raises(Invalid) as refused:
        outcomes.open_wanted_search(
            user=users["duty_officer_a"], offence_id=administrative.pk, on=_day(1)
        )
    assert refused.value.field == "offence"
    crime = make_offence()
    form = {"action": "wanted", "opened_on": _day(1)}
    url = f"/register/offences/{crime.pk}/outcome/"
    assert session_client(users["duty_officer_b"]).post(url, form).status_code == 404
    assert session_client(users["national_analyst"]).post(url, form).status_code == 403
    assert not PersonSearch.objects.exists()
