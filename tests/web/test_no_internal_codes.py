"""Users never see internal codes or notes (issue 16 item 12), judged on the server's HTML.

On a small synthetic demo (every app's demo data, as `senim demo` builds it) the test client
opens the open portal without signing in, then signs in as each main role and opens every menu
entry and, one link down inside each part, its tabs and one record page of each list (the same
choice of pages as tests/web/page_walk.py, without a browser). The text a reader sees (not
scripts, styles or attributes) must hold no seed citation ("seed 004"), no management command
("senim open_data") and no raw choice value of a model ("in_progress" where the label is "In
progress"): every snake_case word is one, since labels are written in words.

One test, so the demo is built once.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.page_walk import DOWNLOAD, SIGN_OUT, pattern

ROLES = ["analyst", "inspector", "duty", "prosecutor", "npm", "security", "psychologist", "admin"]

SEED_NOTE = re.compile(r"\bseed\s*0\d\d\b", re.IGNORECASE)
COMMAND = re.compile(r"\bsenim [a-z_]{3,}\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# Codes of the open datasets, documented for their readers on the open-data page.
DATASET_CODES = frozenset({"other_chapters"})


class _Text(HTMLParser):
    """The visible text of a page, one string per text node (scripts, styles, templates and
    `hidden` elements left out)."""

    # <code> shows what a user must type (a file's column names): identifiers on purpose.
    SKIP = {"script", "style", "template", "noscript", "code", "kbd", "samp"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its text hidden
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        hidden = tag in self.SKIP or any(name == "hidden" for name, _ in attrs)
        self.stack.append(hidden or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def choice_codes() -> frozenset[str]:
    """Every stored Latin lower-case choice value of the project's models that differs from its
    English label: on a Kazakh page none may stand alone as a text."""
    from django.apps import apps

    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("senim."):
            continue
        for fld in model._meta.get_fields():
            for value, label in getattr(fld, "flatchoices", None) or []:
                if (
                    isinstance(value, str)
                    and value.isascii()
                    and value.islower()  # a code, not an abbreviation such as "CSV"
                    and value != str(label)
                ):
                    codes.add(value)
    return frozenset(codes)


def internal_codes(
    texts: list[str], codes: frozenset[str], names: frozenset[str] = frozenset()
) -> list[str]:
    """The internal codes and notes in a page's visible text, each with its text node. Pages are
    read in Kazakh, so a text node that is a model's Latin choice value is a code shown raw (its
    label would be in Kazakh). `names` (usernames) may be shown as they are."""
    found = []
    for text in texts:
        if text in names:
            continue
        for rule in (SEED_NOTE, COMMAND, SNAKE):
            found += [
                f"«{m.group(0)}» in «{text[:120]}»"
                for m in rule.finditer(text)
                if m.group(0) not in names and m.group(0) not in DATASET_CODES
            ]
        if text in codes:
            found.append(f"raw choice value «{text}»")
    return found


def _links(html: str) -> list[str]:
    return re.findall(r'<a\b[^>]*\bhref="([^"#]+)"', html)


def _main(html: str) -> str:
    start = html.find("<main")
    return html[start:] if start >= 0 else html


def _nav(html: str) -> str:
    start = html.find('class="main-nav')
    return html[start : html.find("</nav>", start)] if start >= 0 else ""


class Walk:
    """Opens each path pattern once over every user and judges its visible text."""

    def __init__(self, codes: frozenset[str], names: frozenset[str]) -> None:
        self.codes, self.names = codes, names
        self.seen: set[str] = set()
        self.problems: list[str] = []

    def _take(self, path: str) -> bool:
        key = pattern(path)
        if key in self.seen or DOWNLOAD.search(path) or SIGN_OUT.search(path):
            return False
        self.seen.add(key)
        return True

    def _open(self, client: Client, path: str, who: str) -> str:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return ""
        html = response.content.decode()
        for line in internal_codes(visible_text(html), self.codes, self.names):
            self.problems.append(f"{who} {path}: {line}")
        return html

    def run(self, client: Client, who: str, start: list[str] | None = None) -> None:
        if start is None:
            home = client.get("/", follow=True).content.decode()
            start = [urlsplit(h).path for h in _links(_nav(home))]
        for path in start:
            taken = self._take(path)
            html = self._open(client, path, who) if taken else client.get(path).content.decode()
            part = "/" + path.strip("/").split("/")[0] + "/"
            for href in _links(_main(html)):
                split = urlsplit(href)
                if not split.netloc and split.path.startswith(part) and self._take(split.path):
                    self._open(client, split.path + ("?" + split.query if split.query else ""), who)


def test_internal_patterns_are_found() -> None:
    """The judge itself: each kind of internal code is caught, labels and names are not."""
    codes = frozenset({"in_progress", "open"})  # as choice_codes() gives them
    page = (
        "<main><p>Figures as published (seed 004, §4).</p><td>in_progress</td><td>open</td>"
        "<p>Run senim open_data first.</p><script>var a = 'not_shown';</script>"
        "<p hidden>hidden_text</p><td>In progress</td><td>Almaty (KZ-75)</td></main>"
    )
    found = internal_codes(visible_text(page), codes)
    assert found == [
        "«seed 004» in «Figures as published (seed 004, §4).»",
        "«in_progress» in «in_progress»",
        "raw choice value «in_progress»",
        "raw choice value «open»",
        "«senim open_data» in «Run senim open_data first.»",
        "«open_data» in «Run senim open_data first.»",
    ]
    # A user's name and a column a user must type (in <code>) may show as they are.
    assert internal_codes(["almaty_analyst"], codes, frozenset({"almaty_analyst"})) == []
    assert internal_codes(visible_text("<p>Columns: <code>cell_id</code></p>"), codes) == []


@pytest.mark.django_db
def test_no_page_shows_internal_codes_or_notes() -> None:
    from senim.demo.builder import PASSWORD, build

    now = timezone.now()
    build(seed=2025, scale=0.005, years=[timezone.localdate(now).year - 1], through=now)
    from senim.core.models import User
    from senim.trust.models import MediaItem

    walk = Walk(choice_codes(), frozenset(User.objects.values_list("username", flat=True)))
    client = Client()
    client.cookies["django_language"] = "kk"
    walk.run(client, "anonymous", start=["/open/"])
    for username in ROLES:
        client = Client()
        client.cookies["django_language"] = "kk"
        assert client.login(username=username, password=PASSWORD), username
        walk.run(client, username)
        if username == "analyst":  # a media item's page, which no list links one level down
            item = MediaItem.objects.order_by("pk").first()
            assert item is not None
            walk.run(client, username, start=[f"/trust/media/{item.pk}/"])
    assert len(walk.seen) > 40, sorted(walk.seen)
    assert not walk.problems, f"{len(walk.problems)} internal code(s):\n" + "\n".join(
        sorted(set(walk.problems))
    )
