"""The video ledger's writes stay in the writer's territory (issue 16 item 6): footage or a body
camera event on a camera of another district or region, and a retrieval at another region's
facility, are refused with that territory's footage on file; nothing reaches the tables or the
ledger, and another region's complaint linked to a retrieval reads as no such complaint."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from senim.core.models import Facility, FacilityKind, User
from senim.safeguards.models import BodycamEvent, Camera, LedgerEntry, Recording, RetrievalRequest
from senim.safeguards.models import Complaint as SafeguardsComplaint
from senim.safeguards.services import ledger

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def cameras(places: Any, territory: Any, users: dict[str, User]) -> dict[str, Camera]:
    """A fixed and a body camera at IVS A (district A1), at an isolator of district A2 and at
    IVS B (region B), each with an hour of footage on file."""
    ivs_a2 = Facility.objects.create(
        name="IVS A2",
        kind=FacilityKind.objects.get(code="ivs"),
        region=territory.region_a,
        district=territory.district_a2,
    )
    out = {}
    for name, facility in (("a", places.ivs_a), ("a2", ivs_a2), ("b", places.ivs_b)):
        for kind in ("fixed", "body"):
            out[f"{name}-{kind}"] = Camera.objects.create(
                facility=facility,
                code=f"CAM-{name.upper()}-{kind}",
                kind=kind,
                installed_at=T0 - 30 * HOUR,
            )
        ledger.register_recording(
            user=users["administrator"],
            camera=f"CAM-{name.upper()}-fixed",
            starts_at=T0,
            ends_at=T0 + HOUR,
            sha256=f"{ord(name[0]):02x}{len(name):02x}" * 16,
            storage=f"vault://{name}/0",
        )
    return out


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/safeguards/ledger/{path}", json.dumps(body), content_type="application/json"
    )


def _stored() -> tuple[int, ...]:
    return (
        Recording.objects.count(),
        BodycamEvent.objects.count(),
        RetrievalRequest.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_footage_and_body_camera_events_of_another_district_or_region_are_refused(
    cameras: dict[str, Camera], users: dict[str, User], token_client: Any
) -> None:
    client = token_client(users["duty_officer_a"])  # district A1
    before = _stored()
    for where in ("a2", "b"):
        recording = _post(
            client,
            "recordings",
            {
                "camera": cameras[f"{where}-fixed"].code,
                "starts_at": (T0 + HOUR).isoformat(),
                "ends_at": (T0 + 2 * HOUR).isoformat(),
                "sha256": "ab" * 32,
                "storage": "vault://x",
            },
        )
        assert recording.status_code == 403, where
        assert recording.json()["errors"][0]["field"] == "camera"
        event = _post(
            client,
            "bodycam-events",
            {
                "camera": cameras[f"{where}-body"].code,
                "kind": "switched_off",
                "at": (T0 + HOUR).isoformat(),
            },
        )
        assert event.status_code == 403, where
        assert event.json()["errors"][0]["field"] == "camera"
    assert _stored() == before
    # The same writes on one's own district's cameras are taken.
    ok = _post(
        client,
        "bodycam-events",
        {"camera": cameras["a-body"].code, "kind": "switched_off", "at": T0.isoformat()},
    )
    assert ok.status_code == 201


def test_a_retrieval_at_another_regions_facility_or_for_its_complaint_is_refused(
    cameras: dict[str, Camera],
    places: Any,
    territory: Any,
    users: dict[str, User],
    make_user: Any,
    token_client: Any,
) -> None:
    theirs = SafeguardsComplaint.objects.create(
        source_system="ombudsman",
        external_id="K-B-1",
        received_at=T0,
        channel="terminal",
        stage="pre_trial",
        region=territory.region_b,
        district=territory.district_b,
        facility=places.ivs_b,
        summary="beaten in the corridor",
    )
    client = token_client(users["prosecutor_a"])  # region A
    window = {
        "window_start": T0.isoformat(),
        "window_end": (T0 + HOUR).isoformat(),
        "reason": "complaint of ill-treatment",
    }
    before = _stored()
    elsewhere = _post(client, "retrievals", window | {"facility_id": places.ivs_b.pk})
    assert elsewhere.status_code == 403
    assert elsewhere.json()["errors"][0]["field"] == "facility_id"
    # One's own facility with region B's complaint: the answer of a complaint id that does not
    # exist, with the id said back, not a link to B's record.
    own = window | {"facility_id": places.ivs_a.pk}
    unknown = _post(client, "retrievals", own | {"complaint_id": 10**9})
    linked = _post(client, "retrievals", own | {"complaint_id": theirs.pk})
    assert unknown.status_code == linked.status_code == 422
    assert [e["field"] for e in linked.json()["errors"]] == ["complaint_id"]
    assert linked.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"].replace(
        str(10**9), str(theirs.pk)
    )
    assert _stored() == before
    # Region B's own prosecutor may link it.
    b = token_client(make_user("prosecutor", region=territory.region_b))
    taken = _post(
        b, "retrievals", window | {"facility_id": places.ivs_b.pk, "complaint_id": theirs.pk}
    )
    assert taken.status_code == 201
