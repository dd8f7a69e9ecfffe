"""Published figures of seed 004 that the safeguards recompute from records, with their places.

Only figures printed in the seed are here. Where the seed gives a two-year total (for example
84 people convicted in 2023–2024), the total is kept as such and no split is invented.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

SEED = "Seed 004 (Ombudsman of the Republic of Kazakhstan, special report on torture, 2026)"
DATA_DIR = Path(__file__).resolve().parent / "data"

# §4 "Статистика расследования фактов пыток" (Kazakh text: "Азаптау фактілерін тергеу
# статистикасы"). Keys are a year or a (first, last) span the seed only gives in total.
Years = int | tuple[int, int]
ART146_SERIES: dict[str, dict[Years, int]] = {
    # "2025 жылы олар 60,9%-ға (289-дан 113-ке дейін) азайды" — registered torture offences.
    "registered": {2024: 289, 2025: 113},
    # "106 іс бойынша тергеу мерзімдері үзілді (2020 – 5, 2021 – 1, 2022 – 14, 2023 – 72,
    # 2024 – 9, 2025 – 5)"
    "suspended": {2020: 5, 2021: 1, 2022: 14, 2023: 72, 2024: 9, 2025: 5},
    # "[2] 789 сотқа дейінгі тергеп-тексерулер ... ақтау негіздері бойынша тоқтатылды
    # (2020 – 703, 2021 – 583, 2022 – 819, [2023] – 352, 2024 – 250, 2025 – 82)"; the total is
    # printed without its thousands digit, the yearly figures add up to 2 789.
    "terminated_exonerating": {2020: 703, 2021: 583, 2022: 819, 2023: 352, 2024: 250, 2025: 82},
    # "2021-2022 жылдары сотқа азаптау туралы 17 қылмыстық іс жіберілсе, 2023-2024 жылдары ...
    # 41 істі құрады"; 2025: "(9)".
    "sent_to_court": {(2021, 2022): 17, (2023, 2024): 41, 2025: 9},
    # People convicted: "2020 – 23, 2021 – 7, 2022 – 12"; "2023-2024 ... 84 адамды"; 2025: 19.
    "convicted_persons": {2020: 23, 2021: 7, 2022: 12, (2023, 2024): 84, 2025: 19},
}
SERIES_YEARS = list(range(2020, 2026))

# §5: complaints to the Ombudsman about torture, 2025: 240 (111 in 2024), 55 of them repeated
# (185 without repeats); 117 about the pre-trial stage, 123 about serving a sentence.
COMPLAINTS = {2024: 111, 2025: 240}
COMPLAINTS_REPEATED_2025 = 55
COMPLAINTS_BY_STAGE_2025 = {"pre_trial": 117, "penitentiary": 123}

# §5: terminals and payphones found out of order in the reporting period (2025), by region:
# "Түркістан (7 бірлік), Ақтөбе (3), Қарағанды (13), Солтүстік Қазақстан (2), Қостанай (1),
# Қызылорда (1), Павлодар (3), Жамбыл (3) облыстары, Шымкент қ. (7) 40 жұмыс істемейтін
# терминал"; payphones "Қарағанды (8), Қызылорда (2), Батыс Қазақстан (2) ... (12 бірлік)".
TERMINAL_FAILURES_2025 = {
    "complaint_terminal": {
        "KZ-61": 7,
        "KZ-15": 3,
        "KZ-35": 13,
        "KZ-59": 2,
        "KZ-39": 1,
        "KZ-43": 1,
        "KZ-55": 3,
        "KZ-31": 3,
        "KZ-79": 7,
    },
    "payphone": {"KZ-35": 8, "KZ-43": 2, "KZ-27": 2},
}
# §5, line 1584: visits of the Ombudsman, the representatives and the NPM found terminals out
# of order: "100-ден астам терминалдың (2025 жылғы қарашадағы жағдай бойынша 143)" — 143 by
# November 2025 (counted here: devices with an outage found on a visit that began before 1 Dec).
TERMINALS_FOUND_ON_VISITS_2025 = 143

# §4, line 922: the Ministry of Finance paid compensation to torture victims: "2025 жылы ... 15
# жәбірленушіге 1 541 850 теңге ... (2024 жылы - 24 жәбірленушіге 2 856 510 теңге, 2023 жылы -
# 22 жәбірленушіге 2 265 060 теңге)"; one decision per victim.
COMPENSATION = {
    2023: (22, Decimal("2265060")),
    2024: (24, Decimal("2856510")),
    2025: (15, Decimal("1541850")),
}
# §5, line 1178: reports of torture entered in the book of information records (КУИ):
# "2024 жылы ... 163 хабарлама енгізілсе, 2025 жылы олардың саны 223 құрады (36,8%-ға өсті)".
BOOK_ENTRIES = {2024: 163, 2025: 223}
# §5, line 1182: "шағымдардың басым бөлігін Омбудсменнің өңірлердегі өкілдері қараған
# (126, 52,5%)" — of the 240 complaints of 2025.
HANDLED_BY_REPRESENTATIVES_2025 = 126

# §4: 608 electronic complaint terminals in the 78 institutions of the penitentiary system.
PENITENTIARY_INSTITUTIONS = 78
COMPLAINT_TERMINALS = 608


def published(series: str, year: int) -> tuple[Years, int] | None:
    """The published figure whose period contains `year`: (year or span, value), or None."""
    for key, value in ART146_SERIES[series].items():
        if key == year or (isinstance(key, tuple) and key[0] <= year <= key[1]):
            return key, value
    return None


def load_convicts() -> int:
    """Upsert convict populations (Table 2) for the regions present; returns rows loaded."""
    from senim.core.models import Region
    from senim.core.reference import read_csv, upsert
    from senim.safeguards.models import ConvictPopulation

    regions = {r.iso: r for r in Region.objects.all()}
    rows = [
        {
            "region": regions[r["iso"]],
            "year": int(r["year"]),
            "convicts": int(r["convicts"]),
            "source": r["source"],
            "published_complaints": int(r["published_complaints"]),
            "published_rate": Decimal(r["published_rate"]),
        }
        for r in read_csv(DATA_DIR / "convicts.csv")
        if r["iso"] in regions
    ]
    with transaction.atomic():
        return upsert(ConvictPopulation, rows, key=("region", "year"))


def load_after_migrate(**kwargs: object) -> None:
    load_convicts()
