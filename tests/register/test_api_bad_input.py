"""The API holds one record to the rules a file load does (issue 16, items 3 and 5): one
validation function (senim.register.ingest.schema) answers both, so the answers are alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from senim.core.models import User
from senim.register.models import Appeal, Offence
from tests.register.test_api_write import ClientFor, appeal_body, offence_body, post
from tests.register.test_ingest_bad_input import iin

pytestmark = pytest.mark.django_db


def refused(response: Any) -> tuple[int, str, str]:
    error = response.json()["errors"][0]
    return response.status_code, error["field"], error["message"]


def test_a_key_in_look_alike_letters_names_the_record_already_there(
    users: dict[str, User], token_client: ClientFor
) -> None:
    client = token_client(users["duty_officer_a"])
    first = post(client, "offences", offence_body(external_id="ERDR-1"))
    twin = post(client, "offences", offence_body(external_id="ЕRDR-１"))  # Cyrillic Е, wide 1
    assert (first.status_code, twin.status_code) == (201, 200)
    assert twin.json() == {"id": first.json()["id"], "created": False}
    changed = post(client, "offences", offence_body(external_id="ЕRDR-1", status="solved"))
    assert changed.status_code == 409
    hidden = post(client, "offences", offence_body(external_id="ERDR\u200b-2"))
    assert refused(hidden)[:2] == (422, "external_id")
    assert Offence.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            offence_body(kind="criminal_misdemeanour"),
            "kind",
            "'criminal_misdemeanour' does not fit article UK-T1",
        ),
        (
            offence_body(victim_iins=[iin("250401", "5")]),
            "victim_iins",
            "an IIN's birth date is after the offence occurred",
        ),
        (
            offence_body(occurred_at="2025-03-01"),
            "occurred_at",
            "'2025-03-01' is not an ISO 8601 date-time",
        ),
        (
            offence_body(lat="43,2", lon="76.9"),
            "lat",
            None,  # pydantic's own message: not a number
        ),
    ],
)
def test_an_offence_breaking_a_rule_of_meaning_is_422_on_its_field(
    users: dict[str, User],
    token_client: ClientFor,
    body: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    status, got_field, got_message = refused(
        post(token_client(users["duty_officer_a"]), "offences", body)
    )
    assert (status, got_field) == (422, field)
    if message is not None:
        assert got_message == message
    assert not Offence.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_coordinates_that_are_not_numbers_are_422(
    users: dict[str, User], token_client: ClientFor, value: str
) -> None:
    client: Client = token_client(users["administrator"])
    body = json.dumps(offence_body(district=None, region="KZ-75", lat=0, lon=76.9286))
    body = body.replace('"lat": 0', f'"lat": {value}')  # a bare literal JSON parsers accept
    response = client.post("/api/register/offences", body, content_type="application/json")
    # The API's bounded Latitude type refuses it before the row rules see it: either way a 422
    # on the field, nothing stored.
    status, field, message = refused(response)
    assert (status, field) == (422, "lat") and message
    assert not Offence.objects.exists()


def test_a_point_outside_the_region_given_is_422(
    users: dict[str, User], token_client: ClientFor
) -> None:
    almaty = {"lat": 43.2567, "lon": 76.9286, "district": None}
    client = token_client(users["administrator"])
    status, field, message = refused(
        post(client, "offences", offence_body(region="KZ-71", **almaty))
    )
    assert (status, field) == (422, "lat")
    assert message == "the point is not inside the region given (by region, district or sector)"
    assert post(client, "offences", offence_body(region="KZ-75", **almaty)).status_code == 201


def test_an_appeal_s_status_must_agree_with_its_times(
    users: dict[str, User], token_client: ClientFor
) -> None:
    client = token_client(users["duty_officer_a"])
    closed = post(client, "appeals", appeal_body(status="closed"))
    assert refused(closed) == (422, "closed_at", "is required when the status is closed")
    early = appeal_body(status="closed", closed_at="2025-03-01T23:00:00+05:00")
    assert refused(post(client, "appeals", early)) == (
        422,
        "closed_at",
        "is earlier than received_at",
    )
    received = appeal_body(closed_at="2025-03-02T01:00:00+05:00")
    assert refused(post(client, "appeals", received)) == (
        422,
        "closed_at",
        "is given, but the status is received",
    )
    assert not Appeal.objects.exists()
    fine = appeal_body(status="closed", closed_at="2025-03-02T01:00:00+05:00")
    assert post(client, "appeals", fine).status_code == 201
