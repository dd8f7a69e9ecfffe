"""What the ledger page shows: retrieval requests (flagged first) and body cameras switched off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from senim.core.models import User
from senim.safeguards.models import (
    BodycamEvent,
    BodycamEventKind,
    Camera,
    Recording,
    RetrievalRequest,
)
from senim.safeguards.services.common import in_scope


def _via(user: User, qs: QuerySet[Any], facility: str) -> QuerySet[Any]:
    return in_scope(user, qs, region=f"{facility}__region_id", district=f"{facility}__district_id")


def ledger_overview(*, user: User, days: int = 90) -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(days=days)
    retrievals = _via(
        user, RetrievalRequest.objects.select_related("facility", "facility__region"), "facility"
    )
    off = _via(
        user,
        BodycamEvent.objects.filter(kind=BodycamEventKind.SWITCHED_OFF, at__gte=since),
        "camera__facility",
    )
    rows = (
        off.values(
            "camera__facility__name",
            "camera__facility__name_kk",
            "camera__facility__name_en",
            "camera__facility__region__iso",
        )
        .annotate(n=Count("id"), officers=Count("officer", distinct=True))
        .order_by("-n")[:20]
    )
    language = (get_language() or "kk")[:2]
    by_facility = [
        {
            **row,
            "facility_name": row.get(f"camera__facility__name_{language}")
            or row["camera__facility__name"],
        }
        for row in rows
    ]
    cameras = _via(user, Camera.objects.all(), "facility")
    return {
        "days": days,
        "retrievals": list(retrievals.order_by("-footage_missing", "-requested_at")[:30]),
        "flagged": retrievals.filter(footage_missing=True).count(),
        "retrieval_count": retrievals.count(),
        "switched_off_count": off.count(),
        "switched_off_by_facility": list(by_facility),
        "cameras": cameras.aggregate(
            fixed=Count("id", filter=Q(kind="fixed")), body=Count("id", filter=Q(kind="body"))
        ),
        "recordings": _via(user, Recording.objects.all(), "facility").count(),
    }
