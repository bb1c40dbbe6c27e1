"""TOTP secrets sealed at rest with a key kept outside the database (issue 12 item 9).

Whoever reads the database (a stolen backup, a read-only SQL injection, a curious
operator with ``psql``) must not be able to produce anyone's two-step codes. So
``accounts.totp_secret`` holds ``v1:<key id>:<token>``:

- AES-256-GCM (``cryptography``; NIST SP 800-38D), a fresh 96-bit random nonce per
  seal, and the account id as associated data, so a sealed secret copied onto another
  account's row does not open there;
- ``token``: URL-safe base64 (no padding) of nonce || ciphertext || tag;
- ``v1`` names this format, ``<key id>`` the key that sealed it, so keys can be rotated
  (``nightbridge account rotate-totp-key``).

The key file (``Settings.totp_key_path``: ``NIGHTBRIDGE_TOTP_KEY_FILE``, default
``<home>/totp.key``) is text: ``#`` comments, then one key a line, ``<key id> <base64 of
32 random bytes>``. The first key seals new secrets; any further keys only open secrets
sealed before a rotation finished. It is created, mode 0600, on first need (the first
TOTP enrolment), but never while some account holds a secret sealed with a key: a lost
key file is reported, not silently replaced. It is read at each use (a few hundred
bytes), so a rotation is seen by every running server at once.

A missing, unreadable or malformed key file, or a secret sealed with a key the file
does not hold, raises ``TotpKeyUnavailable``: one sentence naming the file and the
reason, never the key or the secret.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nightbridge.core.errors import NightbridgeError

if TYPE_CHECKING:
    from nightbridge.settings import Settings
    from nightbridge.storage.database import Database

FORMAT = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[0-9a-f]{8}$")
HEADER = (
    "# Nightbridge TOTP key file: it opens the two-step login secrets in the store.\n"
    "# Keep it secret (mode 0600) and back it up WITH the store, kept apart from it:\n"
    "# a store restored without this file cannot check anyone's two-step codes.\n"
    "# The first key seals new secrets; any others only open older ones.\n"
)


class TotpKeyUnavailable(NightbridgeError):
    """The TOTP key file cannot be used (the message names the file and the reason)."""


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(FORMAT + ":")


def _aad(account_id: int) -> bytes:
    return f"nightbridge totp secret of account {account_id}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal_with(key_id: str, key: bytes, account_id: int, secret: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), _aad(account_id))
    return f"{FORMAT}:{key_id}:{_b64(nonce + sealed)}"


def parse_keys(text: str, where: Path) -> list[tuple[str, bytes]]:
    """The keys of a key file's text, first (sealing) key first."""
    keys: list[tuple[str, bytes]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        key: bytes | None = None
        if len(parts) == 2 and _KEY_ID.match(parts[0]):
            with contextlib.suppress(binascii.Error, ValueError):
                key = _unb64(parts[1])
        if key is None or len(key) != KEY_BYTES:
            raise TotpKeyUnavailable(
                f"The TOTP key file {where} is not a key file (line {number} is not "
                "'<key id> <key>': 8 hex digits, then 32 bytes in base64). Restore it from "
                "the backup kept with the store."
            )
        if any(parts[0] == known for known, _ in keys):
            raise TotpKeyUnavailable(
                f"The TOTP key file {where} names key {parts[0]} twice (line {number})."
            )
        keys.append((parts[0], key))
    if not keys:
        raise TotpKeyUnavailable(
            f"The TOTP key file {where} holds no key. Restore it from the backup kept with "
            "the store."
        )
    return keys


def format_keys(keys: list[tuple[str, bytes]]) -> str:
    return HEADER + "".join(f"{key_id} {_b64(key)}\n" for key_id, key in keys)


def new_key() -> tuple[str, bytes]:
    return secrets.token_hex(4), secrets.token_bytes(KEY_BYTES)


@dataclass(frozen=True, slots=True)
class TotpKeys:
    """The key file at ``path``; read at each use."""

    path: Path

    @classmethod
    def of(cls, settings: Settings) -> TotpKeys:
        return cls(settings.totp_key_path)

    def exists(self) -> bool:
        return self.path.exists()

    def load(self, *, create: bool = False) -> list[tuple[str, bytes]]:
        """The keys, sealing key first. ``create``: a missing file is made (mode 0600)
        with one new key."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            if not create:
                raise TotpKeyUnavailable(
                    f"The TOTP key file {self.path} is missing, so two-step login codes "
                    "cannot be checked. Restore it from the backup kept with the store, or "
                    "point NIGHTBRIDGE_TOTP_KEY_FILE at it."
                ) from None
            return self._create()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not text"
            raise TotpKeyUnavailable(
                f"The TOTP key file {self.path} cannot be read ({reason.lower()}). Let the "
                "user that runs Nightbridge read it (mode 0600), or point "
                "NIGHTBRIDGE_TOTP_KEY_FILE at a readable copy."
            ) from None
        return parse_keys(text, self.path)

    def _create(self) -> list[tuple[str, bytes]]:
        keys = [new_key()]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return self.load()
        except OSError as exc:
            raise TotpKeyUnavailable(
                f"The TOTP key file {self.path} cannot be created "
                f"({(exc.strerror or 'error').lower()}). Point NIGHTBRIDGE_TOTP_KEY_FILE at a "
                "place Nightbridge may write."
            ) from None
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(format_keys(keys))
            out.flush()
            os.fsync(out.fileno())
        return keys

    def write(self, keys: list[tuple[str, bytes]]) -> None:
        """Replace the file with ``keys`` (atomically: a new file, fsynced, renamed)."""
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(format_keys(keys))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def seal(self, account_id: int, secret: str, *, create: bool = False) -> str:
        key_id, key = self.load(create=create)[0]
        return seal_with(key_id, key, account_id, secret)

    def open(self, account_id: int, stored: str) -> str:
        """The base32 secret of ``stored`` (``v1:<key id>:<token>``)."""
        return self.opener()(account_id, stored)

    def opener(self) -> Callable[[int, str], str]:
        """A function that opens sealed secrets with the keys as read now (for many rows)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        keys = dict(self.load())

        def open_one(account_id: int, stored: str) -> str:
            version, _, rest = stored.partition(":")
            key_id, _, token = rest.partition(":")
            if version != FORMAT:
                raise TotpKeyUnavailable(
                    f"The two-step secret of account {account_id} is not sealed in a form "
                    "this version knows; run `nightbridge migrate`."
                )
            key = keys.get(key_id)
            if key is None:
                raise TotpKeyUnavailable(
                    f"The two-step secret of account {account_id} was sealed with key "
                    f"{key_id}, which the TOTP key file {self.path} does not hold: it is the "
                    "wrong file for this store. Restore the key file backed up with the store."
                )
            try:
                raw = _unb64(token)
                plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(account_id))
                return plain.decode("ascii")
            except (InvalidTag, binascii.Error, ValueError):
                raise TotpKeyUnavailable(
                    f"The two-step secret of account {account_id} does not open with key "
                    f"{key_id} of {self.path}: the key file or the stored secret was changed."
                ) from None

        return open_one

    def sealer(self, *, create: bool = True) -> Callable[[int, str], str]:
        """A function that seals many secrets with the sealing key as read now (the
        migration that seals the secrets stored in the clear takes one)."""
        cache: list[tuple[str, bytes]] = []

        def seal_one(account_id: int, secret: str) -> str:
            if not cache:
                cache.append(self.load(create=create)[0])
            key_id, key = cache[0]
            return seal_with(key_id, key, account_id, secret)

        return seal_one


def rotate_key(database: Database, keys: TotpKeys) -> tuple[str, int]:
    """A new sealing key: written first beside the old ones, every secret re-sealed with
    it in one transaction, then the old keys dropped from the file. Returns the new key
    id and how many secrets were re-sealed. Audited (actor role ``host``).

    A crash at any point leaves a working pair: before the commit the old keys still
    open every row; after it the new key does (the old ones are only left over).
    """
    from nightbridge.services.access import Actor
    from nightbridge.services.audit import record_event
    from nightbridge.storage.repositories.accounts import AccountRepository

    with database.reader() as session:
        any_sealed = AccountRepository(session).any_totp_secret()
    old = keys.load(create=not any_sealed)
    key_id, key = new_key()
    keys.write([(key_id, key), *old])
    opener = keys.opener()
    with database.transaction() as session:
        rows = AccountRepository(session).with_totp_secret_for_update()
        for row in rows:
            secret = opener(row.id, row.totp_secret or "")
            row.totp_secret = seal_with(key_id, key, row.id, secret)
        record_event(
            session,
            Actor(None, "host", None),
            person_id=None,
            action="totp.key.rotate",
            object="totp key file",
            outcome="ok",
            detail=f"new key {key_id}; {len(rows)} secrets re-sealed",
        )
        count = len(rows)
    keys.write([(key_id, key)])
    return key_id, count
