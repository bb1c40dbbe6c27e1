"""The demo's sleep window: Jordan's diary around the window Dr. Lee started and titrated.

Sam is tapering, so every day of the demo is early withdrawal and the window is deferred
(docs/sleep-window.md): no window is stored for Sam. Jordan tapered off before the
demo's span, so Dr. Lee starts a window ``JORDAN_WINDOW_DAYS_AGO`` days before today
from the rules' answer on the diary stored by then, and takes the weekly answer a week
later (``services.sleep.window.sleep_window`` and ``accept_advice`` with ``by="clinician"``,
dated those mornings). Jordan's nights after each change keep the window in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nightbridge.services.demo.demo import JORDAN_RISE, JORDAN_WINDOW_DAYS_AGO, plan_second_person
from nightbridge.storage.database import Database


def load_second_diary(db: Database, person_id: int, days: int, today: dt.date) -> None:
    """Jordan's diary, with the sleep window Dr. Lee started ``JORDAN_WINDOW_DAYS_AGO``
    days ago and titrated a week later, each from the diary stored by then."""
    from nightbridge.services.sleep.diary import record_entry
    from nightbridge.services.sleep.window import plan_history

    start = today - dt.timedelta(days=JORDAN_WINDOW_DAYS_AGO)
    done: dt.date | None = None
    for stop in (start, start + dt.timedelta(days=7), today):
        history = [p for p in plan_history(db, person_id) if p.window_min is not None]

        def kept(day: dt.date, history: list[Any] = history) -> tuple[dt.time, int] | None:
            in_force = [p for p in history if p.set_on < day]
            return (in_force[-1].rise, in_force[-1].window_min) if in_force else None

        for entry in plan_second_person(days, today=today, window=kept):
            date = dt.date.fromisoformat(entry["date"])
            if (done is None or date > done) and date <= stop:
                record_entry(db, person_id, entry, today=today)
        done = stop
        if stop < today:
            titrate_window(db, person_id, stop)


def titrate_window(db: Database, person_id: int, on: dt.date) -> None:
    """What the window rules answer on ``on``, stored as set by the clinician; nothing is
    stored when they give no window (too few nights yet, or early withdrawal)."""
    from nightbridge.services.sleep.window import (
        accept_advice,
        current_plan,
        sleep_window,
        withdrawal_for,
    )

    rise = None if current_plan(db, person_id) is not None else JORDAN_RISE
    advice = sleep_window(
        db, person_id, rise=rise, on=on, withdrawal=withdrawal_for(db, person_id, on)
    )
    if advice.window_min is not None:
        accept_advice(db, person_id, advice, by="clinician", on=on)
