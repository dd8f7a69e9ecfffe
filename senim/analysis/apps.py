from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "senim.analysis"
    label = "analysis"
    verbose_name = "Analytics centre"
