from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "senim.prevention"
    label = "prevention"
    verbose_name = "Prevention and partnership"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.prevention.reference import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self)
