"""Table 2 for the public portal: every region, no caller, the same figures a national reader gets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import Region, User
from senim.safeguards.models import Complaint, ConvictPopulation
from senim.safeguards.services.complaints import per_thousand_convicts, published_table2

pytestmark = pytest.mark.django_db


def test_published_table2_counts_every_regions_complaints_per_1000_convicts(db: Any) -> None:
    almaty = Region.objects.get(iso="KZ-75")
    convicts = ConvictPopulation.objects.get(region=almaty, year=2025).convicts
    Complaint.objects.bulk_create(
        Complaint(
            source_system="test", external_id=f"T2-{i}", channel="terminal", stage="penitentiary",
            received_at=timezone.make_aware(dt.datetime(year, 6, 1, 12)), region=almaty,
        )
        for i, year in enumerate([2025, 2025, 2025, 2024])
    )  # fmt: skip
    lines = {line.region.iso: line for line in published_table2(year=2025)}
    assert len(lines) == Region.objects.count()
    line = lines["KZ-75"]
    assert (line.complaints, line.convicts) == (3, convicts)
    assert line.rate == (Decimal(3000) / convicts).quantize(Decimal("0.1"))
    national = User.objects.create(username="t2-national", role="national_analyst")
    assert [(x.region.iso, x.rate) for x in per_thousand_convicts(user=national, year=2025)] == [
        (x.region.iso, x.rate) for x in published_table2(year=2025)
    ]
