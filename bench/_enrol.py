"""Shared by the web benchmarks: a clinician's TOTP enrolment done before the clock starts
(enrolment is not what they measure). Not a benchmark itself (``make bench`` runs
``bench_*.py`` only)."""

from __future__ import annotations

import datetime as dt
import uuid

import pyotp

from nightbridge.services.accounts.auth import AuthPolicy, enrolment_secret, verify_totp
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.storage.database import Database


def enrol_clinician(database: Database, policy: AuthPolicy, account_id: int, keys: TotpKeys) -> str:
    """Enrol ``account_id`` in TOTP with a code from a minute ago (so the code of this
    minute is still unused at login) and return the secret; ``keys``: the app's TOTP key
    file, so the app can read the sealed secret (docs/security.md)."""
    secret, _ = enrolment_secret(database, account_id, uuid.uuid4().hex)
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
    verify_totp(
        database,
        policy,
        account_id,
        pyotp.TOTP(secret).at(earlier),
        keys=keys,
        confirm=True,
        pending=secret,
        now=earlier,
    )
    return secret
