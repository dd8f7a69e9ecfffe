"""The inspector's administrative cases: writes (keyword-only, one transaction each, audited)
and scoped reads.

A case opens with its protocol and moves forward one step at a time — sent for consideration,
decided, then executed or appealed — each step dated no earlier than the one before and not in
the future. The next legal deadline is kept on the case (`due_on`) so that lists filter on it;
the terms are reference data (`AdminTerm`), assumed until checked against the Code
(docs/prevention.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Invalid, NotFound
from senim.core.models import Sector, User
from senim.core.people import save_person
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.prevention.models import (
    ADMIN_NEXT,
    AdminBody,
    AdminCase,
    AdminCaseStep,
    AdminOutcome,
    AdminStatus,
    AdminTerm,
    TerminationReason,
)
from senim.prevention.services import (
    _choice,
    _day,
    _person,
    _require,
    log_write,
    sector_for_write,
    whole,
)
from senim.register.models import Article, CodeKind, Offence, OffenceKind

Form = Mapping[str, Any]

# Bounds of a penalty that catch a slip of the keyboard, not the Code's own limits (assumed,
# docs/prevention.md): a fine above ten million tenge or an arrest outside 1-30 days is refused.
FINE_MAX_KZT = 10_000_000
ARREST_DAYS = (1, 30)
# Terms used when the reference table lacks a code (the same assumed values as the CSV).
DEFAULT_TERMS = {"send": 3, "consider": 15, "appeal": 10, "pay": 30}


def terms() -> dict[str, int]:
    return DEFAULT_TERMS | dict(AdminTerm.objects.values_list("code", "days"))


def _due(case: AdminCase, days: dict[str, int]) -> dt.date | None:
    """The next legal deadline of the case in its present status (None once closed)."""
    if case.status == AdminStatus.PROTOCOL:
        return case.protocol_on + dt.timedelta(days=days["send"])
    if case.status == AdminStatus.SENT and case.sent_on:
        return case.sent_on + dt.timedelta(days=days["consider"])
    if case.status == AdminStatus.DECIDED and case.decided_on:
        if case.outcome == AdminOutcome.TERMINATED:
            return None
        # Executed once the decision is in force (after the appeal term); a fine is paid
        # within its own term after that.
        extra = days["pay"] if case.outcome == AdminOutcome.FINE else 0
        return case.decided_on + dt.timedelta(days=days["appeal"] + extra)
    return None


def _article(form: Form) -> Article:
    raw = str(form.get("article") or "").strip()
    article = Article.objects.filter(code=raw).first() if raw and len(raw) <= 20 else None
    if article is None:
        raise Invalid("article", _("Unknown article."))
    if article.code_kind != CodeKind.ADMINISTRATIVE:
        raise Invalid(
            "article", _("This is not an article of the Code of Administrative Offences.")
        )
    return article


def _offence(form: Form, sector: Sector) -> Offence | None:
    raw = str(form.get("offence") or "").strip()
    if not raw:
        return None
    pk = whole(raw)
    offence = Offence.objects.filter(pk=pk).first() if pk else None
    # Another sector's record reads as unknown: the form does not tell what exists elsewhere.
    if offence is None or offence.sector_id != sector.pk:
        raise Invalid("offence", _("No offence with this number in the register of the sector."))
    if offence.kind != OffenceKind.ADMINISTRATIVE:
        raise Invalid("offence", _("This register record is not an administrative offence."))
    return offence


def admin_case_open(*, user: User, form: Form, now: dt.datetime | None = None) -> AdminCase:
    """Record a case from its protocol, in a sector of the user's territory."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    sector = sector_for_write(user, str(form.get("sector") or ""))
    number = clean_text(form.get("number"), field="number", max_length=40, required=True)
    article = _article(form)
    offence = _offence(form, sector)
    if offence is not None and offence.article_id != article.pk:
        raise Invalid("article", _("The article differs from the register's record."))
    person = _person(form, "iin", required=True)
    offence_on = _day(form, "offence_on", today=today)
    protocol_on = _day(form, "protocol_on", today=today)
    if protocol_on < offence_on:
        raise Invalid("protocol_on", _("The protocol cannot be dated before the offence."))
    summary = clean_text(form.get("summary"), field="summary", max_length=2000)
    with transaction.atomic():
        if AdminCase.objects.filter(sector=sector, number=number).exists():
            raise Invalid("number", _("A case with this protocol number exists in the sector."))
        save_person(person)
        case = AdminCase(
            number=number,
            inspector=user if user.pk else None,
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            article=article,
            offence=offence,
            person=person,
            offence_on=offence_on,
            protocol_on=protocol_on,
            summary=summary,
            created_by=user.get_username(),
        )
        case.due_on = _due(case, terms())
        case.save()
        AdminCaseStep.objects.create(
            case=case,
            status=AdminStatus.PROTOCOL,
            on=protocol_on,
            recorded_by=user.get_username(),
        )
        log_write(
            user,
            "create",
            case,
            {
                "sector": sector.code,
                "article": article.code,
                "offence": offence.pk if offence else None,
            },
        )
    return case


def _last_day(case: AdminCase) -> dt.date:
    return max(d for d in (case.protocol_on, case.sent_on, case.decided_on) if d is not None)


def admin_case_step(
    *, user: User, case_id: int, form: Form, now: dt.datetime | None = None
) -> AdminCase:
    """Move a case one step forward, dated, with the step's particulars."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        case = admin_cases(user).select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound("case", _("No such administrative case in your territory."))
        step = str(form.get("step") or "").strip()
        allowed = ADMIN_NEXT.get(case.status, ())
        if case.outcome == AdminOutcome.TERMINATED:
            allowed = tuple(s for s in allowed if s != AdminStatus.EXECUTED)
        if step not in allowed:
            raise Invalid("step", _("This step cannot follow the case's present status."))
        on = _day(form, "on", today=today)
        if on < _last_day(case):
            raise Invalid("on", _("The step cannot be dated before the previous one."))
        note = clean_text(form.get("note"), field="note", max_length=500)
        if step == AdminStatus.SENT:
            case.body = _choice(form, "body", AdminBody)
            case.body_name = clean_text(
                form.get("body_name"), field="body_name", max_length=200, required=True
            )
            case.sent_on = on
        elif step == AdminStatus.DECIDED:
            _decide(case, form)
            case.decided_on = on
            if case.outcome == AdminOutcome.TERMINATED:
                case.closed_on = on
        else:
            case.closed_on = on
        case.status = step
        case.due_on = None if case.closed_on else _due(case, terms())
        case.save()
        AdminCaseStep.objects.create(
            case=case, status=step, on=on, recorded_by=user.get_username(), note=note
        )
        log_write(user, "update", case, {"step": step, "outcome": case.outcome})
    return case


def _decide(case: AdminCase, form: Form) -> None:
    outcome = _choice(form, "outcome", AdminOutcome)
    case.outcome = outcome
    case.fine_kzt = case.arrest_days = None
    case.termination = ""
    if outcome == AdminOutcome.FINE:
        raw = str(form.get("fine_kzt") or "").strip().replace(" ", "")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            raise Invalid("fine_kzt", _("The fine is a whole number of tenge."))
        amount = int(raw)
        if amount < 1:
            raise Invalid("fine_kzt", _("The fine must be more than 0 ₸."))
        if amount > FINE_MAX_KZT:
            raise Invalid(
                "fine_kzt", _("The fine is above %(n)s ₸: check the amount.") % {"n": "10 000 000"}
            )
        case.fine_kzt = amount
    elif outcome == AdminOutcome.ARREST:
        if case.body != AdminBody.COURT:
            raise Invalid("outcome", _("Only a court imposes an administrative arrest."))
        raw = str(form.get("arrest_days") or "").strip()
        low, high = ARREST_DAYS
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 3 or not low <= int(raw) <= high:
            raise Invalid(
                "arrest_days",
                _("The arrest is from %(low)d to %(high)d days.") % {"low": low, "high": high},
            )
        case.arrest_days = int(raw)
    elif outcome == AdminOutcome.TERMINATED:
        case.termination = _choice(form, "termination", TerminationReason)


# --- reads -----------------------------------------------------------------------------------


def admin_cases(user: User) -> QuerySet[AdminCase]:
    """The cases of the user's territory (an inspector: their sector)."""
    return scoped(user, AdminCase.objects.select_related("article", "sector", "sector__district"))


def overdue_q(today: dt.date) -> Q:
    return Q(closed_on__isnull=True, due_on__lt=today)


@dataclass(frozen=True)
class SectorCases:
    open: int
    overdue: int
    cases: list[AdminCase]


def sector_cases(sector: Sector, *, today: dt.date) -> SectorCases:
    """The sector page's figures: open cases, overdue ones, and the open cases themselves."""
    qs = AdminCase.objects.filter(sector=sector, closed_on__isnull=True)
    counts = qs.aggregate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
    cases = list(qs.select_related("article").order_by("due_on", "pk")[:50])
    return SectorCases(open=counts["n"], overdue=counts["late"], cases=cases)


def opened_per_inspector(user: User, month: dt.date) -> dict[str, int]:
    """Cases whose protocol was drawn up in the month, per inspector's username."""
    end = (month + dt.timedelta(days=32)).replace(day=1)
    rows = (
        admin_cases(user)
        .filter(protocol_on__gte=month, protocol_on__lt=end, inspector__isnull=False)
        .values_list("inspector__username")
        .annotate(n=Count("id"))
        .values_list("inspector__username", "n")
    )
    return dict(rows)
