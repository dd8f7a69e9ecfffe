"""Reads of thematic results, scoped to the user's regions: the yearly figures with the change
against the previous year, their breakdowns, and the record lists. Pages, the API and the seed
fidelity tests all read the figures through `year_figures`.

Organised-crime cases and livestock thefts are counted from the register's offences (by Criminal
Code article); nothing here keeps a second copy of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from senim.core.models import Region, User
from senim.core.permissions import Perm, can
from senim.core.scope import allowed_region_ids
from senim.register.models import Offence
from senim.results import models as m
from senim.results.errors import Forbidden, NotFound

# Criminal Code: creating or leading an organised group, criminal organisation or community,
# or taking part in one (262, 263), and their transnational forms (264, 265).
OC_ARTICLES = ("UK-262", "UK-263", "UK-264", "UK-265")
TRANSNATIONAL_ARTICLES = ("UK-264", "UK-265")
# A livestock theft is one of these offences with an annex naming the animals.
LIVESTOCK_ARTICLES = ("UK-188", "UK-191", "UK-192")

TONNE = Decimal("0.001")  # tonnes are shown to the kilogram

LIST_MODELS: dict[str, Any] = {
    "drug_seizures": m.DrugSeizure,
    "weapon_seizures": m.WeaponSeizure,
    "drug_labs": m.DrugLab,
    "blocked_calls": m.BlockedCalls,
    "call_centres": m.CallCentreClosure,
    "road_accidents": m.RoadAccident,
    "livestock_thefts": m.LivestockTheft,
}
DATE_FIELD = {
    "drug_seizures": "seized_on",
    "weapon_seizures": "seized_on",
    "drug_labs": "dismantled_on",
    "blocked_calls": "period",
    "call_centres": "closed_on",
    "road_accidents": "occurred_on",
}
RELATED = {
    "drug_seizures": ("region", "district", "drug_kind"),
    "weapon_seizures": ("region", "district", "weapon_kind"),
    "drug_labs": ("region", "district"),
    "blocked_calls": ("operator",),
    "call_centres": ("region", "district"),
    "road_accidents": ("region", "district"),
    "livestock_thefts": ("offence__region", "offence__article", "livestock_kind"),
}


def require_view(user: User) -> None:
    if not can(user, Perm.RESULTS):
        raise Forbidden("", gettext("Your role does not see thematic results."))


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _in_scope(qs: QuerySet[Any], regions: set[int] | None, *, prefix: str = "") -> QuerySet[Any]:
    return qs if regions is None else qs.filter(**{f"{prefix}region_id__in": regions})


def _regions(user: User, region: Region | None) -> set[int] | None:
    """The regions a query covers: the user's scope, narrowed to `region` if given."""
    allowed = allowed_region_ids(user)
    if region is None:
        return allowed
    if allowed is not None and region.pk not in allowed:
        raise Forbidden("region", gettext("This region is outside your scope."))
    return {region.pk}


def oc_offences(regions: set[int] | None, year: int) -> QuerySet[Offence]:
    start, end = _year_range(year)
    qs = Offence.objects.filter(
        article__code__in=OC_ARTICLES, registered_at__gte=start, registered_at__lt=end
    )
    return _in_scope(qs, regions)


def livestock(regions: set[int] | None, year: int) -> QuerySet[m.LivestockTheft]:
    start, end = _year_range(year)
    qs = m.LivestockTheft.objects.filter(
        offence__registered_at__gte=start, offence__registered_at__lt=end
    )
    return _in_scope(qs, regions, prefix="offence__")


@dataclass(frozen=True)
class Figure:
    """One yearly figure, the previous year's beside it, and its breakdown."""

    code: str
    label: str | Promise
    value: Decimal | int
    previous: Decimal | int
    unit: str | Promise = ""
    national: bool = False  # reported for the whole country, whatever the scope
    decimals: int = 0  # tonnes are shown to the kilogram
    breakdown: list[tuple[str, Decimal | int]] = field(default_factory=list)

    @property
    def change_pct(self) -> Decimal | None:
        if not self.previous:
            return None
        change = (Decimal(self.value) - Decimal(self.previous)) / Decimal(self.previous) * 100
        return change.quantize(Decimal("0.1"))


def _year_values(regions: set[int] | None, year: int) -> dict[str, Any]:
    drugs = _in_scope(m.DrugSeizure.objects.filter(seized_on__year=year), regions)
    weapons = _in_scope(m.WeaponSeizure.objects.filter(seized_on__year=year), regions)
    labs = _in_scope(m.DrugLab.objects.filter(dismantled_on__year=year), regions)
    centres = _in_scope(m.CallCentreClosure.objects.filter(closed_on__year=year), regions)
    roads = _in_scope(m.RoadAccident.objects.filter(occurred_on__year=year), regions)
    calls = m.BlockedCalls.objects.filter(period__year=year)
    oc = oc_offences(regions, year).aggregate(
        n=Count("id"), t=Count("id", filter=Q(article__code__in=TRANSNATIONAL_ARTICLES))
    )
    lab = labs.aggregate(n=Count("id"), s=Count("id", filter=Q(synthetic=True)))
    centre = centres.aggregate(n=Count("id"), a=Count("id", filter=Q(abroad=True)))
    road = roads.aggregate(d=Sum("deaths"), i=Sum("injured"), n=Count("id"))
    stock = livestock(regions, year).aggregate(n=Count("id"), h=Sum("heads"))
    kg = drugs.aggregate(kg=Sum("weight_kg"))["kg"] or Decimal(0)
    return {
        "drugs_t": (Decimal(kg) / 1000).quantize(TONNE, ROUND_HALF_UP),
        "drugs_by_kind": {
            r["drug_kind__code"]: (Decimal(r["kg"]) / 1000).quantize(TONNE, ROUND_HALF_UP)
            for r in drugs.values("drug_kind__code").annotate(kg=Sum("weight_kg"))
        },
        "labs": lab["n"],
        "labs_synthetic": lab["s"],
        "weapons": weapons.aggregate(n=Sum("quantity"))["n"] or 0,
        "weapons_by_kind": {
            r["weapon_kind__code"]: r["n"]
            for r in weapons.values("weapon_kind__code").annotate(n=Sum("quantity"))
        },
        "blocked_calls": calls.aggregate(n=Sum("calls"))["n"] or 0,
        "calls_by_operator": {
            r["operator__code"]: r["n"]
            for r in calls.values("operator__code").annotate(n=Sum("calls"))
        },
        "call_centres": centre["n"],
        "call_centres_abroad": centre["a"],
        "oc_cases": oc["n"],
        "oc_transnational": oc["t"],
        "livestock_thefts": stock["n"],
        "livestock_heads": stock["h"] or 0,
        "road_deaths": road["d"] or 0,
        "road_injured": road["i"] or 0,
        "road_accidents": road["n"],
    }


def _names(model: Any) -> dict[str, str]:
    return {k.code: str(k) for k in model.objects.all()}


def year_figures(*, user: User, year: int, region: Region | None = None) -> list[Figure]:
    """The thematic figures of `year` against `year - 1`, within the user's scope."""
    require_view(user)
    regions = _regions(user, region)
    now, before = _year_values(regions, year), _year_values(regions, year - 1)
    drugs, weapons = _names(m.DrugKind), _names(m.WeaponKind)
    operators = _names(m.TelecomOperator)

    def fig(code: str, label: str | Promise, unit: str | Promise = "", **kw: Any) -> Figure:
        return Figure(code, label, now[code], before[code], unit, **kw)

    def breakdown(key: str, names: dict[str, str]) -> list[tuple[str, Decimal | int]]:
        values = now[key]
        return [(names[c], values[c]) for c in names if c in values]

    return [
        fig(
            "drugs_t",
            _("Drugs seized"),
            _("t"),
            decimals=3,
            breakdown=breakdown("drugs_by_kind", drugs),
        ),
        fig("labs", _("Drug laboratories dismantled")),
        fig("labs_synthetic", _("of them producing synthetic drugs")),
        fig("weapons", _("Weapons seized"), breakdown=breakdown("weapons_by_kind", weapons)),
        fig(
            "blocked_calls",
            _("Fraudulent calls blocked by operators"),
            national=True,
            breakdown=breakdown("calls_by_operator", operators),
        ),
        fig("call_centres", _("Fraudulent call centres closed")),
        fig("call_centres_abroad", _("of them abroad")),
        fig("oc_cases", _("Organised-crime cases opened")),
        fig("oc_transnational", _("of them transnational")),
        fig("livestock_thefts", _("Livestock thefts registered")),
        fig("livestock_heads", _("Head of livestock stolen")),
        fig("road_deaths", _("Road deaths")),
        fig("road_injured", _("Injured in road accidents")),
    ]


def figures_by_code(*, user: User, year: int, region: Region | None = None) -> dict[str, Figure]:
    return {f.code: f for f in year_figures(user=user, year=year, region=region)}


@dataclass(frozen=True)
class RegionRow:
    region: Region
    values: dict[str, Decimal | int]


def by_region(*, user: User, year: int) -> list[RegionRow]:
    """Each visible region's figures of `year` (what a regional table shows)."""
    require_view(user)
    allowed = allowed_region_ids(user)
    regions = Region.objects.all() if allowed is None else Region.objects.filter(pk__in=allowed)
    start, end = _year_range(year)

    def per(qs: QuerySet[Any], value: Any, prefix: str = "") -> dict[int, Any]:
        key = f"{prefix}region_id"
        return {r[key]: r["v"] for r in qs.values(key).annotate(v=value)}

    columns = {
        "drugs_t": per(m.DrugSeizure.objects.filter(seized_on__year=year), Sum("weight_kg")),
        "labs": per(m.DrugLab.objects.filter(dismantled_on__year=year), Count("id")),
        "weapons": per(m.WeaponSeizure.objects.filter(seized_on__year=year), Sum("quantity")),
        "call_centres": per(m.CallCentreClosure.objects.filter(closed_on__year=year), Count("id")),
        "oc_cases": per(oc_offences(None, year), Count("id")),
        "livestock_thefts": per(
            m.LivestockTheft.objects.filter(
                offence__registered_at__gte=start, offence__registered_at__lt=end
            ),
            Count("id"),
            "offence__",
        ),
        "road_deaths": per(m.RoadAccident.objects.filter(occurred_on__year=year), Sum("deaths")),
    }
    rows = []
    for region in regions:
        values = {k: v.get(region.pk) or 0 for k, v in columns.items()}
        values["drugs_t"] = (Decimal(values["drugs_t"]) / 1000).quantize(TONNE, ROUND_HALF_UP)
        rows.append(RegionRow(region, values))
    return rows


# --- lists and records -----------------------------------------------------------------------


def records(
    *, user: User, kind: str, q: str = "", year: int | None = None, region: Region | None = None
) -> QuerySet[Any]:
    """The records of one kind the user may see, newest first, filtered."""
    require_view(user)
    model = LIST_MODELS.get(kind)
    if model is None:
        raise NotFound("kind", gettext("No such list."))
    qs = model.objects.select_related(*RELATED[kind])
    regions = _regions(user, region)
    if kind == "livestock_thefts":
        qs = _in_scope(qs, regions, prefix="offence__")
        if year:
            start, end = _year_range(year)
            qs = qs.filter(offence__registered_at__gte=start, offence__registered_at__lt=end)
        if q:
            qs = qs.filter(
                Q(offence__external_id__icontains=q)
                | Q(livestock_kind__name_kk__icontains=q)
                | Q(livestock_kind__name_ru__icontains=q)
                | Q(livestock_kind__name_en__icontains=q)
            )
        return qs.order_by("-offence__registered_at", "-id")
    if kind != "blocked_calls":  # operators' reports are national
        qs = _in_scope(qs, regions)
    if year:
        qs = qs.filter(**{f"{DATE_FIELD[kind]}__year": year})
    if q:
        match = Q(external_id__icontains=q) | Q(note__icontains=q)
        if kind == "blocked_calls":
            match |= Q(operator__name__icontains=q)
        else:
            match |= (
                Q(region__name_kk__icontains=q)
                | Q(region__name_ru__icontains=q)
                | Q(region__name_en__icontains=q)
            )
        for related in ("drug_kind", "weapon_kind"):
            if related in RELATED[kind]:
                for lang in ("kk", "ru", "en"):
                    match |= Q(**{f"{related}__name_{lang}__icontains": q})
        qs = qs.filter(match)
    return qs


def record(*, user: User, kind: str, pk: int) -> Any:
    found = records(user=user, kind=kind).filter(pk=pk).first()
    if found is None:
        raise NotFound("", gettext("No such record within your scope."))
    return found
