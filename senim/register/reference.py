from __future__ import annotations

from pathlib import Path

from senim.core.reference import read_csv, seed_missing, upsert

DATA = Path(__file__).resolve().parent / "data"
ARTICLES_CSV = DATA / "articles.csv"


def load_articles() -> int:
    from senim.register.models import Article

    if not ARTICLES_CSV.exists():
        return 0
    fields = [f.name for f in Article._meta.fields if f.name not in {"id", "chapter"}]
    return upsert(
        Article,
        (
            {
                **{f: r.get(f, "") for f in fields},
                "chapter": int(r["chapter"]) if r["chapter"] else None,
            }
            for r in read_csv(ARTICLES_CSV)
        ),
        key="code",
    )


def load_call_reference() -> None:
    """Grades and answer terms as shipped, where missing (an administrator's edits stay)."""
    from senim.register.models import AnswerTerm, Grade

    seed_missing(
        Grade,
        (
            {**r, "rank": int(r["rank"]), "needs_unit": r["needs_unit"] == "1"}
            for r in read_csv(DATA / "grades.csv")
        ),
        key="code",
    )
    seed_missing(
        AnswerTerm,
        (
            {**r, "working_days": int(r["working_days"])}
            for r in read_csv(DATA / "answer_terms.csv")
        ),
        key="channel",
    )


def load_articles_after_migrate(**kwargs: object) -> None:
    load_articles()
    load_call_reference()
