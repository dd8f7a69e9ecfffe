"""Attachments are kept with the visit; one over the size limit gets a clear error and stores
nothing, through the API and through the page alike."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from senim.core.models import User
from senim.oversight import services
from senim.oversight.errors import TooLarge
from senim.oversight.models import Attachment
from tests.oversight.conftest import RecordVisit, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 1000)
    return 1000


def test_a_file_within_the_limit_is_kept_with_its_hash(
    world: World, record_visit: RecordVisit, small_limit: int
) -> None:
    visit = record_visit()
    item = services.add_attachment(user=world.monitor_a, visit_id=visit.pk, name="cell4.jpg",
                                   content_type="image/jpeg", size=3, handle=io.BytesIO(b"abc"))  # fmt: skip
    assert (item.size, bytes(item.content)) == (3, b"abc")
    assert item.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    world: World,
    record_visit: RecordVisit,
    small_limit: int,
    token_client: Callable[[User], Client],
    session_client: Callable[[User], Client],
) -> None:
    visit = record_visit()
    with pytest.raises(TooLarge):
        services.add_attachment(user=world.monitor_a, visit_id=visit.pk, name="big.bin", content_type="",
                                size=1001, handle=io.BytesIO(b"x" * 1001))  # fmt: skip
    # A client that understates the size is caught by reading one byte past the limit.
    with pytest.raises(TooLarge):
        services.add_attachment(user=world.monitor_a, visit_id=visit.pk, name="big.bin", content_type="",
                                size=10, handle=io.BytesIO(b"x" * 1001))  # fmt: skip

    upload = SimpleUploadedFile("big.pdf", b"x" * 2000, content_type="application/pdf")
    response = token_client(world.monitor_a).post(
        f"/api/oversight/visits/{visit.pk}/attachments", {"file": upload}
    )
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert (
        error["field"] == "file" and "2000 bytes" in error["message"] and "1000" in error["message"]
    )

    page = session_client(world.monitor_a)
    upload = SimpleUploadedFile("big.pdf", b"x" * 2000, content_type="application/pdf")
    response = page.post(
        f"/oversight/visits/{visit.pk}/attachments/", {"file": upload}, follow=True
    )
    assert "limited to 1000 bytes" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_member_of_another_group_cannot_attach(world: World, record_visit: RecordVisit) -> None:
    visit = record_visit()
    with pytest.raises(services.NotFound):
        services.add_attachment(user=world.monitor_b, visit_id=visit.pk, name="a", content_type="",
                                size=1, handle=io.BytesIO(b"a"))  # fmt: skip
