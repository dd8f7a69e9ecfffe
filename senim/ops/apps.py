from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "senim.ops"
    label = "ops"
    verbose_name = "Operational management centres"
