"""The trust pages: signed-in analysts only, scoped, in Kazakh, Russian and English."""

from __future__ import annotations

import pytest
from django.utils import translation

from senim.trust import demo_data
from senim.trust.models import MediaItem


@pytest.fixture
def world(users):
    # A small demo world: every page has something to show, in a fraction of the time.
    demo_data.build_sized(seed=7, years=[2023, 2024], respondents=400, media_share=0.05)


def test_a_visitor_is_sent_to_sign_in(client, db) -> None:
    reply = client.get("/trust/")
    assert reply.status_code == 302 and "/login/" in reply["Location"]


def test_roles_outside_the_trust_work_are_refused(users, client_for) -> None:
    reply = client_for(users["duty"]).get("/trust/")
    assert reply.status_code == 403 and b"Your role may not do this." in reply.content


def test_every_page_renders_for_a_national_analyst(world, users, client_for) -> None:
    client = client_for(users["national"])
    item = MediaItem.objects.filter(final_tone="negative").first()
    for url in ["/trust/", "/trust/surveys/", "/trust/surveys/demo-trust-2024/",
                "/trust/media/?tone=negative&topic=bribery", f"/trust/media/{item.pk}/",
                "/trust/media/critical/?year=2024"]:  # fmt: skip
        reply = client.get(url)
        assert reply.status_code == 200, url
    page = client.get("/trust/media/critical/?year=2024").content.decode()
    critical = MediaItem.objects.filter(final_tone="negative", published_at__year=2024).count()
    assert f'id="critical-total">{critical}<' in page
    survey = client.get("/trust/surveys/demo-trust-2024/").content.decode()
    assert "64.3" in survey and "Design effect of weighting" in survey  # the seed's, beside ours


def test_a_regional_analyst_sees_only_their_region(world, users, client_for) -> None:
    page = client_for(users["almaty"]).get("/trust/").content.decode()
    assert page.count("data-region=") == 1 and 'data-region="KZ-75"' in page
    other = MediaItem.objects.exclude(region__iso="KZ-75").first()
    assert client_for(users["almaty"]).get(f"/trust/media/{other.pk}/").status_code == 404


def test_bad_input_gets_a_clear_error(world, users, client_for) -> None:
    client = client_for(users["national"])
    assert client.get("/trust/media/critical/?year=abc").status_code == 422
    assert client.get("/trust/media/?month=2024-13").status_code == 422
    assert client.get("/trust/surveys/nope/").status_code == 404
    reply = client.post("/trust/media/", {"action": "add", "source": "s", "title": "x" * 600,
                                          "published_at": "2024-01-01T10:00"})  # fmt: skip
    assert reply.status_code == 422 and b"is longer than 500 characters" in reply.content


@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Полицияға деген сенім өңірлер бойынша"), ("ru", "Доверие к полиции по регионам"),
     ("en", "Trust in the police by region")],
)  # fmt: skip
def test_the_index_page_speaks_each_language(world, users, client_for, language, heading) -> None:
    client = client_for(users["national"])
    with translation.override(language):
        reply = client.get("/trust/", HTTP_ACCEPT_LANGUAGE=language)
    assert heading in reply.content.decode()


def test_a_survey_file_uploaded_on_the_page_lists_its_errors(world, users, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "r.csv", b"respondent_id,region,sex,settlement,age,trust_police\nx,KZ-75,F,urban,30,maybe\n"
    )
    reply = client_for(users["national"]).post(
        "/trust/surveys/demo-trust-2024/", {"action": "load", "file": upload}
    )
    assert reply.status_code == 422
    page = reply.content.decode()
    assert 'id="file-errors"' in page and "unknown answer code maybe" in page
