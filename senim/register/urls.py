from django.urls import path

from senim.register import views

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
]
