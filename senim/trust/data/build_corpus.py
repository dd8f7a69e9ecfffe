"""Rebuild tone_corpus.csv from the hand-written templates of tone_templates.csv (DATASHEET.md).

    .venv/bin/python senim/trust/data/build_corpus.py

Every template was written for this project as one news-like sentence about police work, with
its tone toward the police decided when it was written; the fillers (cities, officers, sums)
do not change that tone. Template k of a tone exists in Kazakh and in Russian with the same
meaning; its `group` (tone-k) keeps both languages of one template on the same side of a
held-out split, so the reported score is on sentences whose wording the model never saw.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250601
PER_TEMPLATE = 3

CITIES = [  # (Kazakh nominative, Russian nominative, Russian "в …" form)
    ("Алматы", "Алматы", "в Алматы"),
    ("Астана", "Астана", "в Астане"),
    ("Шымкент", "Шымкент", "в Шымкенте"),
    ("Қарағанды", "Караганда", "в Караганде"),
    ("Ақтөбе", "Актобе", "в Актобе"),
    ("Павлодар", "Павлодар", "в Павлодаре"),
    ("Өскемен", "Усть-Каменогорск", "в Усть-Каменогорске"),
    ("Семей", "Семей", "в Семее"),
    ("Тараз", "Тараз", "в Таразе"),
    ("Атырау", "Атырау", "в Атырау"),
    ("Қостанай", "Костанай", "в Костанае"),
    ("Орал", "Уральск", "в Уральске"),
    ("Ақтау", "Актау", "в Актау"),
    ("Қызылорда", "Кызылорда", "в Кызылорде"),
    ("Петропавл", "Петропавловск", "в Петропавловске"),
    ("Түркістан", "Туркестан", "в Туркестане"),
    ("Талдықорған", "Талдыкорган", "в Талдыкоргане"),
    ("Көкшетау", "Кокшетау", "в Кокшетау"),
]
# Words that keep their capital letter after a lead-in such as "Как сообщается, ".
PROPER = {c for city in CITIES for c in city[:2]} | {"МВД"}
OFFICERS = [
    ("учаскелік полиция инспекторы", "участковый инспектор полиции"),
    ("патрульдік полиция қызметкері", "сотрудник патрульной полиции"),
    ("жол полициясының инспекторы", "инспектор дорожной полиции"),
    ("ювеналдық полиция инспекторы", "инспектор ювенальной полиции"),
    ("аудандық полиция бөлімінің қызметкері", "сотрудник районного отдела полиции"),
    ("кезекші бөлімнің қызметкері", "сотрудник дежурной части"),
]
SUMS = ["50 000", "100 000", "150 000", "200 000", "300 000", "500 000", "1 млн"]
COUNTS = ["120", "350", "800", "1 200", "2 500"]
LEADS_KK = ["", "", "{city}. ", "Хабарлағандай, ", "Ақпарат бойынша, ", "Жаңалықтар: "]
LEADS_RU = ["", "", "{city_ru}. ", "Как сообщается, ", "По имеющимся данным, ", "Новости: "]

TEMPLATES_CSV = HERE / "tone_templates.csv"  # tone, k, kk, ru: one row per template


def templates() -> dict[str, list[tuple[str, str]]]:
    """{tone: [(Kazakh, Russian), …]} in the file's order; {city} / {city_loc}, {officer},
    {sum} and {n} are slots."""
    out: dict[str, list[tuple[str, str]]] = {"negative": [], "positive": [], "neutral": []}
    with TEMPLATES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["tone"]].append((row["kk"], row["ru"]))
    return out


def _fill(template: str, lead: str, rng: random.Random, *, language: str) -> str:
    city_kk, city_ru, city_loc = rng.choice(CITIES)
    officer_kk, officer_ru = rng.choice(OFFICERS)
    values = {
        "city": city_kk,
        "city_ru": city_ru,
        "city_loc": city_loc,
        "officer": officer_kk if language == "kk" else officer_ru,
        "sum": rng.choice(SUMS),
        "n": rng.choice(COUNTS),
    }
    body = template.format(**values)
    if lead.endswith(", ") and body.split()[0] not in PROPER:
        body = body[0].lower() + body[1:]
    else:
        body = body[0].upper() + body[1:]
    return lead.format(**values) + body


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for tone, pairs in templates().items():
        for k, pair in enumerate(pairs, start=1):
            for language, template, leads in (
                ("kk", pair[0], LEADS_KK),
                ("ru", pair[1], LEADS_RU),
            ):
                made = tries = 0
                while made < PER_TEMPLATE and tries < 50:
                    tries += 1
                    text = _fill(template, rng.choice(leads), rng, language=language)
                    if text in seen:
                        continue
                    seen.add(text)
                    made += 1
                    rows.append(
                        {
                            "id": f"{language}-{tone[:3]}-{k:02d}-{made}",
                            "language": language,
                            "tone": tone,
                            "group": f"{tone}-{k:02d}",
                            "text": text,
                        }
                    )
    return rows


def main() -> None:
    rows = build()
    with (HERE / "tone_corpus.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "language", "tone", "group", "text"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} items written to tone_corpus.csv")


if __name__ == "__main__":
    main()
