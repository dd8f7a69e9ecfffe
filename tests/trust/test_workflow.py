"""The response to a critical item: verify → answer or refute → internal check → closed."""

from __future__ import annotations

import json

import pytest

from senim.core.models import Region, Unit
from senim.trust.errors import Conflict, Forbidden, Invalid, NotFound
from senim.trust.services.media import add_item
from senim.trust.services.workflow import advance, next_actions

NEGATIVE = "Алматы қаласында полиция қызметкері азаматтан 100 000 теңге пара алған кезде ұсталды."


@pytest.fixture
def critical(users) -> int:
    saved = add_item(user=users["national"], fields={
        "source": "s", "title": NEGATIVE, "published_at": "2024-06-01T10:00", "region": "KZ-75"})  # fmt: skip
    return saved.id


@pytest.fixture
def unit(db) -> Unit:
    return Unit.objects.create(kind="regional_department", region=Region.objects.get(iso="KZ-75"),
                               name_kk="u", name_ru="u", name_en="Internal security")  # fmt: skip


def test_confirmed_facts_are_answered_checked_and_closed(users, critical, unit) -> None:
    user = users["almaty"]
    r = advance(
        user=user, item_id=critical, action="verify", confirmed=True, note="The video is genuine."
    )
    assert (r.state, r.facts_confirmed) == ("verified", True) and r.verified_at
    assert next_actions(r) == ["answer"]  # confirmed facts are not refuted
    with pytest.raises(Conflict):
        advance(user=user, item_id=critical, action="refute", note="Not true.")
    r = advance(user=user, item_id=critical, action="answer", note="The officer is suspended.")
    assert r.state == "answered" and r.responded_at and next_actions(r) == ["start_check"]
    with pytest.raises(Conflict):  # an answered misconduct is always checked before closing
        advance(user=user, item_id=critical, action="close", note="done")
    with pytest.raises(Invalid):
        advance(user=user, item_id=critical, action="start_check")
    r = advance(user=user, item_id=critical, action="start_check", unit_id=unit.pk)
    assert r.state == "internal_check" and r.check_unit == unit
    with pytest.raises(Invalid):
        advance(user=user, item_id=critical, action="close")
    r = advance(
        user=user, item_id=critical, action="close", note="Dismissed; case sent to the prosecutor."
    )
    assert r.state == "closed" and r.closed_at and next_actions(r) == []
    assert r.opened_at <= r.verified_at <= r.responded_at <= r.check_started_at <= r.closed_at


def test_unconfirmed_facts_are_refuted_and_may_close_at_once(users, critical) -> None:
    user = users["national"]
    with pytest.raises(Invalid):
        advance(user=user, item_id=critical, action="verify", note="checked")  # confirmed or not?
    with pytest.raises(Conflict):
        advance(user=user, item_id=critical, action="answer", note="too early")
    advance(user=user, item_id=critical, action="verify", confirmed=False, note="No such officer.")
    r = advance(user=user, item_id=critical, action="refute", note="The report is false.")
    assert r.state == "refuted" and set(next_actions(r)) == {"start_check", "close"}
    assert advance(user=user, item_id=critical, action="close").state == "closed"


def test_who_may_act_on_a_case(users, critical) -> None:
    with pytest.raises(NotFound):  # another region's item reads as missing
        advance(user=users["astana"], item_id=critical, action="verify", confirmed=True, note="x")
    with pytest.raises(Forbidden):
        advance(user=users["duty"], item_id=critical, action="verify", confirmed=True, note="x")
    with pytest.raises(Invalid):
        advance(user=users["national"], item_id=critical, action="escalate")


def test_the_workflow_through_the_api(users, critical, api_for) -> None:
    client = api_for(users["national"])
    url = f"/api/trust/media/{critical}/response"
    reply = client.post(
        url, json.dumps({"action": "answer", "note": "x"}), content_type="application/json"
    )
    assert reply.status_code == 409
    reply = client.post(url, json.dumps({"action": "verify", "confirmed": False, "note": "x" * 5001}),
                        content_type="application/json")  # fmt: skip
    assert reply.status_code == 422 and reply.json()["errors"][0]["field"] == "note"
    reply = client.post(url, json.dumps({"action": "verify", "confirmed": False, "note": "checked"}),
                        content_type="application/json")  # fmt: skip
    assert reply.json() == {"state": "verified", "next_actions": ["answer", "refute"]}
