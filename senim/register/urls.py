from django.urls import path

urlpatterns: list = []  # pages are added by the indicators work
