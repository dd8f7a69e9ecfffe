"""Internal security's pages speak Kazakh and Russian: no English is left on a kk/ru page.

Every msgid extracted from senim/integrity (its English catalogue is the full list) and every
choice label of an officer's file, a complaint against officers, discipline, early intervention
and staff welfare must come back translated, different from the English, without Latin words,
and the Kazakh without Russian text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from senim.integrity import services
from senim.integrity.models import (
    AppealOutcome,
    CommendationKind,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    Course,
    Duty,
    DutyMonth,
    Finding,
    FlagStatus,
    InterventionKind,
    MeasureKind,
    ModelStatus,
    Outcome,
    Rank,
    ServiceStatus,
    SupportKind,
    Training,
)
from tests import catalogues
from tests.integrity.conftest import Staff, complaint_form

INTEGRITY = Path(__file__).resolve().parents[2] / "senim/integrity"
INTEGRITY_EN = INTEGRITY / "locale/en/LC_MESSAGES/django.po"
CHOICES = [
    Rank,
    Duty,
    ServiceStatus,
    Course,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    Finding,
    MeasureKind,
    AppealOutcome,
    CommendationKind,
    ModelStatus,
    FlagStatus,
    InterventionKind,
    Outcome,
    SupportKind,
]
LANGUAGES = catalogues.LANGUAGES
RUSSIAN_ONLY = catalogues.RUSSIAN_ONLY

# E-Otinish (the state's e-appeals service) and PCL-5 (the screening checklist) keep their own
# names in every language; the Latin check splits them at the hyphen.
LATIN_ALLOWED = {"Senim", "E", "Otinish", "PCL"}
SAME_AS_ENGLISH = {"E-Otinish", "ComplaintSource.e_otinish"}
SAME_IN_KK_AND_RU = {"E-Otinish", "модель"}


@pytest.fixture(scope="module")
def texts() -> catalogues.Texts:
    return catalogues.texts(catalogues.messages(INTEGRITY_EN, at_least=300), CHOICES)


def _latin(text: str) -> set[str]:
    return catalogues.latin(text, LATIN_ALLOWED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_integrity_message_and_choice_label_is_translated(
    language: str, texts: catalogues.Texts
) -> None:
    catalogues.assert_translated(
        texts, language, allowed_latin=LATIN_ALLOWED, same_as_english=SAME_AS_ENGLISH
    )


def test_the_kazakh_is_not_russian(texts: catalogues.Texts) -> None:
    catalogues.assert_kazakh_not_russian(texts, same_in_kk_and_ru=SAME_IN_KK_AND_RU)


def test_the_checks_would_catch_a_missing_translation() -> None:
    """The test is not vacuous: an unknown message comes back in English, and the checks see it."""
    with translation.override("kk"):
        assert translation.gettext("Complaints against officers") != "Complaints against officers"
        assert translation.gettext("A message nobody translated") == "A message nobody translated"
    assert _latin("A message nobody translated")
    assert not _latin("%(badge)s қызметкері, E-Otinish")
    assert _latin("%(n)s working days")
    assert RUSSIAN_ONLY.search("Объяснение") and not RUSSIAN_ONLY.search("Қызметтік тексеру")


# --- the pages ----------------------------------------------------------------------------------

LIST_WORDS = {
    "kk": [
        "Қызметкерлерге шағымдар",
        "Шағымды тіркеу",
        "Ерте араласу",
        "пара алу немесе қорқытып алу",
        "тіркелді",
        "мерзімі өткен",
    ],
    "ru": [
        "Жалобы на сотрудников",
        "Зарегистрировать жалобу",
        "Раннее вмешательство",
        "взяточничество или вымогательство",
        "просрочено",
    ],
}
FILE_WORDS = {
    "kk": [
        "Қызметкер T-00001",
        "полиция капитаны",
        "патрульдік қызмет",
        "Тәртіптік жазалар",
        "сөгіс",
        "жаза күшінде қалдырылды",
        "Көтермелеулер",
        "алғыс хат",
        "адам құқықтары және азаптауға тыйым салу",
        "расталды",
    ],
    "ru": [
        "Сотрудник T-00001",
        "капитан полиции",
        "патрульная служба",
        "Дисциплинарные взыскания",
        "выговор",
        "взыскание оставлено в силе",
        "Поощрения",
        "благодарственное письмо",
        "права человека и запрет пыток",
        "подтвердилась",
    ],
}
ENGLISH = [
    # the complaints list
    "Complaints against officers",
    "Register a complaint",
    "Number or badge",
    "past its term",
    "No complaint matches these filters.",
    "rudeness",
    "bribery or extortion",
    "internal check",
    "finding made",
    "overdue",
    "Early intervention",
    "How the ranking is judged",
    # the officer's file
    "captain of police",
    "patrol service",
    "Your reading of this file",
    "Years in the police",
    "Human-rights training",
    "Workload, last 12 months",
    "Longest stretch without rest",
    "human rights and the prohibition of torture",
    "Disciplinary measures",
    "reprimand",
    "measure upheld",
    "sustained",
    "Commendations",
    "letter of gratitude",
    "Impose a disciplinary measure",
    "Record a commendation",
    "warning of incomplete conformity",
    "certificate of honour",
]


@pytest.fixture
def file_with_history(staff: Staff) -> Staff:
    """T-00001 with a sustained complaint, a reprimand upheld on appeal, a commendation, a
    course and a month of duty; a second complaint past its answer term stays open. The free
    texts are Kazakh, so that any English on the pages is a label left untranslated."""
    today = timezone.localdate()
    complaint = services.complaint_register(user=staff.security, form=complaint_form(staff))
    services.complaint_start_check(user=staff.security, pk=complaint.pk)
    services.complaint_record_finding(
        user=staff.security,
        pk=complaint.pk,
        form={"finding": "sustained", "finding_basis": "Video of the checkpoint."},
    )
    measure = services.measure_impose(
        user=staff.security,
        form={
            "officer": "T-00001",
            "kind": "reprimand",
            "basis": "Қызметтік тексеру материалдары.",
            "imposed_on": today.isoformat(),
            "complaint": complaint.pk,
        },
    )
    services.measure_appeal(
        user=staff.security,
        pk=measure.pk,
        form={"appealed_on": today.isoformat(), "appeal_outcome": "upheld"},
    )
    services.complaint_close(user=staff.security, pk=complaint.pk)
    services.commendation_give(
        user=staff.security,
        form={
            "officer": "T-00001",
            "kind": "gratitude",
            "given_on": today.isoformat(),
            "basis": "Өзеннен адам құтқарғаны үшін.",
        },
    )
    Training.objects.create(
        officer=staff.a1, course=Course.HUMAN_RIGHTS, completed_on=dt.date(2025, 5, 20), hours=16
    )
    DutyMonth.objects.create(
        officer=staff.a1,
        month=today.replace(day=1),
        shifts=20,
        overtime_hours=30,
        longest_without_rest=8,
        sick_days=1,
    )
    late = complaint_form(
        staff, kind="bribery", received_on=(today - dt.timedelta(days=60)).isoformat()
    )
    services.complaint_register(user=staff.security, form=late)
    return staff


LABEL_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder)="([^"]*)"')
TAG = re.compile(r"<[^>]*>")


def _page(client: Client, url: str, language: str, settings: Any) -> str:
    """What a reader of the page reads: its text and the labels a screen reader speaks (not
    the values of form options or class names, which stay English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<html lang="{language}">' in html
    return " ".join([TAG.sub(" ", html), *LABEL_ATTRIBUTE.findall(html)])


@pytest.mark.kazakh_default
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_complaints_and_the_officers_file_are_in_the_chosen_language(
    language: str, file_with_history: Staff, settings: Any
) -> None:
    client = Client()
    client.force_login(file_with_history.security)
    listing = _page(client, reverse("integrity-complaints"), language, settings)
    officer = _page(client, reverse("integrity-officer", args=["T-00001"]), language, settings)
    for word in LIST_WORDS[language]:
        assert word in listing, word
    for word in FILE_WORDS[language]:
        assert word in officer, word
    for english in ENGLISH:
        assert english not in listing, english
        assert english not in officer, english
