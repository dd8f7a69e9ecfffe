"""The demo's cameras, a week of footage with one missing piece, body-camera events, two
retrieval requests and their ledger entries (see demo_data). All synthetic."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np
from django.utils import timezone

from senim.core.models import Officer
from senim.safeguards.models import BodycamEvent, Camera, LedgerEntry, Recording, RetrievalRequest
from senim.safeguards.services import ledger

DEMO, PREFIX = "demo", "DEMO-"
ZONE = timezone.get_default_timezone()


def _rng(seed: int, name: str) -> np.random.Generator:
    from senim.safeguards.demo_data import rng_for

    return rng_for(seed, name)


def _hex(rng: np.random.Generator) -> str:
    return hashlib.sha256(rng.bytes(32)).hexdigest()


def video(seed: int, places: dict[str, Any], now: dt.datetime) -> dict[str, int]:
    rng = _rng(seed, "video")
    installed = dt.datetime(2024, 1, 1, tzinfo=ZONE)
    local_now = timezone.localtime(now)
    end = local_now.replace(hour=local_now.hour // 6 * 6, minute=0, second=0, microsecond=0)
    incident = (end - dt.timedelta(days=3)).replace(hour=13)
    cameras, recordings, events = [], [], []
    for facility in sorted(places["custody"].values(), key=lambda f: f.region.iso):
        iso = facility.region.iso
        fixed = [
            Camera(
                facility=facility,
                code=f"{PREFIX}CAM-{iso}-{k}",
                kind="fixed",
                installed_at=installed,
            )
            for k in (1, 2, 3, 4)
        ]
        # Body cameras are issued to officers of the region where the demo has them.
        officers = list(Officer.objects.filter(unit__region=facility.region).order_by("id")[:3])
        body = [
            Camera(
                facility=facility,
                code=f"{PREFIX}BC-{iso}-{k}",
                kind="body",
                installed_at=installed,
                officer=officers[k - 1] if k <= len(officers) else None,
            )
            for k in (1, 2, 3)
        ]
        cameras += fixed + body
        for cam in fixed:
            for i in range(7 * 4):
                a = end - dt.timedelta(hours=6 * (i + 1))
                if (
                    iso == "KZ-75"
                    and cam.code.endswith("-2")
                    and a <= incident < a + dt.timedelta(hours=6)
                ):
                    continue  # the footage that should be there and is not
                recordings.append(
                    Recording(
                        camera=cam,
                        facility=facility,
                        starts_at=a,
                        ends_at=a + dt.timedelta(hours=6),
                        sha256=_hex(rng),
                        storage=f"s3://senim-evidence/{iso}/{cam.code}/{a:%Y%m%dT%H%M}.mp4",
                        size_bytes=int(rng.integers(2, 9) * 10**9),
                    )
                )
        for cam in body:
            for _k in range(3):
                off = local_now - dt.timedelta(hours=float(rng.uniform(8, 90 * 24)))
                events += [
                    (cam, "switched_off", off, "battery"),
                    (cam, "switched_on", off + dt.timedelta(minutes=float(rng.uniform(5, 90))), ""),
                ]
            if iso == "KZ-75" and cam.code.endswith("-1"):
                events += [
                    (cam, "switched_off", incident - dt.timedelta(minutes=10), ""),
                    (cam, "switched_on", incident + dt.timedelta(hours=2, minutes=20), ""),
                ]
    bodycam = [
        BodycamEvent(camera=c, officer=c.officer, kind=k, at=at, reason=r) for c, k, at, r in events
    ]
    # The entries' numbers are known before the rows are written, so the rows carry them from
    # the start and the entries (which need the rows' ids) follow: no second pass of updates.
    head = ledger.head()
    for seq, row in enumerate([*recordings, *bodycam], start=head[0] + 1):
        row.ledger_seq = seq
    Camera.objects.bulk_create(cameras, batch_size=1000)
    Recording.objects.bulk_create(recordings, batch_size=2000)
    BodycamEvent.objects.bulk_create(bodycam, batch_size=2000)
    first_seq = head[0] + len(recordings) + len(bodycam) + 1
    requests = _requests(places, incident, end, now, first_seq=first_seq)
    mirrored: list[Any] = [*recordings, *bodycam, *requests]
    kinds = ["recording"] * len(recordings) + ["bodycam"] * len(bodycam)
    kinds += ["retrieval"] * len(requests)
    items = [
        (k, "demo", str(row.pk), row.ledger_payload())
        for k, row in zip(kinds, mirrored, strict=True)
    ]
    # The investigator opened what the complete request found.
    opened = requests[-1].found[:2] if requests else []
    items += [
        ("access", "npm", str(pk), {"recording": pk, "purpose": "retrieval request"})
        for pk in opened
    ]
    entries = ledger.entries_after(head, items, at=now, demo=True)
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    return {"cameras": len(cameras), "recordings": len(recordings), "ledger_entries": len(entries)}


def _requests(
    places: dict[str, Any],
    incident: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    *,
    first_seq: int,
) -> list[RetrievalRequest]:
    by_iso = {f.region.iso: f for f in places["custody"].values()}
    asked = [
        ("KZ-75", incident, incident + dt.timedelta(hours=2)),
        ("KZ-71", end - dt.timedelta(hours=30), end - dt.timedelta(hours=29)),
    ]
    rows: list[RetrievalRequest] = []
    for iso, start, stop in asked:
        facility = by_iso.get(iso)
        if facility is None:
            continue
        found, missing = ledger.coverage(facility_id=facility.pk, start=start, end=stop)
        rows.append(
            RetrievalRequest(
                source_system=DEMO,
                facility=facility,
                window_start=start,
                window_end=stop,
                reason="complaint of ill-treatment (demo)",
                requested_by="npm",
                requested_at=now,
                footage_missing=bool(missing),
                found=found,
                missing=missing,
                switched_off=ledger.off_periods(facility.pk, start, stop, now),
                ledger_seq=first_seq + len(rows),
            )
        )
    return RetrievalRequest.objects.bulk_create(rows)
