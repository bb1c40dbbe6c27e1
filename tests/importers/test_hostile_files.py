"""Hostile files end with a clear refusal, quickly, in bounded memory, and change nothing.

Each case runs in a child process (so its peak RSS is its own) with network connections
disabled, through the fast reader, the reference reader or the text guard; then the same
files go through the real CLI (``nightbridge import apple-health PATH``): exit 2, one
``error: file: ...`` line, no traceback, and the store's rows exactly as before.

Attacks: billion laughs (XML entity expansion, CWE-776), external entities / XXE
(file:// and http://, CWE-611; OWASP XXE Prevention Cheat Sheet), zip bomb (CWE-409;
Fifield, WOOT 2019), Zip Slip (Snyk 2018: ``../`` and absolute entry names), symlink
entries, a 200 MB line without a newline, invalid UTF-8 (RFC 3629).
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "apple_health"
GOOD = DATA / "export_three_sources.xml"
MAX_CPU_S = 5.0
MAX_RSS_MIB = 120
SLEEP_RECORD = (
    '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" '
    'startDate="2026-01-02 02:00:00 +0000" endDate="2026-01-02 03:00:00 +0000" '
    'value="HKCategoryValueSleepAnalysisAsleepCore"/>'
)
APPLE_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

CHILD = r"""
import json, resource, socket, sys, time

def no_network(*args, **kwargs):
    raise RuntimeError("network access attempted")

socket.socket.connect = no_network
socket.create_connection = no_network

from nightbridge.core.errors import InvalidInput

reader, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
outcome = {"refused": None}
try:
    if reader == "text":
        from nightbridge.importers.textguard import iter_text_lines
        with open(path, "rb") as handle:
            for _line in iter_text_lines(handle):
                pass
    else:
        from nightbridge.importers.apple_health import read_apple_health
        from nightbridge.importers.apple_health_reference import read_apple_health_reference
        from nightbridge.importers.archive import is_zip, open_member
        read = read_apple_health if reader == "fast" else read_apple_health_reference
        if is_zip(path):
            header = lambda info, head: b"<HealthData" in head or b"DOCTYPE" in head
            with open_member(path, predicate=header) as stream:
                outcome["items"] = sum(1 for _ in read(stream))
        else:
            with open(path, "rb") as handle:
                outcome["items"] = sum(1 for _ in read(handle))
except InvalidInput as exc:
    outcome["refused"] = [[p.field, p.reason] for p in exc.problems]
usage = resource.getrusage(resource.RUSAGE_SELF)
outcome["wall_s"] = time.perf_counter() - started
outcome["cpu_s"] = usage.ru_utime + usage.ru_stime
# Peak RSS of this process's own address space: VmHWM resets at exec, while ru_maxrss
# keeps the parent's peak across fork+exec (a grown pytest worker would count).
try:
    with open("/proc/self/status") as status:
        hwm = next(l for l in status if l.startswith("VmHWM:"))
    outcome["rss_mib"] = int(hwm.split()[1]) / 1024
except (OSError, StopIteration):
    outcome["rss_mib"] = usage.ru_maxrss / 1024
print(json.dumps(outcome))
"""


def run_child(reader: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, reader, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the files ---------------------------------------------------------------------------


def billion_laughs(path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    path.write_text(
        APPLE_HEAD + "<!DOCTYPE HealthData [\n" + "\n".join(entities) + "\n]>\n"
        "<HealthData>" + SLEEP_RECORD.format(source="&lol9;") + "</HealthData>\n"
    )


def external_file_entity(path: Path) -> None:
    path.write_text(
        APPLE_HEAD + '<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<HealthData>" + SLEEP_RECORD.format(source="&xxe;") + "</HealthData>\n"
    )


def external_http_entity(path: Path) -> None:
    path.write_text(
        APPLE_HEAD + '<!DOCTYPE HealthData [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd">'
        "%remote;]>\n<HealthData>" + SLEEP_RECORD.format(source="W") + "</HealthData>\n"
    )


def external_dtd(path: Path) -> None:
    path.write_text(
        APPLE_HEAD + '<!DOCTYPE HealthData SYSTEM "http://127.0.0.1:9/healthdata.dtd">\n'
        "<HealthData>" + SLEEP_RECORD.format(source="W") + "</HealthData>\n"
    )


def zip_bomb(path: Path) -> None:
    """300 MB of spaces deflates ~1000:1; the archive declares it honestly."""
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("apple_health_export/export.xml", "w", force_zip64=True) as member,
    ):
        member.write((APPLE_HEAD + "<HealthData>").encode())
        block = b" " * (1 << 20)
        for _ in range(300):
            member.write(block)


def zip_with_entry(name: str, *, symlink: bool = False) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(GOOD, "apple_health_export/export.xml")
            info = zipfile.ZipInfo(name)
            if symlink:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd" if symlink else "owned")

    return build


def long_line_xml(path: Path) -> None:
    """A sleep record whose sourceName is 200 MB long, written in 1 MiB pieces."""
    with path.open("wb") as handle:
        handle.write(
            (
                APPLE_HEAD + '<HealthData><Record type="HKCategoryTypeIdentifierSleepAnalysis" '
                'sourceName="'
            ).encode()
        )
        block = b"A" * (1 << 20)
        for _ in range(200):
            handle.write(block)
        handle.write(b'"/></HealthData>')


def long_line_csv(path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(b"sleep_id,start,end\n")
        block = b"9" * (1 << 20)
        for _ in range(200):
            handle.write(block)


def invalid_utf8(path: Path) -> None:
    record = SLEEP_RECORD.format(source="Dana\udcff Watch").encode("utf-8", "surrogateescape")
    path.write_bytes(APPLE_HEAD.encode() + b"<HealthData>" + record + b"</HealthData>\n")


def utf16(path: Path) -> None:
    text = APPLE_HEAD.replace("UTF-8", "UTF-16") + "<HealthData></HealthData>\n"
    path.write_bytes(text.encode("utf-16"))


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (builder, file suffix, words the refusal must contain)
    "billion_laughs": (billion_laughs, ".xml", "declares XML entities"),
    "external_file_entity": (external_file_entity, ".xml", "declares XML entities"),
    "external_http_entity": (external_http_entity, ".xml", "declares XML entities"),
    "external_dtd": (external_dtd, ".xml", "external DTD"),
    "zip_bomb": (zip_bomb, ".zip", "as a zip bomb"),
    "zip_slip": (zip_with_entry("../../x"), ".zip", "path traversal"),
    "absolute_path": (zip_with_entry("/etc/cron.d/x"), ".zip", "has an absolute path"),
    "symlink": (zip_with_entry("apple_health_export/link", symlink=True), ".zip", "symbolic"),
    "long_line": (long_line_xml, ".xml", "longer than 1048576 bytes"),
    "invalid_utf8": (invalid_utf8, ".xml", "is not valid UTF-8 at byte offset 120"),
    "utf16": (utf16, ".xml", "UTF-16"),
}

#: Where the CLI's message differs: the import service looks for the export's XML by its
#: ASCII header first, and a UTF-16 file has none.
CLI_WORDS = {"utf16": "has no Apple Health export"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, (build, suffix, _words) in CASES.items():
        paths[name] = folder / f"{name}{suffix}"
        build(paths[name])
    return paths


def assert_refused_quickly(result: dict[str, object], words: str) -> None:
    refused = result["refused"]
    assert refused, f"not refused: {result}"
    ((field, reason),) = refused  # type: ignore[misc]
    assert field == "file"
    assert words in reason
    assert result["cpu_s"] < MAX_CPU_S  # type: ignore[operator]
    assert result["rss_mib"] < MAX_RSS_MIB  # type: ignore[operator]


@pytest.mark.parametrize("name", list(CASES))
def test_the_fast_reader_refuses_it_quickly_in_bounded_memory(
    name: str, hostile: dict[str, Path]
) -> None:
    assert_refused_quickly(run_child("fast", hostile[name]), CASES[name][2])


@pytest.mark.parametrize(
    "name",
    [
        "billion_laughs",
        "external_file_entity",
        "external_http_entity",
        "external_dtd",
        "zip_slip",
        "symlink",
        "invalid_utf8",
    ],
)
def test_the_reference_reader_refuses_it_too(name: str, hostile: dict[str, Path]) -> None:
    result = run_child("reference", hostile[name])
    assert result["refused"], result
    assert result["cpu_s"] < MAX_CPU_S  # type: ignore[operator]


def test_the_text_guard_refuses_a_200_mb_line_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "samsung_sleep.csv"
    long_line_csv(path)
    assert_refused_quickly(run_child("text", path), "line 2 is longer than 1048576 bytes")


def test_the_fast_reader_still_reads_a_good_export_in_the_same_harness() -> None:
    result = run_child("fast", GOOD)
    assert result["refused"] is None
    assert result["items"] == 29


# -- through the real CLI ----------------------------------------------------------------


def row_counts(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "nightbridge.sqlite3") as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("device_samples", "device_nights", "device_activity", "device_imports")
        }


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds one good Apple Health import."""
    home = tmp_path_factory.mktemp("store")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nightbridge",
            "--home",
            str(home),
            "import",
            "apple-health",
            str(GOOD),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    return home


@pytest.mark.parametrize("name", list(CASES))
def test_the_cli_refuses_it_with_exit_2_and_leaves_the_store_untouched(
    name: str, hostile: dict[str, Path], cli_store: Path
) -> None:
    before = row_counts(cli_store)
    assert before["device_samples"] == 25
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nightbridge",
            "--home",
            str(cli_store),
            "import",
            "apple-health",
            str(hostile[name]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "NO_COLOR": "1"},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and lines[0].startswith("error: file: ")
    assert CLI_WORDS.get(name, CASES[name][2]) in lines[0]
    assert row_counts(cli_store) == before
