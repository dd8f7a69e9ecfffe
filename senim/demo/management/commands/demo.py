from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.demo.builder import PASSWORD, build


class Command(BaseCommand):
    help = (
        "Build the deterministic synthetic demo (replaces earlier demo rows; real rows untouched)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies every volume")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be in (0, 10]")
        summary = build(seed=options["seed"], scale=options["scale"])
        self.stdout.write(
            f"demo built: {summary.offences:,} offences, {summary.appeals:,} appeals "
            f"in {summary.seconds:.0f} s (synthetic; users' password: {PASSWORD})"
        )
