from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "senim.trust"
    label = "trust"
    verbose_name = "Senim public trust"
