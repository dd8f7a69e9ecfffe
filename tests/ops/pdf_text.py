"""Read the text back out of a PDF made by fpdf2, with no PDF library: enough to check a report.

fpdf2 embeds TrueType fonts as Type0 fonts with two-byte glyph codes and a ToUnicode map per
font; pages show text with `(…) Tj` after `/Fn size Tf`. This follows those references and
maps the codes back to Unicode, so a test can ask whether a Kazakh or Russian word is there.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(?:stream\r?\n(.*?)\r?\nendstream)?", re.S)
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found = {}
    for match in _OBJ.finditer(pdf):
        body = match.group(3)
        if body is not None and b"/FlateDecode" in match.group(2):
            body = zlib.decompress(body)
        found[int(match.group(1))] = (match.group(2), body)
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
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + offset)
    return table


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c == b"\\":
            nxt = raw[i + 1 : i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8))
                i += 1 + len(digits.group())
                continue
            out += _ESC.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, one string per page, lines joined by newlines."""
    objects = _objects(pdf)
    pages = []
    for header, _body in objects.values():
        if b"/Type /Page\n" not in header and not header.rstrip().endswith(b"/Type /Page"):
            continue
        contents = int(re.search(rb"/Contents (\d+) 0 R", header).group(1))  # type: ignore[union-attr]
        resources = int(re.search(rb"/Resources (\d+) 0 R", header).group(1))  # type: ignore[union-attr]
        fonts = {}
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", objects[resources][0]):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            assert to_unicode is not None
            fonts[name] = _cmap(objects[int(to_unicode.group(1))][1] or b"")
        stream = objects[contents][1] or b""
        lines, font = [], {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            if token.group(1):
                font = fonts[token.group(1)]
                continue
            raw = _unescape(token.group(2))
            codes = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
            lines.append("".join(font.get(code, "?") for code in codes))
        pages.append("\n".join(lines))
    return pages
