# ruff: noqa: F811 (pytest fixtures imported from the register tests and named as arguments)
"""The administrator's account pages (issue 16, item 14): create with a role and a scope the
role's rules accept, change them, deactivate and reactivate, reset a password shown once; only
administrators; every change in the audit log, never a password."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from senim.core.models import AuditEntry, Officer, Role, Unit, User
from tests.register.conftest import (  # noqa: F401 (the register tests' territory and users)
    make_user,
    session_client,
    territory,
    users,
)

pytestmark = pytest.mark.django_db


def _admin_client(users: dict[str, User], session_client: Any) -> Client:
    client: Client = session_client(users["administrator"])
    return client


def _errors(html: str) -> dict[str, str]:
    found = re.findall(
        r'data-field="(\w+)".*?<span class="users-field__error" id="e-\1" role="alert">(.*?)</span>',
        html,
        flags=re.S,
    )
    return dict(found)


def _shown_password(html: str) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', html)
    assert match, "no one-time password on the page"
    return match.group(1)


def _audit_text() -> str:
    return json.dumps(list(AuditEntry.objects.values("action", "model", "details")))


def test_a_district_inspector_without_a_sector_is_refused_by_the_field_and_nothing_is_stored(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    before = User.objects.count()
    answer = client.post(
        "/users/new/",
        {
            "username": "inspector-new",
            "role": "district_inspector",
            "region": territory.region_a.iso,
            "district": territory.district_a.code,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 422
    errors = _errors(answer.content.decode())
    assert errors["sector"] == "A district inspector is scoped to a sector."
    assert User.objects.count() == before
    assert not AuditEntry.objects.filter(action="user_create").exists()
    # What was typed comes back.
    assert 'value="inspector-new"' in answer.content.decode()


def test_a_sector_must_lie_in_the_district_and_a_district_in_the_region(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    answer = client.post(
        "/users/new/",
        {
            "username": "mixed",
            "role": "district_inspector",
            "region": territory.region_b.iso,
            "district": territory.district_a.code,
            "sector": "99",
        },
    )
    assert answer.status_code == 422
    assert {"district", "sector"} <= set(_errors(answer.content.decode()))
    assert not User.objects.filter(username="mixed").exists()


def test_an_account_is_created_with_a_one_time_password_shown_once_and_never_logged(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    form = client.get("/users/new/").content.decode()
    for role in (Role.SUPERVISOR, Role.INTERNAL_SECURITY, Role.PSYCHOLOGIST):
        assert f'<option value="{role}"' in form  # the new roles are offered
    answer = client.post(
        "/users/new/",
        {
            "username": "inspector-a",
            "role": "district_inspector",
            "district": territory.district_a.code,
            "sector": str(territory.sector_a.number),
            "password_mode": "generate",
        },
    )
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    password = _shown_password(answer.content.decode())
    user = User.objects.get(username="inspector-a")
    assert user.sector == territory.sector_a and user.region == territory.region_a
    assert Client().login(username="inspector-a", password=password)
    entry = AuditEntry.objects.get(action="user_create", object_pk=str(user.pk))
    assert entry.actor == users["administrator"].username
    assert entry.details["sector"] == territory.sector_a.code
    logged = _audit_text()
    assert password not in logged and user.password not in logged
    # The page of the account does not show it again.
    assert password not in client.get(f"/users/{user.pk}/").content.decode()


def test_a_password_set_by_the_administrator_must_pass_the_validators(
    users: dict[str, User], session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    body = {"username": "analyst-x", "role": "national_analyst", "password_mode": "set"}
    weak = client.post("/users/new/", body | {"password": "password"})
    assert weak.status_code == 422
    assert "password" in _errors(weak.content.decode())
    assert not User.objects.filter(username="analyst-x").exists()
    good = client.post("/users/new/", body | {"password": "Kestrel-Orbit-417"})
    assert good.status_code == 302
    assert Client().login(username="analyst-x", password="Kestrel-Orbit-417")
    assert "Kestrel-Orbit-417" not in _audit_text()


def test_role_and_scope_are_changed_with_old_and_new_values_in_the_audit_log(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    account = users["district_inspector_a"]
    unit = Unit.objects.create(
        name_kk="A", name_ru="A", name_en="A", kind="district_department", region=territory.region_a
    )
    Officer.objects.create(badge_number="B-7001", unit=unit)
    answer = client.post(
        f"/users/{account.pk}/",
        {
            "action": "change",
            "role": "prosecutor",
            "region": territory.region_b.iso,
            "officer": "B-7001",
        },
    )
    assert answer.status_code == 302
    account.refresh_from_db()
    assert account.role == "prosecutor" and account.region == territory.region_b
    assert account.district is None and account.sector is None
    assert account.officer is not None and account.officer.badge_number == "B-7001"
    entry = AuditEntry.objects.get(action="user_change", object_pk=str(account.pk))
    assert entry.details["changed"]["role"] == ["district_inspector", "prosecutor"]
    assert entry.details["changed"]["region"] == [territory.region_a.iso, territory.region_b.iso]
    # A prosecutor without a region is refused by the field; nothing changes.
    bad = client.post(f"/users/{account.pk}/", {"action": "change", "role": "prosecutor"})
    assert bad.status_code == 422
    assert "region" in _errors(bad.content.decode())
    account.refresh_from_db()
    assert account.region == territory.region_b
    # The same officer cannot be linked to a second account.
    other = users["prosecutor_a"]
    taken = client.post(
        f"/users/{other.pk}/",
        {
            "action": "change",
            "role": "prosecutor",
            "region": territory.region_a.iso,
            "officer": "B-7001",
        },
    )
    assert taken.status_code == 422 and "officer" in _errors(taken.content.decode())


def test_a_deactivated_account_cannot_sign_in_until_reactivated(
    users: dict[str, User], session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    account = users["prosecutor_a"]
    account.set_password("Heron-Lantern-93")
    account.save()
    own_session = session_client(account)
    assert own_session.get("/safeguards/").status_code == 200

    assert client.post(f"/users/{account.pk}/", {"action": "deactivate"}).status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    assert not Client().login(username=account.username, password="Heron-Lantern-93")
    signin = Client().post(
        "/login/", {"username": account.username, "password": "Heron-Lantern-93"}
    )
    assert signin.status_code == 200  # the form again, not a redirect into the system
    assert own_session.get("/safeguards/").status_code == 302  # the open session is over
    assert AuditEntry.objects.filter(action="deactivate", object_pk=str(account.pk)).exists()

    assert client.post(f"/users/{account.pk}/", {"action": "reactivate"}).status_code == 302
    assert Client().login(username=account.username, password="Heron-Lantern-93")
    assert AuditEntry.objects.filter(action="reactivate", object_pk=str(account.pk)).exists()


def test_an_administrator_cannot_deactivate_their_own_account(
    users: dict[str, User], session_client: Any
) -> None:
    admin = users["administrator"]
    answer = _admin_client(users, session_client).post(
        f"/users/{admin.pk}/", {"action": "deactivate"}
    )
    assert answer.status_code == 422
    admin.refresh_from_db()
    assert admin.is_active


def test_a_password_reset_shows_a_new_one_once_and_the_old_one_stops_working(
    users: dict[str, User], session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    account = users["regional_analyst_a"]
    account.set_password("Old-Falcon-Road-5")
    account.save()
    answer = client.post(
        f"/users/{account.pk}/", {"action": "password", "password_mode": "generate"}
    )
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    password = _shown_password(answer.content.decode())
    assert not Client().login(username=account.username, password="Old-Falcon-Road-5")
    assert Client().login(username=account.username, password=password)
    entry = AuditEntry.objects.get(action="password_reset", object_pk=str(account.pk))
    assert entry.details == {"username": account.username, "password": "one-time"}
    assert password not in _audit_text()
    # A weak password set by the administrator is refused and changes nothing.
    weak = client.post(
        f"/users/{account.pk}/",
        {"action": "password", "password_mode": "set", "password": "12345678"},
    )
    assert weak.status_code == 422 and "password" in _errors(weak.content.decode())
    assert Client().login(username=account.username, password=password)


@pytest.mark.parametrize(
    "role", ["prosecutor_a", "national_analyst", "duty_officer_a", "npm_monitor"]
)
def test_only_administrators_open_the_account_pages(
    role: str, users: dict[str, User], session_client: Any
) -> None:
    client = session_client(users[role])
    target = users["district_inspector_a"]
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new/").status_code == 403
    assert client.get(f"/users/{target.pk}/").status_code == 403
    before = User.objects.count()
    body = {"username": "sneaky", "role": "administrator"}
    assert client.post("/users/new/", body).status_code == 403
    assert client.post(f"/users/{target.pk}/", {"action": "deactivate"}).status_code == 403
    assert User.objects.count() == before
    target.refresh_from_db()
    assert target.is_active
    assert "/users/" not in client.get("/safeguards/").content.decode()


def test_the_list_searches_filters_and_pages(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    for n in range(60):
        User.objects.create(
            username=f"analyst-{n:02d}", role="regional_analyst", region=territory.region_b
        )
    page = client.get("/users/", {"role": "regional_analyst", "region": territory.region_b.iso})
    assert page.status_code == 200
    rows = re.findall(r'<tr data-id="(\d+)"', page.content.decode())
    assert len(rows) == 50
    second = client.get(
        "/users/", {"role": "regional_analyst", "region": territory.region_b.iso, "page": 2}
    )
    assert len(re.findall(r'<tr data-id="(\d+)"', second.content.decode())) == 11  # 60 + fixture's
    found = client.get("/users/", {"q": "analyst-07"}).content.decode()
    assert len(re.findall(r'<tr data-id="(\d+)"', found)) == 1 and "analyst-07" in found
    assert "/users/" in client.get("/users/").content.decode()  # the menu entry


@pytest.mark.parametrize(
    ("language", "title", "button"),
    [
        ("kk", "Пайдаланушылар", "Жаңа пайдаланушы"),
        ("ru", "Пользователи", "Новый пользователь"),
        ("en", "Users", "New user"),
    ],
)
def test_the_account_pages_speak_the_readers_language(
    language: str, title: str, button: str, users: dict[str, User], session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    html = client.get("/users/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in html and button in html
    form = client.get("/users/new/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    refused = client.post(
        "/users/new/", {"username": "x", "role": "prosecutor"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    if language == "kk":
        # No Russian-only letters on the Kazakh pages (the role names come from core.Role).
        # Place names in the drop-downs are proper names and may keep their letters.
        body = re.sub(r"<select.*?</select>", "", form[form.index("<main") :], flags=re.S)
        assert not re.search("[ёъэЁЪЭ]", body)
        assert "Бұл рөл өңірге бекітіледі." in refused


def test_control_characters_are_refused_by_the_field_not_a_server_error(
    users: dict[str, User], territory: Any, session_client: Any
) -> None:
    client = _admin_client(users, session_client)
    answer = client.post(
        "/users/new/",
        {
            "username": "nul-user",
            "role": "national_analyst",
            "officer": "B\x00-1",
            "email": "a\x00@b.kz",
        },
    )
    assert answer.status_code == 422
    assert {"officer", "email"} <= set(_errors(answer.content.decode()))
    bad_name = client.post("/users/new/", {"username": "nul\x00user", "role": "national_analyst"})
    assert bad_name.status_code == 422 and "username" in _errors(bad_name.content.decode())
    assert not User.objects.filter(username__startswith="nul").exists()
    assert client.get("/users/", {"q": "ad\x00min", "region": "KZ\x00"}).status_code == 200
