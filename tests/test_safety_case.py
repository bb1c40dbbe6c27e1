"""The hazard log (docs/safety-case.md) stays honest: every test it names exists and is
not skipped, every file it names exists, its scales and risk matrix are DCB0129's, and a
hazard whose residual risk is unacceptable is never marked closed."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAFETY_CASE = ROOT / "docs" / "safety-case.md"

COLUMNS = (
    "id",
    "hazard",
    "cause",
    "effect on the person",
    "severity",
    "likelihood",
    "control in the code",
    "test that proves it",
    "what is left",
)
SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOODS = ("Very low", "Low", "Medium", "High", "Very high")
#: DCB0129's risk matrix: MATRIX[likelihood][severity] -> risk 1..5.
MATRIX = {
    "Very high": (3, 4, 4, 5, 5),
    "High": (2, 3, 3, 4, 5),
    "Medium": (2, 2, 3, 3, 4),
    "Low": (1, 2, 2, 3, 4),
    "Very low": (1, 1, 2, 2, 3),
}
UNACCEPTABLE = 4
TEST_ID = re.compile(r"`(tests/[^`\s]+\.py)::([^`\s]+)`")
FILE_REF = re.compile(r"`([\w./-]+/[\w.-]+\.(?:py|json|html|md|j2|css|js))`")


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


def _split(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def _section(text: str, heading: str) -> list[tuple[int, str]]:
    """The numbered lines of the section under ``## heading``."""
    lines, inside = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            inside = line[3:].strip() == heading
            continue
        if inside:
            lines.append((number, line))
    return lines


def hazard_rows(text: str) -> tuple[list[Row], list[str]]:
    problems: list[str] = []
    table = [(n, line) for n, line in _section(text, "Hazard log") if line.startswith("|")]
    if len(table) < 3:
        return [], ["the hazard log table is missing or empty"]
    header = tuple(_split(table[0][1]))
    if header != COLUMNS:
        problems.append(f"the hazard log's columns are {header}, expected {COLUMNS}")
        return [], problems
    rows = []
    for number, line in table[2:]:
        cells = _split(line)
        if len(cells) != len(COLUMNS):
            problems.append(f"line {number}: {len(cells)} cells, expected {len(COLUMNS)}")
            continue
        rows.append(Row(number, dict(zip(COLUMNS, cells, strict=True))))
    return rows, problems


def _test_exists(path: str, name: str, root: Path = ROOT) -> str | None:
    """None when ``path::name`` names a test that runs; else why not."""
    file = root / path
    if not file.is_file():
        return f"{path} does not exist"
    tree = ast.parse(file.read_text(encoding="utf-8"))
    parts = re.sub(r"\[.*\]$", "", name).split("::")
    scope: list[ast.stmt] = tree.body
    found: ast.stmt | None = None
    for part in parts:
        found = next(
            (
                node
                for node in scope
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == part
            ),
            None,
        )
        if found is None:
            return f"{path} has no {'::'.join(parts)}"
        scope = found.body if isinstance(found, ast.ClassDef) else []
    if not isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
        return f"{path}::{name} is not a test function"
    for decorator in found.decorator_list:
        source = ast.unparse(decorator)
        if re.fullmatch(r"pytest\.mark\.(skip|xfail)(\(.*\))?", source) and "skipif" not in source:
            return f"{path}::{name} is skipped or expected to fail ({source})"
    return None


def _file_exists(ref: str) -> bool:
    return any((base / ref).exists() for base in (ROOT, ROOT / "src" / "nightbridge"))


def check_safety_case(text: str) -> list[str]:
    """Every problem of the log ``text`` (an empty list when it is sound)."""
    rows, problems = hazard_rows(text)
    matrix_lines = [line for _, line in _section(text, "Risk matrix (DCB0129)") if "|" in line]
    shown = {
        cells[0]: tuple(int(c) for c in cells[1:])
        for cells in (_split(line) for line in matrix_lines[2:])
    }
    if shown != MATRIX:
        problems.append("the risk matrix on the page is not DCB0129's")
    seen: set[str] = set()
    for row in rows:
        c, where = row.cells, f"{row.cells['id']} (line {row.line})"
        if not re.fullmatch(r"H\d{2,3}", c["id"]) or c["id"] in seen:
            problems.append(f"{where}: ids are H01, H02, ... and unique")
        seen.add(c["id"])
        for key in ("hazard", "cause", "effect on the person", "control in the code"):
            if not c[key]:
                problems.append(f"{where}: '{key}' is empty")
        if c["severity"] not in SEVERITIES:
            problems.append(f"{where}: severity {c['severity']!r} is not one of {SEVERITIES}")
            continue
        before, _, after = (part.strip() for part in c["likelihood"].partition("→"))
        if before not in LIKELIHOODS or after not in LIKELIHOODS:
            problems.append(
                f"{where}: likelihood reads 'before → after', each one of {LIKELIHOODS}"
            )
            continue
        if LIKELIHOODS.index(after) > LIKELIHOODS.index(before):
            problems.append(f"{where}: a control cannot make the hazard more likely")
        tests = TEST_ID.findall(c["test that proves it"])
        for path, name in tests:
            missing = _test_exists(path, name)
            if missing:
                problems.append(f"{where}: {missing}")
        for ref in FILE_REF.findall(c["control in the code"]):
            if not _file_exists(ref):
                problems.append(f"{where}: the control names {ref}, which does not exist")
        is_open = c["test that proves it"].startswith("open")
        left = c["what is left"].strip(" -")
        if is_open and not left:
            problems.append(f"{where}: an open hazard must say what is left")
        if not is_open and not tests:
            problems.append(f"{where}: name the test that proves the control, or say open")
        risk = MATRIX[after][SEVERITIES.index(c["severity"])]
        if not is_open and risk >= UNACCEPTABLE:
            problems.append(f"{where}: residual risk {risk} is unacceptable; it cannot be closed")
    return problems


def test_the_hazard_log_is_sound() -> None:
    assert check_safety_case(SAFETY_CASE.read_text(encoding="utf-8")) == []


def test_the_log_has_its_sign_off_and_every_hazard_of_issue_10() -> None:
    text = SAFETY_CASE.read_text(encoding="utf-8")
    assert "clinical safety officer" in text.lower()
    assert _section(text, "Sign-off")
    rows, _ = hazard_rows(text)
    assert len(rows) >= 30
    hazards = " ".join(row.cells["hazard"].lower() for row in rows)
    for words in (
        "contraindicated",
        "compression",
        "time zone",
        "emergency number",
        "helping",
        "chance association",
        "taper",
        "withdrawal under-scored",
        "crisis line",
        "combination",
        "rounded efficiency",
        "implausible night",
        "internal codes",
        "wrong person",
        "data loss",
    ):
        assert words in hazards, words


def _planted(test_cell: str, *, likelihood: str = "High → Low", left: str = "-") -> str:
    text = SAFETY_CASE.read_text(encoding="utf-8")
    row = (
        f"| H99 | Planted | cause | effect | Major | {likelihood} | `core/window.py` | "
        f"{test_cell} | {left} |"
    )
    return text.replace("\n## Sign-off", f"{row}\n\n## Sign-off", 1)


@pytest.mark.parametrize(
    ("test_cell", "likelihood", "left", "complaint"),
    [
        ("`tests/core/test_window.py::test_that_was_never_written`", "High → Low", "-", "has no"),
        ("`tests/core/test_nowhere.py::test_x`", "High → Low", "-", "does not exist"),
        ("", "High → Low", "-", "name the test"),
        ("open", "High → High", "-", "must say what is left"),
        (
            "`tests/core/test_window.py::test_a_decrease_never_goes_below_the_floor`",
            "High → High",
            "-",
            "unacceptable",
        ),
        (
            "`tests/core/test_window.py::test_a_decrease_never_goes_below_the_floor`",
            "Low → High",
            "-",
            "more likely",
        ),
        ("open", "Often → Low", "more", "likelihood reads"),
    ],
)
def test_the_check_catches_a_bad_row(
    test_cell: str, likelihood: str, left: str, complaint: str
) -> None:
    problems = check_safety_case(_planted(test_cell, likelihood=likelihood, left=left))
    assert any(complaint in p and "H99" in p for p in problems), problems


def test_the_check_accepts_a_sound_planted_row_and_open_rows_with_what_is_left() -> None:
    good = "`tests/core/test_window.py::test_a_decrease_never_goes_below_the_floor`"
    assert check_safety_case(_planted(good)) == []
    assert check_safety_case(_planted("open", likelihood="High → High", left="a control")) == []


def test_the_check_finds_a_test_that_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        "import pytest\n\n@pytest.mark.skip(reason='later')\ndef test_y():\n    pass\n\n"
        "class TestZ:\n    def test_w(self):\n        pass\n",
        encoding="utf-8",
    )
    assert "skipped" in (_test_exists("tests/test_x.py", "test_y", tmp_path) or "")
    assert _test_exists("tests/test_x.py", "TestZ::test_w[case-1]", tmp_path) is None
    assert "has no" in (_test_exists("tests/test_x.py", "TestZ::test_v", tmp_path) or "")


def test_the_check_finds_a_missing_control_file() -> None:
    text = _planted("`tests/core/test_window.py::test_a_decrease_never_goes_below_the_floor`")
    text = text.replace("| `core/window.py` |", "| `core/nowhere.py` |")
    assert any("core/nowhere.py" in p for p in check_safety_case(text))
