"""With debug off Senim will not serve with the development keys, weak keys or none: sessions
signed with a published secret can be forged, and IIN hashes under a published key reversed."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from senim.config.keys import DEV_PII_KEY, DEV_SECRET_KEY, key_problems, require_production_keys

ROOT = Path(__file__).resolve().parents[2]
GOOD = secrets.token_urlsafe(48)
OTHER = secrets.token_urlsafe(48)


def test_the_development_weak_and_shared_keys_are_named() -> None:
    assert len(key_problems(secret_key=DEV_SECRET_KEY, pii_key=DEV_PII_KEY)) == 2
    assert key_problems(secret_key="", pii_key=GOOD) == [
        "SENIM_SECRET_KEY is not set (the development key is refused with debug off)"
    ]
    assert "too weak" in key_problems(secret_key="short", pii_key=GOOD)[0]
    assert "too weak" in key_problems(secret_key="a" * 64, pii_key=GOOD)[0]  # no randomness
    assert key_problems(secret_key=GOOD, pii_key=GOOD) == [
        "SENIM_SECRET_KEY and SENIM_PII_KEY must differ"
    ]
    assert key_problems(secret_key=GOOD, pii_key=OTHER) == []


def test_debug_on_is_allowed_the_development_keys() -> None:
    class Dev:
        DEBUG = True
        SECRET_KEY, PII_HASH_KEY = DEV_SECRET_KEY, DEV_PII_KEY

    class Prod(Dev):
        DEBUG = False

    require_production_keys(Dev)
    with pytest.raises(ImproperlyConfigured, match="SENIM_PII_KEY is not set"):
        require_production_keys(Prod)


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENIM_")}
    return subprocess.run(
        [sys.executable, "-c", "import senim.config.wsgi"],
        cwd=ROOT,
        env=clean | {"SENIM_DEBUG": "0"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_production_start_without_keys_stops_with_a_clear_message() -> None:
    refused = _start()
    assert refused.returncode != 0
    assert "Senim will not serve with debug off" in refused.stderr
    assert "SENIM_SECRET_KEY is not set" in refused.stderr
    started = _start(SENIM_SECRET_KEY=GOOD, SENIM_PII_KEY=OTHER)
    assert started.returncode == 0, started.stderr
