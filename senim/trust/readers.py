"""Reading uploaded files: CSV and XLSX tables, RSS 2.0 and Atom feeds.

A file that cannot be read as a whole raises FileRejected with one error at row 0 or 1; rows are
numbered as a person sees them (the header is row 1, a feed's first item is item 1). Feeds are
parsed with defusedxml, so entity expansion ("billion laughs") and external entities are refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from senim.trust.errors import FileRejected, RowError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 200  # survey cells; media text has its own, longer limits
Row = dict[str, str]


def _reject(message: str, row: int = 0, field: str = "file") -> FileRejected:
    return FileRejected([RowError(row, field, message)])


def file_kind(name: str, head: bytes) -> str:
    """'csv', 'xlsx' or 'feed', from the name and the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if suffix in {".xml", ".rss", ".atom"} or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "feed"
    if suffix in {".csv", ".txt", ""}:
        return "csv"
    raise _reject(
        _("Unknown file type %(suffix)s: use CSV, XLSX, RSS or Atom.") % {"suffix": suffix}
    )


def read_bytes(handle: IO[bytes]) -> bytes:
    data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _reject(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20})
    if not data.strip():
        raise _reject(_("The file is empty."))
    return data


def read_table(data: bytes, kind: str) -> tuple[list[str], list[tuple[int, Row]]]:
    """The header (lower-cased, stripped) and the non-empty rows of a CSV or XLSX file."""
    return _read_xlsx(data) if kind == "xlsx" else _read_csv(data)


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, Row]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(_("The file is not UTF-8 text.")) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise _reject(_("The CSV cannot be read: %(error)s") % {"error": error}) from None
    return _table(rows)


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, Row]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken archive
        raise _reject(_("The XLSX workbook cannot be opened.")) from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _table(rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _table(rows: list[list[str]]) -> tuple[list[str], list[tuple[int, Row]]]:
    if not rows or not any(c.strip() for c in rows[0]):
        raise _reject(_("The file has no header row."), row=1)
    header = [c.strip().lower() for c in rows[0]]
    while header and not header[-1]:
        header.pop()
    seen: set[str] = set()
    for column in header:
        if not column:
            raise _reject(_("A column of the header has no name."), row=1)
        if column in seen:
            raise _reject(_("The column %(col)s appears twice.") % {"col": column}, 1, column)
        seen.add(column)
    out: list[tuple[int, Row]] = []
    errors: list[RowError] = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        extra = [v for v in values[len(header) :] if str(v).strip()]
        if extra:
            errors.append(
                RowError(
                    number,
                    "",
                    _("has %(got)d columns, the header has %(want)d")
                    % {"got": len(values), "want": len(header)},
                )
            )
            continue
        padded = list(values) + [""] * (len(header) - len(values))
        out.append((number, {h: str(v).strip() for h, v in zip(header, padded, strict=False)}))
    if errors:
        raise FileRejected(errors)
    return header, out


# --- feeds -----------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class FeedEntry:
    number: int
    external_id: str
    title: str
    text: str
    url: str
    published: str  # as written in the feed; parsed by parse_feed_date


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def read_feed(data: bytes) -> tuple[str, list[FeedEntry]]:
    """The feed's title and its entries, RSS 2.0 or Atom 1.0."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except ParseError as error:
        line, column = error.position
        raise _reject(
            _("The feed is not well-formed XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column}
        ) from None
    except DefusedXmlException:
        raise _reject(_("The feed declares entities or a DTD, which are refused.")) from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise _reject(_("The RSS feed has no channel."))
        entries = [
            FeedEntry(
                number=i,
                external_id=_text(item.find("guid")) or _text(item.find("link")),
                title=_text(item.find("title")),
                text=_text(item.find("description")),
                url=_text(item.find("link")),
                published=_text(item.find("pubDate")),
            )
            for i, item in enumerate(channel.iter("item"), start=1)
        ]
        return _text(channel.find("title")), entries
    if root.tag == f"{ATOM}feed":
        entries = []
        for i, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
            link = entry.find(f"{ATOM}link")
            content = entry.find(f"{ATOM}summary")
            if content is None:
                content = entry.find(f"{ATOM}content")
            entries.append(
                FeedEntry(
                    number=i,
                    external_id=_text(entry.find(f"{ATOM}id")),
                    title=_text(entry.find(f"{ATOM}title")),
                    text=_text(content),
                    url=link.get("href", "") if link is not None else "",
                    published=_text(entry.find(f"{ATOM}published"))
                    or _text(entry.find(f"{ATOM}updated")),
                )
            )
        return _text(root.find(f"{ATOM}title")), entries
    raise _reject(_("The XML is neither an RSS 2.0 nor an Atom feed."))


def parse_feed_date(value: str) -> dt.datetime:
    """RFC 822 (RSS) or ISO 8601 (Atom, CSV); a time without an offset is Almaty time."""
    value = value.strip()
    if not value:
        raise ValueError("empty")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Almaty"))
    return parsed


def rows_of(entries: list[FeedEntry]) -> Iterator[tuple[int, Row]]:
    for e in entries:
        yield (
            e.number,
            {
                "external_id": e.external_id,
                "title": e.title,
                "text": e.text,
                "url": e.url,
                "published_at": e.published,
            },
        )
