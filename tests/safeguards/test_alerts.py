"""`senim alerts`: 75 % and breach, to the region's prosecutors, once however often it runs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from senim.safeguards.models import SentAlert
from senim.safeguards.services import alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def prosecutors(users: Any, make_user: Any, territory: Any) -> Any:
    users["prosecutor_a"].email = "a@prokuror.kz"
    users["prosecutor_a"].save()
    other = make_user("prosecutor", region=territory.region_b, email="b@prokuror.kz")
    return users["prosecutor_a"], other


def test_running_twice_notifies_once_and_only_the_regions_prosecutors(
    make_custody: Any, prosecutors: Any
) -> None:
    now = timezone.now()
    make_custody(detained_at=now - dt.timedelta(hours=40))  # adult at 83 %
    make_custody(
        detained_at=now - dt.timedelta(hours=25), birth_date=dt.date(2010, 1, 1)
    )  # minor, over
    out = io.StringIO()
    call_command("alerts", stdout=out)
    assert "alerts sent: 2" in out.getvalue()
    assert len(mail.outbox) == 2
    assert all(m.to == ["a@prokuror.kz"] for m in mail.outbox)
    subjects = " ".join(m.subject for m in mail.outbox)
    assert "[Senim]" in subjects
    assert all("P-" in m.body for m in mail.outbox)  # a pseudonym, never a name or an IIN
    call_command("alerts", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert sorted(SentAlert.objects.values_list("kind", flat=True)) == [
        "custody_breach",
        "custody_warning",
    ]


def test_a_warning_then_later_the_breach_each_once(make_custody: Any, prosecutors: Any) -> None:
    start = timezone.now() - dt.timedelta(hours=37)
    record = make_custody(detained_at=start)
    alerts.run(now=start + dt.timedelta(hours=37))
    alerts.run(now=start + dt.timedelta(hours=47))
    alerts.run(now=start + dt.timedelta(hours=49))
    alerts.run(now=start + dt.timedelta(hours=50))
    kinds = list(record.alerts.order_by("due_at").values_list("kind", flat=True))
    assert kinds == ["custody_warning", "custody_breach"]
    assert len(mail.outbox) == 2


def test_a_record_released_in_time_sends_nothing_and_old_history_is_not_replayed(
    make_custody: Any, prosecutors: Any
) -> None:
    now = timezone.now()
    make_custody(
        detained_at=now - dt.timedelta(hours=40),
        released_at=now - dt.timedelta(hours=20),
        prosecutor_notified_at=now - dt.timedelta(hours=39),
        prosecutor_notice_in_writing=True,
    )
    make_custody(detained_at=now - dt.timedelta(days=30))  # breached weeks ago
    assert alerts.run(now=now).total == 0
    assert mail.outbox == []


def test_the_prosecutor_not_told_within_12_hours_is_an_alert(
    make_custody: Any, prosecutors: Any
) -> None:
    now = timezone.now()
    record = make_custody(
        detained_at=now - dt.timedelta(hours=13),
        recorded_at=now - dt.timedelta(hours=13),
        prosecutor_notified_at=None,
    )
    result = alerts.run(now=now)
    assert result.sent == {"prosecutor_breach": 1}
    assert record.alerts.get().kind == "prosecutor_breach"


def test_a_failed_send_is_retried_on_the_next_run(make_custody: Any, prosecutors: Any) -> None:
    now = timezone.now()
    make_custody(detained_at=now - dt.timedelta(hours=40))
    with mock.patch("senim.safeguards.services.alerts.send_mail", side_effect=OSError("smtp down")):
        failed = alerts.run(now=now)
    assert failed.failed == 1 and not SentAlert.objects.exists()
    assert alerts.run(now=now).total == 1 and len(mail.outbox) == 1
