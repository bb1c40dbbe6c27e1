"""Idempotency keys: a write sent again with the same key is stored once and answered
with the first response (issue 13; docs/phone.md).

The phone's outbox (web/static/outbox.js) keeps a form filled in offline and sends it
when the connection returns, perhaps more than once (the answer was lost, a second
reconnect, the page was reloaded). Each form carries a key (the ``Idempotency-Key``
header on the JSON API: draft-ietf-httpapi-idempotency-key-header; the
``idempotency_key`` field on the forms), and ``run_once`` makes the key and the write
one transaction:

1. a key already stored for this account, with the same route and content, answers
   with the response kept the first time (nothing is written again);
2. the same key with other content is refused (``KeyRefused``), never answered with
   the first response;
3. otherwise the write runs on a ``Database`` whose FIRST write transaction also
   inserts the key (unique per account): the write and the key commit together or not
   at all. Two copies racing each other: the second one's insert fails on the unique
   key, its whole transaction (the write too) rolls back, and it answers as in 1;
4. the response is then kept with the key. A refused write (``InvalidInput``) rolls the
   key back with it, so the corrected form can be sent again.

Keys are kept ``KEEP_DAYS`` days (an outbox holds a form for days at most).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nightbridge.core.errors import NightbridgeError
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.sync import IdempotencyKeyRepository

#: Days a key is kept; older keys of the account are deleted when it stores a new one.
KEEP_DAYS = 90
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class KeyRefused(NightbridgeError):
    """The key cannot be used: malformed, or already used for other content (422)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The response to give: ``status_code`` and ``response`` (a JSON body or a redirect's
    location). ``replayed``: the write had been stored before; ``response`` is None when
    it was stored but its response not yet kept (a copy racing the first)."""

    status_code: int | None
    response: str | None
    replayed: bool


def check_key(key: str) -> str:
    """``key`` if it is 8-128 characters of ``A-Z a-z 0-9 . _ : -``, else ``KeyRefused``."""
    if not _KEY.match(key):
        raise KeyRefused(
            "This form could not be sent safely (its sending key is malformed). "
            "Reload the page and send it again."
        )
    return key


def fingerprint(route: str, pairs: list[tuple[str, str]]) -> str:
    """SHA-256 (hex) of the route and what was sent, in a canonical order."""
    digest = hashlib.sha256(route.encode())
    for name, value in sorted(pairs):
        digest.update(b"\x00" + name.encode() + b"\x01" + value.encode())
    return digest.hexdigest()


class _KeyedDatabase(Database):
    """The same store; its first write transaction also claims the key."""

    def __init__(self, inner: Database, claim: Callable[[Session], None]) -> None:
        # Shares the engine (and its pool) of ``inner``; nothing new is opened.
        self.url = inner.url
        self.engine = inner.engine
        self.is_sqlite = inner.is_sqlite
        # the same after-commit callbacks (a notice saved through here wakes the sender)
        self._commit_hooks = inner._commit_hooks
        self.write_wait_s = inner.write_wait_s
        self.write_turn = inner.write_turn  # the same turn: one queue per process
        self._claim = claim
        self.claimed = False

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with super().transaction() as session:
            first = not self.claimed
            if first:
                self._claim(session)
                self.claimed = True
            try:
                yield session
            except BaseException:
                if first:
                    self.claimed = False
                raise


def _same(stored_route: str, stored_fp: str, route: str, fp: str) -> bool:
    return stored_route == route and stored_fp == fp


def run_once(
    db: Database,
    *,
    account_id: int,
    key: str,
    route: str,
    content: list[tuple[str, str]],
    write: Callable[[Database], tuple[int, str]],
    now: dt.datetime | None = None,
) -> Outcome:
    """Run ``write`` once per ``(account_id, key)`` (see the module docstring).

    ``write`` gets the ``Database`` to use and returns ``(status_code, response)`` to
    keep; it may raise (``InvalidInput`` for a refused form): nothing is kept then.
    """
    check_key(key)
    fp = fingerprint(route, content)
    repeat = _replay(db, account_id, key, route, fp)
    if repeat is not None:
        return repeat
    moment = now or dt.datetime.now(dt.UTC)

    def claim(session: Session) -> None:
        repo = IdempotencyKeyRepository(session)
        repo.forget_before(account_id, moment - dt.timedelta(days=KEEP_DAYS))
        repo.claim(account_id, key, route=route, fingerprint=fp)

    keyed = _KeyedDatabase(db, claim)
    try:
        status_code, response = write(keyed)
    except IntegrityError:
        repeat = _replay(db, account_id, key, route, fp)
        if repeat is None:  # not our key: the write's own error
            raise
        return repeat
    if keyed.claimed:
        with db.transaction() as session:
            IdempotencyKeyRepository(session).keep_response(account_id, key, status_code, response)
    return Outcome(status_code, response, replayed=False)


def _replay(db: Database, account_id: int, key: str, route: str, fp: str) -> Outcome | None:
    with db.reader() as session:
        stored = IdempotencyKeyRepository(session).get(account_id, key)
    if stored is None:
        return None
    if not _same(stored.route, stored.fingerprint, route, fp):
        raise KeyRefused(
            "This form was already sent with other answers. Reload the page to send a new one."
        )
    return Outcome(stored.status_code, stored.response, replayed=True)
