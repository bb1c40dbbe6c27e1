"""Demo caseload: more invented people who share with the demo clinician, so that the
caseload (``/clinician``) looks like a clinic's (issue 14 item 2).

Each person gets two weeks of data through the services, seeded: a diary imported as
one CSV (some sleep badly, some have stopped logging, some never started), a few
check-ins with withdrawal symptoms and, for most, a PHQ-9 and GAD-7; a few report a red
flag (urgent or emergency alerts) or a PHQ-9 in the advise band; about a quarter follow
a taper schedule (set as by a clinician: start amount, step and pace invented for the
demo, never a suggestion) with intake logged on some days, over target on a few. They
have no logins: only Dr. Lee sees them. Dr. Lee is the admin of a demo clinic whose
tags are on a third of them; half are assigned to Dr. Lee. Every number is invented.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable

from nightbridge.core.profile import Profile
from nightbridge.storage.database import Database

#: Invented names (first name and initial, as a clinic's list might show them).
NAMES: tuple[str, ...] = (
    "Aisha K.", "Ben O.", "Carmen R.", "Dmitri P.", "Efua A.", "Farid H.", "Grace L.",
    "Hiro T.", "Ines M.", "Jamal W.", "Kai N.", "Lucia F.", "Marcus B.", "Nadia S.",
    "Owen D.", "Priya V.", "Quentin E.", "Rosa G.", "Samir J.", "Tara C.", "Umar Y.",
    "Vera Z.", "Wes P.", "Xin L.", "Yusuf R.", "Zoe M.", "Amara D.", "Bruno K.",
    "Chloe T.", "Dev S.", "Elena V.", "Felix N.", "Gita R.", "Hector A.", "Ivy C.",
    "Jonas F.", "Keiko H.", "Leon W.", "Maya O.", "Nico B.", "Olga I.", "Pablo E.",
    "Rina U.", "Soren G.", "Tomas Q.", "Uma J.", "Viktor L.", "Wren H.",
)  # fmt: skip
SEED = 20261207
#: The demo clinic's tags (Dr. Lee is its clinic admin).
TAGS: tuple[str, ...] = ("New intake", "Taper review", "Follow-up call", "Group B")
DIARY_HEADER = "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"


def _diary_csv(rng: random.Random, today: dt.date, *, last_ago: int, poor: bool) -> str:
    """14 mornings ending ``last_ago`` days ago; ``poor``: long nights awake."""
    lines = [DIARY_HEADER]
    for ago in range(13 + last_ago, last_ago - 1, -1):
        if rng.random() < 0.1:
            continue  # a morning without an entry
        day = today - dt.timedelta(days=ago)
        sol = rng.randrange(15, 70) if poor else rng.randrange(5, 25)
        waso = rng.randrange(40, 120) if poor else rng.randrange(5, 35)
        wake = f"06:{rng.randrange(30, 56):02d}"
        quality = rng.randrange(1, 3) if poor else rng.randrange(3, 6)
        lines.append(
            f"{day.isoformat()},22:{rng.randrange(40, 58):02d},23:00,{sol},"
            f"{2 if waso else 0},{waso},{wake},07:00,{quality}"
        )
    return "\n".join(lines) + "\n"


def _answers(rng: random.Random, total: int, items: int) -> list[int]:
    """Item answers (0..3) summing to ``total``; the last PHQ-9 item (self-harm) is 0."""
    answers = [0] * items
    for _ in range(total):
        free = [i for i in range(items - (1 if items == 9 else 0)) if answers[i] < 3]
        answers[rng.choice(free)] += 1
    return answers


def load_caseload(
    db: Database,
    clinician_id: int,
    *,
    count: int = len(NAMES),
    today: dt.date,
    now: dt.datetime,
    tz: str = "UTC",
    seed: int = SEED,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """``count`` demo people sharing with ``clinician_id`` (see the module docstring);
    their person ids."""
    from zoneinfo import ZoneInfo

    from nightbridge.services.recovery.checkins import record_checkin
    from nightbridge.services.recovery.intake import log_intake
    from nightbridge.services.recovery.taper import set_taper
    from nightbridge.services.sleep.diary import import_diary
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.storage.repositories.shares import ShareRepository

    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    morning_over = now.astimezone(ZoneInfo(tz)).time() >= dt.time(7, 5)
    names = [NAMES[i % len(NAMES)] for i in range(count)]
    with db.transaction() as session:
        persons = PersonRepository(session)
        ids = [
            persons.create(Profile(tz=tz, screened=True, located=True), display_name=name)
            for name in names
        ]
        shares = ShareRepository(session)
        for pid in ids:
            shares.add_share(pid, clinician_id, now)
    for n, pid in enumerate(ids):
        kind = n % 8
        if kind != 7:  # one in eight has not started the diary
            last_ago = rng.choice((0, 0, 0, 1, 1, 2, 4, 6)) if kind != 3 else 9
            if last_ago == 0 and not morning_over:
                last_ago = 1  # this morning's entry only once its out-of-bed time has passed
            csv = _diary_csv(rng, today, last_ago=last_ago, poor=kind in (1, 4))
            import_diary(db, pid, io.StringIO(csv))
        if kind in (3, 7):
            continue  # no check-ins either
        easing = rng.random() < 0.6
        for ago in (12, 8, 5, 2):
            level = max(0, min(4, (1 if easing and ago < 7 else 2) + rng.randrange(-1, 2)))
            questionnaire = ago == 2 and rng.random() < 0.85
            phq9_total = rng.choice((3, 6, 8, 11, 13, 16)) if questionnaire else 0
            gad7_total = rng.choice((2, 5, 7, 9, 11, 14)) if questionnaire else 0
            record_checkin(
                db,
                pid,
                today - dt.timedelta(days=ago),
                symptoms={"anxiety": level, "insomnia": level, "craving": level, "aches": level},
                function=rng.randrange(2, 5),
                self_harm_thoughts=False,
                phq9=_answers(rng, phq9_total, 9) if questionnaire else None,
                gad7=_answers(rng, gad7_total, 7) if questionnaire else None,
                today=today,
            )
        if n % 11 == 5:  # a red flag today or yesterday: urgent or emergency
            flag = "seizure" if n == 16 else "vomiting_24h" if n % 2 else "jaundice"
            record_checkin(db, pid, today - dt.timedelta(days=n % 2), flags=[flag], today=today)
        if n % 4 == 2:
            start_amount = rng.choice((6, 8, 10, 12))
            set_taper(
                db,
                pid,
                substance="kratom",
                start_amount=str(start_amount),
                unit="g",
                start=today - dt.timedelta(days=rng.randrange(8, 20)),
                step_pct="10",
                every_days=7,
                today=today,
            )
            for ago in (8, 7, 6, 5, 3, 2, 1):
                over = rng.random() < 0.2
                amount = start_amount * (1.1 if over else 0.8)
                at = dt.datetime.combine(today - dt.timedelta(days=ago), dt.time(9, 0), dt.UTC)
                log_intake(db, pid, "kratom", f"{amount:.1f}", "g", at, now=now)
        if progress:
            progress(n + 1, count)
    _organise(db, clinician_id, ids, now, seed)
    return ids


def _organise(db: Database, clinician_id: int, ids: list[int], now: dt.datetime, seed: int) -> None:
    """The demo clinic, its tags on some people, Dr. Lee assigned to half of them."""
    from sqlalchemy import select

    from nightbridge.services.access import Actor
    from nightbridge.services.clinic.tags import add_clinic_tag, assign_person, set_person_tags
    from nightbridge.storage.repositories.clinics import ClinicRepository
    from nightbridge.storage.tables.accounts import AccountRow

    with db.transaction() as session:
        clinics = ClinicRepository(session)
        mine = clinics.clinics_of(clinician_id)  # the demo's clinic, when it has one
        if mine:
            clinic = mine[0][0].id
        else:
            clinic = clinics.create("Riverside clinic (demo)", f"DEMO{seed % 10**8:08d}", now).id
            clinics.add_member(clinic, clinician_id, "clinic_admin", now)
        username = session.scalar(select(AccountRow.username).where(AccountRow.id == clinician_id))
    actor = Actor(clinician_id, "clinician")
    for name in TAGS:
        add_clinic_tag(db, actor, clinic, name)
    for n, pid in enumerate(ids):
        if n % 3 == 0:
            tags = [TAGS[n % len(TAGS)]] + ([TAGS[1]] if n % 9 == 0 else [])
            set_person_tags(db, actor, pid, tags, clinic_id=clinic, object="demo")
        if n % 2 == 0:
            assign_person(db, actor, pid, username, clinic_id=clinic, object="demo")
