"""``nightbridge export fhir|csv|ics --out PATH`` and ``nightbridge restore PATH``
(docs/cli.md, docs/exports.md; a backup file goes to ``commands.backup``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from nightbridge.cli.context import state

FORMATS = ("fhir", "csv", "ics")


@contextmanager
def _spinner(title: str) -> Iterator[Callable[[str], None]]:
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from nightbridge.cli.output import console

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=None)

        def step(label: str) -> None:
            progress.update(task, description=f"{title}: {label}")

        yield step


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        ctx: typer.Context,
        fmt: Annotated[str, typer.Argument(help="fhir (a JSON Bundle), csv, or ics (calendar).")],
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                help="fhir/ics: the file to write. csv: a folder, or a name ending in .zip.",
            ),
        ],
    ) -> None:
        """Export everything of the store's person: FHIR R4, CSV files, or a calendar."""
        from nightbridge.core.errors import InvalidInput
        from nightbridge.services.handover import exports

        kind = fmt.strip().lower()
        if kind not in FORMATS:
            raise InvalidInput.one("format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
        st = state(ctx)
        person_id = st.owner_id()
        db = st.database()
        with _spinner(f"Exporting {kind.upper()}") as step:
            if kind == "csv":
                written: Any = exports.export_csv(db, person_id, out, progress=step)
                typer.echo(f"Wrote {len(written) if out.is_dir() else 1} file(s) to {out}.")
            elif kind == "fhir":
                exports.export_fhir(db, person_id, out, progress=step)
                typer.echo(f"Wrote the FHIR R4 Bundle to {out}.")
            else:
                exports.export_ics(db, person_id, out, progress=step)
                typer.echo(f"Wrote the calendar to {out}.")

    @app.command("restore")
    def restore(
        ctx: typer.Context,
        path: Annotated[
            Path,
            typer.Argument(
                help="A backup file written by `nightbridge backup` (the whole store, into "
                "a new --home), or a folder or .zip written by `nightbridge export csv`."
            ),
        ],
    ) -> None:
        """Restore a backup (everything) into a new home, or a CSV export into an empty
        store (all or nothing)."""
        from nightbridge.services.handover.nightbridge_csv import restore_export
        from nightbridge.storage.backup import is_sqlite_file

        if is_sqlite_file(path):
            from nightbridge.cli.commands.backup import restore_store

            restore_store(ctx, path)
            return
        st = state(ctx)
        person_id = st.owner_id()
        with _spinner("Restoring") as step:
            result = restore_export(st.database(), person_id, path, progress=step)
        parts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in result.counts.items())
        typer.echo(f"Restored {parts}.")
        from nightbridge.services.handover.records import RECORDS

        typer.echo(
            "Not read back from a CSV export (it is the person's copy; `nightbridge backup` "
            f"and `restore FILE` keep everything): {', '.join(RECORDS)}."
        )
