"""The calibration reads seed 003's table when present and says which figures are assumed."""

from __future__ import annotations

from pathlib import Path

import pytest

from senim.demo.calibration import (
    ASSUMED_CRIMINAL_2025,
    ASSUMED_FALL_2025,
    calibration,
    read_national,
)

YEARS = [2022, 2023, 2024, 2025]


def test_without_the_table_every_volume_is_an_assumption_and_2024_adds_the_seeds_fall(
    tmp_path: Path,
) -> None:
    cal = calibration(YEARS, path=tmp_path / "absent.csv")
    last, before = cal.years[2025], cal.years[2024]
    assert last.crimes + last.misdemeanours == ASSUMED_CRIMINAL_2025
    assert before.crimes + before.misdemeanours == pytest.approx(
        ASSUMED_CRIMINAL_2025 + ASSUMED_FALL_2025, abs=2
    )
    assert cal.years[2022].crimes > cal.years[2023].crimes > before.crimes
    assert set(cal.sources.values()) >= {"assumed"}


def test_figures_in_the_table_replace_the_assumptions_and_keep_their_citation(
    tmp_path: Path,
) -> None:
    table = tmp_path / "national_2025.csv"
    table.write_text(
        "indicator,value,unit,quote\n"
        'registered_crimes,"118,000",cases,«…»\n'
        "criminal_misdemeanours,25000,cases,«…»\n"
        "crimes_solved_from_previous_years,2700,cases,«2,7 мыңнан астам қылмыс ашылды»\n"
        "drunk_drivers_detained,23000,people,«23 мыңнан астам жүргізуші»\n"
        "solving_rate_especially_grave,98,%,«98%-ға дейін»\n",
        encoding="utf-8",
    )
    found = read_national(table)
    assert found["crimes"][0] == 118_000 and found["misdemeanours"][0] == 25_000
    assert found["drunk_drivers"] == (23_000, "«23 мыңнан астам жүргізуші»")
    cal = calibration(YEARS, path=table)
    assert (cal.years[2025].crimes, cal.years[2025].misdemeanours) == (118_000, 25_000)
    assert cal.sources["crimes"].startswith("seed 003")
    assert cal.sources["administrative"] == "assumed"
