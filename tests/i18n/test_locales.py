"""nightbridge.i18n: choosing a language, the catalogues, the pseudo-locale and the
formatting helpers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nightbridge.i18n import gettext, negotiate, ngettext, normalise, use_locale
from nightbridge.i18n.formatting import format_date, format_number, format_weekday
from nightbridge.i18n.pseudo import pseudo_translate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-CH, fr;q=0.9, es;q=0.8, en;q=0.7", "es"),  # French not offered: next best
        ("en;q=0.2, es;q=0.5", "es"),
        ("es;q=0, en", "en"),  # q=0 means "not this"
        ("de, fr", "en"),
        ("*", "en"),
        ("es;q=abc, en;q=0.1", "en"),  # a broken quality is skipped, never an error
        (";;;,,,", "en"),
        ("", "en"),
        (None, "en"),
        ("x" * 10_000, "en"),
    ],
)
def test_it_picks_the_language_the_browser_prefers(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_the_pseudo_locale_is_chosen_only_where_turned_on() -> None:
    assert negotiate("xx, es;q=0.5") == "es"
    assert negotiate("xx, es;q=0.5", pseudo=True) == "xx"
    assert normalise("xx") is None and normalise("xx", pseudo=True) == "xx"
    assert normalise("ES_us") == "es" and normalise("klingon") is None


def test_spanish_comes_from_the_catalogue_and_english_is_the_source() -> None:
    with use_locale("es"):
        assert gettext("Need help now") == "Necesito ayuda ahora"
        assert gettext("a message nobody translated") == "a message nobody translated"
    with use_locale("en"):
        assert gettext("Need help now") == "Need help now"
    assert gettext("Need help now") == "Need help now"  # the default is English


def test_plural_forms_fall_back_to_english_when_untranslated() -> None:
    with use_locale("es"):
        assert ngettext("%(n)s night", "%(n)s nights", 1) == "%(n)s night"
        assert ngettext("%(n)s night", "%(n)s nights", 3) == "%(n)s nights"


def test_the_pseudo_locale_lengthens_and_keeps_placeholders_and_tags() -> None:
    source = 'Log %(count)s nights on <a href="/diary">the diary</a> {name}'
    shown = pseudo_translate(source)
    for kept in ("%(count)s", '<a href="/diary">', "</a>", "{name}"):
        assert kept in shown

    def visible(text: str) -> str:
        return re.sub(r"<[^>]*>|%\(\w+\)s|\{\w+\}", "", text)

    assert len(visible(shown)) >= len(visible(source)) * 1.35
    assert shown != source and "ö" in shown
    assert shown % {"count": 3}  # still formats


def test_numbers_and_dates_are_written_the_locales_way() -> None:
    monday = dt.date(2026, 12, 7)
    assert format_date(monday, "full", locale="es") == "lunes, 7 de diciembre de 2026"
    assert format_date(monday, "full", locale="en") == "Monday, December 7, 2026"
    assert format_weekday(monday, locale="es") == "lunes"
    assert format_number(1234.56, 1, locale="en") == "1,234.6"
    with use_locale("es"):
        assert format_date(monday, "d MMM") == "7 dic"
