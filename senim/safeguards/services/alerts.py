"""`senim alerts`: custody clocks at 75 % and at breach, and terminals that went silent.

Run by a timer every few minutes. Each alert is first written to SentAlert, whose unique keys
(record + kind; terminal + kind + start of the outage) make a second run, or a concurrent one,
a no-op; the e-mail goes out in the same transaction, so a failed send is retried next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from senim.core.models import Role, User
from senim.safeguards import conf, rules
from senim.safeguards.models import AlertKind, CustodyRecord, SentAlert, Terminal
from senim.safeguards.services import terminals

log = logging.getLogger(__name__)
# Prosecutors of Kazakhstan work in both state languages; each message carries both.
LANGUAGES = ("kk", "ru")


@dataclass
class AlertRun:
    sent: dict[str, int] = field(default_factory=dict)
    outages_opened: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


@dataclass(frozen=True)
class Due:
    kind: str
    due_at: dt.datetime
    custody: CustodyRecord | None = None
    terminal: Terminal | None = None
    since: dt.datetime | None = None


def due_custody(now: dt.datetime) -> list[Due]:
    """Thresholds crossed within the look-back window; warnings only while still unresolved."""
    horizon = now - conf.ALERT_LOOKBACK
    # The widest clock is 48 h: records detained earlier than that plus the look-back cannot
    # cross anything inside the window.
    recent = CustodyRecord.objects.filter(
        detained_at__gte=horizon - rules.ADULT_LIMIT, detained_at__lte=now
    ).select_related("facility", "region", "person")
    out: list[Due] = []
    for record in recent:
        for clock, warn, breach in (
            (record.custody_clock, AlertKind.CUSTODY_WARNING, AlertKind.CUSTODY_BREACH),
            (record.prosecutor_clock, AlertKind.PROSECUTOR_WARNING, AlertKind.PROSECUTOR_BREACH),
        ):
            state = clock.state(now)
            if state in {"late", "breached"} and horizon <= clock.deadline <= now:
                out.append(Due(str(breach), clock.deadline, custody=record))
            elif state in {"warning", "breached"} and horizon <= clock.warn_at <= now:
                out.append(Due(str(warn), clock.warn_at, custody=record))
    return out


def _recipients(region_id: int) -> list[str]:
    return sorted(
        User.objects.filter(role=Role.PROSECUTOR, region_id=region_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _message(due: Due) -> tuple[str, str]:
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subjects.append(str(AlertKind(due.kind).label))
            bodies.append(_body(due))
    return f"[Senim] {' / '.join(subjects)}", "\n\n---\n\n".join(bodies)


def _body(due: Due) -> str:
    """The facts a prosecutor acts on; the person appears only by pseudonym."""
    lines: list[tuple[str, str]]
    if due.custody is not None:
        r = due.custody
        lines = [
            (str(AlertKind(due.kind).label), str(r.person)),
            (_("Facility"), f"{r.facility.display_name} ({r.region.name})"),
            (_("Actual detention time"), rules.local(r.detained_at)),
            (_("Record drawn up"), rules.local(r.recorded_at)),
            (_("Minor"), _("yes") if r.is_minor else _("no")),
            (_("Threshold"), rules.local(due.due_at)),
        ]
    else:
        t = due.terminal
        assert t is not None and due.since is not None
        lines = [
            (str(AlertKind(due.kind).label), f"{t.serial} ({t.get_kind_display()})"),
            (_("Facility"), f"{t.facility.display_name} ({t.region.name})"),
            (_("Silent since"), rules.local(due.since)),
        ]
    return "\n".join(f"{label}: {value}" for label, value in lines)


def _send(due: Due, now: dt.datetime) -> bool:
    """Record and send one alert; False when it had already been sent."""
    subject = due.custody or due.terminal
    assert subject is not None
    region_id = subject.region_id
    recipients = _recipients(region_id)
    try:
        with transaction.atomic():
            SentAlert.objects.create(
                kind=due.kind,
                custody=due.custody,
                terminal=due.terminal,
                since=due.since,
                region_id=region_id,
                district_id=getattr(subject, "district_id", None)
                or getattr(getattr(subject, "facility", None), "district_id", None),
                due_at=due.due_at,
                sent_at=now,
                recipients=recipients,
            )
            if recipients:
                title, body = _message(due)
                send_mail(title, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except IntegrityError:
        return False
    return True


def run(*, now: dt.datetime | None = None) -> AlertRun:
    now = now or timezone.now()
    result = AlertRun()
    result.outages_opened = terminals.detect_outages(now=now)
    due = due_custody(now) + [
        Due(str(AlertKind.TERMINAL_OUTAGE), o.detected_at, terminal=o.terminal, since=o.started_at)
        for o in terminals.open_outages().filter(Q(detected_at__gte=now - conf.ALERT_LOOKBACK))
    ]
    already = _already_sent(due)
    for item in due:
        if _key(item) in already:
            continue
        try:
            if _send(item, now):
                result.sent[item.kind] = result.sent.get(item.kind, 0) + 1
        except Exception:  # a mail server failure must not stop the other alerts
            log.exception("alert %s could not be sent; it will be retried", item.kind)
            result.failed += 1
    return result


def _key(due: Due) -> tuple[object, ...]:
    if due.custody is not None:
        return ("c", due.custody.pk, due.kind)
    assert due.terminal is not None
    return ("t", due.terminal.pk, due.kind, due.since)


def _already_sent(due: list[Due]) -> set[tuple[object, ...]]:
    """Keys already in the table, read in two queries so a quiet run costs almost nothing."""
    custody_ids = [d.custody.pk for d in due if d.custody is not None]
    terminal_ids = [d.terminal.pk for d in due if d.terminal is not None]
    keys: set[tuple[object, ...]] = {
        ("c", c, k)
        for c, k in SentAlert.objects.filter(custody_id__in=custody_ids).values_list(
            "custody_id", "kind"
        )
    }
    keys |= {
        ("t", t, k, s)
        for t, k, s in SentAlert.objects.filter(terminal_id__in=terminal_ids).values_list(
            "terminal_id", "kind", "since"
        )
    }
    return keys
