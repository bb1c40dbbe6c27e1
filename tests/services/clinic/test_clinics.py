"""services.clinic.clinics and clinic shares, on both stores: creating a clinic, invites
bound to one account, the share code, removal, revocation, the limits and the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor, Forbidden, authorize
from nightbridge.services.accounts.sharing import (
    MAX_OPEN_INVITES as PERSON_MAX_OPEN,
)
from nightbridge.services.accounts.sharing import (
    create_invite,
    list_patients,
    list_shares,
    redeem_invite,
    revoke_share,
    share_with_clinic,
)
from nightbridge.services.clinic.clinics import (
    CLINIC_INVITE_TTL,
    MAX_OPEN_INVITES,
    answer_invite,
    clinic_detail,
    create_clinic,
    invite_clinician,
    list_clinics,
    pending_invites,
    remove_member,
    rotate_share_code,
    set_on_call_email,
)
from nightbridge.services.clinic.triage import triage_page
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.accounts import AuditEventRow

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


class World:
    def __init__(self, database: Database) -> None:
        self.db = database
        with database.transaction() as session:
            persons, accounts = PersonRepository(session), AccountRepository(session)
            a = persons.create(Profile(), display_name="Ana")
            b = persons.create(Profile(), display_name="Ben")
            self.ana = Actor(accounts.create("ana", "h", "person", a).id, "person", a)
            self.ben = Actor(accounts.create("ben", "h", "person", b).id, "person", b)
            self.lee = Actor(accounts.create("dr-lee", "h", "clinician", None).id, "clinician")
            self.kim = Actor(accounts.create("dr-kim", "h", "clinician", None).id, "clinician")
            self.out = Actor(accounts.create("dr-out", "h", "clinician", None).id, "clinician")
            self.site = Actor(accounts.create("root", "h", "admin", None).id, "admin")
        self.clinic = create_clinic(
            database, self.site, name=" Riverside  Recovery Clinic ", admin_username="dr-lee",
            now=NOW,
        )  # fmt: skip
        self.code = self.detail(self.lee).clinic.share_code

    def detail(self, actor: Actor):  # type: ignore[no-untyped-def]
        return clinic_detail(self.db, actor, self.clinic.id, now=NOW)

    def join(self, actor: Actor, username: str) -> None:
        invite = invite_clinician(self.db, self.lee, self.clinic.id, username=username, now=NOW)
        answer_invite(self.db, actor, invite.id, accept=True, now=NOW)

    def outcome(self, actor: Actor, person: Actor, action: str) -> str:
        assert person.person_id is not None
        with self.db.reader() as session:
            try:
                authorize(session, actor, person.person_id, action)
            except NotFound:
                return "404"
            except Forbidden:
                return "403"
        return "ok"


@pytest.fixture
def world(database: Database) -> World:
    return World(database)


def audit_actions(database: Database) -> list[str]:
    with database.reader() as session:
        return list(session.scalars(select(AuditEventRow.action).order_by(AuditEventRow.id)))


def test_a_site_admin_creates_a_clinic_with_its_first_admin(world: World) -> None:
    detail = world.detail(world.lee)
    assert detail.clinic.name == "Riverside Recovery Clinic"
    assert [(m.username, m.role) for m in detail.members] == [("dr-lee", "clinic_admin")]
    code = detail.clinic.share_code
    assert code is not None and len(code.replace("-", "")) == 12
    assert [c.name for c in list_clinics(world.db, world.site)] == ["Riverside Recovery Clinic"]
    assert [(c.name, c.role) for c in list_clinics(world.db, world.lee)] == [
        ("Riverside Recovery Clinic", "clinic_admin")
    ]
    for nobody in (world.lee, world.ana):
        with pytest.raises(NotFound):
            create_clinic(world.db, nobody, name="Mine", admin_username="dr-lee")
    with pytest.raises(InvalidInput) as refused:
        create_clinic(world.db, world.site, name="X", admin_username="ana")
    assert refused.value.for_field("admin_username")
    with pytest.raises(InvalidInput):
        create_clinic(world.db, world.site, name="   ", admin_username="dr-lee")
    assert audit_actions(world.db)[:2] == ["clinic.create", "clinic.member.add"]


def test_an_invite_is_bound_to_its_account_used_once_and_expires(world: World) -> None:
    invite = invite_clinician(world.db, world.lee, world.clinic.id, username="dr-kim", now=NOW)
    assert invite.expires_at == NOW + CLINIC_INVITE_TTL
    assert pending_invites(world.db, world.out, now=NOW) == []
    with pytest.raises(NotFound):  # made for dr-kim: nobody else can use it
        answer_invite(world.db, world.out, invite.id, accept=True, now=NOW)
    assert [i.clinic_name for i in pending_invites(world.db, world.kim, now=NOW)] == [
        "Riverside Recovery Clinic"
    ]
    joined = answer_invite(world.db, world.kim, invite.id, accept=True, now=NOW)
    assert joined is not None and joined.role == "clinician"
    with pytest.raises(InvalidInput):  # once
        answer_invite(world.db, world.kim, invite.id, accept=True, now=NOW)
    late = invite_clinician(world.db, world.lee, world.clinic.id, username="dr-out", now=NOW)
    with pytest.raises(InvalidInput, match="expired"):
        answer_invite(world.db, world.out, late.id, accept=True, now=NOW + CLINIC_INVITE_TTL)
    with pytest.raises(InvalidInput, match="already a member"):
        invite_clinician(world.db, world.lee, world.clinic.id, username="dr-kim", now=NOW)
    with pytest.raises(Forbidden):  # a member who is not a clinic admin
        invite_clinician(world.db, world.kim, world.clinic.id, username="dr-out", now=NOW)
    with pytest.raises(NotFound):  # outside the clinic
        invite_clinician(world.db, world.out, world.clinic.id, username="dr-kim", now=NOW)
    assert "clinic.invite" in audit_actions(world.db)


def test_a_clinic_admin_has_at_most_a_handful_of_open_invites(world: World) -> None:
    with world.db.transaction() as session:
        accounts = AccountRepository(session)
        for i in range(MAX_OPEN_INVITES + 1):
            accounts.create(f"dr-{i}", "h", "clinician", None)
    for i in range(MAX_OPEN_INVITES):
        invite_clinician(world.db, world.lee, world.clinic.id, username=f"dr-{i}", now=NOW)
    with pytest.raises(InvalidInput, match="open invites"):
        invite_clinician(
            world.db, world.lee, world.clinic.id, username=f"dr-{MAX_OPEN_INVITES}", now=NOW
        )
    later = NOW + CLINIC_INVITE_TTL  # the open ones expired
    invite_clinician(
        world.db, world.lee, world.clinic.id, username=f"dr-{MAX_OPEN_INVITES}", now=later
    )


def test_a_person_shares_with_the_clinic_by_code_view_only_or_manage(world: World) -> None:
    world.join(world.kim, "dr-kim")
    assert world.code is not None
    share = share_with_clinic(world.db, world.ana, world.code.lower(), "view", now=NOW)
    assert (share.kind, share.name, share.access) == ("clinic", "Riverside Recovery Clinic", "view")
    listed = list_shares(world.db, world.ana)
    assert [(s.name, s.access_words, s.active) for s in listed] == [
        ("Riverside Recovery Clinic", "view only", True)
    ]
    for member in (world.lee, world.kim):
        assert world.outcome(member, world.ana, "read") == "ok"
        assert world.outcome(member, world.ana, "manage") == "403"
        assert world.outcome(member, world.ana, "write") == "403"
    assert world.outcome(world.out, world.ana, "read") == "404"
    assert world.outcome(world.lee, world.ben, "read") == "404"
    assert [p.name for p in list_patients(world.db, world.kim)] == ["Ana"]
    assert [r.name for r in triage_page(world.db, world.kim, now=NOW).rows] == ["Ana"]
    assert triage_page(world.db, world.out, now=NOW).total == 0
    assert world.detail(world.kim).people == 1
    # the person changes their mind: view and manage (the earlier share is replaced)
    share_with_clinic(world.db, world.ana, world.code, "manage", now=NOW)
    assert world.outcome(world.kim, world.ana, "manage") == "ok"
    assert [(s.access, s.active) for s in list_shares(world.db, world.ana)] == [
        ("view", False),
        ("manage", True),
    ]
    with pytest.raises(InvalidInput) as wrong:
        share_with_clinic(world.db, world.ana, "AAAA-BBBB-CCCC", "view", now=NOW)
    assert wrong.value.for_field("share_code")
    with pytest.raises(InvalidInput) as bad_access:
        share_with_clinic(world.db, world.ana, world.code, "edit", now=NOW)
    assert bad_access.value.for_field("access")
    with pytest.raises(NotFound):  # only a person shares their own data
        share_with_clinic(world.db, world.kim, world.code, "view", now=NOW)
    assert audit_actions(world.db).count("share.clinic") == 3  # two shares, one wrong code


def test_revoking_a_clinic_share_or_removing_a_member_ends_access_at_once(world: World) -> None:
    world.join(world.kim, "dr-kim")
    assert world.code is not None
    share = share_with_clinic(world.db, world.ana, world.code, "manage", now=NOW)
    kim_member = next(m for m in world.detail(world.lee).members if m.username == "dr-kim")
    with pytest.raises(Forbidden):  # only a clinic admin removes someone else
        remove_member(world.db, world.kim, world.clinic.id, world.detail(world.lee).members[0].id)
    remove_member(world.db, world.lee, world.clinic.id, kim_member.id, now=NOW)
    assert world.outcome(world.kim, world.ana, "read") == "404"
    assert list_patients(world.db, world.kim) == []
    with pytest.raises(NotFound):
        world.detail(world.kim)
    assert world.outcome(world.lee, world.ana, "manage") == "ok"
    revoke_share(world.db, world.ana, share.id, now=NOW)
    assert world.outcome(world.lee, world.ana, "read") == "404"
    assert list_patients(world.db, world.lee) == []
    assert "clinic.member.remove" in audit_actions(world.db)


def test_the_last_clinic_admin_stays_and_a_member_may_leave(world: World) -> None:
    world.join(world.kim, "dr-kim")
    members = {m.username: m.id for m in world.detail(world.lee).members}
    with pytest.raises(InvalidInput, match="only admin"):
        remove_member(world.db, world.lee, world.clinic.id, members["dr-lee"], now=NOW)
    remove_member(world.db, world.kim, world.clinic.id, members["dr-kim"], now=NOW)  # leaves
    assert [m.username for m in world.detail(world.lee).members] == ["dr-lee"]


def test_rotating_the_code_stops_the_old_one_and_keeps_the_shares(world: World) -> None:
    old = world.code
    assert old is not None
    share_with_clinic(world.db, world.ana, old, "view", now=NOW)
    new = rotate_share_code(world.db, world.lee, world.clinic.id, now=NOW)
    assert new != old
    with pytest.raises(InvalidInput):
        share_with_clinic(world.db, world.ben, old, "view", now=NOW)
    share_with_clinic(world.db, world.ben, new, "view", now=NOW)
    assert [p.name for p in list_patients(world.db, world.lee)] == ["Ana", "Ben"]
    assert world.detail(world.lee).clinic.share_code == new


def test_the_on_call_address_is_checked_and_only_admins_see_it(world: World) -> None:
    world.join(world.kim, "dr-kim")
    with pytest.raises(InvalidInput) as bad:
        set_on_call_email(world.db, world.lee, world.clinic.id, "not an address")
    assert bad.value.for_field("on_call_email")
    assert set_on_call_email(world.db, world.lee, world.clinic.id, "oncall@riverside.example")
    assert world.detail(world.lee).clinic.on_call_email == "oncall@riverside.example"
    member_view = world.detail(world.kim).clinic
    assert (member_view.on_call_email, member_view.share_code) == (None, None)
    with pytest.raises(Forbidden):
        set_on_call_email(world.db, world.kim, world.clinic.id, "me@example.org")
    assert set_on_call_email(world.db, world.lee, world.clinic.id, "") is None


def test_a_persons_invite_is_bound_to_the_clinician_and_open_ones_are_limited(
    world: World,
) -> None:
    bound = create_invite(world.db, world.ana, clinician="dr-kim", access="view", now=NOW)
    with pytest.raises(InvalidInput):
        redeem_invite(world.db, world.out, bound.code, now=NOW)
    share = redeem_invite(world.db, world.kim, bound.code, now=NOW)
    assert share.access == "view"
    assert world.outcome(world.kim, world.ana, "manage") == "403"
    with pytest.raises(InvalidInput) as unknown:
        create_invite(world.db, world.ana, clinician="nobody", now=NOW)
    assert unknown.value.for_field("clinician")
    for _ in range(PERSON_MAX_OPEN):
        create_invite(world.db, world.ana, now=NOW)
    with pytest.raises(InvalidInput, match="open invite codes"):
        create_invite(world.db, world.ana, now=NOW)


def test_a_clinician_shared_both_ways_is_listed_once_with_the_wider_access(
    world: World,
) -> None:
    assert world.code is not None
    share_with_clinic(world.db, world.ana, world.code, "view", now=NOW)
    invite = create_invite(world.db, world.ana, clinician="dr-lee", access="manage", now=NOW)
    redeem_invite(world.db, world.lee, invite.code, now=NOW)
    listed = list_patients(world.db, world.lee)
    assert [(p.name, p.access) for p in listed] == [("Ana", "manage")]
