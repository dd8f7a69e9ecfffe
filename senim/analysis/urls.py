from django.urls import path

from senim.analysis import views

urlpatterns = [
    path("", views.hotspots_page, name="analysis-hotspots"),
    path("peaks/", views.peaks_page, name="analysis-peaks"),
    path("compstat/", views.compstat_page, name="analysis-compstat"),
    path("forecast/", views.forecast_page, name="analysis-forecast"),
    path("evaluation/", views.evaluation_page, name="analysis-evaluation"),
]
