"""Fixtures for thematic results: users of the roles that see or load them, file helpers."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from senim.core.models import Region, User


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = itertools.count(1)

    def make(role: str, **scope: Any) -> User:
        user = User(username=f"rs-{role}-{next(counter)}", role=role, **scope)
        user.set_password("secret-pass-1")
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    almaty = Region.objects.get(iso="KZ-75")
    return {
        "national": make_user("national_analyst"),
        "almaty": make_user("regional_analyst", region=almaty),
        "commander": make_user("supervisor", region=almaty),
        "inspector_free": make_user("npm_monitor"),
        "admin": make_user("administrator"),
    }


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def csv_file(text: str, name: str = "rows.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name  # type: ignore[attr-defined]
    return handle
