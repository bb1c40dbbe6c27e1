"""Which kinds of a person's data the CSV export holds, and where each is stored.

Every table with a ``person_id`` column is one of three things (a test checks that each
table is named here exactly once, so a new table cannot be left out unnoticed):

- ``TYPED``: written by a typed file of ``exporters.csv_export`` (``diary.csv`` ...), the
  kinds ``nightbridge restore`` reads back (or derives again);
- ``RECORDS``: written as a record file, the table's own columns (``cravings.csv`` ...):
  the person's copy, not read back by a CSV restore (a backup restores them:
  ``nightbridge backup``/``restore``);
- ``NOT_EXPORTED``: credentials and server bookkeeping, with the reason.
"""

from __future__ import annotations

#: Tables written by the typed files: table -> the file's kind.
TYPED: dict[str, str] = {
    "persons": "profile",
    "diary_entries": "diary",
    "toolkit_evening_logs": "evenings",
    "intake_events": "intake",
    "checkins": "checkins",
    "tapers": "taper",
    "device_samples": "device_samples",
    "device_nights": "device_nights",
    "alerts": "alerts",
}

#: What a row of each typed file is.
TYPED_HOLDS: dict[str, str] = {
    "profile": "the person's settings: zone, region, conditions, window settings",
    "diary": "a morning diary entry (the diary CSV of docs/cli.md)",
    "evenings": "an evening log: screens, bedroom temperature, nap",
    "intake": "a logged intake of a substance",
    "checkins": "a daily check-in: symptoms, red flags, PHQ-9, GAD-7",
    "taper": "the active taper's settings and holds",
    "device_samples": "a raw device sample (the nights are rebuilt from these)",
    "device_nights": "a device night (definitions.md section 7)",
    "alerts": "a recorded alert with its evidence",
}

#: Record files: kind -> (table, what a row is).
RECORDS: dict[str, tuple[str, str]] = {
    "cravings": ("toolkit_cravings", "a craving: when, how strong, what set it off, what helped"),
    "relapse_plan": (
        "toolkit_relapse_plans",
        "the relapse-prevention plan: warning signs, coping steps, contacts",
    ),
    "weekly_checkins": ("toolkit_weekly_checkins", "a weekly recovery check-in"),
    "thought_records": ("toolkit_thought_records", "a thought record (CBT-I)"),
    "program": ("toolkit_programs", "the day the sleep program started"),
    "lessons_done": ("toolkit_lessons_done", "a lesson of the program marked done"),
    "nudges_dismissed": ("toolkit_nudge_dismissals", "a nudge the person dismissed"),
    "reminders": ("toolkit_reminders", "the morning and evening reminder times"),
    "window_plans": ("window_plans", "a sleep window set (rise time, length, by whom)"),
    "questionnaires": (
        "questionnaire_scores",
        "an ISI total or a COWS rating: item scores, total, band, when and by whom",
    ),
    "device_activity": ("device_activity", "exercise minutes per day from a device"),
    "device_imports": ("device_imports", "a device import: when, which file, samples added"),
    "shares": ("shares", "a clinician the data is shared with (account id), since and until"),
    "access_log": ("audit_events", "who looked at or changed this person's data, and when"),
}

#: Tables with a ``person_id`` that the export leaves out, and why.
NOT_EXPORTED: dict[str, str] = {
    "accounts": "login credentials (password hash, TOTP secret), not data",
    "invites": "sharing invite codes (hashes): credentials, and short-lived",
    "import_jobs": "a running import's progress; what it stored is in device_imports",
    "person_summaries": "the clinician's list's summary of the other tables (alert level, "
    "latest figures), derived and rebuilt by `nightbridge summaries rebuild`",
    "clinician_notes": "the clinicians' notes: those shared with the person are on their "
    "account page and at GET /api/me/notes, the rest are the clinicians' own; the clinic "
    "answers a request for them (they are in every backup)",
    "person_reviews": "the clinic's working list: which alert a clinician marked reviewed, "
    "and when; the clinic answers a request for it (it is in every backup)",
    "person_tags": "the clinic's own labels for its caseload (clinic-defined tags); the "
    "clinic answers a request for them (they are in every backup)",
    "person_assignments": "which clinic member looks after the person on the clinic's "
    "list; the clinic answers a request for it (it is in every backup)",
    "notification_outbox": "emails to the clinic's on-call address waiting or sent: a "
    "count and a link, never the person's data (docs/notifications.md)",
}

#: How a CSV restore treats each typed kind.
RESTORED_AS: dict[str, str] = {
    "device_nights": "derived (rebuilt from the samples)",
    "alerts": "derived (evaluated again)",
}
