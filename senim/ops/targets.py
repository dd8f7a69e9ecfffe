"""Response targets: which minutes apply to a call, and when its clock warns and breaches.

The shipped Centre targets (senim/ops/data/targets.csv) are **assumptions**, not a legal norm:
no seed gives response-time standards. The reference page says so, and an administrator sets
the force's own, for the Centre, an oblast or a district (the most local row wins).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from senim.core.errors import Invalid
from senim.core.models import District, DistrictKind
from senim.core.reference import read_csv, seed_missing

TARGETS_CSV = Path(__file__).resolve().parent / "data" / "targets.csv"


def area_of(district: District | None) -> str:
    """Urban for city districts and towns, rural otherwise (and where the district is unknown)."""
    if district is not None and district.kind in {DistrictKind.CITY_DISTRICT, DistrictKind.TOWN}:
        return "urban"
    return "rural"


def warn_share() -> float:
    """The share of a target at which the queue warns (SENIM_QUEUE_WARN_SHARE, default 0.75)."""
    return float(getattr(settings, "SENIM_QUEUE_WARN_SHARE", 0.75))


@dataclass(frozen=True)
class Target:
    minutes: int
    level: str  # "district" | "region" | "national": whose row applied

    def due(self, received_at: dt.datetime) -> dt.datetime:
        return received_at + dt.timedelta(minutes=self.minutes)


def target_for(*, grade_id: int, district: District | None, region_id: int | None) -> Target:
    """The most local target for a grade in a district (district → oblast → Centre)."""
    from senim.ops.models import ResponseTarget

    area = area_of(district)
    rows = {
        (r.district_id, r.region_id): r.minutes
        for r in ResponseTarget.objects.filter(grade_id=grade_id, area=area)
    }
    if district is not None and (district.pk, None) in rows:
        return Target(rows[(district.pk, None)], "district")
    if region_id is not None and (None, region_id) in rows:
        return Target(rows[(None, region_id)], "region")
    if (None, None) in rows:
        return Target(rows[(None, None)], "national")
    raise Invalid("grade", _("No response target is set for this grade; ask the administrator."))


def seed_targets() -> None:
    """The Centre's default targets where none is stored (an administrator's edits stay)."""
    from senim.ops.models import ResponseTarget
    from senim.register.models import Grade

    grades = {g.code: g for g in Grade.objects.all()}
    seed_missing(
        ResponseTarget,
        (
            {
                "grade": grades[r["grade"]],
                "area": r["area"],
                "region": None,
                "district": None,
                "minutes": int(r["minutes"]),
                "updated_by": "",  # shown as "shipped (assumed)"
            }
            for r in read_csv(TARGETS_CSV)
            if r["grade"] in grades
        ),
        key=("grade", "area", "region", "district"),
    )


def seed_after_migrate(**kwargs: object) -> None:
    seed_targets()
