"""``nightbridge report [--from D] [--to D] --out FILE.pdf|FILE.html`` (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        ctx: typer.Context,
        out: Annotated[Path, typer.Option("--out", help="The file to write: .pdf or .html.")],
        start: Annotated[
            str | None,
            typer.Option("--from", help="First morning (YYYY-MM-DD); default 6 days before --to."),
        ] = None,
        end: Annotated[
            str | None, typer.Option("--to", help="Last morning (YYYY-MM-DD); default today.")
        ] = None,
        clinician: Annotated[
            bool,
            typer.Option("--clinician", help="The clinician's version (adds the findings table)."),
        ] = False,
    ) -> None:
        """The report for a span (a week by default), as PDF or HTML."""
        from rich.progress import Progress, SpinnerColumn, TextColumn

        from nightbridge.cli.commands.diary import parse_day
        from nightbridge.cli.output import console
        from nightbridge.core.errors import InvalidInput
        from nightbridge.reports.report import format_of
        from nightbridge.services.handover.reports import make_report

        fmt = format_of(out)
        first = parse_day(start, "from")
        last = parse_day(end, "to")
        if out.exists() and out.is_dir():
            raise InvalidInput.one("out", f"{str(out)!r} is a folder")
        if not out.parent.exists():
            raise InvalidInput.one("out", f"the folder {str(out.parent)!r} does not exist")
        st = state(ctx)
        person_id = st.owner_id()
        db = st.database()
        err = console(stderr=True)
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True
        ) as progress:
            task = progress.add_task("Gathering the report", total=None)

            def step(label: str) -> None:
                progress.update(task, description=f"Report: {label}")

            document = make_report(
                db,
                person_id,
                fmt,
                start=first,
                end=last,
                audience="clinician" if clinician else "person",
                tz=st.tz_override,
                progress=step,
            )
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(document)
        tmp.replace(out)
        typer.echo(f"Wrote {out} ({len(document) // 1024} KiB, {fmt.upper()}).")
