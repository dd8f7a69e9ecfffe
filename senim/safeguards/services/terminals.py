"""Complaint terminals and payphones: inventory, heartbeats, outages, failures by region.

Seed 004 §5 found over a hundred terminals out of order in 2025 only through visits, and asked
for automatic notification when one is cut off; a terminal therefore reports a heartbeat, and
`senim alerts` opens an outage (and notifies) when it has been silent too long.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.api_auth import hash_token
from senim.core.models import Region, User
from senim.core.scope import allowed_region_ids
from senim.safeguards import conf, rules
from senim.safeguards.access import TERMINAL_ADMIN, TERMINAL_READ, TERMINAL_REPORT
from senim.safeguards.errors import Conflict, Invalid, NotFound
from senim.safeguards.models import Terminal, TerminalKind, TerminalOutage, VisitingBody
from senim.safeguards.reference import TERMINAL_FAILURES_2025
from senim.safeguards.services.common import (
    aware,
    check_territory,
    facility_for_write,
    in_scope,
    label,
    require,
)


def register(
    *, user: User, facility_id: int, kind: str, serial: str, installed_on: dt.date | None = None
) -> Terminal:
    require(user, TERMINAL_ADMIN, _("Only administrators register terminals."))
    if kind not in TerminalKind.values:
        raise Invalid(
            "kind", _("must be one of: %(allowed)s") % {"allowed": ", ".join(TerminalKind.values)}
        )
    facility = facility_for_write(user, facility_id)
    try:
        with transaction.atomic():
            terminal = Terminal.objects.create(
                facility=facility,
                region_id=facility.region_id,
                kind=kind,
                serial=serial.strip(),
                installed_on=installed_on,
            )
            audit.record(
                action="create",
                model=label(Terminal),
                object_pk=terminal.pk,
                actor=user.get_username(),
            )
    except IntegrityError:
        raise Conflict(
            "serial", _("A terminal with this serial number is already registered.")
        ) from None
    return terminal


def issue_token(*, user: User, terminal_id: int) -> str:
    """A new device token (shown once; only its hash is kept); the old one stops working."""
    require(user, TERMINAL_ADMIN, _("Only administrators register terminals."))
    terminal = Terminal.objects.filter(pk=terminal_id).first()
    if terminal is None:
        raise NotFound("", _("No such terminal."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Terminal.objects.filter(pk=terminal.pk).update(token_hash=hash_token(token))
        audit.record(
            action="token",
            model=label(Terminal),
            object_pk=terminal.pk,
            actor=user.get_username(),
            details={"reason": "device token issued"},
        )
    return token


def for_token(token: str) -> Terminal | None:
    if not token:
        return None
    return Terminal.objects.filter(token_hash=hash_token(token), active=True).first()


def heartbeat(*, terminal: Terminal, now: dt.datetime | None = None) -> TerminalOutage | None:
    """Note that the terminal is alive; returns the outage this heartbeat ended, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        Terminal.objects.filter(pk=terminal.pk).update(last_heartbeat_at=now)
        outage = (
            TerminalOutage.objects.select_for_update()
            .filter(terminal=terminal, ended_at=None)
            .first()
        )
        if outage is not None:
            outage.ended_at = now
            outage.save(update_fields=["ended_at"])
    return outage


def _silent_since(terminal: Terminal) -> dt.datetime | None:
    if terminal.last_heartbeat_at is not None:
        return terminal.last_heartbeat_at
    if terminal.installed_on is not None:  # installed but never heard from
        return timezone.make_aware(dt.datetime.combine(terminal.installed_on, dt.time.min))
    return None


def detect_outages(*, now: dt.datetime) -> int:
    """Open an outage for every terminal in service silent longer than the limit."""
    limit = now - conf.TERMINAL_OUTAGE_AFTER
    silent = (
        Terminal.objects.filter(active=True)
        .filter(
            Q(last_heartbeat_at__lt=limit) | Q(last_heartbeat_at=None, installed_on__isnull=False)
        )
        .exclude(Exists(TerminalOutage.objects.filter(terminal=OuterRef("pk"), ended_at=None)))
    )
    opened = 0
    for terminal in silent:
        since = _silent_since(terminal)
        if since is None or since >= limit:
            continue
        try:
            with transaction.atomic():
                TerminalOutage.objects.create(
                    terminal=terminal,
                    region_id=terminal.region_id,
                    started_at=since,
                    detected_at=now,
                )
            opened += 1
        except IntegrityError:  # another run opened it a moment ago
            continue
    return opened


REPORT_KINDS = ("outage", "restored")


def report(
    *,
    user: User,
    terminal_id: int,
    kind: str,
    at: dt.datetime,
    now: dt.datetime | None = None,
) -> TerminalOutage:
    """A person reports a device out of order since `at`, or back in order at `at`.

    An outage opens only where none is open; a restoration ends the open one and counts as a
    sign of life, so the heartbeat watch does not reopen it at once for a device that is silent
    by nature (a payphone without a heartbeat). Audit-logged.
    """
    require(user, TERMINAL_REPORT, _("Your role may not report on terminals."))
    now = now or timezone.now()
    if kind not in REPORT_KINDS:
        raise Invalid(
            "kind", _("must be one of: %(allowed)s") % {"allowed": ", ".join(REPORT_KINDS)}
        )
    when = aware(at)
    assert when is not None
    terminal = Terminal.objects.select_related("facility").filter(pk=terminal_id).first()
    if terminal is None:
        raise Invalid("terminal_id", _("No such terminal."))
    check_territory(
        user,
        region_id=terminal.region_id,
        district_id=terminal.facility.district_id,
        field="terminal_id",
    )
    if when > now + rules.FUTURE_SKEW:
        raise Invalid("at", _("%(time)s is in the future") % {"time": rules.local(when)})
    with transaction.atomic():
        current = (
            TerminalOutage.objects.select_for_update()
            .filter(terminal=terminal, ended_at=None)
            .first()
        )
        if kind == "outage":
            if current is not None:
                raise Invalid(
                    "kind",
                    _("The device is already reported out of order since %(time)s.")
                    % {"time": rules.local(current.started_at)},
                )
            if terminal.installed_on is not None and timezone.localtime(when).date() < (
                terminal.installed_on
            ):
                raise Invalid("at", _("is before the device was installed"))
            try:
                with transaction.atomic():
                    outage = TerminalOutage.objects.create(
                        terminal=terminal,
                        region_id=terminal.region_id,
                        started_at=when,
                        detected_at=now,
                    )
            except IntegrityError:  # the heartbeat watch opened one a moment ago
                raise Invalid("kind", _("The device is already reported out of order.")) from None
        else:
            if current is None:
                raise Invalid("kind", _("The device is not reported out of order."))
            if when < current.started_at:
                raise Invalid(
                    "at",
                    _("is before the outage began (%(time)s)")
                    % {"time": rules.local(current.started_at)},
                )
            outage = current
            outage.ended_at = when
            outage.save(update_fields=["ended_at"])
            Terminal.objects.filter(pk=terminal.pk).filter(
                Q(last_heartbeat_at=None) | Q(last_heartbeat_at__lt=when)
            ).update(last_heartbeat_at=when)
        audit.record(
            action="report",
            model=label(Terminal),
            object_pk=terminal.pk,
            actor=user.get_username(),
            details={"kind": kind, "at": when.isoformat(), "outage": outage.pk},
        )
    return outage


def open_outages() -> QuerySet[TerminalOutage]:
    return TerminalOutage.objects.filter(ended_at=None).select_related(
        "terminal", "terminal__facility", "terminal__region"
    )


def inventory(*, user: User) -> QuerySet[Terminal]:
    require(user, TERMINAL_READ, _("Your role does not give access to the terminals."))
    return in_scope(
        user,
        Terminal.objects.select_related("facility", "region"),
        district="facility__district_id",
    )


@dataclass(frozen=True)
class FailureLine:
    region: Region
    terminals: int
    payphones: int
    failed_terminals: int
    failed_payphones: int
    down_now: int
    published_terminals: int | None
    published_payphones: int | None
    # Devices found out of order on a representative's visit: what the seed's by-region
    # figures count ("өкілдер жіберген ұсынымдардың қорытындысы бойынша", §5).
    found_terminals: int = 0
    found_payphones: int = 0


def failures(*, user: User, year: int) -> list[FailureLine]:
    """Per region: devices in service, devices with an outage that began in `year`, down now.

    For 2025 the seed's own counts (§5) stand next to the computed ones.
    """
    require(user, TERMINAL_READ, _("Your role does not give access to the terminals."))
    zone = timezone.get_default_timezone()
    start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    ids = allowed_region_ids(user)
    regions = Region.objects.order_by("iso")
    if ids is not None:
        regions = regions.filter(pk__in=ids)
    mine = inventory(user=user).select_related(None)
    inventory_counts = {
        (r, k): n
        for r, k, n in mine.filter(active=True)
        .values_list("region_id", "kind")
        .annotate(n=Count("id"))
    }
    # A device that failed twice in the year is one failed device, as the seed counts them.
    failed = {
        (r, k): n
        for r, k, n in TerminalOutage.objects.filter(
            terminal__in=mine, started_at__gte=start, started_at__lt=end
        )
        .values_list("region_id", "terminal__kind")
        .annotate(n=Count("terminal_id", distinct=True))
    }
    found = {
        (r, k): n
        for r, k, n in TerminalOutage.objects.filter(
            terminal__in=mine,
            started_at__gte=start,
            started_at__lt=end,
            found_by=VisitingBody.REPRESENTATIVE,
        )
        .values_list("region_id", "terminal__kind")
        .annotate(n=Count("terminal_id", distinct=True))
    }
    down = dict(
        open_outages().filter(terminal__in=mine).values_list("region_id").annotate(n=Count("id"))
    )
    lines = []
    for region in regions:
        published = TERMINAL_FAILURES_2025 if year == 2025 else None
        lines.append(
            FailureLine(
                region=region,
                terminals=inventory_counts.get((region.pk, TerminalKind.COMPLAINT_TERMINAL), 0),
                payphones=inventory_counts.get((region.pk, TerminalKind.PAYPHONE), 0),
                failed_terminals=failed.get((region.pk, TerminalKind.COMPLAINT_TERMINAL), 0),
                failed_payphones=failed.get((region.pk, TerminalKind.PAYPHONE), 0),
                down_now=down.get(region.pk, 0),
                published_terminals=None
                if published is None
                else published["complaint_terminal"].get(region.iso, 0),
                published_payphones=None
                if published is None
                else published["payphone"].get(region.iso, 0),
                found_terminals=found.get((region.pk, TerminalKind.COMPLAINT_TERMINAL), 0),
                found_payphones=found.get((region.pk, TerminalKind.PAYPHONE), 0),
            )
        )
    return lines


def found_on_visits(*, user: User, year: int, before_month: int = 12) -> int:
    """Complaint terminals found out of order on a monitoring visit (the Ombudsman's, a
    representative's or an NPM group's) in an outage that began in `year` before the first day
    of `before_month`: seed 004 §5 counts 143 by November 2025."""
    require(user, TERMINAL_READ, _("Your role does not give access to the terminals."))
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year, before_month, 1, tzinfo=zone)
    return (
        TerminalOutage.objects.filter(
            terminal__in=inventory(user=user),
            terminal__kind=TerminalKind.COMPLAINT_TERMINAL,
            started_at__gte=start,
            started_at__lt=end,
        )
        .exclude(found_by="")
        .values("terminal_id")
        .distinct()
        .count()
    )
