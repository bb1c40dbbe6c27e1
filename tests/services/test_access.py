"""services.access.authorize: the rules, as a table and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.errors import NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.access import ACTIONS, Actor, Forbidden, authorize, check_access
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.tables.base import utcnow


def build(database: Database) -> dict[str, Actor | int]:
    """Two persons; a clinician A invited; one A invited then revoked; one never invited."""
    with database.transaction() as session:
        persons, accounts = PersonRepository(session), AccountRepository(session)
        a = persons.create(Profile(), display_name="A")
        b = persons.create(Profile(), display_name="B")
        acc_a = accounts.create("a", "h", "person", a).id
        acc_b = accounts.create("b", "h", "person", b).id
        invited = accounts.create("invited", "h", "clinician", None).id
        revoked = accounts.create("revoked", "h", "clinician", None).id
        stranger = accounts.create("stranger", "h", "clinician", None).id
        admin = accounts.create("admin", "h", "admin", None).id
        shares = ShareRepository(session)
        shares.add_share(a, invited, utcnow())
        shares.revoke(shares.add_share(a, revoked, utcnow()), utcnow())
    return {
        "a": a,
        "b": b,
        "person_a": Actor(acc_a, "person", a),
        "person_b": Actor(acc_b, "person", b),
        "invited": Actor(invited, "clinician"),
        "revoked": Actor(revoked, "clinician"),
        "stranger": Actor(stranger, "clinician"),
        "admin": Actor(admin, "admin"),
        "anonymous": Actor(None, "anonymous"),
    }


# (actor, action on A's data) -> "ok" | "404" | "403"; brief section 3 and docs/security.md
RULES = {
    "person_a": {"read": "ok", "write": "ok", "manage": "ok", "audit": "ok"},
    "person_b": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "invited": {"read": "ok", "write": "403", "manage": "ok", "audit": "404"},
    "revoked": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "stranger": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "admin": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "anonymous": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
}


def outcome(database: Database, actor: Actor, person_id: int, action: str) -> str:
    with database.reader() as session:
        try:
            authorize(session, actor, person_id, action)
        except NotFound:
            return "404"
        except Forbidden:
            return "403"
    return "ok"


def test_the_rules_hold_for_every_actor_and_action(database: Database) -> None:
    world = build(database)
    a = world["a"]
    assert isinstance(a, int)
    for name, expected in RULES.items():
        actor = world[name]
        assert isinstance(actor, Actor)
        got = {action: outcome(database, actor, a, action) for action in ACTIONS}
        assert got == expected, name


def test_an_unknown_action_is_a_programming_error(sqlite_database: Database) -> None:
    world = build(sqlite_database)
    with sqlite_database.reader() as session, pytest.raises(ValueError, match="unknown action"):
        authorize(session, world["person_a"], world["a"], "delete")  # type: ignore[arg-type]


def test_check_access_records_refusals_and_still_refuses(sqlite_database: Database) -> None:
    from sqlalchemy import select

    from nightbridge.storage.tables.accounts import AuditEventRow

    world = build(sqlite_database)
    stranger, a = world["stranger"], world["a"]
    assert isinstance(stranger, Actor) and isinstance(a, int)
    with pytest.raises(NotFound):
        check_access(sqlite_database, stranger, a, "read", "GET /x")
    with sqlite_database.reader() as session:
        row = session.scalar(select(AuditEventRow))
    assert row is not None
    assert (row.actor_account_id, row.person_id, row.outcome) == (stranger.account_id, a, "denied")


@settings(max_examples=200, deadline=None)
@given(
    role=st.sampled_from(["person", "clinician", "admin", "anonymous", "nurse", ""]),
    account_id=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
    own=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
    target=st.integers(min_value=1, max_value=50),
    action=st.sampled_from(ACTIONS),
)
def test_without_a_share_nobody_but_the_person_gets_in(
    role: str, account_id: int | None, own: int | None, target: int, action: str
) -> None:
    """Property: on a store with no shares, access is granted exactly when a person
    account asks for its own person."""

    class NoShares:
        def scalar(self, *_: object) -> None:
            return None

    actor = Actor(account_id, role, own)
    allowed = role == "person" and own == target
    try:
        authorize(NoShares(), actor, target, action)  # type: ignore[arg-type]
        granted = True
    except NotFound:
        granted = False
    assert granted == allowed


def test_check_access_many_agrees_with_the_rules_and_audits_each_person(
    database: Database,
) -> None:
    from sqlalchemy import select

    from nightbridge.services.access import check_access_many
    from nightbridge.storage.tables.accounts import AuditEventRow

    world = build(database)
    a, b = world["a"], world["b"]
    assert isinstance(a, int) and isinstance(b, int)
    for name in RULES:
        actor = world[name]
        assert isinstance(actor, Actor)
        allowed = check_access_many(database, actor, [a, b], "read", "GET /list")
        expected = [p for p in (a, b) if outcome(database, actor, p, "read") == "ok"]
        assert allowed == expected, name
    with database.reader() as session:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.object == "GET /list"))
        audited = [(r.actor_account_id, r.person_id, r.outcome) for r in rows]
    assert len(audited) == 2 * len(RULES)
    invited = world["invited"]
    assert isinstance(invited, Actor)
    assert (invited.account_id, a, "allowed") in audited
    assert (invited.account_id, b, "denied") in audited
