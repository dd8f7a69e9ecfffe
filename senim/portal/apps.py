from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "senim.portal"
    label = "portal"
    verbose_name = "Senim public portal"
