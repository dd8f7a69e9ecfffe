"""`senim ledger verify|head`: check the video-evidence ledger, or print its head to keep elsewhere."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.safeguards.services import ledger


class Command(BaseCommand):
    help = (
        "Video-evidence ledger: `verify` walks the hash chain and compares every recording, "
        "retrieval request and body-camera event with its entry (non-zero exit on tampering); "
        "`head` prints SEQ:HASH of the last entry, to be kept outside this database and given "
        "back as `verify --head SEQ:HASH` (the ledger may have grown since) to detect entries cut "
        "off the end or edited and re-chained."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--head", help="SEQ:HASH printed earlier by `senim ledger head`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            seq, digest = ledger.head()
            self.stdout.write(f"{seq}:{digest}")
            return
        expect = None
        if options["head"]:
            match = re.fullmatch(r"(\d{1,18}):([0-9a-f]{64})", options["head"].strip())
            if not match:
                raise CommandError("--head: expected SEQ:HASH as printed by `senim ledger head`")
            expect = (int(match[1]), match[2])
        result = ledger.verify(expect_head=expect)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"video ledger: {len(result.problems)} problem(s) in {result.checked} entries"
            )
        self.stdout.write(f"video ledger intact: {result.checked} entries, head {result.head[0]}")
