"""Keep the translation catalogues in step with the code (docs/i18n.md).

    .venv/bin/python scripts/i18n.py update      # merge new messages into every .po
    .venv/bin/python scripts/i18n.py missing es  # list the messages es lacks
    .venv/bin/python scripts/i18n.py init fr     # start a new language

``update`` adds each new message with an empty translation (and marks a changed one
fuzzy); it never invents a translation. Old messages are kept as obsolete entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from nightbridge.i18n.extract import PACKAGE, build_template, extract_messages

LOCALE_DIR = PACKAGE / "locale"


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def _write(path: Path, catalog: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False, no_location=False, include_lineno=False)


def update() -> None:
    template = build_template(extract_messages())
    for folder in sorted(LOCALE_DIR.iterdir()):
        path = po_path(folder.name)
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=folder.name)
        catalog.update(template, no_fuzzy_matching=True)
        _write(path, catalog)
        print(f"{path.relative_to(PACKAGE.parent.parent)}: {len(catalog)} messages")


def missing(locale: str) -> None:
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for m in extract_messages():
        found = catalog.get((m.id, m.plural)[0] if m.plural else m.id, context=m.context)
        if found is None or not found.string or found.fuzzy:
            print(f"{m.where}: {m.id!r}")


def init(locale: str) -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale=locale, project="Nightbridge", domain="messages")
    catalog.update(build_template(extract_messages()))
    _write(po_path(locale), catalog)


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["update"]
    {"update": update, "missing": missing, "init": init}[command](*args)
