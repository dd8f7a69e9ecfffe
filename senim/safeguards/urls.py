from django.urls import path

from senim.safeguards import views, views_forms, views_records, views_redress

urlpatterns = [
    path("", views.custody_board, name="safeguards-custody"),
    path("custody/new/", views_forms.custody_new, name="safeguards-custody-new"),
    path("custody/records/", views_records.custody_list, name="safeguards-custody-list"),
    path("custody/<int:pk>/", views_records.custody_record, name="safeguards-custody-record"),
    path("complaints/", views.complaints_page, name="safeguards-complaints"),
    path("complaints/new/", views_forms.complaint_new, name="safeguards-complaint-new"),
    path("complaints/all/", views_records.complaint_list, name="safeguards-complaint-list"),
    path("complaints/<int:pk>/", views_records.complaint_record, name="safeguards-complaint"),
    path("cases/", views.cases_page, name="safeguards-cases"),
    path("cases/new/", views_forms.case_new, name="safeguards-case-new"),
    path("cases/all/", views_records.case_list, name="safeguards-case-list"),
    path("cases/<int:pk>/", views_records.case_record, name="safeguards-case"),
    path("cases/step/", views_forms.case_step, name="safeguards-case-step"),
    path("terminals/", views.terminals_page, name="safeguards-terminals"),
    path("terminals/report/", views_forms.terminal_report, name="safeguards-terminal-report"),
    path("ledger/", views.ledger_page, name="safeguards-ledger"),
    path("redress/", views_redress.redress_page, name="safeguards-redress"),
    path("redress/<int:pk>/", views_redress.compensation_detail, name="safeguards-compensation"),
    path("redress/new/", views_redress.compensation_new, name="safeguards-compensation-new"),
    path("redress/book/new/", views_redress.book_entry_new, name="safeguards-book-new"),
]
