"""The offence counts kept by database triggers: local days, updates, deletes, bulk writes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from senim.register import counts
from senim.register.models import Offence, OffenceDaily, OffenceMonthly

UTC = dt.UTC


def _daily(**where):
    return OffenceDaily.objects.filter(**where).aggregate(n=Sum("n"))["n"] or 0


def test_counts_follow_the_local_calendar_day_across_the_2024_offset_change(make_offence):
    # Almaty was UTC+6 until 1 March 2024 and UTC+5 after: 18:30 UTC is the next local day
    # in mid-2023 (00:30 +6) but still the same day in 2025 (23:30 +5).
    make_offence(registered_at=dt.datetime(2023, 6, 30, 18, 30, tzinfo=UTC))
    make_offence(registered_at=dt.datetime(2025, 6, 30, 18, 30, tzinfo=UTC))
    assert _daily(day=dt.date(2023, 7, 1)) == 1
    assert _daily(day=dt.date(2025, 6, 30)) == 1
    assert OffenceMonthly.objects.get(month=dt.date(2023, 7, 1)).n == 1
    assert OffenceMonthly.objects.get(month=dt.date(2025, 6, 1)).n == 1
    assert counts.verify() == {"register_offencedaily": 0, "register_offencemonthly": 0}


def test_counts_follow_updates_deletes_and_bulk_inserts(territory, make_offence):
    t = territory
    first = make_offence()
    make_offence(district=None)  # unassigned district: one key, not one row per offence
    make_offence(district=None)
    assert OffenceDaily.objects.filter(district=None).get().n == 2
    # Moving an offence to another district moves its count.
    first.district = t.district_a2
    first.kind = "criminal_misdemeanour"
    first.save()
    assert _daily(district=t.district_a) == 0
    assert _daily(district=t.district_a2, kind="criminal_misdemeanour") == 1
    # A status change leaves the counts alone.
    first.status = "solved"
    first.save()
    assert _daily() == 3
    Offence.objects.filter(district=None).delete()
    assert _daily() == 1
    template = Offence.objects.get()
    Offence.objects.bulk_create(
        [
            Offence(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Offence._meta.concrete_fields
                    if f.attname not in {"id", "external_id"}
                },
                external_id=f"bulk-{i}",
            )
            for i in range(50)
        ]
    )
    assert _daily(district=t.district_a2) == 51
    assert set(counts.verify().values()) == {0}


def test_verify_detects_drift_and_rebuild_repairs_it(make_offence):
    make_offence()
    OffenceDaily.objects.update(n=7)
    assert counts.verify()["register_offencedaily"] == 1
    counts.rebuild()
    assert set(counts.verify().values()) == {0}
    assert _daily() == 1


def test_the_command_verifies_and_rebuilds(make_offence):
    import pytest
    from django.core.management import CommandError, call_command

    make_offence()
    OffenceMonthly.objects.update(n=3)
    with pytest.raises(CommandError, match="differ"):
        call_command("offence_counts", "verify")
    call_command("offence_counts", "rebuild")
    call_command("offence_counts", "verify")
