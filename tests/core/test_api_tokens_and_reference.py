"""API tokens expire and rotate; the OpenAPI description declares its security schemes and is
valid; the API reference is served from vendored files, to signed-in users only."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone, translation

from senim.core.api_auth import hash_token, issue_token
from senim.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db
ENDPOINT = "/api/register/appeals"


@pytest.fixture
def analyst() -> User:
    return User.objects.create_user("dana", role="national_analyst")


def _bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_token_expires_after_the_configured_days(analyst: User) -> None:
    before = timezone.now()
    token = issue_token(analyst)
    analyst.refresh_from_db()
    assert analyst.api_token_expires_at is not None
    days = dt.timedelta(days=settings.SENIM_API_TOKEN_DAYS)
    assert before + days <= analyst.api_token_expires_at <= timezone.now() + days
    assert settings.SENIM_API_TOKEN_DAYS == 90
    assert _bearer(token).get(ENDPOINT).status_code == 200


def test_an_expired_token_answers_401_saying_it_expired(analyst: User) -> None:
    token = issue_token(analyst)
    User.objects.filter(pk=analyst.pk).update(
        api_token_expires_at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    )
    answer = _bearer(token).get(ENDPOINT)
    assert answer.status_code == 401
    [error] = answer.json()["errors"]
    assert error["message"] == "The API token expired on 2026-03-01 17:00; ask for a new one."
    with translation.override("ru"):
        answer = _bearer(token).get(ENDPOINT, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Срок действия API-токена истёк" in answer.json()["errors"][0]["message"]
    # A wrong token still gets the general answer, not the expiry one.
    [error] = _bearer("not-a-token").get(ENDPOINT).json()["errors"]
    assert error["message"] == "Sign in or send a valid token."


def test_a_token_without_an_expiry_is_not_eternal(analyst: User) -> None:
    User.objects.filter(pk=analyst.pk).update(
        api_token_hash=hash_token("old-token"), api_token_expires_at=None
    )
    answer = _bearer("old-token").get(ENDPOINT)
    assert answer.status_code == 401 and "expired" in answer.json()["errors"][0]["message"]


def test_the_command_rotates_a_token_the_old_one_stops_working(analyst: User) -> None:
    old = issue_token(analyst)
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "dana", stdout=out, stderr=err)
    new = out.getvalue().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", new) and new != old
    assert "valid until" in err.getvalue() and "previous one no longer works" in err.getvalue()
    assert _bearer(old).get(ENDPOINT).status_code == 401
    assert _bearer(new).get(ENDPOINT).status_code == 200
    entry = AuditEntry.objects.filter(model="core.User", object_pk=str(analyst.pk)).last()
    assert entry is not None and entry.details == {"reason": "API token issued"}
    assert entry.actor.startswith("command-line:") and new not in str(entry.details)

    call_command("api_token", "dana", "--revoke", stdout=io.StringIO())
    assert _bearer(new).get(ENDPOINT).status_code == 401


def test_the_command_refuses_unknown_and_deactivated_users(analyst: User) -> None:
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("api_token", "ghost")
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", "dana")


def test_a_token_issued_on_the_api_says_when_it_expires(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    answer = client.post("/api/register/token")
    assert answer.status_code == 200
    analyst.refresh_from_db()
    assert analyst.api_token_expires_at is not None
    expires = dt.datetime.fromisoformat(answer.json()["expires_at"])
    assert abs(expires - analyst.api_token_expires_at) < dt.timedelta(milliseconds=1)


def _schema(user: User) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def test_the_schema_declares_bearer_and_session_security(analyst: User) -> None:
    schema = _schema(analyst)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionCookie"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": settings.SESSION_COOKIE_NAME,
    }
    appeals = schema["paths"][ENDPOINT]["get"]
    assert appeals["security"] == [{"BearerToken": []}, {"SessionCookie": []}]
    # Minting a token takes a session: a token must not mint its successor.
    assert schema["paths"]["/api/register/token"]["post"]["security"] == [{"SessionCookie": []}]
    # The public open-data API declares none.
    assert "security" not in schema["paths"]["/api/open/datasets"]["get"]
    declared = {name for op in _operations(schema) for s in op.get("security", []) for name in s}
    assert declared <= set(schemes)


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for ops in schema["paths"].values() for op in ops.values()]


def test_the_schema_is_valid_openapi(analyst: User) -> None:
    from openapi_spec_validator import validate

    validate(_schema(analyst))  # raises on any violation of the OpenAPI specification


def test_the_reference_is_only_for_signed_in_users(analyst: User) -> None:
    for url in ("/api/docs", "/api/openapi.json"):
        answer = Client().get(url)
        assert answer.status_code == 302 and answer["Location"] == f"/login/?next={url}"
    token = issue_token(analyst)
    assert _bearer(token).get("/api/openapi.json").status_code == 200
    User.objects.filter(pk=analyst.pk).update(api_token_expires_at=timezone.now())
    assert _bearer(token).get("/api/openapi.json").status_code == 401


def test_the_reference_loads_only_vendored_files(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    page = client.get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert "/static/vendor/swagger-ui/swagger-ui.css" in sources
    assert all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in page.lower() and "https://" not in page
    assert "<script>" not in page  # no inline script: the settings travel as JSON data
    static = Path(settings.BASE_DIR) / "static"
    for source in sources:
        assert (static / source.removeprefix("/static/")).is_file(), source
    assert (static / "vendor/swagger-ui/LICENSE").is_file()


def test_the_open_data_api_publishes_its_own_description_to_anyone() -> None:
    from openapi_spec_validator import validate

    answer = Client().get("/api/open/openapi.json")
    assert answer.status_code == 200
    schema = answer.json()
    assert schema["paths"] and all(p.startswith("/api/open/") for p in schema["paths"])
    assert "/api/open/openapi.json" not in schema["paths"]
    assert "securitySchemes" not in schema["components"]
    assert "YearKpis" in schema["components"]["schemas"]
    assert "AppealIn" not in schema["components"]["schemas"]  # nothing of the closed API
    validate(schema)
    page = Client().get("/open/data/").content.decode()
    assert 'href="/api/open/openapi.json"' in page and 'href="/api/docs"' not in page
