"""The district accountability report as a PDF (fpdf2 with the vendored DejaVu Sans).

Written in the active language; the caller wraps it in translation.override. Every figure is
the DistrictReport the HTML page shows, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from senim.core.pdf import FAMILY, document
from senim.portal.reports import SMALL, DistrictReport, SectorLine
from senim.register import public

NAVY = (11, 58, 91)
HEADING = FontFace(emphasis="BOLD", fill_color=(238, 243, 248))


def report_title(report: DistrictReport) -> str:
    return _("Accountability report: %(district)s, %(month)s") % {
        "district": report.district.name,
        "month": date_format(report.month, "F Y"),
    }


def decimal(value: float) -> str:
    """One decimal in the page's language: a decimal comma in Kazakh and Russian."""
    return number_format(value, 1, use_l10n=True)


def sector_count(line: SectorLine) -> str:
    return _("fewer than 3") if 0 < line.offences < SMALL else str(line.offences)


def _text(
    pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, fill: bool = False
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT", fill=fill)


def _table(
    pdf: FPDF, heading: str, head: list[str], rows: list[list[str]], widths: Sequence[int]
) -> None:
    """A table 180 mm wide in columns of `widths` (mm): wide enough that a Kazakh label or an
    inspector's rank and post takes a line or two, never a word broken across lines."""
    if pdf.get_y() + (len(rows) + 3) * 5.5 > pdf.h - pdf.b_margin:
        pdf.add_page()  # keep a short table with its heading
    pdf.ln(2)
    pdf.set_text_color(*NAVY)
    _text(pdf, heading, size=11, bold=True)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, size=9)
    with pdf.table(
        col_widths=tuple(widths),
        text_align=("LEFT", *(["RIGHT"] * (len(head) - 1))),
        width=180,
        align="LEFT",
        headings_style=HEADING,
        line_height=5,
    ) as table:
        table.row(head)
        for row in rows:
            table.row(row)


def report_pdf(report: DistrictReport, priorities: Sequence[Any] = ()) -> bytes:
    """The report; `priorities` are the residents' priorities answered in the month (the
    prevention app's published answers, as on the HTML page)."""
    title = report_title(report)
    names = public.labels()
    no_data = _("no data")
    pdf = document(title=title)
    pdf.add_page()
    if report.synthetic:
        pdf.set_fill_color(255, 244, 214)
        _text(pdf, _("Demo: all data in this document is synthetic"), size=9, bold=True, fill=True)
        pdf.ln(2)
    pdf.set_text_color(*NAVY)
    _text(pdf, title, size=14, bold=True)
    pdf.set_text_color(0, 0, 0)
    _text(pdf, f"{report.district.region.name} · {report.district.name} ({report.district.code})")
    kinds = [
        [names["kind"].get(k.kind, k.kind), str(k.current), str(k.previous), str(k.last_year)]
        for k in report.kinds
    ]
    t = report.total
    _table(
        pdf,
        _("Offences registered"),
        [_("Kind"), _("This month"), _("Month before"), _("A year earlier")],
        [*kinds, [_("Total"), str(t.current), str(t.previous), str(t.last_year)]],
        (81, 33, 33, 33),
    )
    solved = report.solved
    response = report.response
    _table(
        pdf,
        _("Results"),
        ["", ""],
        [
            [
                _("Share of criminal offences solved"),
                f"{decimal(solved.share)} % ({solved.solved}/{solved.registered})"
                if solved
                else no_data,
            ],
            [
                _("102: median time to arrival, min"),
                decimal(response.median_min) if response else no_data,
            ],
            [_("102: 90th percentile, min"), decimal(response.p90_min) if response else no_data],
            [_("Complaints about the police (appeals)"), str(report.complaints_about_police)],
        ],
        (130, 50),
    )
    _table(
        pdf,
        _("Appeals by channel"),
        [_("Channel"), _("Appeals")],
        [[names["channel"].get(c, c), str(n)] for c, n in report.channels]
        + [[_("Total"), str(report.appeals)]],
        (140, 40),
    )
    if report.sectors:
        _table(
            pdf,
            _("District inspectors' sectors"),
            [_("Sector"), _("Inspector"), _("Offences")],
            [
                [f"№{s.number} ({s.code})", s.inspector or _("vacant"), sector_count(s)]
                for s in report.sectors
            ],
            (48, 102, 30),
        )
    pdf.ln(2)
    pdf.set_text_color(*NAVY)
    _text(pdf, _("Residents' priorities and what the police did"), size=11, bold=True)
    pdf.set_text_color(0, 0, 0)
    if not priorities:
        _text(pdf, _("No answers to residents' priorities were published for this month."), size=9)
    for p in priorities:
        raised = date_format(p.meeting.held_on, "Y-m-d")
        _text(
            pdf,
            f"{p.concern} ({_('sector')} №{p.meeting.sector.number}, {raised})",
            size=9,
            bold=True,
        )
        _text(pdf, f"{p.answer} ({date_format(p.answered_on, 'Y-m-d')})", size=9)
    pdf.ln(3)
    _text(
        pdf,
        _(
            "Counts are of registered records (Almaty time). The methodology of each figure is on the portal's methodology page."
        ),
        size=8,
    )
    return bytes(pdf.output())
