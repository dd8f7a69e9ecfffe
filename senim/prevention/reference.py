"""The prevention's reference data as shipped (senim/prevention/data/*.csv), where missing.

An administrator's edits stay: rows are only added for codes not yet present.
"""

from __future__ import annotations

from pathlib import Path

from senim.core.reference import read_csv, seed_missing

DATA = Path(__file__).resolve().parent / "data"


def load() -> None:
    from senim.prevention.models import (
        AdminTerm,
        ChecklistQuestion,
        DvRiskItem,
        DvRiskLevel,
        PlaceKind,
        PreventiveCategory,
        ProgrammeKind,
    )

    seed_missing(
        PreventiveCategory,
        (
            {**r, "contact_every_days": int(r["contact_every_days"])}
            for r in read_csv(DATA / "categories.csv")
        ),
        key="code",
    )
    seed_missing(
        DvRiskItem,
        (
            {**r, "weight": int(r["weight"]), "position": n}
            for n, r in enumerate(read_csv(DATA / "dv_items.csv"), start=1)
        ),
        key="code",
    )
    seed_missing(
        DvRiskLevel,
        ({**r, "min_score": int(r["min_score"])} for r in read_csv(DATA / "dv_levels.csv")),
        key="code",
    )

    # The SARA checklist of seed 001 (ch. 4, about lines 2003-2070), paraphrased in kk/ru/en.
    seed_missing(
        ChecklistQuestion,
        (
            {**r, "position": n}
            for n, r in enumerate(read_csv(DATA / "sara_checklist.csv"), start=1)
        ),
        key="code",
    )

    # The terms of an administrative case: assumed, not from a seed (docs/prevention.md).
    seed_missing(
        AdminTerm,
        (
            {**r, "days": int(r["days"]), "assumed": True}
            for r in read_csv(DATA / "admin_terms.csv")
        ),
        key="code",
    )
    # The social map's kinds of place and the juveniles' kinds of programme (issue 13, items 2
    # and 8; seed 003 line 9 names mentoring, sport and prevention).
    for model, name in ((PlaceKind, "place_kinds.csv"), (ProgrammeKind, "programme_kinds.csv")):
        seed_missing(
            model,
            ({**r, "position": n} for n, r in enumerate(read_csv(DATA / name), start=1)),
            key="code",
        )


def load_after_migrate(**kwargs: object) -> None:
    load()
