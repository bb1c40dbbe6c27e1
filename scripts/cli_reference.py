"""Write docs/cli-reference.md from the commands' own --help (datasette's approach).

Run: .venv/bin/python scripts/cli_reference.py   (tests/test_docs.py checks it is current)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli-reference.md"


def command_paths() -> list[list[str]]:
    import typer

    from nightbridge.cli.app import app

    click_app = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group: object, prefix: list[str]) -> None:
        for name in sorted(getattr(group, "commands", {})):
            sub = group.commands[name]  # type: ignore[attr-defined]
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(click_app, [])
    return paths


def help_text(path: list[str]) -> str:
    """Plain (not Rich) help, from a fresh process so TYPER_USE_RICH=0 takes effect."""
    import os
    import subprocess

    env = {**os.environ, "TYPER_USE_RICH": "0", "COLUMNS": "100", "NO_COLOR": "1"}
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "nightbridge", *path, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return "\n".join(line.rstrip() for line in proc.stdout.rstrip().splitlines())


def render() -> str:
    parts = [
        "# CLI reference",
        "",
        "Generated from each command's `--help` by `scripts/cli_reference.py`; do not edit by",
        "hand. The contract (JSON keys, exit codes) is in [cli.md](cli.md).",
        "",
    ]
    for path in command_paths():
        title = " ".join(["nightbridge", *path])
        parts += [f"## `{title}`", "", "```", help_text(path), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
