"""Benchmark: the report (PDF and HTML) over 30, 90, 180 and 366 days, CPU per report.

    python bench/bench_report.py                        # this tree's figures
    python bench/bench_report.py --against /tmp/base    # and another tree's, side by side
    python bench/bench_report.py --repeats 3 --spans 30,366

The store is the demo's (``services.demo.demo.load_demo``: a year of Sam's diary,
check-ins with questionnaires, intake on a taper, evening logs and Apple Watch nights
imported from the demo's export), built once under ``bench/out/`` by this tree and
reused. Each figure is ``services.handover.reports.make_report`` as ``nightbridge report``
and the web download run it: everything gathered from the store and rendered, nothing
written. CPU is the process's user + system time (steadier than wall time on a shared
machine); each cell is the median of ``--repeats`` runs after one warm-up run.

``--against DIR`` runs the same measurement with ``DIR/src`` first on ``sys.path`` (for
example ``git archive main src | tar -x -C /tmp/base``), in a child process on the same
store, so two versions of the code are measured on the same data and the same machine.
A report that fails is shown as the error's name.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
STORE = OUT / "report_store.sqlite3"
META = OUT / "report_store.json"
TZ = "America/Chicago"
FORMATS = ("pdf", "html")


def build_store() -> dict[str, str]:
    """The demo's year in a fresh SQLite store (once); returns its person and last day."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from nightbridge.services.accounts.totp_keys import TotpKeys
    from nightbridge.services.demo.demo import load_demo
    from nightbridge.storage.database import Database

    OUT.mkdir(exist_ok=True)
    for path in (STORE, META, OUT / "report_store.totp.key"):
        path.unlink(missing_ok=True)
    today = dt.datetime.now(ZoneInfo(TZ)).date() - dt.timedelta(days=1)
    database = Database(f"sqlite:///{STORE}")
    database.migrate()
    started = time.perf_counter()
    keys = TotpKeys(OUT / "report_store.totp.key")
    logins = load_demo(database, days=366, today=today, tz=TZ, keys=keys)
    database.dispose()
    meta = {"person_id": str(logins.person_id), "end": today.isoformat()}
    META.write_text(json.dumps(meta), encoding="utf-8")
    print(f"built {STORE.name}: the demo's 366 days in {time.perf_counter() - started:.1f} s")
    return meta


def child(spans: list[int], repeats: int) -> None:
    """Measure every span and format in this process; print the figures as JSON."""
    import datetime as dt

    from nightbridge.services.handover.reports import make_report
    from nightbridge.storage.database import Database

    meta = json.loads(META.read_text(encoding="utf-8"))
    end = dt.date.fromisoformat(meta["end"])
    now = dt.datetime.combine(end, dt.time(20, 0), tzinfo=dt.UTC)
    database = Database(f"sqlite:///{STORE}")
    person = int(meta["person_id"])
    figures: dict[str, dict[str, object]] = {}
    for span in spans:
        start = end - dt.timedelta(days=span - 1)
        for fmt in FORMATS:
            key = f"{span}/{fmt}"
            cpu: list[float] = []
            wall: list[float] = []
            size = 0
            try:
                for run in range(repeats + 1):
                    c0, w0 = time.process_time(), time.perf_counter()
                    body = make_report(
                        database, person, fmt, start=start, end=end, audience="clinician", now=now
                    )
                    if run:  # the first run warms imports and caches
                        cpu.append(time.process_time() - c0)
                        wall.append(time.perf_counter() - w0)
                    size = len(body)
            except Exception as exc:  # a failing report is a figure too
                figures[key] = {"error": type(exc).__name__}
                continue
            figures[key] = {
                "cpu": statistics.median(cpu),
                "wall": statistics.median(wall),
                "bytes": size,
            }
    database.dispose()
    print(json.dumps(figures))


def measure(tree: Path | None, spans: list[int], repeats: int) -> dict[str, dict[str, object]]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "src")
    cmd = [sys.executable, __file__, "--child", "--spans", ",".join(map(str, spans))]
    cmd += ["--repeats", str(repeats)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cell(figure: dict[str, object] | None) -> str:
    if figure is None:
        return "-"
    if "error" in figure:
        return f"fails ({figure['error']})"
    return f"{figure['cpu']:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", default="30,90,180,366")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another tree (with src/) to measure too")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    spans = [int(s) for s in args.spans.split(",")]
    if args.child:
        child(spans, args.repeats)
        return
    if args.rebuild or not (STORE.exists() and META.exists()):
        build_store()
    ours = measure(None, spans, args.repeats)
    theirs = measure(args.against, spans, args.repeats) if args.against else None
    print(f"report CPU per report (median of {args.repeats}; user + system), demo store")
    head = f"{'span':>5} {'format':<6} {'CPU':>10} {'wall':>9} {'CPU/day':>9} {'bytes':>9}"
    print(head + (f"   {'against':>22}" if theirs is not None else ""))
    for span in spans:
        for fmt in FORMATS:
            key = f"{span}/{fmt}"
            f = ours[key]
            if "error" in f:
                line = f"{span:>5} {fmt:<6} {cell(f):>10}"
            else:
                per_day = f"{1000 * float(f['cpu']) / span:.2f} ms"  # type: ignore[arg-type]
                line = (
                    f"{span:>5} {fmt:<6} {cell(f):>10} {float(f['wall']):>7.3f} s"  # type: ignore[arg-type]
                    f" {per_day:>9} {f['bytes']:>9}"
                )
            if theirs is not None:
                line += f"   {cell(theirs.get(key)):>22}"
            print(line)
    for fmt in FORMATS:
        first, last = ours.get(f"{spans[0]}/{fmt}"), ours.get(f"{spans[-1]}/{fmt}")
        if first and last and "cpu" in first and "cpu" in last and spans[-1] != spans[0]:
            growth = float(last["cpu"]) / float(first["cpu"])  # type: ignore[arg-type]
            print(
                f"report format={fmt} span={spans[-1]} cpu_s={float(last['cpu']):.3f} "  # type: ignore[arg-type]
                f"growth={growth:.1f}x for {spans[-1] / spans[0]:.1f}x the days"
            )


if __name__ == "__main__":
    main()
