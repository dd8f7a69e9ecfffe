from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po translation catalogues to .mo in pure Python (no gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        # The project catalogue and each app's own (senim/<app>/locale), as Django reads them.
        app_dirs = [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if app.name.startswith("senim.")
        ]
        for locale_dir in [*settings.LOCALE_PATHS, *(d for d in app_dirs if d.is_dir())]:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
