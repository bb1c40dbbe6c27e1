"""services.accounts.sharing on both engines: codes, redemption, expiry, revocation."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor, authorize
from nightbridge.services.accounts.sharing import (
    INVITE_ALPHABET,
    INVITE_LENGTH,
    INVITE_TTL,
    MAX_FAILED_REDEMPTIONS_PER_HOUR,
    create_invite,
    format_code,
    hash_code,
    list_patients,
    list_shares,
    normalize_code,
    redeem_invite,
    revoke_share,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def people(database: Database) -> tuple[Actor, Actor, Actor, Actor]:
    with database.transaction() as session:
        persons, accounts = PersonRepository(session), AccountRepository(session)
        a = persons.create(Profile(), display_name="Ana")
        b = persons.create(Profile(), display_name="Ben")
        ana = Actor(accounts.create("ana", "h", "person", a).id, "person", a)
        ben = Actor(accounts.create("ben", "h", "person", b).id, "person", b)
        lee = Actor(accounts.create("dr-lee", "h", "clinician", None).id, "clinician")
        kim = Actor(accounts.create("dr-kim", "h", "clinician", None).id, "clinician")
    return ana, ben, lee, kim


def test_an_invite_code_carries_at_least_40_bits() -> None:
    assert INVITE_LENGTH * math.log2(len(INVITE_ALPHABET)) >= 40
    assert len(set(INVITE_ALPHABET)) == len(INVITE_ALPHABET)
    assert not set("01OILU") & set(INVITE_ALPHABET)


def test_codes_are_different_every_time(sqlite_database: Database) -> None:
    ana, *_ = people(sqlite_database)
    # one at a time (each expired before the next: a person has at most 5 open)
    codes = {
        create_invite(
            sqlite_database, ana, now=NOW + i * dt.timedelta(hours=1), ttl=dt.timedelta(minutes=5)
        ).code
        for i in range(50)
    }
    assert len(codes) == 50


def test_a_clinician_sees_exactly_the_people_who_invited_them(database: Database) -> None:
    ana, ben, lee, kim = people(database)
    redeem_invite(database, lee, create_invite(database, ana, now=NOW).code, now=NOW)
    redeem_invite(database, lee, create_invite(database, ben, now=NOW).code, now=NOW)
    redeem_invite(database, kim, create_invite(database, ben, now=NOW).code, now=NOW)
    assert [p.name for p in list_patients(database, lee)] == ["Ana", "Ben"]
    assert [p.name for p in list_patients(database, kim)] == ["Ben"]
    assert [s.name for s in list_shares(database, ben)] == ["dr-lee", "dr-kim"]


def test_an_invite_expires_after_72_hours(database: Database) -> None:
    ana, _, lee, _ = people(database)
    invite = create_invite(database, ana, now=NOW)
    assert invite.expires_at == NOW + INVITE_TTL == NOW + dt.timedelta(hours=72)
    with pytest.raises(InvalidInput, match="unknown, expired or already used"):
        redeem_invite(database, lee, invite.code, now=NOW + INVITE_TTL)
    assert list_patients(database, lee) == []


def test_redeeming_twice_or_a_made_up_code_fails(database: Database) -> None:
    ana, _, lee, kim = people(database)
    code = create_invite(database, ana, now=NOW).code
    redeem_invite(database, lee, code, now=NOW)
    for who, attempt in ((kim, code), (kim, "ABCD-EFGH-JKMN")):
        with pytest.raises(InvalidInput):
            redeem_invite(database, who, attempt, now=NOW)
    with pytest.raises(InvalidInput, match="12 letters and digits"):
        redeem_invite(database, kim, "ABC", now=NOW)


def test_revocation_ends_access_at_once(database: Database) -> None:
    ana, _, lee, _ = people(database)
    share = redeem_invite(database, lee, create_invite(database, ana, now=NOW).code, now=NOW)
    assert ana.person_id is not None
    with database.reader() as session:
        authorize(session, lee, ana.person_id, "read")
    revoke_share(database, ana, share.id, now=NOW)
    with database.reader() as session, pytest.raises(NotFound):
        authorize(session, lee, ana.person_id, "read")
    (past,) = list_shares(database, ana)
    assert not past.active and past.revoked_at == NOW


def test_only_the_person_can_revoke_their_share(database: Database) -> None:
    ana, ben, lee, _ = people(database)
    share = redeem_invite(database, lee, create_invite(database, ana, now=NOW).code, now=NOW)
    for who in (ben, lee):
        with pytest.raises(NotFound):
            revoke_share(database, who, share.id, now=NOW)
    assert list_shares(database, ana)[0].active


def test_inviting_again_after_revoking_gives_a_new_share(database: Database) -> None:
    ana, _, lee, _ = people(database)
    first = redeem_invite(database, lee, create_invite(database, ana, now=NOW).code, now=NOW)
    revoke_share(database, ana, first.id, now=NOW)
    second = redeem_invite(database, lee, create_invite(database, ana, now=NOW).code, now=NOW)
    assert second.id != first.id
    assert [s.active for s in list_shares(database, ana)] == [False, True]


def test_a_clinician_guessing_codes_is_stopped_for_an_hour(database: Database) -> None:
    ana, _, lee, kim = people(database)
    for i in range(MAX_FAILED_REDEMPTIONS_PER_HOUR):
        with pytest.raises(InvalidInput, match="unknown, expired or already used"):
            redeem_invite(database, lee, f"ABCD-EFGH-J{i % 10}2K"[:14], now=NOW)
    real = create_invite(database, ana, now=NOW).code
    with pytest.raises(InvalidInput, match="too many wrong codes"):
        redeem_invite(database, lee, real, now=NOW + dt.timedelta(minutes=59))
    # another clinician is not affected, and the first may try again an hour later
    later = NOW + dt.timedelta(hours=1, seconds=1)
    assert redeem_invite(database, lee, real, now=later).person_id == ana.person_id
    other = create_invite(database, ana, now=later).code
    assert redeem_invite(database, kim, other, now=later).person_id == ana.person_id


@given(
    raw=st.text(alphabet=INVITE_ALPHABET, min_size=INVITE_LENGTH, max_size=INVITE_LENGTH),
    noise=st.lists(st.sampled_from([" ", "-", "  "]), max_size=4),
    lower=st.booleans(),
)
def test_a_code_is_recognised_however_it_is_typed(raw: str, noise: list[str], lower: bool) -> None:
    """Property: case, dashes and spaces do not change which invite a code names."""
    shown = format_code(raw)
    assert normalize_code(shown) == raw
    typed = (shown.lower() if lower else shown) + "".join(noise)
    assert hash_code(typed) == hash_code(raw)
