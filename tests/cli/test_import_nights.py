"""``nightbridge import`` and ``nightbridge nights`` through the real CLI (docs/cli.md).

Every expected minute below was computed by hand from the sample exports in
``tests/data/<source>/`` with the rules of definitions.md section 7; the arithmetic is
written next to each night (and in docs/importers/<source>.md).
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"
KEYS = ("date", "source", "chosen", "tst_min", "tib_min", "sol_min", "waso_min", "se_pct")


def zip_folder(folder: Path, out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return out


def apple_zip(tmp_path: Path) -> Path:
    out = tmp_path / "export.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(
            DATA / "apple_health" / "export_three_sources.xml", "apple_health_export/export.xml"
        )
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    return out


def health_connect_zip(tmp_path: Path) -> Path:
    db = tmp_path / "health_connect_export.db"
    con = sqlite3.connect(db)
    con.executescript((DATA / "health_connect" / "health_connect_export.sql").read_text())
    con.commit()
    con.close()
    out = tmp_path / "Health Connect.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, "health_connect_export.db")
    return out


def nights(run_cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = run_cli("nights", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return [{k: n.get(k) for k in KEYS} | stages(n) for n in json.loads(result.stdout)]


def stages(night: dict) -> dict:
    return {k: night[k] for k in ("light_min", "deep_min", "rem_min") if k in night}


def night(date, source, chosen, tst, tib, sol, waso, se, light=None, deep=None, rem=None):  # type: ignore[no-untyped-def]
    out = dict(zip(KEYS, (date, source, chosen, tst, tib, sol, waso, se), strict=True))
    if light is not None:
        out |= {"light_min": light, "deep_min": deep, "rem_min": rem}
    return out


WATCH = "Dana’s Apple Watch"

APPLE_NIGHTS = [
    # 2026-03-08, spring forward (02:00 EST -> 03:00 EDT). AutoSleep (old "Asleep"/"InBed"
    # values): in bed 23:09-05 -> 07:04-04 = 415; asleep 23:27-05 -> 03:51-04 (204) +
    # 04:06 -> 06:55 (169) = 373; sol 18; waso (23:27 -> 06:55 = 388) - 373 = 15; se 89.9
    night("2026-03-08", "AutoSleep", False, 373, 415, 18, 15, 89.9),
    # Watch (iOS 16 stages): core 41.5+45+88.5+69.5 = 244.5 -> 245, deep 48.5 -> 49,
    # REM 39+46.5 = 85.5 -> 86; tst 378.5 -> 379; its own span 23:31-05 -> 06:58-04 = 387,
    # waso 387 - 378.5 = 8.5 -> 9. Stages: chosen. It has no in-bed record, so rule 7: the
    # iPhone (23:05 -> 07:12) and AutoSleep (23:09 -> 07:04) in-bed records both cover all
    # 387 min; ties by name: AutoSleep. In bed 23:09-05 -> 07:04-04 = 415; sol 23:31 -
    # 23:09 = 22; se 100*379/415 = 91.3.
    night("2026-03-08", WATCH, True, 379, 415, 22, 9, 91.3, 245, 49, 86),
    # 2026-11-01, fall back (02:00 EDT -> 01:00 EST). AutoSleep 23:49-04 -> 06:44-05 = 475
    # Watch: core 98+70+134+64 = 366, deep 01:30-04 -> 01:10-05 = 40, REM 52; tst 458;
    # its own span 23:52-04 -> 06:41-05 = 469; waso 11. Rule 7: the iPhone's in bed
    # 23:40-04 -> 06:48-05 overlaps all 469 min (AutoSleep wrote no in-bed record that
    # night), so in bed 23:40-04 -> 06:48-05 = 7 h 8 min on the clock + the repeated
    # hour = 488; sol 12;
    # se 100*458/488 = 93.9
    night("2026-11-01", WATCH, True, 458, 488, 12, 11, 93.9, 366, 40, 52),
    # (the Watch night now starts at the iPhone's 23:40, before AutoSleep's 23:49)
    night("2026-11-01", "AutoSleep", False, 475, 475, 0, 0, 100.0),
    # A third-party app: 23:58-04 -> 06:30-05 = 452 asleep (AsleepUnspecified)
    night("2026-11-01", "Sleep & Recovery Lab", False, 452, 452, 0, 0, 100.0),
]

FITBIT_NIGHTS = [
    # stages log: light 60+40+120+30 = 250 - 2 (shortData wake) = 248, deep 60+30 = 90,
    # REM 30+60 = 90 - 3 = 87; tst 425; in bed 23:10-07:00 = 470; sol 10; waso 445-425 = 20
    night("2026-03-07", "Fitbit", True, 425, 470, 10, 20, 90.4, 248, 90, 87),
    # spring forward in New York: 23:30 EST -> 07:30 EDT is 420 real minutes;
    # light 70+90+70 = 230, deep 60, REM 30+50 = 80; tst 370; sol 20; waso 380-370 = 10
    night("2026-03-08", "Fitbit", True, 370, 420, 20, 10, 88.1, 230, 60, 80),
    # classic log: asleep 180+205 = 385; restless and awake are awake; 23:00-06:30 = 450
    night("2026-03-09", "Fitbit", True, 385, 450, 15, 10, 85.6),
    # main stages log 23:00-05:00 overlapped by a second log 04:30-06:30: one session;
    # asleep union 23:10-06:20 = 430 (not 350+110); in bed 23:00-06:30 = 450
    night("2026-03-10", "Fitbit", True, 430, 450, 10, 0, 95.6, 230, 60, 60),
]

OURA_NIGHTS = [
    # 84 five-minute phases: deep 18*5 = 90, light 34*5 = 170, REM 24*5 = 120 -> 380;
    # awake 3 at the start (sol 15) and 3 at the end; waso 2*5 = 10; 420 in bed
    night("2026-03-28", "Oura", True, 380, 420, 15, 10, 90.5, 170, 90, 120),
    # across spring forward in Berlin: 23:30+01 -> 07:30+02 = 420 (84 phases), tst 375
    night("2026-03-29", "Oura", True, 375, 420, 20, 10, 89.3, 210, 60, 105),
    # long_sleep 23:00-05:00 then "sleep" 05:30-07:00 (30 min gap): one session;
    # asleep 350 + 60 = 410; in bed 23:00-07:00 = 480; waso 450 - 410 = 40
    night("2026-03-30", "Oura", True, 410, 480, 10, 40, 85.4, 230, 60, 120),
]

HEALTH_CONNECT_NIGHTS = [
    # Samsung Health via Health Connect, stages: light 120+120, deep 60, REM 40+80 -> 420;
    # 23:00-07:00 PST = 480; sol 20; waso (23:20 -> 06:30 = 430) - 420 = 10
    night("2026-03-07", "Samsung Health", True, 420, 480, 20, 10, 87.5, 240, 60, 120),
    # Sleep as Android wrote the same night without stages: kept, not chosen
    night("2026-03-07", "Sleep as Android", False, 435, 435, 0, 0, 100.0),
    # spring forward in Los Angeles: 23:00 PST -> 07:00 PDT = 420; tst 120+60+60+130 = 370
    night("2026-03-08", "Samsung Health", True, 370, 420, 30, 0, 88.1, 250, 60, 60),
    # session 23:15-06:45 PDT overlapped by a stageless one 05:30-07:30: asleep union
    # 23:15-03:00 (225) + 03:15-07:30 (255) = 480 (out of bed 03:00-03:15 is awake)
    night("2026-03-09", "Samsung Health", True, 480, 495, 0, 15, 97.0, 180, 45, 210),
]

SAMSUNG_NIGHTS = [
    # times are UTC + time_offset: 22:00Z -> 05:30Z = 450; light 240, deep 60, REM 100
    night("2026-03-27", "Samsung Health", True, 400, 450, 20, 10, 88.9, 240, 60, 100),
    # a stageless session across spring forward: 21:30Z -> 05:00Z = 450 real minutes
    night("2026-03-29", "Samsung Health", True, 450, 450, 0, 0, 100.0),
    # staged session 20:45Z-03:45Z plus a stageless one 04:30Z-05:30Z (45 min gap):
    # in bed 525, asleep 405 + 60 = 465, waso (21:00 -> 05:30 = 510) - 465 = 45
    night("2026-03-30", "Samsung Health", True, 465, 525, 15, 45, 88.6, 180, 60, 165),
    # a stageless session with Samsung's efficiency 87.5 %: 21:00Z -> 05:00Z = 480 in bed,
    # asleep 420, the 60 min awake counted as awake in the night (the export gives no time)
    night("2026-03-31", "Samsung Health", True, 420, 480, 0, 60, 87.5),
]


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    return {
        "apple-health": apple_zip(tmp_path),
        "fitbit": zip_folder(DATA / "fitbit", tmp_path / "takeout-20260401.zip"),
        "oura": zip_folder(DATA / "oura", tmp_path / "oura-export.zip", "oura_data/"),
        "health-connect": health_connect_zip(tmp_path),
        "samsung": zip_folder(DATA / "samsung", tmp_path / "samsung.zip"),
    }


@pytest.mark.parametrize(
    ("kind", "tz", "expected"),
    [
        ("apple-health", "America/New_York", APPLE_NIGHTS),
        ("fitbit", "America/New_York", FITBIT_NIGHTS),
        ("oura", "Europe/Berlin", OURA_NIGHTS),
        ("health-connect", "America/Los_Angeles", HEALTH_CONNECT_NIGHTS),
        ("samsung", "Europe/Berlin", SAMSUNG_NIGHTS),
    ],
)
def test_an_imported_zip_gives_one_chosen_night_per_date_with_hand_computed_minutes(
    run_cli, exports: dict[str, Path], kind: str, tz: str, expected: list[dict]
) -> None:
    result = run_cli("import", kind, str(exports[kind]), "--tz", tz)
    assert result.exit_code == 0, result.stderr
    assert "nights" in result.stdout
    got = nights(run_cli)
    assert got == expected
    chosen_dates = [n["date"] for n in got if n["chosen"]]
    assert chosen_dates == sorted({n["date"] for n in got})


def test_it_prints_the_nights_found_per_source(run_cli, exports: dict[str, Path]) -> None:
    result = run_cli(
        "import", "apple-health", str(exports["apple-health"]), "--tz", "America/New_York"
    )
    assert result.exit_code == 0, result.stderr
    assert "AutoSleep: 2 nights" in result.stdout
    assert f"{WATCH}: 2 nights" in result.stdout
    assert "Sleep & Recovery Lab: 1 nights" in result.stdout
    assert "Dana’s iPhone: 0 nights" in result.stdout


def test_a_second_import_adds_nothing(run_cli, exports: dict[str, Path]) -> None:
    first = run_cli(
        "import", "fitbit", str(exports["fitbit"]), "--json", "--tz", "America/New_York"
    )
    second = run_cli(
        "import", "fitbit", str(exports["fitbit"]), "--json", "--tz", "America/New_York"
    )
    assert first.exit_code == second.exit_code == 0
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["samples_added"], one["samples_duplicate"]) == (46, 0)
    assert (two["samples_added"], two["samples_duplicate"]) == (0, 46)
    assert two["nights"] == one["nights"] == 4
    assert nights(run_cli) == FITBIT_NIGHTS


def test_the_folder_inside_the_zip_and_the_file_itself_read_the_same(
    run_cli, tmp_path: Path
) -> None:
    folder = run_cli("import", "samsung", str(DATA / "samsung"), "--tz", "Europe/Berlin")
    assert folder.exit_code == 0, folder.stderr
    assert nights(run_cli) == SAMSUNG_NIGHTS
    single = run_cli(
        "import", "oura", str(DATA / "oura" / "sleepmodel.csv"), "--tz", "Europe/Berlin"
    )
    assert single.exit_code == 0, single.stderr
    oura = nights(run_cli, "--source", "Oura")
    assert [n | {"chosen": None} for n in oura] == [n | {"chosen": None} for n in OURA_NIGHTS]
    # on 2026-03-30 both have stages and Samsung has more asleep minutes (465 > 410): the
    # later import hands that night to Samsung; Oura's night stays stored beside it
    chosen = {n["date"]: n["source"] for n in nights(run_cli) if n["chosen"]}
    assert chosen["2026-03-30"] == "Samsung Health"
    assert chosen["2026-03-28"] == "Oura"
    # on 2026-03-29 Samsung has more minutes (450) but no stages: Oura (stages) speaks
    assert chosen["2026-03-29"] == "Oura"


def test_nights_filters_by_source_and_dates(run_cli, exports: dict[str, Path]) -> None:
    assert run_cli("import", "apple-health", str(exports["apple-health"])).exit_code == 0
    assert [n["date"] for n in nights(run_cli, "--source", "AutoSleep")] == [
        "2026-03-08",
        "2026-11-01",
    ]
    assert [n["source"] for n in nights(run_cli, "--from", "2026-11-01", "--to", "2026-11-01")] == [
        WATCH,
        "AutoSleep",
        "Sleep & Recovery Lab",
    ]
    bad = run_cli("nights", "--from", "yesterday")
    assert bad.exit_code == 2
    assert "from" in bad.stderr and "not a date" in bad.stderr


def table_counts(home: Path) -> dict[str, int]:
    con = sqlite3.connect(home / "nightbridge.sqlite3")
    try:
        names = ["device_samples", "device_nights", "device_activity", "device_imports"]
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


def test_a_bad_file_is_refused_with_exit_2_and_changes_nothing(
    run_cli, cli_home: Path, exports: dict[str, Path], tmp_path: Path
) -> None:
    assert (
        run_cli("import", "fitbit", str(exports["fitbit"]), "--tz", "America/New_York").exit_code
        == 0
    )
    before = table_counts(cli_home)
    # a newer export whose only sleep file is broken (cut short while downloading); a
    # broken file among good ones is left out and reported instead (test_fitbit.py)
    broken = tmp_path / "broken"
    (broken / "Global Export Data").mkdir(parents=True)
    (broken / "Global Export Data" / "sleep-2026-05-01.json").write_text(
        '[{"logId": 2, "startTime": '
    )
    result = run_cli("import", "fitbit", str(broken), "--tz", "America/New_York")
    assert result.exit_code == 2
    assert "error: sleep-2026-05-01.json: is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert table_counts(cli_home) == before


def test_a_hostile_zip_is_refused_and_nothing_is_stored(
    run_cli, cli_home: Path, tmp_path: Path
) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../etc/sleep-2026-01-01.json", "[]")
    result = run_cli("import", "fitbit", str(evil))
    assert result.exit_code == 2
    assert "path traversal" in result.stderr
    assert table_counts(cli_home)["device_samples"] == 0


def test_an_export_of_the_wrong_kind_is_refused(run_cli, exports: dict[str, Path]) -> None:
    result = run_cli("import", "samsung", str(exports["fitbit"]))
    assert result.exit_code == 2
    assert "has no Samsung Health sleep files" in result.stderr
    assert "it looks like a Fitbit / Google export" in result.stderr
    unknown = run_cli("import", "polar", str(exports["fitbit"]))
    assert unknown.exit_code == 2
    assert "unknown export kind 'polar'" in unknown.stderr


def test_device_nights_never_overwrite_the_diary(run_cli, exports: dict[str, Path]) -> None:
    added = run_cli(
        "diary",
        "add",
        "--date",
        "2026-03-08",
        "--bedtime",
        "22:30",
        "--lights-off",
        "23:00",
        "--sol",
        "40",
        "--nwak",
        "3",
        "--waso",
        "50",
        "--final-wake",
        "06:00",
        "--out-of-bed",
        "06:30",
        "--quality",
        "2",
        "--tz",
        "America/New_York",
    )
    assert added.exit_code == 0, added.stderr
    before = json.loads(run_cli("diary", "list", "--json").stdout)
    assert run_cli("import", "apple-health", str(exports["apple-health"])).exit_code == 0
    after = json.loads(run_cli("diary", "list", "--json").stdout)
    assert after == before
    assert [(e["date"], e["sol_min"], e["waso_min"]) for e in after] == [("2026-03-08", 40, 50)]
    # and the device night for the same morning is there beside it, with its own numbers
    assert [
        n["tst_min"] for n in nights(run_cli, "--from", "2026-03-08", "--to", "2026-03-08")
    ] == [373, 379]


def test_the_table_shows_each_source_and_marks_the_chosen_one(
    run_cli, exports: dict[str, Path]
) -> None:
    assert run_cli("import", "oura", str(exports["oura"]), "--tz", "Europe/Berlin").exit_code == 0
    result = run_cli("nights")
    assert result.exit_code == 0
    assert "2026-03-29" in result.stdout and "Oura" in result.stdout and "89.3" in result.stdout


def test_source_names_are_shown_as_written_never_as_markup(run_cli, tmp_path: Path) -> None:
    xml = (DATA / "apple_health" / "export_three_sources.xml").read_text(encoding="utf-8")
    export = tmp_path / "export.xml"
    export.write_text(xml.replace('sourceName="AutoSleep"', 'sourceName="[red]Auto[/red]Sleep"'))
    result = run_cli("import", "apple-health", str(export), "--tz", "America/New_York")
    assert result.exit_code == 0, result.stderr
    assert "[red]Auto[/red]Sleep: 2 nights" in result.stdout
    table = run_cli("nights", "--source", "[red]Auto[/red]Sleep")
    assert table.exit_code == 0
    assert table.stdout.count("[red]Auto[/red]Sleep") == 2
