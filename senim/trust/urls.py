from django.urls import path

from senim.trust import views

urlpatterns = [
    path("", views.index_page, name="trust-index"),
    path("surveys/", views.surveys_page, name="trust-surveys"),
    path("surveys/<slug:code>/", views.survey_page, name="trust-survey"),
    path("media/", views.media_page, name="trust-media"),
    path("media/critical/", views.critical_page, name="trust-critical"),
    path("media/<int:item_id>/", views.media_item_page, name="trust-media-item"),
    path("media/<int:item_id>/action/", views.media_item_action, name="trust-media-action"),
]
