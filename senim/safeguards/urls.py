from django.urls import path

from senim.safeguards import views

urlpatterns = [
    path("", views.custody_board, name="safeguards-custody"),
    path("complaints/", views.complaints_page, name="safeguards-complaints"),
    path("cases/", views.cases_page, name="safeguards-cases"),
    path("terminals/", views.terminals_page, name="safeguards-terminals"),
    path("ledger/", views.ledger_page, name="safeguards-ledger"),
]
