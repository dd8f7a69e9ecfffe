"""Reads of the trust app that other apps may call (ARCHITECTURE.md: apps read each other only
through named functions)."""

from __future__ import annotations

import datetime as dt

from senim.trust.models import MediaItem, Tone


def negative_media_by_unit(*, unit_ids: list[int]) -> list[tuple[int, dt.datetime]]:
    """Media items of negative tone (the operator's correction when there is one) naming one of
    `unit_ids`, as (unit id, published); for the integrity app's early-intervention features."""
    return list(
        MediaItem.objects.filter(unit_id__in=unit_ids, final_tone=Tone.NEGATIVE).values_list(
            "unit_id", "published_at"
        )
    )
