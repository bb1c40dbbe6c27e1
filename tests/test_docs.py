"""Docs stay honest (datasette's test_docs.py): the CLI contract, the generated reference,
and the definitions copy are checked against the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHARED_DEFINITIONS = ROOT.parent / "shared" / "design" / "definitions.md"


def _reference_module():  # type: ignore[no-untyped-def]
    path = ROOT / "scripts" / "cli_reference.py"
    spec = importlib.util.spec_from_file_location("cli_reference", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _contract_commands() -> set[str]:
    """Command paths named in docs/cli.md's table, e.g. 'diary add', 'import'."""
    commands = set()
    for line in (DOCS / "cli.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`nightbridge ([^`]*)`", line)
        if not match:
            continue
        words = []
        for word in match.group(1).split():
            if not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            words.append(word)
        commands.add(" ".join(words))
    return commands


def _app_commands() -> set[str]:
    return {" ".join(path) for path in _reference_module().command_paths() if path}


def test_every_command_of_the_contract_exists() -> None:
    missing = _contract_commands() - _app_commands()
    assert missing == set(), f"docs/cli.md names commands the CLI lacks: {sorted(missing)}"


def test_every_command_is_in_the_contract() -> None:
    groups = {c.split()[0] for c in _contract_commands()}
    undocumented = {c for c in _app_commands() if c not in _contract_commands() and c not in groups}
    assert undocumented == set(), f"add these to docs/cli.md: {sorted(undocumented)}"


def test_the_cli_reference_is_current() -> None:
    expected = _reference_module().render()
    actual = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
    assert actual == expected, "run: .venv/bin/python scripts/cli_reference.py"


@pytest.mark.skipif(not SHARED_DEFINITIONS.exists(), reason="../shared is not beside this checkout")
def test_the_definitions_copy_is_in_step_with_the_design() -> None:
    assert (DOCS / "definitions.md").read_text(encoding="utf-8") == SHARED_DEFINITIONS.read_text(
        encoding="utf-8"
    )


def test_every_doc_link_points_to_a_file() -> None:
    broken = []
    for doc in [ROOT / "README.md", *DOCS.rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []
