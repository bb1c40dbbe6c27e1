"""Per-person summaries: after every kind of write the stored summary equals one computed
from scratch, and the triage list read from them equals the list computed person by
person; the list's statements do not grow with the number of people (both stores)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import time_machine
from sqlalchemy import event, select

from nightbridge.core.profile import Profile
from nightbridge.core.triage import order_triage
from nightbridge.services.access import Actor
from nightbridge.services.clinic.triage import triage_page, triage_row_from_scratch
from nightbridge.services.devices.devices import import_device
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.intake import log_intake
from nightbridge.services.recovery.questionnaires import record_isi
from nightbridge.services.recovery.safety import alerts_for
from nightbridge.services.recovery.taper import hold_step, set_taper
from nightbridge.services.sleep.diary import import_diary, record_entry_with_alerts
from nightbridge.services.sleep.profile import update_profile
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.repositories.summaries import SummaryRepository
from nightbridge.storage.tables.accounts import AuditEventRow
from nightbridge.storage.tables.persons import PersonRow
from nightbridge.storage.tables.summaries import PersonSummaryRow
from tests.services.devices.test_devices import takeout_zip

CHICAGO = "America/Chicago"
NOW = dt.datetime(2026, 3, 12, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
TODAY = dt.date(2026, 3, 12)


def clinic(db: Database, names: list[str], *, tz: str = CHICAGO) -> tuple[Actor, list[int]]:
    """A clinician and ``names`` persons who share with them."""
    with db.transaction() as session:
        clinician = AccountRepository(session).create("dr-summary", "x", "clinician", None)
        persons = PersonRepository(session)
        ids = [persons.create(Profile(tz=tz), display_name=name) for name in names]
        shares = ShareRepository(session)
        for pid in ids:
            shares.add_share(pid, clinician.id, NOW)
    return Actor(clinician.id, "clinician"), ids


def diary_csv(days: int, *, tst_drop_from: int | None = None) -> io.StringIO:
    """``days`` mornings up to yesterday; from ``tst_drop_from`` days ago, 1 h less sleep."""
    lines = ["date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"]
    for ago in range(days, 0, -1):
        day = TODAY - dt.timedelta(days=ago)
        waso = 90 if tst_drop_from is not None and ago <= tst_drop_from else 20
        lines.append(f"{day.isoformat()},22:30,23:00,15,2,{waso},06:30,06:45,3")
    return io.StringIO("\n".join(lines) + "\n")


def assert_fresh(
    db: Database, actor: Actor, ids: list[int], step: str, *, written_now: bool = True
) -> None:
    """The stored summaries equal a computation from scratch (when the last write was
    today: their 7-day figures are as of it), and the list equals the list computed
    person by person, in the same order."""
    if written_now:
        with db.reader() as session:
            repo = SummaryRepository(session)
            for pid in ids:
                assert repo.get(pid) == repo.compute(pid), f"after {step}: {pid} is stale"
    listed = triage_page(db, actor, per_page=200).rows
    scratch = order_triage(triage_row_from_scratch(db, pid) for pid in ids)
    assert [r.to_dict() for r in listed] == [r.to_dict() for r in scratch], f"after {step}"


def test_the_summary_equals_a_fresh_computation_after_every_kind_of_write(
    database: Database, tmp_path: Path
) -> None:
    with time_machine.travel(NOW, tick=False):
        actor, ids = clinic(database, ["Ana", "Ben", "Cy"])
        ana, ben, cy = ids
        assert_fresh(database, actor, ids, "creating the persons")
        import_diary(database, ana, diary_csv(14, tst_drop_from=6))
        assert_fresh(database, actor, ids, "a diary import")
        fields = {
            "date": TODAY.isoformat(),
            "bedtime": "22:30",
            "lights_off": "23:00",
            "sol_min": "15",
            "nwak": "2",
            "waso_min": "100",
            "final_wake": "06:30",
            "out_of_bed": "06:45",
            "quality": "2",
        }
        record_entry_with_alerts(database, ana, fields)
        assert_fresh(database, actor, ids, "a diary entry")
        for ago, score in ((12, 4), (9, 5), (4, 14), (2, 16)):
            day = TODAY - dt.timedelta(days=ago)
            record_checkin(database, ben, day, symptoms={"anxiety": 4, "sweating": score // 4})
        record_checkin(
            database, ben, TODAY, phq9=[1, 1, 1, 1, 1, 1, 1, 1, 0], gad7=[2, 2, 2, 1, 1, 1, 1]
        )
        assert_fresh(database, actor, ids, "check-ins with questionnaires")
        record_isi(database, ben, 17, by=Actor(None, "person", ben), today=TODAY)
        assert_fresh(database, actor, ids, "an ISI total entered by the person")
        record_checkin(database, cy, TODAY, flags=["seizure"])
        assert_fresh(database, actor, ids, "a check-in raising an emergency")
        set_taper(
            database,
            ben,
            substance="kratom",
            start_amount="12",
            unit="g",
            start=TODAY - dt.timedelta(days=10),
            step_pct="10",
            every_days=7,
        )
        assert_fresh(database, actor, ids, "a taper")
        log_intake(database, ben, "kratom", "15", "g", NOW - dt.timedelta(days=2))
        assert_fresh(database, actor, ids, "intake over the target")
        hold_step(database, ben, 1, 7)
        assert_fresh(database, actor, ids, "a taper hold")
        import_device(database, cy, "fitbit", takeout_zip(tmp_path), tz=CHICAGO, now=NOW)
        assert_fresh(database, actor, ids, "a device import")
        alerts_for(database, ana, TODAY)
        assert_fresh(database, actor, ids, "alerts evaluated on a page view")
        with database.transaction() as session:
            DiaryRepository(session).delete(ana, TODAY)
        assert_fresh(database, actor, ids, "a diary entry deleted")
        update_profile(database, cy, tz="Europe/London")
        assert_fresh(database, actor, ids, "a change of time zone")
        with database.transaction() as session:
            session.delete(session.get(PersonRow, cy))
        assert_fresh(database, actor, [ana, ben], "a person deleted")
        with database.reader() as session:
            stored = {s.person_id: s for s in session.scalars(select(PersonSummaryRow))}
    assert set(stored) == {ana, ben}
    assert stored[ben].phq9_total == 8 and stored[ben].gad7_total == 10
    assert stored[ben].isi_total == 17 and stored[ben].isi_on == TODAY
    assert stored[ben].taper_active and stored[ben].taper_days_over >= 1
    assert stored[ana].nights_7d == 6 and stored[ana].tst_7d_min is not None


def test_the_list_stays_right_as_days_pass_without_writes(database: Database) -> None:
    with time_machine.travel(NOW, tick=False):
        actor, ids = clinic(database, ["Ana", "Ben", "Cy", "Di"])
        import_diary(database, ids[0], diary_csv(14, tst_drop_from=6))
        import_diary(database, ids[1], diary_csv(5))
        record_checkin(database, ids[2], TODAY, flags=["seizure"])
    for later in (1, 2, 3, 6, 9, 13, 15):
        with time_machine.travel(NOW + dt.timedelta(days=later), tick=False):
            assert_fresh(database, actor, ids, f"{later} days without a write", written_now=False)


def test_pages_follow_the_order_across_all_people_and_each_view_is_one_audit_row(
    database: Database,
) -> None:
    names = ["Ana", "ben", "Cy", "Di", "Ed", "Flo", "Gus"]
    with time_machine.travel(NOW, tick=False):
        actor, ids = clinic(database, names)
        import_diary(database, ids[3], diary_csv(3))
        import_diary(database, ids[5], diary_csv(14, tst_drop_from=6))
        record_checkin(database, ids[6], TODAY, phq9=[0, 0, 0, 0, 0, 0, 0, 0, 1])
        with database.reader() as session:
            before = len(session.scalars(select(AuditEventRow)).all())
        pages = [triage_page(database, actor, page=p, per_page=3) for p in (1, 2, 3)]
        scratch = order_triage(triage_row_from_scratch(database, pid) for pid in ids)
        with database.reader() as session:
            audit = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id)).all()
    assert [r.name for p in pages for r in p.rows] == [r.name for r in scratch]
    assert [r.name for r in scratch][:3] == ["Gus", "Flo", "Ana"]
    assert {p.total for p in pages} == {7} and pages[0].pages == 3
    views = audit[before:]
    assert len(views) == 3  # one row per view of the list, none per person
    assert all(v.person_id is None and v.actor_account_id == actor.account_id for v in views)
    assert views[0].detail == "listed 3 of 7 people (page 1)"


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_list_takes_the_same_statements_for_5_and_50_people(database: Database) -> None:
    counts = []
    with time_machine.travel(NOW, tick=False):
        actor, _ids = clinic(database, [f"Person {i:02d}" for i in range(5)])
        with counting(database) as small:
            assert len(triage_page(database, actor).rows) == 5
        counts.append(len(small))
        with database.transaction() as session:
            persons = PersonRepository(session)
            shares = ShareRepository(session)
            for i in range(45):
                shares.add_share(
                    persons.create(Profile(tz=CHICAGO), display_name=f"More {i}"),
                    actor.account_id or 0,
                    NOW,
                )
        with counting(database) as large:
            assert triage_page(database, actor).total == 50
        counts.append(len(large))
    assert counts[0] == counts[1] <= 12, counts
