from django.urls import path

from senim.ops import views

urlpatterns = [
    path("", views.hotspots_page, name="ops-hotspots"),
    path("peaks/", views.peaks_page, name="ops-peaks"),
    path("compstat/", views.compstat_page, name="ops-compstat"),
    path("forecast/", views.forecast_page, name="ops-forecast"),
    path("evaluation/", views.evaluation_page, name="ops-evaluation"),
]
