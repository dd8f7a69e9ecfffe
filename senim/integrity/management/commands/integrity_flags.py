"""Retrain the early-intervention ranking, audit it and flag today's officers (for a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from senim.integrity import early


class Command(BaseCommand):
    help = "Early intervention: retrain on the past, audit for fairness, flag today's officers."

    def handle(self, *args: Any, **options: Any) -> None:
        result = early.run(actor="integrity_flags")
        model = result.model
        if model is None:
            self.stdout.write(f"too little history for a model: {result.flags} flags by the rules")
            return
        ratio = model.evaluation.get("ratio_vs_rules")
        self.stdout.write(
            f"model {model.pk} {model.status} (fairness audit "
            f"{'passed' if model.fairness.get('passed') else 'failed'}; "
            f"precision vs the rules at their number of flags: {ratio if ratio is None else f'{ratio:.2f}x'}); "
            f"{result.flags} flags today"
        )
