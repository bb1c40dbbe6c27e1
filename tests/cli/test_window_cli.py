"""``nightbridge window``: every action through the real command on a real store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

REF = dt.date(2026, 4, 20)
HEADER = "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality\n"


def diary(path: Path, count: int, *, bedtime: str, sol: int, waso: int, out: str = "06:30") -> Path:
    """``count`` mornings up to REF: lights off at bedtime, final wake = out of bed."""
    rows = [
        f"{REF - dt.timedelta(days=i)},{bedtime},{bedtime},{sol},{2 if waso else 0},{waso},"
        f"{out},{out},3\n"
        for i in range(count)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def window(run_cli, *args: str) -> dict:
    result = run_cli("window", "--rise", "06:30", "--date", REF.isoformat(), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def store(run_cli):
    assert run_cli("profile", "set", "--tz", "UTC", "--clear-conditions").exit_code == 0
    return run_cli


# (nights, bedtime, sol, waso, --current, action, window, bedtime shown). In bed 23:00 or
# 23:50 -> 06:30 (450 or 400 min); asleep = in bed - sol - waso (definitions.md sec. 2).
SCENARIOS = [
    ("start", 10, "23:00", 20, 30, None, 390, "00:00"),  # mean TST 400 -> 390
    ("increase", 7, "23:50", 10, 20, 390, 405, "23:45"),  # SE 370/400 = 92.5
    ("keep", 7, "23:50", 20, 30, 390, 390, "00:00"),  # SE 350/400 = 87.5
    ("decrease", 7, "23:50", 40, 60, 390, 375, "00:15"),  # SE 300/400 = 75.0
]


@pytest.mark.parametrize(
    ("action", "count", "bedtime", "sol", "waso", "current", "minutes", "shown"), SCENARIOS
)
def test_it_answers_each_action_for_a_matching_diary(
    store,
    tmp_path: Path,
    action: str,
    count: int,
    bedtime: str,
    sol: int,
    waso: int,
    current: int | None,
    minutes: int,
    shown: str,
) -> None:
    path = diary(tmp_path / "d.csv", count, bedtime=bedtime, sol=sol, waso=waso)
    assert store("diary", "import", str(path)).exit_code == 0
    args = ["--current", str(current)] if current else []
    doc = window(store, *args)
    assert (doc["action"], doc["window_min"], doc["bedtime"], doc["rise"]) == (
        action,
        minutes,
        shown,
        "06:30",
    )
    rise = dt.datetime.combine(REF, dt.time(6, 30))
    assert (rise - dt.timedelta(minutes=doc["window_min"])).strftime("%H:%M") == doc["bedtime"]
    assert doc["nights_used"] == count
    assert isinstance(doc["mean_tst_min"], float) and isinstance(doc["pooled_se_pct"], float)
    assert any("Do not drive" in r for r in doc["reasons"])


def test_it_compresses_for_a_contraindication(store, tmp_path: Path) -> None:
    assert store("profile", "set", "--condition", "bipolar").exit_code == 0
    path = diary(tmp_path / "d.csv", 10, bedtime="22:30", sol=40, waso=60)  # 480 in bed, 380
    assert store("diary", "import", str(path)).exit_code == 0
    doc = window(store)
    # gap 100 min, one fifth 20: 480 - 20 = 460 in bed, so 22:50 -> 06:30
    assert (doc["action"], doc["window_min"], doc["bedtime"]) == ("compress", 460, "22:50")


def test_it_asks_for_more_nights_when_the_diary_is_short(store, tmp_path: Path) -> None:
    path = diary(tmp_path / "d.csv", 3, bedtime="23:00", sol=20, waso=30)
    assert store("diary", "import", str(path)).exit_code == 0
    doc = window(store)
    assert doc["action"] == "collect" and doc["nights_needed"] == 4
    assert "window_min" not in doc and doc["nights_used"] == 3


def test_it_defers_in_early_withdrawal(store, tmp_path: Path) -> None:
    path = diary(tmp_path / "d.csv", 10, bedtime="23:00", sol=20, waso=30)
    assert store("diary", "import", str(path)).exit_code == 0
    dose_day = REF - dt.timedelta(days=2)
    logged = store("intake", "add", "kratom", "2", "g", "--at", f"{dose_day}T08:00")
    assert logged.exit_code == 0, logged.stderr
    doc = window(store)
    assert doc["action"] == "defer" and doc["window_min"] is None
    assert any("Nightbridge's own rule" in r for r in doc["reasons"])
    later = store("window", "--rise", "06:30", "--date", str(REF + dt.timedelta(days=5)), "--json")
    assert json.loads(later.stdout)["action"] == "start"  # 7 days after the dose: no deferral


def test_the_human_answer_states_the_window_and_the_reasons(store, tmp_path: Path) -> None:
    path = diary(tmp_path / "d.csv", 10, bedtime="23:00", sol=20, waso=30)
    store("diary", "import", str(path))
    result = store("window", "--rise", "06:30", "--date", str(REF))
    assert result.exit_code == 0
    assert "A first window: 390 min in bed, bed at 00:00, up at 06:30." in result.stdout
    assert "Used 10 nights: mean sleep 400.0 min, pooled sleep efficiency 88.9 %." in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--rise", "7am"], "rise"),
        (["--rise", "06:30", "--date", "tomorrow"], "date"),
        (["--rise", "06:30", "--current", "20"], "current"),
    ],
)
def test_it_refuses_bad_options_naming_them(store, args: list[str], field: str) -> None:
    result = store("window", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {field}: ")


def test_until_the_screen_is_answered_window_says_how_and_exits_2(run_cli, tmp_path: Path) -> None:
    path = diary(tmp_path / "d.csv", 10, bedtime="23:00", sol=20, waso=30)
    assert run_cli("diary", "import", str(path)).exit_code == 0
    result = run_cli("window", "--rise", "06:30", "--date", REF.isoformat(), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no sleep window until the safety questions are answered" in result.stderr
    assert "profile set --condition" in result.stderr and "--clear-conditions" in result.stderr
    assert run_cli("profile", "set", "--condition", "bipolar").exit_code == 0
    assert window(run_cli)["action"] == "compress"
