from django.urls import path

from senim.register import views

urlpatterns = [
    path("", views.indicators_page, name="indicators-home"),
    path("indicators/", views.indicators_page, name="indicators"),
]
