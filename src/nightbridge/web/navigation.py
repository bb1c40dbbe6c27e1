"""The header navigation: one ``NavItem`` per page, shown to the roles listed.

Add a page with one line in ``NAV`` (order is display order).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str]


PERSON = frozenset({"person"})
CLINICIAN = frozenset({"clinician"})
ADMIN = frozenset({"admin"})
SIGNED_IN = frozenset({"person", "clinician", "admin"})

NAV: list[NavItem] = [
    NavItem("Today", "/today", PERSON),
    NavItem("Trends", "/trends", PERSON),
    NavItem("Nights", "/nights", PERSON),
    NavItem("My people", "/clinician", CLINICIAN),
    NavItem("Program", "/program", PERSON),
    NavItem("Relax", "/relax", PERSON),
    NavItem("Report", "/report", PERSON),
    NavItem("Sharing", "/sharing", PERSON | CLINICIAN),
    NavItem("Accounts", "/admin/accounts", ADMIN),
    NavItem("Account", "/account", SIGNED_IN),
]


def items_for(role: str, paths: set[str] | None = None) -> list[NavItem]:
    """The items a role sees; with ``paths``, only those whose page exists."""
    return [item for item in NAV if role in item.roles and (paths is None or item.path in paths)]
