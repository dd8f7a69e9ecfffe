from django.urls import path

from senim.portal import views, views_complaint

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("regions/<str:iso>/", views.region, name="portal-region"),
    path("methodology/", views.methodology, name="portal-methodology"),
    path("integrity/", views.integrity, name="portal-integrity"),
    path("complaint/", views_complaint.complaint, name="portal-complaint"),
    path("complaint/status/", views_complaint.complaint_status, name="portal-complaint-status"),
    path("data/", views.data, name="portal-data"),
    path("data/<str:name>", views.download, name="portal-download"),
    path("reports/<str:code>/", views.district_latest, name="portal-district"),
    path("reports/<str:code>/<str:month>/", views.report, name="portal-report"),
    path("reports/<str:code>/<str:month>/pdf/", views.report_pdf_view, name="portal-report-pdf"),
]
