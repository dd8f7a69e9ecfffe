"""The `senim` console command: every Django management command, e.g. `senim ingest`."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senim.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["senim", *sys.argv[1:]])


if __name__ == "__main__":
    main()
