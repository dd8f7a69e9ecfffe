"""`senim audit verify|head`: check the audit log's hash chain, or print its head to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.core import audit


class Command(BaseCommand):
    help = (
        "Audit log tools: `verify` walks the hash chain end to end (non-zero exit on a problem); "
        "`head` prints SEQ:HASH of the last entry, to be kept outside this database (sent to the "
        "prosecutor's office, printed, committed elsewhere) and given back as "
        "`verify --head SEQ:HASH` or `verify --head-file PATH`, which then also finds entries cut "
        "off the end and a log edited and re-chained up to that entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--head", help="SEQ:HASH published earlier by `senim audit head`")
        parser.add_argument("--head-file", help="a file holding SEQ:HASH (its last line counts)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            seq, digest = audit.head()
            self.stdout.write(f"{seq}:{digest}")
            return
        text = options["head"]
        if options["head_file"]:
            if text:
                raise CommandError("give either --head or --head-file, not both")
            try:
                lines = Path(options["head_file"]).read_text(encoding="utf-8").split()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(
                    f"--head-file: cannot read {options['head_file']}: {exc}"
                ) from None
            text = lines[-1] if lines else ""
        expect = None
        if text is not None:
            expect = audit.parse_head(text)
            if expect is None:
                raise CommandError("--head: expected SEQ:HASH as printed by `senim audit head`")
        result = audit.verify(expect_head=expect)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"audit log: {len(result.problems)} problem(s) in {result.checked} entries"
            )
        against = f", published head {expect[0]} matches" if expect else ""
        self.stdout.write(f"audit log intact: {result.checked} entries{against}")
