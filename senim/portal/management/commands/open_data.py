"""`senim open_data`: build the portal's open-data files and KPI snapshot (run it from a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from senim.portal import open_data, store


class Command(BaseCommand):
    help = (
        "Build the anonymised open-data files (CSV, GeoJSON, metadata) of every region and year, "
        "the KPI snapshot and the catalogue. Idempotent: unchanged files are not rewritten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = open_data.build()
        self.stdout.write(
            f"{store.directory()}: {summary.datasets} datasets ({summary.written} written, "
            f"{summary.unchanged} unchanged, {summary.removed} old files removed); "
            f"{summary.rows} rows from {summary.events} events, {summary.suppressed} suppressed"
        )
