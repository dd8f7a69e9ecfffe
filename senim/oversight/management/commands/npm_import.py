"""`senim npm_import PATH --user NAME`: load the register of mandated institutions from a file.

Good rows load; bad rows are printed with row number, field and reason (exit status 1 if any).
Loading the same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.core.models import User
from senim.oversight.registry import import_institutions
from senim.register.ingest.readers import UnreadableFile, detect_format


class Command(BaseCommand):
    help = "Load mandated institutions (CSV or XLSX) into the NPM register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="an administrator's username")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        try:
            with path.open("rb") as handle:
                summary = import_institutions(
                    user=user, handle=handle, fmt=detect_format(path.name), source_name=str(path)
                )
        except (OSError, UnreadableFile, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        for e in summary.errors:
            self.stderr.write(f"row {e.row}: {e.field}: {e.message}")
        self.stdout.write(
            f"created {summary.created}, updated {summary.updated}, "
            f"unchanged {summary.unchanged}, rejected {len(summary.errors)}"
        )
        if summary.errors:
            raise SystemExit(1)
