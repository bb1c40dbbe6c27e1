"""Small helpers for HTML forms: errors by field, and a safe ``next`` path."""

from __future__ import annotations

from nightbridge.core.errors import InvalidInput


def errors_by_field(exc: InvalidInput) -> dict[str, list[str]]:
    """``{"field": ["reason", ...]}`` for showing each reason next to its input."""
    found: dict[str, list[str]] = {}
    for problem in exc.problems:
        found.setdefault(problem.field, []).append(problem.reason)
    return found


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go to after login; anything else (other hosts, ``//x``,
    backslashes, schemes) becomes ``default`` (no open redirect: OWASP Unvalidated
    Redirects and Forwards Cheat Sheet)."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(ch) < 32 for ch in value):
        return default
    return value
