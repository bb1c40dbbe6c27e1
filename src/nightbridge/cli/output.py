"""Printing helpers: JSON on stdout and nothing else there; Rich tables on a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """One JSON document on stdout (``--json``)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr)
