"""The API answers a signed-in session or a bearer token, nobody else; tokens are shown once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from senim.core.api_auth import hash_token
from senim.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db

SessionClient = Callable[[User], Client]


def test_without_credentials_every_endpoint_answers_401_in_the_error_format() -> None:
    client = Client()
    for method, url in [
        ("get", "/api/register/appeals"),
        ("get", "/api/register/offences/1"),
        ("post", "/api/register/appeals"),
        ("post", "/api/register/token"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, url
        assert response.json()["errors"][0]["message"]


def test_a_wrong_bearer_token_is_refused() -> None:
    response = Client().get(
        "/api/register/appeals", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401


def test_a_session_and_a_bearer_token_both_authenticate(
    users: dict[str, User], session_client: SessionClient, token_client: SessionClient
) -> None:
    analyst = users["regional_analyst_a"]
    assert session_client(analyst).get("/api/register/appeals").status_code == 200
    assert token_client(analyst).get("/api/register/appeals").status_code == 200


def test_a_token_is_issued_to_a_session_shown_once_and_stored_only_as_a_hash(
    users: dict[str, User], session_client: SessionClient
) -> None:
    user = users["duty_officer_a"]
    response = session_client(user).post("/api/register/token")
    assert response.status_code == 200
    token = response.json()["token"]
    user.refresh_from_db()
    assert user.api_token_hash == hash_token(token) and token not in user.api_token_hash
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/register/offences").status_code == 200
    entry = AuditEntry.objects.filter(model="core.User", object_pk=str(user.pk)).last()
    assert entry is not None and entry.details == {"reason": "API token issued"}
    assert entry.actor == user.username


def test_a_token_cannot_mint_another_token(
    users: dict[str, User], token_client: SessionClient
) -> None:
    assert token_client(users["administrator"]).post("/api/register/token").status_code == 401


def test_a_revoked_token_stops_working(users: dict[str, User], token_client: SessionClient) -> None:
    client = token_client(users["prosecutor_a"])
    assert client.delete("/api/register/token").status_code == 204
    assert client.get("/api/register/appeals").status_code == 401


def test_an_inactive_user_s_token_is_refused(
    users: dict[str, User], token_client: SessionClient
) -> None:
    user = users["national_analyst"]
    client = token_client(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/register/appeals").status_code == 401


def test_the_openapi_description_and_docs_are_served(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["duty_officer_a"])
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/register/appeals",
        "/api/register/offences/{offence_id}/status",
        "/api/register/ingest",
        "/api/register/token",
    ]:
        assert path in paths


def test_session_writes_need_the_csrf_token(
    users: dict[str, User], session_client: SessionClient
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["duty_officer_a"])
    # POST /token uses django-ninja's own session auth, which checks CSRF.
    assert client.post("/api/register/token").status_code == 403


def test_session_writes_through_the_default_auth_need_the_csrf_token(
    users: dict[str, User],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["duty_officer_a"])
    response = client.post("/api/register/appeals", {}, content_type="application/json")
    assert response.status_code == 403


def test_writes_with_a_token_are_audited_under_the_tokens_user(users: dict[str, User]) -> None:
    from django.test import RequestFactory

    from senim.core.api_auth import SessionOrToken, issue_token
    from senim.core.audit import current_actor

    token = issue_token(users["duty_officer_a"])
    request = RequestFactory().post("/api/register/appeals", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert SessionOrToken()(request) == users["duty_officer_a"]
    assert current_actor() == users["duty_officer_a"].get_username()
