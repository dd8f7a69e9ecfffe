"""Read the text back out of a PDF made by fpdf2, with no PDF library.

fpdf2 embeds TrueType fonts as Type0 fonts with two-byte glyph codes and a ToUnicode map; this
follows those references and maps the codes back to Unicode, enough to find a word on a page.
"""

from __future__ import annotations

import re
import zlib

_STR = rb"\(((?:\\.|[^\\)])*)\)"
_STRING = re.compile(_STR, re.S)
_TOKEN = re.compile(
    rb"/(F\d+) [\d.]+ Tf|" + _STR + rb" Tj|\[((?:" + _STR + rb"|[^\]])*)\]\s*TJ", re.S
)
_OBJ = re.compile(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(stream\r?\n)?", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Objects by number; a stream is cut by its /Length, since compressed bytes may end in CR."""
    found = {}
    for match in _OBJ.finditer(pdf):
        header, body = match.group(2), None
        if match.group(3):
            length = int(re.search(rb"/Length (\d+)", header).group(1))  # type: ignore[union-attr]
            body = pdf[match.end() : match.end() + length]
            if b"/FlateDecode" in header:
                body = zlib.decompress(body)
        found[int(match.group(1))] = (header, body)
    return found


def _cmap(stream: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(int(dst, 16) + offset)
    return table


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\":
            digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if digits:
                out.append(int(digits.group(), 8))
                i += 1 + len(digits.group())
                continue
            nxt = raw[i + 1 : i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out += raw[i : i + 1]
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, in page order, one line per shown string or string array."""
    objects = _objects(pdf)
    pages = []
    for header, _body in objects.values():
        if not re.search(rb"/Type /Page\b(?!s)", header):
            continue
        contents = int(re.search(rb"/Contents (\d+) 0 R", header).group(1))  # type: ignore[union-attr]
        resources = int(re.search(rb"/Resources (\d+) 0 R", header).group(1))  # type: ignore[union-attr]
        fonts = {}
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", objects[resources][0]):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            assert to_unicode is not None
            fonts[name] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
        lines, font = [], {}
        for token in _TOKEN.finditer(objects[contents][1] or b""):
            if token.group(1):
                font = fonts[token.group(1)]
                continue
            # A plain line is one string (Tj); a justified one an array of strings (TJ).
            parts = (
                [token.group(2)] if token.group(2) is not None else _STRING.findall(token.group(3))
            )
            raw = b"".join(_unescape(part) for part in parts)
            codes = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
            lines.append("".join(font.get(code, "?") for code in codes))
        pages.append("\n".join(lines))
    return pages
