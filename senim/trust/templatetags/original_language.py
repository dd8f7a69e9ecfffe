"""`{{ text|original }}`: free text shown as written, marked when its language is not the page's.

Texts officials and the press write (a recommendation, a news title, a complaint) are stored as
written, in Kazakh or Russian. A Kazakh or English page shows such a text as an original-language
quote: wrapped in an element with its own `lang` (screen readers and the browser's spelling and
hyphenation follow it) and followed by a visible label naming the language. The language is
judged by media monitoring's own kk / ru identifier (senim.trust.language).

`{{ text|original:"ru" }}` states the language instead, where it is known (a media item).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from senim.trust.language import identify

register = template.Library()


def _label(language: str) -> str:
    return {"kk": _("original in Kazakh"), "ru": _("original in Russian")}.get(language, "")


def text_language(text: str) -> str:
    """ "kk", "ru" or "" (not Cyrillic, or too short to tell) for a stored free text."""
    verdict = identify(text)
    return verdict.language if verdict.language in {"kk", "ru"} else ""


@register.filter
def original(value: object, language: str = "") -> SafeString | str:
    text = "" if value is None else str(value)
    if not text:
        return text
    written = language if language in {"kk", "ru"} else text_language(text)
    page = (get_language() or "kk")[:2]
    if not written or written == page:
        return text
    return format_html(
        '<span lang="{}" class="original-text">{}</span> <span class="original-label">({})</span>',
        written,
        text,
        _label(written),
    )


def _foreign(value: object) -> str:
    """The language of a stored text when it is not the page's, else ""."""
    text = "" if value is None else str(value)
    written = text_language(text) if text else ""
    return written if written and written != (get_language() or "kk")[:2] else ""


@register.filter
def lang_attr(value: object) -> SafeString:
    """` lang="ru"` for an element (an <option>, which holds no markup) showing a text written
    in another language than the page's; follow the text with `|original_label`."""
    written = _foreign(value)
    return format_html(' lang="{}"', written) if written else SafeString("")


@register.filter
def original_label(value: object) -> str:
    written = _foreign(value)
    return f" ({_label(written)})" if written else ""
