"""Working days for legal terms: weekends and the administrator's holidays do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from senim.core.calendar import add_working_days


def test_a_term_skips_weekends_and_holidays() -> None:
    friday = dt.date(2026, 12, 11)
    assert add_working_days(friday, 1, days_off=[]) == dt.date(2026, 12, 14)
    assert add_working_days(friday, 3, days_off=[dt.date(2026, 12, 16)]) == dt.date(2026, 12, 17)
    assert add_working_days(friday, 0, days_off=[]) == friday


def test_a_negative_term_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 1, 1), -1, days_off=[])


@pytest.mark.django_db
def test_the_shipped_calendar_holds_the_public_holidays() -> None:
    from senim.core.models import Holiday

    assert Holiday.objects.filter(day=dt.date(2026, 12, 16), name_en="Independence Day").exists()
    # Nauryz on a weekend: the days off move to the next working days (Labour Code).
    assert Holiday.objects.filter(day=dt.date(2026, 3, 25)).exists()
