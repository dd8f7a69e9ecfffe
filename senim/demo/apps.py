from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "senim.demo"
    label = "demo"
    verbose_name = "Demo data"
