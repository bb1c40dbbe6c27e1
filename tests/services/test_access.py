"""services.access.authorize: the rules, as a table and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.errors import NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.access import (
    ACTIONS,
    Actor,
    Forbidden,
    authorize,
    authorize_clinic,
    check_access,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.tables.base import utcnow


def build(database: Database) -> dict[str, Actor | int]:
    """Two persons; a clinician A invited; one A invited then revoked; one never invited.

    Clinics: A shares with clinic "view" (view only: its admin, a member, a removed
    member), with clinic "manage" (view and manage), and shared with clinic "revoked"
    then stopped; one clinician has A's direct view-only share; one is in "view" and has
    a direct manage share (the wider access wins)."""
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
        clinics, now = ClinicRepository(session), utcnow()
        names = ("clinic_admin", "clinic_member", "removed_member", "manage_member")
        ids = {n: accounts.create(n, "h", "clinician", None).id for n in names}
        for n in ("revoked_member", "direct_view", "view_and_direct_manage"):
            ids[n] = accounts.create(n, "h", "clinician", None).id
        view = clinics.create("View clinic", "VIEWVIEWVIEW", now).id
        manage = clinics.create("Manage clinic", "MANAGEMANAGE", now).id
        gone = clinics.create("Revoked clinic", "GONEGONEGONE", now).id
        clinics.add_member(view, ids["clinic_admin"], "clinic_admin", now)
        clinics.add_member(view, ids["clinic_member"], "clinician", now)
        clinics.add_member(view, ids["view_and_direct_manage"], "clinician", now)
        clinics.remove(clinics.add_member(view, ids["removed_member"], "clinician", now), now)
        clinics.add_member(manage, ids["manage_member"], "clinician", now)
        clinics.add_member(gone, ids["revoked_member"], "clinic_admin", now)
        shares.add_clinic_share(a, view, now, "view")
        shares.add_clinic_share(a, manage, now, "manage")
        shares.revoke(shares.add_clinic_share(a, gone, now, "manage"), now)
        shares.add_share(a, ids["direct_view"], now, "view")
        shares.add_share(a, ids["view_and_direct_manage"], now, "manage")
        # a share with the stranger's... nothing: "stranger" is outside every clinic
    return {
        **{n: Actor(i, "clinician") for n, i in ids.items()},
        "view_clinic": view,
        "revoked_clinic": gone,
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
    # clinics (docs/clinics.md): what the share allows, read on every call
    "clinic_admin": {"read": "ok", "write": "403", "manage": "403", "audit": "404"},
    "clinic_member": {"read": "ok", "write": "403", "manage": "403", "audit": "404"},
    "manage_member": {"read": "ok", "write": "403", "manage": "ok", "audit": "404"},
    "removed_member": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "revoked_member": {"read": "404", "write": "404", "manage": "404", "audit": "404"},
    "direct_view": {"read": "ok", "write": "403", "manage": "403", "audit": "404"},
    "view_and_direct_manage": {"read": "ok", "write": "403", "manage": "ok", "audit": "404"},
}
for _rules in RULES.values():  # whoever may read a person's data may review their alerts
    _rules["review"] = _rules["read"]


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


def test_clinic_rules_admin_member_and_everyone_else(database: Database) -> None:
    world = build(database)
    clinic = world["view_clinic"]
    assert isinstance(clinic, int)
    expected = {
        "clinic_admin": {"view": "clinic_admin", "admin": "clinic_admin"},
        "clinic_member": {"view": "clinician", "admin": "403"},
        "removed_member": {"view": "404", "admin": "404"},
        "manage_member": {"view": "404", "admin": "404"},  # another clinic's member
        "revoked_member": {"view": "404", "admin": "404"},
        "stranger": {"view": "404", "admin": "404"},
        "admin": {"view": "404", "admin": "404"},  # a site admin is no clinic member
        "person_a": {"view": "404", "admin": "404"},
        "anonymous": {"view": "404", "admin": "404"},
    }
    for name, want in expected.items():
        actor = world[name]
        assert isinstance(actor, Actor)
        got = {}
        for action in ("view", "admin"):
            with database.reader() as session:
                try:
                    got[action] = authorize_clinic(session, actor, clinic, action)
                except NotFound:
                    got[action] = "404"
                except Forbidden:
                    got[action] = "403"
        assert got == want, name


def test_removing_a_member_or_revoking_a_clinic_share_ends_access_at_the_next_check(
    database: Database,
) -> None:
    world = build(database)
    a, clinic, member = world["a"], world["view_clinic"], world["clinic_member"]
    assert isinstance(a, int) and isinstance(clinic, int) and isinstance(member, Actor)
    assert outcome(database, member, a, "read") == "ok"
    with database.transaction() as session:
        clinics = ClinicRepository(session)
        assert member.account_id is not None
        row = clinics.current_membership(clinic, member.account_id)
        assert row is not None
        clinics.remove(row, utcnow())
    assert outcome(database, member, a, "read") == "404"
    admin = world["clinic_admin"]
    assert isinstance(admin, Actor)
    assert outcome(database, admin, a, "read") == "ok"
    with database.transaction() as session:
        shares = ShareRepository(session)
        share = shares.active_clinic_share(a, clinic)
        assert share is not None
        shares.revoke(share, utcnow())
    assert outcome(database, admin, a, "read") == "404"
