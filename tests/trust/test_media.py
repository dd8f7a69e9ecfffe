"""Media items: entered by hand, from CSV, RSS or Atom; classified; corrected; counted."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from senim.core.models import Region, Unit
from senim.trust import classifier
from senim.trust.errors import Conflict, FileRejected, Invalid, NotFound
from senim.trust.models import MediaItem, MediaResponse, MediaTopic, ToneModel
from senim.trust.services.media import (
    add_item,
    correct_tone,
    critical_counts,
    get_item,
    import_items,
)

BRIBE_KK = "Павлодар қаласында жол полициясының инспекторы жүргізушіден 200 000 теңге пара алған кезде ұсталды."
RESCUE_RU = "В Таразе сотрудник патрульной полиции вынес из горящего дома двоих детей."

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Demo Lenta</title>
<item><title>{RESCUE_RU}</title><link>https://example.org/a/1</link><guid>a-1</guid>
<pubDate>Tue, 05 Mar 2024 10:15:00 +0500</pubDate><description>Жители благодарят полицейских.</description></item>
<item><title>{BRIBE_KK}</title><link>https://example.org/a/2</link><guid>a-2</guid>
<pubDate>Wed, 06 Mar 2024 09:00:00 +0500</pubDate></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Demo Atom</title>
<entry><id>urn:demo:1</id><title>{BRIBE_KK}</title><updated>2024-04-01T08:00:00Z</updated>
<link href="https://example.org/b/1"/><summary>Сыбайлас жемқорлыққа қарсы қызмет тексеріс жүргізуде.</summary></entry>
</feed>"""


def _file(text: str, name: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def _fields(**extra):
    return {
        "source": "hand",
        "title": BRIBE_KK,
        "published_at": "2024-03-01T12:00",
        "region": "KZ-55",
    } | extra


def test_a_hand_entered_item_is_classified_with_its_words_and_topics(users) -> None:
    saved = add_item(user=users["national"], fields=_fields())
    item = MediaItem.objects.get(pk=saved.id)
    assert (
        saved.created
        and item.language == "kk"
        and item.language_detail["kazakh_letter_share"] > 0.05
    )
    assert item.tone == item.final_tone == "negative"
    assert "пара" in [w for w, _ in item.tone_evidence]
    codes = {t["code"] for t in item.topics}
    assert "bribery" in codes and "road_accident" not in codes
    assert set(MediaTopic.objects.filter(item=item).values_list("topic", flat=True)) == codes
    assert MediaResponse.objects.get(item=item).state == "to_verify"  # critical: a case opens


def test_the_same_item_twice_is_recognised_and_a_changed_one_is_a_conflict(users) -> None:
    first = add_item(user=users["national"], fields=_fields(external_id="x-1"))
    again = add_item(user=users["national"], fields=_fields(external_id="x-1"))
    assert again == type(first)(first.id, False)
    with pytest.raises(Conflict):
        add_item(user=users["national"], fields=_fields(external_id="x-1", title="Другой текст"))


def test_bad_fields_are_named(users) -> None:
    with pytest.raises(Invalid) as caught:
        add_item(user=users["national"], fields=_fields(title="x" * 501))
    assert (caught.value.field, caught.value.message) == ("title", "is longer than 500 characters")
    with pytest.raises(Invalid, match="unknown region code"):
        add_item(user=users["national"], fields=_fields(region="KZ-00"))
    with pytest.raises(Invalid) as caught:
        add_item(user=users["almaty"], fields=_fields(region="KZ-71"))
    assert caught.value.message == "the item is outside your region"


def test_an_rss_feed_loads_with_its_dates_and_tones(users) -> None:
    summary = import_items(
        user=users["national"], handle=_file(RSS, "feed.xml"), filename="feed.xml", region="KZ-31"
    )
    assert (summary.created, summary.unchanged, summary.critical) == (2, 0, 1)
    rescue = MediaItem.objects.get(external_id="a-1")
    assert (
        rescue.source == "Demo Lenta" and rescue.region.iso == "KZ-31" and rescue.language == "ru"
    )
    assert rescue.final_tone == "positive" and "rescue" in {t["code"] for t in rescue.topics}
    assert rescue.published_at == dt.datetime(2024, 3, 5, 5, 15, tzinfo=dt.UTC)
    again = import_items(
        user=users["national"], handle=_file(RSS, "feed.xml"), filename="feed.xml", region="KZ-31"
    )
    assert (again.created, again.unchanged) == (0, 2)


def test_an_atom_feed_loads(users) -> None:
    summary = import_items(
        user=users["national"], handle=_file(ATOM, "f.atom"), filename="f.atom", region="KZ-55"
    )
    item = MediaItem.objects.get(external_id="urn:demo:1")
    assert (
        summary.created == 1
        and item.url == "https://example.org/b/1"
        and item.final_tone == "negative"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "<rss><channel><item><title>x</title></channel></rss>",
            "The feed is not well-formed XML (line 1, column",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel/></rss>',
            "The feed declares entities or a DTD, which are refused.",
        ),
        ("<html><body>no</body></html>", "The XML is neither an RSS 2.0 nor an Atom feed."),
    ],
)
def test_malformed_or_hostile_feeds_are_refused(users, content: str, message: str) -> None:
    with pytest.raises(FileRejected) as caught:
        import_items(user=users["national"], handle=_file(content, "f.xml"), filename="f.xml")
    assert caught.value.errors[0].message.startswith(message)
    assert not MediaItem.objects.exists()


def test_a_csv_with_one_bad_row_stores_nothing(users) -> None:
    csv_text = (
        "source,external_id,url,title,text,published_at,region\n"
        f"s,1,https://e.org/1,{RESCUE_RU},,2024-05-01T10:00,KZ-75\n"
        "s,2,ftp://e.org/2,Полиция сообщила,,2024-05-01T10:00,KZ-75\n"
        "s,3,,,,yesterday,KZ-99\n"
    )
    with pytest.raises(FileRejected) as caught:
        import_items(user=users["national"], handle=_file(csv_text, "m.csv"), filename="m.csv")
    got = [(e.row, e.field, e.message) for e in caught.value.errors]
    assert got == [(3, "url", "must start with http:// or https://"), (4, "title", "is required")]
    assert not MediaItem.objects.exists()


def test_a_correction_counts_at_once_and_trains_the_next_model(users) -> None:
    saved = add_item(
        user=users["national"], fields=_fields(title="Полиция провела брифинг для журналистов.")
    )
    item = correct_tone(user=users["national"], item_id=saved.id, tone="negative")
    assert item.final_tone == "negative" and item.corrected_by == users["national"].username
    assert MediaResponse.objects.filter(item=item, state="to_verify").exists()
    model = classifier.train(evaluate_first=False)
    assert model.n_corrections == 1 and ToneModel.objects.count() == 1
    assert classifier.corrections() == [("Полиция провела брифинг для журналистов.", "negative")]
    back = correct_tone(user=users["national"], item_id=saved.id, tone="neutral")
    assert back.final_tone == "neutral" and not MediaResponse.objects.filter(item=item).exists()


def test_critical_items_are_counted_by_month_region_and_unit(users) -> None:
    region = Region.objects.get(iso="KZ-55")
    unit = Unit.objects.create(
        kind="regional_department", region=region, name_kk="u", name_ru="u", name_en="Unit P"
    )
    for i, when in enumerate(
        ["2024-01-31T20:00:00+00:00", "2024-02-10T10:00", "2024-02-11T10:00", "2023-12-01T10:00"]
    ):
        add_item(
            user=users["national"],
            fields=_fields(external_id=f"c{i}", published_at=when, unit=str(unit.pk)),
        )
    add_item(
        user=users["national"], fields=_fields(external_id="p", title=RESCUE_RU, unit=str(unit.pk))
    )
    (row,) = critical_counts(user=users["national"], year=2024)
    assert row.region == region and row.unit == unit
    # 31 January 20:00 UTC is 1 February in Almaty.
    assert row.months[:3] == [0, 3, 0] and row.total == 3
    assert critical_counts(user=users["almaty"], year=2024) == []


def test_items_outside_the_scope_read_as_missing(users) -> None:
    saved = add_item(user=users["national"], fields=_fields())
    assert get_item(user=users["national"], item_id=saved.id).pk == saved.id
    with pytest.raises(NotFound):
        get_item(user=users["almaty"], item_id=saved.id)


def test_the_api_names_each_field_at_fault(users, api_for) -> None:
    client = api_for(users["national"])
    body = {"source": "s" * 121, "title": "", "published_at": "soon", "region": "KZ-55"}
    reply = client.post("/api/trust/media", json.dumps(body), content_type="application/json")
    assert reply.status_code == 422
    assert {e["field"] for e in reply.json()["errors"]} == {"source", "title", "published_at"}
    body = {
        "source": "s",
        "title": BRIBE_KK,
        "published_at": "2024-03-01T10:00:00+05:00",
        "region": "KZ-55",
    }
    reply = client.post("/api/trust/media", json.dumps(body), content_type="application/json")
    assert reply.status_code == 201
    item = client.get(f"/api/trust/media/{reply.json()['id']}").json()
    assert (
        item["tone"] == "negative"
        and item["response_state"] == "to_verify"
        and "bribery" in item["topics"]
    )
    reply = client.post(f"/api/trust/media/{item['id']}/tone", json.dumps({"tone": "angry"}),
                        content_type="application/json")  # fmt: skip
    assert reply.status_code == 422 and reply.json()["errors"][0]["field"] == "tone"
    upload = _file("<rss><channel>", "bad.xml")
    reply = client.post("/api/trust/media/import", {"file": upload})
    assert reply.status_code == 422 and reply.json()["errors"][0]["row"] == 0
