"""The repeats pages speak Kazakh, Russian and English: every message of the analytics centre's own
catalogue (senim/analysis/locale, the repeats' messages) is translated, without Latin words
beyond the p of a p-value, the Kazakh is not the Russian, and the pages as rendered in kk / ru
carry no English sentence of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from senim.core.models import User
from tests import catalogues
from tests.analysis.repeats_fixture import Repeats, lay_repeats, query
from tests.register.conftest import Territory

ANALYSIS_EN = Path(__file__).resolve().parents[2] / "senim/analysis/locale/en/LC_MESSAGES/django.po"
LATIN_ALLOWED = {"p", "CSV"}
SAME_AS_ENGLISH: set[str] = set()
SAME_IN_KK_AND_RU: set[str] = set()
# Shared with the project catalogue, whose Kazakh keeps the loanword «экспорт».
LOANWORDS = {"Unknown export format."}


@pytest.fixture(scope="module")
def texts() -> catalogues.Texts:
    return catalogues.texts(catalogues.messages(ANALYSIS_EN, at_least=90), [])


@pytest.mark.parametrize("language", catalogues.LANGUAGES)
def test_every_repeats_message_is_translated(language: str, texts: catalogues.Texts) -> None:
    catalogues.assert_translated(
        texts, language, allowed_latin=LATIN_ALLOWED, same_as_english=SAME_AS_ENGLISH
    )


def test_the_kazakh_is_not_russian(texts: catalogues.Texts) -> None:
    own = [(name, by_language) for name, by_language in texts if name not in LOANWORDS]
    catalogues.assert_kazakh_not_russian(own, same_in_kk_and_ru=SAME_IN_KK_AND_RU)


def test_the_checks_would_catch_a_missing_translation() -> None:
    with translation.override("kk"):
        assert translation.gettext("Repeats and near repeats") != "Repeats and near repeats"
        assert (
            translation.gettext("Near repeats: the Knox test") == "Жақын қайталанулар: Нокс сынағы"
        )


def _sentences() -> list[str]:
    """English messages long enough to be told apart from a number or a code on a page."""
    import polib

    return [
        e.msgid
        for e in polib.pofile(str(ANALYSIS_EN))
        if len(e.msgid.split()) >= 2 and "%" not in e.msgid and "'" not in e.msgid
    ]


@pytest.fixture
def fixture(territory: Territory) -> Repeats:
    return lay_repeats(territory)


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("kk", "Қайталанулар және жақын қайталанулар"),
        ("ru", "Повторы и близкие повторы"),
        ("en", "Repeats and near repeats"),
    ],
)
def test_the_pages_in_each_language(
    fixture: Repeats,
    users: dict[str, User],
    session_client: Any,
    language: str,
    heading: str,
) -> None:
    client = session_client(users["prosecutor_a"])  # sees people too: every section shows
    client.cookies["django_language"] = language
    urls = [
        f"/analytics/repeats/?{query()}",
        f"/analytics/repeats/places/{fixture.place_a_key}/?{query()}",
        f"/analytics/repeats/people/{fixture.v1.pk}/?{query(group='victims')}",
    ]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    assert heading in bodies[0]
    if language == "en":
        return
    text = re.sub(r"<[^>]+>", " ", " ".join(bodies))
    left = [s for s in _sentences() if s in text]
    assert not left, f"English left on the {language} pages: {left}"
    # Errors too: a bad value is refused in the reader's language.
    response = client.get(f"/analytics/repeats/?{query(permutations='5')}")
    with translation.override(language):
        expected = translation.gettext("Must be a whole number between %(low)s and %(high)s.")
    assert expected % {"low": 19, "high": 999} in response.content.decode()
