"""`senim alerts`: send custody and terminal alerts that are due (idempotent; run by a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from senim.safeguards.services import alerts


class Command(BaseCommand):
    help = (
        "Send due alerts: custody at 75 % of its limit and at the breach (48 h, 24 h for a minor), "
        "the prosecutor not told within 12 h, terminals without a heartbeat. Each alert is sent "
        "once, however often this runs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = alerts.run()
        sent = ", ".join(f"{kind} {n}" for kind, n in sorted(result.sent.items())) or "none"
        self.stdout.write(
            f"alerts sent: {result.total} ({sent}); outages opened: {result.outages_opened}"
            + (f"; failed, to retry: {result.failed}" if result.failed else "")
        )
