"""Reference data shipped as CSV (drug, weapon and livestock kinds, telecom operators), upserted
after every migrate like the register's articles."""

from __future__ import annotations

from pathlib import Path

from senim.core.reference import read_csv, upsert

DATA = Path(__file__).resolve().parent / "data"


def load_reference() -> None:
    from senim.results.models import DrugKind, LivestockKind, TelecomOperator, WeaponKind

    upsert(
        DrugKind,
        (
            {**r, "synthetic": r["synthetic"] == "1", "rank": int(r["rank"])}
            for r in read_csv(DATA / "drug_kinds.csv")
        ),
        key="code",
    )
    for model, name in (
        (WeaponKind, "weapon_kinds.csv"),
        (LivestockKind, "livestock_kinds.csv"),
        (TelecomOperator, "operators.csv"),
    ):
        upsert(model, ({**r, "rank": int(r["rank"])} for r in read_csv(DATA / name)), key="code")


def load_reference_after_migrate(**kwargs: object) -> None:
    load_reference()
