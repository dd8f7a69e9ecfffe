"""Writes stay in the writer's territory and say nothing of others' (issue 16 item 6): a complaint
key already recorded in another region gets the same conflict, field and message as a resend with
other content, and never that region's record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import User
from senim.safeguards.errors import Conflict, Forbidden, NotFound
from senim.safeguards.models import Complaint
from senim.safeguards.services import complaints

pytestmark = pytest.mark.django_db


def _data(places: Any, **fields: Any) -> complaints.ComplaintInput:
    values: dict[str, Any] = {
        "source_system": "ombudsman",
        "external_id": "K-1",
        "received_at": timezone.now() - dt.timedelta(days=3),
        "channel": "terminal",
        "stage": "penitentiary",
        "facility_id": places.colony_a.pk,
        "event_date": dt.date(2025, 5, 10),
        "summary": "beaten in the shower room",
    }
    return complaints.ComplaintInput(**(values | fields))


def test_a_key_of_another_region_answers_like_any_conflict_and_shows_nothing(
    users: dict[str, User], places: Any, territory: Any
) -> None:
    when = timezone.now() - dt.timedelta(days=3)
    mine, created = complaints.create(
        user=users["prosecutor_a"], data=_data(places, received_at=when)
    )
    assert created
    other = User.objects.create(
        username="prosecutor-b", role="prosecutor", region=territory.region_b
    )
    # Same key, time and channel, filed in region B: not B's record to be told about.
    with pytest.raises(Conflict) as elsewhere:
        complaints.create(
            user=other, data=_data(places, received_at=when, facility_id=places.ivs_b.pk)
        )
    with pytest.raises(Conflict) as at_home:
        complaints.create(
            user=users["prosecutor_a"], data=_data(places, received_at=when, channel="e_otinish")
        )
    assert (elsewhere.value.status, elsewhere.value.field, elsewhere.value.message) == (
        at_home.value.status,
        at_home.value.field,
        at_home.value.message,
    )
    assert Complaint.objects.count() == 1 and Complaint.objects.get().pk == mine.pk


def test_a_complaint_about_a_facility_of_another_region_is_refused(
    users: dict[str, User], places: Any
) -> None:
    with pytest.raises(Forbidden) as refused:
        complaints.create(
            user=users["prosecutor_a"],
            data=_data(places, external_id="K-2", facility_id=places.ivs_b.pk),
        )
    assert refused.value.field == "region"
    assert not Complaint.objects.exists()


def test_a_step_on_another_regions_complaint_is_the_same_404_as_on_none(
    users: dict[str, User], places: Any, territory: Any
) -> None:
    theirs, _created = complaints.create(user=users["prosecutor_a"], data=_data(places))
    other = User.objects.create(
        username="prosecutor-b", role="prosecutor", region=territory.region_b
    )
    answers = []
    for pk in (theirs.pk, theirs.pk + 1000):
        with pytest.raises(NotFound) as refused:
            complaints.record_step(
                user=other, pk=pk, step="forensic", at=timezone.now() - dt.timedelta(hours=1)
            )
        answers.append((refused.value.status, refused.value.field, refused.value.message))
    assert answers[0] == answers[1]
    theirs.refresh_from_db()
    assert theirs.forensic_ordered_at is None
