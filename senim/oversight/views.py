"""NPM pages for visits and recommendations: parse the form, call a service, render or redirect.

A refusal comes back to the form as a message naming the field; a record outside the caller's
groups is a 404 (the same as one that does not exist); roles outside the NPM get 403.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from senim.core.demo_flag import demo_data_present
from senim.core.models import Region
from senim.oversight import access as scope
from senim.oversight import bodies, documents, services, web
from senim.oversight.categories import AGENCIES, OTHER_AGENCY, agency_label
from senim.oversight.checklist import MEASURES, Item, Result
from senim.oversight.errors import Invalid, OversightError
from senim.oversight.models import (
    OPEN_STATUSES,
    Attachment,
    Body,
    Institution,
    Member,
    Obstruction,
    ObstructionKind,
    RecStatus,
    SanctionKind,
)

PAGE_SIZE = 100  # rows per page of a long list
ROWS = 2  # blank finding / recommendation rows on the new-visit form


@login_required
def home(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    try:
        year = web.year(request.GET, web.latest_year(acc))
    except OversightError as error:
        return web.fail(request, error, reverse("npm-home"))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    visits = scope.visits(acc).filter(visited_on__gte=start, visited_on__lte=end)
    group = request.GET.get("group", "")
    if group.isdigit():
        visits = visits.filter(group_id=int(group))
    body = request.GET.get("body", "")
    if body in bodies.VISITING:
        visits = visits.filter(group__kind=body)
    visits = visits.annotate(
        n_findings=Count("findings", distinct=True), n_recs=Count("recommendations", distinct=True)
    )
    today = timezone.localdate()
    recs = scope.recommendations(acc)
    page = Paginator(visits.order_by("-visited_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **web.nav("home", acc),
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "groups": scope.groups(acc),
        "group": group,
        "body": body,
        "bodies": bodies.body_choices(),
        "visits": page,
        "query": urlencode({"year": year, "group": group, "body": body}),
        "count": page.paginator.count,
        "open_recs": recs.filter(status__in=OPEN_STATUSES).count(),
        "overdue_recs": recs.filter(status__in=OPEN_STATUSES, due_on__lt=today).count(),
        "my_groups": scope.recording_bodies(acc),
    }
    return render(request, "oversight/home.html", context)


def _institutions(group: Body | None, region: Region | None) -> Any:
    """What the body may visit: an NPM group the register of its region; a representative any
    known institution of the region; the Ombudsman any, a region at a time (the list is long)."""
    if group is None:
        return []
    qs = Institution.objects.filter(facility__region=group.region or region)
    if group.is_npm:
        qs = qs.filter(active=True)
    return qs.select_related("facility__kind").order_by("facility__kind__code", "facility__name")


def _form_context(
    acc: scope.Access, group: Body | None, post: Any = None, region: Region | None = None
) -> dict[str, Any]:
    """The form's choices, and what was typed when it comes back with an error."""
    today = timezone.localdate()

    def got(name: str) -> str:
        return str(post.get(name, "")) if post else ""

    agencies: list[tuple[str, Any]] = [(a.code, a.label) for a in AGENCIES]
    if group is not None and not group.is_npm:
        agencies.append((OTHER_AGENCY, agency_label(OTHER_AGENCY)))
    return {
        **web.nav("new", acc),
        "my_groups": scope.recording_bodies(acc),
        "group": group,
        "regions": Region.objects.order_by("iso") if group and group.region is None else [],
        "region": region,
        "institutions": _institutions(group, region),
        "members": Member.objects.filter(body=group, term_start__lte=today, term_end__gte=today)
        if group
        else [],
        "items": [(i.value, i.label, MEASURES.get(i.value)) for i in Item],
        "checklist": [
            (
                i.value,
                i.label,
                MEASURES.get(i.value),
                *(got(f"{k}_{i.value}") for k in ("result", "value", "note")),
            )
            for i in Item
        ],
        "results": Result.choices,
        "agencies": agencies,
        "finding_rows": [
            (i, *(got(f"finding_{i}_{k}") for k in ("text", "item", "ill"))) for i in range(ROWS)
        ],
        "rec_rows": [
            (i, *(got(f"rec_{i}_{k}") for k in ("text", "due_on", "agency"))) for i in range(ROWS)
        ],
        "team": [int(t) for t in post.getlist("team") if t.isdigit()] if post else None,
        "today": today,
        "post": post,
    }


def _parse_visit(post: Any) -> dict[str, Any]:
    """The form's fields as record_visit's arguments; blank finding / recommendation rows skipped."""
    checklist = []
    for item in Item:
        result, value = (
            post.get(f"result_{item.value}", ""),
            web.decimal(post, f"value_{item.value}"),
        )
        if result or value is not None:
            checklist.append(
                services.AnswerIn(item.value, result, value, post.get(f"note_{item.value}", ""))
            )
    findings, recs = [], []
    for i in range(ROWS):
        if post.get(f"finding_{i}_text", "").strip():
            text, item = post[f"finding_{i}_text"], post.get(f"finding_{i}_item", "")
            findings.append(services.FindingIn(text, item, bool(post.get(f"finding_{i}_ill"))))
    for i in range(ROWS):
        if post.get(f"rec_{i}_text", "").strip():
            due = web.date(post, f"rec_{i}_due_on")
            assert due is not None
            link = i if i < len(findings) else (0 if findings else None)
            recs.append(
                services.RecommendationIn(
                    post[f"rec_{i}_text"], due, post.get(f"rec_{i}_agency", ""), None, link
                )
            )
    visited_on = web.date(post, "visited_on")
    assert visited_on is not None
    return {
        "group_id": web.integer(post, "group") or 0,
        "institution_id": web.integer(post, "institution") or 0,
        "visited_on": visited_on,
        "unannounced": bool(post.get("unannounced")),
        "team_ids": [int(t) for t in post.getlist("team") if t.isdigit()],
        "interviews_private": web.integer(post, "interviews_private", default=0) or 0,
        "note": post.get("note", ""),
        "checklist": checklist,
        "findings": findings,
        "recommendations": recs,
    }


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    mine = scope.recording_bodies(acc)
    if not mine:
        raise PermissionDenied(_("Only members of an NPM group record visits."))
    chosen = request.POST.get("group") or request.GET.get("group") or str(mine[0].pk)
    group = next((g for g in mine if str(g.pk) == chosen), mine[0])
    iso = request.POST.get("region") or request.GET.get("region") or ""
    region = None
    if group.region is None:  # the Ombudsman picks the region of the institution first
        region = (
            Region.objects.filter(iso=iso[:8]).first() or Region.objects.order_by("iso").first()
        )
    if request.method == "POST":
        try:
            visit = services.record_visit(user=web.user_of(request), **_parse_visit(request.POST))
        except OversightError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            context = _form_context(acc, group, request.POST, region) | {"error": error}
            return render(request, "oversight/visit_form.html", context, status=error.status)
        messages.success(request, _("The visit is recorded."))
        return HttpResponseRedirect(reverse("npm-visit", args=[visit.pk]))
    return render(request, "oversight/visit_form.html", _form_context(acc, group, region=region))


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    acc = web.access(request)
    visit = scope.visits(acc).filter(pk=pk).first()
    if visit is None:
        raise Http404(_("No such visit in your groups."))
    today = timezone.localdate()
    context = {
        **web.nav("home", acc),
        "visit": visit,
        "answers": visit.answers.order_by("id"),
        "findings": visit.findings.order_by("id"),
        "recs": [
            (r, agency_label(r.agency), list(r.sanctions.all()))
            for r in visit.recommendations.prefetch_related("sanctions").order_by("id")
        ],
        "sanction_kinds": SanctionKind.choices,
        "attachments": visit.attachments.defer("content").order_by("id"),
        "obstructions": visit.obstructions.order_by("occurred_at"),
        "can_edit": acc.may_record(visit.group),
        "items": Item.choices,
        "agencies": [(a.code, a.label) for a in AGENCIES]
        + ([] if visit.group.is_npm else [(OTHER_AGENCY, agency_label(OTHER_AGENCY))]),
        "obstruction_kinds": ObstructionKind.choices,
        "statuses": RecStatus.choices,
        "today": today,
        "default_due": today + dt.timedelta(days=90),
        "limit_mb": services.MAX_ATTACHMENT_BYTES // (1024 * 1024),
    }
    return render(request, "oversight/visit_detail.html", context)


def _back(pk: int) -> str:
    return reverse("npm-visit", args=[pk])


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    try:
        finding = services.FindingIn(
            post.get("text", ""), post.get("item", ""), bool(post.get("ill_treatment"))
        )
        services.add_finding(user=web.user_of(request), visit_id=pk, finding=finding)
    except OversightError as error:
        return web.fail(request, error, _back(pk))
    return HttpResponseRedirect(_back(pk))


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    try:
        due = web.date(post, "due_on")
        assert due is not None
        rec = services.RecommendationIn(post.get("text", ""), due, post.get("agency", ""))
        services.add_recommendation(
            user=web.user_of(request), visit_id=pk, rec=rec, finding_id=web.integer(post, "finding")
        )
    except OversightError as error:
        return web.fail(request, error, _back(pk))
    return HttpResponseRedirect(_back(pk))


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Invalid("file", _("Choose a file."))
        services.add_attachment(
            user=web.user_of(request),
            visit_id=pk,
            name=upload.name or "",
            content_type=upload.content_type or "",
            size=upload.size or 0,
            handle=cast(IO[bytes], upload.file),
        )
    except OversightError as error:
        return web.fail(request, error, _back(pk))
    return HttpResponseRedirect(_back(pk))


@login_required
def attachment_get(request: HttpRequest, pk: int) -> HttpResponse:
    acc = web.access(request)
    item = Attachment.objects.filter(pk=pk, visit__in=scope.visits(acc)).first()
    if item is None:
        raise Http404(_("No such attachment."))
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.name}"'
    return response


@login_required
@require_POST
def obstruction_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    try:
        text = post.get("occurred_at", "").strip()
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            raise Invalid("occurred_at", _("Enter the date and time.")) from None
        services.record_obstruction(
            user=web.user_of(request),
            visit_id=pk,
            occurred_at=when,
            kind=post.get("kind", ""),
            official=post.get("official", ""),
            description=post.get("description", ""),
        )
    except OversightError as error:
        return web.fail(request, error, _back(pk))
    return HttpResponseRedirect(_back(pk))


@login_required
def obstruction_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    acc = web.access(request)
    item = (
        Obstruction.objects.filter(pk=pk, visit__in=scope.visits(acc))
        .select_related(
            "visit__group__region",
            "visit__institution__facility__kind",
            "visit__institution__facility__region",
        )
        .first()
    )
    if item is None:
        raise Http404(_("No such record."))
    language = request.GET.get("lang", "kk")
    if language not in documents.LETTER_LANGUAGES:
        return HttpResponse(_("The letter is written in Kazakh (kk) or Russian (ru)."), status=400)
    pdf = documents.obstruction_pdf(item, language=language, demo=demo_data_present())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="npm-obstruction-{item.pk}-{language}.pdf"'
    return response


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    acc = web.access(request)
    today = timezone.localdate()
    qs = scope.recommendations(acc).select_related("visit__group__region", "proposal")
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif status in RecStatus.values:
        qs = qs.filter(status=status)
    agency = request.GET.get("agency", "")
    if agency:
        qs = qs.filter(agency=agency)
    body = request.GET.get("body", "")
    if body in bodies.VISITING:
        qs = qs.filter(visit__group__kind=body)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    page = Paginator(qs.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **web.nav("recs", acc),
        "recs": [(r, agency_label(r.agency)) for r in page],
        "page": page,
        "query": urlencode({"status": status, "agency": agency, "body": body}),
        "count": page.paginator.count,
        "counts": [(s, label, counts.get(s, 0)) for s, label in RecStatus.choices],
        "status": status,
        "agency": agency,
        "body": body,
        "bodies": bodies.body_choices(),
        "statuses": RecStatus.choices,
        "agencies": [(a.code, a.label) for a in AGENCIES],
        "today": today,
        "overdue_total": scope.recommendations(acc)
        .filter(Q(status__in=OPEN_STATUSES) & Q(due_on__lt=today))
        .count(),
    }
    return render(request, "oversight/recommendations.html", context)


@login_required
@require_POST
def recommendation_status(request: HttpRequest, pk: int) -> HttpResponse:
    back = request.POST.get("next") or reverse("npm-recommendations")
    if not back.startswith("/"):
        back = reverse("npm-recommendations")
    try:
        services.change_status(
            user=web.user_of(request),
            recommendation_id=pk,
            status=request.POST.get("status", ""),
            on=web.date(request.POST, "on", required=False),
            note=request.POST.get("note", ""),
        )
    except OversightError as error:
        return web.fail(request, error, back)
    messages.success(request, _("The status is recorded."))
    return HttpResponseRedirect(back)


@login_required
@require_POST
def escalate(request: HttpRequest) -> HttpResponse:
    back = reverse("npm-recommendations") + "?status=overdue"
    ids = [int(i) for i in request.POST.getlist("recommendation") if i.isdigit()]
    try:
        proposal = services.escalate(
            user=web.user_of(request), recommendation_ids=ids, text=request.POST.get("text", "")
        )
    except OversightError as error:
        return web.fail(request, error, back)
    messages.success(request, _("Proposal No. %(n)s is made.") % {"n": proposal.pk})
    return HttpResponseRedirect(back)
