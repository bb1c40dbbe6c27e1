"""``nightbridge import KIND PATH``: a device export into the store (docs/cli.md).

KIND is one of ``importers.READERS`` (apple-health, fitbit, oura, health-connect,
samsung, whoop, garmin, google-fit, withings); PATH is the export zip, the folder it
unpacks to, or the file inside it. A Rich progress bar (bytes read) runs on stderr on a
terminal. Safe to repeat: a second run adds nothing. A bad or hostile file is refused
with exit 2 and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from nightbridge.cli.context import state

KINDS = (
    "apple-health",
    "fitbit",
    "oura",
    "health-connect",
    "samsung",
    "whoop",
    "garmin",
    "google-fit",
    "withings",
)


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_command(
        ctx: typer.Context,
        kind: Annotated[str, typer.Argument(help="Export kind: " + ", ".join(KINDS) + ".")],
        path: Annotated[
            Path, typer.Argument(help="The export zip, its unpacked folder, or the file in it.")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the import summary as JSON.")
        ] = False,
    ) -> None:
        """Import a device export (a zip, or the file or folder inside it); safe to repeat."""
        from nightbridge.cli.output import console, print_json
        from nightbridge.core.errors import InvalidInput
        from nightbridge.importers import get_format
        from nightbridge.services.devices.devices import import_device

        fmt = get_format(kind)
        if not path.exists():
            raise InvalidInput.one("path", f"{str(path)!r} does not exist")
        st = state(ctx)
        tz = st.profile().tz
        person_id = st.owner_id()
        with progress_bar(f"Reading {fmt.label} export") as report:
            summary = import_device(st.database(), person_id, kind, path, tz=tz, progress=report)
        if as_json:
            print_json(summary.to_dict())
            return
        from rich.markup import escape

        out = console()
        out.print(f"{fmt.label}: {summary.added} new samples, {summary.duplicates} already stored.")
        if not summary.sources:
            out.print("No sleep samples in this export.")
        for name in sorted(summary.sources):
            count = summary.sources[name]
            out.print(
                f"  {escape(name)}: {count.nights} nights "
                f"({count.added} new samples, {count.duplicates} already stored)"
            )
        if summary.activity_days:
            out.print(f"  exercise minutes for {summary.activity_days} days")
        for skip in summary.skipped:
            where = f": {', '.join(skip.examples)}" if skip.examples else ""
            out.print(f"Left out: {escape(skip.file)}: {escape(skip.reason)} ({skip.count}{where})")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A bytes progress bar on stderr (drawn only on a terminal); yields ``report(done, total)``."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from nightbridge.cli.output import console

    err = console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total or None)
