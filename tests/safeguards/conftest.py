"""Fixtures for the safeguards: the register tests' territory and users, plus facilities.

Region A (KZ-TA) has districts D1 and D2, region B (KZ-TB) one district; a temporary detention
isolator and a colony stand in district D1 of region A, another isolator in region B.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from senim.core.models import Facility, FacilityKind, User
from senim.safeguards.models import CustodyRecord
from senim.safeguards.services import custody
from tests.register.conftest import (  # noqa: F401 (fixtures shared with the register tests)
    Territory,
    make_offence,
    make_user,
    session_client,
    territory,
    token_client,
    users,
)
from tests.web.test_browser_drilldown import (  # noqa: F401 (the browser test's fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)

ALMATY = dt.timezone(dt.timedelta(hours=5))
_ids = itertools.count(1)


@dataclass(frozen=True)
class Places:
    ivs_a: Facility
    colony_a: Facility
    ivs_b: Facility


@pytest.fixture
def places(request: pytest.FixtureRequest) -> Places:
    t: Territory = request.getfixturevalue("territory")
    ivs, colony = FacilityKind.objects.get(code="ivs"), FacilityKind.objects.get(code="colony")
    return Places(
        ivs_a=Facility.objects.create(
            name="IVS A", kind=ivs, region=t.region_a, district=t.district_a
        ),
        colony_a=Facility.objects.create(
            name="Colony A", kind=colony, region=t.region_a, district=t.district_a
        ),
        ivs_b=Facility.objects.create(
            name="IVS B", kind=ivs, region=t.region_b, district=t.district_b
        ),
    )


MakeCustody = Callable[..., CustodyRecord]


@pytest.fixture
def make_custody(places: Places, request: pytest.FixtureRequest) -> MakeCustody:
    """make_custody(detained_at=…, **fields) → a record written through the service.

    Defaults: an adult in IVS A, recorded 30 min after detention, prosecutor told in writing
    an hour later; pass `prosecutor_notified_at=None` for no notice.
    """
    people: dict[str, User] = request.getfixturevalue("users")

    def make(*, detained_at: dt.datetime, user: User | None = None, **fields: Any) -> CustodyRecord:
        values: dict[str, Any] = {
            "source_system": "test",
            "external_id": f"C-{next(_ids):05d}",
            "facility_id": places.ivs_a.pk,
            "birth_date": dt.date(1990, 5, 1),
            "recorded_at": detained_at + dt.timedelta(minutes=30),
        }
        top = {f.name for f in dataclasses.fields(custody.CustodyInput)} - {"times"}
        values |= {k: fields.pop(k) for k in list(fields) if k in top}
        # The prosecutor is told in writing an hour after the record unless a test says otherwise.
        if "prosecutor_notified_at" not in fields:
            fields["prosecutor_notified_at"] = values["recorded_at"] + dt.timedelta(hours=1)
            values.setdefault("prosecutor_notice_in_writing", True)
        data = custody.CustodyInput(detained_at=detained_at, times=fields, **values)
        record, _created = custody.create(user=user or people["administrator"], data=data)
        return record

    return make
