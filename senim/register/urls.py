from django.urls import path

from senim.register import views, views_outcomes, views_workbench

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("register/appeals/", views_workbench.appeal_list, name="register-appeals"),
    path("register/appeals/<int:pk>/", views_workbench.appeal_page, name="register-appeal"),
    path(
        "register/appeals/<int:pk>/search/",
        views_outcomes.record_search,
        name="register-appeal-search",
    ),
    path("register/offences/", views_workbench.offence_list, name="register-offences"),
    path("register/offences/<int:pk>/", views_workbench.offence_page, name="register-offence"),
    path(
        "register/offences/<int:pk>/outcome/",
        views_outcomes.record_outcome,
        name="register-offence-outcome",
    ),
]
