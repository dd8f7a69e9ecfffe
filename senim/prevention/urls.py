from django.urls import path

from senim.prevention import views, views_admin_cases, views_partnership, views_worktime

urlpatterns = [
    path("", views.home, name="prevention-home"),
    path("sectors/<str:code>/", views.sector_page, name="prevention-sector"),
    path("register/", views.supervision_list, name="prevention-register"),
    path("register/new/", views.supervision_new, name="prevention-register-new"),
    path("register/<int:pk>/", views.supervision_page, name="prevention-supervision"),
    path("problems/", views.problem_list, name="prevention-problems"),
    path("problems/new/", views.problem_new, name="prevention-problem-new"),
    path("problems/<int:pk>/", views.problem_page, name="prevention-problem"),
    path("partners/", views_partnership.partner_list, name="prevention-partners"),
    path("commissions/", views_partnership.commission_list, name="prevention-commissions"),
    path("commissions/<int:pk>/", views_partnership.commission_page, name="prevention-commission"),
    path("meetings/", views_partnership.meeting_list, name="prevention-meetings"),
    path("meetings/<int:pk>/", views_partnership.meeting_page, name="prevention-meeting"),
    path("time/", views_worktime.working_time, name="prevention-time"),
    path("admin-cases/", views_admin_cases.case_list, name="prevention-admin-cases"),
    path("admin-cases/new/", views_admin_cases.case_new, name="prevention-admin-case-new"),
    path("admin-cases/<int:pk>/", views_admin_cases.case_page, name="prevention-admin-case"),
    path("dv/", views.dv_list, name="prevention-dv-list"),
    path("dv/new/", views.dv_new, name="prevention-dv-new"),
    path("dv/<int:pk>/", views.dv_page, name="prevention-dv"),
]
