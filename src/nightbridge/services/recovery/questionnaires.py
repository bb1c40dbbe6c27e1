"""Questionnaires scored outside the daily check-in: the ISI and the COWS.

- **ISI** (Insomnia Severity Index; Bastien et al., Sleep Med 2001;2:297-307): the total
  0-28 of the licensed form, entered by the person (their pages and ``/api/me``) or a
  clinician. Nightbridge ships no item text (content/instruments/isi.json).
- **COWS** (Clinical Opiate Withdrawal Scale; Wesson & Ling, J Psychoactive Drugs
  2003;35:253-9): eleven items rated by a clinician, as published, with the allowed
  scores of each item (content/instruments/cows.json). Rating is a clinical act on the
  person's record: the web layer lets only a clinician with the ``manage`` permission
  (services/access.py) call ``record_cows``, and the row keeps who rated it.

Scores, totals and bands are those of core.instruments (definitions.md section 3).
A refusal names the question as the form shows it (``isi`` -> "ISI total",
``cows item 3`` -> "COWS, question 3"; web/questions.py) and stores nothing. Who may
record or read is decided once, by the web layer's permission dependency; these
functions take an already-checked ``person_id``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.instruments import get_instrument
from nightbridge.services.access import Actor
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.questionnaires import QuestionnaireRepository, StoredScore

#: The instruments stored here (PHQ-9 and GAD-7 are part of the check-in).
STORED: tuple[str, ...] = ("isi", "cows")
#: The names shown next to a total (definitions.md section 3).
LABELS: dict[str, str] = {"isi": "ISI", "cows": "COWS", "phq9": "PHQ-9", "gad7": "GAD-7"}
_NOT_ALLOWED = re.compile(r"^(.*) is not allowed for \S+ \((.*)\)$")


@dataclass(frozen=True, slots=True)
class Rating:
    """A stored rating as pages and the API show it."""

    id: int
    instrument: str
    date: dt.date
    at: dt.datetime
    items: tuple[int, ...]
    total: int
    band: str
    rated_by: str
    rater: str

    @property
    def band_words(self) -> str:
        return self.band.replace("_", " ")

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "instrument": self.instrument,
            "date": self.date.isoformat(),
            "at": self.at.isoformat(),
            "items": list(self.items),
            "total": self.total,
            "band": self.band,
            "rated_by": self.rated_by,
            "rater": self.rater,
        }


def _rating(stored: StoredScore) -> Rating:
    return Rating(
        stored.id,
        stored.instrument,
        stored.date,
        stored.at,
        stored.items,
        stored.total,
        stored.band,
        stored.rated_by,
        stored.rater,
    )


def _renamed(name: str, problems: Sequence[Problem]) -> list[Problem]:
    """Core's problems (``item 3``, ``total``, ``answers``) under the form's names
    (``cows item 3``, ``isi``, ``cows``), without the item's internal key."""
    out = []
    for p in problems:
        field = f"{name} {p.field}" if p.field.startswith("item ") else name
        found = _NOT_ALLOWED.match(p.reason)
        if found:
            reason = f"{found.group(1)} is not a score of this question ({found.group(2)})"
        else:
            reason = p.reason.replace(f"{name} needs", "needs")
        out.append(Problem(field, reason, p.row))
    return out


def _record(
    db: Database,
    person_id: int,
    name: str,
    answers: Sequence[int],
    by: Actor,
    today: dt.date | None,
) -> Rating:
    instrument = get_instrument(name)
    try:
        scored = instrument.score(answers)
    except InvalidInput as exc:
        raise InvalidInput(_renamed(name, exc.problems)) from None
    with db.transaction() as session:
        zone = PersonRepository(session).get_profile(person_id).tz
        day = today or dt.datetime.now(ZoneInfo(zone)).date()
        stored = QuestionnaireRepository(session).add(
            person_id,
            instrument=name,
            day=day,
            items=scored.items,
            total=scored.total,
            band=scored.band,
            rated_by="person" if by.role == "person" else "clinician",
            account_id=by.account_id,
        )
    return _rating(stored)


def record_isi(
    db: Database, person_id: int, total: int, *, by: Actor, today: dt.date | None = None
) -> Rating:
    """Store an ISI total (0-28) for the person's today, by ``by`` (the person or a
    clinician); InvalidInput on ``isi`` for anything else."""
    return _record(db, person_id, "isi", [total], by, today)


def record_cows(
    db: Database,
    person_id: int,
    answers: Sequence[int],
    *,
    by: Actor,
    today: dt.date | None = None,
) -> Rating:
    """Store a COWS rating (eleven item scores) by the clinician ``by``; InvalidInput on
    ``cows`` (the count) or ``cows item N`` (a score that item does not allow)."""
    if by.role != "clinician":
        raise ValueError("the COWS is rated by a clinician")
    return _record(db, person_id, "cows", answers, by, today)


def list_ratings(
    db: Database,
    person_id: int,
    start: dt.date,
    end: dt.date,
    instruments: tuple[str, ...] = STORED,
) -> list[Rating]:
    """The person's ISI and COWS ratings dated ``start..end``, oldest first."""
    with db.reader() as session:
        rows = QuestionnaireRepository(session).between(person_id, start, end, instruments)
    return [_rating(r) for r in rows]


def parse_answers(texts: Sequence[str], name: str) -> tuple[list[int], list[Problem]]:
    """Form answers (strings) as scores of the instrument ``name``, and a problem naming
    the question (``cows item 3``; a single ``isi`` total) for each one left empty, not a
    number, or not a score that question allows: every problem at once."""
    items = get_instrument(name).items
    answers: list[int] = []
    problems: list[Problem] = []
    single = len(texts) == 1
    for number, text in enumerate(texts, start=1):
        field = name if single else f"{name} item {number}"
        text = text.strip()
        if not text:
            problems.append(Problem(field, "answer this question"))
            continue
        try:
            value = int(text)
        except ValueError:
            problems.append(Problem(field, f"{text[:20]!r} is not a number"))
            continue
        allowed = items[number - 1].allowed if number <= len(items) else ()
        if value not in allowed:
            low, high = min(allowed, default=0), max(allowed, default=0)
            words = (
                f"{low}..{high}"
                if list(allowed) == list(range(low, high + 1)) and len(allowed) > 2
                else ", ".join(str(v) for v in allowed)
            )
            problems.append(Problem(field, f"{value} is not a score of this question ({words})"))
            continue
        answers.append(value)
    return answers, problems
