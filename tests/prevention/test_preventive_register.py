"""The preventive register: a person is put on it within the inspector's sector, contacts fall
due on the category's schedule, every write is audited, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.iin import iin_hash
from senim.core.models import AuditEntry, Person
from senim.prevention import selectors, services
from senim.prevention.models import Contact, Supervision
from tests.prevention.conftest import OTHER_IIN, VALID_IIN, Place, person_form


def test_a_person_goes_on_the_register_with_the_first_contact_due(place: Place) -> None:
    s = services.supervision_open(user=place.inspector, form=person_form(place))
    assert s.sector == place.s1 and s.district == place.d1 and s.region == place.almaty
    assert s.person.iin_hash == iin_hash(VALID_IIN) and s.person.birth_date == dt.date(1990, 1, 1)
    # Started 200 days ago, monthly contacts: the first is owed today, not in the past.
    (contact,) = s.contacts.all()
    assert contact.due_on == timezone.localdate() and contact.done_at is None
    entry = AuditEntry.objects.filter(model="prevention.Supervision").get()
    assert entry.action == "create" and entry.details == {
        "category": "admin_supervision",
        "sector": place.s1.code,
    }
    assert VALID_IIN not in str(entry.details) and "Abai" not in str(entry.details)


def test_a_contact_is_recorded_and_the_next_falls_due_on_the_schedule(place: Place) -> None:
    s = services.supervision_open(user=place.inspector, form=person_form(place))
    today = timezone.localdate()
    services.contact_record(
        user=place.inspector, supervision_id=s.pk, form={"kind": "home_visit", "outcome": "met"}
    )
    done, due = list(s.contacts.order_by("due_on", "pk"))
    assert done.outcome == "met" and done.done_at is not None
    assert due.due_on == today + dt.timedelta(days=30) and due.done_at is None
    # Nobody at home: the next visit is due within a week, not a month.
    services.contact_record(
        user=place.inspector,
        supervision_id=s.pk,
        form={"kind": "home_visit", "outcome": "not_found"},
    )
    open_ = s.contacts.get(done_at__isnull=True)
    assert open_.due_on == today + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "astrology"}, "category"),
        ({"iin": "900101300018"}, "iin"),  # wrong check digit
        ({"iin": ""}, "iin"),
        ({"basis": "order\x07"}, "basis"),
        ({"basis": "x" * 201}, "basis"),
        ({"started_on": "2026-02-30"}, "started_on"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"ends_on": "2000-01-02"}, "ends_on"),  # before the start
        ({"address": ""}, "address"),
        ({"lat": "north"}, "lat"),
        ({"lat": "51.5", "lon": "-0.1"}, "lon"),  # London
        ({"lat": "51.128", "lon": "71.43"}, "lat"),  # Astana: not the sector's district
        ({"sector": "KZ-75-NOWHERE-S01"}, "sector"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(
    place: Place, change: dict[str, str], field: str
) -> None:
    with pytest.raises(Invalid) as error:
        services.supervision_open(user=place.inspector, form=person_form(place, **change))
    assert error.value.field == field
    assert not Supervision.objects.exists() and not Contact.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(model="prevention.Supervision").exists()


def test_the_same_person_twice_in_one_category_is_refused(place: Place) -> None:
    services.supervision_open(user=place.inspector, form=person_form(place))
    with pytest.raises(Invalid, match="already on the register") as error:
        services.supervision_open(user=place.inspector, form=person_form(place))
    assert error.value.field == "iin"
    services.supervision_open(user=place.inspector, form=person_form(place, category="juvenile"))
    assert Supervision.objects.count() == 2


def test_an_inspector_works_only_in_their_own_sector(place: Place) -> None:
    with pytest.raises(Forbidden):
        services.supervision_open(
            user=place.inspector, form=person_form(place, sector=place.s1b.code)
        )
    theirs = services.supervision_open(
        user=place.colleague, form=person_form(place, sector=place.s1b.code, iin=OTHER_IIN)
    )
    # Not visible, not writable: the same answer as for a record that does not exist.
    assert not selectors.supervisions(place.inspector).filter(pk=theirs.pk).exists()
    with pytest.raises(NotFound):
        services.contact_record(
            user=place.inspector,
            supervision_id=theirs.pk,
            form={"kind": "phone", "outcome": "met"},
        )
    assert theirs.contacts.filter(done_at__isnull=False).count() == 0


def test_roles_without_the_register_cannot_write(place: Place) -> None:
    for user in (place.duty, place.analyst):
        with pytest.raises(Forbidden):
            services.supervision_open(user=user, form=person_form(place))
    assert not Supervision.objects.exists()


def test_taking_off_the_register_ends_the_owed_contacts(place: Place) -> None:
    s = services.supervision_open(user=place.inspector, form=person_form(place))
    with pytest.raises(Invalid) as error:
        services.supervision_end(user=place.inspector, supervision_id=s.pk, form={"reason": "x"})
    assert error.value.field == "reason"
    services.supervision_end(user=place.inspector, supervision_id=s.pk, form={"reason": "moved"})
    s.refresh_from_db()
    assert s.status == "ended" and s.ended_on == timezone.localdate() and s.end_reason == "moved"
    assert not s.contacts.filter(done_at__isnull=True).exists()
    with pytest.raises(Invalid, match="taken off"):
        services.contact_record(
            user=place.inspector, supervision_id=s.pk, form={"kind": "phone", "outcome": "met"}
        )


def test_a_contact_needs_a_kind_an_outcome_and_a_date_not_before_the_register(
    place: Place,
) -> None:
    s = services.supervision_open(user=place.inspector, form=person_form(place))
    bad = [
        ({"kind": "telepathy", "outcome": "met"}, "kind"),
        ({"kind": "phone", "outcome": ""}, "outcome"),
        ({"kind": "phone", "outcome": "met", "done_on": "2001-01-01"}, "done_on"),
        ({"kind": "phone", "outcome": "met", "note": "\x1b[31m"}, "note"),
    ]
    for form, field in bad:
        with pytest.raises(Invalid) as error:
            services.contact_record(user=place.inspector, supervision_id=s.pk, form=form)
        assert error.value.field == field
    assert not s.contacts.filter(done_at__isnull=False).exists()
