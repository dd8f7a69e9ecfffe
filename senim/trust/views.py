"""Trust pages: the trust index, survey estimates, media monitoring, critical-item counts.

Thin: parse the request, call a service, render. A refusal (role, scope, bad input) is shown on
the page with its status; a rejected file lists every error with its row and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from senim.core.models import Region, Unit, User
from senim.core.scope import allowed_region_ids, scope_level
from senim.trust.access import MEDIA_WRITE, SURVEY_MANAGE, allowed
from senim.trust.errors import FileRejected, Invalid, TrustError
from senim.trust.models import Language, Tone, Topic
from senim.trust.services import index, media, surveys, workflow

Build = Callable[[User], dict[str, Any]]


def _page(request: HttpRequest, template: str, build: Build, page: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {"page": page}
    status = 200
    try:
        context |= build(user)
        status = context.pop("status", 200)
    except FileRejected as error:
        context |= {"file_errors": error.errors, "error": error}
        status = error.status
    except TrustError as error:
        context["error"] = error
        status = error.status
    return render(request, template, context, status=status)


def _posted(act: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a form's use case; a refusal is shown above the page, which still renders."""
    try:
        return act()
    except FileRejected as error:
        return {"error": error, "file_errors": error.errors, "status": error.status}
    except TrustError as error:
        return {"error": error, "status": error.status, "form_error": True}


def _year(raw: str, default: int) -> int:
    if not raw:
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Invalid("year", _("The year is out of range."))
    return int(raw)


# --- trust index -----------------------------------------------------------------------------


@login_required
def index_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        regions, national = index.trust_index(user=user)
        years = sorted(
            {p.year for s in [*regions, *([national] if national else [])] for p in s.points}
        )
        rows = [(s, {p.year: p.value for p in s.points}) for s in regions if s.points]
        chart = {
            "years": years,
            "series": [
                {"name": s.name, "code": s.code,
                 "values": [None if y not in v else round(v[y].estimate, 1) for y in years],
                 "lows": [None if y not in v else round(v[y].low, 1) for y in years],
                 "highs": [None if y not in v else round(v[y].high, 1) for y in years]}
                for s, v in rows
            ],
            "national": None if national is None else {
                "name": _("Kazakhstan"), "values": [round(p.value.estimate, 1) for p in national.points]},
            "labels": {"index": _("Trust index"), "national": _("Kazakhstan")},
        }  # fmt: skip
        table = [(series, [values.get(y) for y in years]) for series, values in rows]
        return {"years": years, "rows": table, "national": national, "chart": chart}

    return _page(request, "trust/index.html", build, "index")


# --- surveys ---------------------------------------------------------------------------------


@login_required
def surveys_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        return {"surveys": surveys.surveys_for(user)}

    return _page(request, "trust/surveys.html", build, "surveys")


@login_required
def survey_page(request: HttpRequest, code: str) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        survey = surveys.get_survey(user=user, code=code)
        region = request.GET.get("region", "").strip().upper()
        context: dict[str, Any] = {
            "survey": survey,
            "region": region,
            "can_manage": allowed(user, SURVEY_MANAGE),
            "regions": _regions(user),
        }
        if request.method == "POST":
            context |= _posted(lambda: _survey_post(request, user, survey))
        context["estimates"] = surveys.survey_estimates(
            user=user, survey=survey, region=region or None
        )
        return context

    return _page(request, "trust/survey.html", build, "surveys")


def _survey_post(request: HttpRequest, user: User, survey: Any) -> dict[str, Any]:
    if request.POST.get("action") == "weights":
        report = surveys.compute_weights(user=user, survey=survey)
        survey.refresh_from_db()
        return {"message": _("Weights computed in %(n)d iterations.") % {"n": report["iterations"]}}
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid("file", _("Choose a file to load."))
    result = surveys.load_responses(
        user=user, survey=survey, handle=upload, filename=upload.name or ""
    )
    survey.refresh_from_db()
    return {
        "message": _("%(n)d respondents loaded; compute the weights again.")
        % {"n": result.respondents}
    }


def _regions(user: User) -> list[Region]:
    allowed_ids = allowed_region_ids(user)
    qs = Region.objects.order_by("iso")
    return list(qs if allowed_ids is None else qs.filter(pk__in=allowed_ids))


# --- media -----------------------------------------------------------------------------------


FILTERS = ("tone", "language", "region", "topic", "month")


@login_required
def media_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        context: dict[str, Any] = {
            "can_write": allowed(user, MEDIA_WRITE),
            "regions": _regions(user),
        }
        if request.method == "POST":
            context |= _posted(lambda: _media_post(request, user))
        qs = media.items_for(user)
        f = {k: request.GET.get(k, "").strip() for k in FILTERS}
        if f["tone"]:
            qs = qs.filter(final_tone=f["tone"])
        if f["language"]:
            qs = qs.filter(language=f["language"])
        if f["region"]:
            qs = qs.filter(region__iso=f["region"].upper())
        if f["topic"]:
            qs = qs.filter(topic_rows__topic=f["topic"])
        if f["month"]:
            try:
                start = dt.datetime.strptime(f["month"], "%Y-%m").replace(
                    tzinfo=timezone.get_default_timezone()
                )
            except ValueError:
                raise Invalid("month", _("Months are written as YYYY-MM.")) from None
            end = (start + dt.timedelta(days=32)).replace(day=1)
            qs = qs.filter(published_at__gte=start, published_at__lt=end)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = "&".join(f"{k}={v}" for k, v in f.items() if v)
        return context | {
            "items": page, "filters": f, "query": query,
            "tones": Tone.choices, "languages": Language.choices, "topics": Topic.choices,
        }  # fmt: skip

    return _page(request, "trust/media.html", build, "media")


def _media_post(request: HttpRequest, user: User) -> dict[str, Any]:
    if request.POST.get("action") == "import":
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid("file", _("Choose a file to load."))
        summary = media.import_items(
            user=user, handle=upload, filename=upload.name or "",
            source=request.POST.get("source", ""), region=request.POST.get("region", ""),
        )  # fmt: skip
        return {"message": _("%(created)d items loaded (%(critical)d critical), %(unchanged)d already there.")
                % {"created": summary.created, "critical": summary.critical, "unchanged": summary.unchanged}}  # fmt: skip
    fields = {
        k: request.POST.get(k, "")
        for k in ("source", "url", "title", "text", "published_at", "region")
    }
    saved = media.add_item(user=user, fields=fields)
    return {"message": _("The item is saved."), "saved_id": saved.id}


# The rule of senim/trust/language.py that decided an item's language, in words (its code is
# internal).
LANGUAGE_REASONS = {
    "too_short": gettext_lazy("too short to tell"),
    "not_cyrillic": gettext_lazy("not in Cyrillic"),
    "foreign_cyrillic": gettext_lazy("Cyrillic of another language"),
    "russian_words": gettext_lazy("Russian function words"),
    "other_turkic": gettext_lazy("another Turkic language"),
    "kazakh_words": gettext_lazy("Kazakh function words"),
    "kazakh_letters": gettext_lazy("letters found only in Kazakh"),
    "cyrillic_without_kazakh_letters": gettext_lazy("Cyrillic without Kazakh letters"),
}


def _item_context(user: User, item_id: int) -> dict[str, Any]:
    item = media.get_item(user=user, item_id=item_id)
    response = getattr(item, "response", None)
    topic_labels = dict(Topic.choices)
    units = Unit.objects.filter(region=item.region_id).order_by("kind", "name_en")[:200]
    return {
        "item": item,
        "response": response,
        "actions": workflow.next_actions(response) if response else [],
        "topics": [(topic_labels.get(t["code"], t["code"]), t["words"]) for t in item.topics],
        "evidence": item.tone_evidence,
        "language_reason": LANGUAGE_REASONS.get((item.language_detail or {}).get("reason", ""), ""),
        "can_write": allowed(user, MEDIA_WRITE),
        "tones": Tone.choices,
        "units": units if item.region_id else [],
    }


@login_required
def media_item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    return _page(request, "trust/media_item.html", lambda u: _item_context(u, item_id), "media")


@login_required
@require_POST
def media_item_action(request: HttpRequest, item_id: int) -> HttpResponse:
    """Correct the tone or advance the response case; a refusal is shown on the item's page."""
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    try:
        if action == "correct":
            media.correct_tone(user=user, item_id=item_id, tone=request.POST.get("tone", ""))
        else:
            confirmed = {"yes": True, "no": False}.get(request.POST.get("confirmed", ""))
            unit = request.POST.get("unit", "")
            workflow.advance(
                user=user,
                item_id=item_id,
                action=action,
                note=request.POST.get("note", ""),
                confirmed=confirmed,
                unit_id=int(unit) if unit.isdigit() else None,
            )
    except TrustError as refused:
        failure = refused
    else:
        return redirect(reverse("trust-media-item", args=[item_id]))

    def build(u: User) -> dict[str, Any]:
        context = _item_context(u, item_id)
        return context | {"error": failure, "form_error": True, "status": failure.status}

    return _page(request, "trust/media_item.html", build, "media")


@login_required
def critical_page(request: HttpRequest) -> HttpResponse:
    def build(user: User) -> dict[str, Any]:
        year = _year(request.GET.get("year", ""), timezone.localdate().year - 1)
        rows = media.critical_counts(user=user, year=year)
        months = [sum(r.months[m] for r in rows) for m in range(12)]
        return {
            "year": year,
            "rows": rows,
            "month_totals": months,
            "total": sum(months),
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "national": scope_level(user) == "national",
        }

    return _page(request, "trust/critical.html", build, "critical")
