"""Whether the database holds synthetic demo data, so that every page can say so."""

from __future__ import annotations

from django.core.cache import cache

DEMO_SOURCE = "demo"


def demo_data_present() -> bool:
    cached = cache.get("senim:demo-present")
    if cached is None:
        from senim.register.models import Offence

        cached = Offence.objects.filter(source_system=DEMO_SOURCE).exists()
        cache.set("senim:demo-present", cached, 60)
    return bool(cached)
