"""The register's figures for the public portal: counts by territory and period from the kept
counts, outcomes, 102 times, appeal counts, and points stripped to local month and category."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from senim.register import public
from senim.register.models import Appeal, Article, Offence
from tests.register.conftest import Territory, territory  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


def offence(t: Territory, when: dt.datetime, **fields: Any) -> Offence:
    values: dict[str, Any] = {
        "source_system": "test", "external_id": f"PUB-{next(_n)}", "kind": "crime",
        "article": t.crime_article, "occurred_at": when, "registered_at": when,
        "place_type": "street", "status": "registered", "region": t.region_a,
        "district": t.district_a, "lat": 43.25, "lon": 76.92,
    }  # fmt: skip
    return Offence(**(values | fields))


def appeal(t: Territory, when: dt.datetime, minutes: float | None, **fields: Any) -> Appeal:
    values: dict[str, Any] = {
        "source_system": "test", "external_id": f"PUB-A-{next(_n)}", "channel": "call_102",
        "category": "public_order", "status": "closed", "received_at": when,
        "arrived_at": None if minutes is None else when + dt.timedelta(minutes=minutes),
        "region": t.region_a, "district": t.district_a,
    }  # fmt: skip
    return Appeal(**(values | fields))


def test_counts_by_region_year_month_and_sector_come_from_the_kept_counts(
    territory: Territory,  # noqa: F811
) -> None:
    t = territory
    Offence.objects.bulk_create([
        offence(t, at(2024, 12, 31, 23, 30)),  # local 2024, though 2024-12-31 18:30 UTC
        offence(t, at(2025, 1, 1, 0, 30)),  # local 2025, though 2024-12-31 19:30 UTC
        offence(t, at(2025, 3, 5), kind="criminal_misdemeanour", sector=t.sector_a),
        offence(t, at(2025, 3, 6), kind="administrative", article=t.admin_article),
        offence(t, at(2025, 3, 7), region=t.region_b, district=t.district_b),
    ])  # fmt: skip
    assert public.data_years() == [2024, 2025]
    a, b = t.region_a.pk, t.region_b.pk
    assert public.offences_by_region_year(years=[2024, 2025]) == {
        (a, 2024): 1,
        (a, 2025): 2,
        (b, 2025): 1,
    }
    assert public.offences_by_region_year(years=[2025], kinds=None) == {(a, 2025): 3, (b, 2025): 1}
    march, jan = dt.date(2025, 3, 1), dt.date(2025, 1, 1)
    assert public.offences_by_month(district_id=t.district_a.pk, months=[march, jan]) == {
        (jan, "crime"): 1, (march, "criminal_misdemeanour"): 1, (march, "administrative"): 1,
    }  # fmt: skip
    assert public.offences_by_sector(district_id=t.district_a.pk, month=march) == {
        t.sector_a.pk: 1, None: 1
    }  # fmt: skip


def test_outcomes_count_solved_and_sent_to_court_among_criminal_offences(
    territory: Territory,  # noqa: F811
) -> None:
    t = territory
    statuses = ["registered", "solved", "sent_to_court", "terminated", "solved"]
    Offence.objects.bulk_create(
        [offence(t, at(2025, 2, 1 + i), status=s) for i, s in enumerate(statuses)]
        + [offence(t, at(2025, 2, 9), kind="administrative", article=t.admin_article, status="solved")]
        + [offence(t, at(2026, 1, 1), status="solved")]
    )  # fmt: skip
    got = public.outcomes(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert got == {t.region_a.pk: public.Outcomes(registered=5, solved=3)}
    assert (
        public.outcomes(
            start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1), district_id=t.district_a2.pk
        )
        == {}
    )


def test_102_times_leave_out_calls_without_an_arrival_or_with_one_before_receipt(
    territory: Territory,  # noqa: F811
) -> None:
    t = territory
    Appeal.objects.bulk_create([
        appeal(t, at(2025, 5, 1), 10), appeal(t, at(2025, 5, 2), 4.5), appeal(t, at(2025, 5, 3), None),
        appeal(t, at(2025, 5, 4), -2), appeal(t, at(2025, 5, 5), 30, channel="telegram"),
        appeal(t, at(2025, 5, 6), 7, region=t.region_b, district=t.district_b),
    ])  # fmt: skip
    got = public.response_seconds(start=dt.date(2025, 5, 1), end=dt.date(2025, 6, 1))
    assert sorted(got) == [t.region_a.pk, t.region_b.pk]
    assert sorted(got[t.region_a.pk].tolist()) == [270.0, 600.0]
    by_channel = public.appeal_counts(
        start=dt.date(2025, 5, 1),
        end=dt.date(2025, 6, 1),
        district_id=t.district_a.pk,
        by="channel",
    )
    assert by_channel == {"call_102": 4, "telegram": 1}


def test_open_points_carry_the_local_month_place_and_category_only(
    territory: Territory,  # noqa: F811
) -> None:
    t = territory
    Article.objects.filter(pk=t.crime_article.pk).update(
        chapter=6, chapter_title_kk="Тарау", chapter_title_ru="Глава", chapter_title_en="Chapter"
    )
    Offence.objects.bulk_create([
        offence(t, at(2025, 3, 31, 23, 30)),  # still March in Almaty
        offence(t, at(2025, 4, 1, 0, 15), lat=None, lon=None, district=None),
        offence(t, at(2025, 4, 2), kind="administrative", article=t.admin_article),
    ])  # fmt: skip
    points = public.offence_points(
        region_id=t.region_a.pk, start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1)
    )
    order = np.argsort(points.month, kind="stable")
    assert points.month[order].tolist() == [3, 4, 4]
    assert sorted(points.chapter.tolist()) == ["koap", "uk06", "uk06"]
    assert np.isnan(points.lat).sum() == 1 and (points.district_id == -1).sum() == 1
    assert set(points.__dataclass_fields__) == {
        "month",
        "lat",
        "lon",
        "district_id",
        "kind",
        "chapter",
    }
    assert public.chapter_titles()["uk06"] == {"kk": "Тарау", "ru": "Глава", "en": "Chapter"}
    Appeal.objects.bulk_create([appeal(t, at(2025, 7, 1), 5, category="noise")])
    appeals = public.appeal_points(
        region_id=t.region_a.pk, start=dt.date(2025, 7, 1), end=dt.date(2025, 8, 1)
    )
    assert appeals.kind.tolist() == ["noise"] and appeals.month.tolist() == [7]
    assert public.labels()["channel"]["call_102"] == "102 call"
