"""`senim load_results KIND FILE --source NAME`: load a CSV or XLSX file of thematic results.

All rows or none; the errors name their row and column. Re-running the same file changes nothing.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from senim.results.errors import FileRejected, ResultsError
from senim.results.ingest import SCHEMAS
from senim.results.services import results_load


class Command(BaseCommand):
    help = "Load a CSV or XLSX file of thematic results (seizures, blocked calls, road deaths …)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(SCHEMAS))
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="the source system sending the file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], "rb") as handle:
                result = results_load(
                    user=None,
                    kind=options["kind"],
                    handle=handle,
                    filename=options["file"],
                    source_system=options["source"],
                )
        except OSError as error:
            raise CommandError(str(error)) from None
        except FileRejected as error:
            for e in error.errors:
                self.stderr.write(f"row {e.row}, {e.field or '-'}: {e.message}")
            raise CommandError("the file was refused; nothing was stored") from None
        except ResultsError as error:
            raise CommandError(f"{error.field}: {error.message}") from None
        self.stdout.write(
            f"{result.rows} rows: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
