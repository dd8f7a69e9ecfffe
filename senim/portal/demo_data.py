"""The portal's part of `senim demo`: publish the demo's open data and KPIs, so the portal has
something to show right after the build. Runs last (the portal is last in INSTALLED_APPS), when
every other app's demo rows exist; the files say the data is synthetic."""

from __future__ import annotations

from senim.portal import open_data


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    summary = open_data.build()
    return {"open_datasets": summary.datasets, "open_data_rows": summary.rows}


def delete() -> None:
    open_data.clear()
