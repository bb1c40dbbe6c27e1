"""Content: data files shipped with Nightbridge (instruments, interaction rules, crisis
resources, lessons, supplements, stimulus control ...), and the only code that reads them.

``core`` never opens files: services load content here and pass it to core functions.
Every content file names its sources (a test checks that none lacks them).

Translations (docs/i18n.md): ``content/<locale>/<name>`` is the translation of
``content/<name>`` (``content/es/lessons/week1-sleep-and-withdrawal.md``,
``content/es/supplements.json``), with the same keys and structure and the same
numbers, ids and sources (``tests/i18n/test_content_translations.py`` checks it). Pass
``locale`` to ``load_json``, ``read_text`` and ``list_files``: a file not translated yet
is read in English.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

#: Folders of translated content (one per language other than English).
TRANSLATIONS = frozenset({"es"})


def _root() -> Any:
    return resources.files(__name__)


def localised_name(name: str, locale: str | None = None) -> str:
    """``<locale>/<name>`` when that translation exists, else ``name`` (English)."""
    if locale and locale in TRANSLATIONS:
        candidate = f"{locale}/{name}"
        if _root().joinpath(candidate).is_file():
            return candidate
    return name


@cache
def load_json(name: str, locale: str | None = None) -> Any:
    """Parse ``content/<name>`` (a JSON file), in ``locale`` when translated, cached
    for the life of the process."""
    path = localised_name(name, locale)
    return json.loads(_root().joinpath(path).read_text(encoding="utf-8"))


@cache
def read_text(name: str, locale: str | None = None) -> str:
    """The text of ``content/<name>`` (Markdown, for example), in ``locale`` when
    translated."""
    path = localised_name(name, locale)
    return str(_root().joinpath(path).read_text(encoding="utf-8"))


def list_files(folder: str = "", *, translations: bool = False) -> list[str]:
    """Names of the (English) content files under ``folder`` (relative to content/),
    sorted. The translation folders are left out unless ``translations``; read a file
    in a language with ``load_json(name, locale)`` / ``read_text(name, locale)``."""
    base = _root().joinpath(folder) if folder else _root()
    if not base.is_dir():
        return []
    names: list[str] = []
    for entry in base.iterdir():
        if entry.name.startswith(("_", ".")) or entry.name.endswith(".py"):
            continue
        if not folder and entry.name in TRANSLATIONS and not translations:
            continue
        if entry.is_file():
            names.append(f"{folder}/{entry.name}" if folder else entry.name)
        elif entry.is_dir():
            names.extend(
                list_files(f"{folder}/{entry.name}" if folder else entry.name, translations=True)
            )
    return sorted(names)
