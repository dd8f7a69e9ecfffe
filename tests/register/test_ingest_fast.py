"""The column validator is only a filter: what it accepts, the row validator accepts identically.

Rows are generated valid, then mutated in the ways real files go wrong; for every row the fast
path accepts, the row path (schema.clean_offence) must accept it too and give the same values.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from senim.register.ingest.batch import Clean, RawBatch
from senim.register.ingest.fast import clean_offences, parse_times
from senim.register.ingest.schema import Lookups, RowError, clean_offence

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


def _valid(rng: random.Random, n: int) -> dict[str, str]:
    day = dt.datetime(2023, 1, 1) + dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    return {
        "source_system": "erdr",
        "external_id": f"E-{n}",
        "kind": "crime",
        "article": "UK-188",
        "occurred_at": day.isoformat(sep=rng.choice("T ")),
        "registered_at": (day + dt.timedelta(hours=rng.randrange(1, 48))).isoformat(),
        "place_type": "street",
        "status": "registered",
        "lat": f"{43.2 + rng.random() / 10:.5f}",
        "lon": f"{76.85 + rng.random() / 10:.5f}",
        "region": "",
        "district": "",
        "sector": "",
        "victim_iins": "",
    }


MUTATIONS = [
    ("external_id", " E-1"),
    ("external_id", "x" * 65),
    ("source_system", ""),
    ("kind", "Crime"),
    ("kind", "administrative"),  # does not fit a Criminal Code article
    ("article", "UK-999999"),
    ("article", "KoAP-434"),
    ("occurred_at", "2025-02-30T10:00:00"),
    ("occurred_at", "2025-01-01T24:00:00"),
    ("occurred_at", "1999-12-31T23:00:00"),
    ("occurred_at", "2025-01-01T10:00:00Z"),
    ("occurred_at", "2025-01-01T10:00:00+06:00"),
    ("occurred_at", "2025-01-01T10:00:00-03:30"),
    ("occurred_at", "2025-01-01T10:00:00+24:00"),
    ("occurred_at", "2025-01-01T10:00:00.250000"),
    ("occurred_at", "2025-01-01"),
    ("occurred_at", "01.01.2025 10:00"),
    ("registered_at", "2030-01-01T00:00:00"),  # the future
    ("registered_at", "2020-01-01T00:00:00"),  # before it occurred
    ("registered_at", "2024-02-29T23:30:00"),  # the hour Almaty repeated in 2024
    ("lat", ""),
    ("lat", "nan"),
    ("lat", "91"),
    ("lat", " 43.25"),
    ("lat", "43,25"),
    ("lon", "1e2"),
    ("region", "KZ-75"),
    ("region", "KZ-71"),  # a point in Almaty, a code for Astana: refused later, by `locate`
    ("region", "KZ-00"),
    ("district", "KZ-75-ALMALY"),
    ("sector", "NO-SUCH"),
    ("victim_iins", "880101300123"),
    # White space str.strip() removes though it is not ASCII, and text that is not ASCII.
    ("external_id", "E-1\xa0"),
    ("external_id", "\u3000E-1"),
    ("external_id", "E-1\x1f"),
    ("external_id", "Е-1 кз"),
    ("source_system", "ердр"),
    # Keys the row path normalises or refuses, kinds the article may or may not take.
    ("external_id", "Е-1"),  # a Cyrillic Е
    ("external_id", "E-１"),  # a full-width digit
    ("external_id", "E\u200b-1"),  # a zero-width space
    ("external_id", "E\x00-1"),
    ("kind", "criminal_misdemeanour"),  # a crime article as a misdemeanour
    ("article", "UK-293"),  # a misdemeanour article: its later parts may be crimes
    ("lat", "inf"),
    ("occurred_at", "20250101T100000"),
    # Dates numpy and fromisoformat might read differently, and bytes out of place.
    ("occurred_at", "2024-02-29T10:00:00"),
    ("occurred_at", "2100-02-29T10:00:00"),
    ("occurred_at", "2025-13-01T10:00:00"),
    ("occurred_at", "2025-00-10T10:00:00"),
    ("occurred_at", "2025-04-31T10:00:00"),
    ("occurred_at", "2025-01-01T10:00:60"),
    ("occurred_at", "2025-01-01T10:00:00+05:3"),
    ("occurred_at", "2025-01-01Т10:00:00"),  # a Cyrillic Т
    ("occurred_at", "2025-01-01T10:00:00+05:30"),
    # Decimals float() reads but Arrow might not, or not the same.
    ("lat", "43"),
    ("lat", "043.25"),
    ("lat", "43.250000000000000001"),
    ("lat", "-43.25"),
    ("lat", "4_3.25"),
    ("lon", "76.92861000000000000000001"),
    ("lon", "+76.9"),
    ("lon", ".5"),
]


def _batch(rows: list[dict[str, str]]) -> RawBatch:
    return RawBatch.from_rows(list(enumerate(rows, start=2)))


def test_every_row_the_fast_path_accepts_the_row_path_accepts_identically() -> None:
    rng = random.Random(11)
    lookups = Lookups.load()
    lookups.now = NOW
    rows = []
    for n in range(600):
        row = _valid(rng, n)
        for _ in range(rng.choice([0, 0, 1, 2])):
            name, value = rng.choice(MUTATIONS)
            row[name] = value
        if rng.random() < 0.1:
            row["lat"] = row["lon"] = ""
            row["region"] = rng.choice(["", "KZ-75"])
        rows.append(row)
    batch = _batch(rows)
    result = clean_offences(batch.columns, len(batch), lookups)
    fast = Clean.from_arrays("offences", np.flatnonzero(result.accepted), result.values)
    assert 150 < result.accepted.sum() < 600  # it accepts plenty, and not everything
    for j, i in enumerate(np.flatnonzero(result.accepted).tolist()):
        try:
            slow = clean_offence(batch.row(i), lookups)
        except RowError as error:
            pytest.fail(f"fast path accepted a row the row path refuses: {rows[i]} ({error})")
        record = fast.record(j)
        for name, value in slow.items():
            if name in {"appeal_key", "parties"}:
                assert not value
                continue
            assert record[name] == value, (name, rows[i])


def test_times_in_local_time_with_zulu_and_offsets() -> None:
    ok, utc = parse_times(
        [
            "2025-06-30T23:30:00",  # Almaty UTC+5 since March 2024
            "2023-06-30 23:30:00",  # UTC+6 before
            "2025-01-01T10:00:00Z",
            "2025-01-01T10:00:00+03:00",
            "2025-02-29T10:00:00",
            "2025-1-01T10:00:00",
        ],
        NOW,
    )
    assert ok.tolist() == [True, True, True, True, False, False]
    assert [str(t)[:19] for t in utc[:4]] == [
        "2025-06-30T18:30:00",
        "2023-06-30T17:30:00",
        "2025-01-01T10:00:00",
        "2025-01-01T07:00:00",
    ]


def test_reasons_are_in_the_callers_language_though_rows_are_checked_in_another_thread() -> None:
    import io

    from django.utils import translation

    from senim.register.ingest.pipeline import ingest

    rng = random.Random(3)
    rows = [_valid(rng, n) for n in range(30)]
    rows[7]["kind"] = "theft"
    header = list(rows[0])
    text = ",".join(header) + "\n" + "\n".join(",".join(r[h] for h in header) for r in rows)
    with translation.override("ru"):
        summary = ingest(
            handle=io.BytesIO(text.encode()), kind="offences", fmt="csv", batch_size=10
        )
    assert summary.loaded == 29 and summary.batches == 3
    assert [(e.row, e.field) for e in summary.errors] == [(9, "kind")]
    assert "не входит в список" in summary.errors[0].reason


def test_a_far_future_date_is_refused_without_a_table_of_its_hours() -> None:
    from senim.register.ingest import fast

    now = dt.datetime.now(dt.UTC)
    ok, _utc = parse_times(["9999-12-31T23:00:00", "2024-03-01T00:30:00"], now)
    assert ok.tolist() == [False, True]
    # The offsets table stops two days after now: year 9999 would be 70 million hours.
    _start, table = fast._HOURS
    hours_from_2000_to_now = (now - dt.datetime(1999, 12, 30, tzinfo=dt.UTC)).days * 24
    assert len(table) <= hours_from_2000_to_now + 48 + 1
