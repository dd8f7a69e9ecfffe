from django.urls import path

from senim.analysis import views, views_repeats

urlpatterns = [
    path("", views.hotspots_page, name="analysis-hotspots"),
    path("peaks/", views.peaks_page, name="analysis-peaks"),
    path("repeats/", views_repeats.repeats_page, name="analysis-repeats"),
    path(
        "repeats/places/<int:key>/", views_repeats.repeat_place_page, name="analysis-repeat-place"
    ),
    path(
        "repeats/people/<int:person_id>/",
        views_repeats.repeat_person_page,
        name="analysis-repeat-person",
    ),
    path("compstat/", views.compstat_page, name="analysis-compstat"),
    path("forecast/", views.forecast_page, name="analysis-forecast"),
    path("evaluation/", views.evaluation_page, name="analysis-evaluation"),
]
