"""Where the pre-built open-data files live, what they are called, and reading them back.

`senim open_data` writes them; pages and the API only read. The directory is
settings.SENIM_OPEN_DATA_DIR (environment variable SENIM_OPEN_DATA_DIR, default var/open-data).
A file name is made only from a known dataset, a region code and a year, so a request can never
name a path outside the directory.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings

DATASETS = ("offences", "appeals")
FORMATS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "geojson": ("geojson", "application/geo+json"),
    "json": ("meta.json", "application/json"),  # the dataset's metadata (datasheet)
}
CATALOGUE = "catalogue.json"
KPIS = "kpis.json"
LICENCE = "CC-BY-4.0"
FILE_NAME = re.compile(
    r"^(?P<dataset>offences|appeals)-(?P<region>KZ-[0-9A-Z]{2,4})-(?P<year>\d{4})"
    r"\.(?P<ext>csv|geojson|meta\.json)$"
)


class NotBuilt(LookupError):
    """The open-data files have not been built yet (run `senim open_data`)."""


def directory() -> Path:
    return Path(settings.SENIM_OPEN_DATA_DIR)


def file_name(dataset: str, region: str, year: int, fmt: str) -> str:
    return f"{dataset}-{region}-{year}.{FORMATS[fmt][0]}"


def parse_name(name: str) -> tuple[str, str, int, str] | None:
    """(dataset, region, year, format) of a dataset file name, None for anything else."""
    match = FILE_NAME.match(name)
    if match is None:
        return None
    fmt = next(key for key, (ext, _) in FORMATS.items() if ext == match["ext"])
    return match["dataset"], match["region"], int(match["year"]), fmt


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a reader sees the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_json(name: str) -> dict[str, Any] | None:
    path = directory() / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return data if isinstance(data, dict) else None


def catalogue() -> dict[str, Any]:
    data = read_json(CATALOGUE)
    if data is None:
        raise NotBuilt(CATALOGUE)
    return data


def kpis() -> dict[str, Any]:
    data = read_json(KPIS)
    if data is None:
        raise NotBuilt(KPIS)
    return data


def dataset_file(dataset: str, region: str, year: int, fmt: str) -> Path | None:
    """The file of a published dataset, None when there is no such dataset."""
    if dataset not in DATASETS or fmt not in FORMATS:
        return None
    path = directory() / file_name(dataset, region, year, fmt)
    return path if path.is_file() else None
