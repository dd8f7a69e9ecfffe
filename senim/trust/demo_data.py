"""Synthetic trust data for `senim demo`: one opinion survey a year and a year of media items.

Calibrated to seed 002: in the wave of 2024 the weighted national trust distribution is
64.3 / 26.9 / 3.9 / 3.4 / 1.5 % and the weighted shares of the reasons for distrust are the
seed's (33.7 % corrupt, 20.0 % formalism, …); 2024 has exactly 1 174 critical media items.
Everything else is synthetic and says so in docs/trust.md: the other years (trust moved by
1.5 pp a year, critical items by 5 % a year), the spread between regions, the sample's
skew, the procedural-justice, safety and everyday-security answers, the outlets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from senim.core.models import Region, Unit, UnitKind
from senim.trust import classifier, instruments
from senim.trust.models import (
    Answer,
    MediaItem,
    MediaResponse,
    MediaTopic,
    Questionnaire,
    Respondent,
    ResponseState,
    Survey,
    Tone,
)
from senim.trust.services.media import classify
from senim.trust.services.surveys import apply_weights, create_questionnaire, population_margins

QUESTIONNAIRE = "police-trust-monitoring"
PREFIX = "DEMO-"
RESPONDENTS = 3000  # per yearly wave
CRITICAL_2024 = 1174  # seed 002
TRUST_CODES = ["trust", "partly", "rather_not", "not", "hard_to_say"]
AGE_BANDS = ["18-29", "30-44", "45-59", "60+"]
OUTLETS = ["Demo Ақпарат", "Demo Новости", "Demo Aimaq", "Demo Городской портал"]


def _rng(seed: int, *names: object) -> np.random.Generator:
    return np.random.default_rng(
        [seed, *(sum(str(n).encode()) * 7919 + len(str(n)) for n in names)]
    )


def national_trust(year: int) -> np.ndarray:
    """Seed 002's distribution for 2024; other years move 1.5 pp a year between trust and partly."""
    shares = np.array([instruments.NATIONAL_TRUST_2024[c] for c in TRUST_CODES]) / 100
    shift = 0.015 * (year - 2024)
    shares[0] += shift
    shares[1] -= shift
    return shares


def allocate(weights: np.ndarray, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One category per respondent so that the weighted shares come out as `shares`.

    Most respondents are taken in random order, each to the category furthest below its
    target; the last sixth in falling weight, so the small weights fill the remaining gaps.
    """
    n = len(weights)
    order = rng.permutation(n)
    head, tail = order[: n * 5 // 6], order[n * 5 // 6 :]
    order = np.concatenate([head, tail[np.argsort(-weights[tail], kind="stable")]])
    remaining = shares * weights.sum()
    out = np.empty(n, dtype=int)
    for i in order:
        k = int(np.argmax(remaining))
        out[i] = k
        remaining[k] -= weights[i]
    return out


def top_up(weights: np.ndarray, has: np.ndarray, gap: float, rng: np.random.Generator) -> None:
    """Tick more respondents (first fit, in random order) until their weight fills `gap`."""
    for i in rng.permutation(len(weights)):
        if gap <= 0:
            break
        if not has[i] and weights[i] <= gap + 1e-12:
            has[i] = True
            gap -= weights[i]


def _regional_shares(national: np.ndarray, pi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per region: trust moved by δ_r and partly by −δ_r, with Σ π_r δ_r = 0 (national kept)."""
    delta = rng.normal(0, 0.06, len(pi))
    delta -= (pi * delta).sum() / pi.sum()
    delta = np.clip(delta, -0.2, min(0.2, national[1] - 0.05))
    delta -= (pi * delta).sum() / pi.sum()  # clipping can move the mean; centre again
    out = np.tile(national, (len(pi), 1))
    out[:, 0] += delta
    out[:, 1] -= delta
    return out


def _survey(seed: int, year: int, questionnaire: Questionnaire, respondents: int) -> dict[str, int]:
    rng = _rng(seed, "trust-survey", year)
    survey = Survey.objects.create(
        code=f"demo-trust-{year}",
        questionnaire=questionnaire,
        title_kk=f"Полиция туралы қоғамдық пікір, {year} (синтетикалық)",
        title_ru=f"Общественное мнение о полиции, {year} (синтетические данные)",
        title_en=f"Public opinion on the police, {year} (synthetic)",
        year=year,
        fieldwork_start=dt.date(year, 10, 1),
        fieldwork_end=dt.date(year, 11, 30),
        source="demo",
    )
    margins = population_margins(year)
    regions = {r.iso: r.pk for r in Region.objects.all()}
    region_codes = [m.category for m in margins["region"] if m.category in regions]
    pop = np.array([m.population for m in margins["region"] if m.category in regions])
    # The sample over-represents the cities of republican significance, women, towns, mid-age.
    draw = pop * np.array([1.6 if c in {"KZ-71", "KZ-75", "KZ-79"} else 1.0 for c in region_codes])
    region_idx = rng.choice(len(region_codes), respondents, p=draw / draw.sum())
    region_idx[: len(region_codes)] = np.arange(len(region_codes))  # every region present
    sex = rng.choice(["M", "F"], respondents, p=[0.42, 0.58])
    settlement = rng.choice(["urban", "rural"], respondents, p=[0.7, 0.3])
    age = rng.choice(AGE_BANDS, respondents, p=[0.16, 0.3, 0.3, 0.24])
    people = Respondent.objects.bulk_create(
        [
            Respondent(survey=survey, external_id=f"{PREFIX}{year}-{i:05d}",
                       region_id=regions[region_codes[region_idx[i]]], sex=sex[i],
                       settlement=settlement[i], age_band=age[i])
            for i in range(respondents)
        ],
        batch_size=2000,
    )  # fmt: skip
    apply_weights(survey=survey, actor="demo")
    weight_of = dict(Respondent.objects.filter(survey=survey).values_list("pk", "weight"))
    ids = np.array([p.pk for p in people])
    w = np.array([weight_of[i] for i in ids])
    items = {i.code: i for i in questionnaire.items.all()}
    opts = {code: {o.code: o.pk for o in i.options.all()} for code, i in items.items()}
    answers: list[tuple[int, int, int | None, float | None]] = []

    def add(code: str, who: np.ndarray, values: list[str] | np.ndarray) -> None:
        item_id, option_of = items[code].pk, opts[code]
        answers.extend(
            (int(r), item_id, option_of[str(v)], None) for r, v in zip(who, values, strict=False)
        )

    # The trust question, region by region, to shares that average to the national ones.
    pi = pop / pop.sum()
    regional = _regional_shares(national_trust(year), pi, rng)
    trust = np.empty(respondents, dtype=int)
    for r in range(len(region_codes)):
        mask = region_idx == r
        trust[mask] = allocate(w[mask], regional[r], rng)
    add("trust_police", ids, [TRUST_CODES[k] for k in trust])

    # Reasons for distrust (asked unless "trust"): one primary reason each, then topped up.
    asked = trust != 0
    aw = w[asked]
    shares = np.array([s for _c, _t, s in instruments.DISTRUST_REASONS]) / 100
    primary = allocate(aw, shares / shares.sum(), rng)
    for k, (code, _t, share) in enumerate(instruments.DISTRUST_REASONS):
        has = primary == k
        top_up(aw, has, share / 100 * aw.sum() - aw[has].sum(), rng)
        add("distrust_reasons", ids[asked][has], [code] * int(has.sum()))

    # Synthetic: the remaining items lean with trust (higher trust, better judgements).
    lean = np.array([1.0, 0.4, -0.6, -1.0, 0.0])[trust]
    for code in ("pj_voice", "pj_neutrality", "pj_respect", "pj_motives"):
        score = np.clip(np.rint(3.4 + 0.9 * lean + rng.normal(0, 0.9, respondents)), 1, 5)
        add(code, ids, score.astype(int))
    night = rng.random(respondents) + 0.12 * (sex == "M") + 0.05 * (settlement == "rural")
    dark = np.select([night > 0.78, night > 0.35, night > 0.15, night > 0.06],
                     ["very_safe", "fairly_safe", "bit_unsafe", "very_unsafe"], "never_out")  # fmt: skip
    add("safe_after_dark", ids, dark)
    area = np.where(rng.random(respondents) < 0.62 + 0.1 * lean, "safe", "unsafe")
    add("area_safe", ids, area)
    for code, p in (("ev_family", 0.86), ("ev_dark", 0.58), ("ev_children", 0.63),
                    ("ev_neighbours", 0.74), ("ev_inspector", 0.52), ("ev_tidy", 0.66)):  # fmt: skip
        u = rng.random(respondents)
        add(code, ids, np.select([u < p + 0.08 * lean, u > 0.97], ["yes", "hard_to_say"], "no"))
    inspector = np.clip(trust + rng.choice([-1, 0, 0, 1], respondents), 0, 3)
    inspector[rng.random(respondents) < 0.06] = 4
    add("trust_inspector", ids, [TRUST_CODES[k] for k in inspector])
    contacts = rng.poisson(0.7, respondents)
    answers.extend(
        (int(r), items["police_contacts"].pk, None, float(c))
        for r, c in zip(ids, contacts, strict=False)
    )
    # Plain INSERTs: tens of thousands of model instances would cost more than the database.
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (respondent_id, item_id, option_id, number) VALUES (%s, %s, %s, %s)",
            answers,
        )
    return {"respondents": respondents, "answers": len(answers)}


def critical_target(year: int) -> int:
    """1 174 in 2024 (seed 002); synthetic: 5 % fewer for each later year, more for earlier."""
    return round(CRITICAL_2024 * (1 - 0.05 * (year - 2024)))


def _media(
    seed: int, year: int, corpus: list[classifier.CorpusRow], share: float
) -> dict[str, int]:
    rng = _rng(seed, "trust-media", year)
    n_neg = round(critical_target(year) * share)
    tones = [Tone.NEGATIVE] * n_neg + [Tone.POSITIVE] * n_neg + [Tone.NEUTRAL] * n_neg
    by_tone = {t: [r for r in corpus if r.tone == t] for t in Tone.values}
    regions = list(Region.objects.order_by("iso"))
    sizes = [r.population(year) for r in regions]
    pop = np.array([p.population if p is not None else 1 for p in sizes], dtype=np.float64)
    region_units: dict[int, list[Unit]] = {}
    for found in Unit.objects.filter(region__isnull=False).exclude(kind=UnitKind.MINISTRY):
        region_units.setdefault(int(found.region_id or 0), []).append(found)
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    seconds = (dt.datetime(year + 1, 1, 1, tzinfo=zone) - start).total_seconds()
    items = []
    for i, tone in enumerate(tones):
        pool = by_tone[tone]
        first = pool[rng.integers(len(pool))]
        region = regions[rng.choice(len(regions), p=pop / pop.sum())]
        units = region_units.get(region.pk, [])
        regional = [u for u in units if u.kind == UnitKind.REGIONAL_DEPARTMENT]
        unit: Unit | None = (regional[0] if regional and rng.random() < 0.7 else
                             units[rng.integers(len(units))] if units else None)  # fmt: skip
        items.append(MediaItem(
            source=OUTLETS[rng.integers(len(OUTLETS))], external_id=f"{PREFIX}{year}-{i:05d}",
            url=f"https://example.org/demo/{year}/{i}", title=first.text, text="",
            published_at=start + dt.timedelta(seconds=float(rng.random() * seconds)),
            region=region, unit=unit, entered_by="demo", corrected_tone=tone,
        ))  # fmt: skip
    classify(items)
    now = timezone.now()
    for item in items:
        # The true tone stays only where an operator had to correct the classifier.
        if item.tone == item.corrected_tone:
            item.corrected_tone = ""
        else:
            item.corrected_by, item.corrected_at = "demo-operator", item.published_at
        item.final_tone = item.corrected_tone or item.tone
    MediaItem.objects.bulk_create(items, batch_size=1000)
    saved = list(MediaItem.objects.filter(external_id__startswith=f"{PREFIX}{year}-"))
    MediaTopic.objects.bulk_create(
        [MediaTopic(item=i, topic=t["code"]) for i in saved for t in i.topics], batch_size=5000
    )
    responses = [_response(i, rng, now) for i in saved if i.final_tone == Tone.NEGATIVE]
    MediaResponse.objects.bulk_create(responses, batch_size=2000)
    corrected = sum(1 for i in items if i.corrected_tone)
    return {"media_items": len(items), "critical_items": n_neg, "tone_corrections": corrected}


def _response(item: MediaItem, rng: np.random.Generator, now: dt.datetime) -> MediaResponse:
    """Older cases are further along; the last month's are mostly still to be verified."""
    age_days = (now - item.published_at).days
    stage = min(4, int(rng.integers(0, 5)) + (age_days // 30)) if age_days >= 0 else 0
    confirmed = bool(rng.random() < 0.55)
    day = dt.timedelta(days=1)
    r = MediaResponse(item=item, state=ResponseState.TO_VERIFY, opened_at=item.published_at)
    if stage >= 1:
        r.state, r.facts_confirmed, r.verified_at = (
            ResponseState.VERIFIED,
            confirmed,
            item.published_at + day,
        )
        r.verification_note = "Synthetic: facts checked with the unit concerned."
    if stage >= 2:
        r.state = ResponseState.ANSWERED if confirmed else ResponseState.REFUTED
        r.public_statement, r.responded_at = "Synthetic statement.", item.published_at + 2 * day
    if stage >= 3 and confirmed:
        r.state, r.check_unit, r.check_started_at = (
            ResponseState.INTERNAL_CHECK,
            item.unit,
            item.published_at + 3 * day,
        )
    if stage >= 4:
        r.state, r.closed_at = ResponseState.CLOSED, item.published_at + 20 * day
        r.check_outcome = "Synthetic outcome." if confirmed else ""
    return r


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    return build_sized(seed=seed, years=years)


def build_sized(
    *, seed: int, years: list[int], respondents: int = RESPONDENTS, media_share: float = 1.0
) -> dict[str, int]:
    """`build` with a smaller world for tests: fewer respondents, a share of the media items."""
    with transaction.atomic():
        questionnaire = create_questionnaire(
            code=QUESTIONNAIRE,
            titles=("Полицияға деген сенім мониторингі", "Мониторинг доверия к полиции",
                    "Monitoring of trust in the police"),
            blocks=list(instruments.INSTRUMENTS),
        )  # fmt: skip
        counts: dict[str, Any] = {"survey_respondents": 0, "survey_answers": 0}
        corpus = classifier.load_corpus()
        media: dict[str, int] = {"media_items": 0, "critical_items": 0, "tone_corrections": 0}
        for year in sorted(years):
            got = _survey(seed, year, questionnaire, respondents)
            counts["survey_respondents"] += got["respondents"]
            counts["survey_answers"] += got["answers"]
            for k, v in _media(seed, year, corpus, media_share).items():
                media[k] += v
    return {**counts, **media}


def delete() -> None:
    MediaItem.objects.filter(external_id__startswith=PREFIX).delete()
    Survey.objects.filter(source="demo").delete()
