"""The demo runs with debug off: the environment bin/demo sets (bin/demo-env) gives DEBUG False,
plain http on localhost and keys generated once under var/ with mode 0600; with those settings an
unknown address gets Senim's 404 page, not Django's debug page, and WhiteNoise serves the static
files without `collectstatic`.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from senim.config.keys import key_problems

PROJECT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'ALLOWED_HOSTS': s.ALLOWED_HOSTS, "
    "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'SESSION_COOKIE_SECURE': s.SESSION_COOKIE_SECURE, "
    "'WHITENOISE_USE_FINDERS': s.WHITENOISE_USE_FINDERS, 'SECRET_KEY': s.SECRET_KEY, "
    "'PII_HASH_KEY': s.PII_HASH_KEY}))"
)


def demo_env(var_dir: Path) -> dict[str, str]:
    """The environment after `. bin/demo-env`, starting from one with no SENIM_ variable."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "DJANGO_"))}
    out = subprocess.run(
        ["bash", "-c", ". bin/demo-env && env -0"],
        cwd=PROJECT,
        env={**clean, "SENIM_VAR_DIR": str(var_dir)},
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    var_dir = tmp_path_factory.mktemp("demo-var")
    env = demo_env(var_dir)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "senim.config.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    values: dict[str, Any] = json.loads(probe.stdout)
    values["var_dir"] = var_dir
    values["env"] = env
    return values


def test_the_demo_runs_with_debug_off_over_plain_http_on_localhost(
    demo_settings: dict[str, Any],
) -> None:
    assert demo_settings["DEBUG"] is False
    assert demo_settings["SECURE_SSL_REDIRECT"] is False
    assert demo_settings["SESSION_COOKIE_SECURE"] is False
    assert {"localhost", "127.0.0.1"} <= set(demo_settings["ALLOWED_HOSTS"])
    assert demo_settings["WHITENOISE_USE_FINDERS"] is True


def test_the_demo_keys_are_generated_once_kept_private_and_pass_the_production_rules(
    demo_settings: dict[str, Any],
) -> None:
    keys = demo_settings["var_dir"] / "demo-keys.env"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    secret, pii = demo_settings["SECRET_KEY"], demo_settings["PII_HASH_KEY"]
    assert key_problems(secret_key=secret, pii_key=pii) == []
    again = demo_env(demo_settings["var_dir"])  # a second start reuses them
    assert (again["SENIM_SECRET_KEY"], again["SENIM_PII_KEY"]) == (secret, pii)
    # bin/demo keeps them in var/, which git ignores.
    assert "var/" in (PROJECT / ".gitignore").read_text().splitlines()


def test_the_demo_keys_yield_to_keys_already_in_the_environment(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "DJANGO_"))}
    out = subprocess.run(
        ["bash", "-c", ". bin/demo-env && echo $SENIM_SECRET_KEY $SENIM_DEBUG"],
        cwd=PROJECT,
        env={**clean, "SENIM_VAR_DIR": str(tmp_path), "SENIM_SECRET_KEY": "mine"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out == ["mine", "0"]


@pytest.mark.django_db
def test_with_the_demo_settings_an_unknown_address_gets_the_styled_404(
    demo_settings: dict[str, Any], settings: Any
) -> None:
    for name in ("DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "WHITENOISE_USE_FINDERS"):
        setattr(settings, name, demo_settings[name])
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in body and "Page not found" in body
    assert "URLconf" not in body and "Django tried these URL patterns" not in body
    assert "DEBUG = True" not in body
    # WhiteNoise serves static files straight from senim/static, with no collectstatic.
    script = client.get("/static/js/senim.js")
    assert script.status_code == 200
    assert b"data-autosubmit" in b"".join(script.streaming_content)  # type: ignore[attr-defined]
