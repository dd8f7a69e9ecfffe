"""`senim demo_feed`: replay synthetic calls in real time and let demo units answer them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.ops import feed
from senim.ops.models import PatrolUnit


class Command(BaseCommand):
    help = (
        "Fill the last four weeks of demo calls up to now, then send a synthetic call every few "
        "seconds and work the open ones with the demo units (synthetic data only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=3.0, help="seconds between new calls")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--manual-minutes",
            type=float,
            default=10.0,
            help="minutes the demo city's calls are left to people before the feed works them",
        )
        parser.add_argument("--once", action="store_true", help="one tick, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if not PatrolUnit.objects.filter(call_sign__startswith="D-").exists():
            raise CommandError("No demo units: run `senim demo` first.")
        if options["interval"] <= 0:
            raise CommandError("--interval must be positive")
        try:
            feed.run(
                interval=options["interval"],
                seed=options["seed"],
                manual_minutes=options["manual_minutes"],
                once=options["once"],
            )
        except KeyboardInterrupt:
            self.stdout.write("demo feed stopped")
