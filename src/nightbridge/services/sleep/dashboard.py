"""What the person's pages and the clinician's person page show, gathered once.

The pages and the JSON API both call these functions, so the HTML and ``/api`` always
agree. Nothing here decides a clinical number: metrics come from services.sleep.diary
(definitions.md section 1), the window from services.sleep.window (section 2), alerts from
services.recovery.safety (section 4); this module picks dates, spans and what is due.

What is due today (Nightbridge's own reminders, not clinical rules):
- the morning diary when there is no entry dated today;
- the daily check-in when there is none dated today;
- PHQ-9 and GAD-7 when the last one is 14 or more days old, or there has never been
  one (definitions.md section 3; the two-week look-back of both instruments: Kroenke
  et al., J Gen Intern Med 2001;16:606-13; Spitzer et al., Arch Intern Med
  2006;166:1092-7);
- the evening log after 17:00 local time when tonight's is not yet in.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from nightbridge.core.metrics import NightMetrics
from nightbridge.core.window import WindowAdvice
from nightbridge.i18n import N_, current_locale, gettext
from nightbridge.storage.database import Database

QUESTIONNAIRE_EVERY_DAYS = 14
DEFAULT_RISE = dt.time(7, 0)
EVENING_FROM = dt.time(17, 0)


@dataclass(frozen=True, slots=True)
class DueItem:
    key: str
    label: str
    href: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "href": self.href}


@dataclass(frozen=True, slots=True)
class TodayView:
    """The person's home page: last night, tonight's plan, what is due."""

    today: dt.date
    last_night: NightMetrics | None
    week: Sequence[NightMetrics]
    plan: WindowAdvice | None
    due: Sequence[DueItem] = field(default_factory=tuple)
    #: The window in force (services.sleep.window.window_in_force), as every page shows it.
    window: Any = None

    @property
    def last_night_is_today(self) -> bool:
        return self.last_night is not None and self.last_night.date == self.today

    @property
    def week_mean_tst(self) -> float | None:
        return statistics.fmean(n.tst_min for n in self.week) if self.week else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "last_night": self.last_night.to_dict() if self.last_night else None,
            "week_mean_tst_min": self.week_mean_tst,
            "plan": self.plan.to_dict() if self.plan else None,
            "in_force": self.window.to_dict() if self.window else None,
            "safety_questions_answered": not any(d.key == "safety_profile" for d in self.due),
            "due": [d.to_dict() for d in self.due],
        }


def person_zone(db: Database, person_id: int) -> str:
    from nightbridge.services.sleep.diary import person_zone as zone_of

    return zone_of(db, person_id)


def person_now(db: Database, person_id: int) -> dt.datetime:
    """Now on the person's clock."""
    return dt.datetime.now(ZoneInfo(person_zone(db, person_id)))


def person_today_date(db: Database, person_id: int) -> dt.date:
    """Today's date on the person's clock."""
    return person_now(db, person_id).date()


def typical_rise(entries_out_of_bed: Sequence[dt.time]) -> dt.time:
    """The median out-of-bed clock time of the recent mornings, to the nearest 15 min;
    07:00 without any. Used as the rise time until the person or clinician sets one
    (a fixed rise time: Bootzin's stimulus control)."""
    if not entries_out_of_bed:
        return DEFAULT_RISE
    minutes = statistics.median(t.hour * 60 + t.minute for t in entries_out_of_bed)
    rounded = int(round(minutes / 15) * 15) % (24 * 60)
    return dt.time(rounded // 60, rounded % 60)


def recent_rise(db: Database, person_id: int, today: dt.date) -> dt.time:
    from nightbridge.services.sleep.diary import list_entries

    times: list[dt.time] = []
    for entry in list_entries(db, person_id, today - dt.timedelta(days=13), today):
        value = entry.out_of_bed
        if isinstance(value, dt.datetime):
            value = value.time()
        times.append(value)
    return typical_rise(times)


def tonight_plan(
    db: Database,
    person_id: int,
    today: dt.date,
    *,
    rise: dt.time | None = None,
    current: int | None = None,
) -> WindowAdvice:
    """The sleep window for tonight (definitions.md section 2), with its reasons.

    ``rise`` and ``current`` (the window in force, minutes) default to the plan in force
    (services.sleep.window.current_plan), so the weekly titration applies; without a stored
    plan the rise time is the median out-of-bed time (``recent_rise``) and the answer is
    how to start (as ``nightbridge window`` without ``--current``).
    """
    from nightbridge.services.recovery.withdrawal import withdrawal_context
    from nightbridge.services.sleep.window import current_plan, sleep_window

    if rise is None and current_plan(db, person_id) is None:
        rise = recent_rise(db, person_id, today)
    return sleep_window(
        db,
        person_id,
        rise=rise,
        current=current,
        on=today,
        withdrawal=withdrawal_context(db, person_id, today),
    )


def window_now(db: Database, person_id: int, on: dt.date) -> Any:
    """The window in force on ``on`` with this week's advice (``WindowInForce``; without a
    stored plan, the advice is for the median rise time of the last 14 mornings); None
    while the restriction-safety screen is not answered."""
    from nightbridge.services.sleep.profile import ScreenNeeded
    from nightbridge.services.sleep.window import current_plan, window_in_force

    rise = recent_rise(db, person_id, on) if current_plan(db, person_id) is None else None
    try:
        return window_in_force(db, person_id, on, rise=rise)
    except ScreenNeeded:  # no window until the safety questions are answered
        return None


def questionnaires_due(last: dict[str, dt.date | None], today: dt.date) -> list[str]:
    """Which of ``phq9``/``gad7`` are due: never done, or 14 or more days ago."""
    return [
        name
        for name in ("phq9", "gad7")
        if last.get(name) is None or (today - last[name]).days >= QUESTIONNAIRE_EVERY_DAYS  # type: ignore[operator]
    ]


def list_due(
    *,
    today: dt.date,
    now: dt.time,
    has_diary: bool,
    has_checkin: bool,
    has_evening: bool,
    questionnaires: Sequence[str],
) -> list[DueItem]:
    """What is due today (see the module docstring), in the order of the day."""
    due: list[DueItem] = []
    if not has_diary:
        due.append(DueItem("diary", N_("Morning diary: how did you sleep?"), "/diary"))
    if not has_checkin:
        label = N_("Daily check-in")
        if questionnaires:
            names = [{"phq9": "PHQ-9", "gad7": "GAD-7"}[q] for q in questionnaires]
            label = (
                gettext("Daily check-in (with the two-weekly %(names)s)") % {"names": names[0]}
                if len(names) == 1
                else gettext("Daily check-in (with the two-weekly %(first)s and %(second)s)")
                % {"first": names[0], "second": names[1]}
            )
        due.append(DueItem("checkin", label, "/checkin"))
    if now >= EVENING_FROM and not has_evening:
        due.append(DueItem("evening", N_("Evening log: intake, caffeine, screens"), "/evening"))
    return due


def record_diary(
    db: Database, person_id: int, fields: Any, *, confirmed: bool = False
) -> NightMetrics:
    """Store one morning's entry and record the alerts of that morning and of today,
    whose sleep rules read the diary (definitions.md section 4: poor sleep on 5 of the
    last 7 nights), in ONE transaction (services.sleep.diary.record_entry_with_alerts)."""
    from nightbridge.services.sleep.diary import record_entry_with_alerts

    return record_entry_with_alerts(db, person_id, fields, confirmed=confirmed).night


def list_checkins(db: Database, person_id: int, start: dt.date, end: dt.date) -> list[Any]:
    """The person's daily check-ins (core.checkin.CheckinDay) dated start..end."""
    from nightbridge.storage.repositories.checkins import CheckinRepository

    with db.reader() as session:
        return CheckinRepository(session).between(person_id, start, end)


def last_questionnaires(db: Database, person_id: int, today: dt.date) -> dict[str, dt.date | None]:
    """The date of the last PHQ-9 and GAD-7 within a year."""
    last: dict[str, dt.date | None] = {"phq9": None, "gad7": None}
    for checkin in list_checkins(db, person_id, today - dt.timedelta(days=366), today):
        if checkin.phq9 is not None:
            last["phq9"] = checkin.date
        if checkin.gad7 is not None:
            last["gad7"] = checkin.date
    return last


def has_evening_log(db: Database, person_id: int, morning: dt.date) -> bool:
    """True when the evening before ``morning`` has been logged: its evening items, or
    intake logged from 17:00 local time that evening, or exercise minutes for that day."""
    from nightbridge.services.devices.devices import device_activity
    from nightbridge.services.recovery.intake import list_intake
    from nightbridge.storage.repositories.toolkit import ToolkitRepository

    evening = morning - dt.timedelta(days=1)
    with db.reader() as session:
        if ToolkitRepository(session).evenings(person_id, morning, morning):
            return True
    zone = ZoneInfo(person_zone(db, person_id))
    if any(
        e.at.astimezone(zone).time() >= EVENING_FROM
        for e in list_intake(db, person_id, evening, evening)
    ):
        return True
    activity = device_activity(db, person_id, source=SELF_REPORT_SOURCE, start=evening, end=evening)
    return bool(activity)


def build_today(db: Database, person_id: int, *, now: dt.datetime | None = None) -> TodayView:
    """Everything the person's home page shows (alerts come from the page's alert hook)."""
    from nightbridge.services.sleep.diary import list_nights

    local = (
        now.astimezone(ZoneInfo(person_zone(db, person_id))) if now else person_now(db, person_id)
    )
    today = local.date()
    week = list_nights(db, person_id, today - dt.timedelta(days=6), today)
    recent = week or list_nights(db, person_id, today - dt.timedelta(days=30), today)
    checkin = list_checkins(db, person_id, today, today)
    due = list_due(
        today=today,
        now=local.time(),
        has_diary=bool(week) and week[-1].date == today,
        has_checkin=bool(checkin),
        has_evening=has_evening_log(db, person_id, today + dt.timedelta(days=1)),
        questionnaires=questionnaires_due(last_questionnaires(db, person_id, today), today),
    )
    window = window_now(db, person_id, today)
    if window is None:
        due.insert(0, SCREEN_DUE)
    return TodayView(
        today=today,
        last_night=recent[-1] if recent else None,
        week=week,
        plan=window.advice if window is not None else None,
        due=tuple(due),
        window=window,
    )


#: What is due first while the restriction-safety screen is not answered.
SCREEN_DUE = DueItem(
    "safety_profile", N_("Answer the safety questions (no sleep window until you do)"), "/profile"
)


@dataclass(frozen=True, slots=True)
class TrendsView:
    """The span of data the trends page and the clinician's person page chart."""

    start: dt.date
    end: dt.date
    nights: Sequence[NightMetrics]
    checkins: Sequence[Any]
    plan: WindowAdvice | None
    #: The window in force on ``end`` (services.sleep.window.window_in_force).
    window: Any = None

    def symptom_days(self) -> list[tuple[dt.date, dict[str, int]]]:
        return [(c.date, dict(c.symptoms)) for c in self.checkins if c.symptoms]

    def questionnaire_scores(self) -> dict[str, list[tuple[dt.date, int]]]:
        return {
            "phq9": [(c.date, sum(c.phq9)) for c in self.checkins if c.phq9 is not None],
            "gad7": [(c.date, sum(c.gad7)) for c in self.checkins if c.gad7 is not None],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": [n.to_dict() for n in self.nights],
            "checkins": [c.to_dict() for c in self.checkins],
            "plan": self.plan.to_dict() if self.plan else None,
            "in_force": self.window.to_dict() if self.window else None,
        }


def build_trends(
    db: Database, person_id: int, *, end: dt.date | None = None, days: int = 42
) -> TrendsView:
    """The last ``days`` days up to ``end`` (default today): nights, check-ins, window."""
    from nightbridge.services.sleep.diary import list_nights

    last = end or person_today_date(db, person_id)
    start = last - dt.timedelta(days=days - 1)
    window = window_now(db, person_id, last)
    return TrendsView(
        start=start,
        end=last,
        nights=list_nights(db, person_id, start, last),
        checkins=list_checkins(db, person_id, start, last),
        plan=window.advice if window is not None else None,
        window=window,
    )


# -- the evening log ---------------------------------------------------------------------

#: Source name under which self-reported exercise minutes are kept (device_activity).
SELF_REPORT_SOURCE = "self-report"
EVENING_FIELDS: tuple[str, ...] = (
    "substance",
    "amount",
    "unit",
    "time",
    "caffeine_cups",
    "last_caffeine",
    "alcohol_drinks",
    "last_alcohol",
    "screens_last_hour",
    "exercise_min",
)


@dataclass(frozen=True, slots=True)
class EveningResult:
    morning: dt.date
    intake: Sequence[Any]
    alerts: Sequence[Any]
    interactions: Sequence[Any] = ()


def _clock_field(name: str, text: str, problems: list[Any]) -> dt.time | None:
    from nightbridge.core.errors import Problem

    if not text:
        return None
    try:
        hours, minutes = text.split(":")[:2]
        return dt.time(int(hours), int(minutes[:2]))
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a clock time (HH:MM)"))
        return None


def _count_field(name: str, text: str, problems: list[Any], top: int) -> int | None:
    from nightbridge.core.errors import Problem

    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a whole number"))
        return None
    if not 0 <= value <= top:
        problems.append(Problem(name, f"must be between 0 and {top}"))
        return None
    return value


def save_evening_log(
    db: Database, person_id: int, fields: dict[str, str], *, now: dt.datetime | None = None
) -> EveningResult:
    """Store tonight's evening log in ONE transaction: one intake (substance, amount,
    unit, time), caffeine and alcohol (as intake events, so the interaction and nudge
    rules see them), screens in the last hour (the toolkit's evening item) and exercise
    minutes (self-reported activity); then the day's alerts are evaluated and recorded
    in the same transaction (as ``services.recovery.intake.log_intake`` does).

    Everything is checked first; a problem in any field stores nothing. Times are
    today's local clock times (a time still ahead is taken as now); the night is dated
    by tomorrow's morning (definitions.md section 1).
    """
    from nightbridge.core.errors import InvalidInput, Problem
    from nightbridge.core.intake import IntakeEvent, make_intake_event
    from nightbridge.core.interactions import find_interactions
    from nightbridge.core.nudges import EveningExtras, validate_evening
    from nightbridge.core.samples import DailyActivity
    from nightbridge.services.recovery.safety import (
        evaluate_in_session,
        interaction_rules,
        vocabulary,
    )
    from nightbridge.storage.repositories.devices import DeviceRepository
    from nightbridge.storage.repositories.intake import IntakeRepository
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.storage.repositories.toolkit import ToolkitRepository

    zone_name = person_zone(db, person_id)
    zone = ZoneInfo(zone_name)
    local = (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    today = local.date()
    morning = today + dt.timedelta(days=1)
    problems: list[Problem] = []
    planned: list[tuple[str, str, str, dt.datetime]] = []

    def at(clock: dt.time | None) -> dt.datetime:
        moment = dt.datetime.combine(today, clock or local.time().replace(microsecond=0), zone)
        return min(moment, local)

    substance = fields.get("substance", "").strip()
    if substance or fields.get("amount", "").strip():
        clock = _clock_field("time", fields.get("time", "").strip(), problems)
        planned.append((substance, fields.get("amount", ""), fields.get("unit", ""), at(clock)))
    cups = _count_field("caffeine_cups", fields.get("caffeine_cups", "").strip(), problems, 30)
    last_caffeine = _clock_field("last_caffeine", fields.get("last_caffeine", "").strip(), problems)
    if cups:
        planned.append(("caffeine", str(cups), "cups", at(last_caffeine)))
    drinks = _count_field("alcohol_drinks", fields.get("alcohol_drinks", "").strip(), problems, 40)
    last_alcohol = _clock_field("last_alcohol", fields.get("last_alcohol", "").strip(), problems)
    if drinks:
        planned.append(("alcohol", str(drinks), "drinks", at(last_alcohol)))
    exercise = _count_field("exercise_min", fields.get("exercise_min", "").strip(), problems, 1440)
    screens = fields.get("screens_last_hour", "").strip()
    if screens not in ("", "yes", "no"):
        problems.append(Problem("screens_last_hour", "answer yes or no"))
    events: list[IntakeEvent] = []
    for substance_name, amount, unit, when in planned:
        try:
            events.append(make_intake_event(substance_name, amount, unit, when, vocabulary()))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    extras: EveningExtras | None = None
    if screens:
        try:
            extras = validate_evening(morning, morning, screens_last_hour=screens == "yes")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)

    alerts: list[Any] = []
    with db.transaction() as session:
        intake = IntakeRepository(session)
        for event in events:
            intake.add(person_id, event, event.local_date(zone_name))
        if extras is not None:
            ToolkitRepository(session).save_evening(person_id, extras)
        if exercise is not None:
            DeviceRepository(session).save_activity(
                person_id, [DailyActivity(SELF_REPORT_SOURCE, today, float(exercise))]
            )
        interactions: list[Any] = []
        if events:
            alerts = evaluate_in_session(session, person_id, today, tz=zone_name)
            profile = PersonRepository(session).get_profile(person_id)
            interactions = find_interactions(
                intake.between(person_id, today, today),
                profile.conditions,
                interaction_rules(current_locale()),
            )
    return EveningResult(morning, events, alerts, interactions)
