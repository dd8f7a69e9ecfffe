"""CSV and XLSX exports of an indicator table: the page's columns, rows and rounding, nothing more.

`cells()` is the one definition of a table row as text-free values; the page template shows the
same columns with the same rounding (tests/register/test_indicators_export.py round-trips both).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from senim.register.indicators import IndicatorTable, Row, kind_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(value: float | None) -> float | None:
    # One decimal, like the page: a rate of 12.345 per 100 000 is not known to three places.
    return None if value is None else round(value, 1)


def headings() -> list[str]:
    return [
        _("Territory"),
        _("Code"),
        _("Population"),
        _("Placeholder population"),
        _("Offences"),
        _("Rate per 100 000"),
        _("Same period last year"),
        _("Change vs last year"),
        _("Change vs last year, %"),
        _("3-year average"),
        _("Change vs 3-year average"),
        _("Change vs 3-year average, %"),
    ]


def cells(row: Row) -> list[Any]:
    d = row.dynamics
    return [
        row.place.name,
        row.place.code,
        row.population,
        "*" if row.population_is_placeholder else "",
        d.volume,
        _round(row.rate),
        d.previous_year,
        int(d.vs_previous_year.absolute),
        _round(d.vs_previous_year.percent),
        _round(d.average_3y),
        _round(d.vs_average_3y.absolute),
        _round(d.vs_average_3y.percent),
    ]


def filename(table: IndicatorTable, extension: str) -> str:
    place = table.district or table.region or table.country
    last = table.period.last_day
    return f"senim-indicators-{place.code}-{table.period.start:%Y%m%d}-{last:%Y%m%d}.{extension}"


def _disposition(name: str) -> str:
    return f'attachment; filename="{name}"'


def csv_response(table: IndicatorTable) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings())
    for row in table.displayed_rows:
        writer.writerow(["" if v is None else v for v in cells(row)])
    # The byte-order mark makes spreadsheet programs read the Cyrillic names as UTF-8.
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(filename(table, "csv"))
    return response


def _about(table: IndicatorTable) -> list[tuple[str, str]]:
    place = table.district or table.region or table.country
    return [
        (_("Territory"), f"{place.name} ({place.code})"),
        (_("Period"), f"{table.period.start:%Y-%m-%d} … {table.period.last_day:%Y-%m-%d}"),
        (_("Offence kinds"), ", ".join(kind_label(k) for k in table.kinds) or _("all")),
        (_("Population year"), str(table.population_year)),
        (_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("*", _("Placeholder population: an approximate figure; rates are indicative.")),
    ]


def xlsx_response(table: IndicatorTable) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Indicators")[:31]
    sheet.append(headings())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.displayed_rows:
        sheet.append(cells(row))
    if table.show_total:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 34
    for index in range(2, len(headings()) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    about = book.create_sheet(_("About")[:31])
    for pair in _about(table):
        about.append(list(pair))
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _disposition(filename(table, "xlsx"))
    return response
