"""The header navigation: one ``NavItem`` per page, shown to the roles listed.

Add a page with one line in ``NAV`` (order is display order). ``primary`` items are
always in sight (on a phone: Today, Diary, Log, Check-in, Trends, Help); the others sit
under "More" (a ``<details>`` menu that works without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str]
    primary: bool = True


PERSON = frozenset({"person"})
CLINICIAN = frozenset({"clinician"})
ADMIN = frozenset({"admin"})
SIGNED_IN = frozenset({"person", "clinician", "admin"})

NAV: list[NavItem] = [
    NavItem("Today", "/today", PERSON),
    NavItem("Diary", "/diary", PERSON),
    NavItem("Log", "/log", PERSON),
    NavItem("Check-in", "/checkin", PERSON),
    NavItem("Trends", "/trends", PERSON),
    NavItem("Help", "/help-now", PERSON),
    NavItem("Plan", "/plan", PERSON, primary=False),
    NavItem("Evening", "/evening", PERSON, primary=False),
    NavItem("Nights", "/nights", PERSON, primary=False),
    NavItem("Taper", "/taper", PERSON, primary=False),
    NavItem("My people", "/clinician", CLINICIAN),
    NavItem("Program", "/program", PERSON, primary=False),
    NavItem("Relax", "/relax", PERSON, primary=False),
    NavItem("Report", "/report", PERSON, primary=False),
    NavItem("Sharing", "/sharing", PERSON | CLINICIAN, primary=False),
    NavItem("Accounts", "/admin/accounts", ADMIN),
    NavItem("Account", "/account", SIGNED_IN, primary=False),
]


def items_for(role: str, paths: set[str] | None = None) -> list[NavItem]:
    """The items a role sees; with ``paths``, only those whose page exists."""
    return [item for item in NAV if role in item.roles and (paths is None or item.path in paths)]
