"""Errors speak the site's language in its layout: a 404 and a 403 are pages of Senim with the
menu and a way back, in the reader's language; a 500 needs no database or template tags."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_senim_page_in_the_readers_language(settings: Any) -> None:
    client = Client()
    client.force_login(make_user("analyst", "national_analyst"))
    english = client.get("/no-such-page/")
    assert english.status_code == 404
    body = english.content.decode()
    assert "Page not found" in body and 'class="site-header"' in body and "main-nav" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    kazakh = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="kk")
    assert "Бет табылмады" in kazakh.content.decode()


def test_a_refusal_names_its_reason_in_the_layout() -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = make_user("insp", "national_analyst")
    with translation.override("ru"):
        response = defaults.permission_denied(
            request, PermissionDenied("Этот регион вне вашей территории.")
        )
    body = response.content.decode()
    assert response.status_code == 403
    assert "Доступ запрещён" in body and "Этот регион вне вашей территории." in body


def test_the_server_error_page_is_plain_html_in_three_languages() -> None:
    html = get_template("500.html").render({})
    assert "Сервер қатесі" in html and "Ошибка сервера" in html and "A server error" in html
    assert "{%" not in html and "static" not in html
