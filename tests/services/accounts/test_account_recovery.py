"""Account recovery (issue 14 item 5), on SQLite and PostgreSQL: TOTP recovery codes
(each works once, a new set ends the old one, audited) and one-time password reset codes
issued by an admin or a clinic admin (bound to the account, expiring, single use,
throttled like a login, ending the account's sessions, seen by the person)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import (
    Attempt,
    LoginRefused,
    authenticate,
    open_session,
    resolve_session,
    verify_totp,
)
from nightbridge.services.accounts.recovery_codes import codes_left, regenerate_codes
from nightbridge.services.accounts.reset_codes import (
    ResetRefused,
    issue_reset_code,
    redeem_reset_code,
)
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.audit import person_events_page
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import AuditEventRow, RecoveryCodeRow, ResetCodeRow
from tests.web.conftest import ANSWERED, FAST_AUTH, PASSWORD

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NEW = "a brand new long passphrase"


def _account(database: Database, name: str, role: str = "clinician") -> Actor:
    account_id = create_account(
        database,
        FAST_AUTH,
        username=name,
        password=PASSWORD,
        role=role,
        profile=ANSWERED if role == "person" else None,
    )
    with database.reader() as session:
        from nightbridge.storage.tables.accounts import AccountRow

        row = session.get(AccountRow, account_id)
        assert row is not None
        return Actor(account_id, role, row.person_id)


def _enrol(database: Database, keys: TotpKeys, account_id: int) -> tuple[str, list[str]]:
    secret = pyotp.random_base32()
    earlier = T0 - dt.timedelta(minutes=5)
    codes = verify_totp(
        database,
        FAST_AUTH,
        account_id,
        pyotp.TOTP(secret).at(earlier),
        keys=keys,
        confirm=True,
        pending=secret,
        now=earlier,
    )
    return secret, codes


def _use(database: Database, keys: TotpKeys, account_id: int, code: str, minute: int) -> None:
    verify_totp(
        database,
        FAST_AUTH,
        account_id,
        code,
        keys=keys,
        now=T0 + dt.timedelta(minutes=minute),
    )


def test_recovery_codes_work_once_each_and_a_new_set_ends_the_old(
    database: Database, tmp_path: Path
) -> None:
    keys = TotpKeys(tmp_path / "totp.key")
    lee = _account(database, "dr-lee")
    kim = _account(database, "dr-kim")
    _, codes = _enrol(database, keys, lee.account_id or 0)
    _, kims = _enrol(database, keys, kim.account_id or 0)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c) == 14 and c[4] == c[9] == "-" for c in codes)
    with database.reader() as session:  # only hashes are kept
        stored = list(session.scalars(select(RecoveryCodeRow.code_hash)))
    assert len(stored) == 20 and not any(c.replace("-", "") in h for c in codes for h in stored)

    _use(database, keys, lee.account_id or 0, codes[0], 1)  # works ...
    with pytest.raises(LoginRefused):
        _use(database, keys, lee.account_id or 0, codes[0], 2)  # ... once
    _use(database, keys, lee.account_id or 0, codes[1].lower().replace("-", " "), 3)
    with pytest.raises(LoginRefused):  # another account's code
        _use(database, keys, lee.account_id or 0, kims[0], 4)
    assert codes_left(database, lee.account_id or 0) == 8

    with pytest.raises(InvalidInput, match="not your current password"):
        regenerate_codes(database, FAST_AUTH, lee, "not my password")
    fresh = regenerate_codes(database, FAST_AUTH, lee, PASSWORD)
    assert codes_left(database, lee.account_id or 0) == 10 and not set(fresh) & set(codes)
    with pytest.raises(LoginRefused):  # the old set no longer works
        _use(database, keys, lee.account_id or 0, codes[2], 5)
    _use(database, keys, lee.account_id or 0, fresh[0], 6)
    # a recovery code needs no key file (the phone is what was lost)
    keys.path.unlink()
    _use(database, keys, lee.account_id or 0, fresh[1], 7)
    with database.reader() as session:
        details = list(
            session.scalars(
                select(AuditEventRow.detail)
                .where(AuditEventRow.actor_account_id == lee.account_id)
                .where(AuditEventRow.action.in_(["login", "account.recovery_codes"]))
                .order_by(AuditEventRow.id)
            )
        )
    assert "recovery code (9 left)" in details and "wrong recovery code" in details
    assert any(d.startswith("10 new recovery codes") for d in details)


def test_a_person_without_two_step_login_has_no_recovery_codes(database: Database) -> None:
    ana = _account(database, "ana", role="person")
    with pytest.raises(NotFound):
        regenerate_codes(database, FAST_AUTH, ana, PASSWORD)


def _sessions(database: Database, account_id: int) -> list[str]:
    return [open_session(database, account_id=account_id, stage="full")[0] for _ in range(2)]


def test_an_admin_reset_code_sets_a_new_password_once_and_ends_the_sessions(
    database: Database,
) -> None:
    admin = _account(database, "site-admin", role="admin")
    ana = _account(database, "ana", role="person")
    ben = _account(database, "ben", role="person")
    tokens = _sessions(database, ana.account_id or 0)
    issued = issue_reset_code(database, admin, ana.account_id or 0, now=T0)
    assert issued.username == "ana" and issued.expires_at == T0 + dt.timedelta(hours=24)
    with database.reader() as session:
        hashes = list(session.scalars(select(ResetCodeRow.code_hash)))
    assert hashes and issued.code.replace("-", "") not in hashes[0]

    with pytest.raises(ResetRefused):  # another account's username
        redeem_reset_code(database, FAST_AUTH, "ben", issued.code, NEW, now=T0)
    with pytest.raises(InvalidInput, match="at least 12"):  # checked before anything
        redeem_reset_code(database, FAST_AUTH, "ana", issued.code, "short", now=T0)
    redeem_reset_code(
        database, FAST_AUTH, "ana", issued.code.lower(), NEW, now=T0 + dt.timedelta(hours=1)
    )
    assert all(resolve_session(database, FAST_AUTH, t) is None for t in tokens)
    assert authenticate(database, FAST_AUTH, "ana", NEW)[0] == ana.account_id
    with pytest.raises(LoginRefused):
        authenticate(database, FAST_AUTH, "ana", PASSWORD)
    with pytest.raises(ResetRefused):  # a used code
        redeem_reset_code(database, FAST_AUTH, "ana", issued.code, "yet another passphrase")
    # the person sees both: the admin's code and the reset
    page = person_events_page(database, ana.person_id or 0)
    actions = [(e.action, e.outcome) for e in page.events]
    assert ("account.reset_code", "ok") in actions
    assert ("account.password.reset", "ok") in actions
    assert ben.account_id is not None


def test_an_expired_code_or_an_older_code_is_refused(database: Database) -> None:
    admin = _account(database, "site-admin", role="admin")
    ana = _account(database, "ana", role="person")
    old = issue_reset_code(database, admin, ana.account_id or 0, now=T0)
    with pytest.raises(ResetRefused):  # 24 h and a minute later
        redeem_reset_code(
            database, FAST_AUTH, "ana", old.code, NEW, now=T0 + dt.timedelta(hours=24, minutes=1)
        )
    first = issue_reset_code(database, admin, ana.account_id or 0, now=T0)
    second = issue_reset_code(database, admin, ana.account_id or 0, now=T0)
    with pytest.raises(ResetRefused):  # a new code ends the open one
        redeem_reset_code(database, FAST_AUTH, "ana", first.code, NEW, now=T0)
    redeem_reset_code(database, FAST_AUTH, "ana", second.code, NEW, now=T0)
    with database.reader() as session:
        details = list(
            session.scalars(
                select(AuditEventRow.detail)
                .where(AuditEventRow.action == "account.password.reset")
                .order_by(AuditEventRow.id)
            )
        )
    assert [d.split(" from")[0] for d in details] == [
        "expired code",
        "expired code",  # the first code was ended by the second
        "with a reset code; sessions ended",
    ]


def test_guessing_reset_codes_is_throttled_like_a_login(database: Database) -> None:
    admin = _account(database, "site-admin", role="admin")
    ana = _account(database, "ana", role="person")
    issued = issue_reset_code(database, admin, ana.account_id or 0, now=T0)
    stranger = Attempt(client="203.0.113.9")
    for n in range(FAST_AUTH.lockout_after):
        with pytest.raises(ResetRefused):
            redeem_reset_code(
                database, FAST_AUTH, "ana", f"WRONG-CODE-{n:04d}", NEW, attempt=stranger, now=T0
            )
    with pytest.raises(ResetRefused):  # throttled: even the right code is not checked
        redeem_reset_code(database, FAST_AUTH, "ana", issued.code, NEW, attempt=stranger, now=T0)
    later = T0 + FAST_AUTH.lockout_max + dt.timedelta(minutes=1)
    redeem_reset_code(database, FAST_AUTH, "ana", issued.code, NEW, attempt=stranger, now=later)


def test_who_may_issue_a_reset_code(database: Database) -> None:
    from nightbridge.services.clinic.clinics import answer_invite, create_clinic, invite_clinician

    admin = _account(database, "site-admin", role="admin")
    lead = _account(database, "dr-lead", role="clinician")
    member = _account(database, "dr-member", role="clinician")
    outsider = _account(database, "dr-outside", role="clinician")
    ana = _account(database, "ana", role="person")
    ben = _account(database, "ben", role="person")
    clinic = create_clinic(database, admin, name="Riverside", admin_username="dr-lead")
    invite = invite_clinician(database, lead, clinic.id, username="dr-member")
    answer_invite(database, member, invite.id, accept=True)
    with database.reader() as session:
        from nightbridge.storage.tables.clinics import ClinicRow

        row = session.get(ClinicRow, clinic.id)
        assert row is not None
        share_code = row.share_code
    _share_with_clinic(database, ana, share_code)

    with pytest.raises(NotFound):  # nobody for their own account
        issue_reset_code(database, admin, admin.account_id or 0)
    issue_reset_code(database, admin, outsider.account_id or 0)  # a site admin: any other
    issue_reset_code(database, lead, member.account_id or 0)  # a clinic admin: a member
    issue_reset_code(database, lead, ana.account_id or 0)  # ... a person sharing with it
    for actor, target in (
        (lead, ben),  # a person who does not share with the clinic
        (lead, outsider),  # a clinician outside the clinic
        (lead, admin),
        (member, ana),  # a member who is not a clinic admin
        (ana, ben),
        (outsider, member),
    ):
        with pytest.raises(NotFound):
            issue_reset_code(database, actor, target.account_id or 0)


def _share_with_clinic(database: Database, person: Actor, code: str) -> None:
    from nightbridge.services.accounts.sharing import share_with_clinic

    share_with_clinic(database, person, code, access="view")
