"""Open-data categories: each event's category from the finest to the coarsest, and their names.

Offences: kind and Criminal Code (or KoAP) chapter, e.g. "crime.uk06" → "crime.other_chapters" →
"offences.mixed". Appeals: the appeal category, e.g. "domestic_conflict" → "appeals.mixed".
Never the article: single articles make rare, re-identifiable counts.
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from senim.register import public
from senim.register.public import OpenPoints

OTHER_CHAPTERS = "other_chapters"
OFFENCES_MIXED = "offences.mixed"
APPEALS_MIXED = "appeals.mixed"


def offence_levels(points: OpenPoints) -> list[np.ndarray]:
    kind = points.kind.astype(str)
    fine = np.char.add(np.char.add(kind, "."), points.chapter.astype(str))
    return [fine, np.char.add(kind, "." + OTHER_CHAPTERS), np.full(len(points), OFFENCES_MIXED)]


def appeal_levels(points: OpenPoints) -> list[np.ndarray]:
    return [points.kind.astype(str), np.full(len(points), APPEALS_MIXED)]


def levels(dataset: str, points: OpenPoints) -> list[np.ndarray]:
    return offence_levels(points) if dataset == "offences" else appeal_levels(points)


class Namer:
    """Names of category codes in the active language; built once per language."""

    def __init__(self) -> None:
        self.names = public.labels()
        self.chapters = public.chapter_titles()
        self.language = (get_language() or "kk")[:2]

    def __call__(self, code: str) -> str:
        if code == OFFENCES_MIXED:
            return _("offences of several kinds (small groups merged)")
        if code == APPEALS_MIXED:
            return _("appeals of several categories (small groups merged)")
        if code in self.names["category"]:
            return self.names["category"][code]
        kind, _sep, rest = code.partition(".")
        kind_name = self.names["kind"].get(kind, kind)
        if rest == OTHER_CHAPTERS:
            return _("%(kind)s: other chapters (small groups merged)") % {"kind": kind_name}
        titles = self.chapters.get(rest)
        if titles is None:
            return kind_name
        number = rest.lstrip("abcdefghijklmnopqrstuvwxyz").lstrip("0")
        return _("%(kind)s: ch. %(number)s, %(title)s") % {
            "kind": kind_name,
            "number": number,
            "title": titles.get(self.language) or titles["ru"],
        }
