"""docs/safety.md and docs/instruments.md stay honest: every alert code, every
interaction rule and every instrument is documented."""

from __future__ import annotations

from pathlib import Path

from nightbridge.content import load_json
from nightbridge.core.instruments import INSTRUMENTS
from nightbridge.core.safety import COMBINATION_CODE, RULES

DOCS = Path(__file__).parents[2] / "docs"


def test_every_alert_code_is_explained_in_docs_safety() -> None:
    text = (DOCS / "safety.md").read_text(encoding="utf-8")
    codes = [r.code for r in RULES] + [
        COMBINATION_CODE,
        "phq9_item9",
        "phq9_severe",
        "phq9_moderate",
        "gad7_moderate",
    ]
    missing = [c for c in codes if f"`{c}`" not in text]
    assert missing == []


def test_every_interaction_rule_is_listed_in_docs_safety() -> None:
    text = (DOCS / "safety.md").read_text(encoding="utf-8")
    ids = [r["id"] for r in load_json("interactions.json")["rules"]]
    assert [i for i in ids if f"`{i}`" not in text] == []


def test_every_instrument_is_documented() -> None:
    text = (DOCS / "instruments.md").read_text(encoding="utf-8")
    assert [n for n in INSTRUMENTS if f"`{n}`" not in text] == []
