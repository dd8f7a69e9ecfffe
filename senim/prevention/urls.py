from django.urls import path

from senim.prevention import (
    views,
    views_juveniles,
    views_partnership,
    views_social_map,
    views_worktime,
)

urlpatterns = [
    path("", views.home, name="prevention-home"),
    path("sectors/<str:code>/", views.sector_page, name="prevention-sector"),
    path(
        "sectors/<str:code>/population/",
        views_social_map.sector_population,
        name="prevention-population",
    ),
    path("places/", views_social_map.place_list, name="prevention-places"),
    path("places/new/", views_social_map.place_new, name="prevention-place-new"),
    path("places/<int:pk>/", views_social_map.place_page, name="prevention-place"),
    path("juveniles/", views_juveniles.programme_list, name="prevention-programmes"),
    path("juveniles/new/", views_juveniles.programme_new, name="prevention-programme-new"),
    path("juveniles/<int:pk>/", views_juveniles.programme_page, name="prevention-programme"),
    path("juveniles/schools/", views_juveniles.school_list, name="prevention-schools"),
    path("juveniles/reached/", views_juveniles.reach_summary, name="prevention-reached"),
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
    path("dv/", views.dv_list, name="prevention-dv-list"),
    path("dv/new/", views.dv_new, name="prevention-dv-new"),
    path("dv/<int:pk>/", views.dv_page, name="prevention-dv"),
]
