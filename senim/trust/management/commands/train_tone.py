from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from senim.trust import classifier


class Command(BaseCommand):
    help = (
        "Retrain the tone classifier on the shipped corpus plus every operator's correction; "
        "print the held-out macro-F1 on the corpus and store the model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--evaluate-only", action="store_true", help="score the held-out split, store nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["evaluate_only"]:
            result = classifier.evaluate_corpus()
            self.stdout.write(
                f"held-out macro-F1 {result.macro_f1:.3f} "
                f"(train {result.n_train}, test {result.n_test}); per class "
                + ", ".join(f"{k} {v:.3f}" for k, v in result.per_class_f1.items())
            )
            return
        model = classifier.train()
        self.stdout.write(
            f"tone model {model.pk}: {model.n_corpus} corpus items + "
            f"{model.n_corrections} corrections; held-out macro-F1 {model.macro_f1:.3f}"
        )
