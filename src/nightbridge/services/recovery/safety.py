"""Use cases of safety alerts: evaluate a date (and record what fired), read the record.

Content (crisis lines, overdose steps, interaction rules, substance names) is loaded
here and passed into ``core.safety``. A deployment may add crisis lines with a JSON
file of the shape of ``content/crisis_resources.json`` named by the
``crisis_resources`` setting (``NIGHTBRIDGE_CRISIS_RESOURCES``, docs/settings.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from nightbridge.content import load_json
from nightbridge.core.alerts import Alert, Resource, sort_alerts
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import DOSE_CLASSES, Vocabulary
from nightbridge.core.interactions import InteractionRule, parse_rules
from nightbridge.core.metrics import NightMetrics, stored_night
from nightbridge.core.profile import Profile
from nightbridge.core.resources import (
    Region,
    RegionResources,
    parse_regions,
    parse_resources,
    resources_for,
    with_resources,
)
from nightbridge.core.safety import LOOKBACK_NIGHTS, SafetyInputs, evaluate_day
from nightbridge.i18n import DEFAULT_LOCALE, current_locale, gettext, use_locale
from nightbridge.services.notifications.outbox import notify_alerts
from nightbridge.services.recovery.withdrawal import withdrawal_context
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.alerts import AlertRepository
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.tapers import TaperRepository

EXTRA_RESOURCES_ENV = "NIGHTBRIDGE_CRISIS_RESOURCES"
#: Days of intake read before the date (the longest look-back: 7 days since last dose).
INTAKE_LOOKBACK_DAYS = 8
CHECKIN_LOOKBACK_DAYS = 3

__all__ = [
    "alerts_between",
    "alerts_for",
    "crisis_lines_for",
    "evaluate_days_in_session",
    "evaluate_in_session",
    "interaction_rules",
    "offered_regions",
    "overdose_actions",
    "region_resources",
    "vocabulary",
    "withdrawal_context",
]


@cache
def _resource_table(extra_path: str | None, locale: str = "en") -> dict[str, RegionResources]:
    extras = []
    if extra_path:
        try:
            extras.append(json.loads(Path(extra_path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise InvalidInput.one(
                EXTRA_RESOURCES_ENV, f"cannot read {extra_path}: {exc}"
            ) from None
    return parse_resources(load_json("crisis_resources.json", locale), extras)


def region_resources(
    region: str | None, extra_path: str | None = None, locale: str | None = None
) -> RegionResources:
    """The region's crisis lines (shipped ones, then the deployment's extra file); the
    international lines when the region has none (a region is never assumed). Names and
    notes in ``locale`` (default: the one in force; content/es/crisis_resources.json
    holds the same numbers, docs/i18n.md)."""
    if extra_path is None:
        from nightbridge.settings import read_setting

        configured = read_setting("crisis_resources")
        extra_path = str(configured) if configured is not None else None
    return resources_for(region, _resource_table(extra_path, locale or current_locale()))


def crisis_lines_for(db: Database, person_id: int) -> tuple[Resource, ...]:
    """The lines to show at once when the person says they have thoughts of ending their
    life: their region's crisis lines, then its emergency number."""
    with db.reader() as session:
        region = PersonRepository(session).get_profile(person_id).region
    return region_resources(region).crisis_lines()


def offered_regions(locale: str | None = None) -> tuple[Region, ...]:
    """The regions a person may choose, with their names, from the one file that holds
    their lines (content/crisis_resources.json): every form, the API and the CLI offer
    exactly these (names in ``locale``, default the one in force; the same codes)."""
    return _offered_regions(locale or current_locale())


@cache
def _offered_regions(locale: str) -> tuple[Region, ...]:
    data = load_json("crisis_resources.json", locale)
    return parse_regions(data, parse_resources(data))


def interaction_rules(locale: str | None = None) -> tuple[InteractionRule, ...]:
    """The combination rules (content/interactions.json); their ``why`` in ``locale``
    (default: English, the language alerts are recorded in; pages that list a day's
    combinations pass the reader's)."""
    return _interaction_rules(locale or DEFAULT_LOCALE)


@cache
def _interaction_rules(locale: str) -> tuple[InteractionRule, ...]:
    return parse_rules(load_json("interactions.json", locale))


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary.from_content(load_json("substances.json"))


def overdose_actions(locale: str | None = None) -> tuple[str, ...]:
    """``Signs of overdose: ...`` then each step (content/overdose.json), in ``locale``
    (default: the one in force)."""
    return _overdose_actions(locale or current_locale())


@cache
def _overdose_actions(locale: str) -> tuple[str, ...]:
    doc = load_json("overdose.json", locale)
    with use_locale(locale):
        signs = gettext("Signs of overdose: %(signs)s.") % {"signs": "; ".join(doc["signs"])}
    return (signs, *doc["steps"])


def _diary_nights(
    session: Session, person_id: int, start: dt.date, end: dt.date, tz: str
) -> list[NightMetrics]:
    """Diary nights dated ``start..end``; an entry that no longer places is skipped."""
    nights = []
    for entry in DiaryRepository(session).list(person_id, start, end):
        try:
            nights.append(stored_night(entry, tz))
        except InvalidInput:
            continue
    return nights


def _profile(session: Session, person_id: int, tz: str | None) -> Profile:
    profile = PersonRepository(session).get_profile(person_id)
    return dataclasses.replace(profile, tz=tz) if tz else profile


def _evaluate(session: Session, person_id: int, on: dt.date, *, tz: str | None) -> list[Alert]:
    """The alerts the rules raise for ``on`` from the stored data (reads only)."""
    return _evaluate_days(session, person_id, [on], tz=tz)[on]


def _evaluate_days(
    session: Session, person_id: int, days: Iterable[dt.date], *, tz: str | None
) -> dict[dt.date, list[Alert]]:
    """The alerts of each day in ``days`` (reads only). The profile and the taper are
    read once; days less than a look-back apart share one read of each dated table
    (the span of all their look-backs), so saving yesterday's diary, which evaluates
    yesterday and today, reads each table once."""
    profile = _profile(session, person_id, tz)
    stored_taper = TaperRepository(session).active(person_id)
    taper = stored_taper.plan if stored_taper is not None else None
    found: dict[dt.date, list[Alert]] = {}
    for group in _near_groups(sorted(set(days))):
        reads = _Reads(session, person_id, group[0], group[-1], profile.tz)
        for on in group:
            # Recorded, compared and emailed in the source language (English), whoever
            # looks: the words are put in the reader's language only when shown
            # (localise_alerts).
            found[on] = evaluate_day(
                on,
                reads.inputs(on, taper),
                profile,
                region_resources(profile.region, locale=DEFAULT_LOCALE),
                interaction_rules=interaction_rules(),
                overdose_actions=overdose_actions(DEFAULT_LOCALE),
            )
    return found


def _near_groups(days: list[dt.date]) -> list[list[dt.date]]:
    """``days`` (sorted) cut into runs whose neighbours are under a look-back apart."""
    groups: list[list[dt.date]] = []
    for day in days:
        if groups and (day - groups[-1][-1]).days < LOOKBACK_NIGHTS:
            groups[-1].append(day)
        else:
            groups.append([day])
    return groups


class _Reads:
    """The dated data the rules read for every day of ``first..last``: intake from
    ``INTAKE_LOOKBACK_DAYS`` before ``first`` (and the last dose before that), check-ins
    from ``CHECKIN_LOOKBACK_DAYS`` before, diary nights from ``LOOKBACK_NIGHTS`` before;
    ``inputs(on)`` cuts out what one day's evaluation reads, exactly as reading that
    day's spans from the store would."""

    def __init__(
        self, session: Session, person_id: int, first: dt.date, last: dt.date, tz: str
    ) -> None:
        intake_repo = IntakeRepository(session)
        start = first - dt.timedelta(days=INTAKE_LOOKBACK_DAYS)
        self.intake = intake_repo.dated_between(person_id, start, last)
        self.earlier = intake_repo.last_dose_row_before(person_id, start)
        self.checkins = CheckinRepository(session).between(
            person_id, first - dt.timedelta(days=CHECKIN_LOOKBACK_DAYS), last
        )
        self.nights = _diary_nights(
            session, person_id, first - dt.timedelta(days=LOOKBACK_NIGHTS - 1), last, tz
        )

    def inputs(self, on: dt.date, taper: Any) -> SafetyInputs:
        start = on - dt.timedelta(days=INTAKE_LOOKBACK_DAYS)
        intake = [row.event for row in self.intake if start <= row.local_date <= on]
        # the last dose dated before ``start``: from the rows read, else the one before
        earlier = self.earlier
        for row in self.intake:
            if (
                row.local_date < start
                and row.event.substance_class in DOSE_CLASSES
                and (earlier is None or (row.event.at, row.id) > (earlier.event.at, earlier.id))
            ):
                earlier = row
        if earlier is not None:
            intake.insert(0, earlier.event)
        checkin_start = on - dt.timedelta(days=CHECKIN_LOOKBACK_DAYS)
        night_start = on - dt.timedelta(days=LOOKBACK_NIGHTS - 1)
        return SafetyInputs(
            checkins=[c for c in self.checkins if checkin_start <= c.date <= on],
            intake=intake,
            nights=[n for n in self.nights if night_start <= n.date <= on],
            taper=taper,
        )


#: The substances named in the English combination message (kept as logged).
_COMBINED = re.compile(r"on the same day as (.+?)\. Together")


def _message_templates() -> dict[str, str]:
    """Alert code -> its English message template (core's, marked for the catalogue)."""
    from nightbridge.core.instruments import gad7, phq9
    from nightbridge.core.safety import COMBINATION_CODE, COMBINATION_MESSAGE, RULES

    found = {rule.code: rule.message for rule in RULES}
    found[COMBINATION_CODE] = COMBINATION_MESSAGE
    found.update(
        phq9_item9=phq9.CRISIS_MESSAGE,
        phq9_severe=phq9.SEVERE_MESSAGE,
        phq9_moderate=phq9.MODERATE_MESSAGE,
        gad7_moderate=gad7.MODERATE_MESSAGE,
    )
    return found


def localise_alerts(
    alerts: list[Alert], region: str | None, locale: str | None = None
) -> list[Alert]:
    """``alerts`` (as recorded, in English) with the words a reader of ``locale`` (default:
    the one in force) reads: the message from the catalogue, the region's lines with
    their names and notes in that language (the same numbers: the content check holds
    them equal), the overdose steps. A message the catalogue lacks stays English."""
    locale = locale or current_locale()
    if locale == DEFAULT_LOCALE:
        return alerts
    local = region_resources(region, locale=locale)
    by_contact = {line.resource.contact: line.resource for line in local.lines}
    emergency = next((x.resource.contact for x in local.lines if x.role == "emergency"), None)
    templates = _message_templates()
    english_steps = overdose_actions(DEFAULT_LOCALE)
    shown: list[Alert] = []
    with use_locale(locale):
        for alert in alerts:
            message = alert.message
            template = templates.get(alert.code)
            if template is not None:
                values = {"emergency": emergency or gettext("your local emergency number")}
                others = _COMBINED.search(alert.message)
                values["others"] = others.group(1) if others else ""
                try:
                    message = gettext(template).format(**values)
                except (KeyError, IndexError, ValueError):
                    message = alert.message
            actions = alert.actions
            if tuple(actions) == english_steps:
                actions = overdose_actions(locale)
            resources = tuple(by_contact.get(r.contact, r) for r in alert.resources)
            shown.append(
                dataclasses.replace(alert, message=message, actions=actions, resources=resources)
            )
    return shown


def evaluate_in_session(
    session: Session, person_id: int, on: dt.date, *, tz: str | None = None
) -> list[Alert]:
    """Evaluate ``on`` inside the caller's write transaction and record what fired; an
    emergency, crisis or urgent alert adds its email notice in the same transaction
    (``services.notifications.outbox``: sent later, once per alert)."""
    return evaluate_days_in_session(session, person_id, [on], tz=tz)


def evaluate_days_in_session(
    session: Session, person_id: int, days: Iterable[dt.date], *, tz: str | None = None
) -> list[Alert]:
    """Evaluate each of ``days`` inside the caller's write transaction and record what
    fired (one statement for all of them) with its notices (``evaluate_in_session``);
    the alerts, day by day (oldest first)."""
    found = _evaluate_days(session, person_id, days, tz=tz)
    alerts = [alert for on in sorted(found) for alert in found[on]]
    AlertRepository(session).record(person_id, alerts)
    notify_alerts(session, person_id, alerts)
    return alerts


def _as_recorded(alert: Alert) -> tuple[object, ...]:
    """What the record keeps of an alert, JSON-normalised (to tell a changed alert)."""
    evidence = json.loads(json.dumps(dict(alert.evidence), default=str, sort_keys=True))
    return (alert.level, alert.message, tuple(alert.actions), evidence, alert.source)


def alerts_for(db: Database, person_id: int, on: dt.date, *, tz: str | None = None) -> list[Alert]:
    """The alerts in force on ``on``, most urgent first, recorded with their evidence
    (in English), returned in the language in force (``localise_alerts``).

    Evaluated in a read snapshot, so showing a page or the triage list does not write;
    only an alert that is new (or whose message or evidence changed) since it was last
    recorded is written, in a short transaction of its own.
    """
    with db.reader() as session:
        alerts = _evaluate(session, person_id, on, tz=tz)
        recorded = {a.code: a for a in AlertRepository(session).between(person_id, on, on)}
    fresh = [
        a
        for a in alerts
        if a.code not in recorded or _as_recorded(recorded[a.code]) != _as_recorded(a)
    ]
    if fresh:
        with db.transaction() as session:
            AlertRepository(session).record(person_id, fresh)
            notify_alerts(session, person_id, fresh)
    if current_locale() == DEFAULT_LOCALE:
        return alerts
    with db.reader() as session:
        region = PersonRepository(session).get_profile(person_id).region
    return localise_alerts(alerts, region)


def alerts_between(db: Database, person_id: int, start: dt.date, end: dt.date) -> list[Alert]:
    """Alerts recorded for ``start..end``, most urgent first, with the region's resources."""
    if end < start:
        raise InvalidInput.one("to", "is before the start date")
    with db.reader() as session:
        region = PersonRepository(session).get_profile(person_id).region
        recorded = AlertRepository(session).between(person_id, start, end)
    resources = region_resources(region, locale=DEFAULT_LOCALE)
    return localise_alerts(sort_alerts(with_resources(a, resources) for a in recorded), region)
