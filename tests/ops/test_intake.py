"""Calls from the channels: one or a batch, idempotent, scope-checked, field-level errors,
warnings from history, and the legal term of a written appeal in working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from senim.core.geo import place_key
from senim.core.iin import iin_hash
from senim.core.models import Holiday, Person
from senim.ops.intake import intake
from senim.register.models import Appeal, AppealEvent, Offence, OffenceParty
from tests.ops.conftest import World

VALID_IIN = "900101300017"  # a checksum-valid synthetic IIN (tests/core/test_iin_validation.py)


def _row(world: World, n: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "source_system": "app-102",
        "external_id": f"X-{n}",
        "channel": "app_video_102",
        "category": "public_order",
        "lat": world.d1.lat,
        "lon": world.d1.lon,
    } | extra


def test_a_batch_stores_the_good_calls_and_names_the_field_of_each_bad_one(world: World) -> None:
    rows = [
        _row(world, 1),
        _row(world, 2, channel="pigeon"),
        _row(world, 3, lat=51.5, lon=-0.1),  # London
        _row(world, 4, caller_iin="900101300018"),  # wrong check digit
        _row(world, 5, summary="fight\x00"),
        _row(world, 6, summary="x" * 501),
        _row(world, 7, received_at=(timezone.now() + dt.timedelta(hours=2)).isoformat()),
        _row(world, 8, lat=world.d1.lat),  # no longitude
        _row(world, 9, colour="red"),
        _row(world, 10),
    ]
    rows[7].pop("lon")
    rows[9].pop("lat"), rows[9].pop("lon")  # neither coordinates nor a territory
    outcomes = intake(user=world.centre, rows=rows)
    assert [(o.status, o.errors[0][0] if o.errors else "") for o in outcomes] == [
        (201, ""),
        (422, "channel"),
        (422, "lat"),
        (422, "caller_iin"),
        (422, "summary"),
        (422, "summary"),
        (422, "received_at"),
        (422, "lon"),
        (422, "colour"),
        (422, "lat"),
    ]
    assert "outside Kazakhstan" in outcomes[2].errors[0][1]
    assert Appeal.objects.count() == 1
    stored = Appeal.objects.get()
    assert (stored.status, stored.region_id, stored.district_id) == (
        "received",
        world.almaty.pk,
        world.d1.pk,
    )
    assert AppealEvent.objects.filter(appeal=stored, kind="received").count() == 1


def test_sending_the_same_call_again_answers_with_its_id_and_other_content_is_a_conflict(
    world: World,
) -> None:
    first = intake(user=world.centre, rows=[_row(world)])[0]
    again = intake(user=world.centre, rows=[_row(world)])[0]
    changed = intake(user=world.centre, rows=[_row(world, category="noise")])[0]
    assert (first.status, again.status, again.id) == (201, 200, first.id)
    assert changed.status == 409 and changed.errors[0][0] == "external_id"
    assert Appeal.objects.count() == 1 and AppealEvent.objects.count() == 1
    twice = intake(user=world.centre, rows=[_row(world, 2), _row(world, 2)])
    assert [o.status for o in twice] == [201, 200] and twice[0].id == twice[1].id


def test_a_key_in_look_alike_letters_is_the_same_call_and_an_invisible_one_is_refused(
    world: World,
) -> None:
    """Keys are stored as a file load stores them: the look-alike key finds the stored call
    (its content, hashed as sent, differs: a conflict, never a second call)."""
    first = intake(user=world.centre, rows=[_row(world, external_id="XA-1")])[0]
    twin = intake(user=world.centre, rows=[_row(world, external_id="ХА-１")])[0]  # Cyrillic
    hidden = intake(user=world.centre, rows=[_row(world, external_id="XA\u200b-2")])[0]
    assert (first.status, twin.status) == (201, 409)
    assert (hidden.status, hidden.errors[0][0]) == (422, "external_id")
    assert Appeal.objects.filter(source_system="app-102").count() == 1


def test_a_district_sender_may_not_send_another_districts_call(world: World) -> None:
    outcome = intake(user=world.duty, rows=[_row(world, lat=world.d2.lat, lon=world.d2.lon)])[0]
    assert outcome.status == 403 and Appeal.objects.count() == 0
    assert intake(user=world.duty, rows=[_row(world)])[0].status == 201


def test_history_warns_of_a_repeat_place_caller_and_victim(world: World) -> None:
    for n in range(3):
        intake(user=world.centre, rows=[_row(world, 100 + n, caller_phone="+7 701 555 00 11")])
    # The caller was a victim of an offence registered last month.
    person = Person.objects.create(iin_hash=iin_hash(VALID_IIN))
    offence = Offence.objects.create(
        source_system="t",
        external_id="O-1",
        kind="crime",
        article_id=1,
        region=world.almaty,
        occurred_at=timezone.now() - dt.timedelta(days=30),
        registered_at=timezone.now() - dt.timedelta(days=30),
        place_type="street",
        status="registered",
    )
    OffenceParty.objects.create(offence=offence, person=person, role="victim")
    new = intake(user=world.centre, rows=[_row(world, 200, caller_iin=VALID_IIN)])[0]
    again = intake(user=world.centre, rows=[_row(world, 201, caller_phone="87015550011")])[0]
    assert Appeal.objects.get(pk=new.id).warnings == {"place": 3, "caller": 0, "victim": 1}
    # The same number written another way is the same caller.
    assert Appeal.objects.get(pk=again.id).warnings == {"place": 4, "caller": 3, "victim": 0}
    assert Appeal.objects.get(pk=again.id).caller_hash not in {"", None, "87015550011"}


def test_a_place_key_joins_points_a_few_metres_apart_only() -> None:
    assert place_key(43.25, 76.92) == place_key(43.25001, 76.92001)
    assert place_key(43.25, 76.92) != place_key(43.251, 76.92)


def test_a_written_appeal_is_due_after_fifteen_working_days_around_holidays(world: World) -> None:
    Holiday.objects.update_or_create(
        day=dt.date(2026, 3, 24), defaults={"name_kk": "x", "name_ru": "x", "name_en": "x"}
    )
    received = timezone.make_aware(dt.datetime(2026, 3, 20, 15, 0))  # a Friday, Almaty time
    outcome = intake(
        user=world.centre,
        rows=[_row(world, channel="e_otinish", received_at=received.isoformat())],
        now=received + dt.timedelta(minutes=1),
    )[0]
    appeal = Appeal.objects.get(pk=outcome.id)
    # Working days after 20 March, with the shipped Nauryz days off (21-25 March): 26, 27, 30, 31
    # March, 1-3, 6-10, 13-15 April → the 15th is 15 April; due at the end of that day.
    assert timezone.localtime(appeal.due_at) == timezone.make_aware(dt.datetime(2026, 4, 16, 0, 0))
    assert appeal.priority == 100  # behind every graded call in the queue


@pytest.mark.parametrize("phone", ["12345", "+7 (701) abc"])
def test_a_phone_that_is_not_a_number_is_refused(world: World, phone: str) -> None:
    outcome = intake(user=world.centre, rows=[_row(world, caller_phone=phone)])[0]
    assert outcome.status == 422 and outcome.errors[0][0] == "caller_phone"
