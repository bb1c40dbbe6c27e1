"""The zip guard: checks every entry before reading, streams members, counts inflation.

Cases follow the OWASP File Upload Cheat Sheet (entry count, total size, ratio, path
traversal) and the Zip Slip disclosure (Snyk, 2018).
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.importers.archive import (
    ArchiveLimits,
    GuardedStream,
    check_archive,
    find_member,
    find_members,
    is_zip,
    iter_members,
    open_archive,
    open_member,
)

APPLE_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'


def make_zip(entries: dict[str, bytes], **kwargs: object) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def reason_of(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str:
    (problem,) = excinfo.value.problems
    assert problem.field == "file"
    return problem.reason


def test_it_finds_a_localised_export_by_its_header_not_its_name() -> None:
    archive = make_zip(
        {
            "apple_health_export/export_cda.xml": b'<?xml version="1.0"?>\n<ClinicalDocument/>',
            "apple_health_export/Exportar.xml": APPLE_HEAD + b"]>\n<HealthData/>",
            "apple_health_export/workout-routes/route_1.gpx": b"<gpx/>",
        }
    )
    with open_member(archive, predicate=lambda info, head: b"<!DOCTYPE HealthData" in head) as s:
        assert s.name == "apple_health_export/Exportar.xml"
        assert s.read().endswith(b"<HealthData/>")
        assert s.bytes_read == s.limit


def test_it_opens_a_member_by_exact_name_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(make_zip({"a/b.csv": b"x,y\n1,2\n"}).getvalue())
    assert is_zip(path)
    with open_member(path, name="a/b.csv") as stream:
        assert stream.read(4) == b"x,y\n"
        assert stream.read() == b"1,2\n"


def test_it_says_which_member_is_missing() -> None:
    with pytest.raises(InvalidInput) as excinfo, open_member(make_zip({"a": b"1"}), name="b"):
        pass
    assert reason_of(excinfo) == "zip archive does not contain 'b'"


def test_it_lists_files_but_not_directories_and_finds_none_when_nothing_matches() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("folder/", b"")
        archive.writestr("folder/one.json", b"[]")
        archive.writestr("folder/two.json", b"{}")
    buffer.seek(0)
    archive = open_archive(buffer)
    assert [i.filename for i in iter_members(archive)] == ["folder/one.json", "folder/two.json"]
    assert find_member(archive, lambda info, head: head == b"nope") is None
    found = find_members(archive, lambda info, head: info.filename.endswith(".json"))
    assert len(found) == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "has a '..' path component (path traversal)"),
        ("apple_health_export/../../etc/cron.d/x", "has a '..' path component (path traversal)"),
        ("..\\..\\windows\\x", "has a '..' path component (path traversal)"),
        ("/etc/passwd", "has an absolute path"),
        ("\\server\\share", "has an absolute path"),
        ("C:/Windows/x", "has an absolute path"),
    ],
)
def test_it_refuses_paths_that_leave_the_archive(name: str, expected: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.txt", b"fine")
        archive.writestr(zipfile.ZipInfo(name), b"evil")
    buffer.seek(0)
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(buffer)
    assert reason_of(excinfo) == f"zip entry {name!r} {expected}; refusing the archive"


def test_it_refuses_a_symbolic_link_entry() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("apple_health_export/export.xml")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, b"/etc/passwd")
    buffer.seek(0)
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(buffer)
    assert "is a symbolic link" in reason_of(excinfo)


def test_it_refuses_a_high_ratio_entry_before_reading_it() -> None:
    archive = make_zip({"bomb.xml": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(archive)
    assert "as a zip bomb" in reason_of(excinfo)
    assert "more than 200:1" in reason_of(excinfo)


def test_it_accepts_a_small_entry_with_a_high_ratio() -> None:
    # 512 KiB of spaces compresses ~1000:1 but is below the ratio floor (1 MiB).
    archive = open_archive(make_zip({"spaces.txt": b" " * (512 * 1024)}))
    assert [i.filename for i in iter_members(archive)] == ["spaces.txt"]


def test_it_refuses_more_entries_than_the_limit() -> None:
    archive = make_zip({f"f{i}.txt": b"x" for i in range(11)})
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(archive, limits=ArchiveLimits(max_entries=10))
    assert reason_of(excinfo) == "zip archive declares 11 entries; at most 10 are accepted"


def test_it_refuses_a_declared_total_above_the_deployment_limit() -> None:
    archive = make_zip({"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(archive, limits=ArchiveLimits(max_total_bytes=1000))
    assert "declares more than 1000 bytes uncompressed" in reason_of(excinfo)


def test_it_stops_when_a_member_inflates_beyond_its_declared_size() -> None:
    # A lying header: the directory says 10 bytes, the stream holds far more.
    inner = io.BytesIO(b"y" * 10_000)
    stream = GuardedStream(inner, limit=10, name="lie.xml")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as excinfo:
        while stream.read(4096):
            pass
    assert "inflates to more than the 10 bytes its header declares" in reason_of(excinfo)


def test_it_refuses_a_zip_whose_central_directory_understates_the_size() -> None:
    archive = make_zip({"data.csv": b"z" * 100_000})
    raw = bytearray(archive.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<L", raw, central + 24, 50)  # uncompressed size in the directory
    opened = open_archive(io.BytesIO(bytes(raw)))
    with (
        pytest.raises(InvalidInput) as excinfo,
        open_member(io.BytesIO(bytes(raw)), name="data.csv") as stream,
    ):
        stream.read()
    assert "data.csv" in reason_of(excinfo)
    opened.close()


def test_it_refuses_something_that_is_not_a_zip() -> None:
    assert not is_zip(io.BytesIO(b"<?xml version='1.0'?><HealthData/>"))
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(io.BytesIO(b"just text, not a zip"))
    assert "is not a zip archive" in reason_of(excinfo)


def test_it_refuses_an_encrypted_entry() -> None:
    archive = make_zip({"a.txt": b"secret"})
    raw = bytearray(archive.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1  # general purpose flag: encrypted
    with pytest.raises(InvalidInput) as excinfo:
        open_archive(io.BytesIO(bytes(raw)))
    assert "is encrypted" in reason_of(excinfo)


def test_check_archive_accepts_a_realistic_export_layout() -> None:
    archive = zipfile.ZipFile(
        make_zip(
            {
                "apple_health_export/export.xml": APPLE_HEAD + b"]>\n<HealthData/>" * 1000,
                "apple_health_export/electrocardiograms/ecg_2026-01-01.csv": b"Name,x\n" * 50,
            }
        )
    )
    check_archive(archive)


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)
def test_it_streams_members_of_every_compression_method_in_small_reads(method: int) -> None:
    data = b"".join(b"%06d,night,%d\n" % (i, i * 7) for i in range(60_000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("export/data.csv", data)
    buffer.seek(0)
    pieces = []
    with open_member(buffer, name="export/data.csv") as stream:
        while piece := stream.read(7_777):
            assert len(piece) <= 7_777
            pieces.append(piece)
        assert stream.bytes_read == len(data)
    assert b"".join(pieces) == data


def test_it_refuses_a_deflated_member_whose_crc_does_not_match() -> None:
    archive = make_zip({"data.csv": b"night,1\n" * 5000})
    raw = bytearray(archive.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<L", raw, central + 16, 0x12345678)  # CRC-32 in the directory
    with (
        pytest.raises(InvalidInput) as excinfo,
        open_member(io.BytesIO(bytes(raw)), name="data.csv") as stream,
    ):
        stream.read()
    assert reason_of(excinfo) == "zip entry 'data.csv' is damaged (CRC-32 mismatch)"


def test_it_refuses_a_member_whose_deflate_stream_is_corrupted() -> None:
    archive = make_zip({"data.csv": bytes(range(256)) * 4000})
    raw = bytearray(archive.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    compressed = struct.unpack_from("<L", raw, central + 20)[0]
    # Keep the directory but corrupt the deflate stream's middle.
    raw[60 : 60 + compressed // 2] = b"\x00" * (compressed // 2)
    with (
        pytest.raises(InvalidInput) as excinfo,
        open_member(io.BytesIO(bytes(raw)), name="data.csv") as stream,
    ):
        stream.read()
    assert "data.csv" in reason_of(excinfo)
