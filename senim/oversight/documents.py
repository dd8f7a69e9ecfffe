"""Printable documents: the record of an obstructed visit with the letter to the prosecutor (in
Kazakh or Russian), and the consolidated annual report as PDF and XLSX.

PDFs are made by fpdf2 in pure Python with DejaVu Sans (senim.core.pdf), which has every Kazakh
letter; every figure comes from senim.oversight.tables, so the PDF, the XLSX and the page agree.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from senim.core.pdf import FAMILY, document
from senim.oversight.models import Obstruction
from senim.oversight.tables import AnnualReport, Cell, Line, Matrix, report_title

LETTER_LANGUAGES = ("kk", "ru")  # the languages of official correspondence
NAVY = (11, 58, 91)
HEADING = FontFace(emphasis="BOLD", fill_color=(238, 243, 248))


def _title(pdf: FPDF, text: str, size: float = 13) -> None:
    pdf.set_font(FAMILY, "B", size)
    pdf.set_text_color(*NAVY)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, size=10)
    pdf.ln(2)


def _para(pdf: FPDF, text: str, *, bold: bool = False, height: float = 5.5) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", 10)
    # Left-aligned: justified short lines of a letter open wide gaps between words.
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FAMILY, size=10)


def _demo_note(pdf: FPDF, demo: bool) -> None:
    if demo:
        pdf.set_fill_color(255, 244, 214)
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(
            0,
            7,
            _("Demo: all data in this document is synthetic"),
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
            align="C",
        )
        pdf.set_fill_color(255, 255, 255)
        pdf.set_font(FAMILY, size=10)
        pdf.ln(2)


def obstruction_pdf(obstruction: Obstruction, *, language: str, demo: bool = False) -> bytes:
    """The written record of the obstruction, then the letter to the prosecutor, in one PDF."""
    if language not in LETTER_LANGUAGES:
        raise ValueError(language)
    visit = obstruction.visit
    facility = visit.institution.facility
    region = facility.region
    team = ", ".join(m.full_name for m in visit.team.order_by("full_name"))
    when = timezone.localtime(obstruction.occurred_at)
    with translation.override(language):
        number = f"{obstruction.pk}/{when:%Y}"
        facts = {
            "date": f"{when:%d.%m.%Y}",
            "time": f"{when:%H:%M}",
            "institution": facility.display_name,
            "region": region.name,
            "team": team,
            "official": obstruction.official,
            "kind": obstruction.get_kind_display(),
        }
        pdf = document(
            title=_("Record of obstruction of a preventive visit No. %(n)s") % {"n": number}
        )
        pdf.add_page()
        _demo_note(pdf, demo)
        _title(pdf, _("Record of obstruction of a preventive visit No. %(n)s") % {"n": number})
        _para(pdf, _("%(date)s, %(time)s (Almaty time) · %(region)s") % facts)
        pdf.ln(2)
        rows = [
            (_("Institution"), f"{facility.name} ({facility.kind.name})"),
            (_("NPM group"), region.name),
            (_("Participants"), team),
            (_("Date of the visit"), f"{visit.visited_on:%d.%m.%Y}"),
            (_("What happened"), facts["kind"]),
            (_("Official (position)"), obstruction.official),
        ]
        for label, value in rows:
            _para(pdf, f"{label}: {value}")
        pdf.ln(1)
        _para(pdf, _("Description"), bold=True)
        _para(pdf, obstruction.description)
        pdf.ln(2)
        _para(
            pdf,
            _(
                "This record is drawn up by the participants of the National Preventive Mechanism. "
                "Obstructing their lawful activity entails liability under Article 507 of the Code "
                "of the Republic of Kazakhstan on Administrative Offences."
            ),
        )
        pdf.ln(8)
        _para(pdf, _("Signatures of the participants:"))
        for member in visit.team.order_by("full_name"):
            _para(pdf, f"{member.full_name}  ____________________", height=9)

        pdf.add_page()
        _demo_note(pdf, demo)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(
            0,
            6,
            _("To the prosecutor of %(region)s") % facts,
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(6)
        _title(
            pdf,
            _("On the obstruction of a preventive visit of the National Preventive Mechanism"),
            12,
        )
        _para(
            pdf,
            _(
                "On %(date)s at %(time)s, participants of the National Preventive Mechanism "
                "(%(team)s) were obstructed in a preventive visit to %(institution)s, "
                "%(region)s: %(kind)s; the official concerned: %(official)s."
            )
            % facts,
        )
        pdf.ln(2)
        _para(
            pdf,
            _(
                "Obstructing the lawful activity of participants of the National Preventive "
                "Mechanism is an administrative offence under Article 507 of the Code of the "
                "Republic of Kazakhstan on Administrative Offences. We ask you to examine the "
                "enclosed record, to decide on bringing the officials responsible to liability, "
                "and to inform us of the result."
            ),
        )
        pdf.ln(2)
        _para(pdf, _("Enclosure: record No. %(n)s.") % {"n": number})
        pdf.ln(10)
        _para(pdf, _("Head of the NPM group, %(region)s") % facts)
        _para(pdf, f"____________________   {timezone.localdate():%d.%m.%Y}")
        return bytes(pdf.output())


def _num(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _pct(cell: Cell) -> str:
    return "—" if cell.percent is None else f"{cell.percent:.0f}%"


def _keep_together(pdf: FPDF, rows: int, row_mm: float = 5.2) -> None:
    """Start a new page rather than split a short table from its heading or its total."""
    if pdf.get_y() + (rows + 2) * row_mm > pdf.h - pdf.b_margin:
        pdf.add_page()


def _lines_table(pdf: FPDF, heading: str, lines: list[Line], total: int | None = None) -> None:
    _keep_together(pdf, len(lines) + 2)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=8.5)
    with pdf.table(
        col_widths=(150, 30),
        text_align=("LEFT", "RIGHT"),
        width=180,
        align="LEFT",
        headings_style=HEADING,
        line_height=5,
    ) as table:
        head = table.row()
        head.cell("")
        head.cell(_("Number"))
        for line in lines:
            row = table.row()
            row.cell(line.label + (" *" if line.note else ""))
            row.cell(_num(line.count))
        if total is not None:
            row = table.row(style=FontFace(emphasis="BOLD"))
            row.cell(_("Total"))
            row.cell(_num(total))
    pdf.ln(3)


def _matrix_table(pdf: FPDF, matrix: Matrix) -> None:
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(
        0,
        6,
        _("Recommendations sent / implemented by region and agency (Table 3)"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, size=7.5)
    widths = (52, *([25] * len(matrix.agencies)), 30)
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *["RIGHT"] * (len(widths) - 1)),
        width=sum(widths),
        align="LEFT",
        headings_style=HEADING,
        line_height=4.5,
    ) as table:
        head = table.row()
        head.cell(_("Region"))
        for _code, short, _label in matrix.agencies:
            head.cell(short)
        head.cell(_("By region"))
        for row in matrix.rows:
            line = table.row()
            line.cell(row.region.name)
            for cell in row.cells:
                line.cell(f"{cell.sent} / {cell.implemented}" if cell.sent else "—")
            line.cell(f"{row.total.sent} / {row.total.implemented} ({_pct(row.total)})")
        line = table.row(style=FontFace(emphasis="BOLD"))
        line.cell(_("By agency"))
        for cell in matrix.totals:
            line.cell(f"{cell.sent} / {cell.implemented}")
        line.cell(f"{matrix.total.sent} / {matrix.total.implemented} ({_pct(matrix.total)})")
    pdf.ln(3)


def report_pdf(report: AnnualReport, *, scope_label: str, demo: bool = False) -> bytes:
    pdf = document(title=report_title(report), orientation="landscape")
    pdf.add_page()
    _demo_note(pdf, demo)
    _title(pdf, report_title(report), 14)
    _para(
        pdf,
        _("%(scope)s · computed on %(day)s from the records of the NPM information system")
        % {"scope": scope_label, "day": f"{report.made_on:%d.%m.%Y}"},
    )
    pdf.ln(2)
    for label, value in _summary(report):
        _para(pdf, f"{label}: {value}")
    pdf.ln(2)
    _lines_table(
        pdf, _("Mandated institutions by agency"), report.institutions, report.institutions_total
    )
    _lines_table(pdf, _("Visits by agency"), report.visits_by_agency, report.visits_total)
    _lines_table(
        pdf, _("Visits by kind of institution"), report.visits_by_category, report.visits_total
    )
    pdf.set_font(FAMILY, size=7.5)
    pdf.multi_cell(
        0,
        4,
        _("* not itemised in the Ombudsman's list of visits by kind"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.add_page()
    _matrix_table(pdf, report.matrix)
    _lines_table(
        pdf,
        _("Recommendations by status"),
        report.recommendations_by_status,
        report.matrix.total.sent,
    )
    _lines_table(pdf, _("Violations found, by checklist item"), report.violations)
    return bytes(pdf.output())


def _summary(report: AnnualReport) -> list[tuple[str, str]]:
    cov = report.coverage
    return [
        (_("Visits"), _num(report.visits_total)),
        (_("of them unannounced"), _num(report.unannounced)),
        (_("Private interviews"), _num(report.interviews)),
        (_("Findings with signs of ill-treatment"), _num(report.ill_treatment_findings)),
        (_("Recommendations sent"), _num(report.matrix.total.sent)),
        (
            _("Recommendations implemented"),
            f"{_num(report.matrix.total.implemented)} ({_pct(report.matrix.total)})",
        ),
        (_("Overdue recommendations"), _num(report.overdue)),
        (_("Proposals of the Ombudsman"), _num(report.proposals)),
        (_("Obstructed visits"), _num(report.obstructions)),
        (
            _("Institutions never visited / not visited for four years"),
            _("%(never)s / %(overdue)s (of %(total)s)")
            % {
                "never": _num(cov["never"]),
                "overdue": _num(cov["overdue"]),
                "total": _num(cov["total"]),
            },
        ),
    ]


def report_xlsx(report: AnnualReport, *, scope_label: str) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    summary.append([report_title(report)])
    summary.append([scope_label, f"{report.made_on:%Y-%m-%d}"])
    for label, value in _summary(report):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 30

    def lines_sheet(title: str, lines: list[Line]) -> None:
        sheet = book.create_sheet(title[:31])
        sheet.append(["", _("Number")])
        for line in lines:
            sheet.append([line.label + (" *" if line.note else ""), line.count])
        sheet.append([_("Total"), sum(line.count for line in lines)])
        sheet.column_dimensions["A"].width = 60
        for cell in sheet[1] + sheet[sheet.max_row]:
            cell.font = Font(bold=True)

    lines_sheet(_("Institutions"), report.institutions)
    lines_sheet(_("Visits by agency"), report.visits_by_agency)
    lines_sheet(_("Visits by kind"), report.visits_by_category)

    sheet = book.create_sheet(_("Table 3")[:31])
    head = [_("Region")]
    for _code, short, _label in report.matrix.agencies:
        head += [f"{short}: {_('sent')}", f"{short}: {_('implemented')}"]
    sheet.append([*head, _("sent"), _("implemented"), "%"])
    for row in report.matrix.rows:
        values: list[object] = [row.region.name]
        for cell in row.cells:
            values += [cell.sent, cell.implemented]
        pct = row.total.percent
        sheet.append(
            [*values, row.total.sent, row.total.implemented, None if pct is None else round(pct, 1)]
        )
    totals: list[object] = [_("By agency")]
    for cell in report.matrix.totals:
        totals += [cell.sent, cell.implemented]
    pct = report.matrix.total.percent
    sheet.append(
        [
            *totals,
            report.matrix.total.sent,
            report.matrix.total.implemented,
            None if pct is None else round(pct, 1),
        ]
    )
    for cell in sheet[1] + sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.freeze_panes = "B2"
    lines_sheet(_("Recommendations by status"), report.recommendations_by_status)
    lines_sheet(_("Violations"), report.violations)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
