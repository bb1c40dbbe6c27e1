"""``nightbridge serve``: which addresses count as this machine, and the warning that
logins need HTTPS anywhere else (issue 12, item 13)."""

from __future__ import annotations

import pytest

from nightbridge.cli.commands.serve import is_loopback, plain_http_warning


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("clinic.example.org", False),
    ],
)
def test_only_loopback_counts_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    warning = plain_http_warning(host)
    if loopback:
        assert warning is None
    else:
        assert warning is not None
        assert host in warning and "Logins need HTTPS" in warning and "deploy.md" in warning
