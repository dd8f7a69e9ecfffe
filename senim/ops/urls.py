from django.urls import path

from senim.ops import views, views_centre

urlpatterns = [
    path("", views.queue_page, name="ops-queue"),
    path("queue/", views.queue_fragment, name="ops-queue-fragment"),
    path("calls/new/", views.call_new, name="ops-call-new"),
    path("calls/<int:pk>/", views.call_page, name="ops-call"),
    path("calls/<int:pk>/<slug:action>/", views.call_action, name="ops-call-action"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="ops-alert-ack"),
    path("units/", views.units_page, name="ops-units"),
    path("analytics/", views_centre.analytics_page, name="ops-analytics"),
    path("reference/", views_centre.reference_page, name="ops-reference"),
]
