from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.core.audit import verify


class Command(BaseCommand):
    help = "Audit log tools: `senim audit verify` checks the hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"audit log: {len(result.problems)} problem(s) in {result.checked} entries"
            )
        self.stdout.write(f"audit log intact: {result.checked} entries")
