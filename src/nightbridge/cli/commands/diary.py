"""``nightbridge diary add | import | list``: the person's morning diary in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from nightbridge.cli.context import state
from nightbridge.i18n import gettext as _

if TYPE_CHECKING:
    from nightbridge.core.metrics import NightMetrics

diary_app = typer.Typer(
    help="The morning sleep diary (Consensus Sleep Diary).", no_args_is_help=True
)

_T = "Clock time HH:MM or an ISO 8601 datetime."
#: The option each diary answer is given with (``diary add``), to name it in errors.
_OPTIONS = {
    "sol_min": "--sol",
    "waso_min": "--waso",
    "nwak": "--nwak",
    "lights_off": "--lights-off",
    "final_wake": "--final-wake",
    "out_of_bed": "--out-of-bed",
    "naps_min": "--naps-min",
    "last_caffeine": "--last-caffeine",
    "last_alcohol": "--last-alcohol",
    **{name: f"--{name}" for name in ("date", "bedtime", "quality", "rested", "naps")},
    **{name: f"--{name}" for name in ("caffeine", "alcohol", "note")},
}


def override_zone(ctx: typer.Context) -> str | None:
    """``--tz`` when given (checked), else None (the profile's zone applies)."""
    st = state(ctx)
    return st.zone() if st.tz_override else None


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading bytes; a missing or unreadable file is refused (exit 2)."""
    from nightbridge.core.errors import InvalidInput

    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InvalidInput.one("file", f"{str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InvalidInput.one("file", f"{str(path)!r} is a folder, not a file") from None
    except PermissionError:
        raise InvalidInput.one("file", f"{str(path)!r} cannot be read (permission)") from None
    with handle:
        yield handle


def parse_day(text: str | None, field: str) -> dt.date | None:
    """An ISO date option, or None; ``InvalidInput`` naming ``field`` when unparseable."""
    from nightbridge.core.errors import InvalidInput

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.one(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def print_nights(nights: Sequence[NightMetrics], *, title: str) -> None:
    """A Rich table of nights, with plain means and pooled sleep efficiency below."""
    from rich.table import Table

    from nightbridge.cli.output import console
    from nightbridge.core.metrics import summarize
    from nightbridge.core.patterns import classify_pattern

    out = console()
    if not nights:
        out.print(_("No nights."))
        return
    headers = (
        "in bed",
        "asleep",
        "to fall asleep",
        "awake in night",
        "awakenings",
        "awake after final",
        "total awake",
        "SE %",
        "quality",
    )
    table = Table(title=title, caption="minutes, except SE % and quality 1-5")
    table.add_column("date", no_wrap=True, min_width=10)
    for header in headers:
        table.add_column(header, justify="right")
    for n in nights:
        table.add_row(
            n.date.isoformat(),
            str(n.tib_min),
            str(n.tst_min),
            str(n.sol_min),
            str(n.waso_min),
            str(n.nwak),
            str(n.terminal_wake_min),
            str(n.twt_min),
            f"{n.se_pct:.1f}",
            str(n.quality),
        )
    out.print(table)
    s = summarize(nights)
    out.print(
        f"{s.nights} nights: mean asleep {s.mean_tst_min} min, in bed {s.mean_tib_min} min, "
        f"pooled sleep efficiency {s.pooled_se_pct} %. Minutes throughout."
    )
    pattern = classify_pattern(nights)
    if pattern.kinds:
        out.print(f"Pattern: {pattern.words} (a diary pattern, not a diagnosis).")


@diary_app.command("add")
def add(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="The morning (YYYY-MM-DD).")] = None,
    bedtime: Annotated[str | None, typer.Option("--bedtime", help="Into bed. " + _T)] = None,
    lights_off: Annotated[
        str | None, typer.Option("--lights-off", help="Started trying to sleep. " + _T)
    ] = None,
    sol: Annotated[str | None, typer.Option("--sol", help="Minutes to fall asleep.")] = None,
    nwak: Annotated[
        str | None, typer.Option("--nwak", help="Awakenings, not counting the last.")
    ] = None,
    waso: Annotated[
        str | None, typer.Option("--waso", help="Minutes awake after first falling asleep.")
    ] = None,
    final_wake: Annotated[
        str | None, typer.Option("--final-wake", help="Woke for the last time. " + _T)
    ] = None,
    out_of_bed: Annotated[
        str | None, typer.Option("--out-of-bed", help="Got out of bed. " + _T)
    ] = None,
    quality: Annotated[
        str | None, typer.Option("--quality", help="1 very poor .. 5 very good.")
    ] = None,
    rested: Annotated[str | None, typer.Option(help="How rested, 1..5.")] = None,
    naps: Annotated[str | None, typer.Option(help="Naps yesterday.")] = None,
    naps_min: Annotated[str | None, typer.Option("--naps-min", help="Minutes napped.")] = None,
    caffeine: Annotated[str | None, typer.Option(help="Caffeinated drinks yesterday.")] = None,
    last_caffeine: Annotated[
        str | None, typer.Option("--last-caffeine", help="Time of the last one (HH:MM).")
    ] = None,
    alcohol: Annotated[str | None, typer.Option(help="Alcoholic drinks yesterday.")] = None,
    last_alcohol: Annotated[
        str | None, typer.Option("--last-alcohol", help="Time of the last one (HH:MM).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the night as JSON.")] = False,
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm",
            help="The night is right although it is unusual (more than 16 h in bed, an "
            "AM/PM slip, out of bed after now); refused otherwise.",
        ),
    ] = False,
) -> None:
    """Add or replace one morning's entry. With no options, asks each question in turn
    (the date defaults to today, the rest to the last entry's answers)."""
    from nightbridge.cli.output import print_json
    from nightbridge.core.errors import InvalidInput, Problem
    from nightbridge.services.sleep.diary import record_entry_with_alerts

    st = state(ctx)
    fields = {
        "date": date,
        "bedtime": bedtime,
        "lights_off": lights_off,
        "sol_min": sol,
        "nwak": nwak,
        "waso_min": waso,
        "final_wake": final_wake,
        "out_of_bed": out_of_bed,
        "quality": quality,
        "rested": rested,
        "naps": naps,
        "naps_min": naps_min,
        "caffeine": caffeine,
        "last_caffeine": last_caffeine,
        "alcohol": alcohol,
        "last_alcohol": last_alcohol,
        "note": note,
    }
    person = st.owner_id()
    if all(value is None for value in fields.values()):
        fields.update(ask_entry(ctx, person))
    try:
        night = record_entry_with_alerts(
            st.database(), person, fields, tz=override_zone(ctx), confirmed=confirm
        ).night
    except InvalidInput as exc:  # name each answer by the option it was given with
        raise InvalidInput(
            Problem(_OPTIONS.get(p.field, p.field), p.reason, p.row) for p in exc.problems
        ) from None
    if as_json:
        print_json(night.to_dict())
        return
    typer.echo(
        _("Saved %(date)s: slept %(tst)s min of %(tib)s min in bed, sleep efficiency %(se).1f %%.")
        % {
            "date": night.date.isoformat(),
            "tst": night.tst_min,
            "tib": night.tib_min,
            "se": night.se_pct,
        }
    )


#: The questions ``diary add`` asks with no options, in order, in the words of the web
#: form (web/templates/person/diary.html).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("date", "The morning this is for (YYYY-MM-DD)"),
    ("bedtime", "Got into bed (HH:MM)"),
    ("lights_off", "Started trying to sleep (HH:MM)"),
    ("sol_min", "Minutes to fall asleep"),
    ("nwak", "Times you woke, not counting the last time"),
    ("waso_min", "Minutes awake in the night, in total"),
    ("final_wake", "Woke for the last time (HH:MM)"),
    ("out_of_bed", "Got out of bed (HH:MM)"),
    ("quality", "How well did you sleep? 1 very poor .. 5 very good"),
)


def ask_entry(ctx: typer.Context, person_id: int) -> dict[str, str]:
    """Each question of ``QUESTIONS`` in turn; Enter keeps the default shown (the date:
    today in the person's zone; the rest: the last entry's answer)."""
    from nightbridge.services.sleep.dashboard import person_today_date
    from nightbridge.services.sleep.diary import list_entries, local_today

    st = state(ctx)
    zone = override_zone(ctx)
    today = local_today(zone) if zone else person_today_date(st.database(), person_id)
    entries = list_entries(st.database(), person_id, today - dt.timedelta(days=365), today)
    last = entries[-1].to_fields() if entries else {}
    answers: dict[str, str] = {}
    for name, question in QUESTIONS:
        default = today.isoformat() if name == "date" else last.get(name, "")
        if name in ("bedtime", "lights_off", "final_wake", "out_of_bed"):
            default = default[11:16] if "T" in default else default[:5]
        answer = typer.prompt(question, default=default or None, show_default=bool(default))
        answers[name] = str(answer).strip()
    return answers


@diary_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A diary CSV (docs/cli.md, Diary CSV).")],
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Store the good rows and list the bad ones."),
    ] = False,
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm",
            help="Every unusual night in the file is right (more than 16 h in bed, an "
            "AM/PM slip, out of bed after now); refused otherwise.",
        ),
    ] = False,
) -> None:
    """Add many entries from a CSV, all or nothing (an entry for a stored date replaces it)."""
    from nightbridge.services.sleep.diary import import_diary

    st = state(ctx)
    person = st.owner_id()
    with open_input(file) as handle:
        result = import_diary(
            st.database(),
            person,
            handle,
            skip_bad=skip_bad,
            tz=override_zone(ctx),
            confirmed=confirm,
        )
    for problem in result.skipped:
        typer.echo(_("skipped: %(problem)s") % {"problem": problem}, err=True)
    typer.echo(
        f"Imported {result.added + result.replaced} entries from {file.name} "
        f"({result.added} new, {result.replaced} replaced"
        + (f", {len(result.skipped_rows)} bad rows skipped)." if skip_bad else ").")
    )


@diary_app.command("list")
def list_(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="First morning (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last morning (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Stored entries with their metrics, oldest first."""
    from nightbridge.cli.output import print_json
    from nightbridge.services.sleep.diary import list_entries, list_nights

    st = state(ctx)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    person = st.owner_id()
    zone = st.profile().tz
    nights = list_nights(st.database(), person, first, last, tz=zone)
    stored = len(list_entries(st.database(), person, first, last))
    if stored > len(nights):
        typer.echo(
            f"note: {stored - len(nights)} stored entries are not valid in {zone} "
            "(a daylight-saving night) and are left out; add them again to correct them.",
            err=True,
        )
    if as_json:
        print_json([n.to_dict() for n in nights])
    else:
        print_nights(nights, title="Diary")


def register(app: typer.Typer) -> None:
    app.add_typer(diary_app, name="diary")
