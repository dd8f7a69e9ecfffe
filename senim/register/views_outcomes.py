"""Case outcomes on the pages: the offence record's steps, damage and repayments with the forms
that record them, and the outcomes section of the indicators page.

Thin: the forms post to one view that calls senim.register.outcomes (the same writer as the API
and the ingest); a refusal re-renders the record page with the message beside its field (422).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Unit, User
from senim.register import outcomes as writer
from senim.register.indicators import IndicatorTable, kind_label, severity_label
from senim.register.models import (
    CASE_STEP_TRANSITIONS,
    Appeal,
    AppealCategory,
    Offence,
    PersonSearch,
    SearchOutcome,
    StepKind,
)
from senim.register.outcome_indicators import (
    CRIMINAL_KINDS,
    DEFINITION,
    Outcomes,
    administrative_sample,
    outcomes,
)

# The published national figure shown beside the demo's administrative sample (the ministry's
# board meeting on 2025, seed 003 line 8: "more than 17 million").
PUBLISHED_ADMINISTRATIVE_2025 = 17_000_000


# The posted field names an error may name, as the form's own labels call them: a refusal shows
# the label, never the field's internal name.
FIELD_LABELS = {
    "action": gettext_lazy("Form"),
    "step": gettext_lazy("Step"),
    "on": gettext_lazy("Date"),
    "unit": gettext_lazy("Unit"),
    "district": gettext_lazy("District"),
    "offence": gettext_lazy("Offence"),
    "damage": gettext_lazy("Damage, tenge"),
    "assessed_on": gettext_lazy("Assessed on"),
    "repaid": gettext_lazy("Repaid, tenge"),
    "repaid_on": gettext_lazy("Repaid on"),
    "appeal": gettext_lazy("Appeal"),
    "opened_on": gettext_lazy("Search opened"),
    "outcome_on": gettext_lazy("Found or caught on"),
    "outcome": gettext_lazy("Outcome"),
    "search": gettext_lazy("Search"),
}


def labelled(errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, its label, message) for each error, in the order found."""
    return [(f, str(FIELD_LABELS.get(f, "")), m) for f, m in errors.items()]


def _int(raw: str | None) -> int:
    """A posted id, or 0 (no such row) when it is not a plain number within 64 bits."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else 0


def _search_label(search: PersonSearch) -> str:
    return str(SearchOutcome(search.outcome).label) if search.outcome else _("still searched for")


def _step_label(step: str) -> str:
    return str(StepKind(step).label) if step in StepKind.values else str(step)


# --- the offence record ---------------------------------------------------------------------


def record_context(request: HttpRequest, user: User, offence: Offence) -> dict[str, Any]:
    """What the record page shows of the case's outcome, and the forms if the user may write."""
    steps = list(offence.steps.select_related("unit", "district").order_by("on", "id"))
    state, _last = writer.case_state(offence)
    form: dict[str, str] = getattr(request, "outcome_form", {})
    errors: dict[str, str] = getattr(request, "outcome_errors", {})
    criminal = offence.kind in CRIMINAL_KINDS
    damage = getattr(offence, "damage", None) if hasattr(offence, "damage") else None
    repayments = list(offence.repayments.order_by("on"))
    repaid = sum((r.amount for r in repayments), Decimal(0))
    may_write = writer.can_write(user)
    return {
        "outcome": {
            "criminal": criminal,
            "state": _step_label(state) if state != "registered" else _("registered"),
            "steps": [(s, _step_label(s.step)) for s in steps],
            "next_steps": [
                (s, _step_label(s)) for s in StepKind.values if s in CASE_STEP_TRANSITIONS[state]
            ],
            "wanted": [
                (w, _search_label(w))
                for w in offence.searches.filter(kind="wanted").order_by("opened_on", "pk")
            ],
            "damage": damage,
            "repayments": repayments,
            "repaid": repaid,
            "may_write": may_write,
            "units": list(Unit.objects.filter(region_id=offence.region_id).order_by("name_en"))
            if may_write and criminal
            else [],
            "districts": list(
                District.objects.filter(region_id=offence.region_id).order_by("name_en")
            )
            if may_write and criminal
            else [],
            "form": form,
            "errors": labelled(errors),
            "today": writer.today().isoformat(),
        }
    }


@login_required
@require_POST
def record_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """One form of the record page: a case step, the damage or a repayment."""
    from senim.register.views_workbench import offence_page

    user: User = request.user  # type: ignore[assignment]
    post = request.POST
    action = post.get("action", "")
    try:
        if action == "step":
            writer.record_step(
                user=user,
                offence_id=pk,
                step=post.get("step", ""),
                on=post.get("on", ""),
                unit=post.get("unit") or None,
                district=post.get("district") or None,
            )
        elif action == "wanted":
            writer.open_wanted_search(user=user, offence_id=pk, on=post.get("opened_on", ""))
        elif action == "caught":
            search = PersonSearch.objects.filter(
                offence_id=pk, kind="wanted", pk=_int(post.get("search"))
            ).first()
            if search is None:
                raise NotFound("search", _("No such search in your territory."))
            writer.record_search_outcome(user=user, search_id=search.pk, on=post.get("outcome_on"))
        elif action == "damage":
            writer.record_damage(
                user=user,
                offence_id=pk,
                amount=post.get("damage", ""),
                assessed_on=post.get("assessed_on", ""),
            )
        elif action == "repayment":
            writer.record_repayment(
                user=user,
                offence_id=pk,
                amount=post.get("repaid", ""),
                on=post.get("repaid_on", ""),
            )
        else:
            raise Invalid("action", _("unknown form"))
    except Forbidden:
        from senim.register.views_workbench import _forbidden

        return _forbidden(request)
    except NotFound:
        raise Http404(_("No such offence in your territory.")) from None
    except Invalid as error:
        request.outcome_form = {k: str(v)[:200] for k, v in post.items()}  # type: ignore[attr-defined]
        request.outcome_errors = {field: message for field, message in error.all}  # type: ignore[attr-defined]
        request.method = "GET"
        response = offence_page(request, pk)
        response.status_code = 422
        return response
    return HttpResponseRedirect(reverse("register-offence", args=[pk]) + "#case-outcome")


# --- the appeal record: the search for a missing person --------------------------------------


def appeal_context(request: HttpRequest, user: User, appeal: Appeal) -> dict[str, Any]:
    searches = list(PersonSearch.objects.filter(appeal=appeal).order_by("opened_on"))
    missing = appeal.category == AppealCategory.MISSING_PERSON
    errors = getattr(request, "outcome_errors", {})
    return {
        "search": {
            "shown": missing or bool(searches) or bool(errors),
            "searches": [(s, _search_label(s)) for s in searches],
            "may_open": missing and not searches and writer.can_write(user),
            "may_close": writer.can_write(user),
            "form": getattr(request, "outcome_form", {}),
            "errors": labelled(errors),
            "today": writer.today().isoformat(),
        }
    }


@login_required
@require_POST
def record_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The appeal page's forms: open the search, or record the person found."""
    from senim.register.views_workbench import _forbidden, appeal_page

    user: User = request.user  # type: ignore[assignment]
    post = request.POST
    try:
        if post.get("action") == "open":
            writer.open_search(user=user, appeal_id=pk, on=post.get("opened_on", ""))
        elif post.get("action") == "found":
            search = PersonSearch.objects.filter(appeal_id=pk, pk=_int(post.get("search"))).first()
            if search is None:
                raise NotFound("search", _("No such search in your territory."))
            writer.record_search_outcome(user=user, search_id=search.pk, on=post.get("outcome_on"))
        else:
            raise Invalid("action", _("unknown form"))
    except Forbidden:
        return _forbidden(request)
    except NotFound:
        raise Http404(_("No such appeal in your territory.")) from None
    except Invalid as error:
        request.outcome_form = {k: str(v)[:200] for k, v in post.items()}  # type: ignore[attr-defined]
        request.outcome_errors = dict(error.all)  # type: ignore[attr-defined]
        request.method = "GET"
        response = appeal_page(request, pk)
        response.status_code = 422
        return response
    return HttpResponseRedirect(reverse("register-appeal", args=[pk]) + "#search")


# --- the indicators page --------------------------------------------------------------------


def indicators_context(user: User, table: IndicatorTable) -> dict[str, Any]:
    """The outcomes section for exactly the table's territory and period."""
    sample = administrative_sample()
    result = outcomes(
        user=user,
        period=table.period,
        region_id=table.region.id if table.region else None,
        district_id=table.district.id if table.district else None,
        sample=sample,
    )
    return {"outcomes": section(result)}


def section(result: Outcomes) -> dict[str, Any]:
    def pct(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    start_year = result.period.start.year
    return {
        "definition": DEFINITION,
        "last_day": result.period.last_day,
        "crimes": result.crimes,
        "crimes_pct": pct(result.crimes.share),
        "solved": result.solved_in_period,
        "earlier": result.earlier_years_solved,
        "by_year": [(year, n, year < start_year) for year, n in result.solved_by_year],
        "shares": [
            (
                kind_label(s.kind),
                _("all gravities") if s.total else severity_label(s.severity),
                s.registered,
                s.solved,
                pct(s.share),
                s.total,
            )
            for s in result.shares
        ],
        "damage": result.damage,
        "repaid": result.repaid,
        "missing_found": result.missing_found,
        "wanted_caught": result.wanted_caught,
        "drunk": result.drunk,
        "administrative": result.administrative,
        "administrative_estimate": result.administrative * result.drunk.sample,
        "published_administrative": PUBLISHED_ADMINISTRATIVE_2025,
        "sampled": result.drunk.sample > 1,
    }
