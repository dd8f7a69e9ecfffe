"""The outcome indicators equal a hand count of a small register, on the service, the indicators
page and the API; the record page's forms record steps with the writer's rules.

Region A, district D1 unless told (registered, steps):
  O1 crime 2024-05-01: suspended 2024-07-01, solved 2025-02-01 (a crime of an earlier year)
  O2 crime 2025-03-02: solved 2025-03-10, sent to court 2025-05-01; damage 1,000,000 ₸,
     600,000.50 repaid on 2025-06-01
  O3 crime 2025-04-01: suspended 2025-06-01
  O4 crime 2025-12-20: solved 2026-01-05 (after the period: not solved by its end)
  O5 criminal misdemeanour 2025-02-01: solved 2025-02-03
  O6 crime, region B, 2025-03-01: solved 2025-03-05
  O1 damage 500,000 ₸, 100,000 repaid on 2025-03-01
  Searches (region A): a missing person found 2025-03-03; wanted people caught 2024-12-01 and
  2025-07-07. Drunk driving in 2025: one UK-346, two KoAP-608 records.
Region A, 2025: solved in the period 3 (2024: 1, 2025: 2); crimes registered 3, solved by the
end 1 (33.3 %); misdemeanours 1 of 1; repaid 700,000.50; found 1, caught 1; drunk drivers 3.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from senim.analytics.indicators import Period
from senim.core.models import User
from senim.register import outcomes as writer
from senim.register.models import Article, CaseStep, Offence, PersonSearch
from senim.register.outcome_indicators import outcomes
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db
ALMATY = dt.timezone(dt.timedelta(hours=5))
YEAR_2025 = Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1))


def _article(code: str, kind: str) -> Article:
    code_kind, number = code.split("-", 1)
    return Article.objects.get_or_create(
        code=code,
        defaults={"code_kind": code_kind, "number": number, "kind": kind}
        | {"title_kk": code, "title_ru": code, "title_en": code},
    )[0]


@pytest.fixture
def register(
    territory: Territory, make_offence: Callable[..., Offence], users: dict[str, User]
) -> dict[int, Offence]:
    t, admin = territory, users["administrator"]

    def offence(day: str, **fields: Any) -> Offence:
        at = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=ALMATY)
        return make_offence(registered_at=at, occurred_at=at - dt.timedelta(hours=1), **fields)

    o = {
        1: offence("2024-05-01"),
        2: offence("2025-03-02"),
        3: offence("2025-04-01"),
        4: offence("2025-12-20"),
        5: offence("2025-02-01", kind="criminal_misdemeanour"),
        6: offence("2025-03-01", region=t.region_b, district=t.district_b),
    }

    def step(n: int, kind: str, on: str, district: str | None = None) -> None:
        writer.record_step(user=admin, offence_id=o[n].pk, step=kind, on=on, district=district)

    step(1, "suspended", "2024-07-01")
    step(1, "solved", "2025-02-01", "KZ-TA-D1")
    step(2, "solved", "2025-03-10", "KZ-TA-D1")
    step(2, "sent_to_court", "2025-05-01")
    step(3, "suspended", "2025-06-01")
    step(4, "solved", "2026-01-05", "KZ-TA-D1")
    step(5, "solved", "2025-02-03", "KZ-TA-D1")
    step(6, "solved", "2025-03-05", "KZ-TB-D1")
    writer.record_damage(user=admin, offence_id=o[2].pk, amount="1000000", assessed_on="2025-03-02")
    writer.record_repayment(user=admin, offence_id=o[2].pk, amount="600000.50", on="2025-06-01")
    writer.record_damage(user=admin, offence_id=o[1].pk, amount="500000", assessed_on="2024-05-01")
    writer.record_repayment(user=admin, offence_id=o[1].pk, amount="100000", on="2025-03-01")
    for i, (kind, outcome, on) in enumerate(
        [
            ("missing", "found", "2025-03-03"),
            ("wanted", "caught", "2024-12-01"),
            ("wanted", "caught", "2025-07-07"),
        ]
    ):
        PersonSearch.objects.create(
            kind=kind,
            region=t.region_a,
            district=t.district_a,
            opened_on=dt.date(2024, 11, 1),
            outcome=outcome,
            outcome_on=dt.date.fromisoformat(on),
            source_system="test",
            external_id=f"S-{i}",
        )
    drunk = _article("UK-346", "criminal_misdemeanour")
    drunk_admin = _article("KoAP-608", "administrative")
    offence("2025-08-01", kind="criminal_misdemeanour", article=drunk)
    offence("2025-08-02", kind="administrative", article=drunk_admin)
    offence("2025-08-03", kind="administrative", article=drunk_admin)
    return o


def test_the_service_equals_the_hand_count(
    register: dict[int, Offence], users: dict[str, User], territory: Territory
) -> None:
    result = outcomes(
        user=users["national_analyst"], period=YEAR_2025, region_id=territory.region_a.pk
    )
    assert result.solved_by_year == ((2024, 1), (2025, 2))
    assert (result.solved_in_period, result.earlier_years_solved) == (3, 1)
    assert (result.crimes.registered, result.crimes.solved) == (3, 1)
    by_kind = {(s.kind, s.total): (s.registered, s.solved) for s in result.shares}
    assert by_kind[("criminal_misdemeanour", True)] == (2, 1)  # O5 and the UK-346 record
    assert result.repaid == Decimal("700000.50")
    assert result.damage == Decimal("1000000")
    assert (result.missing_found, result.wanted_caught) == (1, 1)
    assert (result.drunk.criminal, result.drunk.administrative, result.drunk.total) == (1, 2, 3)
    country = outcomes(user=users["national_analyst"], period=YEAR_2025)
    assert (country.crimes.registered, country.crimes.solved) == (4, 2)


def test_a_user_sees_only_their_territory(
    register: dict[int, Offence], users: dict[str, User]
) -> None:
    b = outcomes(user=users["regional_analyst_b"], period=YEAR_2025)
    assert (b.crimes.registered, b.crimes.solved, b.solved_in_period) == (1, 1, 1)
    assert b.repaid == 0 and b.missing_found == 0
    inspector = outcomes(user=users["district_inspector_a"], period=YEAR_2025)
    assert inspector.missing_found == 1  # searches are placed by district
    assert inspector.crimes.registered == 0  # the offences carry no sector


def test_the_page_and_the_api_show_the_hand_count_and_the_definition(
    register: dict[int, Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    token_client: Callable[[User], Any],
) -> None:
    body = session_client(users["national_analyst"]).get("/indicators/?year=2025&region=KZ-TA")
    text = body.content.decode()
    section = text[text.index('id="case-outcomes"') :]

    def value(element_id: str) -> str:
        found = re.search(rf'id="{element_id}">([^<]*)<', section)
        assert found, element_id
        return found.group(1)

    assert value("outcome-share") == "33.3%"
    assert value("outcome-solved") == "3"
    assert value("outcome-found") == "1" and value("outcome-caught") == "1"
    assert "registered in the period, the share solved by its end" in section
    assert "sample" not in section  # no demo data: nothing is sampled

    api = token_client(users["national_analyst"])
    data = api.get("/api/indicators/outcomes?year=2025&region=KZ-TA").json()
    assert data["solved_share_definition"] == "cohort"
    assert (data["crimes_registered"], data["crimes_solved"]) == (3, 1)
    assert data["solved_by_registration_year"] == [
        {"registration_year": 2024, "solved": 1},
        {"registration_year": 2025, "solved": 2},
    ]
    assert data["solved_in_period_of_earlier_years"] == 1
    assert Decimal(data["repaid_tenge"]) == Decimal("700000.50")
    assert data["drunk_drivers"] == 3 and data["administrative_sample"] == 1
    refused = token_client(users["regional_analyst_b"]).get("/api/indicators/outcomes?region=KZ-TA")
    assert refused.status_code == 403
    assert api.get("/api/indicators/outcomes?year=20x5").status_code == 422


@pytest.mark.parametrize(
    ("language", "heading"), [("kk", "Істердің нәтижелері"), ("ru", "Итоги по делам")]
)
def test_the_section_speaks_kazakh_and_russian(
    register: dict[int, Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    language: str,
    heading: str,
) -> None:
    client = session_client(users["national_analyst"])
    client.cookies["django_language"] = language
    body = client.get("/indicators/?year=2025&region=KZ-TA").content.decode()
    section = body[body.index('id="case-outcomes"') :]
    section = re.sub(r"<[^>]+>", " ", section[: section.index("</section>")])
    assert heading in section
    english = ["Case outcomes", "Crimes solved", "Solved in the period", "Missing people found",
               "Share solved by kind and gravity", "registered in earlier years"]  # fmt: skip
    assert [e for e in english if e in section] == []


# --- the record page's forms ----------------------------------------------------------------


def test_a_duty_officer_records_a_step_on_the_record_page(
    register: dict[int, Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    territory: Territory,
) -> None:
    o3 = register[3]
    client = session_client(users["duty_officer_a"])
    page = client.get(f"/register/offences/{o3.pk}/").content.decode()
    assert 'id="step-form"' in page and 'id="case-steps"' in page
    url = f"/register/offences/{o3.pk}/outcome/"
    reply = client.post(url, {"action": "step", "step": "solved", "on": "2025-09-01",
                              "district": "KZ-TA-D1"})  # fmt: skip
    assert reply.status_code == 302
    o3.refresh_from_db()
    assert o3.status == "solved"
    assert list(o3.steps.values_list("step", flat=True)) == ["suspended", "solved"]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"action": "step", "step": "solved", "on": "2025-03-01", "district": "KZ-TA-D1"},
         "on", "before the offence was registered"),
        ({"action": "step", "step": "solved", "on": "2025-05-01", "district": "KZ-TA-D1"},
         "on", "previous step"),
        ({"action": "step", "step": "sent_to_court", "on": "2025-07-01"}, "step", "cannot go"),
        ({"action": "step", "step": "solved", "on": "2999-01-01", "district": "KZ-TA-D1"},
         "on", "future"),
        ({"action": "damage", "damage": "-1", "assessed_on": "2025-04-02"}, "damage", "negative"),
        ({"action": "step", "step": "solved", "on": "2025-07-01"}, "unit", "unit or district"),
    ],
)  # fmt: skip
def test_a_refused_form_names_the_field_and_changes_nothing(
    register: dict[int, Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    form: dict[str, str],
    field: str,
    message: str,
) -> None:
    o3 = register[3]
    before = (CaseStep.objects.count(), Offence.objects.get(pk=o3.pk).status)
    reply = session_client(users["duty_officer_a"]).post(
        f"/register/offences/{o3.pk}/outcome/", form
    )
    assert reply.status_code == 422
    body = reply.content.decode()
    assert f'data-field="{field}"' in body and message in body
    assert (CaseStep.objects.count(), Offence.objects.get(pk=o3.pk).status) == before


def test_a_repayment_above_the_damage_is_refused_on_the_page(
    register: dict[int, Offence], users: dict[str, User], session_client: Callable[[User], Any]
) -> None:
    o2 = register[2]
    reply = session_client(users["duty_officer_a"]).post(
        f"/register/offences/{o2.pk}/outcome/",
        {"action": "repayment", "repaid": "400000", "repaid_on": "2025-07-01"},
    )
    assert reply.status_code == 422 and "above the damage" in reply.content.decode()
    assert writer.repaid_total(o2) == Decimal("600000.50")


def test_roles_and_territory_decide_who_records(
    register: dict[int, Offence], users: dict[str, User], session_client: Callable[[User], Any]
) -> None:
    o3 = register[3]
    form = {"action": "step", "step": "terminated", "on": "2025-07-01"}
    url = f"/register/offences/{o3.pk}/outcome/"
    analyst = session_client(users["national_analyst"])
    assert 'id="step-form"' not in analyst.get(f"/register/offences/{o3.pk}/").content.decode()
    assert analyst.post(url, form).status_code == 403
    assert session_client(users["duty_officer_b"]).post(url, form).status_code == 404
    assert session_client(users["duty_officer_a"]).get(url).status_code == 405
    assert Offence.objects.get(pk=o3.pk).status == "suspended"


def test_the_section_refuses_out_of_scope_tables(
    register: dict[int, Offence], users: dict[str, User], session_client: Callable[[User], Any]
) -> None:
    reply = session_client(users["regional_analyst_b"]).get("/indicators/?year=2025&region=KZ-TA")
    assert reply.status_code == 403


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_record_pages_cards_speak_kazakh_and_russian(
    register: dict[int, Offence],
    users: dict[str, User],
    session_client: Callable[[User], Any],
    make_appeal: Callable[..., Any],
    language: str,
) -> None:
    client = session_client(users["duty_officer_a"])
    client.cookies["django_language"] = language
    body = client.get(f"/register/offences/{register[2].pk}/").content.decode()
    card = body[body.index('id="case-outcome"') :]
    card = re.sub(r"<[^>]+>", " ", card[: card.index("</section>")])
    english = ["Case outcome", "Current state", "Taken by", "Record a step", "Damage, tenge",
               "Repaid on", "Save the damage", "sent to court", "solved"]  # fmt: skip
    assert [e for e in english if e in card] == []
    appeal = make_appeal(category="missing_person")
    body = client.get(f"/register/appeals/{appeal.pk}/").content.decode()
    card = body[body.index('id="search"') :]
    card = re.sub(r"<[^>]+>", " ", card[: card.index("</section>")])
    assert [e for e in ["Search for the missing person", "Open the search"] if e in card] == []
