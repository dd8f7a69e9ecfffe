"""Survey use cases: questionnaires from instruments, response loads, raking, weighted estimates.

The numbers come from senim.analytics.survey; this module gathers the arrays and applies the
rules (who may, which margins, which respondents form the base of an item).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.analytics import survey as stats
from senim.core import audit
from senim.core.models import Region, User
from senim.core.scope import allowed_region_ids
from senim.trust import instruments, readers
from senim.trust.access import SURVEY_MANAGE, TRUST_READ, allowed
from senim.trust.errors import FileRejected, Forbidden, Invalid, NotFound
from senim.trust.models import (
    Answer,
    Item,
    ItemKind,
    Option,
    Questionnaire,
    Respondent,
    Survey,
)
from senim.trust.services.response_rows import check_rows

MARGINS_CSV = Path(__file__).resolve().parent.parent / "data" / "margins.csv"
DIMENSIONS = ("region", "sex", "settlement", "age_band")


def require(user: User, roles: frozenset[str]) -> None:
    if not allowed(user, roles):
        raise Forbidden("", _("Your role may not do this."))


# --- questionnaires --------------------------------------------------------------------------


@transaction.atomic
def create_questionnaire(
    *, code: str, titles: tuple[str, str, str], blocks: Iterable[str]
) -> Questionnaire:
    """A questionnaire made of ready-made instruments, in the order given; idempotent on code."""
    questionnaire, _created = Questionnaire.objects.update_or_create(
        code=code, defaults={"title_kk": titles[0], "title_ru": titles[1], "title_en": titles[2]}
    )
    order = 0
    for block in blocks:
        if block not in instruments.INSTRUMENTS:
            raise Invalid("blocks", _("Unknown instrument %(code)s.") % {"code": block})
        for code_, kind, text, options, extra in instruments.INSTRUMENTS[block]:
            order += 1
            item, _c = Item.objects.update_or_create(
                questionnaire=questionnaire,
                code=code_,
                defaults={
                    "kind": kind,
                    "block": block,
                    "order": order,
                    "text_kk": text[0],
                    "text_ru": text[1],
                    "text_en": text[2],
                    "min_value": extra.get("min_value"),
                    "max_value": extra.get("max_value"),
                    "asked_if_item": extra.get("asked_if_item", ""),
                    "asked_if_options": extra.get("asked_if_options", []),
                },
            )
            for k, (opt_code, label, score) in enumerate(options, start=1):
                Option.objects.update_or_create(
                    item=item,
                    code=opt_code,
                    defaults={
                        "order": k,
                        "label_kk": label[0],
                        "label_ru": label[1],
                        "label_en": label[2],
                        "score": score,
                    },
                )
    return questionnaire


# --- loading responses -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    respondents: int
    answers: int


def load_responses(*, user: User, survey: Survey, handle: IO[bytes], filename: str) -> LoadResult:
    """Validate a whole CSV / XLSX file of responses, then store all of it or none of it."""
    require(user, SURVEY_MANAGE)
    data = readers.read_bytes(handle)
    kind = readers.file_kind(filename, data[:8])
    if kind == "feed":
        raise FileRejected(
            [readers.RowError(0, "file", _("Responses are loaded from CSV or XLSX."))]
        )
    header, rows = readers.read_table(data, kind)
    checked = check_rows(survey=survey, header=header, rows=rows)
    with transaction.atomic():
        respondents = Respondent.objects.bulk_create(checked.respondents, batch_size=2000)
        answers = []
        for respondent, pending in zip(respondents, checked.answers, strict=False):
            for answer in pending:
                answer.respondent = respondent
                answers.append(answer)
        Answer.objects.bulk_create(answers, batch_size=5000)
        # New respondents make the old weights wrong: they must be raked again.
        Respondent.objects.filter(survey=survey).update(weight=1.0)
        Survey.objects.filter(pk=survey.pk).update(weighting={}, weighted_at=None)
        audit.record(
            action="load",
            model="trust.Survey",
            object_pk=survey.pk,
            details={"file": filename[:200], "respondents": len(respondents)},
            actor=user.get_username(),
        )
    return LoadResult(respondents=len(respondents), answers=len(answers))


# --- weighting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Margin:
    category: str
    population: float
    source: str
    placeholder: bool


def population_margins(year: int) -> dict[str, list[Margin]]:
    """Region margins from the territory's populations; sex, settlement, age from margins.csv."""
    margins: dict[str, list[Margin]] = {d: [] for d in DIMENSIONS}
    for region in Region.objects.order_by("iso"):
        pop = region.population(year)
        if pop is not None:
            margins["region"].append(
                Margin(region.iso, pop.population, pop.source, pop.is_placeholder)
            )
    with MARGINS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            margins[row["dimension"]].append(
                Margin(
                    row["category"],
                    float(row["population"]),
                    row["source"],
                    row["is_placeholder"] == "1",
                )
            )
    return margins


def compute_weights(*, user: User, survey: Survey) -> dict[str, Any]:
    """Rake the survey's respondents to the population margins of its year and store the weights."""
    require(user, SURVEY_MANAGE)
    return apply_weights(survey=survey, actor=user.get_username())


@transaction.atomic
def apply_weights(*, survey: Survey, actor: str) -> dict[str, Any]:
    """The raking itself (also run by the demo builder).

    Regions with no respondent are left out of the region margin (the rest is renormalised)
    and named in the report, so that a regional sample is weighted within what it covers.
    """
    people = list(
        Respondent.objects.filter(survey=survey)
        .order_by("pk")
        .values_list("pk", "region__iso", "sex", "settlement", "age_band")
    )
    if not people:
        raise Invalid("survey", _("The survey has no respondents to weight."))
    margins = population_margins(survey.year)
    columns = dict(zip(DIMENSIONS, zip(*[p[1:] for p in people], strict=False), strict=False))
    present = set(columns["region"])
    missing = [m.category for m in margins["region"] if m.category not in present]
    margins["region"] = [m for m in margins["region"] if m.category in present]
    dims: dict[str, np.ndarray] = {}
    targets: dict[str, np.ndarray] = {}
    for dim in DIMENSIONS:
        index = {m.category: k for k, m in enumerate(margins[dim])}
        unknown = sorted(set(columns[dim]) - set(index))
        if unknown:
            raise Invalid(dim, _("No population margin for %(values)s.") % {"values": unknown})
        dims[dim] = np.array([index[v] for v in columns[dim]])
        targets[dim] = np.array([m.population for m in margins[dim]])
    try:
        result = stats.rake(dims, targets)
    except stats.RakingError as error:
        raise Invalid("weights", str(error)) from None
    by_pk = dict(zip((p[0] for p in people), result.weights.tolist(), strict=False))
    objs = [Respondent(pk=pk, weight=w) for pk, w in by_pk.items()]
    Respondent.objects.bulk_update(objs, ["weight"], batch_size=2000)
    report = {
        "iterations": result.iterations,
        "converged": result.converged,
        "max_error": result.max_error,
        "n": len(people),
        "n_eff": stats.effective_sample_size(result.weights),
        "deff": stats.kish_deff(result.weights),
        "min_weight": float(result.weights.min()),
        "max_weight": float(result.weights.max()),
        "regions_without_respondents": missing,
        "margins": {
            dim: [
                {"category": m.category, "population": m.population, "source": m.source,
                 "placeholder": m.placeholder}
                for m in margins[dim]
            ]
            for dim in DIMENSIONS
        },
    }  # fmt: skip
    survey.weighting, survey.weighted_at = report, timezone.now()
    survey.save(update_fields=["weighting", "weighted_at"])
    audit.record(
        action="weight",
        model="trust.Survey",
        object_pk=survey.pk,
        details={"n": len(people), "iterations": result.iterations},
        actor=actor,
    )
    return report


# --- estimates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionShare:
    option: Option
    share: stats.Proportion
    published: float | None = None  # the seed's figure for this option, where one exists

    @property
    def percent(self) -> float:
        return self.share.estimate * 100

    @property
    def low_pct(self) -> float:
        return self.share.low * 100

    @property
    def high_pct(self) -> float:
        return self.share.high * 100


@dataclass(frozen=True)
class ItemEstimate:
    item: Item
    n: int
    n_eff: float
    deff: float
    weighted: bool
    shares: list[OptionShare] = field(default_factory=list)
    mean: stats.Mean | None = None


def surveys_for(user: User) -> list[Survey]:
    require(user, TRUST_READ)
    return list(Survey.objects.select_related("questionnaire"))


def get_survey(*, user: User, code: str) -> Survey:
    require(user, TRUST_READ)
    found = Survey.objects.select_related("questionnaire").filter(code=code).first()
    if found is None:
        raise NotFound("survey", _("No such survey."))
    return found


def _respondents(user: User, survey: Survey, region: str | None) -> dict[int, float]:
    """{respondent id: weight} of the respondents the user may count, optionally one region."""
    require(user, TRUST_READ)
    qs = Respondent.objects.filter(survey=survey)
    allowed_ids = allowed_region_ids(user)
    if allowed_ids is not None:
        qs = qs.filter(region_id__in=allowed_ids)
    if region:
        qs = qs.filter(region__iso=region)
    return dict(qs.values_list("pk", "weight"))


def item_estimate(
    *, user: User, survey: Survey, item: Item, region: str | None = None
) -> ItemEstimate:
    weights_of = _respondents(user, survey, region)
    weighted = survey.weighted_at is not None
    rows = list(
        Answer.objects.filter(item=item, respondent__survey=survey).values_list(
            "respondent_id", "option_id", "number"
        )
    )
    rows = [r for r in rows if r[0] in weights_of]
    base = sorted({r[0] for r in rows})  # who answered the item at all
    w = np.array([weights_of[r] if weighted else 1.0 for r in base])
    position = {r: i for i, r in enumerate(base)}
    estimate = ItemEstimate(
        item=item,
        n=len(base),
        n_eff=stats.effective_sample_size(w),
        deff=stats.kish_deff(w) if len(base) else float("nan"),
        weighted=weighted,
    )
    if item.kind == ItemKind.NUMERIC:
        values = np.zeros(len(base))
        for respondent_id, _opt, number in rows:
            values[position[respondent_id]] = number
        return ItemEstimate(**{**estimate.__dict__, "mean": stats.mean(values, w)})
    options = list(item.options.all())
    published = _published(item)
    shares = []
    for option in options:
        ticked = np.zeros(len(base), dtype=bool)
        for respondent_id, option_id, _num in rows:
            if option_id == option.pk:
                ticked[position[respondent_id]] = True
        shares.append(OptionShare(option, stats.proportion(ticked, w), published.get(option.code)))
    mean = None
    if item.kind == ItemKind.LIKERT or any(o.score is not None for o in options):
        score_of = {o.pk: o.score for o in options}
        scored = [(position[r], score_of[o]) for r, o, _n in rows if score_of.get(o) is not None]
        if scored and item.kind != ItemKind.MULTIPLE:
            idx = np.array([i for i, _s in scored])
            mean = stats.mean(np.array([s for _i, s in scored]), w[idx])
    return ItemEstimate(**{**estimate.__dict__, "shares": shares, "mean": mean})


def _published(item: Item) -> dict[str, float]:
    """The seed's published shares for the national items (seed 002), for comparison only."""
    if item.code == instruments.TRUST_ITEM:
        return dict(instruments.NATIONAL_TRUST_2024)
    if item.code == "distrust_reasons":
        return {code: share for code, _t, share in instruments.DISTRUST_REASONS}
    return {}


def survey_estimates(
    *, user: User, survey: Survey, region: str | None = None
) -> list[ItemEstimate]:
    require(user, TRUST_READ)
    if region and not Region.objects.filter(iso=region).exists():
        raise NotFound("region", _("Unknown region code %(code)s.") % {"code": region[:8]})
    allowed_ids = allowed_region_ids(user)
    if (
        region
        and allowed_ids is not None
        and not Region.objects.filter(iso=region, pk__in=allowed_ids).exists()
    ):
        raise Forbidden("region", _("This region is outside your scope."))
    items = survey.questionnaire.items.prefetch_related("options")
    return [item_estimate(user=user, survey=survey, item=i, region=region) for i in items]
