from django.urls import path

from senim.results import views

urlpatterns = [
    path("", views.summary_page, name="results-summary"),
    path("load/", views.load_page, name="results-load"),
    path("<slug:kind>/", views.list_page, name="results-list"),
    path("<slug:kind>/<int:pk>/", views.record_page, name="results-record"),
]
