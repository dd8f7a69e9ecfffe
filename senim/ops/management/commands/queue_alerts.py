"""`senim queue_alerts`: warn before a call's response target is missed, and at the miss."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from senim.ops import alerts


class Command(BaseCommand):
    help = (
        "Raise and send queue alerts: once per call at the warning share of its target and once "
        "at the breach. Safe to run from a timer every minute, and from two workers at once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = alerts.run()
        raised = ", ".join(f"{k} {v}" for k, v in sorted(run.raised.items())) or "none"
        self.stdout.write(f"raised: {raised}; sent {run.sent}; failed {run.failed}")
