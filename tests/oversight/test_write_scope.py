"""NPM writes stay in the writer's monitoring group and its region (issue 16 item 6): an
obstruction on another group's visit, or a sanction under another group's recommendation, is
refused through the API and the pages with that group's records present; nothing is stored, and
the other group's visit or recommendation answers exactly as one that does not exist."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from senim.oversight import services
from senim.oversight.models import Obstruction, Sanction
from tests.oversight.conftest import RecordVisit, World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
UNKNOWN = 10**9


def _group_b_recommendation(world: World, record_visit: RecordVisit) -> Any:
    visit = record_visit(
        user=world.monitor_b,
        group_id=world.group_b.pk,
        institution_id=world.ivs_b.pk,
        team_ids=[world.member_b.pk],
        recommendations=[
            services.RecommendationIn("Repair the call button.", TODAY + dt.timedelta(30))
        ],
    )
    return visit.recommendations.get()


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _flash(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_obstruction_on_another_groups_visit_reads_as_no_such_visit(
    world: World, record_visit: RecordVisit, token_client: Any
) -> None:
    theirs = _group_b_recommendation(world, record_visit).visit
    body = {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "kind": "denied_entry",
        "official": "Head of the isolator",
        "description": "The guard kept the group at the gate for an hour.",
    }
    api = token_client(world.monitor_a)

    def post(visit_id: int) -> Any:
        return api.post(
            f"/api/oversight/visits/{visit_id}/obstructions",
            json.dumps(body),
            content_type="application/json",
        )

    unknown, answer = post(UNKNOWN), post(theirs.pk)
    assert unknown.status_code == answer.status_code == 404
    assert answer.json() == unknown.json()
    # A fresh session each, so each answer's message is its own.
    form = body | {"occurred_at": body["occurred_at"][:16]}
    unknown = _session(world.monitor_a).post(f"/oversight/visits/{UNKNOWN}/obstructions/", form)
    answer = _session(world.monitor_a).post(f"/oversight/visits/{theirs.pk}/obstructions/", form)
    assert unknown.status_code == answer.status_code == 302
    assert _flash(answer) == _flash(unknown) and _flash(answer)
    assert not Obstruction.objects.exists()
    # Group B's own member records it.
    assert (
        token_client(world.monitor_b)
        .post(
            f"/api/oversight/visits/{theirs.pk}/obstructions",
            json.dumps(body),
            content_type="application/json",
        )
        .status_code
        == 201
    )


def test_a_sanction_under_another_groups_recommendation_reads_as_no_such_one(
    world: World, record_visit: RecordVisit, token_client: Any
) -> None:
    theirs = _group_b_recommendation(world, record_visit)
    body = {"kind": "disciplinary", "decided_on": TODAY.isoformat(), "official": "Deputy head"}
    api = token_client(world.monitor_a)

    def post(rec_id: int) -> Any:
        return api.post(
            f"/api/oversight/recommendations/{rec_id}/sanctions",
            json.dumps(body),
            content_type="application/json",
        )

    unknown, answer = post(UNKNOWN), post(theirs.pk)
    assert unknown.status_code == answer.status_code == 404
    assert answer.json() == unknown.json()
    page = "/oversight/recommendations/{}/sanctions/"
    unknown = _session(world.monitor_a).post(page.format(UNKNOWN), body)
    answer = _session(world.monitor_a).post(page.format(theirs.pk), body)
    assert unknown.status_code == answer.status_code == 302
    assert answer["Location"] == unknown["Location"]
    assert _flash(answer) == _flash(unknown) and _flash(answer)
    assert not Sanction.objects.exists()
