"""Row sources for ingest: CSV, JSON Lines and XLSX, each yielding (row number, values)."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
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


# Bytes read at a time when checking a file's encoding before loading it.
_CHECK_BLOCK = 1 << 22


def check_encoding(handle: IO[bytes]) -> None:
    """Refuse a CSV or JSON Lines file whole, before anything is written, unless every byte of
    it is UTF-8 text: UTF-16 (with or without its byte-order mark) by name, other bytes by the
    row they are on. The handle is left where it was."""
    start = handle.tell()
    head = handle.read(64)
    handle.seek(start)
    if _utf16(head):
        raise UnreadableFile(_("The file is UTF-16 text: save it as UTF-8 and load it again."))
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    try:
        while block := handle.read(_CHECK_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                row = lines + block.count(b"\n", 0, error.start) + 1
                raise UnreadableFile(
                    _("Row %(row)d is not UTF-8 text (byte %(byte)d of the file).")
                    % {"row": row, "byte": offset + error.start + 1}
                ) from None
            offset += len(block)
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("Row %(row)d is not UTF-8 text (the file ends inside a character).")
                % {"row": lines + 1}
            ) from None
    finally:
        handle.seek(start)


def _utf16(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    # Without a byte-order mark, UTF-16 text in Latin letters has a NUL in every other byte.
    pairs = len(head) // 2
    return pairs >= 4 and (
        head[0 : 2 * pairs : 2].count(0) > pairs // 2
        or head[1 : 2 * pairs : 2].count(0) > pairs // 2
    )


def check_names(header: list[str]) -> list[str]:
    """The header's names, or UnreadableFile if one appears twice."""
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise UnreadableFile(_("The column %(name)s appears twice.") % {"name": name[:40]})
        seen.add(name)
    return header


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # datetimes from XLSX cells
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    handle: IO[bytes], fmt: str, known: frozenset[str] | None = None
) -> Iterator[tuple[int, Row]]:
    """Rows numbered as a person sees them: the CSV/XLSX header is row 1, a JSONL line its line.
    With `known`, a JSON Lines row with another key is refused (its file has no header)."""
    if fmt == "csv":
        yield from _read_csv(handle)
    elif fmt == "jsonl":
        yield from _read_jsonl(handle, known)
    elif fmt == "xlsx":
        yield from _read_xlsx(handle)
    else:
        raise UnreadableFile(_("Unknown format %(fmt)s.") % {"fmt": fmt})


def _read_csv(handle: IO[bytes]) -> Iterator[tuple[int, Row]]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = check_names([h.strip().lower() for h in next(reader)])
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


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _refused(field_name: str, reason: str) -> Row:
    """A row unreadable for one field's sake (RawBatch.from_rows takes the pair apart)."""
    return cast(Row, {"__error__": (field_name[:40], reason)})


def _read_jsonl(handle: IO[bytes], known: frozenset[str] | None) -> Iterator[tuple[int, Row]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=_unique_keys)
        except _DuplicateKey as error:
            yield number, _refused(str(error), _("appears twice in the object"))
            continue
        except (json.JSONDecodeError, UnicodeDecodeError):
            yield number, {"__error__": _("is not valid JSON")}
            continue
        if not isinstance(value, dict):
            yield number, {"__error__": _("is not a JSON object")}
            continue
        row: Row = {}
        for key, item in value.items():
            name = str(key).strip().lower()
            if name in row:
                row = _refused(name, _("appears twice in the object"))
                break
            if known is not None and name not in known:
                row = _refused(name, _("is not a known column"))
                break
            if isinstance(item, dict | list):
                row = _refused(name, _("must be text or a number"))
                break
            row[name] = _text(item)
        yield number, row


def _read_xlsx(handle: IO[bytes]) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    number = 0  # the last row read; the header is row 1
    try:
        try:
            header = check_names([_text(h).lower() for h in next(rows)])
        except StopIteration:
            raise UnreadableFile(_("The file is empty.")) from None
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None for v in values):
                continue
            beyond = next(
                (
                    i
                    for i, v in enumerate(values)
                    if v is not None and (i >= len(header) or not header[i]) and _text(v)
                ),
                None,
            )
            if beyond is not None:
                reason = _("has a value in column %(col)d, which has no name in the header")
                yield number, {"__error__": reason % {"col": beyond + 1}}
                continue
            yield number, {h: _text(v) for h, v in zip(header, values, strict=False) if h}
    except UnreadableFile:
        raise
    except Exception as error:  # a sheet broken after its first rows
        raise UnreadableFile(
            _("Row %(row)d of the workbook cannot be read.") % {"row": number + 1}
        ) from error
    finally:
        workbook.close()


def read_batches(
    handle: IO[bytes], fmt: str, size: int, known: frozenset[str] | None = None
) -> Iterator[RawBatch]:
    """The file in batches of `size` rows, as columns. CSV is read straight into columns.

    A CSV or JSON Lines file is checked to be UTF-8 whole before its first row is read (a
    stream that cannot seek is checked as it is read)."""
    if fmt in {"csv", "jsonl"} and handle.seekable():
        check_encoding(handle)
    if fmt == "csv":
        yield from _csv_batches(handle, size)
        return
    rows = read_rows(handle, fmt, known)
    while chunk := list(islice(rows, size)):
        yield RawBatch.from_rows(chunk)


# CSV is read by Arrow's multithreaded reader in blocks of whole lines, as long as a block is
# plain: no quotes, NUL bytes, lone carriage returns or over-long lines, and every line has the
# header's width. Such a block means the same to Python's csv module, line for line. From the
# first block that is not plain, the rest of the file is read by the csv module, so quoting,
# blank lines, ragged rows and broken encodings are handled and reported exactly as before.
_BLOCK = 1 << 22


def _csv_batches(handle: IO[bytes], size: int) -> Iterator[RawBatch]:
    head = handle.read(_BLOCK)
    end = head.find(b"\n")
    line = head[:end].removeprefix(codecs.BOM_UTF8).removesuffix(b"\r")
    header = _plain_header(line) if end >= 0 else None
    if header is None:
        yield from _python_csv(_prefixed(head, handle), size)
        return
    yield from _arrow_csv(head[end + 1 :], handle, header, size)


def _plain_header(line: bytes) -> list[str] | None:
    """The header's names, or None where the csv module must read it (a one-column file too:
    Arrow would read its blank lines as empty values)."""
    if any(c in line for c in (b'"', b"\x00", b"\r")) or line.count(b",") < 1:
        return None
    try:
        return check_names([h.strip().lower() for h in line.decode("utf-8").split(",")])
    except UnicodeDecodeError:
        return None


def _arrow_csv(body: bytes, handle: IO[bytes], header: list[str], size: int) -> Iterator[RawBatch]:
    pending: list[pa.Table] = []
    waiting = 0  # rows in pending
    number = 2  # of the first pending row; the header is row 1
    rest = body
    while True:
        more = handle.read(_BLOCK)
        data = rest + more
        cut = data.rfind(b"\n") + 1 if more else len(data)
        block, rest = data[:cut], data[cut:]
        if not block:
            if not more:
                break
            continue
        table = _plain_block(block, header)
        if table is None:
            rows = chain(_as_rows(pending), _reader(_prefixed(block + rest, handle), "utf-8"))
            yield from _python_rows(rows, header, number, size)
            return
        pending.append(table)
        waiting += table.num_rows
        while waiting >= size:
            batch = pa.concat_tables(pending)
            yield _arrow_batch(batch.slice(0, size), header, number)
            number += size
            waiting -= size
            pending = [batch.slice(size)]
        if not more:
            break
    if waiting:
        yield _arrow_batch(pa.concat_tables(pending), header, number)


def _plain_block(block: bytes, header: list[str]) -> pa.Table | None:
    """The block's rows as Arrow strings, or None where the csv module must decide."""
    if b'"' in block or b"\x00" in block or block.count(b"\r") != block.count(b"\r\n"):
        return None
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
    lines = ends.size + (not block.endswith(b"\n"))
    longest = np.diff(ends, prepend=-1, append=len(block)).max()
    if longest > csv.field_size_limit():
        return None  # perhaps a field longer than the csv module accepts: let it say so
    try:
        table = pa_csv.read_csv(
            io.BytesIO(block),
            read_options=pa_csv.ReadOptions(column_names=header, block_size=1 << 20),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={h: pa.large_string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a ragged or blank line, or text that is not UTF-8
    return table if table.num_rows == lines else None


def _arrow_batch(table: pa.Table, header: list[str], first: int) -> RawBatch:
    table = table.combine_chunks()
    columns = {
        name: column.chunk(0) if column.num_chunks else pa.array([], pa.large_string())
        for name, column in zip(header, table.columns, strict=True)
    }
    return RawBatch(list(range(first, first + table.num_rows)), columns)


def _as_rows(tables: list[pa.Table]) -> Iterator[list[str]]:
    for table in tables:
        yield from map(list, zip(*(c.to_pylist() for c in table.columns), strict=True))


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of the handle, as one stream."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _prefixed(prefix: bytes, rest: IO[bytes]) -> IO[bytes]:
    return io.BufferedReader(_Prefixed(prefix, rest))


def _reader(handle: IO[bytes], encoding: str = "utf-8-sig") -> Iterator[list[str] | str]:
    """Each line's values, or the reason it cannot be read. No field of a record holds a line
    break, so a line is a row: an unbalanced quote is that row's error, and the rows after it
    are read as they are (the csv module would read on to the next quote, swallowing them)."""
    for line in io.TextIOWrapper(handle, encoding=encoding, newline=""):
        yield _values(line.rstrip("\r\n"))


def _values(line: str) -> list[str] | str:
    if not line:
        return []
    if '"' not in line:
        return line.split(",")  # what the csv module reads where nothing is quoted
    try:
        return next(csv.reader((line,), strict=True))
    except csv.Error as error:
        if "field limit" in str(error):
            return _("has a field longer than %(n)d characters") % {"n": csv.field_size_limit()}
        return _("has an unbalanced or misplaced quote (a quoted field ends on its own line)")


def _python_csv(handle: IO[bytes], size: int) -> Iterator[RawBatch]:
    reader = _reader(handle)
    try:
        first = next(reader)
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
    if isinstance(first, str):
        raise UnreadableFile(_("The header row %(reason)s.") % {"reason": first})
    header = check_names([h.strip().lower() for h in first])
    yield from _python_rows(reader, header, 2, size)


def _python_rows(
    reader: Iterable[list[str] | str], header: list[str], first: int, size: int
) -> Iterator[RawBatch]:
    """Rows from the csv module in batches; `first` is the number of the first row."""
    width = len(header)
    rows = iter(reader)
    try:
        while chunk := list(islice(rows, size)):
            numbers = range(first, first + len(chunk))
            first += len(chunk)
            kept: list[int] = []
            values: list[list[str]] = []
            errors: dict[int, str | tuple[str, str]] = {}
            for number, row in zip(numbers, chunk, strict=True):
                if isinstance(row, str):
                    errors[number] = row
                elif len(row) == width:
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
            yield RawBatch.from_lists(kept, columns, errors)
    except UnicodeDecodeError as error:  # a stream that could not be checked beforehand
        raise UnreadableFile(_("The file is not UTF-8 text.")) from error
