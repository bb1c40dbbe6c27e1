"""Nothing Nightbridge ships or builds reads as dosing advice (docs/definitions.md
sections 5 and 8: Nightbridge never recommends a dose of kratom or any drug, in words,
defaults or statistics).

Scans every shipped content file (``src/nightbridge/content/**``) and every web
template (``src/nightbridge/web/templates/**``) for dosing phrasing, and proves with a
self-test that the scanner catches planted phrases and lets safe wording through. The
words built at run time are checked too: the demo's own report (the "what helps me"
analysis, hazard H05) never presents more of a substance as helping, keeps intakes out
of "what helps me", and never shows an internal code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.conftest import test_keys

ROOT = Path(__file__).parents[1] / "src" / "nightbridge"
SCANNED = (ROOT / "content", ROOT / "web" / "templates")
TEXT_SUFFIXES = {".json", ".md", ".html", ".txt", ".j2", ".jinja", ".yaml", ".yml"}

_AMOUNT = r"\d+(?:[.,]\d+)?\s*(?:-\s*\d+(?:[.,]\d+)?\s*)?"
_UNIT = (
    r"(?:mg|mcg|µg|g|grams?|milligrams?|ml|millilit(?:er|re)s?|capsules?|pills?|tablets?"
    r"|drops?|tsp|teaspoons?|tbsp|spoons?)\b"
)

#: Dosing phrasing, each with a name for the failure message.
PATTERNS: dict[str, re.Pattern[str]] = {
    "take N <unit>": re.compile(
        rf"\btake\s+(?:about\s+|around\s+|up\s+to\s+|only\s+)?{_AMOUNT}{_UNIT}", re.I
    ),
    "you should take": re.compile(r"\byou\s+should\s+take\b", re.I),
    "recommended dose": re.compile(
        r"\brecommended\s+(?:starting\s+|daily\s+)?dos(?:e|age|ing)\b", re.I
    ),
    "increase your dose": re.compile(
        r"\bincrease\s+(?:your|the)\s+(?:daily\s+)?dos(?:e|age)\b", re.I
    ),
    "start with N <unit>": re.compile(rf"\bstart\s+(?:with|at|on)\s+{_AMOUNT}{_UNIT}", re.I),
    "try N <unit>": re.compile(rf"\btry\s+(?:taking\s+)?{_AMOUNT}{_UNIT}", re.I),
    "double your dose": re.compile(r"\bdouble\s+(?:your|the)\s+dose\b", re.I),
    "the right dose is": re.compile(
        r"\b(?:right|ideal|best|safe|effective)\s+dose\s+(?:is|for\s+you)\b", re.I
    ),
    "dose yourself": re.compile(r"\bdose\s+yourself\b", re.I),
    "more <substance> goes with": re.compile(
        r"\b(?:more|higher|extra)\s+(?:amounts?\s+of\s+)?"
        r"(?:kratom|opioids?|alcohol|drinks?|melatonin|caffeine|benzodiazepines?)\b"
        r"(?:\s+\S+){0,12}?\s+(?:better|helps?|improv\w*|more\s+(?:[\w-]+\s+)?(?:sleep|function))",
        re.I,
    ),
}


def find_dosing_phrases(text: str) -> list[tuple[str, str]]:
    """Every (pattern name, matched text) in ``text``."""
    return [(name, m.group(0)) for name, rx in PATTERNS.items() for m in rx.finditer(text)]


def shipped_files() -> list[Path]:
    return sorted(
        p
        for folder in SCANNED
        if folder.exists()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
    )


def test_there_is_shipped_content_to_scan() -> None:
    names = {p.name for p in shipped_files()}
    assert {"interactions.json", "overdose.json", "crisis_resources.json"} <= names


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_file_reads_as_dosing_advice(path: Path) -> None:
    hits = find_dosing_phrases(path.read_text(encoding="utf-8"))
    assert hits == [], f"{path.relative_to(ROOT)} reads as dosing advice: {hits}"


@pytest.mark.parametrize(
    "planted",
    [
        "For sleep, take 3 mg of melatonin an hour before bed.",
        "Take 2-4 g of kratom in the morning.",
        "take about 1.5 grams",
        "You should take it with food.",
        "The recommended dose is 5 g.",
        "Recommended starting dosage: low.",
        "If withdrawal is bad, increase your dose a little.",
        "Start with 2 g and see how you feel.",
        "start at 10 mg",
        "Try 300 mg magnesium.",
        "Double your dose if it does not work.",
        "The right dose for you depends on weight.",
        "Nights after days with more kratom than your own median had on average 0.6 points "
        "more next-day function.",
        "More alcohol went with better sleep quality for you.",
    ],
)
def test_the_scanner_catches_a_planted_phrase(planted: str, tmp_path: Path) -> None:
    page = tmp_path / "planted.md"
    page.write_text(f"# A lesson\n\nSome text. {planted} More text.\n", encoding="utf-8")
    assert find_dosing_phrases(page.read_text(encoding="utf-8")), planted


@pytest.mark.parametrize(
    "safe",
    [
        "Nightbridge never recommends a dose of kratom or any drug.",
        "Do not take more today, and do not stay alone.",
        "You logged kratom 4 g at 21:00.",
        "A trial used 3 mg; that is a fact about the study, not advice.",
        "Take part in the session.",
        "Give naloxone if there is some.",
        "Time to fall asleep on nights after caffeine after noon, compared with other nights: "
        "a difference of +18 min.",
    ],
)
def test_the_scanner_lets_safe_wording_through(safe: str) -> None:
    assert find_dosing_phrases(safe) == []


# --- Words built at run time: the demo's own report (H05) ------------------------------

#: Internal exposure and outcome codes that must never reach a person.
CODES = re.compile(
    r"\b(?:kratom_(?:any|high|late)|caffeine_after_noon|alcohol_3h|screens_last_hour"
    r"|sol_min|waso_min|tst_min|se_pct|not_enough_data|no_clear_difference)\b"
)
INTAKE_WORDS = re.compile(r"\b(?:kratom|alcohol|caffeine|melatonin|opioids?)\b", re.I)


def _section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    return page[start : page.index("</section>", start)]


@pytest.mark.slow
def test_the_demo_report_never_presents_more_of_a_substance_as_helping(
    sqlite_database: object,
) -> None:
    import datetime as dt

    from nightbridge.reports.html import render_html
    from nightbridge.reports.pdf import render_pdf
    from nightbridge.services.accounts.auth import AuthPolicy
    from nightbridge.services.demo.demo import load_demo
    from nightbridge.services.handover.reports import gather_report
    from tests.reports.pdf_text import drawn_text

    today = dt.date(2026, 3, 31)
    fast = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
    logins = load_demo(sqlite_database, keys=test_keys(), days=42, today=today, policy=fast)  # type: ignore[arg-type]
    now = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    for audience in ("person", "clinician"):
        data = gather_report(
            sqlite_database,  # type: ignore[arg-type]
            logins.person_id,
            end=today,
            audience=audience,
            now=now,
        )
        # Before issue 10 the demo said "more kratom than your own median" went with
        # "0.6 points more next-day function": now no intake is ever an association
        # under "what helps me", and that comparison does not survive the family.
        kratom = {(f.exposure, f.outcome): f for f in data.findings}
        assert kratom[("kratom_high", "function")].status != "association"
        assert all(f.intake for f in data.findings if "kratom" in f.exposure)
        page = render_html(data)
        helps = _section(page, "what-helps")
        assert INTAKE_WORDS.findall(helps) == [], helps  # not even "still collecting"
        intake = _section(page, "intake-and-sleep")
        assert "days with any kratom: 39 nights with, 0 without" in intake
        if audience == "clinician":  # the table shows intakes too, marked, in words
            assert "kratom days above your own median amount (intake)" in page
        assert "more kratom" not in page.lower()
        assert CODES.findall(page) == []
        assert find_dosing_phrases(page) == []
        assert "How intake and sleep go together for you" in page
        assert "never suggests an amount of kratom or any substance" in page
        # The PDF says the same: nothing about an intake between "What helps me" and
        # the intake section, no codes, no "more kratom".
        text = " ".join(drawn_text(render_pdf(data)))
        helps_pdf = text[text.index("What helps me") : text.index("How intake and sleep go")]
        assert INTAKE_WORDS.findall(helps_pdf) == [], helps_pdf
        assert "more kratom" not in text.lower() and CODES.findall(text) == []
