"""The catalogue check (docs/i18n.md): every message in a template or in the Python code
(``_()``, ``{% trans %}``, ``N_()``) has a Spanish translation in
``locale/es/LC_MESSAGES/messages.po``, and the translation keeps the message's
placeholders. Messages are found with Babel's extractors, as ``pybabel extract`` would."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from nightbridge.i18n.catalogs import read_catalogue
from nightbridge.i18n.extract import Message, extract_messages

_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdif]")


@cache
def _messages() -> tuple[Message, ...]:
    return tuple(extract_messages())


def untranslated(messages: list[Message] | tuple[Message, ...], locale: str = "es") -> list[str]:
    catalog = read_catalogue(locale)
    missing: list[str] = []
    for m in messages:
        entry = catalog.get(m.id, context=m.context)
        strings = entry.string if entry is not None else ""
        empty = not all(strings) if isinstance(strings, tuple | list) else not strings
        if entry is None or empty or entry.fuzzy:
            missing.append(f"{m.where}: {m.id!r}")
    return missing


def test_every_message_has_a_spanish_translation() -> None:
    assert untranslated(_messages()) == []


def test_the_translations_keep_the_placeholders() -> None:
    catalog = read_catalogue("es")
    wrong = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        # each translation uses only the message's placeholders; a singular message all
        # of them (a plural form may leave out the count, "una noche")
        allowed = {name for i in ids for name in _PLACEHOLDER.findall(i)}
        for s in strings:
            used = set(_PLACEHOLDER.findall(s))
            if used - allowed or (len(ids) == 1 and used != allowed):
                wrong.append(entry.id)
    assert wrong == []


def test_the_check_finds_an_untranslated_template_string(tmp_path: Path) -> None:
    pages = tmp_path / "web" / "templates"
    pages.mkdir(parents=True)
    (pages / "new.html").write_text(
        '<h1>{{ _("Need help now") }}</h1>'
        "<p>{% trans %}A sentence nobody translated{% endtrans %}</p>",
        encoding="utf-8",
    )
    code = tmp_path / "services"
    code.mkdir()
    (code / "x.py").write_text(
        'from nightbridge.i18n import N_\nLABEL = N_("Untranslated label")\n'
    )
    found = extract_messages(tmp_path)
    assert {m.id for m in found} == {
        "Need help now",
        "A sentence nobody translated",
        "Untranslated label",
    }
    missing = untranslated(found)
    assert len(missing) == 2 and all("nobody" in m or "Untranslated" in m for m in missing)
