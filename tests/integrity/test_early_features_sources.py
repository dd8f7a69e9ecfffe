"""Early-intervention features from the other registers (issue 14, item 4): custody records
naming the officer as the detaining officer (all, with force, with injuries), ill-treatment
complaints naming the officer in the safeguards register, negative media items naming the
officer's unit. Each counts in the windows before the as-of date and never from the day itself
or after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from senim.core.models import Facility, FacilityKind, Person
from senim.integrity import features
from senim.integrity.models import OfficerFile
from senim.safeguards.models import Complaint, CustodyRecord
from senim.trust.models import MediaItem

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _custody(staff: Any, officer: OfficerFile, day: dt.date, n: int, **flags: Any) -> None:
    facility = Facility.objects.create(
        name=f"IVS {n}", kind=FacilityKind.objects.get(code="ivs"), region=staff.almaty
    )
    CustodyRecord.objects.create(
        source_system="t",
        external_id=str(n),
        person=Person.objects.create(),
        is_minor=False,
        facility=facility,
        region=staff.almaty,
        detained_at=_at(day),
        recorded_at=_at(day, 13),
        officer=officer.officer,
        **flags,
    )


def _value(events: features.Events, as_of: dt.date, officer: int, name: str) -> float:
    return float(features.matrix(events, as_of)[officer, features.NAMES.index(name)])


def test_custody_complaints_and_media_count_in_their_windows_and_never_ahead(staff: Any) -> None:
    day = dt.date(2025, 6, 10)
    a1, a2, b1, c1 = staff.a1, staff.a2, staff.b1, staff.c1
    _custody(staff, a1, day, 1, force_used=True)
    _custody(staff, a1, day - dt.timedelta(days=200), 2, injuries_recorded=True)
    _custody(staff, b1, day, 3)
    Complaint.objects.create(
        source_system="t", external_id="1", received_at=_at(day), channel="terminal",
        stage="pre_trial", region=staff.almaty, officer=a1.officer,
    )  # fmt: skip
    MediaItem.objects.create(
        source="test", external_id="1", title="Police beat a man", published_at=_at(day),
        unit=staff.unit1, language="ru", tone="negative", final_tone="negative",
    )  # fmt: skip
    MediaItem.objects.create(
        source="test", external_id="2", title="Police rescue a child", published_at=_at(day),
        unit=staff.unit1, language="ru", tone="positive", final_tone="positive",
    )  # fmt: skip
    files = list(OfficerFile.objects.order_by("pk"))
    i = {f.pk: n for n, f in enumerate(files)}
    events = features.load(files)
    on_the_day, next_day = day, day + dt.timedelta(days=1)
    # Nothing on the as-of day itself or after it counts.
    for name in (
        "custody_records_30d",
        "custody_force_30d",
        "ill_treatment_register_30d",
        "media_negative_unit_90d",
    ):
        assert _value(events, on_the_day, i[a1.pk], name) == 0, name
    assert _value(events, day - dt.timedelta(days=300), i[a1.pk], "custody_records_1825d") == 0
    # The day after: the detention with force, the complaint, the unit's negative item.
    assert _value(events, next_day, i[a1.pk], "custody_records_30d") == 1
    assert _value(events, next_day, i[a1.pk], "custody_records_365d") == 2
    assert _value(events, next_day, i[a1.pk], "custody_force_30d") == 1
    assert _value(events, next_day, i[a1.pk], "custody_incidents_30d") == 0
    assert _value(events, next_day, i[a1.pk], "custody_incidents_365d") == 1
    assert _value(events, next_day, i[a1.pk], "ill_treatment_register_30d") == 1
    # The media item names the unit: every officer of unit 1, nobody else; positive ones don't.
    for officer, expected in ((a1, 1), (a2, 1), (b1, 0), (c1, 0)):
        assert _value(events, next_day, i[officer.pk], "media_negative_unit_90d") == expected
    # Windows close: 31 days later the 30-day count is empty, the 365-day one is not.
    later = day + dt.timedelta(days=31)
    assert _value(events, later, i[a1.pk], "custody_force_30d") == 0
    assert _value(events, later, i[a1.pk], "custody_force_365d") == 1
    assert _value(events, next_day, i[b1.pk], "custody_records_30d") == 1
    assert _value(events, next_day, i[b1.pk], "custody_force_30d") == 0
    matrix = features.matrix(events, next_day)
    assert np.isfinite(matrix).all() and matrix.shape == (len(files), len(features.NAMES))


def test_the_new_signals_have_readable_reasons() -> None:
    from senim.integrity.early import feature_label

    for name in (
        "custody_force_365d",
        "custody_incidents_90d",
        "ill_treatment_register_1825d",
        "media_negative_unit_365d",
    ):
        label = feature_label(name)
        assert "_" not in label and "in the last" in label, label


def test_calls_count_for_the_crews_senior_officer_before_the_date(
    staff: Any, monkeypatch: Any
) -> None:
    # calls_by_officer itself is tested in tests/ops/test_crew_lead.py; here, how its rows count.
    day = dt.date(2025, 3, 1)
    rows = [
        (staff.a1.officer_id, _at(day), True),
        (staff.a1.officer_id, _at(day - dt.timedelta(days=40)), False),
        (staff.b1.officer_id, _at(day + dt.timedelta(days=1)), False),
    ]
    monkeypatch.setattr(
        features,
        "calls_by_officer",
        lambda *, officer_ids: [r for r in rows if r[0] in officer_ids],
    )
    files = list(OfficerFile.objects.order_by("pk"))
    i = {f.pk: n for n, f in enumerate(files)}
    events = features.load(files)
    after = day + dt.timedelta(days=1)
    assert _value(events, day, i[staff.a1.pk], "calls_handled_30d") == 0
    assert _value(events, after, i[staff.a1.pk], "calls_handled_30d") == 1
    assert _value(events, after, i[staff.a1.pk], "calls_handled_90d") == 2
    assert _value(events, after, i[staff.a1.pk], "calls_late_30d") == 1
    # b1's call is on the as-of day: not counted yet.
    assert _value(events, after, i[staff.b1.pk], "calls_handled_30d") == 0
