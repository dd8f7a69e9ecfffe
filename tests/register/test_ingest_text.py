"""Whole-column formatting and hashing give exactly the text and hashes of per-value code.

The row hash recognises a re-sent row as already loaded, so its input text must never drift:
these compare the Arrow/numpy formatting with the per-value Python it replaced.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from senim.register.ingest import text


def test_times_read_like_numpy_datetime_as_string_with_nulls_for_nat() -> None:
    rng = np.random.default_rng(5)
    microseconds = rng.integers(
        np.datetime64("2000-01-01", "us").astype(np.int64),
        np.datetime64("2099-12-31", "us").astype(np.int64),
        100_000,
    )
    values = microseconds.astype("datetime64[us]")
    values = np.concatenate(
        [values, np.array(["2024-02-29T23:59:59.999999", "2000-03-01", "NaT"], "datetime64[us]")]
    )
    expected = np.datetime_as_string(values, unit="us").astype(object)
    expected[np.isnat(values)] = text.NULL
    assert text.times(values).to_pylist() == expected.tolist()


def test_coordinates_read_like_repr() -> None:
    rng = np.random.default_rng(6)
    values = np.concatenate(
        [
            rng.uniform(40.5, 87.4, 200_000),
            *(np.round(rng.uniform(40.5, 87.4, 10_000), digits) for digits in range(8)),
            np.array([43.0, 0.0, -0.0, 1e-4, 9.99e15, 1e16, 1e-5, 0.1 + 0.2, np.nan]),
        ]
    )
    expected = [text.NULL if np.isnan(v) else repr(v) for v in values.tolist()]
    assert text.floats(values).to_pylist() == expected


def test_ids_read_like_str_with_nulls_for_zero() -> None:
    values = np.array([1, 0, 42, 10**12], dtype=np.int64)
    assert text.ids(values).to_pylist() == ["1", text.NULL, "42", "1000000000000"]


def test_hashes_are_blake2b_of_the_fields_joined_by_unit_separators() -> None:
    rows = [["erdr", "E-1", "43.25"], ["koap", "Ж-2", text.NULL], ["", "", ""]]
    columns = [pa.array(list(c), type=text.STRING) for c in zip(*rows, strict=True)]
    expected = [hashlib.blake2b("\x1f".join(r).encode(), digest_size=16).hexdigest() for r in rows]
    assert text.digests(columns).tolist() == expected


def test_a_column_s_bytes_end_to_end() -> None:
    values = pa.array(["ab", "", "cd\n"], type=text.STRING).slice(1)
    assert bytes(text.buffer(values)) == b"cd\n"
