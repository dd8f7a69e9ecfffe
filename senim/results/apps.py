from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResultsConfig(AppConfig):
    name = "senim.results"
    label = "results"
    verbose_name = "Senim national thematic results"

    def ready(self) -> None:
        from senim.results.reference import load_reference_after_migrate

        post_migrate.connect(load_reference_after_migrate, sender=self)
