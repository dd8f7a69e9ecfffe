"""`senim forecast`: precompute the weekly forecast of every region, for a timer.

Idempotent: a region whose forecast for that start day and settings is stored is skipped, so a
timer may run it hourly and the first run after new data arrives does the work. Each new
forecast is reported with its back-test: over the last 12 weeks, the automatic forecast's hit
rate against last year's count per cell, their difference and its 95 % interval. Without
`--from`, each region is forecast from the day after its last registered offence (normally
today), with everything known so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.analysis.forecasts import (
    COVERAGES,
    DEFAULT_COVERAGE,
    DEFAULT_KINDS,
    Backtest,
    store_region,
)
from senim.analysis.params import KINDS
from senim.core.models import Region


def accuracy(stored: dict[str, Any]) -> str:
    """The walked-forward back-test in one line: the forecast against last year's count."""
    backtest = Backtest.from_json(stored)
    chosen, yearly = backtest.mean_chosen, backtest.mean_baseline
    diff = backtest.difference
    if chosen is None or yearly is None or diff is None:
        return "no week to score"
    return (
        f"last {backtest.weeks} weeks, hit rate at the chosen share: forecast {chosen:.1%}, "
        f"yearly count {yearly:.1%}, difference {diff.mean * 100:+.1f} points "
        f"(95 % CI {diff.low * 100:+.1f} to {diff.high * 100:+.1f}): {backtest.verdict}"
    )


class Command(BaseCommand):
    help = "Precompute and store next week's hot-spot forecast of each region (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", action="append", default=[], metavar="ISO",
            help="Only this region (ISO 3166-2 code, e.g. KZ-75); repeatable. Default: all.",
        )  # fmt: skip
        parser.add_argument(
            "--from", dest="day", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
            help="First day forecast. Default: the day after each region's last offence.",
        )  # fmt: skip
        parser.add_argument(
            "--coverage", type=float, default=DEFAULT_COVERAGE * 100,
            help="Per cent of cells flagged, the share the model is chosen for (default 5).",
        )  # fmt: skip
        parser.add_argument(
            "--kind", action="append", default=[], choices=KINDS,
            help="Offence kinds (repeatable). Default: crime and criminal misdemeanour.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        coverage = next((c for c in COVERAGES if abs(c * 100 - options["coverage"]) < 1e-9), None)
        if coverage is None:
            raise CommandError(f"--coverage must be one of {[round(c * 100) for c in COVERAGES]}")
        regions = Region.objects.order_by("iso")
        if options["region"]:
            regions = regions.filter(iso__in=options["region"])
            unknown = set(options["region"]) - set(regions.values_list("iso", flat=True))
            if unknown:
                raise CommandError(f"unknown region(s): {', '.join(sorted(unknown))}")
        kinds = tuple(sorted(set(options["kind"]))) or DEFAULT_KINDS
        made = kept = empty = 0
        for region in regions:
            row, created = store_region(
                region, issued_for=options["day"], coverage=coverage, kinds=kinds
            )
            if row is None:
                empty += 1
                self.stdout.write(f"{region.iso}: too few located offences, no forecast")
            elif created:
                made += 1
                self.stdout.write(
                    f"{region.iso}: forecast from {row.issued_for} with {row.model} "
                    f"({row.cell_m:g} m cells, {row.seconds:.1f} s); {accuracy(row.backtest)}"
                )
            else:
                kept += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{region.iso}: already stored for {row.issued_for}")
        self.stdout.write(f"forecasts: {made} new, {kept} already stored, {empty} without data")
