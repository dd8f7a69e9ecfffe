from __future__ import annotations

from pathlib import Path

from senim.core.reference import read_csv, upsert

ARTICLES_CSV = Path(__file__).resolve().parent / "data" / "articles.csv"


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


def load_articles_after_migrate(**kwargs: object) -> None:
    load_articles()
