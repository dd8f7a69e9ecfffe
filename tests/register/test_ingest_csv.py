"""Arrow reads plain CSV blocks; whatever it reads must be what the csv module reads.

Each file is read both ways, with tiny blocks so that block edges, and the hand-over to the
csv module in the middle of a file, fall everywhere.
"""

from __future__ import annotations

import io

import pytest

from senim.register.ingest import readers

HEADER = "source_system,external_id,lat\n"
FILES = {
    "plain": HEADER + "".join(f"erdr,E-{i},43.{i}\n" for i in range(40)),
    "no final newline": HEADER + "erdr,E-1,43.1\nerdr,E-2,43.2",
    "windows lines and a BOM": "\ufeff"
    + (HEADER + "erdr,E-1,43.1\nerdr,E-2,\n").replace("\n", "\r\n"),
    "quotes later": HEADER
    + "".join(f"erdr,E-{i},1\n" for i in range(30))
    + 'erdr,"E,31",2\nerdr,"multi\nline",3\nerdr,E-33,4\n',
    "blank and ragged lines": HEADER + "erdr,E-1,1\n\nerdr,E-2\nerdr,E-3,3,extra\n" * 5,
    "spaces kept": HEADER + " erdr , E-1 ,43.1 \n",
    "a lone carriage return": HEADER + "erdr,E-1,1\rerdr,E-2,2\n",
    "a NUL byte": HEADER + "erdr,E-1,1\nerdr,E\x00-2,2\n",
    "header only": HEADER,
    "one column": "source_system\nerdr\n\nkoap\n",
    "quoted header": '"source_system",external_id,lat\nerdr,E-1,1\n',
    "cyrillic": HEADER + "".join(f"ердр,Е-{i},43.{i}\n" for i in range(20)),
}


def _read(reader: object, data: bytes, size: int) -> tuple[list[object], str]:
    out: list[object] = []
    try:
        for batch in reader(io.BytesIO(data), size):  # type: ignore[operator]
            rows = batch.rows(range(len(batch)))
            out.append((batch.numbers, rows, batch.errors))
    except readers.UnreadableFile as error:
        return out, str(error)
    return out, ""


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("block", [16, 64, 1 << 22])
@pytest.mark.parametrize("size", [1, 7, 1000])
def test_arrow_blocks_read_as_the_csv_module_reads(
    name: str, block: int, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_BLOCK", block)
    data = FILES[name].encode()
    assert _read(readers._csv_batches, data, size) == _read(readers._python_csv, data, size)


@pytest.mark.parametrize("block", [16, 1 << 22])
def test_bytes_that_are_not_utf8_stop_the_file_where_the_csv_module_stops_it(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_BLOCK", block)
    data = (HEADER + "erdr,E-1,1\n").encode() * 1 + b"erdr,\xff\xfe,2\n"
    got, error = _read(readers._csv_batches, data, 1000)
    assert "not UTF-8" in error
    assert (got, error) == _read(readers._python_csv, data, 1000)
