"""Media items are written in the analyst's own region and say nothing of other regions' (issue 16
item 6): an item of another region is refused by its region, and another region's item resent
under the same key is a conflict with the same field and message as other content, not its id."""

from __future__ import annotations

from typing import Any

import pytest

from senim.trust.errors import Conflict, Invalid
from senim.trust.models import MediaItem
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
