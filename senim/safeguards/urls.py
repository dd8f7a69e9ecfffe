from django.urls import path

from senim.safeguards import views, views_forms, views_redress

urlpatterns = [
    path("", views.custody_board, name="safeguards-custody"),
    path("custody/new/", views_forms.custody_new, name="safeguards-custody-new"),
    path("complaints/", views.complaints_page, name="safeguards-complaints"),
    path("complaints/new/", views_forms.complaint_new, name="safeguards-complaint-new"),
    path("cases/", views.cases_page, name="safeguards-cases"),
    path("cases/new/", views_forms.case_new, name="safeguards-case-new"),
    path("cases/step/", views_forms.case_step, name="safeguards-case-step"),
    path("terminals/", views.terminals_page, name="safeguards-terminals"),
    path("terminals/report/", views_forms.terminal_report, name="safeguards-terminal-report"),
    path("ledger/", views.ledger_page, name="safeguards-ledger"),
    path("redress/", views_redress.redress_page, name="safeguards-redress"),
    path("redress/<int:pk>/", views_redress.compensation_detail, name="safeguards-compensation"),
    path("redress/new/", views_redress.compensation_new, name="safeguards-compensation-new"),
    path("redress/book/new/", views_redress.book_entry_new, name="safeguards-book-new"),
]
