"""Row sources for ingest: CSV, JSON Lines and XLSX, each yielding (row number, values)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from senim.register.ingest.batch import RawBatch

Row = dict[str, str]

FORMATS = ("csv", "jsonl", "xlsx")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (wrong format, no header, broken encoding)."""


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in {"csv", "txt"}:
        return "csv"
    if suffix in {"jsonl", "ndjson", "json"}:
        return "jsonl"
    if suffix in {"xlsx", "xlsm"}:
        return "xlsx"
    raise UnreadableFile(
        _("Unknown file type %(suffix)s: use CSV, JSON Lines or XLSX.") % {"suffix": suffix or "?"}
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # datetimes from XLSX cells
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(handle: IO[bytes], fmt: str) -> Iterator[tuple[int, Row]]:
    """Rows numbered as a person sees them: the CSV/XLSX header is row 1, a JSONL line its line."""
    if fmt == "csv":
        yield from _read_csv(handle)
    elif fmt == "jsonl":
        yield from _read_jsonl(handle)
    elif fmt == "xlsx":
        yield from _read_xlsx(handle)
    else:
        raise UnreadableFile(_("Unknown format %(fmt)s.") % {"fmt": fmt})


def _read_csv(handle: IO[bytes]) -> Iterator[tuple[int, Row]]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    width = len(header)
    try:
        for number, values in enumerate(reader, start=2):
            if not values:
                continue
            if len(values) != width:
                yield (
                    number,
                    {
                        "__error__": _("has %(got)d columns, the header has %(want)d")
                        % {"got": len(values), "want": width}
                    },
                )
                continue
            yield number, dict(zip(header, values, strict=True))
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    except csv.Error as error:
        raise UnreadableFile(_("The CSV is malformed: %(error)s") % {"error": error}) from error


def _read_jsonl(handle: IO[bytes]) -> Iterator[tuple[int, Row]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            yield number, {"__error__": _("is not valid JSON")}
            continue
        if not isinstance(value, dict):
            yield number, {"__error__": _("is not a JSON object")}
            continue
        yield number, {str(k).strip().lower(): _text(v) for k, v in value.items()}


def _read_xlsx(handle: IO[bytes]) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_text(h).lower() for h in next(rows)]
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None for v in values):
            continue
        yield number, {h: _text(v) for h, v in zip(header, values, strict=False) if h}
    workbook.close()


def read_batches(handle: IO[bytes], fmt: str, size: int) -> Iterator[RawBatch]:
    """The file in batches of `size` rows, as columns. CSV is read straight into columns."""
    if fmt == "csv":
        yield from _csv_batches(handle, size)
        return
    rows = read_rows(handle, fmt)
    while chunk := list(islice(rows, size)):
        yield RawBatch.from_rows(chunk)


def _csv_batches(handle: IO[bytes], size: int) -> Iterator[RawBatch]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    except csv.Error as error:
        raise UnreadableFile(_("The CSV is malformed: %(error)s") % {"error": error}) from error
    width = len(header)
    first = 2  # the header is row 1
    try:
        while chunk := list(islice(reader, size)):
            numbers = range(first, first + len(chunk))
            first += len(chunk)
            if all(len(row) == width for row in chunk):  # the usual case: no per-row work
                columns = dict(zip(header, map(list, zip(*chunk, strict=True)), strict=True))
                yield RawBatch(list(numbers), columns)
                continue
            kept: list[int] = []
            values: list[list[str]] = []
            errors: dict[int, str] = {}
            for number, row in zip(numbers, chunk, strict=True):
                if len(row) == width:
                    kept.append(number)
                    values.append(row)
                elif row:  # blank lines are skipped, as in read_rows
                    errors[number] = _("has %(got)d columns, the header has %(want)d") % {
                        "got": len(row),
                        "want": width,
                    }
            columns = (
                dict(zip(header, map(list, zip(*values, strict=True)), strict=True))
                if values
                else {h: [] for h in header}
            )
            yield RawBatch(kept, columns, errors)
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    except csv.Error as error:
        raise UnreadableFile(_("The CSV is malformed: %(error)s") % {"error": error}) from error
