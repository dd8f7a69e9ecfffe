from senim.core.pdf import FAMILY, document


def test_documents_render_kazakh_and_russian_text():
    pdf = document(title="Есеп / Отчёт")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(text="Қазақстан Республикасы — Республика Казахстан")
    data = bytes(pdf.output())
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data  # the embedded font, not a core font without Cyrillic
