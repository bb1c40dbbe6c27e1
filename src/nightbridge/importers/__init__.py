"""Importers: one module per device export; file object in, core objects out.

``READERS`` maps the CLI's source names (docs/cli.md: ``nightbridge import NAME PATH``) to
a :class:`DeviceFormat`. Each format names, by dotted path, two functions of its module,
loaded only when that format is used (so ``nightbridge --help`` imports none of them):

- ``accepts(name: str) -> bool``: is this member of the export one the reader reads
  (by its path inside the zip or folder)? The service sums their sizes for the
  progress bar and refuses an export that has none.
- ``read(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]``: the reader,
  over the export's files; it yields :class:`~nightbridge.core.samples.Skipped` for a
  bad night or row it leaves out (never fatal to the rest of the file). ``tz`` is the
  profile's IANA zone, used where a format writes local times without an offset (Fitbit)
  or leaves the offset out.

An :class:`ExportFiles` is what the service opens: a checked zip (``archive.py``), a
folder, or a single file; readers never touch paths or zips themselves. Every reader
refuses a bad file with ``InvalidInput`` naming the file, the row and the reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, Skipped, SleepSample

#: What a reader yields: samples, exercise days, and notices of what it skipped and why.
DeviceRecord = SleepSample | DailyActivity | Skipped


class ExportFiles(Protocol):
    """The files of one export, by their path inside it (``/`` separated)."""

    def names(self) -> list[str]:
        """Every file's path, in a stable order."""
        ...

    def open(self, name: str) -> AbstractContextManager[BinaryIO]:
        """A binary stream over one file (guarded when it comes from a zip)."""
        ...

    def head(self, name: str, size: int = 4096) -> bytes:
        """The first ``size`` bytes of one file (to recognise it by its content)."""
        ...


ReadExport = Callable[..., Iterator[DeviceRecord]]


@dataclass(frozen=True, slots=True)
class DeviceFormat:
    """One export format: its CLI name, what people call it, and where its reader lives."""

    name: str
    label: str
    module: str
    reader: str
    accepts_name: str = "accepts"
    #: How to get the export this reader reads (told when a file is not one).
    hint: str = ""

    def load(self) -> ReadExport:
        """The reader function (imports its module now)."""
        reader: ReadExport = getattr(importlib.import_module(self.module), self.reader)
        return reader

    def accepts(self, name: str) -> bool:
        """Whether ``name`` (a path inside the export) is a file this format reads."""
        check: Callable[[str], bool] = getattr(
            importlib.import_module(self.module), self.accepts_name
        )
        return check(name)


READERS: dict[str, DeviceFormat] = {
    "apple-health": DeviceFormat(
        "apple-health",
        "Apple Health",
        "nightbridge.importers",
        "read_apple_health_export",
        "accepts_apple_health",
        "export it from the Health app on the iPhone (your picture, then Export All Health "
        "Data) and give the export.zip",
    ),
    "fitbit": DeviceFormat(
        "fitbit",
        "Fitbit / Google",
        "nightbridge.importers.fitbit",
        "read_fitbit_export",
        hint="download your Fitbit data with Google Takeout and give the zip (its "
        "sleep-YYYY-MM-DD.json files), or a Web API sleep answer saved as sleep.json",
    ),
    "oura": DeviceFormat(
        "oura",
        "Oura",
        "nightbridge.importers.oura",
        "read_oura_export",
        hint="export your data from Oura on the web (Membership hub, Export data) and give "
        "the sleep file (CSV or JSON), or an API sleep answer saved as JSON",
    ),
    "health-connect": DeviceFormat(
        "health-connect",
        "Android Health Connect",
        "nightbridge.importers.health_connect",
        "read_health_connect_export",
        hint="export it on the phone (Settings, Health Connect, Export data) and give the "
        "zip with health_connect_export.db",
    ),
    "samsung": DeviceFormat(
        "samsung",
        "Samsung Health",
        "nightbridge.importers.samsung",
        "read_samsung_export",
        hint="download it in Samsung Health (Settings, Download personal data) and give the "
        "folder or a zip of it",
    ),
    "whoop": DeviceFormat(
        "whoop",
        "Whoop",
        "nightbridge.importers.whoop",
        "read_whoop_export",
        hint="request your data in the Whoop app (Profile, App settings, Data export) and "
        "give the zip from the e-mail, or its sleeps.csv",
    ),
    "garmin": DeviceFormat(
        "garmin",
        "Garmin",
        "nightbridge.importers.garmin",
        "read_garmin_export",
        hint="request your data from Garmin (Garmin account, Data Management, Export Your "
        "Data) and give the zip or its DI_CONNECT/DI-Connect-Wellness/*_sleepData.json, or "
        "FIT sleep files from the watch",
    ),
    "google-fit": DeviceFormat(
        "google-fit",
        "Google Fit",
        "nightbridge.importers.google_fit",
        "read_google_fit_export",
        hint="download Google Fit with Google Takeout (takeout.google.com, Fit) and give the "
        "zip or its Fit folder (All Sessions/*_SLEEP.json, All data/raw_com.google.sleep."
        "segment_*.json); Daily activity metrics hold no sleep",
    ),
    "withings": DeviceFormat(
        "withings",
        "Withings",
        "nightbridge.importers.withings",
        "read_withings_export",
        hint="download your data from Withings (the Withings app: Profile, Settings, "
        "Download your data; or the web dashboard) and give the zip, or its sleep.csv",
    ),
}


def guess_format(names: list[str], *, besides: str) -> DeviceFormat | None:
    """Another registered format whose files ``names`` holds (the person chose the wrong
    source), or None. Formats that read any CSV or JSON (Oura) are tried last."""
    ordered = sorted(READERS.values(), key=lambda f: f.name == "oura")
    for fmt in ordered:
        if fmt.name != besides and any(fmt.accepts(n) for n in names):
            return fmt
    return None


def no_files_message(fmt: DeviceFormat, names: list[str]) -> str:
    """Why an export without ``fmt``'s files is refused: what it looks like instead, and
    what to export."""
    other = guess_format(names, besides=fmt.name)
    seen = f" (it looks like a {other.label} export: choose {other.label})" if other else ""
    return f"has no {fmt.label} sleep files in it{seen}; {fmt.hint}".rstrip("; ")


def get_format(name: str) -> DeviceFormat:
    """The format registered under ``name``, or ``InvalidInput`` listing the known ones."""
    try:
        return READERS[name]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise InvalidInput.one(
            "source", f"unknown export kind {name!r}; use one of {known}"
        ) from None


def base_name(name: str) -> str:
    """The last component of a member path (``a/b/c.json`` -> ``c.json``)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def files_of(files: ExportFiles, accepts: Callable[[str], bool], missing: str) -> list[str]:
    """The paths of ``files`` a format's reader takes (``accepts``), in the export's
    order; refused on ``file`` with ``missing`` ("has no Whoop sleeps.csv in it") when
    there is none."""
    names = [n for n in files.names() if accepts(n)]
    if not names:
        raise InvalidInput.one("file", missing)
    return names


# -- Apple Health: the reader is ``apple_health.read_apple_health``; the export's XML is
# found by its content (its name is localised: export.xml, Exportar.xml, ...).

_APPLE_MARKERS = (b"<!DOCTYPE HealthData", b"<HealthData")
#: Chunk size given to the Apple reader. Measured on the 1 GB synthetic export
#: (bench/generate_apple_export.py): 4 MiB chunks peak at 56 MiB RSS and read in 9.1 s,
#: 16 MiB chunks (its default) at 147 MiB and 10.2 s, on the same loaded machine.
APPLE_CHUNK_BYTES = 4 * 1024 * 1024


def accepts_apple_health(name: str) -> bool:
    """Any XML member except the clinical CDA document and workout routes."""
    base = base_name(name).lower()
    return base.endswith(".xml") and not base.startswith("export_cda")


def read_apple_health_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of the Apple Health XML in ``files`` (``tz`` unused: Apple writes offsets)."""
    from nightbridge.importers.apple_health import AppleHealthStats, read_apple_health

    for name in files.names():
        if accepts_apple_health(name) and any(m in files.head(name) for m in _APPLE_MARKERS):
            stats = AppleHealthStats()
            with files.open(name) as stream:
                yield from read_apple_health(stream, chunk_bytes=APPLE_CHUNK_BYTES, stats=stats)
            for reason, count in sorted(stats.skipped.items()):
                for _ in range(count):
                    yield Skipped(base_name(name), reason)
            return
    raise InvalidInput.one("file", "has no Apple Health export (no <!DOCTYPE HealthData> XML)")
