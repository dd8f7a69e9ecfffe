"""Media items are written in the analyst's own region and say nothing of other regions' (issue 16
item 6): an item of another region is refused by its region, and another region's item resent
under the same key is a conflict with the same field and message as other content, not its id."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from senim.trust.errors import Conflict, Invalid
from senim.trust.models import MediaItem, MediaResponse
from senim.trust.services.media import add_item

pytestmark = pytest.mark.django_db
TITLE = "Полиция қызметкері пара алды"


def _fields(**extra: Any) -> dict[str, Any]:
    return {
        "source": "hand",
        "external_id": "m-1",
        "title": TITLE,
        "published_at": "2024-03-01T12:00",
        "region": "KZ-71",
    } | extra


def test_an_item_of_another_region_is_refused_by_its_region(users: Any) -> None:
    with pytest.raises(Invalid) as refused:
        add_item(user=users["almaty"], fields=_fields())
    assert refused.value.field == "region"
    assert not MediaItem.objects.exists()


def test_another_regions_key_is_a_conflict_like_other_content(users: Any) -> None:
    theirs = add_item(user=users["astana"], fields=_fields())
    with pytest.raises(Conflict) as elsewhere:
        add_item(user=users["almaty"], fields=_fields(region="KZ-75"))
    mine = add_item(user=users["almaty"], fields=_fields(external_id="m-2", region="KZ-75"))
    with pytest.raises(Conflict) as at_home:
        add_item(
            user=users["almaty"],
            fields=_fields(external_id="m-2", region="KZ-75", url="https://example.kz/other"),
        )
    assert (elsewhere.value.field, elsewhere.value.message) == (
        at_home.value.field,
        at_home.value.message,
    )
    assert str(theirs.id) not in elsewhere.value.message and mine.created
    assert MediaItem.objects.count() == 2


def _csv(*rows: str) -> io.BytesIO:
    handle = io.BytesIO(
        ("source,external_id,title,published_at,region\n" + "\n".join(rows)).encode()
    )
    handle.name = "items.csv"
    return handle


def test_a_file_of_another_regions_items_or_keys_is_refused_by_row(
    users: Any, api_for: Any
) -> None:
    """Almaty's analyst loads a file: rows of Astana, stated per row or for the whole file, are
    refused by their region; a row under Astana's key gets the error of a key loaded with other
    content at home; nothing of the file is stored."""
    theirs = add_item(user=users["astana"], fields=_fields())
    add_item(user=users["almaty"], fields=_fields(external_id="m-2", region="KZ-75"))
    client = api_for(users["almaty"])
    row = f"hand,m-9,{TITLE},2024-03-01T12:00"

    def load(handle: io.BytesIO, **form: str) -> Any:
        reply = client.post("/api/trust/media/import", {"file": handle, **form})
        assert reply.status_code == 422, reply.content
        return reply.json()["errors"]

    both = _csv(f"{row},KZ-75", f"hand,m-10,{TITLE},2024-03-01T12:00,KZ-71")
    # The file's third line (its second item) is refused; the whole file is not stored.
    assert [(e["row"], e["field"]) for e in load(both)] == [(3, "region")]
    assert {e["field"] for e in load(_csv(f"{row},"), region="KZ-71")} == {"region"}
    elsewhere = load(_csv(f"hand,m-1,{TITLE},2024-03-01T12:00,KZ-75"))
    at_home = load(_csv(f"hand,m-2,{TITLE} (corrected),2024-03-01T12:00,KZ-75"))
    assert [(e["row"], e["field"], e["message"]) for e in elsewhere] == [
        (e["row"], e["field"], e["message"]) for e in at_home
    ]
    assert str(theirs.id) not in json.dumps(elsewhere)
    assert MediaItem.objects.count() == 2


def test_another_regions_item_takes_no_tone_and_reads_as_missing(users: Any, api_for: Any) -> None:
    theirs = add_item(user=users["astana"], fields=_fields(title="Полиция ұрлықшыны ұстады"))
    client = api_for(users["almaty"])
    responses = MediaResponse.objects.count()

    def tone(item_id: int) -> Any:
        return client.post(
            f"/api/trust/media/{item_id}/tone",
            json.dumps({"tone": "negative"}),
            content_type="application/json",
        )

    unknown, answer = tone(10**9), tone(theirs.id)
    assert unknown.status_code == answer.status_code == 404
    assert answer.json() == unknown.json()
    item = MediaItem.objects.get(pk=theirs.id)
    assert item.corrected_tone in ("", None) and not item.corrected_by
    assert MediaResponse.objects.count() == responses
