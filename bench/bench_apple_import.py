"""Benchmark: Apple Health export.zip -> nights stored, on a ~1 GB synthetic export.

    python bench/bench_apple_import.py                # generates bench/out/ once, reuses it
    python bench/bench_apple_import.py --size-gb 0.2  # a smaller one
    python bench/bench_apple_import.py --parse-only   # the reader alone, nothing stored
    python bench/bench_apple_import.py --parse-only --reader reference  # expat, for scale
    python bench/bench_apple_import.py --parse-only --reader inflate    # zip inflate only

The full path is the product's own: ``services.devices.devices.import_device`` (zip checks,
guarded inflate, the fast reader, samples stored with their content keys, nights built by
``core.device_nights`` and stored) into a fresh SQLite database under ``bench/out/``, one
transaction. Prints size, wall seconds, CPU seconds (user + system: steadier than wall
time on a shared machine), MB/s, s/GB, peak RSS, samples and nights.

The import runs in a child process, so its peak RSS (``VmHWM`` of the child, which resets
at exec, unlike ``ru_maxrss``) is the import's own and not the generator's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def child(zip_path: Path, db_path: Path, parse_only: bool, reader: str = "fast") -> None:
    """Run one import in this (child) process and print its figures as JSON."""
    from nightbridge.core.profile import Profile
    from nightbridge.storage.database import Database
    from nightbridge.storage.repositories.persons import PersonRepository

    database = None
    if not parse_only:
        if db_path.exists():
            db_path.unlink()
        database = Database(f"sqlite:///{db_path}")
        database.migrate()
        with database.transaction() as session:
            person_id = PersonRepository(session).ensure_owner(Profile(tz="America/New_York"))
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if parse_only:
        from nightbridge.core.device_nights import build_nights
        from nightbridge.core.samples import SleepSample
        from nightbridge.importers.apple_health import read_apple_health
        from nightbridge.importers.apple_health_reference import read_apple_health_reference
        from nightbridge.importers.archive import open_member

        read = read_apple_health if reader == "fast" else read_apple_health_reference
        with open_member(zip_path, predicate=lambda i, h: b"<!DOCTYPE HealthData" in h) as s:
            if reader == "inflate":
                while s.read(4 << 20):
                    pass
                items = []
            else:
                items = list(read(s))
            size = s.bytes_read
        samples = [i for i in items if isinstance(i, SleepSample)]
        nights = [n for n in build_nights(samples) if not n.is_nap]
        what = {"fast": "fast reader", "reference": "reference (expat)", "inflate": "inflate"}
        figures = {
            "samples": len(samples),
            "nights": len(nights),
            "path": f"{what[reader]} + nights, nothing stored",
        }
    else:
        from nightbridge.services.devices.devices import import_device

        summary = import_device(
            database,  # type: ignore[arg-type]
            person_id,
            "apple-health",
            zip_path,
            tz="America/New_York",
        )
        from nightbridge.services.devices.devices import device_row_counts

        counts = device_row_counts(database, person_id)  # type: ignore[arg-type]
        size = int(os.environ.get("NB_BENCH_XML_SIZE", "0"))
        figures = {
            "samples": summary.added,
            "nights": summary.nights,
            "rows": counts,
            "path": "services.devices.devices.import_device (zip -> samples + nights in SQLite)",
        }
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures.update(
        {
            "xml_bytes": size,
            "wall_s": wall,
            "cpu_s": cpu,
            "peak_rss_mib": _peak_rss_mib(after),
        }
    )
    print(json.dumps(figures, default=str))


def _peak_rss_mib(usage: resource.struct_rusage) -> float:
    """Peak RSS of this process's own address space (VmHWM; ru_maxrss where there is none)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            hwm = next(line for line in status if line.startswith("VmHWM:"))
        return int(hwm.split()[1]) / 1024
    except (OSError, StopIteration):
        return usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Apple Health import benchmark")
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--zip", type=Path, default=None)
    parser.add_argument("--parse-only", action="store_true")
    parser.add_argument("--reader", choices=["fast", "reference", "inflate"], default="fast")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=OUT / "bench_apple.sqlite3")
    args = parser.parse_args(argv)
    zip_path = args.zip or OUT / f"apple_export_{args.size_gb:g}gb.zip"
    if args.child:
        child(zip_path, args.db, args.parse_only, args.reader)
        return 0
    if not zip_path.exists():
        print(f"generating {zip_path} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate_apple_export.py"),
                "--size-gb",
                str(args.size_gb),
                "--out",
                str(zip_path),
            ],
            check=True,
        )
    import zipfile

    with zipfile.ZipFile(zip_path) as archive:
        xml_size = max(i.file_size for i in archive.infolist())
    env = dict(os.environ, NB_BENCH_XML_SIZE=str(xml_size))
    command = [sys.executable, __file__, "--child", "--zip", str(zip_path), "--db", str(args.db)]
    if args.parse_only:
        command += ["--parse-only", "--reader", args.reader]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    size = xml_size
    gb = size / 1e9
    print(f"path:        {figures['path']}")
    print(
        f"export:      {zip_path.name}: export.xml {size / 1e6:.0f} MB "
        f"(zip {zip_path.stat().st_size / 1e6:.0f} MB)"
    )
    print(
        f"wall:        {figures['wall_s']:.2f} s  ({size / 1e6 / figures['wall_s']:.0f} MB/s, "
        f"{figures['wall_s'] / gb:.2f} s/GB)"
    )
    print(
        f"cpu:         {figures['cpu_s']:.2f} s  ({size / 1e6 / figures['cpu_s']:.0f} MB/s, "
        f"{figures['cpu_s'] / gb:.2f} s/GB)"
    )
    print(f"peak RSS:    {figures['peak_rss_mib']:.0f} MiB")
    print(f"samples:     {figures['samples']}")
    print(f"nights:      {figures['nights']}")
    if "rows" in figures:
        print(f"rows:        {figures['rows']}")
    print(f"load avg:    {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
