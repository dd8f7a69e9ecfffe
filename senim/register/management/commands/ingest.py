from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.register.ingest import outcomes
from senim.register.ingest.pipeline import KINDS, FileRejected, ingest, write_errors
from senim.register.ingest.readers import FORMATS, UnreadableFile, detect_format


class Command(BaseCommand):
    help = (
        "Load appeals, offences or case outcomes from a CSV, JSON Lines or XLSX file "
        "(see docs/ingest.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", required=True, choices=(*KINDS, *outcomes.KINDS))
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument(
            "--errors", type=Path, help="where rejected rows go (default: PATH.errors.csv)"
        )
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=(
                "PostgreSQL, large new files: lock the table for the load and build its "
                "secondary indexes once at the end (docs/ingest.md)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            fmt = options["format"] or detect_format(path.name)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        with path.open("rb") as handle:
            try:
                if options["kind"] in outcomes.KINDS:
                    summary = outcomes.ingest(
                        handle=handle,
                        kind=options["kind"],
                        fmt=fmt,
                        actor="cli",
                        source_name=path.name,
                    )
                else:
                    summary = ingest(
                        handle=handle,
                        kind=options["kind"],
                        fmt=fmt,
                        actor="cli",
                        source_name=path.name,
                        batch_size=options["batch_size"],
                        progress=not options["no_progress"] and sys.stderr.isatty(),
                        bulk=options["bulk"],
                    )
            except FileRejected as error:
                raise CommandError(f"{path}: {error}. Nothing was loaded.") from error
        self.stdout.write(
            f"{path.name}: read {summary.read}, loaded {summary.loaded}, "
            f"already present {summary.unchanged}, rejected {summary.rejected} "
            f"in {summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s)"
            + (f"; {summary.bulk_rows} in one bulk window" if summary.bulk_rows else "")
        )
        if summary.errors:
            errors_path = options["errors"] or path.with_name(path.name + ".errors.csv")
            try:
                with errors_path.open("w", encoding="utf-8", newline="") as out:
                    write_errors(summary.errors, out)
            except OSError as error:
                # The load itself stands (its batches are committed); only the report is lost.
                raise CommandError(
                    f"{errors_path}: the error file could not be written ({error.strerror or error}); "
                    f"the load above stands, its {summary.rejected} rejected rows are not listed"
                ) from None
            self.stdout.write(f"rejected rows with their reasons: {errors_path}")
