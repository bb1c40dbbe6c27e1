"""The one settings module: read from the environment, written back for the workers,
refused with the variable's name, and every setting documented (docs/settings.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.settings import (
    CODE_ONLY,
    AuthPolicy,
    SettingRefused,
    Settings,
    SmtpSettings,
    env_names,
    read_setting,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented_with_its_variable() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    missing = []
    for dotted, variable in env_names().items():
        if not any(f"`{dotted}`" in row and f"`{variable}`" in row for row in rows):
            missing.append(f"{dotted} ({variable})")
    for name in CODE_ONLY:
        if not any(f"`{name}`" in row for row in rows):
            missing.append(name)
    assert missing == []
    # and nothing documented that does not exist
    documented = set(re.findall(r"`(NIGHTBRIDGE_[A-Z0-9_]+)`", DOC.read_text(encoding="utf-8")))
    assert documented == set(env_names().values())


def test_every_field_has_a_variable() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)} - CODE_ONLY - {"auth", "smtp"}
    fields |= {f"auth.{f.name}" for f in dataclasses.fields(AuthPolicy)}
    fields |= {f"smtp.{f.name}" for f in dataclasses.fields(SmtpSettings)}
    assert set(env_names()) == fields


def test_an_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings().worker_count >= 1


def test_it_reads_each_kind_of_value() -> None:
    got = Settings.from_env(
        {
            "NIGHTBRIDGE_DATABASE_URL": "postgresql+psycopg://nb@db/nb",
            "NIGHTBRIDGE_HOME": "/srv/nightbridge",
            "NIGHTBRIDGE_WORKERS": "4",
            "NIGHTBRIDGE_HSTS": "yes",
            "NIGHTBRIDGE_SECURE_COOKIES": "off",
            "NIGHTBRIDGE_INVITE_TTL": "2d",
            "NIGHTBRIDGE_MAX_UPLOAD_MB": "250.5",
            "NIGHTBRIDGE_AUTH_LOCKOUT_AFTER": "10",
            "NIGHTBRIDGE_AUTH_IDLE_TIMEOUT": "15m",
            "NIGHTBRIDGE_AUTH_TOTP_ROLES": "admin, clinician, person",
            "NIGHTBRIDGE_SMTP_HOST": "mail.clinic.example",
            "NIGHTBRIDGE_SMTP_FROM": "nightbridge@clinic.example",
            "NIGHTBRIDGE_SMTP_PASSWORD": "s3cret",
            "FORWARDED_ALLOW_IPS": "10.0.0.5",
            "NIGHTBRIDGE_PORT": "",  # empty: unset
        }
    )
    assert got.database_url == "postgresql+psycopg://nb@db/nb"
    assert got.home == Path("/srv/nightbridge") and got.home_dir == Path("/srv/nightbridge")
    assert (got.workers, got.worker_count, got.port) == (4, 4, 8000)
    assert got.hsts is True and got.secure_cookies is False
    assert got.invite_ttl == dt.timedelta(days=2)
    assert got.max_upload_mb == 250.5
    assert got.auth.lockout_after == 10
    assert got.auth.idle_timeout == dt.timedelta(minutes=15)
    assert got.auth.totp_roles == frozenset({"admin", "clinician", "person"})
    assert got.smtp.host == "mail.clinic.example"
    assert got.smtp.sender == "nightbridge@clinic.example"
    assert got.forwarded_allow_ips == "10.0.0.5"
    assert "s3cret" not in repr(got)


def test_our_own_proxy_variable_wins_over_uvicorns() -> None:
    env = {"FORWARDED_ALLOW_IPS": "10.0.0.5", "NIGHTBRIDGE_FORWARDED_ALLOW_IPS": "10.0.0.6"}
    assert Settings.from_env(env).forwarded_allow_ips == "10.0.0.6"


def test_bad_values_are_refused_together_naming_each_variable() -> None:
    env = {
        "NIGHTBRIDGE_HSTS": "maybe",
        "NIGHTBRIDGE_PORT": "eighty",
        "NIGHTBRIDGE_INVITE_TTL": "72",
        "NIGHTBRIDGE_MAX_UPLOAD_MB": "nan",
    }
    with pytest.raises(SettingRefused) as caught:
        Settings.from_env(env)
    by_name = {p.field: p.reason for p in caught.value.problems}
    assert set(by_name) == set(env)
    assert "yes or no" in by_name["NIGHTBRIDGE_HSTS"]
    assert "whole number" in by_name["NIGHTBRIDGE_PORT"]
    assert "15m, 12h or 3d" in by_name["NIGHTBRIDGE_INVITE_TTL"]


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("NIGHTBRIDGE_PORT", "0", "between 1 and 65535"),
        ("NIGHTBRIDGE_WORKERS", "0", "1 or more"),
        ("NIGHTBRIDGE_MAX_UPLOAD_MB", "-1", "more than 0"),
        ("NIGHTBRIDGE_MAX_BODY_KIB", "0", "1 or more"),
        ("NIGHTBRIDGE_SMTP_TLS", "ssl", "starttls, tls or none"),
        ("NIGHTBRIDGE_SMTP_DIGEST_HOUR", "24", "between 0 and 23"),
        ("NIGHTBRIDGE_SMTP_DIGEST_ZONE", "Mars/Olympus", "not a time zone"),
        ("NIGHTBRIDGE_SMTP_MAX_ATTEMPTS", "0", "1 or more"),
        ("NIGHTBRIDGE_SMTP_ONCALL", "on-call at clinic", "not an email address"),
        ("NIGHTBRIDGE_SMTP_ONCALL", "a@clinic.example, b@clinic.example", "not an email"),
        ("NIGHTBRIDGE_PUBLIC_URL", "sleep.clinic.example", "https://"),
        ("NIGHTBRIDGE_DATABASE_URL", "mysql://x/y", "postgresql"),
        ("NIGHTBRIDGE_AUTH_LOCKOUT_AFTER", "0", "1 or more"),
    ],
)
def test_values_that_parse_but_make_no_sense_are_refused(
    variable: str, value: str, reason: str
) -> None:
    with pytest.raises(SettingRefused) as caught:
        Settings.from_env({variable: value})
    [problem] = caught.value.problems
    assert problem.field == variable and reason in problem.reason


def test_a_relay_without_a_from_address_is_refused_naming_it() -> None:
    with pytest.raises(SettingRefused) as caught:
        Settings.from_env({"NIGHTBRIDGE_SMTP_HOST": "mail.clinic.example"})
    [problem] = caught.value.problems
    assert problem.field == "NIGHTBRIDGE_SMTP_FROM"
    assert "NIGHTBRIDGE_SMTP_HOST" in problem.reason


def test_the_smtp_password_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    got = Settings.from_env({"NIGHTBRIDGE_SMTP_PASSWORD_FILE": str(secret)})
    assert got.smtp.read_password() == "s3cret"
    with pytest.raises(SettingRefused, match="not both"):
        Settings.from_env(
            {"NIGHTBRIDGE_SMTP_PASSWORD_FILE": str(secret), "NIGHTBRIDGE_SMTP_PASSWORD": "x"}
        )


def test_one_setting_can_be_read_alone() -> None:
    env = {"NIGHTBRIDGE_CRISIS_RESOURCES": "/etc/nightbridge/lines.json", "NIGHTBRIDGE_HSTS": "x"}
    assert read_setting("crisis_resources", env) == Path("/etc/nightbridge/lines.json")
    assert read_setting("debug", env) is False  # unrelated bad values do not matter
    assert read_setting("auth.lockout_after", {}) == 5
    with pytest.raises(SettingRefused, match="NIGHTBRIDGE_HSTS"):
        read_setting("hsts", env)


_text = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)
_seconds = st.integers(min_value=1, max_value=400 * 86400).map(lambda s: dt.timedelta(seconds=s))


@settings(max_examples=150, deadline=None)
@given(
    database_url=st.none() | st.just("postgresql+psycopg://nb@db:5432/nb"),
    home=st.none() | st.sampled_from([Path("/srv/nb"), Path("/home/ana/nightbridge")]),
    host=st.sampled_from(["127.0.0.1", "0.0.0.0", "::1"]),
    port=st.integers(1, 65535),
    workers=st.none() | st.integers(1, 64),
    hsts=st.booleans(),
    secure=st.booleans(),
    invite_ttl=_seconds,
    body=st.integers(1, 1 << 20),
    upload=st.floats(0.001, 1e6, allow_nan=False),
    lockout_after=st.integers(1, 100),
    idle=_seconds,
    roles=st.frozensets(st.sampled_from(["admin", "clinician", "person"])),
    smtp_host=st.none() | _text,
    tls=st.sampled_from(["starttls", "tls", "none"]),
    digest_hour=st.none() | st.integers(0, 23),
    in_serve=st.booleans(),
    public_url=st.none() | st.just("https://sleep.clinic.example"),
)
def test_to_env_reads_back_as_the_same_settings(  # type: ignore[no-untyped-def]
    database_url,
    home,
    host,
    port,
    workers,
    hsts,
    secure,
    invite_ttl,
    body,
    upload,
    lockout_after,
    idle,
    roles,
    smtp_host,
    tls,
    digest_hour,
    in_serve,
    public_url,
) -> None:
    """Property: what ``serve`` hands its workers is exactly what it resolved."""
    original = Settings(
        database_url=database_url,
        home=home,
        host=host,
        port=port,
        workers=workers,
        hsts=hsts,
        secure_cookies=secure,
        invite_ttl=invite_ttl,
        max_body_kib=body,
        max_upload_mb=upload,
        auth=AuthPolicy(lockout_after=lockout_after, idle_timeout=idle, totp_roles=roles),
        public_url=public_url,
        smtp=SmtpSettings(
            host=smtp_host,
            sender="nightbridge@clinic.example",
            tls=tls,
            password="pw",
            digest_hour=digest_hour,
            in_serve=in_serve,
        ),
    )
    env = original.to_env()
    assert all(name.startswith("NIGHTBRIDGE_") for name in env)
    assert Settings.from_env(env) == original
