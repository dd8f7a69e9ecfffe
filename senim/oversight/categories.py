"""Agencies and kinds of mandated institutions as the Ombudsman's report counts them (seed 004 §6).

The agency of an institution is its facility kind's `agency_code` (senim/core/data/
facility_kinds.csv). The report counts 2025 visits by thirteen kinds of place; where the core
list has no such kind (adaptation centres for minors, special schools, children's villages,
compulsory treatment, special social services centres) it is added here after every migrate.
Report categories merge kinds the report counts together (colonies and prisons are its
"correctional institutions").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KINDS_CSV = Path(__file__).resolve().parent / "data" / "facility_kinds.csv"


@dataclass(frozen=True)
class Agency:
    code: str  # FacilityKind.agency_code
    short: Promise  # the abbreviation of Table 3's column heading
    label: Promise


# In the column order of the report's Table 3: ҰҚК, ЕХӘҚМ, ҚАЖК, БҒМ, ПМ, ДСМ, ҚМ.
AGENCIES = (
    Agency("national_security", _("NSC"), _("National security bodies")),
    Agency("social_protection", _("MLSP"), _("Labour and social protection")),
    Agency("penitentiary", _("CPS"), _("Penitentiary system")),
    Agency("education", _("MoE"), _("Education")),
    Agency("mia_police", _("MIA"), _("Internal affairs bodies (police)")),
    Agency("health", _("MoH"), _("Health")),
    Agency("defence", _("MoD"), _("Defence")),
)
AGENCY_CODES = tuple(a.code for a in AGENCIES)
# Places outside the NPM's register that the Ombudsman and the representatives also visit
# (seed 004 §5: "68 other institutions"); never a column of Table 3.
OTHER_AGENCY = "other"
BY_AGENCY = {a.code: a for a in AGENCIES} | {
    OTHER_AGENCY: Agency(OTHER_AGENCY, _("Other"), _("Other institutions"))
}


def agency_label(code: str) -> str:
    agency = BY_AGENCY.get(code)
    return str(agency.label) if agency else code


def agency_short(code: str) -> str:
    agency = BY_AGENCY.get(code)
    return str(agency.short) if agency else code


@dataclass(frozen=True)
class Category:
    code: str
    label: Promise
    agency: str
    kinds: tuple[str, ...]
    itemised: bool = True  # False: the report's list of visits by kind does not name it


# The report's list of 2025 visits by kind of place, in its order, then the kinds it leaves out.
CATEGORIES = (
    Category("ivs", _("Temporary detention isolators"), "mia_police", ("ivs",)),
    Category("sizo", _("Pre-trial detention centres"), "penitentiary", ("sizo",)),
    Category("correctional", _("Correctional institutions"), "penitentiary", ("colony", "prison")),
    Category(
        "reception_distribution",
        _("Reception and distribution centres"),
        "mia_police",
        ("reception_distribution",),
    ),
    Category("spec_reception", _("Special reception centres"), "mia_police", ("spec_reception",)),
    Category(
        "juvenile_adaptation",
        _("Adaptation centres for minors"),
        "education",
        ("juvenile_adaptation",),
    ),
    Category(
        "special_education",
        _("Special educational institutions"),
        "education",
        ("special_education",),
    ),
    Category(
        "childrens_village",
        _("Children's villages of the family type"),
        "education",
        ("childrens_village",),
    ),
    Category(
        "compulsory_treatment",
        _("Compulsory treatment organisations"),
        "health",
        ("compulsory_treatment",),
    ),
    Category(
        "social_services",
        _("Centres for special social services"),
        "social_protection",
        ("social_services_centre", "elderly_home"),
    ),
    Category(
        "nsc_isolator",
        _("Pre-trial detention centres of the NSC"),
        "national_security",
        ("nsc_isolator",),
    ),
    Category("guardhouse", _("Military police guardhouses"), "defence", ("guardhouse",)),
    Category(
        "police_premises",
        _("Police units (premises of internal affairs offices)"),
        "mia_police",
        ("police_premises",),
    ),
    Category(
        "children_boarding",
        _("Other educational institutions (children's boarding institutions)"),
        "education",
        ("children_boarding",),
        itemised=False,
    ),
    Category(
        "psychiatric_inpatient",
        _("Other health institutions (psychiatric inpatient facilities)"),
        "health",
        ("psychiatric_inpatient",),
        itemised=False,
    ),
)
CATEGORY_OF_KIND = {kind: c.code for c in CATEGORIES for kind in c.kinds}
BY_CATEGORY = {c.code: c for c in CATEGORIES}


def category_of(kind_code: str) -> str:
    return CATEGORY_OF_KIND.get(kind_code, kind_code)


def category_label(code: str) -> str:
    category = BY_CATEGORY.get(code)
    return str(category.label) if category else code


def load_kinds(**kwargs: Any) -> None:
    """Add the NPM's extra facility kinds (post_migrate); the agency names come from the core list."""
    from senim.core.models import FacilityKind

    with KINDS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    agencies = {
        k.agency_code: {
            "agency_kk": k.agency_kk,
            "agency_ru": k.agency_ru,
            "agency_en": k.agency_en,
        }
        for k in FacilityKind.objects.all()
    }
    for row in rows:
        names = {f: row[f] for f in ("name_kk", "name_ru", "name_en")}
        # An agency the core list lacks (the "other" places outside the NPM register) brings
        # its own names in the file.
        own = {f: row[f] for f in ("agency_kk", "agency_ru", "agency_en") if row.get(f)}
        FacilityKind.objects.update_or_create(
            code=row["code"],
            defaults={
                "agency_code": row["agency_code"],
                **(agencies.get(row["agency_code"]) or own),
                **names,
            },
        )
