"""The layers point one way (docs/architecture.md, STYLE.md).

``core`` imports no I/O, ORM, web or CLI code; importers and reports never reach into storage,
services, web or CLI; services never import web or CLI. And ``nightbridge --help`` loads none
of the heavy libraries, so it starts fast.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "nightbridge"

FORBIDDEN = {
    "core": {
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "jinja2",
        "typer",
        "click",
        "rich",
        "uvicorn",
        "httpx",
        "requests",
        "reportlab",
        "psycopg",
        "sqlite3",
        "socket",
        "urllib",
        "nightbridge.storage",
        "nightbridge.services",
        "nightbridge.web",
        "nightbridge.cli",
        "nightbridge.importers",
        "nightbridge.reports",
        "nightbridge.content",
        "nightbridge.i18n",
        "babel",
    },
    "importers": {
        "fastapi",
        "typer",
        "rich",
        "nightbridge.storage",
        "nightbridge.services",
        "nightbridge.web",
        "nightbridge.cli",
    },
    "reports": {
        "sqlalchemy",
        "fastapi",
        "typer",
        "nightbridge.storage",
        "nightbridge.services",
        "nightbridge.web",
        "nightbridge.cli",
    },
    "storage": {
        "fastapi",
        "typer",
        "rich",
        "nightbridge.services",
        "nightbridge.web",
        "nightbridge.cli",
    },
    "services": {"fastapi", "starlette", "typer", "rich", "nightbridge.web", "nightbridge.cli"},
    # languages: a leaf beside core (Babel and the standard library); everyone may use it
    "i18n": {
        "sqlalchemy",
        "fastapi",
        "starlette",
        "typer",
        "rich",
        "nightbridge.core",
        "nightbridge.storage",
        "nightbridge.services",
        "nightbridge.web",
        "nightbridge.cli",
        "nightbridge.reports",
        "nightbridge.importers",
        "nightbridge.content",
    },
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(layer: str) -> list[str]:
    bad: list[str] = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for lineno, name in _imports(path):
            for forbidden in FORBIDDEN[layer]:
                if name == forbidden or name.startswith(forbidden + "."):
                    bad.append(f"{path.relative_to(SRC)}:{lineno} imports {name}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    assert _violations(layer) == []


def test_core_never_opens_files() -> None:
    offenders = []
    for path in sorted((SRC / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in {"open", "read_text", "read_bytes", "write_text", "write_bytes"}:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} calls {name}()")
    assert offenders == []


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    planted = tmp_path / "bad.py"
    planted.write_text("import sqlalchemy\nfrom nightbridge.web import app\n", encoding="utf-8")
    names = [name for _, name in _imports(planted)]
    assert "sqlalchemy" in names and "nightbridge.web" in names


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys, json\n"
        "from nightbridge.cli import app\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    out = subprocess.run(  # our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    heavy = {
        "sqlalchemy",
        "fastapi",
        "starlette",
        "uvicorn",
        "numpy",
        "reportlab",
        "alembic",
        "jinja2",
        "argon2",
        "psycopg",
        "pydantic",
    }
    assert loaded & heavy == set()


# The rooms of services/ (STYLE.md, "Growing the house") and which other rooms each may use.
# The one permission check and the audit trail stay at the top, import no room, and every
# room may use them. A new room gets a line here; a new cross-room import is a decision,
# made here, not a side effect.
SERVICE_TOP = {"access.py", "audit.py"}
SERVICE_ROOMS: dict[str, set[str]] = {
    # a person account creates the person with the zone and region chosen (sleep.profile)
    "accounts": {"sleep"},
    "sleep": {"recovery", "devices"},
    # recording an alert adds its email notice in the same transaction
    "recovery": {"sleep", "notifications"},
    "devices": {"sleep"},
    "clinic": {"accounts", "sleep", "recovery"},
    "handover": {"sleep", "recovery", "devices"},
    # the demo loads its clinic (Riverside Recovery Clinic) through services.clinic
    "demo": {"accounts", "sleep", "recovery", "devices", "clinic"},
    # the offline outbox's idempotency keys: used by web around any room's writes
    "sync": set(),
    # the outbox and its sender: storage and settings only
    "notifications": set(),
}


def _room_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[:2] != ["nightbridge", "services"] or len(parts) < 3:
        return None
    return parts[2]


def test_services_top_holds_only_access_and_audit() -> None:
    services = SRC / "services"
    loose = {p.name for p in services.glob("*.py")} - SERVICE_TOP - {"__init__.py"}
    rooms = {p.name for p in services.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert loose == set(), "put a new service module in its room"
    assert rooms == set(SERVICE_ROOMS), "list a new room in SERVICE_ROOMS"


def test_each_service_room_uses_only_the_rooms_it_may() -> None:
    bad: list[str] = []
    services = SRC / "services"
    for path in sorted(services.rglob("*.py")):
        rel = path.relative_to(services)
        own = rel.parts[0] if len(rel.parts) > 1 else None
        allowed = {"access", "audit"} | ({own} | SERVICE_ROOMS[own] if own else set())
        if own is None:  # access.py and audit.py use no room
            allowed = {"access", "audit"}
        for lineno, name in _imports(path):
            room = _room_of(name)
            if room is not None and room not in allowed:
                bad.append(f"services/{rel}:{lineno} imports {name}")
    assert bad == []
