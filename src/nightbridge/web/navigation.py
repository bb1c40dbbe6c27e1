"""The header navigation: one ``NavItem`` per page, shown to the roles listed.

Add a page with one line in ``NAV`` (order is display order). ``primary`` items are
always in sight (on a phone: Today, Diary, Log, Check-in, Trends, Help); the others sit
under "More" (a ``<details>`` menu that works without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass

from nightbridge.i18n import N_


@dataclass(frozen=True, slots=True)
class NavItem:
    #: English, marked for the catalogue; base.html shows it with ``_()``.
    label: str
    path: str
    roles: frozenset[str]
    primary: bool = True


PERSON = frozenset({"person"})
CLINICIAN = frozenset({"clinician"})
ADMIN = frozenset({"admin"})
SIGNED_IN = frozenset({"person", "clinician", "admin"})

NAV: list[NavItem] = [
    NavItem(N_("Today"), "/today", PERSON),
    NavItem(N_("Diary"), "/diary", PERSON),
    NavItem(N_("Log"), "/log", PERSON),
    NavItem(N_("Check-in"), "/checkin", PERSON),
    NavItem(N_("Trends"), "/trends", PERSON),
    NavItem(N_("Help"), "/help-now", PERSON),
    NavItem(N_("Plan"), "/plan", PERSON, primary=False),
    NavItem(N_("Evening"), "/evening", PERSON, primary=False),
    NavItem(N_("Nights"), "/nights", PERSON, primary=False),
    NavItem(N_("Taper"), "/taper", PERSON, primary=False),
    NavItem(N_("Caseload"), "/clinician", CLINICIAN),
    NavItem(N_("Program"), "/program", PERSON, primary=False),
    NavItem(N_("Relax"), "/relax", PERSON, primary=False),
    NavItem(N_("Report"), "/report", PERSON, primary=False),
    NavItem(N_("Clinics"), "/clinics", CLINICIAN | ADMIN),
    NavItem(N_("Sharing"), "/sharing", PERSON | CLINICIAN, primary=False),
    NavItem(N_("Accounts"), "/admin/accounts", ADMIN),
    NavItem(N_("Account"), "/account", SIGNED_IN, primary=False),
]


def items_for(role: str, paths: set[str] | None = None) -> list[NavItem]:
    """The items a role sees; with ``paths``, only those whose page exists."""
    return [item for item in NAV if role in item.roles and (paths is None or item.path in paths)]
