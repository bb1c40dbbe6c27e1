"""What a small CLI command costs from start to exit: ``nightbridge diary list`` on a
store that exists (issue 11 item 6: commands check the schema version instead of
importing Alembic and migrating on every start).

Runs the real command ``--repeat`` times in fresh processes and prints the median wall
time and the median CPU time (user + system of the child), and whether Alembic was
imported. ``--src DIR`` runs another source tree (e.g. an older checkout of ``src``) so
the figures before and after a change are measured side by side on the same machine::

    python bench/bench_cli_start.py [--repeat 11] [--src DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = (
    "import sys\n"
    "from nightbridge.cli.app import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as e:\n"
    "    assert not e.code, e.code\n"
    "sys.stderr.write('alembic=%s' % ('alembic' in sys.modules))\n"
)


def run(src: str | None, home: Path, *args: str) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    if src:
        env["PYTHONPATH"] = src
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr.strip().rsplit("alembic=", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--src", default=None, help="run this source tree instead")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        run(options.src, home, "init")
        walls, cpus, alembic = [], [], set()
        for _ in range(options.repeat):
            wall, cpu, imported = run(options.src, home, "diary", "list")
            walls.append(wall)
            cpus.append(cpu)
            alembic.add(imported)
    load = os.getloadavg()[0]
    print(
        f"cli diary list: median wall {statistics.median(walls):.3f} s, median CPU "
        f"{statistics.median(cpus):.3f} s, alembic imported {'/'.join(sorted(alembic))} "
        f"(n={options.repeat}, load average {load:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
