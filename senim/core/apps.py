from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "senim.core"
    label = "core"
    verbose_name = "Senim core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.core import audit, reference

        post_migrate.connect(reference.load_after_migrate, sender=self)
        audit.connect_signals()
