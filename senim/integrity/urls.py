from django.urls import path

from senim.integrity import views, views_early, views_intake, views_welfare

urlpatterns = [
    path("complaints/", views.complaint_list, name="integrity-complaints"),
    path("complaints/new/", views.complaint_new, name="integrity-complaint-new"),
    path("complaints/appeals/", views.appeal_queue, name="integrity-appeal-queue"),
    path("complaints/portal/", views_intake.portal_queue, name="integrity-portal-queue"),
    path(
        "complaints/portal/<int:pk>/decline/",
        views_intake.portal_decline,
        name="integrity-portal-decline",
    ),
    path("complaints/<int:pk>/", views.complaint_page, name="integrity-complaint"),
    path("officers/", views.officer_list, name="integrity-officers"),
    path("officers/<str:badge>/", views.officer_page, name="integrity-officer"),
    path("officers/<str:badge>/discipline/", views.officer_action, name="integrity-officer-action"),
    path("early/", views_early.flag_list, name="integrity-early"),
    path("early/model/", views_early.model_page, name="integrity-model"),
    path("early/<int:pk>/", views_early.flag_page, name="integrity-flag"),
    path("welfare/", views_welfare.reminders, name="integrity-welfare"),
    path("welfare/<str:badge>/", views_welfare.officer_welfare, name="integrity-welfare-officer"),
    path("staff/women/", views_welfare.staff_balance, name="integrity-balance"),
    path("programme/", views_welfare.programme_page, name="integrity-programme"),
]
