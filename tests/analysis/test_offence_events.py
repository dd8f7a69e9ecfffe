"""The register hands the analytics centre its offences as arrays: scoped, local time, no people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from senim.core.models import User
from senim.register.services import offence_events
from tests.analysis.conftest import LayOffences, local
from tests.register.conftest import Territory

pytestmark = pytest.mark.django_db


def test_arrays_are_in_time_order_with_almaty_wall_clock_across_the_2024_offset_change(
    territory: Territory, users: dict[str, User], lay_offences: LayOffences
) -> None:
    t = territory
    lay_offences(
        [
            # 1 February 2024 was still UTC+6: 18:00 UTC is 00:00 on the 2nd in Almaty.
            (43.25, 76.92, dt.datetime(2024, 2, 1, 18, 0, tzinfo=dt.UTC), {}),
            (43.26, 76.93, local(2025, 3, 7, 21, 30), {"kind": "administrative",
                                                        "article": t.admin_article}),
            (None, None, local(2025, 3, 1, 9, 0), {"district": t.district_a2}),
        ]
    )  # fmt: skip
    events = offence_events(
        user=users["national_analyst"], date_from=dt.date(2024, 1, 1), date_to=dt.date(2026, 1, 1)
    )
    assert len(events) == 3
    assert list(events.t_local.astype(str)) == [
        "2024-02-02T00:00:00",
        "2025-03-01T09:00:00",
        "2025-03-07T21:30:00",
    ]
    assert list(events.kind) == ["crime", "crime", "administrative"]
    assert list(events.article) == ["UK-T1", "UK-T1", "KoAP-T1"]
    assert np.isnan(events.lat[1]) and events.place_key[1] == -1
    assert list(events.district_id) == [t.district_a.pk, t.district_a2.pk, t.district_a.pk]
    # No field of the answer identifies or describes a person.
    assert not {"person", "iin", "victim", "offender", "name"} & set(events.__dataclass_fields__)


def test_scope_limits_the_arrays_whatever_the_arguments(
    territory: Territory, users: dict[str, User], lay_offences: LayOffences
) -> None:
    t = territory
    when = local(2025, 5, 1, 12)
    lay_offences(
        [
            (43.25, 76.92, when, {}),
            (43.30, 76.80, when, {"district": t.district_a2}),
            (51.13, 71.43, when, {"region": t.region_b, "district": t.district_b}),
        ]
    )
    span: dict[str, Any] = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2026, 1, 1)}
    assert len(offence_events(user=users["regional_analyst_a"], **span)) == 2
    assert len(offence_events(user=users["duty_officer_a"], region_id=t.region_a.pk, **span)) == 1
    outside = offence_events(user=users["regional_analyst_a"], region_id=t.region_b.pk, **span)
    assert len(outside) == 0
    assert (
        len(offence_events(user=users["national_analyst"], kinds=["administrative"], **span)) == 0
    )


def test_the_same_point_gets_the_same_place_key(
    territory: Territory, users: dict[str, User], lay_offences: LayOffences
) -> None:
    when = local(2025, 5, 1, 12)
    lay_offences([(43.25001, 76.92001, when, {}), (43.25002, 76.92, when, {}),
                  (43.2510, 76.9200, when, {})])  # fmt: skip
    keys = offence_events(
        user=users["national_analyst"], date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 2)
    ).place_key
    assert keys[0] == keys[1] != keys[2]
