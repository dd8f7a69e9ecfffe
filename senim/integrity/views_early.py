"""Early-intervention pages: the supervisor's list of flagged officers, one flag with its
reasons and the intervention chosen, and the model's evaluation and fairness audit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from senim.core import audit
from senim.core.errors import UseCaseError
from senim.core.models import Region, Sex
from senim.core.permissions import Perm, can
from senim.integrity import early, services
from senim.integrity.models import FlagStatus, InterventionKind, ModelStatus, Outcome, RiskModel
from senim.integrity.views import PAGE, _error, _refuse, _user


def _words(flag: Any) -> dict[str, Any]:
    """A flag's reasons as a supervisor reads them."""
    return {
        "rules": [
            {
                "label": early.feature_label(r["feature"]),
                "value": r["value"],
                "at_least": r["at_least"],
            }
            for r in flag.rules
        ],
        "reasons": [
            {
                "label": early.feature_label(r["feature"]),
                "value": r["value"],
                "peer_median": r["peer_median"],
                "width": min(100, int(40 * r["contribution"])),
            }
            for r in flag.reasons
        ],
    }


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.EARLY_WARNING):
        return _refuse(request, _("Your role does not work with early intervention."))
    status = request.GET.get("status", "open")
    status = status if status in (*FlagStatus.values, "all") else "open"
    cause = request.GET.get("cause", "")
    cause = cause if cause in ("rules", "model") else ""
    qs = services.flags_in_scope(user)
    latest = qs.order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is not None:
        qs = qs.filter(as_of=latest)
    if status != "all":
        qs = qs.filter(status=status)
    if cause == "rules":
        qs = qs.filter(by_rules=True)
    elif cause == "model":
        qs = qs.filter(by_model=True)
    page = Paginator(qs.order_by("-score", "officer__officer__badge_number"), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "integrity/flags.html",
        {
            "tab": "early",
            "page": page,
            "rows": [(f, _words(f)) for f in page],
            "as_of": latest,
            "filters": {"status": status, "cause": cause},
            "query": urlencode({"status": status, "cause": cause}),
            "statuses": FlagStatus.choices,
            "model": RiskModel.objects.exclude(status=ModelStatus.RETIRED)
            .order_by("-trained_at")
            .first(),
        },
    )


def _flag_context(user: Any, flag: Any) -> dict[str, Any]:
    audit.record_read(flag, actor=user.get_username(), purpose="early-intervention flag")
    return {
        "tab": "early",
        "flag": flag,
        "words": _words(flag),
        "interventions": list(flag.interventions.all()),
        "kinds": InterventionKind.choices,
        "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.PENDING],
        "today": timezone.localdate(),
        "can_file": can(user, Perm.STAFF),
    }


@login_required
@require_http_methods(["GET", "POST"])
def flag_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, Perm.EARLY_WARNING):
        return _refuse(request, _("Your role does not work with early intervention."))
    flag = services.flags_in_scope(user).filter(pk=pk).first()
    if flag is None:
        raise Http404(_("No such flag in your territory."))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "decide":
                services.intervention_record(user=user, pk=pk, form=request.POST)
            elif action == "outcome":
                services.intervention_outcome(
                    user=user,
                    pk=services.whole(request.POST.get("intervention")),
                    form=request.POST,
                )
            else:
                raise Http404(_("Unknown action."))
        except UseCaseError as error:
            flag.refresh_from_db()
            context = _flag_context(user, flag)
            context.update(error=_error(error), form=request.POST)
            return render(request, "integrity/flag.html", context, status=error.status)
        return redirect("integrity-flag", pk=pk)
    return render(request, "integrity/flag.html", _flag_context(user, flag))


@login_required
def model_page(request: HttpRequest) -> HttpResponse:
    """How the ranking was judged: against the rules on the past, and for fairness."""
    user = _user(request)
    if not can(user, Perm.EARLY_WARNING):
        return _refuse(request, _("Your role does not work with early intervention."))
    model = RiskModel.objects.exclude(status=ModelStatus.RETIRED).order_by("-trained_at").first()
    names = {
        "region": {str(r.pk): r.name for r in Region.objects.all()},
        "sex": {k: str(v) for k, v in Sex.choices},
    }
    attributes = {"region": _("Region"), "sex": _("Sex"), "age_band": _("Age")}
    groups = []
    if model is not None:
        for g in model.fairness.get("groups", []):
            name = names.get(g["attribute"], {}).get(g["group"], g["group"])
            groups.append(
                {**g, "name": name, "attribute_label": attributes.get(g["attribute"], "")}
            )
    coefficients = []
    if model is not None:
        coefficients = sorted(
            (
                (early.feature_label(k), v)
                for k, v in model.parameters.get("coefficients", {}).items()
            ),
            key=lambda kv: -abs(kv[1]),
        )[:12]
    return render(
        request,
        "integrity/model.html",
        {"tab": "model", "model": model, "groups": groups, "coefficients": coefficients},
    )
