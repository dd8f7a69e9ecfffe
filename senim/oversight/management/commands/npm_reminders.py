"""`senim npm_reminders`: remind NPM groups of recommendations coming due and overdue.

For a timer (daily is enough): each recommendation is reminded once per stage, so running it
again the same day, or twice at once, sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.oversight.reminders import DUE_SOON_DAYS, send_reminders


class Command(BaseCommand):
    help = "E-mail NPM groups about recommendations due soon and overdue (once per stage)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD; default: today in Asia/Almaty")
        parser.add_argument("--days", type=int, default=DUE_SOON_DAYS, help="'due soon' horizon")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today: write the date as YYYY-MM-DD") from None
        run = send_reminders(today=today, soon_days=options["days"])
        self.stdout.write(
            f"due soon: {run.due_soon}, overdue: {run.overdue}, e-mails: {run.messages}"
        )
