"""What an offence is: its article, place type, status and registration delay.

Weights are relative frequencies of registered offences by article (theft and fraud dominate
crime, as in the ministry's statistics); drunk driving is pinned to seed 003's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from senim.demo.calibration import Calibration
from senim.register.models import Article

WEIGHTS = {
    # crimes
    "UK-188": 42.0,
    "UK-190": 30.0,
    "UK-189": 3.0,
    "UK-191": 1.5,
    "UK-192": 0.3,
    "UK-194": 0.3,
    "UK-99": 0.6,
    "UK-101": 0.05,
    "UK-104": 0.3,
    "UK-106": 0.8,
    "UK-107": 1.0,
    "UK-110": 0.2,
    "UK-120": 0.4,
    "UK-125": 0.05,
    "UK-128": 0.05,
    "UK-146": 0.05,
    "UK-200": 0.8,
    "UK-205": 0.4,
    # Organised crime: none drawn here; senim.results' demo adds seed 003's 78 cases (line 11).
    "UK-262": 0.0,
    "UK-263": 0.0,
    "UK-264": 0.0,
    "UK-265": 0.0,
    "UK-287": 1.2,
    "UK-296": 2.5,
    "UK-297": 2.5,
    "UK-345": 2.5,
    "UK-361": 0.5,
    "UK-362": 0.2,
    "UK-366": 0.6,
    "UK-367": 0.5,
    "UK-368": 0.2,
    "UK-380": 0.4,
    # criminal misdemeanours (UK-346 is set from the drunk-driver figure)
    "UK-108": 15.0,
    "UK-109": 25.0,
    "UK-115": 10.0,
    "UK-202": 10.0,
    "UK-293": 12.0,
    "UK-294": 3.0,
    # administrative offences (KoAP-608 is set from the drunk-driver figure)
    "KoAP-73": 12.0,
    "KoAP-434": 18.0,
    "KoAP-440": 15.0,
    "KoAP-592": 35.0,
    "KoAP-612": 20.0,
}
# Seed 003: "more than 23 thousand drivers" stopped drunk; most first offences are
# administrative (KoAP-608), repeat ones criminal misdemeanours (UK-346): an assumed 80 / 20.
DRUNK_ADMIN_SHARE = 0.8

PLACES = [
    "street",
    "residence",
    "shop",
    "transport",
    "vehicle",
    "office",
    "entertainment",
    "online",
    "other",
]
_PLACE_GROUPS: dict[str, tuple[tuple[str, ...], list[float]]] = {
    "theft": (("UK-188", "UK-189", "UK-200"), [0.22, 0.28, 0.2, 0.1, 0.1, 0.05, 0.05, 0, 0]),
    "fraud": (("UK-190", "UK-205"), [0.04, 0.1, 0.05, 0, 0, 0.05, 0, 0.76, 0]),
    "violence": (
        (
            "UK-99",
            "UK-101",
            "UK-104",
            "UK-106",
            "UK-107",
            "UK-108",
            "UK-109",
            "UK-110",
            "UK-115",
            "UK-120",
            "UK-125",
        ),
        [0.3, 0.45, 0.02, 0, 0, 0.03, 0.15, 0, 0.05],
    ),
    "robbery": (("UK-191", "UK-192", "UK-194"), [0.6, 0.1, 0.15, 0.1, 0, 0, 0.05, 0, 0]),
    "road": (("UK-345", "UK-346", "KoAP-592", "KoAP-608"), [0.6, 0, 0, 0, 0.4, 0, 0, 0, 0]),
    "pedestrian": (("KoAP-612",), [1.0, 0, 0, 0, 0, 0, 0, 0, 0]),
    "disorder": (
        ("UK-202", "UK-293", "UK-294", "KoAP-434", "KoAP-440"),
        [0.5, 0.1, 0.05, 0.1, 0, 0, 0.23, 0, 0.02],
    ),
    "domestic": (("KoAP-73",), [0, 1.0, 0, 0, 0, 0, 0, 0, 0]),
    "office": (
        ("UK-361", "UK-362", "UK-366", "UK-367", "UK-368", "UK-146", "UK-380"),
        [0.05, 0, 0, 0, 0, 0.9, 0, 0, 0.05],
    ),
}
_DEFAULT_PLACES = [0.5, 0.25, 0.05, 0.05, 0.05, 0, 0.05, 0, 0.05]
PLACE_P = {code: np.array(p) / sum(p) for codes, p in _PLACE_GROUPS.values() for code in codes}

# Probability that the offender is identified ("solved"). Seed 003 line 6: solving "of all
# kinds of crime, especially grave ones included, rose to 98 %": every crime, whatever its
# gravity or article, is solved at 98 % (senim/demo/outcomes.py makes it exact per year);
# criminal misdemeanours and administrative offences are assumed figures.
SOLVED_BY_SEVERITY = {"especially_grave": 0.98, "grave": 0.98, "medium": 0.98, "minor": 0.98}
SOLVED_BY_ARTICLE: dict[str, float] = {}
SOLVED_MISDEMEANOUR, SOLVED_ADMINISTRATIVE = 0.8, 0.97


@dataclass(frozen=True)
class Pool:
    ids: np.ndarray
    codes: np.ndarray
    p: np.ndarray


@dataclass(frozen=True)
class ArticleBook:
    pools: dict[str, Pool]  # by offence kind
    code_of: dict[int, str]
    severity_of: dict[int, str]

    def draw(self, rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
        pool = self.pools[kind]
        return pool.ids[rng.choice(len(pool.ids), size=n, p=pool.p)]

    def place_types(self, rng: np.random.Generator, article_ids: np.ndarray) -> np.ndarray:
        out = np.empty(len(article_ids), dtype=object)
        for article in np.unique(article_ids):
            mask = article_ids == article
            p = PLACE_P.get(self.code_of[int(article)], np.array(_DEFAULT_PLACES))
            out[mask] = np.array(PLACES, dtype=object)[rng.choice(len(PLACES), mask.sum(), p=p)]
        return out

    def solved_probability(self, article_ids: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        p = np.empty(len(article_ids))
        for article in np.unique(article_ids):
            mask = article_ids == article
            code = self.code_of[int(article)]
            kind = kinds[mask][0]
            if code in SOLVED_BY_ARTICLE:
                p[mask] = SOLVED_BY_ARTICLE[code]
            elif kind == "administrative":
                p[mask] = SOLVED_ADMINISTRATIVE
            elif kind == "criminal_misdemeanour":
                p[mask] = SOLVED_MISDEMEANOUR
            else:
                p[mask] = SOLVED_BY_SEVERITY.get(self.severity_of[int(article)], 0.6)
        return p


def article_book(cal: Calibration) -> ArticleBook:
    rows = list(Article.objects.order_by("code").values_list("id", "code", "kind", "severity"))
    if not rows:
        raise ValueError("no articles: load senim/register/data/articles.csv (migrate)")
    last = cal.national_2025()
    pinned = {
        "UK-346": cal.drunk_drivers * (1 - DRUNK_ADMIN_SHARE) / max(last.misdemeanours, 1),
        "KoAP-608": cal.drunk_drivers * DRUNK_ADMIN_SHARE / max(last.administrative, 1),
    }
    pools: dict[str, Pool] = {}
    for kind in ("crime", "criminal_misdemeanour", "administrative"):
        chosen = [(i, c) for i, c, k, _ in rows if k == kind]
        if not chosen:
            raise ValueError(f"no {kind} articles in the reference data")
        ids = np.array([i for i, _ in chosen], dtype=np.int64)
        codes = np.array([c for _, c in chosen], dtype=object)
        free = np.array([0.0 if c in pinned else WEIGHTS.get(c, 0.2) for c in codes])
        fixed = np.array([pinned.get(c, 0.0) for c in codes])
        p = free / free.sum() * (1 - fixed.sum()) + fixed
        pools[kind] = Pool(ids=ids, codes=codes, p=p / p.sum())
    return ArticleBook(
        pools=pools,
        code_of={i: c for i, c, _, _ in rows},
        severity_of={i: s for i, _, _, s in rows},
    )


def statuses(
    rng: np.random.Generator,
    book: ArticleBook,
    article_ids: np.ndarray,
    kinds: np.ndarray,
    *,
    years_ago: np.ndarray,
) -> np.ndarray:
    """Solved ones mostly go to court; unsolved ones stay registered (suspended) or are
    terminated; older cases are more often finished."""
    solved = rng.random(len(article_ids)) < book.solved_probability(article_ids, kinds)
    to_court = rng.random(len(article_ids)) < np.minimum(0.45 + 0.15 * years_ago, 0.9)
    terminated = rng.random(len(article_ids)) < 0.12
    out = np.where(
        solved,
        np.where(to_court, "sent_to_court", "solved"),
        np.where(terminated, "terminated", "registered"),
    )
    # Administrative cases are decided on the spot or by a court: solved or sent to court.
    return out.astype(object)


def registration_delay_seconds(
    rng: np.random.Generator, book: ArticleBook, article_ids: np.ndarray
) -> np.ndarray:
    """Crimes are registered hours after they happen (fraud: days); most administrative offences
    are written up on the spot."""
    n = len(article_ids)
    codes = np.array([book.code_of[int(a)] for a in article_ids], dtype=object)
    median = np.full(n, 3 * 3600.0)
    median[np.isin(codes, ["UK-190", "UK-205"])] = 36 * 3600.0
    median[np.char.startswith(codes.astype(str), "KoAP")] = 15 * 60.0
    return rng.lognormal(np.log(median), 0.8)
