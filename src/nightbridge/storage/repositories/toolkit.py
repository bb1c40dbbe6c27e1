"""The toolkit's stored state: program progress, dismissed nudges, the relapse plan,
cravings, weekly check-ins, thought records, evening log items and reminder times.

Every method works inside the caller's session (one transaction per use case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.core.nudges import EveningExtras
from nightbridge.core.program import ThoughtRecord
from nightbridge.core.relapse import Contact, Craving, RelapsePlan, WeeklyCheckin
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.toolkit import (
    DEFAULT_EVENING_AT,
    DEFAULT_MORNING_AT,
    CravingRow,
    EveningLogRow,
    LessonDoneRow,
    NudgeDismissalRow,
    ProgramRow,
    RelapsePlanRow,
    ReminderRow,
    ThoughtRecordRow,
    WeeklyCheckinRow,
)
from nightbridge.storage.upsert import forget_rows, upsert


class ToolkitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- program ------------------------------------------------------------------
    def program_start(self, person_id: int) -> dt.date | None:
        row = self.session.get(ProgramRow, person_id)
        return row.started_on if row else None

    def ensure_program(self, person_id: int, today: dt.date) -> dt.date:
        """The program's start date, starting it ``today`` the first time."""
        row = self.session.get(ProgramRow, person_id)
        if row is None:
            row = ProgramRow(person_id=person_id, started_on=today)
            self.session.add(row)
            self.session.flush()
        return row.started_on

    def completed_weeks(self, person_id: int) -> set[int]:
        return set(
            self.session.scalars(
                select(LessonDoneRow.week).where(LessonDoneRow.person_id == person_id)
            )
        )

    def complete_lesson(self, person_id: int, week: int) -> bool:
        """Mark a lesson done; False when it already was."""
        if week in self.completed_weeks(person_id):
            return False
        self.session.add(LessonDoneRow(person_id=person_id, week=week))
        self.session.flush()
        return True

    # -- nudges -------------------------------------------------------------------
    def dismissals(self, person_id: int) -> dict[str, dt.date]:
        rows = self.session.scalars(
            select(NudgeDismissalRow).where(NudgeDismissalRow.person_id == person_id)
        )
        return {row.code: row.dismissed_on for row in rows}

    def dismiss(self, person_id: int, code: str, on: dt.date) -> None:
        row = self.session.scalar(
            select(NudgeDismissalRow).where(
                NudgeDismissalRow.person_id == person_id, NudgeDismissalRow.code == code
            )
        )
        if row is None:
            self.session.add(NudgeDismissalRow(person_id=person_id, code=code, dismissed_on=on))
        else:
            row.dismissed_on = on
        self.session.flush()

    # -- evening log --------------------------------------------------------------
    def save_evening(self, person_id: int, extras: EveningExtras) -> None:
        """Store the evening's items, replacing that date's (``INSERT .. ON CONFLICT``:
        two saves racing each other leave one row)."""
        row = {
            "person_id": person_id,
            "date": extras.date,
            "screens_last_hour": extras.screens_last_hour,
            "bedroom_temp_c": extras.bedroom_temp_c,
            "nap_start": extras.nap_start.strftime("%H:%M") if extras.nap_start else None,
        }
        upsert(self.session, EveningLogRow, [row], ("person_id", "date"))
        forget_rows(self.session, EveningLogRow)

    def evenings(
        self, person_id: int, start: dt.date, end: dt.date
    ) -> dict[dt.date, EveningExtras]:
        rows = self.session.scalars(
            select(EveningLogRow).where(
                EveningLogRow.person_id == person_id,
                EveningLogRow.date >= start,
                EveningLogRow.date <= end,
            )
        )
        return {
            row.date: EveningExtras(
                date=row.date,
                screens_last_hour=row.screens_last_hour,
                bedroom_temp_c=row.bedroom_temp_c,
                nap_start=dt.time.fromisoformat(row.nap_start) if row.nap_start else None,
            )
            for row in rows
        }

    # -- relapse plan -------------------------------------------------------------
    def plan(self, person_id: int) -> RelapsePlan | None:
        row = self.session.get(RelapsePlanRow, person_id)
        if row is None:
            return None
        return RelapsePlan(
            triggers=tuple(row.triggers),
            warning_signs=tuple(row.warning_signs),
            coping_steps=tuple(row.coping_steps),
            reasons=tuple(row.reasons),
            people=tuple(Contact(p["name"], p["phone"]) for p in row.people),
            shared=row.shared,
        )

    def plan_updated_at(self, person_id: int) -> dt.datetime | None:
        row = self.session.get(RelapsePlanRow, person_id)
        return row.updated_at if row else None

    def save_plan(self, person_id: int, plan: RelapsePlan) -> None:
        row = self.session.get(RelapsePlanRow, person_id)
        if row is None:
            row = RelapsePlanRow(person_id=person_id)
            self.session.add(row)
        doc = plan.to_dict()
        row.triggers = doc["triggers"]
        row.warning_signs = doc["warning_signs"]
        row.coping_steps = doc["coping_steps"]
        row.reasons = doc["reasons"]
        row.people = doc["people"]
        row.shared = plan.shared
        row.updated_at = utcnow()
        self.session.flush()

    # -- cravings -----------------------------------------------------------------
    def add_craving(self, person_id: int, craving: Craving) -> int:
        row = CravingRow(
            person_id=person_id,
            at=craving.at,
            intensity=craving.intensity,
            trigger=craving.trigger,
            helped=craving.helped,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def cravings(self, person_id: int, limit: int = 50) -> list[Craving]:
        """The newest cravings first."""
        rows = self.session.scalars(
            select(CravingRow)
            .where(CravingRow.person_id == person_id)
            .order_by(CravingRow.at.desc(), CravingRow.id.desc())
            .limit(limit)
        )
        return [Craving(r.at, r.intensity, r.trigger, r.helped) for r in rows]

    # -- weekly check-ins ---------------------------------------------------------
    def save_checkin(self, person_id: int, checkin: WeeklyCheckin) -> bool:
        """Store the week's check-in, replacing that week's; True if it replaced one."""
        row = self.session.scalar(
            select(WeeklyCheckinRow).where(
                WeeklyCheckinRow.person_id == person_id,
                WeeklyCheckinRow.week_start == checkin.week_start,
            )
        )
        replaced = row is not None
        if row is None:
            row = WeeklyCheckinRow(person_id=person_id, week_start=checkin.week_start)
            self.session.add(row)
        row.confidence = checkin.confidence
        row.support = checkin.support
        row.cravings = checkin.cravings
        row.stress = checkin.stress
        self.session.flush()
        return replaced

    def checkins(self, person_id: int) -> list[WeeklyCheckin]:
        rows = self.session.scalars(
            select(WeeklyCheckinRow)
            .where(WeeklyCheckinRow.person_id == person_id)
            .order_by(WeeklyCheckinRow.week_start)
        )
        return [
            WeeklyCheckin(r.week_start, r.confidence, r.support, r.cravings, r.stress) for r in rows
        ]

    # -- thought records ----------------------------------------------------------
    def add_thought_record(self, person_id: int, record: ThoughtRecord) -> int:
        row = ThoughtRecordRow(person_id=person_id, **record.to_columns())
        self.session.add(row)
        self.session.flush()
        return row.id

    def thought_records(self, person_id: int, limit: int = 20) -> list[ThoughtRecord]:
        rows = self.session.scalars(
            select(ThoughtRecordRow)
            .where(ThoughtRecordRow.person_id == person_id)
            .order_by(ThoughtRecordRow.at.desc(), ThoughtRecordRow.id.desc())
            .limit(limit)
        )
        return [
            ThoughtRecord(
                at=r.at,
                situation=r.situation,
                thought=r.thought,
                belief_before=r.belief_before,
                evidence_for=r.evidence_for,
                evidence_against=r.evidence_against,
                balanced=r.balanced,
                belief_after=r.belief_after,
            )
            for r in rows
        ]

    # -- reminders ----------------------------------------------------------------
    def reminder_times(self, person_id: int) -> Mapping[str, str]:
        row = self.session.get(ReminderRow, person_id)
        if row is None:
            return {"morning_at": DEFAULT_MORNING_AT, "evening_at": DEFAULT_EVENING_AT}
        return {"morning_at": row.morning_at, "evening_at": row.evening_at}

    def save_reminder_times(self, person_id: int, morning_at: str, evening_at: str) -> None:
        row = self.session.get(ReminderRow, person_id)
        if row is None:
            row = ReminderRow(person_id=person_id)
            self.session.add(row)
        row.morning_at = morning_at
        row.evening_at = evening_at
        self.session.flush()
