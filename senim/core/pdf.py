"""PDF documents in pure Python (fpdf2) with a font that has Kazakh and Russian letters.

DejaVu Sans is vendored under static/fonts (its licence beside it), so reports render the same
on any machine without system fonts. Use `document()` and write with the "senim" family.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
FAMILY = "senim"


def document(*, title: str = "", orientation: str = "portrait") -> FPDF:
    """An A4 document with the Senim font family registered and selected (regular and bold)."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_font(FAMILY, size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    if title:
        pdf.set_title(title)
    pdf.set_creator("Senim")
    return pdf
