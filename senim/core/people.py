"""People named by IIN: found by the keyed hash, or made new; the IIN itself is never stored."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from senim.core.iin import InvalidIIN, iin_hash, parse_iin
from senim.core.models import Person

__all__ = ["person_from", "save_person"]


def person_from(
    *, iin: str | None, birth_date: dt.date | None, sex: str = ""
) -> tuple[Person | None, dt.date | None, list[tuple[str, str]]]:
    """The person an IIN names (created if new), the birth date to use, and any problems.

    Only the keyed hash of the IIN is stored. Without an IIN (e.g. a foreigner) a new,
    unlinked person is created from the birth date when the record is written.
    """
    if iin:
        try:
            info = parse_iin(iin)
        except InvalidIIN as error:
            return None, None, [("iin", str(error))]
        if birth_date is not None and info.birth_date is not None and birth_date != info.birth_date:
            return None, None, [("birth_date", _("does not match the birth date in the IIN"))]
        person = Person.objects.filter(iin_hash=iin_hash(iin)).first()
        if person is None:
            person = Person(
                iin_hash=iin_hash(iin),
                birth_date=info.birth_date or birth_date,
                sex=info.sex or sex,
            )
        return person, person.birth_date, []
    if birth_date is None:
        return None, None, [("birth_date", _("give the IIN or, without one, the birth date"))]
    return Person(birth_date=birth_date, sex=sex), birth_date, []


def save_person(person: Person | None) -> Person | None:
    if person is not None and person.pk is None:
        person.save()
    return person
