"""Pages come in Kazakh by default and switch to Russian or English on request."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.kazakh_default]


def test_the_login_page_is_kazakh_by_default_and_switches_language() -> None:
    client = Client()
    assert "Құпия сөз" in client.get("/login/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/login/"}, follow=True)
    assert "Пароль" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Password" in client.get("/login/").content.decode()


def test_validation_errors_follow_the_language() -> None:
    from django.utils import translation

    from senim.core.iin import InvalidIIN, parse_iin

    for language, text in [("kk", "12 цифрдан"), ("ru", "12 цифр"), ("en", "12 digits")]:
        with translation.override(language):
            with pytest.raises(InvalidIIN) as error:
                parse_iin("123")
            assert text in str(error.value)


def test_numbers_are_grouped_the_kazakh_way() -> None:
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    with translation.override("kk"):
        assert floatformat(1234567.24, "1g") == "1\xa0234\xa0567,2"
    with translation.override("ru"):
        assert floatformat(1234567.24, "1g") == "1\xa0234\xa0567,2"
