from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.register import counts


class Command(BaseCommand):
    help = (
        "Offence counts behind the indicators: `verify` recounts the register and compares, "
        "`rebuild` recounts and replaces them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            counts.rebuild()
            self.stdout.write("offence counts rebuilt from the register")
            return
        differences = counts.verify()
        for table, n in differences.items():
            self.stdout.write(f"{table}: {n} key(s) differ")
        if any(differences.values()):
            raise CommandError("offence counts differ from the register: run `rebuild`")
        self.stdout.write("offence counts match the register")
