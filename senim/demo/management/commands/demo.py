"""`senim demo`: build the deterministic synthetic demo (docs/demo.md)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.demo.builder import DEFAULT_SEED, DEFAULT_YEARS, PASSWORD, build


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
        "Build the deterministic synthetic demo. Skips if the same seed, scale and years are "
        "already built (use --force to rebuild); replaces earlier demo rows, real rows untouched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies every volume (default 1)"
        )
        parser.add_argument(
            "--years",
            default=f"{DEFAULT_YEARS[0]}-{DEFAULT_YEARS[-1]}",
            help="full calendar years, e.g. 2022-2025 (the default) or 2024,2025",
        )
        parser.add_argument("--force", action="store_true", help="rebuild even if already built")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be in (0, 10]")
        years = parse_years(options["years"])
        if years[-1] > 2025 or years[0] < 2000:
            raise CommandError("--years: the demo covers full years from 2000 to 2025")
        verbose = options["verbosity"] >= 2
        try:
            summary = build(
                seed=options["seed"],
                scale=scale,
                years=years,
                force=options["force"],
                log=verbose,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if summary.skipped:
            self.stdout.write(
                f"Demo data with seed {summary.seed}, scale {summary.scale:g} and years "
                f"{years[0]}-{years[-1]} is already built; nothing to do (use --force to rebuild)."
            )
            return
        self.stdout.write(
            f"Synthetic demo built in {summary.seconds:.1f} s "
            f"(seed {summary.seed}, scale {summary.scale:g}, years {years[0]}-{years[-1]}):"
        )
        width = max(len(k) for k in summary.counts)
        for key, value in summary.counts.items():
            self.stdout.write(f"  {key.replace('_', ' '):<{width}}  {value:>10,}")
        self.stdout.write(f"Demo users' password: {PASSWORD} (see docs/demo.md)")
