from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "senim.integrity"
    label = "integrity"
    verbose_name = "Integrity and staff"
