from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_locator():
    """Territory lookups are cached per process; tests change territory freely."""
    from django.core.cache import cache

    from senim.core.geo import reset_locator

    reset_locator()
    cache.clear()
    yield
    reset_locator()
