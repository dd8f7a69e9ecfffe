"""Art. 146 cases: stages in order, requalification history, series counted from the steps."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from senim.safeguards.errors import Invalid
from senim.safeguards.models import CaseEvent
from senim.safeguards.services import cases

pytestmark = pytest.mark.django_db


def _case(user: Any, n: int, registered: dt.date, region: str = "KZ-TA") -> Any:
    case, _created = cases.create(
        user=user,
        data=cases.CaseInput(
            source_system="erdr", external_id=f"A-{n}", region=region, registered_on=registered
        ),
    )
    return case


def test_a_case_goes_to_court_is_requalified_and_ends_in_a_conviction(users: Any) -> None:
    prosecutor = users["prosecutor_a"]
    case = _case(prosecutor, 1, dt.date(2024, 2, 1))
    cases.add_event(
        user=prosecutor, pk=case.pk, kind="requalified", on=dt.date(2024, 3, 1), to_article="146-3"
    )
    cases.add_event(user=prosecutor, pk=case.pk, kind="sent_to_court", on=dt.date(2024, 5, 1))
    cases.add_event(
        user=prosecutor, pk=case.pk, kind="requalified", on=dt.date(2024, 9, 1), to_article="362-1"
    )
    case = cases.add_event(
        user=prosecutor, pk=case.pk, kind="convicted", on=dt.date(2024, 9, 1), persons=2
    )
    assert case.stage == "convicted" and case.article == "362-1"
    history = list(
        CaseEvent.objects.filter(case=case, kind="requalified").values_list(
            "from_article", "to_article"
        )
    )
    assert history == [("146-1", "146-3"), ("146-3", "362-1")]


def test_steps_out_of_order_or_out_of_time_are_refused(users: Any) -> None:
    prosecutor = users["prosecutor_a"]
    case = _case(prosecutor, 1, dt.date(2024, 2, 1))
    with pytest.raises(Invalid) as error:
        cases.add_event(
            user=prosecutor, pk=case.pk, kind="convicted", on=dt.date(2024, 3, 1), persons=1
        )
    assert error.value.field == "kind"
    with pytest.raises(Invalid) as error:
        cases.add_event(user=prosecutor, pk=case.pk, kind="suspended", on=dt.date(2024, 1, 1))
    assert error.value.field == "on"
    cases.add_event(
        user=prosecutor, pk=case.pk, kind="terminated_exonerating", on=dt.date(2024, 4, 1)
    )
    with pytest.raises(Invalid):
        cases.add_event(user=prosecutor, pk=case.pk, kind="resumed", on=dt.date(2024, 5, 1))


def test_the_yearly_series_count_registrations_steps_and_convicted_people(
    users: Any, token_client: Any
) -> None:
    prosecutor = users["prosecutor_a"]
    a, b, c = (_case(prosecutor, n, dt.date(2024, 1, 10)) for n in (1, 2, 3))
    _case(prosecutor, 4, dt.date(2025, 1, 10))
    cases.add_event(user=prosecutor, pk=a.pk, kind="suspended", on=dt.date(2024, 6, 1))
    cases.add_event(user=prosecutor, pk=b.pk, kind="terminated_exonerating", on=dt.date(2025, 2, 1))
    cases.add_event(user=prosecutor, pk=c.pk, kind="sent_to_court", on=dt.date(2024, 6, 1))
    cases.add_event(user=prosecutor, pk=c.pk, kind="convicted", on=dt.date(2025, 3, 1), persons=3)
    series = cases.series(user=prosecutor, years=[2024, 2025])
    assert series["registered"] == {2024: 3, 2025: 1}
    assert series["suspended"] == {2024: 1, 2025: 0}
    assert series["terminated_exonerating"] == {2024: 0, 2025: 1}
    assert series["sent_to_court"] == {2024: 1, 2025: 0}
    assert series["convicted_persons"] == {2024: 0, 2025: 3}
    api = token_client(users["national_analyst"]).get("/api/safeguards/cases/series").json()
    assert api["series"]["registered"]["2024"] == 3
    assert {"series": "registered", "period": "2024", "published": 289, "computed": 3} in api[
        "published"
    ]


def test_only_prosecutors_register_cases_and_the_region_must_exist(
    users: Any, token_client: Any
) -> None:
    body = {
        "source_system": "erdr",
        "external_id": "A-1",
        "region": "KZ-XX",
        "registered_on": "2025-01-01",
    }
    post = token_client(users["prosecutor_a"]).post(
        "/api/safeguards/cases", json.dumps(body), content_type="application/json"
    )
    assert post.status_code == 422 and post.json()["errors"][0]["field"] == "region"
    body["region"] = "KZ-TA"
    duty = token_client(users["duty_officer_a"]).post(
        "/api/safeguards/cases", json.dumps(body), content_type="application/json"
    )
    assert duty.status_code == 403
    other = token_client(users["prosecutor_a"]).post(
        "/api/safeguards/cases",
        json.dumps(body | {"region": "KZ-TB"}),
        content_type="application/json",
    )
    assert other.status_code == 403
