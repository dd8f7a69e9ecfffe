from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "senim.register"
    label = "register"
    verbose_name = "Unified register"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from senim.register.reference import load_articles_after_migrate

        post_migrate.connect(load_articles_after_migrate, sender=self)
