"""Idempotency keys (services/sync/idempotency.py) on both engines: a craving sent twice
from a phone is stored once; other content under a used key is refused; a refused write
keeps no key; a copy that raced the first is rolled back whole."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.recovery.relapse import cravings, log_craving
from nightbridge.services.sync import idempotency
from nightbridge.services.sync.idempotency import KEEP_DAYS, KeyRefused, fingerprint, run_once
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.sync import IdempotencyKeyRepository
from nightbridge.storage.tables.accounts import AccountRow

KEY = "3f1c9a0e-5b7d-4c1e-9a2b-7d4e6f8a9b0c"
ROUTE = "POST /relapse/cravings"


def make_person(db: Database, username: str = "sam") -> tuple[int, int]:
    """A person and their account: (person_id, account_id)."""
    with db.transaction() as session:
        person_id = PersonRepository(session).create(Profile(), display_name=username)
        account = AccountRow(username=username, password_hash="x", role="person")
        account.person_id = person_id
        session.add(account)
        session.flush()
        return person_id, account.id


def send_craving(
    db: Database, person_id: int, account_id: int, intensity: str, *, key: str = KEY
) -> idempotency.Outcome:
    def write(keyed: Database) -> tuple[int, str]:
        log_craving(keyed, person_id, intensity, "payday", "walked it off")
        return 303, "/relapse#cravings"

    return run_once(
        db,
        account_id=account_id,
        key=key,
        route=ROUTE,
        content=[("intensity", intensity), ("trigger", "payday")],
        write=write,
    )


def test_the_same_form_sent_twice_is_stored_once_and_answered_the_same(
    database: Database,
) -> None:
    person_id, account_id = make_person(database)
    first = send_craving(database, person_id, account_id, "7")
    again = send_craving(database, person_id, account_id, "7")
    assert (first.status_code, first.response, first.replayed) == (303, "/relapse#cravings", False)
    assert (again.status_code, again.response, again.replayed) == (303, "/relapse#cravings", True)
    assert [c.intensity for c in cravings(database, person_id)] == [7]


def test_other_content_under_a_used_key_is_refused_and_stores_nothing(
    database: Database,
) -> None:
    person_id, account_id = make_person(database)
    send_craving(database, person_id, account_id, "7")
    with pytest.raises(KeyRefused, match="already sent with other answers"):
        send_craving(database, person_id, account_id, "3")
    assert [c.intensity for c in cravings(database, person_id)] == [7]


def test_a_refused_write_keeps_no_key_so_the_corrected_form_goes_through(
    database: Database,
) -> None:
    person_id, account_id = make_person(database)
    with pytest.raises(InvalidInput):
        send_craving(database, person_id, account_id, "11")  # intensity is 0..10
    with database.reader() as session:
        assert IdempotencyKeyRepository(session).get(account_id, KEY) is None
    fixed = send_craving(database, person_id, account_id, "8", key=KEY)
    assert fixed.replayed is False
    assert [c.intensity for c in cravings(database, person_id)] == [8]


def test_a_copy_racing_the_first_is_rolled_back_with_its_write(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second copy looked before the first committed (it saw no key): its own
    insert of the key fails, and the craving it wrote in the same transaction goes too."""
    person_id, account_id = make_person(database)
    send_craving(database, person_id, account_id, "7")
    real_replay = idempotency._replay
    looks: list[object] = []

    def first_look_misses(*args: object) -> idempotency.Outcome | None:
        looks.append(args)
        return None if len(looks) == 1 else real_replay(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(idempotency, "_replay", first_look_misses)
    outcome = send_craving(database, person_id, account_id, "7")
    assert outcome.replayed is True and outcome.response == "/relapse#cravings"
    assert len(cravings(database, person_id)) == 1
    assert len(looks) == 2


def test_keys_belong_to_one_account(database: Database) -> None:
    sam_person, sam = make_person(database, "sam")
    alex_person, alex = make_person(database, "alex")
    send_craving(database, sam_person, sam, "7")
    outcome = send_craving(database, alex_person, alex, "4")
    assert outcome.replayed is False
    assert [c.intensity for c in cravings(database, alex_person)] == [4]


def test_keys_older_than_the_keeping_time_are_forgotten(database: Database) -> None:
    person_id, account_id = make_person(database)
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        send_craving(database, person_id, account_id, "7", key="old-key-0001")
    with time_machine.travel(start + dt.timedelta(days=KEEP_DAYS, minutes=1), tick=False):
        send_craving(database, person_id, account_id, "5", key="new-key-0001")
    with database.reader() as session:
        repo = IdempotencyKeyRepository(session)
        assert repo.get(account_id, "old-key-0001") is None
        assert repo.get(account_id, "new-key-0001") is not None


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 129, "semi;colon-key", ""])
def test_a_malformed_key_is_refused_before_anything_is_written(
    database: Database, key: str
) -> None:
    person_id, account_id = make_person(database)
    with pytest.raises(KeyRefused, match="Reload the page"):
        send_craving(database, person_id, account_id, "7", key=key)
    assert cravings(database, person_id) == []


pair = st.tuples(st.text(max_size=8), st.text(max_size=8))


@given(st.lists(pair, min_size=1, max_size=8), st.randoms())
def test_the_fingerprint_ignores_order_but_not_content(
    pairs: list[tuple[str, str]], rng: random.Random
) -> None:
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    assert fingerprint(ROUTE, shuffled) == fingerprint(ROUTE, pairs)
    changed = [(pairs[0][0], pairs[0][1] + "!"), *pairs[1:]]
    assert fingerprint(ROUTE, changed) != fingerprint(ROUTE, pairs)
    assert fingerprint("POST /diary", pairs) != fingerprint(ROUTE, pairs)
    assert json.dumps(fingerprint(ROUTE, pairs))  # hex text, storable as is
