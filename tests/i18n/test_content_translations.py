"""The content check (docs/i18n.md): every English content file a person reads has its
Spanish counterpart ``content/es/<name>`` with the same keys and structure and the same
numbers, ids, contacts and sources, only the words changed.

``PENDING`` is the visible allow-list of files not translated yet: the content
translator removes each file from it as its Spanish version lands (a pending file that
has a translation fails too, so the list cannot go stale). ``ENGLISH_ONLY`` lists the
files that stay in English on purpose, each with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nightbridge.content import list_files

CONTENT = Path(__file__).parents[2] / "src" / "nightbridge" / "content"
LOCALE = "es"

#: Files that stay in English, and why (docs/instruments.md).
ENGLISH_ONLY: dict[str, str] = {
    "instruments/isi.json": "licensed (Mapi Research Trust); Nightbridge takes only the "
    "clinician's total, no item text to translate",
    "substances.json": "names, not prose: one list holds the English and the Spanish names "
    "of each class (a person may type either, with or without accents), so a combination "
    "warning never depends on the language typed in",
    "instruments/cows.json": "clinician-rated; no Spanish version validated and usable under "
    "its terms is shipped, so the clinician form stays in English",
}

#: Not translated YET (the content translator empties this list; see docs/i18n.md).
PENDING: set[str] = {
    "instruments/gad7.json",
    "instruments/phq9.json",
}

#: Keys whose string values are data, not words: the translation keeps them as they are.
FIXED_KEYS = frozenset(
    {
        "id",
        "key",
        "code",
        "name_key",
        "contact",
        "kind",
        "role",
        "checked",
        "source",
        "sources",
        "hours",
        "severity",
        "grade",
        "url",
        "sms",
        "week",
        "unlocks",
        "condition",
        "symptom",
        "rated_by",
        "same_as",
    }
)
_FRONT = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def json_differences(en: Any, tr: Any, where: str = "", key: str = "") -> list[str]:
    """How ``tr`` departs from ``en``'s structure (empty: same shape and same data)."""
    here = where or "(top)"
    if _kind(en) != _kind(tr):
        return [f"{here}: {_kind(tr)} where English has {_kind(en)}"]
    if isinstance(en, dict):
        if set(en) != set(tr):
            missing, extra = sorted(set(en) - set(tr)), sorted(set(tr) - set(en))
            return [f"{here}: keys differ (missing {missing}, extra {extra})"]
        found: list[str] = []
        for k in en:
            found += json_differences(en[k], tr[k], f"{where}.{k}" if where else k, k)
        return found
    if isinstance(en, list):
        if len(en) != len(tr):
            return [f"{here}: {len(tr)} items where English has {len(en)}"]
        fixed = key in FIXED_KEYS
        found = []
        for i, (a, b) in enumerate(zip(en, tr, strict=True)):
            found += json_differences(a, b, f"{where}[{i}]", key if fixed else "")
        return found
    if isinstance(en, str):
        if key in FIXED_KEYS and en != tr:
            return [f"{here}: {tr!r} where English has {en!r} (data, not words)"]
        if en.strip() and not tr.strip():
            return [f"{here}: empty"]
        return []
    return [] if en == tr else [f"{here}: {tr!r} where English has {en!r}"]


def _front_matter(text: str) -> dict[str, str]:
    found = _FRONT.match(text)
    if not found:
        return {}
    fields: dict[str, str] = {}
    current = ""
    for line in found.group("body").splitlines():
        if line and not line.startswith((" ", "\t")) and ":" in line:
            current, _, value = line.partition(":")
            fields[current] = value.strip()
        elif current:
            fields[current] += "\n" + line.strip()
    return fields


def markdown_differences(en: str, tr: str) -> list[str]:
    """A lesson's translation: the same front matter keys, the same week, unlocks and
    sources, and the same number of headings of each level."""
    a, b = _front_matter(en), _front_matter(tr)
    if set(a) != set(b):
        return [f"front matter keys differ: {sorted(a)} / {sorted(b)}"]
    found = [f"front matter {k!r} differs" for k in a if k in FIXED_KEYS and a[k] != b[k]]

    def headings(text: str) -> list[int]:
        return [len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", text, re.M)]

    if headings(en) != headings(tr):
        found.append(f"headings differ: {headings(en)} / {headings(tr)}")
    return found


def differences(name: str) -> list[str]:
    english = (CONTENT / name).read_text(encoding="utf-8")
    translated = (CONTENT / LOCALE / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return json_differences(json.loads(english), json.loads(translated))
    return markdown_differences(english, translated)


ENGLISH = list_files()
TRANSLATABLE = [name for name in ENGLISH if name not in ENGLISH_ONLY]


def test_the_spanish_content_has_the_english_structure() -> None:
    problems: list[str] = []
    for name in TRANSLATABLE:
        if name in PENDING:
            continue
        if not (CONTENT / LOCALE / name).is_file():
            problems.append(f"content/{LOCALE}/{name} is missing (or list it in PENDING)")
            continue
        problems += [f"content/{LOCALE}/{name}: {d}" for d in differences(name)]
    assert problems == []


def test_the_pending_list_holds_only_untranslated_english_files() -> None:
    assert set(ENGLISH) >= PENDING, "a pending file that no longer exists"
    done = sorted(n for n in PENDING if (CONTENT / LOCALE / n).is_file())
    assert done == [], f"translated now: take {done} off PENDING"
    assert not (PENDING & set(ENGLISH_ONLY))


def test_no_translation_lacks_its_english_file() -> None:
    orphans = [
        n
        for n in list_files(LOCALE, translations=True)
        if n.removeprefix(f"{LOCALE}/") not in ENGLISH
    ]
    assert orphans == []


def test_the_structure_check_catches_changed_data_and_shape() -> None:
    en = {"id": "x", "text": "Call now", "contact": "988", "steps": ["a", "b"], "n": 3}
    good = {"id": "x", "text": "Llame ya", "contact": "988", "steps": ["uno", "dos"], "n": 3}
    assert json_differences(en, good) == []
    assert json_differences(en, {**good, "contact": "989"})  # a number changed
    assert json_differences(en, {**good, "steps": ["uno"]})  # an item lost
    assert json_differences(en, {**good, "n": 4})
    assert json_differences(en, {k: v for k, v in good.items() if k != "text"})
    assert json_differences(en, {**good, "text": ""})
    lesson = "---\ntitle: Sleep\nweek: 1\nsources:\n  - Carney 2012\n---\n# Sleep\n## Why\n"
    same = "---\ntitle: Sueño\nweek: 1\nsources:\n  - Carney 2012\n---\n# Sueño\n## Por qué\n"
    assert markdown_differences(lesson, same) == []
    assert markdown_differences(lesson, same.replace("week: 1", "week: 2"))
    assert markdown_differences(lesson, same.replace("## Por qué\n", ""))
