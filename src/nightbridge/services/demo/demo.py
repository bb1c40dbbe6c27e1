"""Demo data: six weeks of a realistic, invented recovery, and the logins to see it.

``plan_demo`` is pure and seeded: the same ``days``, ``today`` and ``seed`` always give
the same data. ``load_demo`` stores it through the services (never raw SQL), once: a
second call finds the demo accounts and only returns their logins.

The story (every number invented; shapes follow the sources in docs/definitions.md):
- Sam (person) is tapering kratom on a schedule a clinician set: 12 g/day, 10 % every
  7 days (definitions.md section 5). Intake is logged in three doses a day, mostly on
  plan, with two days over plan.
- Withdrawal eases: the symptom diary (Nightbridge's own, 0..68) starts in the moderate
  band and falls to minimal with day-to-day noise; function rises from 2 to 4 of 5.
- Sleep improves with noise: sleep onset and wake after sleep onset shrink, total sleep
  time grows from about 5 h to about 6 h 45 min. Two mornings have no entry.
- On day 3 Sam drinks alcohol on a kratom day: the urgent combination alert (section 4);
  on day 5 Sam reports vomiting for 24 h (an urgent red flag).
- PHQ-9 and GAD-7 every 14 days, easing from moderate to mild; item 9 always 0. After a
  tense week, Sam's GAD-7 of yesterday is 10 (``RECENT_GAD7``): the one alert in force on
  the clinician's triage (``gad7_moderate``, advise), so Sam sorts first.
- Sam's iPhone and Apple Watch nights come in through the real Apple Health import
  (``services.demo.demo_devices`` writes the export.xml): the watch's staged nights sit beside
  the diary on ``/nights`` and in the report, reading a little more sleep than the diary.
- Sam is tapering, so the sleep window is deferred (early withdrawal) throughout: no
  window is stored for Sam.
- Evenings: caffeine (cups and time of the last), alcohol, screens in the last hour,
  exercise minutes.
- Today's check-in is left to do, so the home page has something due.
- Dr. Lee (clinician, with TOTP) was invited by Sam. Jordan (second person) also shares
  with Dr. Lee: tapered off before the demo's span (no kratom or opioid logged, low
  withdrawal scores), sleeping steadily but inefficiently, and has not logged for 5 days.
  Dr. Lee started Jordan's sleep window 14 days ago (rise 06:30, from the rules' ``start``
  answer) and widened it 7 days ago (the weekly ``increase``), both stored as set by the
  clinician; Jordan's nights since keep the window.
- Dr. Lee is the clinic admin of "Riverside Recovery Clinic" (docs/clinics.md); Dr. Kim
  (clinician, with TOTP) joined it through Dr. Lee's invite. Sam also shares with the
  clinic by its share code, view only: Dr. Kim sees Sam through the clinic but cannot
  change Sam's settings or taper; Dr. Lee still manages through Sam's own share.

The demo logins are public by design (this is demo data on the person's own machine).
Sam is the store's own person (the one ``nightbridge init`` creates), so the CLI shows
the same data; ``load_demo`` refuses a store whose own person already keeps a diary.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nightbridge.core.profile import Profile
from nightbridge.storage.database import Database

if TYPE_CHECKING:
    from nightbridge.services.access import Actor
    from nightbridge.services.accounts.auth import AuthPolicy
    from nightbridge.services.accounts.totp_keys import TotpKeys

#: How prominent each symptom is in Sam's story, keyed by the symptom names of
#: ``core.instruments.withdrawal.SYMPTOMS`` (kratom withdrawal as reported by
#: Singh, Mueller & Vicknasingam, Drug Alcohol Depend 2014;139:132-7: aches, sleeping
#: difficulty, watery eyes/nose, hot flashes, restlessness, anger, sadness).
_WEIGHTS: dict[str, float] = {
    "aches": 1.0,
    "runny_nose": 0.7,
    "sweating": 0.6,
    "flashes": 0.7,
    "gooseflesh": 0.3,
    "yawning": 0.5,
    "restlessness": 0.9,
    "restless_legs": 0.8,
    "anxiety": 0.9,
    "irritability": 0.8,
    "low_mood": 0.7,
    "nausea": 0.3,
    "vomiting": 0.05,
    "diarrhoea": 0.4,
    "headache": 0.4,
    "insomnia": 1.0,
    "craving": 1.0,
}

SEED = 20260401
#: The invented people added to Dr. Lee's caseload by ``nightbridge demo`` (48 + Sam and
#: Jordan = 50, the caseload's first page).
DEMO_CASELOAD = 48
TAPER_START_G = 12.0
TAPER_STEP_PCT = 10.0
TAPER_EVERY_DAYS = 7
QUESTIONNAIRE_EVERY_DAYS = 14
#: Sam's GAD-7 of yesterday, after a tense week: total 10, the low end of the moderate
#: band (Spitzer et al. 2006), which raises the ``advise`` alert ``gad7_moderate``.
RECENT_GAD7 = (2, 1, 2, 2, 1, 1, 1)
#: Jordan's fixed rise time, and when Dr. Lee started the window (days before today).
JORDAN_RISE = dt.time(6, 30)
JORDAN_WINDOW_DAYS_AGO = 14

PERSON_EMAIL = "sam@demo.nightbridge.local"
PERSON_PASSWORD = "demo-sam-sleeps-better"  # noqa: S105 - public demo login, printed
SECOND_EMAIL = "jordan@demo.nightbridge.local"
SECOND_PASSWORD = "demo-jordan-sleeps-too"  # noqa: S105 - public demo login, printed
CLINICIAN_EMAIL = "dr.lee@demo.nightbridge.local"
CLINICIAN_PASSWORD = "demo-dr-lee-cares"  # noqa: S105 - public demo login, printed
CLINIC_NAME = "Riverside Recovery Clinic"
COLLEAGUE_EMAIL = "dr.kim@demo.nightbridge.local"
COLLEAGUE_PASSWORD = "demo-dr-kim-on-call"  # noqa: S105 - public demo login, printed


@dataclass(frozen=True, slots=True)
class DemoIntake:
    substance: str
    amount: float
    unit: str
    at: dt.time  # local clock time on the day


@dataclass(frozen=True, slots=True)
class DemoEvening:
    caffeine_cups: int
    last_caffeine: dt.time | None
    alcohol_drinks: int
    last_alcohol: dt.time | None
    screens_last_hour: bool
    exercise_min: int


@dataclass(frozen=True, slots=True)
class DemoDay:
    """Everything logged on one date: the morning diary (for the night before), the
    check-in, intake taken that day and the evening log of that evening."""

    date: dt.date
    diary: dict[str, str] | None
    symptoms: dict[str, int]
    flags: tuple[str, ...]
    function: int
    self_harm_thoughts: bool
    phq9: tuple[int, ...] | None
    gad7: tuple[int, ...] | None
    intake: tuple[DemoIntake, ...]
    evening: DemoEvening

    @property
    def symptom_score(self) -> int:
        return sum(self.symptoms.values())


@dataclass(frozen=True, slots=True)
class DemoPlan:
    start: dt.date
    today: dt.date
    days: tuple[DemoDay, ...]
    taper_start: float = TAPER_START_G
    taper_step_pct: float = TAPER_STEP_PCT
    taper_every_days: int = TAPER_EVERY_DAYS


@dataclass(frozen=True, slots=True)
class DemoLogins:
    """The demo accounts, printed by ``nightbridge demo`` and ``serve --demo``."""

    person_email: str = PERSON_EMAIL
    person_password: str = PERSON_PASSWORD
    second_email: str = SECOND_EMAIL
    second_password: str = SECOND_PASSWORD
    clinician_email: str = CLINICIAN_EMAIL
    clinician_password: str = CLINICIAN_PASSWORD
    clinician_totp_secret: str = ""
    colleague_email: str = COLLEAGUE_EMAIL
    colleague_password: str = COLLEAGUE_PASSWORD
    colleague_totp_secret: str = ""
    clinic_id: int = 0
    person_id: int = 0
    second_person_id: int = 0
    loaded: bool = True  # False when the demo was already there
    notes: list[str] = field(default_factory=list)

    def lines(self, python: str = "python") -> list[str]:
        """Human-readable login lines (what the CLI prints)."""
        code = (
            f"{python} -c \"import pyotp; print(pyotp.TOTP('{self.clinician_totp_secret}').now())\""
        )
        code2 = (
            f"{python} -c \"import pyotp; print(pyotp.TOTP('{self.colleague_totp_secret}').now())\""
        )
        return [
            "Demo logins (demo data only; anyone can read these):",
            f"  person     {self.person_email}  password: {self.person_password}",
            f"  person 2   {self.second_email}  password: {self.second_password}",
            f"  clinician  {self.clinician_email}  password: {self.clinician_password}",
            f"             TOTP secret: {self.clinician_totp_secret}",
            f"             current code: {code}",
            f"             clinic admin of {CLINIC_NAME}",
            f"  clinician  {self.colleague_email}  password: {self.colleague_password}",
            f"             TOTP secret: {self.colleague_totp_secret}",
            f"             current code: {code2}",
            f"             member of {CLINIC_NAME} (sees Sam through the clinic, view only)",
        ]

    def to_dict(self) -> dict[str, object]:
        return {
            "person": {"email": self.person_email, "password": self.person_password},
            "second_person": {"email": self.second_email, "password": self.second_password},
            "clinician": {
                "email": self.clinician_email,
                "password": self.clinician_password,
                "totp_secret": self.clinician_totp_secret,
            },
            "clinic_clinician": {
                "email": self.colleague_email,
                "password": self.colleague_password,
                "totp_secret": self.colleague_totp_secret,
            },
            "clinic": {"id": self.clinic_id, "name": CLINIC_NAME},
            "loaded": self.loaded,
        }


def _clock(minutes: float) -> dt.time:
    """A clock time from minutes after midnight (wrapping past 24 h)."""
    total = round(minutes) % (24 * 60)
    return dt.time(total // 60, total % 60)


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def taper_target(plan_start: dt.date, day: dt.date) -> float:
    """Sam's scheduled daily amount on ``day`` (grams), stepping as definitions.md
    section 5 does: ``next = max(0, a - max(a * p / 100, m))``, rounded half up to 0.1,
    with ``m`` = 5 % of the start amount."""
    from decimal import ROUND_HALF_UP, Decimal

    amount = Decimal(str(TAPER_START_G))
    minimum = amount * Decimal("0.05")
    for _ in range((day - plan_start).days // TAPER_EVERY_DAYS):
        step = max(amount * Decimal(str(TAPER_STEP_PCT)) / 100, minimum)
        amount = max(Decimal(0), amount - step).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(amount)


def _diary(rng: random.Random, day: dt.date, progress: float) -> dict[str, str]:
    """One morning's Consensus Sleep Diary entry (Carney et al., SLEEP 2012;35:287-302)."""
    bedtime = 23 * 60 + 20 + rng.gauss(0, 20)  # minutes after midnight of the evening
    lights_off = bedtime + rng.randint(5, 20)
    sol = max(5, round(65 - 45 * progress + rng.gauss(0, 10)))
    nwak = max(1, round(4 - 3 * progress + rng.gauss(0, 0.6)))
    waso = max(5, round(95 - 70 * progress + rng.gauss(0, 12)))
    final_wake = 24 * 60 + 6 * 60 + 30 + rng.gauss(0, 15)
    out_of_bed = final_wake + max(5, round(35 - 20 * progress + rng.gauss(0, 6)))
    quality = max(1, min(5, round(1.8 + 2.2 * progress + rng.gauss(0, 0.5))))
    return {
        "date": day.isoformat(),
        "bedtime": _hhmm(_clock(bedtime)),
        "lights_off": _hhmm(_clock(lights_off)),
        "sol_min": str(sol),
        "nwak": str(nwak),
        "waso_min": str(waso),
        "final_wake": _hhmm(_clock(final_wake)),
        "out_of_bed": _hhmm(_clock(out_of_bed)),
        "quality": str(quality),
    }


def _answers(rng: random.Random, total: int, items: int) -> tuple[int, ...]:
    """Item scores 0..3 summing to ``total``, spread over the items; PHQ-9 item 9 stays 0."""
    scores = [0] * items
    open_items = list(range(items - 1)) if items == 9 else list(range(items))
    for _ in range(total):
        candidates = [i for i in open_items if scores[i] < 3]
        scores[rng.choice(candidates)] += 1
    return tuple(scores)


def plan_demo(days: int = 42, *, today: dt.date, seed: int = SEED) -> DemoPlan:
    """Sam's ``days`` days ending on ``today`` (see the module docstring)."""
    if days < 14 or days > 366:
        from nightbridge.core.errors import InvalidInput

        raise InvalidInput.one("days", "must be between 14 and 366")
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    start = today - dt.timedelta(days=days - 1)
    skipped = {start + dt.timedelta(days=d) for d in (9, days - 12)}
    over_plan = {start + dt.timedelta(days=d) for d in (10, 24)}
    combination_day = start + dt.timedelta(days=3)
    out: list[DemoDay] = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        progress = i / (days - 1)
        level = max(0.1, 3.0 - 2.9 * progress + rng.gauss(0, 0.25))  # 0..4 scale
        symptoms = {
            name: max(0, min(4, round(level * weight + rng.gauss(0, 0.4))))
            for name, weight in _WEIGHTS.items()
        }
        target = taper_target(start, day)
        extra = 1.5 if day in over_plan else 0.0
        dose = round((target + extra) / 3, 1)
        intake = [
            DemoIntake("kratom", dose, "g", dt.time(8, 0)),
            DemoIntake("kratom", dose, "g", dt.time(13, 0)),
            DemoIntake("kratom", round(target + extra - 2 * dose, 1), "g", dt.time(18, 30)),
        ]
        # Once the taper reaches 0 (about 20 weeks in), nothing is taken: no 0 g doses.
        intake = [item for item in intake if item.amount > 0]
        cups = rng.choice((1, 2, 2, 3))
        last_caffeine = _clock(10 * 60 + rng.randint(0, 7 * 60))
        intake.append(DemoIntake("coffee", float(cups), "cups", last_caffeine))
        drinks = 0
        if day == combination_day:
            drinks = 3
            intake.append(DemoIntake("beer", 3.0, "drinks", dt.time(20, 30)))
        evening = DemoEvening(
            caffeine_cups=cups,
            last_caffeine=last_caffeine,
            alcohol_drinks=drinks,
            last_alcohol=dt.time(20, 30) if drinks else None,
            screens_last_hour=rng.random() < (0.7 - 0.4 * progress),
            exercise_min=max(0, round(5 + 30 * progress + rng.gauss(0, 10))),
        )
        due = i % QUESTIONNAIRE_EVERY_DAYS == 0
        phq_total = round(14 - 7 * progress + rng.gauss(0, 1))
        gad_total = round(12 - 6 * progress + rng.gauss(0, 1))
        # Drawn in this order (diary, function, questionnaires): the seed's story depends on it.
        diary = None if day in skipped or i == 0 else _diary(rng, day, progress)
        function = max(1, min(5, round(2 + 2 * progress + rng.gauss(0, 0.4))))
        phq9 = _answers(rng, phq_total, 9) if due else None
        gad7 = _answers(rng, gad_total, 7) if due else None
        if i == days - 2:
            gad7 = RECENT_GAD7  # a tense week near the end of the taper (gad7_moderate)
        out.append(
            DemoDay(
                date=day,
                diary=diary,
                symptoms=symptoms,
                flags=("vomiting_24h",) if i == 5 else (),
                function=function,
                self_harm_thoughts=False,
                phq9=phq9,
                gad7=gad7,
                intake=tuple(intake),
                evening=evening,
            )
        )
    return DemoPlan(start=start, today=today, days=tuple(out))


def _kept_window(
    rng: random.Random, day: dt.date, rise: dt.time, window_min: int
) -> dict[str, str]:
    """A morning on a sleep window: to bed at its bedtime, up at the rise time, and
    sleeping efficiently (what restriction aims at; Spielman et al., Sleep 1987)."""
    rise_min = rise.hour * 60 + rise.minute
    return {
        "date": day.isoformat(),
        "bedtime": _hhmm(_clock(rise_min - window_min - rng.randint(0, 4))),
        "lights_off": _hhmm(_clock(rise_min - window_min + rng.randint(0, 4))),
        "sol_min": str(max(3, round(7 + rng.gauss(0, 2)))),
        "nwak": str(max(1, round(1.3 + rng.gauss(0, 0.5)))),
        "waso_min": str(max(5, round(9 + rng.gauss(0, 3)))),
        "final_wake": _hhmm(_clock(rise_min - rng.randint(0, 5))),
        "out_of_bed": _hhmm(_clock(rise_min + rng.randint(0, 4))),
        "quality": str(rng.choice((3, 3, 4))),
    }


#: The window Jordan keeps on the night before a date (rise time, minutes), or None.
KeptWindow = Callable[[dt.date], "tuple[dt.time, int] | None"]


def plan_second_person(
    days: int, *, today: dt.date, seed: int = SEED + 1, window: KeptWindow | None = None
) -> list[dict[str, str]]:
    """Jordan's diary: steady nights, the last 5 days missing (stale data on triage).

    ``window(date)`` gives the sleep window Jordan kept the night before ``date`` (None:
    none); those mornings go to bed at its bedtime and get up at its rise time.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    entries: list[dict[str, str]] = []
    for i in range(days - 5):
        day = today - dt.timedelta(days=days - 1 - i)
        kept = window(day) if window is not None else None
        entries.append(_diary(rng, day, 0.8) if kept is None else _kept_window(rng, day, *kept))
    return entries


def symptom_series(plan: DemoPlan) -> Sequence[tuple[dt.date, int]]:
    return [(d.date, d.symptom_score) for d in plan.days]


# -- loading -----------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def _find_logins(db: Database, keys: TotpKeys) -> DemoLogins | None:
    """The demo's logins when it is already loaded, else None; a load that was cut short
    (the clinician, the shares and the notes come last) is an error, not a demo."""
    from nightbridge.storage.repositories.accounts import AccountRepository
    from nightbridge.storage.repositories.shares import ShareRepository

    with db.reader() as session:
        accounts = AccountRepository(session)
        person = accounts.by_username(PERSON_EMAIL)
        second = accounts.by_username(SECOND_EMAIL)
        clinician = accounts.by_username(CLINICIAN_EMAIL)
        colleague = accounts.by_username(COLLEAGUE_EMAIL)
        if person is None:
            return None
        from nightbridge.storage.repositories.clinics import ClinicRepository

        clinics = ClinicRepository(session).clinics_of(clinician.id) if clinician else []
        complete = (
            second is not None
            and clinician is not None
            and clinician.totp_confirmed
            and colleague is not None
            and colleague.totp_confirmed
            and len(clinics) == 1
            and {person.person_id, second.person_id if second else None}
            <= {
                share.person_id
                for share, _ in ShareRepository(session).persons_of_clinician(clinician.id)
            }
        )
        if complete:
            from nightbridge.services.accounts.notes import list_notes

            complete = bool(list_notes(db, person.person_id or 0))
        if not complete or second is None or clinician is None or colleague is None:
            from nightbridge.core.errors import NightbridgeError

            raise NightbridgeError(
                "an earlier demo load was cut short; load the demo into a new, empty store "
                "(for example: nightbridge --home /tmp/nightbridge-demo demo)"
            )
        return DemoLogins(
            clinician_totp_secret=keys.open(clinician.id, clinician.totp_secret or ""),
            colleague_totp_secret=keys.open(colleague.id, colleague.totp_secret or ""),
            clinic_id=clinics[0][0].id,
            person_id=person.person_id or 0,
            second_person_id=second.person_id or 0,
            loaded=False,
        )


def _enrol_totp(db: Database, policy: AuthPolicy, keys: TotpKeys, account_id: int) -> str:
    """Set up the clinician's TOTP, confirmed with the previous 30-s step's code so that
    a login straight after can use the current code (codes are accepted once)."""
    import pyotp

    from nightbridge.services.accounts.auth import verify_totp

    secret = pyotp.random_base32()
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
    code = pyotp.TOTP(secret).at(earlier)
    verify_totp(db, policy, account_id, code, keys=keys, confirm=True, pending=secret, now=earlier)
    return secret


def _share(db: Database, person: Actor, clinician: Actor) -> None:
    from nightbridge.services.accounts.sharing import create_invite, redeem_invite

    redeem_invite(db, clinician, create_invite(db, person).code)


def _clinic(
    db: Database, policy: AuthPolicy, keys: TotpKeys, lee: Actor, sam: Actor
) -> tuple[str, int]:
    """Riverside Recovery Clinic: Dr. Lee its clinic admin, Dr. Kim invited and joined,
    Sam sharing with it by its code, view only. Returns Dr. Kim's TOTP secret and the
    clinic's id."""
    from nightbridge.services.access import Actor
    from nightbridge.services.accounts.accounts import create_account
    from nightbridge.services.accounts.sharing import share_with_clinic
    from nightbridge.services.clinic.clinics import (
        HOST,
        answer_invite,
        create_clinic,
        invite_clinician,
    )

    clinic = create_clinic(db, HOST, name=CLINIC_NAME, admin_username=CLINICIAN_EMAIL)
    kim_account = create_account(
        db,
        policy,
        username=COLLEAGUE_EMAIL,
        password=COLLEAGUE_PASSWORD,
        role="clinician",
        display_name="Dr. Kim",
    )
    kim_secret = _enrol_totp(db, policy, keys, kim_account)
    invite = invite_clinician(db, lee, clinic.id, username=COLLEAGUE_EMAIL)
    answer_invite(db, Actor(kim_account, "clinician"), invite.id, accept=True)
    assert clinic.share_code is not None  # the host sees the code it made
    share_with_clinic(db, sam, clinic.share_code, "view")
    return kim_secret, clinic.id


def _owner_person(db: Database, tz: str) -> int:
    """The store's own person (created if missing); refused when it already has a diary."""
    from nightbridge.core.errors import NightbridgeError
    from nightbridge.core.profile import Profile
    from nightbridge.services.sleep.diary import list_entries
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.storage.tables.persons import PersonRow

    with db.transaction() as session:
        owner = PersonRepository(session).ensure_owner(Profile(tz=tz))
        row = session.get(PersonRow, owner)
        if row is not None and row.display_name in ("", "me"):
            row.display_name = "Sam"
        if row is not None:  # the demo person answered the first-login questions
            row.screened = row.located = True
    if list_entries(db, owner):
        raise NightbridgeError(
            "this store's own person already keeps a diary; load the demo into an empty "
            "store (for example: nightbridge --home /tmp/nightbridge-demo demo)"
        )
    return owner


def load_demo(
    db: Database,
    *,
    days: int = 42,
    today: dt.date | None = None,
    tz: str = "UTC",
    policy: AuthPolicy | None = None,
    keys: TotpKeys,
    progress: Progress | None = None,
    caseload: int = 0,
) -> DemoLogins:
    """Load the demo (see the module docstring) through the services, once.

    ``caseload``: that many more invented people share with Dr. Lee, so the caseload
    looks like a clinic's (``services.demo.demo_caseload``; ``nightbridge demo`` and
    ``serve --demo`` load ``DEMO_CASELOAD``).

    A second call finds the demo accounts and returns their logins without adding
    anything. ``tz`` is the zone of a store that has no person yet; ``today`` defaults
    to today on Sam's clock. ``progress(done, total)`` is called once per day loaded.
    """
    from zoneinfo import ZoneInfo

    from nightbridge.services.access import Actor
    from nightbridge.services.accounts.accounts import create_account
    from nightbridge.services.accounts.auth import AuthPolicy as Policy
    from nightbridge.services.accounts.notes import add_note
    from nightbridge.services.demo.demo_devices import import_demo_devices
    from nightbridge.services.demo.demo_window import load_second_diary
    from nightbridge.services.recovery.checkins import record_checkin
    from nightbridge.services.recovery.taper import set_taper
    from nightbridge.services.sleep.diary import person_zone

    found = _find_logins(db, keys)
    if found is not None:
        return found
    policy = policy or Policy()
    owner = _owner_person(db, tz)
    zone_name = person_zone(db, owner)
    zone = ZoneInfo(zone_name)
    now = dt.datetime.now(zone)
    today = today or now.date()
    plan = plan_demo(days, today=today)

    sam_account = create_account(
        db,
        policy,
        username=PERSON_EMAIL,
        password=PERSON_PASSWORD,
        role="person",
        display_name="Sam",
        person_id=owner,
    )
    jordan_account = create_account(
        db,
        policy,
        username=SECOND_EMAIL,
        password=SECOND_PASSWORD,
        role="person",
        display_name="Jordan",
        profile=Profile(tz=zone_name, screened=True, located=True),
    )
    jordan = _find_person(db, jordan_account)

    set_taper(
        db,
        owner,
        substance="kratom",
        start_amount=plan.taper_start,
        unit="g",
        start=plan.start,
        step_pct=plan.taper_step_pct,
        every_days=plan.taper_every_days,
    )
    total = len(plan.days) + 1 + caseload
    for done, day in enumerate(plan.days, start=1):
        _load_day(db, owner, day, zone, now, today)
        if progress:
            progress(done, total)
    import_demo_devices(db, owner, plan, zone_name, now)
    for offset in range(days - 1, 4, -3):
        record_checkin(
            db,
            jordan,
            today - dt.timedelta(days=offset),
            symptoms={"craving": 1, "anxiety": 1, "insomnia": 1},
            function=4,
            self_harm_thoughts=False,
            today=today,
        )
    load_second_diary(db, jordan, days, today)
    # The clinician comes last: a load cut short leaves no clinician, which
    # _find_logins reports instead of passing a half-loaded demo off as complete.
    clinician_account = create_account(
        db,
        policy,
        username=CLINICIAN_EMAIL,
        password=CLINICIAN_PASSWORD,
        role="clinician",
        display_name="Dr. Lee",
    )
    secret = _enrol_totp(db, policy, keys, clinician_account)
    clinician = Actor(clinician_account, "clinician")
    _share(db, Actor(sam_account, "person", owner), clinician)
    _share(db, Actor(jordan_account, "person", jordan), clinician)
    colleague_secret, clinic_id = _clinic(
        db, policy, keys, clinician, Actor(sam_account, "person", owner)
    )
    add_note(
        db,
        owner,
        clinician_account,
        f"Taper agreed: {plan.taper_start:g} g/day, down {plan.taper_step_pct:g} % every "
        f"{plan.taper_every_days} days. Sam chose the schedule; hold a step any time.",
    )
    add_note(
        db,
        owner,
        clinician_account,
        "Talked about the beer on a kratom day (urgent alert): Sam has naloxone and knows "
        "the signs of overdose. Sleep diary going well.",
    )
    _rate_demo_scales(db, owner, Actor(sam_account, "person", owner), clinician, today, days)
    if caseload:
        from nightbridge.services.demo.demo_caseload import load_caseload

        base = len(plan.days)
        load_caseload(
            db,
            clinician_account,
            count=caseload,
            today=today,
            now=now,
            tz=zone_name,
            progress=(lambda done, _all: progress(base + done, total)) if progress else None,
        )
    if progress:
        progress(total, total)
    return DemoLogins(
        clinician_totp_secret=secret,
        colleague_totp_secret=colleague_secret,
        clinic_id=clinic_id,
        person_id=owner,
        second_person_id=jordan,
        loaded=True,
    )


#: Sam's ISI totals (entered on the web) by days before today: moderate easing to
#: subthreshold; Dr. Lee's COWS ratings (Wesson & Ling 2003) by days before today: mild
#: early in the taper, none now (every number invented).
DEMO_ISI: tuple[tuple[int, int], ...] = ((35, 19), (21, 16), (7, 12))
DEMO_COWS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (34, (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)),
    (20, (1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0)),
    (6, (0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0)),
)


def _rate_demo_scales(
    db: Database, owner: int, sam: Actor, clinician: Actor, today: dt.date, days: int
) -> None:
    """Sam's ISI totals and Dr. Lee's COWS ratings inside the demo's span."""
    from nightbridge.services.recovery.questionnaires import record_cows, record_isi

    for back, total in DEMO_ISI:
        if back < days:
            record_isi(db, owner, total, by=sam, today=today - dt.timedelta(days=back))
    for back, answers in DEMO_COWS:
        if back < days:
            record_cows(db, owner, answers, by=clinician, today=today - dt.timedelta(days=back))


def _find_person(db: Database, account_id: int) -> int:
    from nightbridge.services.accounts.accounts import get_account

    person = get_account(db, account_id).person_id
    assert person is not None  # a person account always has its person
    return person


def _load_day(
    db: Database, person_id: int, day: DemoDay, zone: Any, now: dt.datetime, today: dt.date
) -> None:
    """One day of Sam's data, each part through its service."""
    from nightbridge.services.recovery.checkins import record_checkin
    from nightbridge.services.recovery.intake import log_intake
    from nightbridge.services.sleep.dashboard import save_evening_log
    from nightbridge.services.sleep.diary import record_entry

    if day.diary is not None:
        record_entry(db, person_id, day.diary, today=today)
    for item in day.intake:
        if item.substance != "kratom":
            continue  # caffeine and alcohol come with the evening log below
        at = dt.datetime.combine(day.date, item.at, zone)
        if at <= now:
            log_intake(db, person_id, item.substance, item.amount, item.unit, at, now=now)
    evening_at = dt.datetime.combine(day.date, dt.time(22, 0), zone)
    if evening_at <= now:
        e = day.evening
        save_evening_log(
            db,
            person_id,
            {
                "caffeine_cups": str(e.caffeine_cups),
                "last_caffeine": e.last_caffeine.strftime("%H:%M") if e.last_caffeine else "",
                "alcohol_drinks": str(e.alcohol_drinks) if e.alcohol_drinks else "",
                "last_alcohol": e.last_alcohol.strftime("%H:%M") if e.last_alcohol else "",
                "screens_last_hour": "yes" if e.screens_last_hour else "no",
                "exercise_min": str(e.exercise_min),
            },
            now=evening_at,
        )
    if day.date == today:
        return  # today's check-in is left for the person to do (the home page shows it)
    record_checkin(
        db,
        person_id,
        day.date,
        symptoms=day.symptoms,
        flags=day.flags,
        function=day.function,
        self_harm_thoughts=day.self_harm_thoughts,
        phq9=day.phq9,
        gad7=day.gad7,
        today=today,
    )
