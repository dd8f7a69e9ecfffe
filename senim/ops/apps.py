from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "senim.ops"
    label = "ops"
    verbose_name = "Operational management centres"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.ops.targets import seed_after_migrate

        # After register's own post_migrate (it seeds the grades): ops comes later in INSTALLED_APPS.
        post_migrate.connect(seed_after_migrate, sender=self)
