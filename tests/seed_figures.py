"""The seeds' published figures as test tables (issue 17, item 5).

Each app's fidelity test lists the figures it reproduces as `SeedFigure` rows — figure, seed file,
line, value — and recomputes each one from the demo's records with the code its pages use, so a
page can never disagree with a seed silently. `assert_cited` checks that the seed's line really
holds the value (where the seeds are on this machine: `../shared/seeds` beside the checkout, or
`SENIM_SEEDS`), so a row cannot cite a line that says something else. Where the seeds are not
on the machine (a CI machine has only the checkout) the citation is not checked but the figure
still is: a missing seed never skips the recomputation.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SEEDS = Path(
    os.environ.get("SENIM_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
# Thousands are written "1 541 850" (a space, a no-break or a narrow no-break space) in the seeds.
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))")


@dataclass(frozen=True)
class SeedFigure:
    """One published figure: what it is, where the seed says it, and its value."""

    name: str
    seed: str  # the file's number prefix, e.g. "004"
    line: int  # 1-based line of the seed file
    value: int | Decimal

    def __str__(self) -> str:
        return f"{self.name} ({self.seed}:{self.line})"


def _seed_file(prefix: str) -> Path | None:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    return found[0] if found else None


def seed_line(figure: SeedFigure) -> str | None:
    """The cited line (thousands joined), or None where the seeds are not on this machine."""
    path = _seed_file(figure.seed)
    if path is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    assert 1 <= figure.line <= len(lines), f"{figure}: the seed has {len(lines)} lines"
    return _THOUSANDS.sub("", lines[figure.line - 1])


def assert_cited(figure: SeedFigure) -> None:
    """The cited line of the seed holds the figure's value (decimal point or comma)."""
    text = seed_line(figure)
    if text is None:
        return
    value = str(figure.value)
    spellings = {value, value.replace(".", ",")}
    pattern = "|".join(re.escape(s) for s in spellings)
    assert re.search(rf"(?<![\d.,])(?:{pattern})(?![\d]|[.,]\d)", text), (
        f"{figure}: the line does not say {value}: {text[:200]!r}"
    )
