"""Register figures for the public portal (senim.portal): counts, times and stripped points.

Named services for another app, so the portal never reads register models. They take no user:
what they return is published to everyone and holds no record — counts per territory and period,
durations of 102 calls, and for the open-data builder points reduced to local month, place,
district and category, which the portal anonymises (grid, threshold) before anything leaves.
No person, identifier, day or time of day is returned by any function here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from django.db.models import BigIntegerField, Count, F, Func, Max, Min, Sum
from django.utils import timezone

from senim.register.models import (
    Appeal,
    AppealCategory,
    Article,
    Channel,
    Offence,
    OffenceKind,
    OffenceMonthly,
    OffenceStatus,
)
from senim.register.services import _local_seconds

# "Criminal offences" in Kazakh statistics: crimes and criminal misdemeanours (not KoAP).
CRIMINAL_KINDS = (OffenceKind.CRIME.value, OffenceKind.MISDEMEANOUR.value)
# An offence counts as solved once a suspect is identified (solved) or the case went to court.
SOLVED_STATUSES = (OffenceStatus.SOLVED.value, OffenceStatus.SENT_TO_COURT.value)


class Epoch(Func):
    """Whole seconds since 1970 (UTC) of a datetime column, computed by the database.

    Open data and 102 times read hundreds of thousands of rows; an integer per row costs nothing,
    a datetime object per row (parsed, made aware) costs most of the build.
    """

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores UTC text. '%%%%s' reaches SQLite as '%s' (the template and the backend's
        # placeholder conversion each halve the percent signs); fractions of a second drop.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def data_years() -> list[int]:
    """Local calendar years with any offence or appeal in the register, oldest first."""
    years: set[int] = set()
    span = OffenceMonthly.objects.filter(n__gt=0).aggregate(first=Min("month"), last=Max("month"))
    if span["first"] is not None:
        years.update(range(span["first"].year, span["last"].year + 1))
    appeals = Appeal.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    if appeals["first"] is not None:
        first, last = (timezone.localtime(appeals[k]).year for k in ("first", "last"))
        years.update(range(first, last + 1))
    return sorted(years)


def offences_by_region_year(
    *, years: list[int], kinds: tuple[str, ...] | None = CRIMINAL_KINDS
) -> dict[tuple[int, int], int]:
    """{(region id, year): offences registered in that local year}; kinds None means every kind.

    Read from the trigger-kept monthly counts, like the indicators page.
    """
    if not years:
        return {}
    qs = OffenceMonthly.objects.filter(
        month__gte=dt.date(min(years), 1, 1), month__lt=dt.date(max(years) + 1, 1, 1)
    )
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    out: dict[tuple[int, int], int] = {}
    for region_id, month, n in (
        qs.values("region_id", "month").annotate(n=Sum("n")).values_list("region_id", "month", "n")
    ):
        if month.year in years and n:
            key = (region_id, month.year)
            out[key] = out.get(key, 0) + n
    return out


def offences_by_month(*, district_id: int, months: list[dt.date]) -> dict[tuple[dt.date, str], int]:
    """{(first day of the month, kind): offences registered} in one district, for the months given."""
    rows = (
        OffenceMonthly.objects.filter(district_id=district_id, month__in=months)
        .values("month", "kind")
        .annotate(n=Sum("n"))
        .values_list("month", "kind", "n")
    )
    return {(month, kind): n for month, kind, n in rows if n}


def offences_by_sector(*, district_id: int, month: dt.date) -> dict[int | None, int]:
    """{sector id (None: no sector): offences registered} in one district in one month."""
    rows = (
        OffenceMonthly.objects.filter(district_id=district_id, month=month)
        .values("sector_id")
        .annotate(n=Sum("n"))
        .values_list("sector_id", "n")
    )
    return {sector: n for sector, n in rows if n}


@dataclass(frozen=True)
class Outcomes:
    registered: int
    solved: int  # status solved or sent to court, as the register stands now


def outcomes(
    *,
    start: dt.date,
    end: dt.date,
    kinds: tuple[str, ...] = CRIMINAL_KINDS,
    district_id: int | None = None,
) -> dict[int, Outcomes]:
    """{region id: Outcomes} of the offences registered in local days [start, end)."""
    qs = Offence.objects.filter(
        registered_at__gte=_local_start(start), registered_at__lt=_local_start(end), kind__in=kinds
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    found: dict[int, list[int]] = {}
    for region_id, status, n in (
        qs.values("region_id", "status")
        .annotate(n=Count("id"))
        .values_list("region_id", "status", "n")
    ):
        counts = found.setdefault(region_id, [0, 0])
        counts[0] += n
        if status in SOLVED_STATUSES:
            counts[1] += n
    return {region: Outcomes(*counts) for region, counts in found.items()}


def response_seconds(
    *,
    start: dt.date,
    end: dt.date,
    channel: str = Channel.CALL_102.value,
    district_id: int | None = None,
) -> dict[int, np.ndarray]:
    """{region id: seconds from receipt to arrival} of `channel` appeals received in [start, end).

    Appeals without an arrival (handled without a patrol, cancelled) are left out, and so is an
    arrival recorded before the receipt (a data error, not a fast patrol).
    """
    qs = Appeal.objects.filter(
        channel=channel,
        received_at__gte=_local_start(start),
        received_at__lt=_local_start(end),
        arrived_at__isnull=False,
        arrived_at__gte=F("received_at"),
    )
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    rows = np.array(
        qs.annotate(seconds=Epoch("arrived_at") - Epoch("received_at")).values_list(
            "region_id", "seconds"
        ),
        dtype=np.float64,
    ).reshape(-1, 2)
    regions = rows[:, 0].astype(np.int64)
    return {int(r): rows[regions == r, 1] for r in np.unique(regions)}


def appeal_counts(
    *, start: dt.date, end: dt.date, district_id: int, by: Literal["channel", "category"]
) -> dict[str, int]:
    """{channel or category: appeals received in local days [start, end)} in one district."""
    rows = (
        Appeal.objects.filter(
            district_id=district_id,
            received_at__gte=_local_start(start),
            received_at__lt=_local_start(end),
        )
        .values(by)
        .annotate(n=Count("id"))
        .values_list(by, "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class OpenPoints:
    """Events of one region and year, reduced to what open data may be built from."""

    month: np.ndarray  # int64, local calendar month 1-12 of registration / receipt
    lat: np.ndarray  # float64, NaN where unknown
    lon: np.ndarray  # float64, NaN where unknown
    district_id: np.ndarray  # int64, -1 where unknown
    kind: np.ndarray  # str: offence kind, or appeal category
    chapter: np.ndarray  # str: code and chapter of an offence's article ("uk06", "koap29"), else ""

    def __len__(self) -> int:
        return int(self.month.size)


def _points(qs: Any, category: str, chapter: str | None) -> OpenPoints:
    """OpenPoints of a queryset annotated with `t` (epoch seconds of the event's time)."""
    fields = ["t", "lat", "lon", "district_id", category, *([chapter] if chapter else [])]
    columns = list(zip(*qs.values_list(*fields), strict=True)) or [()] * len(fields)
    n = len(columns[0])
    local = _local_seconds(np.fromiter(columns[0], dtype=np.int64, count=n)).astype("datetime64[s]")
    nan = float("nan")
    if chapter:
        keys = {
            pk: _chapter_key(code_kind, number)
            for pk, code_kind, number in Article.objects.values_list("id", "code_kind", "chapter")
        }
        chapters = np.array([keys.get(a, "") for a in columns[5]], dtype=str).reshape(n)
    else:
        chapters = np.full(n, "")
    return OpenPoints(
        month=local.astype("datetime64[M]").astype(np.int64) % 12 + 1,
        lat=np.fromiter((nan if v is None else v for v in columns[1]), np.float64, count=n),
        lon=np.fromiter((nan if v is None else v for v in columns[2]), np.float64, count=n),
        district_id=np.fromiter((-1 if d is None else d for d in columns[3]), np.int64, count=n),
        kind=np.array(columns[4], dtype=str).reshape(n),
        chapter=chapters,
    )


def offence_points(*, region_id: int, start: dt.date, end: dt.date) -> OpenPoints:
    """The region's offences registered in local days [start, end), as OpenPoints."""
    return _points(
        _in_region(Offence, "registered_at", region_id, start, end), "kind", "article_id"
    )


def appeal_points(*, region_id: int, start: dt.date, end: dt.date) -> OpenPoints:
    """The region's appeals received in local days [start, end), as OpenPoints (kind = category)."""
    return _points(_in_region(Appeal, "received_at", region_id, start, end), "category", None)


def _in_region(model: Any, time: str, region_id: int, start: dt.date, end: dt.date) -> Any:
    """The model's records of a region in local days [start, end), with `t` in epoch seconds."""
    window = {f"{time}__gte": _local_start(start), f"{time}__lt": _local_start(end)}
    return model.objects.filter(region_id=region_id, **window).annotate(t=Epoch(time))


def chapter_titles() -> dict[str, dict[str, str]]:
    """{chapter key as in OpenPoints.chapter: {"kk": title, "ru": title, "en": title}} of the
    articles (a missing Kazakh or English title falls back to the Russian one)."""
    return {
        _chapter_key(code_kind, chapter): {"kk": kk or ru, "ru": ru, "en": en or ru}
        for code_kind, chapter, kk, ru, en in Article.objects.values_list(
            "code_kind", "chapter", "chapter_title_kk", "chapter_title_ru", "chapter_title_en"
        )
        if chapter is not None
    }


def _chapter_key(code_kind: str, chapter: int | None) -> str:
    return code_kind.lower() if chapter is None else f"{code_kind.lower()}{chapter:02d}"


def labels() -> dict[str, dict[str, str]]:
    """Names in the active language of offence kinds, appeal channels and appeal categories."""
    return {
        "kind": {k: str(v) for k, v in OffenceKind.choices},
        "channel": {k: str(v) for k, v in Channel.choices},
        "category": {k: str(v) for k, v in AppealCategory.choices},
    }
