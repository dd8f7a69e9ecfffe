"""Fixtures for trust tests: users of the roles that matter, the full questionnaire, a survey."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from senim.core.api_auth import issue_token
from senim.core.models import Region, User
from senim.trust import classifier, instruments
from senim.trust.models import Questionnaire, Survey
from senim.trust.services.surveys import create_questionnaire

HEADER = (
    "respondent_id,region,sex,settlement,age,trust_police,distrust_reasons,pj_voice,police_contacts"
)


@pytest.fixture(autouse=True)
def _fresh_classifier_cache() -> Any:
    # The process cache points at a ToneModel id; each test database starts without one.
    classifier.forget()
    yield
    classifier.forget()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = itertools.count(1)

    def make(role: str, **scope: Any) -> User:
        user = User(username=f"{role}-{next(counter)}", role=role, **scope)
        user.set_password("secret-pass-1")
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    almaty = Region.objects.get(iso="KZ-75")
    district = almaty.districts.order_by("code").first()
    return {
        "national": make_user("national_analyst"),
        "admin": make_user("administrator"),
        "almaty": make_user("regional_analyst", region=almaty),
        "astana": make_user("regional_analyst", region=Region.objects.get(iso="KZ-71")),
        "duty": make_user("duty_officer", district=district),
    }


@pytest.fixture
def questionnaire(db: Any) -> Questionnaire:
    return create_questionnaire(
        code="test-q", titles=("kk", "ru", "en"), blocks=list(instruments.INSTRUMENTS)
    )


@pytest.fixture
def survey(questionnaire: Questionnaire) -> Survey:
    return Survey.objects.create(
        code="test-2024",
        questionnaire=questionnaire,
        title_kk="Т",
        title_ru="Т",
        title_en="Test",
        year=2024,
    )


def csv_file(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db: Any) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})

    return make
