"""`senim demo`: build the deterministic synthetic demo (docs/demo.md)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from senim.demo.builder import DEFAULT_SEED, PASSWORD, build, default_years


def parse_years(text: str) -> list[int]:
    """Years from text such as "2022-2025" or "2023,2025", sorted."""
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
        if not match:
            raise CommandError(f"--years: cannot read {part!r}; use e.g. 2022-2025 or 2024,2025")
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first:
            raise CommandError(f"--years: {part!r} runs backwards")
        years.update(range(first, last + 1))
    return sorted(years)


class Command(BaseCommand):
    help = (
        "Build the deterministic synthetic demo: full calendar years, then (when they end last "
        "year) the register up to now. Skips if the same seed, scale, years and day are already "
        "built (use --force to rebuild); replaces earlier demo rows, real rows untouched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies every volume (default 1)"
        )
        years = default_years(timezone.localdate())
        parser.add_argument(
            "--years",
            default=f"{years[0]}-{years[-1]}",
            help=(
                f"full calendar years, e.g. {years[0]}-{years[-1]} (the default: the four before "
                "this one) or 2024,2025; when they end last year, offences and appeals go on to now"
            ),
        )
        parser.add_argument("--force", action="store_true", help="rebuild even if already built")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be in (0, 10]")
        years = parse_years(options["years"])
        now = timezone.now()
        this_year = timezone.localdate(now).year
        if years[-1] >= this_year or years[0] < 2000:
            raise CommandError(
                f"--years: the demo covers full years from 2000 to {this_year - 1}; "
                f"{this_year} runs on up to today when the years end with {this_year - 1}"
            )
        verbose = options["verbosity"] >= 2
        try:
            summary = build(
                seed=options["seed"],
                scale=scale,
                years=years,
                through=now,
                force=options["force"],
                log=verbose,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        span = f"years {years[0]}-{years[-1]}"
        if summary.through is not None:
            span += f" and {timezone.localtime(summary.through):%Y-%m-%d %H:%M} so far"
        if summary.skipped:
            self.stdout.write(
                f"Demo data with seed {summary.seed}, scale {summary.scale:g} and {span} is "
                "already built; nothing to do (use --force to rebuild)."
            )
            return
        self.stdout.write(
            f"Synthetic demo built in {summary.seconds:.1f} s "
            f"(seed {summary.seed}, scale {summary.scale:g}, {span}):"
        )
        width = max(len(k) for k in summary.counts)
        for key, value in summary.counts.items():
            self.stdout.write(f"  {key.replace('_', ' '):<{width}}  {value:>10,}")
        self.stdout.write(f"Demo users' password: {PASSWORD} (see docs/demo.md)")
