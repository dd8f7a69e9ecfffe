"""The inspector's pages: the sector, the preventive register, domestic-violence assessments.

Thin: parse, authorise, call a service or a selector, render. A broken rule comes back as the
same form with the message and the field, and status 422 (403 outside the territory).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.analysis import measures
from senim.core import audit
from senim.core.errors import UseCaseError
from senim.core.models import User
from senim.core.permissions import Perm, can
from senim.prevention import admin_cases, sara, selectors, services, social_map
from senim.prevention.models import (
    CONTROLLER,
    STAGES,
    ChecklistQuestion,
    ContactKind,
    ContactOutcome,
    DvRiskItem,
    DvRiskLevel,
    EndReason,
    Origin,
    PreventiveCategory,
    Side,
    Stage,
    SupervisionStatus,
    TaskOwner,
)
from senim.register.models import AppealCategory, OffenceKind

PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prevention/forbidden.html",
        {"message": _("Your role does not work with prevention in a sector.")},
        status=403,
    )


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _error(error: UseCaseError) -> dict[str, Any]:
    return {
        "status": error.status,
        "field": error.field,
        "message": error.message,
        "more": [{"field": f, "message": m} for f, m in getattr(error, "all", [])[1:]],
    }


# --- the sector -------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    """An inspector's home is their sector; others choose among the sectors of their territory."""
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    if user.sector is not None:
        return redirect("prevention-sector", code=user.sector.code)
    q = request.GET.get("q", "").strip()[:40]
    qs = selectors.sectors_in_scope(user)
    if q:
        qs = qs.filter(code__icontains=q)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/home.html", {"page": page, "q": q, "tab": "sector"})


@login_required
def sector_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    sector = selectors.sectors_in_scope(user).filter(code=code).first()
    if sector is None:
        raise Http404(_("No such sector in your territory."))
    now = timezone.now()
    passport = selectors.passport(sector, now=now)
    today = timezone.localdate(now)
    offence_labels = dict(OffenceKind.choices)
    appeal_labels = dict(AppealCategory.choices)
    points = [
        {"kind": "dv", "name": _("Risk assessed"), "value": [r.assessment.lon, r.assessment.lat]}
        for r in passport.risks
    ] + [
        {"kind": "escalation", "name": _("Repeated domestic calls"), "value": [e["lon"], e["lat"]]}
        for e in passport.escalations
    ]
    social = social_map.passport_extras(user, sector, today=today)
    points += social_map.map_points(social)
    context = {
        "tab": "sector",
        "sector": sector,
        "passport": passport,
        "today": today,
        "offences": [(offence_labels.get(k, k), n) for k, n in sorted(passport.offences.items())],
        "appeals": sorted(
            ((appeal_labels.get(k, k), n) for k, n in passport.appeals.items()),
            key=lambda row: -row[1],
        ),
        "map": {
            "geojson": static("geo/kz_regions.geojson"),
            "region": sector.district.region.iso,
            "centre": [sector.lon, sector.lat],
            "centre_label": _("Sector centre"),
            "points": points,
        },
        "escalation_calls": selectors.ESCALATION_CALLS,
        "problems": list(sara.problems(user).filter(sector=sector).exclude(stage="closed")[:50]),
        "suggestions": sara.suggestions(user, sector, now=now),
        "admin": admin_cases.sector_cases(sector, today=today),
        "social": social,
    }
    return render(request, "prevention/sector.html", context)


# --- the preventive register ------------------------------------------------------------------


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    today = timezone.localdate()
    qs: Any = selectors.with_next_contact(selectors.supervisions(user))
    category = request.GET.get("category", "")
    status = request.GET.get("status", "active")
    if category:
        qs = qs.filter(category__code=category)
    if status in SupervisionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue"):
        qs = qs.filter(next_due__lt=today)
    page = Paginator(qs.order_by("next_due", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "prevention/supervisions.html",
        {
            "tab": "register",
            "page": page,
            "today": today,
            "categories": PreventiveCategory.objects.filter(active=True),
            "statuses": SupervisionStatus.choices,
            "filters": {
                "category": category,
                "status": status,
                "overdue": bool(request.GET.get("overdue")),
            },
        },
    )


def _own_sector(user: User) -> str:
    return user.sector.code if user.sector is not None else ""


def _sector_choices(user: User) -> list[Any]:
    return list(selectors.sectors_in_scope(user)[:500])


@login_required
@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    form.setdefault("sector", request.GET.get("sector") or _own_sector(user))
    error = None
    if request.method == "POST":
        try:
            supervision = services.supervision_open(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-supervision", pk=supervision.pk)
    return render(
        request,
        "prevention/supervision_form.html",
        {
            "tab": "register",
            "form": form,
            "error": error,
            "categories": PreventiveCategory.objects.filter(active=True),
            "sectors": _sector_choices(user),
            "today": timezone.localdate(),
        },
        status=error["status"] if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "contact":
                services.contact_record(user=user, supervision_id=pk, form=request.POST)
            elif action == "end":
                services.supervision_end(user=user, supervision_id=pk, form=request.POST)
            else:
                raise Http404
        except UseCaseError as exc:
            error, status = _error(exc), exc.status
        else:
            return redirect("prevention-supervision", pk=pk)
    supervision = selectors.supervisions(user).filter(pk=pk).first()
    if supervision is None:
        raise Http404(_("No such person on the register in your territory."))
    if request.method == "GET":
        audit.record_read(supervision, actor=user.get_username(), purpose="preventive register")
    today = timezone.localdate()
    contacts = list(supervision.contacts.all())
    return render(
        request,
        "prevention/supervision.html",
        {
            "tab": "register",
            "s": supervision,
            "age": _age(supervision.person.birth_date, today),
            "contacts": contacts,
            "due": next((c for c in contacts if c.done_at is None), None),
            "today": today,
            "kinds": ContactKind.choices,
            "outcomes": ContactOutcome.choices,
            "reasons": EndReason.choices,
            "error": error,
            "post": request.POST if error else {},
            "map": {
                "geojson": static("geo/kz_regions.geojson"),
                "region": supervision.sector.district.region.iso,
                "centre": [supervision.lon, supervision.lat],
                "centre_label": _("Address"),
                "points": [],
            },
        },
        status=status,
    )


# --- domestic-violence risk -------------------------------------------------------------------


@login_required
def dv_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    qs = selectors.assessments(user)
    level = request.GET.get("level", "")
    if level:
        qs = qs.filter(level__code=level)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "prevention/assessments.html",
        {"tab": "dv", "page": page, "levels": DvRiskLevel.objects.all(), "level": level},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dv_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    for name in ("sector", "address", "lat", "lon"):
        if name not in form and request.GET.get(name):
            form[name] = request.GET[name][:300]
    form.setdefault("sector", _own_sector(user))
    error = None
    if request.method == "POST":
        try:
            assessment = services.dv_assess(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-dv", pk=assessment.pk)
    items = list(DvRiskItem.objects.filter(active=True))
    missing = {m["field"] for m in ([error] + error["more"])} if error else set()
    return render(
        request,
        "prevention/assessment_form.html",
        {
            "tab": "dv",
            "form": form,
            "error": error,
            "items": [
                (i, form.get(f"item_{i.code}", ""), f"item_{i.code}" in missing) for i in items
            ],
            "levels": DvRiskLevel.objects.all(),
            "sectors": _sector_choices(user),
        },
        status=error["status"] if error else 200,
    )


@login_required
def dv_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    assessment = get_object_or_404(selectors.assessments(user), pk=pk)
    audit.record_read(assessment, actor=user.get_username(), purpose="domestic-violence risk")
    items = list(DvRiskItem.objects.all())
    risk = selectors.place_risks(
        selectors.assessments(user).filter(place_key=assessment.place_key), now=timezone.now()
    )
    latest = risk[0] if risk else None
    return render(
        request,
        "prevention/assessment.html",
        {
            "tab": "dv",
            "a": assessment,
            "answers": [
                (i, assessment.answers.get(i.code)) for i in items if i.code in assessment.answers
            ],
            "latest": latest,
            "is_latest": latest is not None and latest.assessment.pk == assessment.pk,
            "warns": assessment.level == DvRiskLevel.objects.order_by("-min_score").first(),
            "map": {
                "geojson": static("geo/kz_regions.geojson"),
                "region": assessment.sector.district.region.iso,
                "centre": [assessment.lon, assessment.lat],
                "centre_label": _("Address"),
                "points": [],
            },
        },
    )


# --- problem cases (SARA) ---------------------------------------------------------------------


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    stage = request.GET.get("stage", "")
    qs = sara.problems(user)
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "prevention/problems.html",
        {"tab": "problems", "page": page, "stages": Stage.choices, "stage": stage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    form: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    for name in ("sector", "origin", "lat", "lon", "title"):
        if name not in form and request.GET.get(name):
            form[name] = request.GET[name][:200]
    form.setdefault("sector", _own_sector(user))
    form.setdefault("radius_m", "150")
    error = None
    if request.method == "POST":
        try:
            problem = sara.problem_open(user=user, form=request.POST)
        except UseCaseError as exc:
            error = _error(exc)
        else:
            return redirect("prevention-problem", pk=problem.pk)
    return render(
        request,
        "prevention/problem_form.html",
        {
            "tab": "problems",
            "form": form,
            "error": error,
            "origins": Origin.choices,
            "sectors": _sector_choices(user),
        },
        status=error["status"] if error else 200,
    )


PROBLEM_ACTIONS = {
    "confirm": lambda user, pk, post: sara.confirm_incidents(user=user, pk=pk, form=post),
    "answer": lambda user, pk, post: sara.answer(user=user, pk=pk, form=post),
    "triangle": lambda user, pk, post: sara.triangle_set(user=user, pk=pk, form=post),
    "task": lambda user, pk, post: sara.task_add(user=user, pk=pk, form=post),
    "task_close": lambda user, pk, post: sara.task_close(
        user=user,
        pk=pk,
        task_id=services.whole(post.get("task")),
        status=str(post.get("status") or ""),
    ),
    "advance": lambda user, pk, post: sara.advance(user=user, pk=pk, form=post),
    "assess": lambda user, pk, post: sara.assess(user=user, pk=pk, form=post),
}


@login_required
@require_http_methods(["GET", "POST"])
def problem_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.PREVENTION):
        return _refuse(request)
    error, status = None, 200
    if request.method == "POST":
        action = PROBLEM_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        try:
            action(user, pk, request.POST)
        except UseCaseError as exc:
            error, status = _error(exc), exc.status
        else:
            anchor = request.POST.get("action", "")
            return redirect(reverse("prevention-problem", args=[pk]) + f"#{anchor}")
    problem = sara.problems(user).filter(pk=pk).first()
    if problem is None:
        raise Http404(_("No such problem case in your territory."))
    reached = STAGES[: STAGES.index(problem.stage) + 1]
    answers = {a.question_id: a.text for a in problem.answers.all()}
    questions = [
        (
            stage,
            label,
            [(q, answers.get(q.pk, "")) for q in ChecklistQuestion.objects.filter(stage=stage)],
        )
        for stage, label in Stage.choices
        if stage != "closed"
    ]
    triangle = {t.side: t for t in problem.triangle.all()}
    incidents = list(problem.incidents.select_related("offence", "appeal")[:200])
    return render(
        request,
        "prevention/problem.html",
        {
            "tab": "problems",
            "p": problem,
            "stages": [
                (value, label, problem.stage_at(value) if value != "closed" else problem.closed_at)
                for value, label in Stage.choices
            ],
            "reached": reached,
            "questions": questions,
            "sides": [
                (side, label, CONTROLLER[side], triangle.get(side)) for side, label in Side.choices
            ],
            "incidents": incidents,
            "confirmed": sum(1 for i in incidents if i.confirmed),
            "tasks": list(problem.tasks.all()),
            "owners": TaskOwner.choices,
            "rubric": sara.rubric(problem),
            "error": error,
            "post": request.POST if error else {},
            "today": timezone.localdate(),
            "verdict_label": measures.verdict_label(problem.evaluation["verdict"])
            if problem.evaluation
            else "",
            "caveats": [measures.caveat_text(c) for c in problem.evaluation.get("caveats", [])],
            "control": problem.evaluation.get("control_point") or ["", ""],
            "displacement": measures.interpretation_label(problem.evaluation["displacement"])
            if problem.evaluation.get("displacement")
            else "",
            "map": {
                "geojson": static("geo/kz_regions.geojson"),
                "region": problem.sector.district.region.iso,
                "centre": [problem.lon, problem.lat],
                "centre_label": problem.title,
                "points": [
                    {
                        "kind": "escalation",
                        "name": i.record.external_id,
                        "value": [i.record.lon, i.record.lat],
                    }
                    for i in incidents
                    if i.confirmed and i.record.lat is not None
                ],
            },
        },
        status=status,
    )
