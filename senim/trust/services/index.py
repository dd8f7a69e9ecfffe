"""The trust index: the weighted mean score of the national trust question, 0–100.

Scores: trust 100, partly 66.7, rather not 33.3, not 0; "hard to say" is left out (so the index
is among those with an opinion). Seed 002's national distribution gives
(64.3·100 + 26.9·66.7 + 3.9·33.3 + 3.4·0) / 98.5 = 84.8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from senim.analytics import survey as stats
from senim.core.models import Region, User
from senim.core.scope import allowed_region_ids
from senim.trust.access import TRUST_READ
from senim.trust.instruments import TRUST_ITEM
from senim.trust.models import Answer, Survey
from senim.trust.services.surveys import require

SCALE = (0.0, 100.0)


@dataclass(frozen=True)
class IndexPoint:
    survey: str
    year: int
    value: stats.Mean


@dataclass(frozen=True)
class IndexSeries:
    code: str  # region ISO, or "KZ" for the country
    name: str
    points: list[IndexPoint]


def trust_index_series(
    *, region_ids: set[int] | None = None
) -> tuple[list[IndexSeries], IndexSeries | None]:
    """Per region (all, or those given) and, when all regions are asked for, the country.

    A named service for other apps (the public portal) as well as for the trust pages.
    """
    surveys = list(
        Survey.objects.filter(questionnaire__items__code=TRUST_ITEM).order_by("year", "code")
    )
    regions = Region.objects.order_by("iso")
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
    by_region: dict[int, IndexSeries] = {r.pk: IndexSeries(r.iso, r.name, []) for r in regions}
    national = IndexSeries("KZ", "", []) if region_ids is None else None
    for survey in surveys:
        rows = np.array(
            list(
                Answer.objects.filter(
                    item__code=TRUST_ITEM, respondent__survey=survey, option__score__isnull=False
                ).values_list("respondent__region_id", "respondent__weight", "option__score")
            ),
            dtype=float,
        ).reshape(-1, 3)
        if not len(rows):
            continue
        region_col, weights, scores = rows[:, 0].astype(int), rows[:, 1], rows[:, 2]
        for region_id, series in by_region.items():
            mask = region_col == region_id
            if mask.any():
                series.points.append(
                    IndexPoint(
                        survey.code,
                        survey.year,
                        stats.mean(scores[mask], weights[mask], bounds=SCALE),
                    )
                )
        if national is not None:
            national.points.append(
                IndexPoint(survey.code, survey.year, stats.mean(scores, weights, bounds=SCALE))
            )
    return list(by_region.values()), national


def trust_index(*, user: User) -> tuple[list[IndexSeries], IndexSeries | None]:
    """The series the user may see: every region and the country, or their own region."""
    require(user, TRUST_READ)
    return trust_index_series(region_ids=allowed_region_ids(user))
