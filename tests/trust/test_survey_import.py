"""Responses load from CSV or XLSX all at once or not at all, every error with row and reason."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from senim.trust.errors import FileRejected, Forbidden
from senim.trust.models import Answer, Respondent
from senim.trust.services.surveys import load_responses
from tests.trust.conftest import HEADER, csv_file

GOOD = [
    "r1,KZ-75,F,urban,34,trust,,4,0",
    "r2,KZ-71,M,urban,61,partly,corrupt;media,3,2",
    "r3,KZ-35,F,rural,19,not,fear,1,",
]


def test_a_valid_csv_stores_every_respondent_and_answer(users, survey) -> None:
    result = load_responses(
        user=users["national"], survey=survey, handle=csv_file(*GOOD), filename="r.csv"
    )
    assert result.respondents == 3
    # r1: trust, pj, contacts (3); r2: trust, 2 reasons, pj, contacts (5); r3: trust, reason, pj (3)
    assert result.answers == 11 == Answer.objects.count()
    r2 = Respondent.objects.get(external_id="r2")
    assert (r2.region.iso, r2.sex, r2.settlement, r2.age_band) == ("KZ-71", "M", "urban", "60+")
    reasons = Answer.objects.filter(respondent=r2, item__code="distrust_reasons")
    assert sorted(a.option.code for a in reasons) == ["corrupt", "media"]
    assert Answer.objects.get(respondent=r2, item__code="police_contacts").number == 2


def test_an_xlsx_workbook_loads_like_the_csv(users, survey) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in GOOD:
        sheet.append([int(v) if v.isdigit() else (v or None) for v in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = load_responses(user=users["national"], survey=survey, handle=buffer, filename="r.xlsx")
    assert result.respondents == 3 and Respondent.objects.filter(survey=survey).count() == 3


def test_every_bad_row_is_reported_and_nothing_is_stored(users, survey) -> None:
    lines = [
        *GOOD,
        "r4,KZ-99,X,town,12,always,corrupt,9,-1",
        "r1,KZ-75,F,urban,40,trust,,,",
        "r6,KZ-75,F,urban,40,trust,corrupt,,",
        "r7,KZ-75,F,urban,40,partly,corrupt;corrupt,,",
        "r8,KZ-75,F,urban,40,partly;trust,,,abc",
    ]
    with pytest.raises(FileRejected) as caught:
        load_responses(
            user=users["national"], survey=survey, handle=csv_file(*lines), filename="r.csv"
        )
    got = {(e.row, e.field): e.message for e in caught.value.errors}
    assert got[(5, "region")] == "unknown region code KZ-99"
    assert got[(5, "sex")] == "must be M or F"
    assert got[(5, "settlement")] == "must be urban or rural"
    assert got[(5, "age")] == "must be a whole number from 18 to 110"
    assert got[(5, "trust_police")] == "unknown answer code always"
    assert got[(5, "pj_voice")] == "unknown answer code 9"
    assert got[(5, "police_contacts")] == "must lie between 0 and 100"
    assert got[(6, "respondent_id")] == "appears twice in the file"
    assert "is asked only when trust_police is one of" in got[(7, "distrust_reasons")]
    assert got[(8, "distrust_reasons")] == "the same answer is given twice"
    assert got[(9, "trust_police")] == "takes one answer only"
    assert got[(9, "police_contacts")] == "is not a number"
    assert Respondent.objects.count() == 0 and Answer.objects.count() == 0


def test_an_unknown_item_code_in_the_header_refuses_the_file(users, survey) -> None:
    with pytest.raises(FileRejected) as caught:
        load_responses(
            user=users["national"], survey=survey, filename="r.csv",
            handle=csv_file("r1,KZ-75,F,urban,30,4", header="respondent_id,region,sex,settlement,age,q99"),
        )  # fmt: skip
    (error,) = caught.value.errors
    assert (error.row, error.field) == (1, "q99")
    assert error.message == "unknown item code: not in questionnaire test-q"


def test_an_oversized_field_and_a_malformed_csv_are_refused(users, survey) -> None:
    with pytest.raises(FileRejected) as caught:
        load_responses(user=users["national"], survey=survey, filename="r.csv",
                       handle=csv_file("x" * 500 + ",KZ-75,F,urban,30,trust,,,"))  # fmt: skip
    assert caught.value.errors[0].message == "the value is longer than 200 characters"
    with pytest.raises(FileRejected) as caught:
        load_responses(user=users["national"], survey=survey, filename="r.csv",
                       handle=csv_file("r1,KZ-75,F,urban,30,trust,,,,,extra"))  # fmt: skip
    assert caught.value.errors[0].message == "has 11 columns, the header has 9"
    with pytest.raises(FileRejected) as caught:
        load_responses(user=users["national"], survey=survey, filename="r.csv",
                       handle=io.BytesIO(b"\xff\xfe\x00bad"))  # fmt: skip
    assert caught.value.errors[0].message == "The file is not UTF-8 text."


def test_a_respondent_is_loaded_once(users, survey) -> None:
    load_responses(user=users["national"], survey=survey, handle=csv_file(*GOOD), filename="r.csv")
    with pytest.raises(FileRejected) as caught:
        load_responses(
            user=users["national"], survey=survey, handle=csv_file(GOOD[0]), filename="r.csv"
        )
    assert caught.value.errors[0].message == "is already loaded in this survey"


def test_only_national_roles_load_survey_files(users, survey) -> None:
    with pytest.raises(Forbidden):
        load_responses(
            user=users["almaty"], survey=survey, handle=csv_file(*GOOD), filename="r.csv"
        )


def test_the_api_answers_a_rejected_file_with_rows_and_fields(users, survey, api_for) -> None:
    client = api_for(users["national"])
    upload = csv_file("r1,KZ-75,F,urban,30,sometimes,,,")
    upload.name = "r.csv"
    reply = client.post("/api/trust/surveys/test-2024/responses", {"file": upload})
    assert reply.status_code == 422
    assert reply.json() == {
        "errors": [{"field": "trust_police", "message": "unknown answer code sometimes", "row": 2}]
    }
    ok = csv_file(*GOOD)
    ok.name = "r.csv"
    reply = client.post("/api/trust/surveys/test-2024/responses", {"file": ok})
    assert reply.status_code == 200 and reply.json() == {"respondents": 3, "answers": 11}
