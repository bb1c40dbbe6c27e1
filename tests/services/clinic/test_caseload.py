"""The caseload (services/clinic/caseload.py): every filter, sort order and page read in
one statement agrees with the same rule applied person by person to data computed from
scratch; reviews come and go with alerts; a clinician sees and reviews only the people
who share with them. Built through the services on a clinic of 30 people (both stores)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from sqlalchemy import select

from nightbridge.core.caseload import CaseloadQuery, parse_query, taper_on_target_pct
from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.core.profile import Profile
from nightbridge.core.triage import PersonSummary, TriageRow, triage_key
from nightbridge.services.access import Actor
from nightbridge.services.clinic.caseload import caseload_page, review_person, review_view
from nightbridge.services.clinic.triage import triage_row_from_scratch
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.intake import log_intake
from nightbridge.services.recovery.questionnaires import record_isi
from nightbridge.services.recovery.taper import set_taper
from nightbridge.services.sleep.diary import import_diary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.repositories.summaries import SummaryRepository
from nightbridge.storage.tables.accounts import AuditEventRow

CHICAGO = "America/Chicago"
NOW = dt.datetime(2026, 3, 12, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
TODAY = dt.date(2026, 3, 12)
FIRST_NAMES = [
    "Ana", "ben", "Cy", "Dara", "Eli", "Flo", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena",
    "Mo", "Nia", "Oren", "Pia", "Quin", "Rae", "Sol", "Tam", "Uma", "Vik", "Wen", "Xia",
    "Yara", "Zed", "Abe", "Bea", "Cal", "Dee",
]  # fmt: skip


def diary_csv(days: int, *, waso: int = 20, drop_from: int | None = None, skip: int = 0) -> str:
    """``days`` mornings ending ``skip`` days before today; from ``drop_from`` days ago
    on, an hour more awake in the night."""
    lines = ["date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"]
    for ago in range(days + skip, skip, -1):
        day = TODAY - dt.timedelta(days=ago)
        awake = waso + (60 if drop_from is not None and ago <= drop_from else 0)
        lines.append(f"{day.isoformat()},22:30,23:00,15,2,{awake},06:30,06:45,3")
    return "\n".join(lines) + "\n"


@dataclass
class Clinic:
    actor: Actor
    stranger: Actor
    ids: list[int]


def build(db: Database) -> Clinic:
    """30 people sharing with one clinician (and two more with another one), with
    diaries of different lengths and gaps, check-ins raising each alert level,
    questionnaires, and tapers with intake under and over the target."""
    with db.transaction() as session:
        accounts = AccountRepository(session)
        clinician = accounts.create("dr-lee", "x", "clinician", None)
        other = accounts.create("dr-other", "x", "clinician", None)
        persons = PersonRepository(session)
        ids = [persons.create(Profile(tz=CHICAGO), display_name=n) for n in FIRST_NAMES]
        theirs = [persons.create(Profile(tz=CHICAGO), display_name=n) for n in ("Anouk", "Bo")]
        shares = ShareRepository(session)
        for pid in ids:
            shares.add_share(pid, clinician.id, NOW)
        for pid in theirs:
            shares.add_share(pid, other.id, NOW)
    for i, pid in enumerate(ids):
        kind = i % 6
        if kind == 5:
            continue  # never entered anything
        skip = (i % 4) * 2 if kind == 4 else 0  # some stale: 0..6 days since the last night
        import_diary(
            db,
            pid,
            io.StringIO(
                diary_csv(14, waso=10 + 7 * (i % 9), drop_from=6 if i % 3 == 0 else None, skip=skip)
            ),
        )
        if kind in (0, 1, 2):
            record_checkin(
                db,
                pid,
                TODAY - dt.timedelta(days=1 + i % 3),
                phq9=[i % 4, 1, 1, i % 3, 1, 0, 1, 0, 0],
                gad7=[i % 4, 1, i % 2, 0, 1, 1, 0],
            )
            # the ISI total the person enters on the web (an older one, then the latest)
            me = Actor(None, "person", pid)
            record_isi(db, pid, 20, by=me, today=TODAY - dt.timedelta(days=9))
            record_isi(db, pid, (i * 5) % 29, by=me, today=TODAY - dt.timedelta(days=2))
    # alerts of each level, a few days apart
    record_checkin(db, ids[0], TODAY, flags=["seizure"])  # emergency
    record_checkin(db, ids[7], TODAY, phq9=[0, 0, 0, 0, 0, 0, 0, 0, 1])  # crisis
    record_checkin(db, ids[13], TODAY - dt.timedelta(days=1), flags=["jaundice"])  # urgent
    record_checkin(db, ids[14], TODAY, flags=["vomiting_24h"])  # urgent
    record_checkin(db, ids[20], TODAY, phq9=[2, 2, 1, 1, 1, 1, 2, 1, 0])  # advise
    record_checkin(db, ids[25], TODAY - dt.timedelta(days=6), flags=["jaundice"])  # too old
    # tapers: one on target, one over, one just started
    for pid, start_ago in ((ids[2], 10), (ids[9], 12), (ids[16], 0)):
        set_taper(
            db,
            pid,
            substance="kratom",
            start_amount="12",
            unit="g",
            start=TODAY - dt.timedelta(days=start_ago),
            step_pct="10",
            every_days=7,
        )
    for ago in range(1, 10):
        log_intake(db, ids[2], "kratom", "10", "g", NOW - dt.timedelta(days=ago))
        log_intake(
            db, ids[9], "kratom", "15" if ago % 2 else "9", "g", NOW - dt.timedelta(days=ago)
        )
    return Clinic(Actor(clinician.id, "clinician"), Actor(other.id, "clinician"), ids)


@pytest.fixture
def clinic(database: Database) -> Clinic:
    with time_machine.travel(NOW, tick=False):
        return build(database)


@dataclass(frozen=True)
class Truth:
    """One person as computed from scratch (no summary table, no SQL filter)."""

    row: TriageRow
    summary: PersonSummary


def truths(db: Database, ids: list[int]) -> dict[int, Truth]:
    with db.reader() as session:
        repo = SummaryRepository(session)
        computed = {pid: repo.compute(pid, NOW) for pid in ids}
    found = {}
    for pid in ids:
        summary = computed[pid]
        assert summary is not None
        found[pid] = Truth(triage_row_from_scratch(db, pid, now=NOW), summary)
    return found


def listed(db: Database, actor: Actor, **params: str) -> list[int]:
    """Every person of the view, all pages read at 200 a page."""
    query = parse_query({**params, "per_page": "200"})
    return [r.person_id for r in caseload_page(db, actor, query, now=NOW).rows]


def in_triage_order(facts: dict[int, Truth], ids: list[int]) -> list[int]:
    return sorted(ids, key=lambda pid: triage_key(facts[pid].row))


FILTERS: list[tuple[dict[str, str], Callable[[Truth], bool]]] = [
    ({"q": "an"}, lambda t: "an" in t.row.name.casefold()),
    ({"q": "BEN"}, lambda t: t.row.name == "ben"),
    ({"alert": "emergency"}, lambda t: t.row.top_level == "emergency"),
    ({"alert": "crisis"}, lambda t: t.row.top_level == "crisis"),
    ({"alert": "urgent"}, lambda t: t.row.top_level == "urgent"),
    ({"alert": "advise"}, lambda t: t.row.top_level == "advise"),
    ({"alert": "any"}, lambda t: t.row.top_level is not None),
    ({"alert": "none"}, lambda t: t.row.top_level is None),
    ({"stale_days": "3"}, lambda t: t.row.days_since_entry is None or t.row.days_since_entry >= 3),
    ({"stale_days": "6"}, lambda t: t.row.days_since_entry is None or t.row.days_since_entry >= 6),
    ({"taper": "yes"}, lambda t: t.summary.taper_active),
    ({"taper": "no"}, lambda t: not t.summary.taper_active),
    ({"alert": "any", "q": "a"}, lambda t: t.row.top_level and "a" in t.row.name.casefold()),
]


def test_each_filter_lists_exactly_the_people_it_names_in_triage_order(
    database: Database, clinic: Clinic
) -> None:
    with time_machine.travel(NOW, tick=False):
        facts = truths(database, clinic.ids)
        for params, rule in FILTERS:
            expected = in_triage_order(facts, [p for p in clinic.ids if rule(facts[p])])
            assert listed(database, clinic.actor, **params) == expected, params
            assert expected or params.get("q") == "BEN", f"{params} matches no one: a weak case"
    # the clinic has each kind the filters tell apart
    levels = {t.row.top_level for t in facts.values()}
    assert levels == {"emergency", "crisis", "urgent", "advise", None}
    assert len(listed(database, clinic.actor)) == 30


def _nulls_last(value: float | None, descending: bool) -> tuple[int, float]:
    if value is None:
        return (1, 0.0)
    return (0, -value if descending else value)


SORT_VALUES: dict[str, Callable[[Truth], float | None]] = {
    "tst": lambda t: t.summary.tst_7d_min,
    "se": lambda t: t.summary.se_7d_pct,
    "isi": lambda t: t.summary.isi_total,
    "phq9": lambda t: t.summary.phq9_total,
    "gad7": lambda t: t.summary.gad7_total,
    "taper": lambda t: (
        taper_on_target_pct(
            t.summary.taper.days_elapsed, t.summary.taper.days_logged, t.summary.taper.days_over
        )
        if t.summary.taper_active
        else None
    ),
    "alert": lambda t: ["emergency", "crisis", "urgent", "advise", None].index(t.row.top_level),
    "trend": lambda t: ["worsening", "steady", "improving", "unknown"].index(t.row.trend.direction),
}


def test_each_column_sorts_both_ways_with_no_value_last(database: Database, clinic: Clinic) -> None:
    with time_machine.travel(NOW, tick=False):
        facts = truths(database, clinic.ids)
        for sort in [*SORT_VALUES, "last_entry", "name"]:
            for order in ("asc", "desc"):
                got = listed(database, clinic.actor, sort=sort, order=order)
                assert got == expected_order(facts, clinic.ids, sort, order), (sort, order)
    for sort, value in SORT_VALUES.items():
        assert len({value(t) for t in facts.values()}) > 2, f"{sort}: too few values to test"


def expected_order(facts: dict[int, Truth], ids: list[int], sort: str, order: str) -> list[int]:
    desc = order == "desc"
    if sort == "name":
        return sorted(ids, key=lambda p: facts[p].row.name.casefold(), reverse=desc)
    if sort == "last_entry":  # stalest first ("never" the stalest) when ascending
        return sorted(
            ids,
            key=lambda p: (
                triage_key(facts[p].row)[2] * (-1 if desc else 1),
                triage_key(facts[p].row),
            ),
        )
    value = SORT_VALUES[sort]
    return sorted(ids, key=lambda p: (_nulls_last(value(facts[p]), desc), triage_key(facts[p].row)))


def test_pages_cover_the_whole_filtered_list_once_and_past_the_end_is_empty(
    database: Database, clinic: Clinic
) -> None:
    with time_machine.travel(NOW, tick=False):
        whole = listed(database, clinic.actor, sort="phq9")
        pages = [
            caseload_page(
                database, clinic.actor, CaseloadQuery(sort="phq9", order="desc", page=p, per_page=7)
            )
            for p in range(1, 6)
        ]
        beyond = caseload_page(database, clinic.actor, CaseloadQuery(page=9, per_page=7))
        narrowed = [
            caseload_page(database, clinic.actor, CaseloadQuery(taper=False, page=p, per_page=10))
            for p in (1, 2, 3)
        ]
    assert [r.person_id for p in pages for r in p.rows] == whole
    assert [len(p.rows) for p in pages] == [7, 7, 7, 7, 2]
    assert {p.total for p in pages} == {30} and pages[0].pages == 5
    assert beyond.rows == [] and beyond.total == 30
    assert [len(p.rows) for p in narrowed] == [10, 10, 7] and narrowed[0].total == 27


def test_each_view_appends_one_audit_row_and_none_per_person(
    database: Database, clinic: Clinic
) -> None:
    with database.reader() as session:
        before = len(session.scalars(select(AuditEventRow)).all())
    with time_machine.travel(NOW, tick=False):
        caseload_page(database, clinic.actor, parse_query({"alert": "any"}))
    with database.reader() as session:
        rows = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id)).all()[before:]
    assert len(rows) == 1 and rows[0].person_id is None
    assert rows[0].detail == "listed 5 of 5 people (filtered, page 1)"


def states(db: Database, actor: Actor) -> dict[int, str]:
    query = CaseloadQuery(per_page=200)
    return {r.person_id: r.review_state for r in caseload_page(db, actor, query, now=NOW).rows}


def test_a_review_covers_the_alerts_until_a_new_one_is_recorded(
    database: Database, clinic: Clinic
) -> None:
    crisis, urgent, quiet = clinic.ids[7], clinic.ids[14], clinic.ids[4]
    with time_machine.travel(NOW, tick=False):
        before = states(database, clinic.actor)
        assert before[crisis] == before[urgent] == "to_review" and before[quiet] == "none"
        assert set(listed(database, clinic.actor, reviewed="no")) == {
            clinic.ids[i] for i in (0, 7, 13, 14, 20)
        }
        view = review_person(database, clinic.actor, crisis, object="test")
        assert view.state == "reviewed" and view.review and view.review.by == "dr-lee"
        assert listed(database, clinic.actor, reviewed="yes") == [crisis]
        assert crisis not in listed(database, clinic.actor, reviewed="no")
        assert listed(database, clinic.actor, alert="crisis", reviewed="no") == []
        # the same alert again (the day's check-in saved a second time) is not new
        record_checkin(database, crisis, TODAY, phq9=[0, 0, 0, 0, 0, 0, 0, 0, 1])
        assert states(database, clinic.actor)[crisis] == "reviewed"
        # a new alert after the review: unreviewed again, the review still shown
        record_checkin(database, crisis, TODAY, flags=["jaundice"])
        row = next(
            r
            for r in caseload_page(database, clinic.actor, CaseloadQuery(per_page=200)).rows
            if r.person_id == crisis
        )
        assert row.review_state == "to_review" and row.review and row.review.by == "dr-lee"
        assert crisis in listed(database, clinic.actor, reviewed="no")
        # reviewing a person with no alert records it too
        assert review_person(database, clinic.actor, quiet, object="test").state == "reviewed"
        assert review_view(database, quiet, now=NOW).to_dict()["review_state"] == "reviewed"
    with database.reader() as session:
        audit = session.scalars(select(AuditEventRow).where(AuditEventRow.action == "review")).all()
    assert [(a.person_id, a.outcome) for a in audit] == [(crisis, "allowed"), (quiet, "allowed")]


def test_a_clinician_neither_sees_nor_reviews_people_not_shared_with_them(
    database: Database, clinic: Clinic
) -> None:
    with time_machine.travel(NOW, tick=False):
        theirs = caseload_page(database, clinic.stranger, CaseloadQuery(per_page=200))
        assert {r.triage.name for r in theirs.rows} == {"Anouk", "Bo"}
        assert listed(database, clinic.stranger, q="ana") == []
        with pytest.raises(NotFound):
            review_person(database, clinic.stranger, clinic.ids[0], object="test")
        assert states(database, clinic.actor)[clinic.ids[0]] == "to_review"
        person = Actor(None, "person", clinic.ids[0])
        assert caseload_page(database, person, CaseloadQuery()).rows == []
    with database.reader() as session:
        refused = session.scalars(
            select(AuditEventRow).where(AuditEventRow.outcome == "denied")
        ).all()
    assert [(r.actor_account_id, r.person_id, r.action) for r in refused] == [
        (clinic.stranger.account_id, clinic.ids[0], "review")
    ]


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"alert": "red"}, "alert", "is not one of"),
        ({"stale_days": "two"}, "stale_days", "not a whole number"),
        ({"stale_days": "0"}, "stale_days", "between 1 and"),
        ({"sort": "dose"}, "sort", "is not one of"),
        ({"order": "up"}, "order", "is not one of"),
        ({"reviewed": "maybe"}, "reviewed", "is not one of"),
        ({"taper": "1"}, "taper", "is not one of"),
        ({"per_page": "500"}, "per_page", "between 1 and 200"),
        ({"page": "-1"}, "page", "between 1 and"),
        ({"q": "x" * 121}, "q", "at most 120"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(params: dict[str, str], field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_query(params)
    assert [p.field for p in refused.value.problems] == [field]
    assert reason in refused.value.problems[0].reason
