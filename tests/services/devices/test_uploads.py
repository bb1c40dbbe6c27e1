"""Receiving an upload (services.devices.uploads): a multipart/form-data body (RFC 7578) parsed
as a stream, the file written to disk in its own private folder, the size limit
enforced while reading, and nothing left behind when the upload is refused."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.services.devices.uploads import (
    DEFAULT_MAX_UPLOAD_MB,
    MAX_FIELD_BYTES,
    ReceivedUpload,
    UploadTooLarge,
    receive_upload,
    safe_file_name,
    sweep_uploads,
    upload_limit_bytes,
)

BOUNDARY = "----nightbridge-test-7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(
    fields: Iterable[tuple[str, str]],
    file: tuple[str, bytes] | None = None,
    after: Iterable[tuple[str, str]] = (),
) -> bytes:
    """A form body as a browser writes it (fields in document order)."""
    out = bytearray()

    def text(name: str, value: str) -> None:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        out.extend(head.encode())
        out.extend(value.encode() + b"\r\n")

    for name, value in fields:
        text(name, value)
    if file is not None:
        file_name, data = file
        out.extend(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        out.extend(data + b"\r\n")
    for name, value in after:
        text(name, value)
    out.extend(f"--{BOUNDARY}--\r\n".encode())
    return bytes(out)


async def _chunks(body: bytes, sizes: list[int], consumed: list[int]) -> AsyncIterator[bytes]:
    at = 0
    for size in [*sizes, len(body)]:
        if at >= len(body):
            return
        piece = body[at : at + max(1, size)]
        at += len(piece)
        consumed.append(len(piece))
        yield piece


def receive(
    body: bytes,
    folder: Path,
    *,
    limit: int = 10 << 20,
    sizes: list[int] | None = None,
    consumed: list[int] | None = None,
    **kw: object,
) -> ReceivedUpload:
    sizes = sizes if sizes is not None else [65536] * (len(body) // 65536 + 1)
    return asyncio.run(
        receive_upload(
            _chunks(body, sizes, consumed if consumed is not None else []),
            CONTENT_TYPE,
            folder=folder,
            limit=limit,
            **kw,  # type: ignore[arg-type]
        )
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_the_file_is_stored_with_its_fields_and_a_private_mode(tmp_path: Path) -> None:
    data = b"<HealthData>" + os.urandom(300_000) + b"</HealthData>"
    body = multipart([("csrf_token", "t0ken"), ("kind", "apple-health")], ("export.xml", data))
    got = receive(body, tmp_path)
    assert got.fields == {"csrf_token": "t0ken", "kind": "apple-health"}
    assert (got.file_name, got.size, got.path.name) == ("export.xml", len(data), "export.xml")
    assert got.path.read_bytes() == data
    assert stat.S_IMODE(got.path.parent.stat().st_mode) == 0o700
    got.discard()
    assert leftovers(tmp_path) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=4000).map(lambda b: b.replace(b"x", f"\r\n--{BOUNDARY}"[:7].encode())),
    sizes=st.lists(st.integers(min_value=1, max_value=700), max_size=40),
)
def test_any_split_of_the_body_gives_the_same_file_and_fields(
    tmp_path: Path, data: bytes, sizes: list[int]
) -> None:
    body = multipart([("csrf_token", "abc"), ("kind", "oura")], ("sleepmodel.csv", data or b"1"))
    got = receive(body, tmp_path, sizes=sizes)
    try:
        assert got.path.read_bytes() == (data or b"1")
        assert got.fields == {"csrf_token": "abc", "kind": "oura"}
    finally:
        got.discard()


def test_reading_stops_at_the_limit_and_the_partial_file_is_deleted(tmp_path: Path) -> None:
    limit = 1 << 20
    body = multipart([("csrf_token", "t")], ("export.zip", b"z" * (8 << 20)))
    consumed: list[int] = []
    with pytest.raises(UploadTooLarge) as refused:
        receive(body, tmp_path, limit=limit, consumed=consumed)
    assert str(refused.value) == "file: is larger than the limit of 1 MB"
    assert sum(consumed) < limit + 2 * 65536, "kept reading past the limit"
    assert leftovers(tmp_path) == []


def test_a_body_announced_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    consumed: list[int] = []
    body = multipart([("csrf_token", "t")], ("export.zip", b"z" * 1000))
    with pytest.raises(UploadTooLarge):
        receive(body, tmp_path, limit=1 << 20, consumed=consumed, content_length=50 << 20)
    assert consumed == []
    assert leftovers(tmp_path) == []


def test_a_refusal_before_the_file_stores_no_byte(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []

    def refuse(fields: dict[str, str]) -> None:
        seen.append(fields)
        raise PermissionError("bad token")

    body = multipart([("csrf_token", "forged"), ("kind", "fitbit")], ("takeout.zip", b"PK" * 100))
    with pytest.raises(PermissionError):
        receive(body, tmp_path, before_file=refuse)
    assert seen == [{"csrf_token": "forged", "kind": "fitbit"}]
    assert leftovers(tmp_path) == []


def test_fields_after_the_file_are_not_seen_before_it(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []
    body = multipart([], ("export.xml", b"<x/>"), after=[("csrf_token", "late")])
    got = receive(body, tmp_path, before_file=seen.append)
    assert seen == [{}]
    assert got.fields == {"csrf_token": "late"}
    got.discard()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (multipart([("csrf_token", "t")]), "file: choose an export file to upload"),
        (multipart([("csrf_token", "t")], ("export.zip", b"")), "file: is empty"),
        (
            multipart([], ("a.zip", b"1")).replace(b'name="file"', b'name="x"'),
            "x: is not a file field",
        ),
        (
            multipart([("note", "n" * (MAX_FIELD_BYTES + 1))], ("a.zip", b"1")),
            f"note: is longer than {MAX_FIELD_BYTES} bytes",
        ),
        (
            multipart([("csrf_token", "t")], ("a.zip", b"1" * 5000))[:-400],
            "file: the upload was cut off; send it again",
        ),
    ],
    ids=["no file", "empty file", "file under another name", "long field", "cut off"],
)
def test_a_bad_form_is_refused_with_its_reason_and_leaves_nothing(
    tmp_path: Path, body: bytes, reason: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        receive(body, tmp_path)
    assert str(refused.value) == reason
    assert leftovers(tmp_path) == []


def test_two_files_in_one_form_are_refused(tmp_path: Path) -> None:
    one = multipart([], ("a.zip", b"1"))
    two = one[: -len(f"--{BOUNDARY}--\r\n")] + multipart([], ("b.zip", b"2"))
    with pytest.raises(InvalidInput, match="one export file at a time"):
        receive(two, tmp_path)
    assert leftovers(tmp_path) == []


def test_a_body_that_is_not_a_form_is_refused(tmp_path: Path) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"{}"

    with pytest.raises(InvalidInput, match="multipart/form-data"):
        asyncio.run(receive_upload(body(), "application/json", folder=tmp_path, limit=100))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("export.zip", "export.zip"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\dana\\Downloads\\export.zip", "export.zip"),
        (".bashrc", "bashrc"),
        ("sleep\x00\n.csv", "sleep.csv"),
        ("..", "upload"),
        ("", "upload"),
        ("Exportación Salud.zip", "Exportación Salud.zip"),
    ],
)
def test_a_sent_file_name_is_never_a_path(sent: str, kept: str) -> None:
    assert safe_file_name(sent) == kept


def test_the_limit_is_the_setting_in_mib_and_must_be_positive() -> None:
    assert upload_limit_bytes() == DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    assert upload_limit_bytes(250) == 250 * 1024 * 1024
    assert upload_limit_bytes(0.5) == 512 * 1024
    for bad in (0, -3):
        with pytest.raises(InvalidInput, match="max_upload_mb"):
            upload_limit_bytes(bad)


def test_leftover_upload_folders_are_swept_after_a_day(tmp_path: Path) -> None:
    old, fresh, other = tmp_path / "upload-old", tmp_path / "upload-new", tmp_path / "keep"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "export.zip").write_bytes(b"PK")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(other, (two_days_ago, two_days_ago))
    assert sweep_uploads(tmp_path) == 1
    assert leftovers(tmp_path) == ["keep", "keep/export.zip", "upload-new", "upload-new/export.zip"]
