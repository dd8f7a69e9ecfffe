"""The ingest schema of each kind of result: columns, what each cell must be, the key a load is
idempotent on. Files (CSV or XLSX) come from the `load_results` command or the analyst's upload
form; both call senim.results.services.results_load.

Every row is checked before anything is written; a file with any bad row is refused as a whole,
each error naming its row (the header is row 1) and column. A row whose source number is already
stored with the same content is left alone, with different content it is updated (a corrected
report); the same source number twice in one file is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from senim.core.models import District, Region
from senim.results import models as m

Row = dict[str, str]
MAX_WEIGHT_KG = Decimal("100000")  # one seizure of 100 t is a typing error, not a record
MAX_COUNT = 10_000_000_000


class CellError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Lookups:
    """Reference data and territory by code, read once per file."""

    regions: dict[str, Region]
    districts: dict[str, District]
    drug_kinds: dict[str, m.DrugKind]
    weapon_kinds: dict[str, m.WeaponKind]
    livestock_kinds: dict[str, m.LivestockKind]
    operators: dict[str, m.TelecomOperator]

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            regions={r.iso.upper(): r for r in Region.objects.all()},
            districts={d.code.lower(): d for d in District.objects.all()},
            drug_kinds={k.code: k for k in m.DrugKind.objects.all()},
            weapon_kinds={k.code: k for k in m.WeaponKind.objects.all()},
            livestock_kinds={k.code: k for k in m.LivestockKind.objects.all()},
            operators={o.code: o for o in m.TelecomOperator.objects.all()},
        )


# --- cells -----------------------------------------------------------------------------------


def text(row: Row, field: str, *, required: bool = True, max_length: int = 64) -> str:
    value = row.get(field, "").strip()
    if required and not value:
        raise CellError(field, _("This column must not be empty."))
    if len(value) > max_length:
        raise CellError(field, _("At most %(n)d characters.") % {"n": max_length})
    return value


def date(row: Row, field: str) -> dt.date:
    value = text(row, field)
    # An XLSX date cell arrives as an ISO date-time at midnight.
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:T00:00:00)?", value)
    try:
        if not match:
            raise ValueError
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise CellError(field, _("Dates are written YYYY-MM-DD.")) from None
    if not 2000 <= day.year <= 2100:
        raise CellError(field, _("The year is out of range."))
    return day


def month(row: Row, field: str) -> dt.date:
    value = text(row, field)
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01(?:T00:00:00)?)?", value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise CellError(field, _("Months are written YYYY-MM."))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def positive_int(row: Row, field: str, *, limit: int = MAX_COUNT) -> int:
    value = text(row, field).replace(" ", "")
    if not re.fullmatch(r"-?\d+", value):
        raise CellError(field, _("A whole number is expected."))
    number = int(value)
    if number <= 0:
        raise CellError(field, _("Must be greater than zero."))
    if number > limit:
        raise CellError(field, _("At most %(n)s.") % {"n": f"{limit:,}"})
    return number


def weight(row: Row, field: str) -> Decimal:
    value = text(row, field).replace(" ", "").replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(field, _("A number of kilograms is expected, e.g. 12.5.")) from None
    if not number.is_finite():
        raise CellError(field, _("A number of kilograms is expected, e.g. 12.5."))
    if number <= 0:
        raise CellError(field, _("The weight must be greater than zero."))
    if number > MAX_WEIGHT_KG:
        raise CellError(field, _("At most %(n)s kg in one seizure.") % {"n": MAX_WEIGHT_KG})
    if number != number.quantize(Decimal("0.001")):
        raise CellError(field, _("At most three decimals (grams)."))
    return number


def flag(row: Row, field: str) -> bool:
    value = row.get(field, "").strip().lower()
    if value in {"1", "yes", "true", "иә", "да"}:
        return True
    if value in {"", "0", "no", "false", "жоқ", "нет"}:
        return False
    raise CellError(field, _("Write 1 (yes) or 0 (no)."))


def reference(row: Row, field: str, known: dict[str, Any]) -> Any:
    code = text(row, field).lower()
    if code not in known:
        raise CellError(
            field,
            _("Unknown code %(code)s; known: %(known)s.")
            % {"code": code, "known": ", ".join(sorted(known))},
        )
    return known[code]


def territory(row: Row, refs: Lookups, *, required: bool = True) -> dict[str, Any]:
    iso = text(row, "region", required=required).upper()
    if not iso:
        return {"region": None, "district": None}
    region = refs.regions.get(iso)
    if region is None:
        raise CellError(
            "region", _("Unknown region %(code)s (ISO 3166-2, e.g. KZ-75).") % {"code": iso}
        )
    code = row.get("district", "").strip().lower()
    district = refs.districts.get(code) if code else None
    if code and district is None:
        raise CellError("district", _("Unknown district %(code)s.") % {"code": code})
    if district is not None and district.region_id != region.pk:
        raise CellError("district", _("The district is not in the region."))
    return {"region": region, "district": district}


# --- schemas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    kind: str
    model: type[Model]
    label: str | Promise
    columns: tuple[str, ...]  # required
    optional: tuple[str, ...]
    parse: Callable[[Row, Lookups], dict[str, Any]]
    national: bool = False  # reported for the whole country: loaded by a national user only

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.optional


def _common(row: Row, refs: Lookups, *, region_required: bool = True) -> dict[str, Any]:
    return {
        "external_id": text(row, "source_number"),
        "note": text(row, "note", required=False, max_length=300),
        **territory(row, refs, required=region_required),
    }


def _drug(row: Row, refs: Lookups) -> dict[str, Any]:
    return _common(row, refs) | {
        "seized_on": date(row, "seized_on"),
        "drug_kind": reference(row, "drug_kind", refs.drug_kinds),
        "weight_kg": weight(row, "weight_kg"),
    }


def _weapon(row: Row, refs: Lookups) -> dict[str, Any]:
    return _common(row, refs) | {
        "seized_on": date(row, "seized_on"),
        "weapon_kind": reference(row, "weapon_kind", refs.weapon_kinds),
        "quantity": positive_int(row, "quantity", limit=100_000),
    }


def _lab(row: Row, refs: Lookups) -> dict[str, Any]:
    return _common(row, refs) | {
        "dismantled_on": date(row, "dismantled_on"),
        "synthetic": flag(row, "synthetic"),
    }


def _calls(row: Row, refs: Lookups) -> dict[str, Any]:
    return {
        "external_id": text(row, "source_number"),
        "note": text(row, "note", required=False, max_length=300),
        "region": None,
        "district": None,
        "operator": reference(row, "operator", refs.operators),
        "period": month(row, "period"),
        "calls": positive_int(row, "calls"),
    }


def _call_centre(row: Row, refs: Lookups) -> dict[str, Any]:
    abroad = flag(row, "abroad")
    values = _common(row, refs, region_required=not abroad) | {
        "closed_on": date(row, "closed_on"),
        "abroad": abroad,
        "country": text(row, "country", required=False, max_length=100),
    }
    if abroad and values["region"] is not None:
        raise CellError("region", _("A call centre abroad has no region of Kazakhstan."))
    return values


def _road(row: Row, refs: Lookups) -> dict[str, Any]:
    values = _common(row, refs) | {"occurred_on": date(row, "occurred_on")}
    deaths = row.get("deaths", "").strip() or "0"
    injured = row.get("injured", "").strip() or "0"
    for field, raw in (("deaths", deaths), ("injured", injured)):
        if not re.fullmatch(r"\d{1,4}", raw):
            raise CellError(field, _("A whole number from 0 to 9999 is expected."))
    if int(deaths) == 0 and int(injured) == 0:
        raise CellError("deaths", _("An accident is recorded here when someone died or was hurt."))
    return values | {"deaths": int(deaths), "injured": int(injured)}


def _livestock(row: Row, refs: Lookups) -> dict[str, Any]:
    return {
        "offence_system": text(row, "offence_system", max_length=40),
        "offence_number": text(row, "offence_number"),
        "livestock_kind": reference(row, "livestock_kind", refs.livestock_kinds),
        "heads": positive_int(row, "heads", limit=100_000),
    }


SCHEMAS: dict[str, Schema] = {
    s.kind: s
    for s in (
        Schema(
            "drug_seizures",
            m.DrugSeizure,
            gettext_lazy("Drug seizures"),
            ("source_number", "seized_on", "region", "drug_kind", "weight_kg"),
            ("district", "note"),
            _drug,
        ),
        Schema(
            "weapon_seizures",
            m.WeaponSeizure,
            gettext_lazy("Weapons seized"),
            ("source_number", "seized_on", "region", "weapon_kind", "quantity"),
            ("district", "note"),
            _weapon,
        ),
        Schema(
            "drug_labs",
            m.DrugLab,
            gettext_lazy("Drug laboratories dismantled"),
            ("source_number", "dismantled_on", "region"),
            ("synthetic", "district", "note"),
            _lab,
        ),
        Schema(
            "blocked_calls",
            m.BlockedCalls,
            gettext_lazy("Fraudulent calls blocked"),
            ("source_number", "operator", "period", "calls"),
            ("note",),
            _calls,
            national=True,
        ),
        Schema(
            "call_centres",
            m.CallCentreClosure,
            gettext_lazy("Call centres closed"),
            ("source_number", "closed_on"),
            ("region", "district", "abroad", "country", "note"),
            _call_centre,
        ),
        Schema(
            "road_accidents",
            m.RoadAccident,
            gettext_lazy("Road accidents with casualties"),
            ("source_number", "occurred_on", "region", "deaths"),
            ("injured", "district", "note"),
            _road,
        ),
        Schema(
            "livestock_thefts",
            m.LivestockTheft,
            gettext_lazy("Livestock stolen"),
            ("offence_system", "offence_number", "livestock_kind", "heads"),
            (),
            _livestock,
        ),
    )
}

# How the record form asks for each column (the file takes the same columns as text).
INPUTS: dict[str, str] = {
    "seized_on": "date",
    "dismantled_on": "date",
    "closed_on": "date",
    "occurred_on": "date",
    "period": "month",
    "weight_kg": "decimal",
    "quantity": "number",
    "calls": "number",
    "deaths": "number",
    "injured": "number",
    "heads": "number",
    "synthetic": "flag",
    "abroad": "flag",
    "region": "region",
    "drug_kind": "drug_kinds",
    "weapon_kind": "weapon_kinds",
    "livestock_kind": "livestock_kinds",
    "operator": "operators",
}
COLUMN_LABELS: dict[str, Promise] = {
    "source_number": gettext_lazy("Source number"),
    "seized_on": gettext_lazy("Seized on"),
    "dismantled_on": gettext_lazy("Dismantled on"),
    "closed_on": gettext_lazy("Closed on"),
    "occurred_on": gettext_lazy("Date"),
    "period": gettext_lazy("Month"),
    "region": gettext_lazy("Region"),
    "district": gettext_lazy("District code"),
    "note": gettext_lazy("Note"),
    "drug_kind": gettext_lazy("Drug kind"),
    "weight_kg": gettext_lazy("Weight, kg"),
    "weapon_kind": gettext_lazy("Weapon kind"),
    "quantity": gettext_lazy("Quantity"),
    "synthetic": gettext_lazy("Synthetic drugs"),
    "operator": gettext_lazy("Operator"),
    "calls": gettext_lazy("Calls blocked"),
    "abroad": gettext_lazy("Abroad"),
    "country": gettext_lazy("Country"),
    "deaths": gettext_lazy("Killed"),
    "injured": gettext_lazy("Injured"),
    "offence_system": gettext_lazy("Source system of the offence"),
    "offence_number": gettext_lazy("Offence number in the register"),
    "livestock_kind": gettext_lazy("Livestock kind"),
    "heads": gettext_lazy("Head"),
}
