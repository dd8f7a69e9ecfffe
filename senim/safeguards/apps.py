from django.apps import AppConfig


class SafeguardsConfig(AppConfig):
    name = "senim.safeguards"
    label = "safeguards"
    verbose_name = "Human-rights safeguards"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.safeguards.reference import load_after_migrate

        # Convict populations by region (Table 2 of seed 004) are reference data.
        post_migrate.connect(load_after_migrate, sender=self)
