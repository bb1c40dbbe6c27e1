"""Content: data files shipped with Nightbridge (instruments, interaction rules, crisis
resources, lessons, supplements, stimulus control ...), and the only code that reads them.

``core`` never opens files: services load content here and pass it to core functions.
Every content file names its sources (a test checks that none lacks them).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def _root() -> Any:
    return resources.files(__name__)


@cache
def load_json(name: str) -> Any:
    """Parse ``content/<name>`` (a JSON file), cached for the life of the process."""
    return json.loads(_root().joinpath(name).read_text(encoding="utf-8"))


@cache
def read_text(name: str) -> str:
    """The text of ``content/<name>`` (Markdown, for example)."""
    return str(_root().joinpath(name).read_text(encoding="utf-8"))


def list_files(folder: str = "") -> list[str]:
    """Names of the content files under ``folder`` (relative to content/), sorted."""
    base = _root().joinpath(folder) if folder else _root()
    names: list[str] = []
    for entry in base.iterdir():
        if entry.name.startswith(("_", ".")) or entry.name.endswith(".py"):
            continue
        if entry.is_file():
            names.append(f"{folder}/{entry.name}" if folder else entry.name)
        elif entry.is_dir():
            names.extend(list_files(f"{folder}/{entry.name}" if folder else entry.name))
    return sorted(names)
