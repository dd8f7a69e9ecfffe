"""`senim queue_alerts`: warn before a call's target is missed, and again when it is.

Two phases, like healthchecks' `sendalerts`: first every open call whose clock crossed the warning
share or its deadline gets a CallAlert row per stage (the unique key (appeal, stage) makes a second
run, or a second worker, a no-op); then each unsent row is claimed with a compare-and-swap UPDATE
(`sent_at` from NULL to now) and only the worker whose UPDATE changed the row sends it. A failed
send un-claims the row, so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from senim.core.models import Role, User
from senim.ops.models import AlertStage, CallAlert
from senim.ops.selectors import clock
from senim.register.models import OPEN_APPEAL_STATUSES, Appeal, Grade

log = logging.getLogger(__name__)
LANGUAGES = ("kk", "ru")


@dataclass
class AlertRun:
    raised: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    failed: int = 0


def raise_due(now: dt.datetime) -> dict[str, int]:
    """Insert the alerts whose threshold has passed; existing ones are left alone."""
    grades = {g.pk: g for g in Grade.objects.all()}
    candidates = (
        Appeal.objects.filter(status__in=sorted(OPEN_APPEAL_STATUSES), due_at__isnull=False)
        .exclude(pk__in=CallAlert.objects.filter(stage=AlertStage.BREACH).values("appeal_id"))
        .only(
            "id",
            "received_at",
            "due_at",
            "grade_id",
            "arrived_at",
            "closed_at",
            "region_id",
            "district_id",
            "status",
        )
    )
    new: list[CallAlert] = []
    for appeal in candidates.iterator(chunk_size=2000):
        c = clock(appeal, now, grades.get(appeal.grade_id) if appeal.grade_id else None)
        if not c.running or c.warn_at is None or c.due_at is None:
            continue
        stages = []
        if now >= c.warn_at:
            stages.append((AlertStage.WARNING, c.warn_at))
        if now >= c.due_at:
            stages.append((AlertStage.BREACH, c.due_at))
        for stage, threshold in stages:
            new.append(
                CallAlert(
                    appeal_id=appeal.pk,
                    stage=stage,
                    region_id=appeal.region_id,
                    district_id=appeal.district_id,
                    threshold_at=threshold,
                    created_at=now,
                )
            )
    before = CallAlert.objects.count()
    CallAlert.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    raised: dict[str, int] = {}
    if CallAlert.objects.count() != before:
        for value in AlertStage.values:
            raised[value] = CallAlert.objects.filter(created_at=now, stage=value).count()
    return raised


def _recipients(alert: CallAlert) -> list[str]:
    """Duty officers whose level covers the call: its district, its oblast and the Centre."""
    return sorted(
        User.objects.filter(role=Role.DUTY_OFFICER, is_active=True)
        .filter(
            Q(district_id=alert.district_id)
            | Q(region_id=alert.region_id, district__isnull=True)
            | Q(region__isnull=True, district__isnull=True)
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _message(alert: CallAlert) -> tuple[str, str]:
    appeal = alert.appeal
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            label = str(AlertStage(alert.stage).label)
            subjects.append(label)
            bodies.append(
                "\n".join(
                    [
                        f"{label}: {appeal.source_system} {appeal.external_id}",
                        f"{_('Received')}: {timezone.localtime(appeal.received_at):%Y-%m-%d %H:%M}",
                        f"{_('Due')}: {timezone.localtime(appeal.due_at):%Y-%m-%d %H:%M}"
                        if appeal.due_at
                        else "",
                        f"{_('Territory')}: {appeal.district.name if appeal.district else appeal.region.name}",
                    ]
                )
            )
    return f"[Senim] {' / '.join(subjects)}", "\n\n---\n\n".join(bodies)


def send_pending(now: dt.datetime) -> tuple[int, int]:
    sent = failed = 0
    for alert in CallAlert.objects.filter(sent_at__isnull=True).select_related(
        "appeal", "appeal__district", "appeal__region"
    ):
        # The claim: only one worker's UPDATE finds sent_at still empty.
        if not CallAlert.objects.filter(pk=alert.pk, sent_at__isnull=True).update(sent_at=now):
            continue
        recipients = _recipients(alert)
        try:
            if recipients:
                subject, body = _message(alert)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:
            log.exception("queue alert %s not sent", alert.pk)
            CallAlert.objects.filter(pk=alert.pk, sent_at=now).update(sent_at=None)
            failed += 1
            continue
        CallAlert.objects.filter(pk=alert.pk).update(recipients=recipients)
        sent += 1
    return sent, failed


def run(now: dt.datetime | None = None) -> AlertRun:
    now = now or timezone.now()
    result = AlertRun(raised=raise_due(now))
    result.sent, result.failed = send_pending(now)
    return result


def acknowledge(*, user: User, pk: int, level_filter: object = None) -> CallAlert | None:
    """A duty officer answers an alert; None when it is not in their territory."""
    from senim.core.scope import scoped

    alert = scoped(user, CallAlert.objects.filter(pk=pk)).first()
    if alert is None:
        return None
    if alert.acknowledged_at is None:
        CallAlert.objects.filter(pk=pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=user.get_username()
        )
        alert.refresh_from_db()
    return alert
