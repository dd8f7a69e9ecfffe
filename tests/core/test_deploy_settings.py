"""Production's settings pass `senim check --deploy`; the pages pass their Content-Security-Policy.

The production environment is read from docs/operations.md itself, so the documented block and
the tested one cannot drift apart.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [p for p in (PROJECT / "senim").rglob("templates") if p.is_dir()]


def documented_production_env() -> dict[str, str]:
    """The `export` lines of the production outline in docs/operations.md, `…` filled in."""
    text = (PROJECT / "docs" / "operations.md").read_text(encoding="utf-8")
    outline = text[text.index("## Production outline") :]
    block = outline[outline.index("```sh") : outline.index("```", outline.index("```sh") + 5)]
    env: dict[str, str] = {}
    for line in block.splitlines():
        if not line.startswith("export "):
            continue
        for word in shlex.split(line, comments=True)[1:]:
            name, _, value = word.partition("=")
            env[name] = value
    for name, value in env.items():
        if "…" in value:
            env[name] = (
                secrets.token_urlsafe(48) if name.endswith("_KEY") else value.replace("…", "pw")
            )
    return env


def check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "senim", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={**clean, "SENIM_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_documented_production_environment_passes_check_deploy(tmp_path: Path) -> None:
    env = documented_production_env()
    assert {"SENIM_SECRET_KEY", "SENIM_PII_KEY", "SENIM_PROXY_SSL_HEADER"} <= env.keys()
    assert "SENIM_DEBUG" not in env and "SENIM_HTTPS" not in env  # production is the default
    result = check_deploy(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_names_missing_or_weak_keys(tmp_path: Path) -> None:
    env = documented_production_env()
    del env["SENIM_PII_KEY"]
    env["SENIM_SECRET_KEY"] = "short"
    result = check_deploy(env, tmp_path)
    assert result.returncode != 0
    assert "senim.E001" in result.stderr and "SENIM_PII_KEY is not set" in result.stderr
    assert "SENIM_SECRET_KEY is too weak" in result.stderr


def production_like(settings: Any) -> None:
    """What the settings module gives with debug off and SENIM_HTTPS unset (plus the proxy)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_settings_default_to_https_with_debug_off_and_to_http_for_the_demo(
    tmp_path: Path,
) -> None:
    probe = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "DJANGO_"))}

    def probe_with(extra: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + probe],
            cwd=PROJECT,
            env={
                **clean,
                "DJANGO_SETTINGS_MODULE": "senim.config.settings",
                "SENIM_VAR_DIR": str(tmp_path),
                **extra,
            },
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()

    assert probe_with({}) == "False True True True 31536000 None True"
    assert probe_with({"SENIM_PROXY_SSL_HEADER": "X-Forwarded-Proto"}).endswith(
        "('HTTP_X_FORWARDED_PROTO', 'https') True"
    )
    assert probe_with({"SENIM_HTTPS": "0"}) == "False False False False 0 None True"
    assert probe_with({"SENIM_DEBUG": "1"}) == "True False False False 0 None True"


@pytest.mark.django_db
def test_behind_the_proxy_https_is_served_and_http_redirected(settings: Any) -> None:
    production_like(settings)
    client = Client()  # built after the override: the security middleware reads settings once
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    page = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True


@pytest.mark.django_db
def test_every_page_carries_a_policy_that_allows_only_our_own_scripts() -> None:
    response = Client().get("/login/")
    directives = [part.partition(" ") for part in response["Content-Security-Policy"].split("; ")]
    policy = {name: value for name, _, value in directives}
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_templates_hold_no_inline_scripts_or_event_handlers() -> None:
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), 1):
                if INLINE_SCRIPT.search(line) or EVENT_HANDLER.search(line):
                    offenders.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert not offenders, "the Content-Security-Policy would refuse:\n" + "\n".join(offenders)
