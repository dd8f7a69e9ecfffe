"""Walk the main pages of Senim in a browser as a signed-in user: every menu entry, and from each
one the pages it links to inside its own part (tabs, one record page of each list).

Links are grouped by their path with every number replaced by N, so one record of each list is
opened, not all of them; downloads (CSV, XLSX, PDF, JSON) and the API are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.web.russian_text import EXTRACT_BLOCKS_JS, Block

DOWNLOAD = re.compile(
    r"(\.(csv|xlsx|pdf|json|geojson|zip|txt)$)|/(export|download|api|pdf|data/[^/]+)(/|$)"
)
SIGN_OUT = re.compile(r"/(logout|i18n|admin)(/|$)")


def pattern(path: str) -> str:
    """A path with every segment holding a digit replaced by N: one record per list."""
    parts = [("N" if any(ch.isdigit() for ch in part) else part) for part in path.split("/")]
    return "/".join(parts).rstrip("/") or "/"


def _links(page: Any, selector: str) -> list[str]:
    return [
        href
        for href in page.eval_on_selector_all(
            selector, "links => links.map(a => a.getAttribute('href'))"
        )
        if href
    ]


@dataclass
class Walk:
    """Opens pages and judges their text blocks in each language; a page is opened once per
    path pattern over every user, and judged in the first language as it is walked for links."""

    judge: Callable[[list[Block], str], list[str]]
    languages: tuple[str, ...] = ("kk", "en")
    seen: dict[str, str] = field(default_factory=dict)  # pattern -> first path
    problems: list[str] = field(default_factory=list)

    def _take(self, path: str) -> bool:
        key = pattern(path)
        if key in self.seen or DOWNLOAD.search(path) or SIGN_OUT.search(path):
            return False
        self.seen[key] = path
        return True

    def _open(self, page: Any, base: str, path: str, language: str, who: str) -> None:
        response = page.goto(base + path)
        status = response.status if response is not None else 0
        if status >= 400:
            self.problems.append(f"{who} {language} {path}: HTTP {status}")
            return
        for line in self.judge(blocks_of(page), language):
            self.problems.append(f"{who} {language} {path}: {line}")
        if language == "kk":
            # Kazakh words run longest: the page must still fit the window (headers wrap, a wide
            # table scrolls inside its card, not the page).
            overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            if overflow > 1:
                self.problems.append(
                    f"{who} kk {path}: the page is {overflow}px wider than the window"
                )

    def run(
        self, page: Any, base: str, who: str, *, start: list[str] | None = None, depth: int = 2
    ) -> list[str]:
        """Judge the new pages reachable from the menu (or `start`) and, down to `depth` links
        below, each one's own part of the site (its first path segment): tabs, lists, one
        record of each list. Returns the paths judged."""
        first, *others = self.languages
        set_language(page, base, first)
        if start is None:
            page.goto(base + "/")
            start = [urlsplit(h).path for h in _links(page, "nav.main-nav a[href]")]
        found = [p for p in start if self._take(p)]
        judged: set[str] = set()
        # Every start page is read for links, even one another user opened: a role's own links
        # (a form only it may use) lead to pages no other role sees.
        frontier = list(start)
        for _level in range(depth):
            following: list[str] = []
            for path in frontier:
                if path in found and path not in judged:
                    self._open(page, base, path, first, who)
                    judged.add(path)
                else:
                    page.goto(base + path)
                part = "/" + path.strip("/").split("/")[0] + "/"
                for href in _links(page, "main a[href]"):
                    split = urlsplit(href)
                    if split.netloc or not split.path.startswith(part):
                        continue
                    if self._take(split.path):
                        following.append(split.path)
            found += following
            frontier = following
        for path in found:
            if path not in judged:
                self._open(page, base, path, first, who)
        for language in others:
            set_language(page, base, language)
            for path in found:
                self._open(page, base, path, language, who)
        return found


def set_language(page: Any, base: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form [type=submit]")
    page.wait_for_load_state()


# The classes an ECharts map's colour scale shows, as the reader sees them ("12 - 40"): its
# visual map's pieces with their labels (issue 16 item 12: a colour scale shows its numbers).
LEGEND_CLASSES_JS = """id => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const scale = chart.getModel().getComponent('visualMap');
  return scale.getPieceList ? scale.getPieceList().map(p => p.text) : [];
}"""

# The lowest value of a chart's value axis as drawn.
AXIS_START_JS = """id => echarts.getInstanceByDom(document.getElementById(id))
  .getModel().getComponent('yAxis').axis.scale.getExtent()[0]"""


def legend_classes(page: Any, element_id: str) -> list[str]:
    classes: list[str] = page.evaluate(LEGEND_CLASSES_JS, element_id)
    return classes


def blocks_of(page: Any) -> list[Block]:
    return [Block(b["tag"], b["text"], b["lang"]) for b in page.evaluate(EXTRACT_BLOCKS_JS)]
