from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_messages(request, settings):
    """Tests read messages in English; tests marked `kazakh_default` keep the real default (kk)."""
    if request.node.get_closest_marker("kazakh_default"):
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _open_data_outside_var(settings, tmp_path_factory):
    """Whatever builds open-data files in a test writes them to a temporary folder, never var/."""
    settings.SENIM_OPEN_DATA_DIR = str(tmp_path_factory.getbasetemp() / "open-data")


@pytest.fixture(autouse=True)
def _fresh_locator():
    """Territory lookups are cached per process; tests change territory freely."""
    from django.core.cache import cache

    from senim.core.geo import reset_locator

    reset_locator()
    cache.clear()
    yield
    reset_locator()


def pytest_configure(config: pytest.Config) -> None:
    """Tests speak plain http, like the demo (SENIM_HTTPS=0): set before the live server builds
    its middleware, which reads these once. Production's HTTPS defaults have their own tests
    (tests/core/test_deploy_settings.py)."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
