"""Every shipped content file names its sources: a JSON file has a non-empty
``sources`` key at its top level, a Markdown file a "Sources" (or "References")
section or a ``sources:`` list in its front matter. A self-test proves the check fails
on a file without them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CONTENT = Path(__file__).parents[1] / "src" / "nightbridge" / "content"
_HEADING = re.compile(r"^#{1,6}\s*(?:sources|references)\b", re.I | re.M)
#: YAML front matter (between ``---`` lines) with a ``sources:`` list of at least one item.
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)
_FRONT_SOURCES = re.compile(r"^sources:\s*\n\s+-\s+\S", re.M)


def missing_sources(path: Path) -> str | None:
    """Why ``path`` fails the rule, or None when it names its sources."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            return f"not valid JSON ({exc})"
        if not isinstance(doc, dict) or not doc.get("sources"):
            return "no non-empty top-level 'sources' key"
        return None
    if path.suffix == ".md":
        front = _FRONT_MATTER.match(text)
        if front and _FRONT_SOURCES.search(front.group("body")):
            return None
        return None if _HEADING.search(text) else "no 'Sources' section or 'sources:' front matter"
    return None


def content_files() -> list[Path]:
    return sorted(
        p
        for p in CONTENT.rglob("*")
        if p.is_file() and p.suffix in (".json", ".md") and not p.name.startswith(("_", "."))
    )


@pytest.mark.parametrize("path", content_files(), ids=lambda p: str(p.relative_to(CONTENT)))
def test_every_content_file_names_its_sources(path: Path) -> None:
    assert missing_sources(path) is None, f"{path.relative_to(CONTENT)}: {missing_sources(path)}"


def test_the_check_fails_on_files_without_sources(tmp_path: Path) -> None:
    bare_json = tmp_path / "bare.json"
    bare_json.write_text('{"rules": [], "sources": []}', encoding="utf-8")
    bare_md = tmp_path / "bare.md"
    bare_md.write_text("# Lesson\n\nText that cites nothing.\n", encoding="utf-8")
    good_md = tmp_path / "good.md"
    good_md.write_text("# Lesson\n\nText.\n\n## Sources\n- Carney 2012\n", encoding="utf-8")
    assert missing_sources(bare_json) is not None
    assert missing_sources(bare_md) is not None
    assert missing_sources(good_md) is None
    front = tmp_path / "front.md"
    front.write_text("---\ntitle: x\nsources:\n  - Carney 2012\n---\n# x\n", encoding="utf-8")
    empty_front = tmp_path / "empty.md"
    empty_front.write_text("---\ntitle: x\nsources: []\n---\n# x\n", encoding="utf-8")
    assert missing_sources(front) is None
    assert missing_sources(empty_front) is not None
