"""Appeals of every channel, a documented sample, some of them linked to the offences they reported.

Response times are drawn stage by stage: a 102 call is answered in seconds, a patrol is
dispatched within minutes and arrives after a log-normal delay, longer outside the cities.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from senim.core.geo import locator
from senim.core.models import District, Holiday
from senim.demo.calibration import APPEAL_SAMPLE, Calibration
from senim.demo.cities import CityModel
from senim.demo.common import (
    largest_remainder,
    live_window_start,
    local_to_utc,
    rng_for,
    to_utc64,
    utc_to_local,
)
from senim.demo.offences import Columns, RegionPlaces, city_points, profile_times, scatter
from senim.register.models import WRITTEN_PRIORITY, AnswerTerm

CATEGORIES = [
    "crime_report",
    "domestic_conflict",
    "public_order",
    "road_accident",
    "missing_person",
    "noise",
    "complaint_police",
    "information",
    "other",
]
CATEGORY_P = [0.20, 0.16, 0.20, 0.12, None, 0.10, 0.02, 0.12, 0.08]  # None: from seed 003
CHANNELS = [
    "call_102",
    "app_video_102",
    "telegram",
    "sos_button",
    "walk_in",
    "e_otinish",
    "complaint_terminal",
]
CHANNEL_P = [0.76, 0.02, 0.04, 0.02, 0.08, 0.08, 0.0]
COMPLAINT_CHANNEL_P = [0.1, 0.0, 0.05, 0.0, 0.1, 0.45, 0.3]
DISPATCHED = {
    "crime_report",
    "domestic_conflict",
    "public_order",
    "road_accident",
    "missing_person",
    "noise",
}
WRITTEN = {"e_otinish", "complaint_terminal"}
# Calls the live feed sends (senim/ops/feed.py); it owns them for the last four weeks.
LIVE_CHANNELS = ("call_102", "app_video_102", "telegram", "sos_button")
# Median seconds from receipt to answer, by channel.
ANSWER_MEDIAN = {
    "call_102": 6,
    "app_video_102": 10,
    "sos_button": 5,
    "telegram": 120,
    "walk_in": 180,
    "e_otinish": 4 * 3600,
    "complaint_terminal": 4 * 3600,
}
# Median minutes from dispatch to arrival by district kind (received → arrived ≈ +3 min).
ARRIVAL_MEDIAN_MIN = {"city_district": 10.0, "town": 15.0, "rural_district": 32.0}
REJECTED_SHARE = 0.05


def _seconds(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int):  # type: ignore[no-untyped-def]
    return np.round(rng.lognormal(np.log(median), sigma, n)).astype("timedelta64[s]")


def generate(
    *,
    seed: int,
    scale: float,
    years: list[int],
    cal: Calibration,
    offences: Columns,
    shares: dict[int, dict[int, float]],
    models: list[CityModel],
    places: dict[int, RegionPlaces],
    until: dt.datetime | None = None,
) -> Columns:
    """Appeals per region and year; sets offences["appeal_index"] for the linked ones.

    With `until`, the register stands as it did at that moment (`as_of`)."""
    by_city = {m.region_id: m for m in models}
    district_kind = dict(District.objects.values_list("id", "kind"))
    parts: list[Columns] = []
    criminal = np.isin(offences["kind"], ["crime", "criminal_misdemeanour"]) & (
        offences["place_type"] != "online"
    )
    for year in years:
        rng = rng_for(seed, "appeals", year)
        p = np.array([x if x is not None else 0.0 for x in CATEGORY_P])
        missing = cal.missing_found * 1.2 / max(cal.years[year].appeals, 1)  # some return alone
        p[CATEGORIES.index("missing_person")] = missing
        p[CATEGORIES.index("other")] += 1 - p.sum()
        counts = largest_remainder(
            round(cal.years[year].appeals * APPEAL_SAMPLE * scale),
            np.array(list(shares[year].values())),
        )
        for region_id, n in zip(shares[year], counts, strict=True):
            n = int(n)
            if n == 0:
                continue
            category = np.array(CATEGORIES, dtype=object)[rng.choice(len(CATEGORIES), n, p=p)]
            received_local = profile_times(rng, year, n)
            if region_id in by_city:
                lat, lon = city_points(rng, by_city[region_id], n)
            else:
                lat, lon = scatter(rng, places[region_id], n)
            received = local_to_utc(received_local)
            where = locator().locate(lat, lon)
            district, sector = where.district_ids, where.sector_ids
            # Crime reports point at a real offence of that region and year: its place and time.
            linked = np.full(n, -1, dtype=np.int64)
            reports = np.nonzero(category == "crime_report")[0]
            pool = np.nonzero(
                criminal & (offences["region_id"] == region_id) & (offences["year"] == year)
            )[0]
            take = min(len(reports), len(pool))
            if take:
                chosen = rng.choice(pool, size=take, replace=False)
                rows = reports[:take]
                linked[rows] = chosen
                lat[rows], lon[rows] = offences["lat"][chosen], offences["lon"][chosen]
                district[rows] = offences["district_id"][chosen]
                sector[rows] = offences["sector_id"][chosen]
                received[rows] = offences["occurred_at"][chosen] + _seconds(rng, 1200, 1.0, take)
            parts.append(
                {
                    "region_id": np.full(n, region_id, dtype=np.int64),
                    "district_id": district,
                    "sector_id": sector,
                    "lat": np.round(lat, 6),
                    "lon": np.round(lon, 6),
                    "category": category,
                    "received_at": received,
                    "offence_index": linked,
                }
            )
    if not parts:
        return {}
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    _stages(rng_for(seed, "appeal-stages"), cols, district_kind)
    if until is not None:
        cols = as_of(cols, until)
    _terms(cols)
    cols["external_id"] = np.array([f"A-{i:08d}" for i in range(len(cols["status"]))], dtype=object)
    linked_rows = np.nonzero(cols["offence_index"] >= 0)[0]
    offence_rows = cols["offence_index"][linked_rows]
    offences["appeal_index"][offence_rows] = linked_rows
    # An offence reported by an appeal is registered after the appeal arrived.
    floor = cols["received_at"][linked_rows] + np.timedelta64(600, "s")
    offences["registered_at"][offence_rows] = np.maximum(
        offences["registered_at"][offence_rows], floor
    )
    return cols


def _stages(rng: np.random.Generator, cols: Columns, district_kind: dict[int, str]) -> None:
    """Channel, status and the time of every stage."""
    n = len(cols["category"])
    category = cols["category"]
    channel = np.array(CHANNELS, dtype=object)[rng.choice(len(CHANNELS), n, p=CHANNEL_P)]
    complaints = np.nonzero(category == "complaint_police")[0]
    channel[complaints] = np.array(CHANNELS, dtype=object)[
        rng.choice(len(CHANNELS), len(complaints), p=COMPLAINT_CHANNEL_P)
    ]
    received = cols["received_at"]
    answered = received + _seconds(rng, np.array([ANSWER_MEDIAN[c] for c in channel]), 0.7, n)
    written = np.isin(channel, list(WRITTEN))
    dispatched_mask = np.isin(category, list(DISPATCHED)) & ~written & (channel != "walk_in")
    dispatched = answered + _seconds(rng, 150.0, 0.7, n)
    kinds = [district_kind.get(int(d), "rural_district") for d in cols["district_id"]]
    arrival_median = np.array([ARRIVAL_MEDIAN_MIN.get(k, 20.0) * 60 for k in kinds])
    arrived = dispatched + _seconds(rng, arrival_median, 0.55, n)
    on_scene_close = arrived + _seconds(rng, 40 * 60.0, 0.7, n)
    desk_close = answered + _seconds(rng, 5 * 60.0, 0.8, n)
    # Written appeals are answered in about a week; the tail (~2 % past three weeks) runs over
    # the 15-working-day term, as some do (assumed, docs/demo.md), so "overdue" has cases.
    written_close = answered + np.minimum(
        _seconds(rng, 6 * 86400.0, 0.6, n), np.timedelta64(30 * 86400, "s")
    )
    nat = np.datetime64("NaT", "s")
    cols["channel"] = channel
    cols["answered_at"] = answered
    cols["dispatched_at"] = np.where(dispatched_mask, dispatched, nat)
    cols["arrived_at"] = np.where(dispatched_mask, arrived, nat)
    cols["closed_at"] = np.where(
        dispatched_mask, on_scene_close, np.where(written, written_close, desk_close)
    )
    rejected = (rng.random(n) < REJECTED_SHARE) & (cols["offence_index"] < 0)
    cols["status"] = np.where(rejected, "rejected", "closed").astype(object)


def as_of(cols: Columns, until: dt.datetime) -> Columns:
    """The appeals as the register held them at `until`.

    Nothing received later; no live-channel call from the live feed's window on (the feed fills
    it); a call or a walk-in not finished by then is left out (minutes of them), while a written
    appeal still within its term is open: received, its answer not yet given.
    """
    end = to_utc64(until)
    received = cols["received_at"]
    live = np.isin(cols["channel"], LIVE_CHANNELS)
    written = np.isin(cols["channel"], list(WRITTEN))
    keep = (received < end) & ~(live & (received >= to_utc64(live_window_start(until))))
    keep &= written | (cols["closed_at"] < end)
    out = {k: v[keep] for k, v in cols.items()}
    still_open = np.isin(out["channel"], list(WRITTEN)) & (out["closed_at"] >= end)
    nat = np.datetime64("NaT", "s")
    out["closed_at"] = np.where(still_open, nat, out["closed_at"])
    out["answered_at"] = np.where(out["answered_at"] >= end, nat, out["answered_at"])
    out["status"] = np.where(still_open, "received", out["status"]).astype(object)
    return out


def _terms(cols: Columns) -> None:
    """The legal answer deadline of every appeal whose channel has a term, as intake sets it."""
    terms = dict(AnswerTerm.objects.values_list("channel", "working_days"))
    n = len(cols["channel"])
    due = np.full(n, np.datetime64("NaT", "s"))
    priority = np.zeros(n, dtype=np.int64)
    received = cols["received_at"]
    if n:
        days_off = list(Holiday.objects.values_list("day", flat=True))
        local_day = utc_to_local(received).astype("datetime64[D]")
        for channel, days in terms.items():
            rows = np.nonzero(cols["channel"] == channel)[0]
            if not len(rows):
                continue
            due[rows] = local_to_utc(
                legal_last_days(local_day[rows], days, days_off) + np.timedelta64(1, "D")
            )
            priority[rows] = WRITTEN_PRIORITY
    cols["due_at"] = due
    cols["priority"] = priority


def legal_last_days(received: np.ndarray, working_days: int, days_off: list[dt.date]) -> np.ndarray:
    """The last day of a term of `working_days` counted after each local receipt day, vectorised
    as `senim.core.calendar.add_working_days`: a day off rolls back to the working day before it,
    so the day of receipt never counts."""
    return np.busday_offset(
        np.asarray(received, dtype="datetime64[D]"),
        working_days,
        roll="backward",
        holidays=np.array(days_off, dtype="datetime64[D]"),
    ).astype("datetime64[s]")
