"""NPM pages for the register, the council and groups, plans and coverage, and the tables:
the recommendation matrix (Table 3) and the consolidated annual report (page, PDF, XLSX)."""

from __future__ import annotations

from typing import IO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from senim.core.demo_flag import demo_data_present
from senim.core.models import Region, User
from senim.oversight import access as scope
from senim.oversight import documents, planning, registry, tables, web
from senim.oversight.categories import AGENCIES, agency_label
from senim.oversight.errors import Invalid, OversightError
from senim.oversight.models import (
    Body,
    BodyKind,
    Member,
    PlannedVisit,
    PlanStatus,
    Position,
    VisitPlan,
)
from senim.register.ingest.readers import UnreadableFile, detect_format

PAGE_SIZE = 100  # rows per page of a long list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    try:
        year = web.year(request.GET, web.latest_year(acc))
    except OversightError as error:
        return web.fail(request, error, reverse("npm-matrix"))
    table = tables.recommendation_matrix(user=web.user_of(request), year=year)
    today = timezone.localdate()
    context = {
        **web.nav("matrix", acc),
        "table": table,
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
    }
    return render(request, "oversight/matrix.html", context)


def _scope_label(acc: scope.Access) -> str:
    if acc.everything:
        return _("Republic of Kazakhstan")
    return ", ".join(g.name for g in scope.groups(acc)) or _("no group")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    try:
        year = web.year(request.GET, web.latest_year(acc))
    except OversightError as error:
        return web.fail(request, error, reverse("npm-report"))
    data = tables.annual_report(user=web.user_of(request), year=year)
    label = _scope_label(acc)
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        response = HttpResponse(
            documents.report_pdf(data, scope_label=label, demo=demo_data_present()),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="npm-report-{year}.pdf"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(documents.report_xlsx(data, scope_label=label), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="npm-report-{year}.xlsx"'
        return response
    if fmt:
        return HttpResponse(_("Unknown export format."), status=400)
    today = timezone.localdate()
    sections = [
        (_("Mandated institutions by agency"), data.institutions, data.institutions_total),
        (_("Visits by agency"), data.visits_by_agency, data.visits_total),
        (_("Visits by kind of institution"), data.visits_by_category, data.visits_total),
        (_("Recommendations by status"), data.recommendations_by_status, data.matrix.total.sent),
        (_("Violations found, by checklist item"), data.violations, None),
    ]
    context = {
        **web.nav("report", acc),
        "sections": sections,
        "report": data,
        "year": year,
        "scope_label": label,
        "title": tables.report_title(data),
        "years": list(range(today.year, today.year - 6, -1)),
    }
    return render(request, "oversight/report.html", context)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    rows = planning.coverage(user=web.user_of(request))
    summary = planning.coverage_summary(rows)
    status = request.GET.get("status", "never")
    shown = [(r, planning.status_label(r.status)) for r in rows if status in (r.status, "all")]
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    by_agency: dict[str, dict[str, int]] = {}
    for r in rows:
        counts = by_agency.setdefault(
            r.institution.facility.kind.agency_code, dict.fromkeys(planning.STATUSES, 0)
        )
        counts[r.status] += 1
    context = {
        **web.nav("coverage", acc),
        "summary": summary,
        "statuses": [(s, planning.status_label(s), summary[s]) for s in planning.STATUSES],
        "status": status,
        "page": page,
        "by_agency": [
            (agency_label(a.code), by_agency.get(a.code)) for a in AGENCIES if a.code in by_agency
        ],
        "cycle": planning.CYCLE_YEARS,
    }
    return render(request, "oversight/coverage.html", context)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    groups = list(scope.groups(acc))
    try:
        year = web.year(request.GET) if request.GET.get("year") else timezone.localdate().year + 1
    except OversightError as error:
        return web.fail(request, error, reverse("npm-plans"))
    chosen = request.GET.get("group", "")
    group = next((g for g in groups if str(g.pk) == chosen), groups[0] if groups else None)
    plan = VisitPlan.objects.filter(group=group, year=year).first() if group else None
    entries = (
        plan.entries.select_related("institution__facility__kind").order_by("institution__code")
        if plan
        else PlannedVisit.objects.none()
    )
    missing = planning.missing(plan) if plan else (planning.required(group, year) if group else [])
    context = {
        **web.nav("plans", acc),
        "groups": groups,
        "group": group,
        "year": year,
        "plan": plan,
        # Both lists paginate: a group's plan runs to hundreds of institutions.
        "entries": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "missing": Paginator(missing, PAGE_SIZE).get_page(request.GET.get("due_page")),
        "query": urlencode({"group": group.pk if group else "", "year": year}),
        "can_edit": bool(
            group and acc.may_record(group) and (plan is None or plan.status == PlanStatus.DRAFT)
        ),
        "can_approve": bool(acc.council and plan and plan.status == PlanStatus.DRAFT),
    }
    return render(request, "oversight/plans.html", context)


@login_required
@require_POST
def plan_action(request: HttpRequest) -> HttpResponse:
    post, user = request.POST, web.user_of(request)
    group, year = post.get("group", ""), post.get("year", "")
    back = reverse("npm-plans") + f"?group={group}&year={year}"
    try:
        action = post.get("action")
        if action == "propose":
            planning.propose_plan(
                user=user, group_id=web.integer(post, "group") or 0, year=web.year(post)
            )
        elif action == "approve":
            planning.approve_plan(user=user, plan_id=web.integer(post, "plan") or 0)
            messages.success(request, _("The plan is approved."))
        elif action == "remove":
            planning.remove_from_plan(
                user=user,
                plan_id=web.integer(post, "plan") or 0,
                institution_id=web.integer(post, "institution") or 0,
            )
        else:
            raise Invalid("action", _("Unknown action."))
    except OversightError as error:
        return web.fail(request, error, back)
    return HttpResponseRedirect(back)


@login_required
def institutions(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    qs = scope.institutions(acc).order_by("facility__region__iso", "code")
    agency, region, q = (
        request.GET.get("agency", ""),
        request.GET.get("region", ""),
        request.GET.get("q", "").strip(),
    )
    if agency:
        qs = qs.filter(facility__kind__agency_code=agency)
    if region:
        qs = qs.filter(facility__region__iso=region)
    if q:
        qs = qs.filter(
            Q(facility__name__icontains=q)
            | Q(facility__name_kk__icontains=q)
            | Q(facility__name_en__icontains=q)
            | Q(code__icontains=q)
        )
    counts = dict(
        scope.institutions(acc)
        .filter(active=True)
        .values_list("facility__kind__agency_code")
        .annotate(n=Count("id"))
        .values_list("facility__kind__agency_code", "n")
    )
    context = {
        **web.nav("institutions", acc),
        "page": Paginator(qs, 100).get_page(request.GET.get("page")),
        "count": qs.count(),
        "by_agency": [(a.code, a.label, counts.get(a.code, 0)) for a in AGENCIES],
        "total": sum(counts.values()),
        "agencies": [(a.code, a.label) for a in AGENCIES],
        "regions": Region.objects.order_by("iso"),
        "agency": agency,
        "region": region,
        "q": q,
        "summary": request.session.pop("npm_import", None),
    }
    return render(request, "oversight/institutions.html", context)


@login_required
@require_POST
def institutions_import(request: HttpRequest) -> HttpResponse:
    back = reverse("npm-institutions")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Invalid("file", _("Choose a file."))
        try:
            summary = registry.import_institutions(
                user=web.user_of(request),
                handle=cast(IO[bytes], upload.file),
                fmt=detect_format(upload.name or ""),
                source_name=upload.name or "",
            )
        except UnreadableFile as error:
            raise Invalid("file", str(error)) from None
    except OversightError as error:
        return web.fail(request, error, back)
    result = summary.as_dict()
    result["errors"] = result["errors"][:200]
    request.session["npm_import"] = result
    return HttpResponseRedirect(back)


@login_required
def council(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    today = timezone.localdate()
    bodies = [
        b
        for b in Body.objects.select_related("region").order_by("kind", "region__iso")
        if b.kind == BodyKind.COUNCIL or acc.everything or b.pk in acc.member_of
    ]
    members = (
        Member.objects.filter(term_end__gte=today, term_start__lte=today)
        .select_related("user")
        .order_by("position", "full_name")
    )
    by_body: dict[int, list[Member]] = {}
    for m in members:
        by_body.setdefault(m.body_id, []).append(m)
    context = {
        **web.nav("council", acc),
        "bodies": [(b, by_body.get(b.pk, [])) for b in bodies],
        "serving": sum(len(by_body.get(b.pk, [])) for b in bodies if b.kind == BodyKind.GROUP),
        "positions": Position.choices,
        "monitors": User.objects.filter(role="npm_monitor").order_by("username")
        if acc.manages
        else [],
        "today": today,
    }
    return render(request, "oversight/council.html", context)


@login_required
@require_POST
def appoint(request: HttpRequest) -> HttpResponse:
    post, back = request.POST, reverse("npm-council")
    try:
        start = web.date(post, "term_start")
        assert start is not None
        registry.appoint(
            user=web.user_of(request),
            body_id=web.integer(post, "body") or 0,
            full_name=post.get("full_name", ""),
            position=post.get("position", ""),
            term_start=start,
            member_user_id=web.integer(post, "user"),
        )
    except OversightError as error:
        return web.fail(request, error, back)
    messages.success(request, _("The term is recorded."))
    return HttpResponseRedirect(back)
