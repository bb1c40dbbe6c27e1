"""The demo's caseload: the extra people share with Dr. Lee only, through the services,
with the spread of figures that makes the caseload worth looking at (both stores)."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.core.caseload import CaseloadQuery
from nightbridge.services.access import Actor
from nightbridge.services.accounts.auth import AuthPolicy
from nightbridge.services.clinic.caseload import caseload_page
from nightbridge.services.demo.demo import CLINICIAN_EMAIL, load_demo
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from tests.web.conftest import test_keys

FAST = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
TODAY = dt.date(2026, 3, 31)


def test_the_demo_caseload_looks_like_a_clinic(database: Database) -> None:
    now = dt.datetime.combine(TODAY, dt.time(12, 0), dt.UTC)
    with time_machine.travel(now, tick=False):  # the summaries' 7-day figures are as of now
        logins = load_demo(
            database, keys=test_keys(), days=14, today=TODAY, policy=FAST, caseload=18
        )
        again = load_demo(
            database, keys=test_keys(), days=14, today=TODAY, policy=FAST, caseload=18
        )
    assert logins.loaded and not again.loaded  # repeating adds nobody
    with database.reader() as session:
        clinician = AccountRepository(session).by_username(CLINICIAN_EMAIL)
        assert clinician is not None
    rows = caseload_page(
        database, Actor(clinician.id, "clinician"), CaseloadQuery(per_page=200), now=now
    ).rows
    assert len(rows) == 20  # Sam, Jordan and 18 more
    levels = {r.triage.top_level for r in rows}
    assert {"emergency", "urgent", None} <= levels
    assert sum(r.summary.taper_active for r in rows) >= 5
    assert any(r.triage.last_entry is None for r in rows)  # never started
    assert any((r.triage.days_since_entry or 0) >= 5 for r in rows)  # stale
    assert len({r.summary.phq9_total for r in rows}) >= 4
    assert len({round(r.summary.tst_7d_min or 0) for r in rows}) >= 10
