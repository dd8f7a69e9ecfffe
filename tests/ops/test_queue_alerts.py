"""`senim queue_alerts`: one warning before the target and one alert at the miss, never twice,
even with two workers; a failed send is retried."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from senim.ops import alerts, services
from senim.ops.models import CallAlert
from tests.ops.conftest import World, make_unit


def _urgent_call(world: World, send_call: Any, minutes_ago: float) -> Any:
    call = send_call(received_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    services.grade_call(user=world.duty, pk=call.pk, grade="urgent")  # 20 minutes in Almaty
    return call


def test_a_call_left_alone_gets_one_warning_then_one_breach_alert(
    world: World, send_call: Any
) -> None:
    world.duty.email = "duty@example.kz"
    world.duty.save()
    call = _urgent_call(world, send_call, minutes_ago=16)  # past 75 % of 20 minutes
    first = alerts.run()
    assert first.raised == {"warning": 1, "breach": 0} and first.sent == 1
    assert alerts.run().sent == 0  # nothing new: no second warning
    later = alerts.run(timezone.now() + dt.timedelta(minutes=5))
    assert later.raised == {"warning": 0, "breach": 1} and later.sent == 1
    assert alerts.run(timezone.now() + dt.timedelta(minutes=30)).sent == 0
    stages = list(CallAlert.objects.filter(appeal_id=call.pk).values_list("stage", flat=True))
    assert sorted(stages) == ["breach", "warning"]
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["duty@example.kz"]
    assert call.external_id in mail.outbox[0].body


def test_an_attended_call_raises_nothing(world: World, send_call: Any) -> None:
    unit = make_unit(world.d1, "A-01")
    call = _urgent_call(world, send_call, minutes_ago=5)
    services.dispatch(user=world.duty, pk=call.pk, unit_id=unit.pk)
    services.on_scene(user=world.duty, pk=call.pk)
    assert alerts.run(timezone.now() + dt.timedelta(hours=2)).raised == {}


def test_a_failed_send_is_given_back_and_sent_on_the_next_run(
    world: World, send_call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.duty.email = "duty@example.kz"
    world.duty.save()
    _urgent_call(world, send_call, minutes_ago=16)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(alerts, "send_mail", broken)
    assert alerts.run().failed == 1
    assert CallAlert.objects.get().sent_at is None
    monkeypatch.undo()
    assert alerts.run().sent == 1 and len(mail.outbox) == 1


def test_the_command_reports_what_it_did(
    world: World, send_call: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _urgent_call(world, send_call, minutes_ago=25)
    call_command("queue_alerts")
    assert "breach 1" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real workers need PostgreSQL")
def test_two_workers_at_once_send_each_alert_once(
    audit_log_flushable: None, world: World, send_call: Any
) -> None:
    world.duty.email = "duty@example.kz"
    world.duty.save()
    for minutes in (16, 17, 18, 25, 30):
        _urgent_call(world, send_call, minutes_ago=minutes)
    alerts.raise_due(timezone.now())  # rows exist; now two workers race to send them
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            sent.append(alerts.send_pending(timezone.now())[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == CallAlert.objects.count() == 7  # 5 warnings + 2 breaches
    assert len(mail.outbox) == 7
