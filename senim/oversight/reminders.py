"""Reminders of recommendations coming due and overdue, for `senim npm_reminders` on a timer.

Each recommendation is reminded at most once per stage (a unique row per recommendation and
stage, written in the same transaction as the e-mail is handed to Django's backend), so running
the command twice notifies once. A group's members with an e-mail address get one message per
stage listing that group's recommendations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from senim.oversight.categories import agency_label
from senim.oversight.models import (
    OPEN_STATUSES,
    Member,
    Recommendation,
    Reminder,
    ReminderStage,
)

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class ReminderRun:
    due_soon: int
    overdue: int
    messages: int


def _candidates(stage: str, today: dt.date, soon_days: int) -> list[Recommendation]:
    qs = Recommendation.objects.filter(status__in=OPEN_STATUSES).exclude(reminders__stage=stage)
    if stage == ReminderStage.OVERDUE:
        qs = qs.filter(due_on__lt=today)
    else:
        qs = qs.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=soon_days))
    return list(qs.select_related("visit", "institution__facility").order_by("due_on", "pk"))


def _recipients(group_ids: set[int], today: dt.date) -> dict[int, list[str]]:
    emails: dict[int, set[str]] = defaultdict(set)
    serving = Member.objects.filter(
        body_id__in=group_ids, term_start__lte=today, term_end__gte=today, user__isnull=False
    ).exclude(user__email="")
    for body_id, email in serving.values_list("body_id", "user__email"):
        emails[body_id].add(email)
    return {k: sorted(v) for k, v in emails.items()}


def _message(stage: str, recs: list[Recommendation]) -> tuple[str, str]:
    if stage == ReminderStage.OVERDUE:
        subject = _("NPM: %(n)s recommendations are overdue") % {"n": len(recs)}
    else:
        subject = _("NPM: %(n)s recommendations fall due soon") % {"n": len(recs)}
    lines = [
        _("%(due)s · %(institution)s · %(agency)s: %(text)s")
        % {
            "due": rec.due_on.isoformat(),
            "institution": rec.institution.facility.display_name,
            "agency": agency_label(rec.agency),
            "text": rec.text[:200],
        }
        for rec in recs
    ]
    return subject, "\n".join(lines)


def send_reminders(*, today: dt.date | None = None, soon_days: int = DUE_SOON_DAYS) -> ReminderRun:
    """Remind once per recommendation and stage; returns how many were reminded and mailed."""
    today = today or timezone.localdate()
    counts = {}
    outgoing = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for stage in (ReminderStage.DUE_SOON, ReminderStage.OVERDUE):
            recs = _candidates(stage, today, soon_days)
            counts[stage] = len(recs)
            # The unique (recommendation, stage) row makes a concurrent second run fail here,
            # before it sends anything, and roll back.
            Reminder.objects.bulk_create([Reminder(recommendation=r, stage=stage) for r in recs])
            by_group: dict[int, list[Recommendation]] = defaultdict(list)
            for rec in recs:
                by_group[rec.visit.group_id].append(rec)
            recipients = _recipients(set(by_group), today)
            for group_id, group_recs in by_group.items():
                if recipients.get(group_id):
                    subject, body = _message(stage, group_recs)
                    outgoing.append((subject, body, None, recipients[group_id]))
        # Inside the transaction: if the mail server refuses, nothing is marked as reminded.
        send_mass_mail(tuple(outgoing), fail_silently=False)
    return ReminderRun(
        due_soon=counts[ReminderStage.DUE_SOON],
        overdue=counts[ReminderStage.OVERDUE],
        messages=len(outgoing),
    )
