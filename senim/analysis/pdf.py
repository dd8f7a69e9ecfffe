"""The CompStat brief as a printable PDF (fpdf2, pure Python; no system libraries).

Text is set in DejaVu Sans, vendored from Debian's fonts-dejavu-core (senim/static/fonts, with
its licence): it has every Kazakh Cyrillic letter (ә ғ қ ң ө ұ ү һ і), which the PDF core
fonts do not. fpdf2 embeds only the glyphs used, so a brief stays a few tens of kB.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from senim.analysis.compstat_brief import BriefRow, CompStatBrief, Versus
from senim.analysis.params import kind_label
from senim.core.pdf import FONTS as PDF_FONTS

FONTS = PDF_FONTS
NAVY = (11, 58, 91)
RISE = (164, 73, 29)
FALL = (31, 111, 111)


class _Brief(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.set_text_color(110, 118, 133)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, f"{self.footer_text} · {page}", align="R")


def _pct(versus: Versus) -> str:
    if versus.change_pct is None:
        return _("new") if versus.base == 0 and versus.alert >= 0 else "—"
    mark = {1: " ▲", -1: " ▼"}.get(versus.alert, "")
    return f"{versus.change_pct:+.0f}%{mark}"


def _colour(versus: Versus) -> tuple[int, int, int] | None:
    return {1: RISE, -1: FALL}.get(versus.alert)


def _table(pdf: FPDF, title: str, rows: tuple[BriefRow, ...], brief: CompStatBrief) -> None:
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", size=7.5)
    widths = (61, *([18, 18, 18] * len(brief.periods)))
    heading = FontFace(emphasis="BOLD", fill_color=(238, 243, 248))
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *(["RIGHT"] * (len(widths) - 1))),
        num_heading_rows=2,
        headings_style=heading,
        line_height=4.6,
        padding=(0.6, 1.2),
        width=sum(widths),
        align="LEFT",
    ) as table:
        top = table.row()
        top.cell("", rowspan=2)
        for label, period in brief.periods:
            span = f"{label}: {period.start:%d.%m.%Y}–{period.last_day:%d.%m.%Y}"
            top.cell(span, colspan=3, align="CENTER")
        sub = table.row()
        for _period in brief.periods:
            sub.cell(_("Now"))
            sub.cell(_("vs prior"))
            sub.cell(_("vs last year"))
        for row in rows:
            style = FontFace(emphasis="BOLD") if row.total else None
            line = table.row(style=style)
            line.cell(row.label)
            for cell in row.cells:
                line.cell(f"{cell.current:,}".replace(",", " "))
                for versus in (cell.prior, cell.last_year):
                    colour = _colour(versus)
                    line.cell(_pct(versus), style=FontFace(color=colour) if colour else None)
    pdf.ln(3)


def compstat_pdf(brief: CompStatBrief, *, demo: bool) -> bytes:
    pdf = _Brief(orientation="L", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    title = _("CompStat brief") + f" — {brief.area.name}"
    pdf.set_title(title)
    pdf.set_author("Senim")
    pdf.set_creator("Senim")
    pdf.footer_text = _("Senim — generated %(when)s") % {
        "when": timezone.localtime().strftime("%d.%m.%Y %H:%M")
    }
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.set_text_color(*NAVY)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", size=9)
    kinds = ", ".join(kind_label(k) for k in brief.kinds) or _("all offence kinds")
    pdf.multi_cell(
        0,
        5,
        _("Periods ending %(day)s (Almaty days, both ends included) · %(kinds)s")
        % {"day": f"{brief.reference:%d.%m.%Y}", "kinds": kinds},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if demo:
        pdf.set_fill_color(255, 244, 214)
        pdf.set_text_color(107, 75, 0)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(
            0, 7, _("Demo: all data in this report is synthetic"), fill=True,
            new_x="LMARGIN", new_y="NEXT", align="C",
        )  # fmt: skip
        pdf.set_text_color(0, 0, 0)
        pdf.set_fill_color(255, 255, 255)  # tables fill with the current colour
    pdf.ln(2)
    if brief.by_district:
        _table(pdf, _("By district"), (*brief.by_district, brief.total), brief)
    _table(pdf, _("By offence kind"), (*brief.by_kind, brief.total), brief)

    pdf.set_font("DejaVu", "B", 10)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 7, _("Significant changes"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", size=8.5)
    if not brief.alerts:
        pdf.multi_cell(0, 5, _("None: every change is within chance variation."))
    for alert in brief.alerts[:30]:
        change = "—" if alert.change_pct is None else f"{alert.change_pct:+.0f}%"
        pdf.multi_cell(
            0,
            4.8,
            f"{'▲' if alert.z > 0 else '▼'} {alert.row} · {alert.period} · {alert.against}: "
            f"{alert.current} / {alert.base} ({change}, z = {alert.z:+.1f})",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("DejaVu", size=7.5)
    pdf.set_text_color(74, 85, 99)
    pdf.multi_cell(0, 4, explanation(brief.z_alert), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def explanation(z_alert: float) -> str:
    return _(
        "Each period ends on the reference day and is compared with the equal period just "
        "before it and with the same dates a year earlier. ▲ / ▼ mark a change beyond chance: "
        "|z| ≥ %(z)s on Anscombe's variance-stabilised counts, which about one stable series "
        "in twenty reaches by chance. Changes are in registered offences: better registration "
        "raises them as well as more crime."
    ) % {"z": f"{z_alert:g}"}
