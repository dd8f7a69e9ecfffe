"""Synthetic working time of the demo's inspectors (every user with a sector): the last three
months' working days, about nine hours each, split over the activities in assumed proportions
(no seed gives them; docs/prevention.md says so, and the page says the demo is synthetic)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from senim.core.models import User
from senim.prevention.models import Activity, TimeEntry

# Assumed shares of an inspector's day, before the service model's savings.
SHARES = {
    Activity.ADMIN_CASES: 0.24,
    Activity.PREVENTIVE_REGISTER: 0.14,
    Activity.APPEALS: 0.20,
    Activity.RESIDENTS: 0.14,
    Activity.PATROL: 0.12,
    Activity.SCHOOLS: 0.05,
    Activity.PAPERWORK: 0.08,
    Activity.TRAINING: 0.03,
}


def build(seed: int, today: dt.date) -> int:
    rng = np.random.default_rng(seed + 4041)
    inspectors = list(
        User.objects.filter(sector__isnull=False).select_related("sector__district").order_by("pk")
    )
    activities = list(SHARES)
    weights = np.array([SHARES[a] for a in activities])
    rows = []
    start = today - dt.timedelta(days=90)
    for user in inspectors:
        sector = user.sector
        assert sector is not None
        day = start
        while day < today:
            if day.weekday() < 5:
                total = int(rng.normal(9 * 60, 45))
                split = rng.dirichlet(weights * 40) * total
                for activity, minutes in zip(activities, split, strict=True):
                    if minutes >= 10:
                        rows.append(
                            TimeEntry(
                                inspector=user,
                                region_id=sector.district.region_id,
                                district_id=sector.district_id,
                                sector=sector,
                                day=day,
                                activity=activity,
                                minutes=int(round(minutes / 5) * 5),
                                is_demo=True,
                            )
                        )
            day += dt.timedelta(days=1)
    TimeEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def delete() -> None:
    TimeEntry.objects.filter(is_demo=True).delete()
