from django.urls import path

from senim.oversight import views, views_bodies, views_registry

urlpatterns = [
    path("", views.home, name="npm-home"),
    path("visits/new/", views.visit_new, name="npm-visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="npm-visit"),
    path("visits/<int:pk>/findings/", views.finding_add, name="npm-finding-add"),
    path("visits/<int:pk>/recommendations/", views.recommendation_add, name="npm-rec-add"),
    path("visits/<int:pk>/attachments/", views.attachment_add, name="npm-attachment-add"),
    path("visits/<int:pk>/obstructions/", views.obstruction_add, name="npm-obstruction-add"),
    path("attachments/<int:pk>/", views.attachment_get, name="npm-attachment"),
    path("obstructions/<int:pk>/pdf/", views.obstruction_pdf, name="npm-obstruction-pdf"),
    path("recommendations/", views.recommendations, name="npm-recommendations"),
    path("recommendations/<int:pk>/status/", views.recommendation_status, name="npm-rec-status"),
    path("recommendations/escalate/", views.escalate, name="npm-escalate"),
    path("bodies/", views_bodies.page, name="npm-bodies"),
    path("recommendations/<int:pk>/sanctions/", views_bodies.sanction_add, name="npm-sanction-add"),
    path("matrix/", views_registry.matrix, name="npm-matrix"),
    path("report/", views_registry.report, name="npm-report"),
    path("coverage/", views_registry.coverage, name="npm-coverage"),
    path("plans/", views_registry.plans, name="npm-plans"),
    path("plans/action/", views_registry.plan_action, name="npm-plan-action"),
    path("institutions/", views_registry.institutions, name="npm-institutions"),
    path("institutions/import/", views_registry.institutions_import, name="npm-import"),
    path("council/", views_registry.council, name="npm-council"),
    path("council/appoint/", views_registry.appoint, name="npm-appoint"),
]
