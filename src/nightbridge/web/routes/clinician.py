"""The clinician's view: the triage list, and one person's page with the same charts,
alerts and their evidence, questionnaires over time, intake against the taper, and the
forms a clinician may use (sleep-window settings, taper schedule, notes).

Every page about a person goes through ``ReadScope``/``ManageScope`` (the one permission
check, audited); the ``/clinician`` pages are for clinicians only (``ClinicianActor``),
so a person manages their own settings and taper on their own pages, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import parse_day
from nightbridge.web.deps import (
    ClinicianActor,
    DatabaseDep,
    FormDep,
    ManageScope,
    ReadScope,
    render,
)
from nightbridge.web.forms import errors_by_field

router = APIRouter()

WINDOW_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("floor_min", "Shortest window (minutes)", "300 = 5 h"),
    ("raise_at_pct", "Lengthen when sleep efficiency is at least (%)", "default 90"),
    ("lower_at_pct", "Shorten when sleep efficiency is below (%)", "default 85"),
    ("step_min", "Step (minutes)", "default 15"),
)
TAPER_FIELDS: tuple[str, ...] = (
    "substance",
    "start_amount",
    "unit",
    "start",
    "step_pct",
    "every_days",
    "min_step",
    "holds",
)
#: What the "saved" banner says for each form (never the form's internal name).
SAVED: dict[str, str] = {
    "settings": "Saved: the sleep-window settings.",
    "window": "Saved: the rise time and window.",
    "taper": "Saved: the taper schedule.",
    "taper-unchanged": "Nothing changed: this is the taper schedule in force, so nothing "
    "was stored.",
    "note": "Saved: the note.",
    "cows": "Saved: the COWS rating.",
}
#: The section each form is in: a save goes back to it (``#taper``), not the top.
SECTION_OF: dict[str, str] = {
    "settings": "settings",
    "window": "window",
    "taper": "taper",
    "taper-unchanged": "taper",
    "note": "notes",
    "cows": "questionnaires",
}


def parse_holds(text: str) -> list[Any]:
    """``"3:7, 5:14"`` -> holds (step 3 held 7 more days, ...); InvalidInput on ``holds``."""
    from nightbridge.core.taper import Hold

    holds = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        step, sep, days = part.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            holds.append(Hold(int(step), int(days)))
        except ValueError:
            raise InvalidInput.one(
                "holds", f"{part.strip()!r} is not step:days (for example 3:7)"
            ) from None
    return holds


def holds_text(plan: Any) -> str:
    """The holds of ``plan`` as the form shows them (``"3:7, 5:14"``)."""
    return ", ".join(f"{h.step}:{h.days}" for h in plan.holds) if plan else ""


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """An alert's evidence as short readable lines (a list of interactions becomes the
    rule names and their one-line why, not a Python repr)."""
    lines: list[str] = []
    for key, value in evidence.items():
        label = key.replace("_", " ")
        if isinstance(value, list | tuple):
            parts = []
            for item in value:
                if isinstance(item, dict):
                    name = str(item.get("rule") or item.get("name") or item.get("code") or "")
                    why = str(item.get("why") or "")
                    parts.append(f"{name.replace('_', ' ')}: {why}" if why else name)
                else:
                    parts.append(str(item).replace("_", " "))
            lines.append(f"{label}: {'; '.join(parts)}")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items())
            lines.append(f"{label}: {inner}")
        else:
            lines.append(f"{label}: {value}")
    return lines


#: The caseload's columns: (sort key or "", heading, what the heading's title says).
CASELOAD_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "Person", ""),
    ("alert", "Alert", "The most urgent alert in force (today and the two days before)"),
    ("trend", "Trend", "The last 7 days against the 7 before"),
    ("last_entry", "Last entry", "Days since the last diary entry or check-in"),
    ("tst", "Sleep (7 d)", "Mean total sleep time of the diary nights of the last 7 days"),
    ("se", "Efficiency", "Mean sleep efficiency of the diary nights of the last 7 days"),
    ("isi", "ISI", "Latest Insomnia Severity Index total (0-28)"),
    ("phq9", "PHQ-9", "Latest PHQ-9 total (0-27)"),
    ("gad7", "GAD-7", "Latest GAD-7 total (0-21)"),
    ("taper", "Taper", "Days of the taper so far with intake logged at or under the target"),
)
#: The choices of the caseload's filter menus: (value, words).
CASELOAD_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "alert": (
        ("", "Any or none"),
        ("any", "Any alert"),
        ("emergency", "Emergency"),
        ("crisis", "Crisis"),
        ("urgent", "Urgent"),
        ("advise", "Advise"),
        ("none", "No alert"),
    ),
    "reviewed": (("", "Either"), ("no", "Not reviewed"), ("yes", "Reviewed")),
    "taper": (("", "Either"), ("yes", "Taper in force"), ("no", "No taper")),
    "sort": (
        ("triage", "Most urgent first"),
        ("name", "Name"),
        ("alert", "Alert"),
        ("trend", "Trend"),
        ("last_entry", "Last entry"),
        ("tst", "Sleep (7 d)"),
        ("se", "Efficiency"),
        ("isi", "ISI"),
        ("phq9", "PHQ-9"),
        ("gad7", "GAD-7"),
        ("taper", "Taper"),
    ),
    "order": (("asc", "Normal"), ("desc", "Reversed")),
}


def band_of(instrument: str, total: int | None) -> str:
    """The band of a questionnaire total in words ("moderately severe"), "" for none."""
    from nightbridge.core.instruments import INSTRUMENTS

    if total is None:
        return ""
    try:
        return INSTRUMENTS[instrument].band_for(total).replace("_", " ")
    except (KeyError, InvalidInput):
        return ""


def hours_minutes(minutes: float) -> str:
    """400.4 -> "6 h 40"."""
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d}"


def caseload_context(
    query: Any, found: Any, values: dict[str, str], organised: Any = None
) -> dict[str, Any]:
    from urllib.parse import urlencode

    from nightbridge.core.caseload import DEFAULT_ORDER

    def link(**changes: object) -> str:
        params = query.params(**changes) if query is not None else {}
        return "/clinician" + ("?" + urlencode(params) if params else "")

    def sort_link(column: str) -> str:
        if query is not None and query.sort == column:
            flipped = "desc" if query.order == "asc" else "asc"
            return link(sort=column, order=flipped, page=None)
        return link(sort=column, order=None, page=None)

    return {
        "title": "Caseload",
        "wide": True,
        "query": query,
        "listing": found,
        "rows": found.rows if found else [],
        "values": values,
        "columns": CASELOAD_COLUMNS,
        "choices": {
            **CASELOAD_CHOICES,
            "tag": (("", "Any"), *((t, t) for t in (organised.tags if organised else []))),
            "assigned": (
                ("", "Any or none"),
                ("me", "Me"),
                ("none", "No one"),
                *((m, m) for m in (organised.members if organised else [])),
            ),
        },
        "organised": organised,
        "default_order": DEFAULT_ORDER,
        "link": link,
        "sort_link": sort_link,
        "here": link(),
        "band": band_of,
        "hm": hours_minutes,
    }


@router.get("/clinician", include_in_schema=False)
def caseload(request: Request, db: DatabaseDep, actor: ClinicianActor) -> Response:
    """The caseload: search, filters, sortable columns and pages (docs/caseload.md); a
    refused filter is named above the list (422), which is then not shown."""
    from nightbridge.core.caseload import LABELS, parse_query
    from nightbridge.services.clinic.caseload import caseload_page
    from nightbridge.services.clinic.tags import organising

    values = {name: str(request.query_params.get(name, "")) for name in LABELS}
    organised = organising(db, actor)
    try:
        query = parse_query(values)
    except InvalidInput as exc:
        context = caseload_context(None, None, values, organised)
        context["errors"] = errors_by_field(exc)
        return render(request, "clinician/triage.html", context, status_code=422)
    found = caseload_page(db, actor, query)
    context = caseload_context(query, found, values, organised)
    context["errors"] = {}
    context["reviewed_now"] = request.query_params.get("reviewed_person", "")
    return render(request, "clinician/triage.html", context)


@router.post("/clinician/people/{person_id}/review", include_in_schema=False)
def review(
    request: Request, person_id: int, form: FormDep, db: DatabaseDep, actor: ClinicianActor
) -> Response:
    """Mark the person's alerts reviewed (any clinician who sees them may); back to the
    list as it was (``back``: a caseload address) or to the person's page."""
    from nightbridge.services.clinic.caseload import review_person

    review_person(db, actor, person_id, object="POST /clinician/people/{person_id}/review")
    back = str(form.get("back", ""))
    own = ("/clinician?", f"/clinician/people/{person_id}")
    if not (back == "/clinician" or back.startswith(own)):
        back = "/clinician"
    return RedirectResponse(back, status_code=303)


def person_page_context(db: DatabaseDep, person_id: int) -> dict[str, Any]:
    """Everything the clinician's person page shows (also used after a refused form):
    the one-screen summary first, then the sections the in-page menu reaches."""
    from zoneinfo import ZoneInfo

    from nightbridge.core.triage import ALERT_LOOKBACK_DAYS
    from nightbridge.core.window_plan import describe_history
    from nightbridge.services.accounts.notes import list_notes
    from nightbridge.services.clinic.person_summary import latest_scores, week_sleep
    from nightbridge.services.recovery.intake import list_intake
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.recovery.taper import get_taper, taper_adherence, taper_history
    from nightbridge.services.sleep.dashboard import build_trends, person_today_date, person_zone
    from nightbridge.services.sleep.profile import get_profile
    from nightbridge.services.sleep.window import current_plan, plan_history
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.web.routes.trends import trend_charts

    today = person_today_date(db, person_id)
    view = build_trends(db, person_id, end=today, days=42)
    with db.reader() as session:
        name = PersonRepository(session).display_name(person_id)
    zone = ZoneInfo(person_zone(db, person_id))
    intake = [
        (e.at.astimezone(zone), e)
        for e in list_intake(db, person_id, today - dt.timedelta(days=13), today)
    ]
    ratings = list_ratings(db, person_id, today - dt.timedelta(days=SCALE_DAYS - 1), today)
    recent = alerts_between(db, person_id, today - dt.timedelta(days=41), today)
    in_force_from = today - dt.timedelta(days=ALERT_LOOKBACK_DAYS)
    plans = plan_history(db, person_id)
    profile = get_profile(db, person_id)
    return {
        "title": name or "Person",
        "person_id": person_id,
        "name": name,
        "today": today,
        "view": view,
        "charts": trend_charts(view, prefix="p-"),
        "summary_charts": summary_charts(db, person_id, view, ratings, plans),
        "week": week_sleep(view.nights, today),
        "latest": latest_scores(view.checkins, ratings),
        "alerts_in_force": [a for a in recent if a.date >= in_force_from],
        "lookback_days": ALERT_LOOKBACK_DAYS,
        "alerts_now": [a for a in recent if a.date == today],
        "alerts_recent": recent,
        "questionnaires": [c for c in view.checkins if c.phq9 is not None or c.gad7 is not None],
        "ratings": list(reversed(ratings)),
        "cows": cows_content(),
        "intake": list(reversed(intake)),
        "taper": get_taper(db, person_id),
        "taper_history": taper_history(db, person_id),
        "holds_text": holds_text,
        "adherence": taper_adherence(db, person_id, today=today),
        "notes": list_notes(db, person_id),
        "profile": profile,
        **screen_context(profile),
        "window_fields": WINDOW_FIELDS,
        "window_plan": current_plan(db, person_id),
        "window_history": describe_history(plans),
        "evidence_lines": evidence_lines,
        "sections": SECTIONS,
        "wide": True,
        "errors": {},
        "form": "",
        "values": {},
    }


#: How far back the questionnaires chart and the ratings table reach (days).
SCALE_DAYS = 84
#: The page's sections, in order, as the in-page menu names them (id, words).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("alerts", "Alerts"),
    ("sleep", "Sleep"),
    ("intake", "Intake and taper"),
    ("questionnaires", "Questionnaires and COWS"),
    ("window", "Window"),
    ("screen", "Conditions"),
    ("settings", "Window settings"),
    ("taper", "Taper schedule"),
    ("notes", "Notes"),
)


def cows_content() -> dict[str, Any]:
    """The COWS items and anchors, word for word from content/instruments/cows.json."""
    from nightbridge.content import load_json

    doc: dict[str, Any] = load_json("instruments/cows.json")
    return doc


def summary_charts(
    db: DatabaseDep, person_id: int, view: Any, ratings: list[Any], plans: list[Any]
) -> dict[str, Any]:
    """The summary's charts (reports.charts, the Trends page's drawings): the window in
    force over 6 weeks with each week's pooled sleep efficiency, logged intake against
    the taper target with the symptom score, and every questionnaire on its own scale."""
    from nightbridge.reports.charts import (
        ScaleSeries,
        draw_intake_symptoms,
        draw_scale_strips,
        draw_window_weeks,
    )
    from nightbridge.services.clinic.person_summary import SCALES, band_edges, scale_points
    from nightbridge.services.recovery.intake import intake_trend
    from nightbridge.services.recovery.questionnaires import LABELS

    if view.window is not None and view.window.paused:
        plans = plans[:-1]  # the stored window waits (early withdrawal): not in force
    start = view.start  # six weeks, as the Trends page
    totals = {day: sum(scores.values()) for day, scores in view.symptom_days() if day >= start}
    points = scale_points(view.checkins, ratings)
    series = []
    for key in SCALES:
        first, edges = band_edges(key)
        series.append(
            ScaleSeries(
                key,
                LABELS[key],
                get_max(key),
                edges,
                tuple(points.get(key, ())),
                first_band=first,
            )
        )
    return {
        "window": draw_window_weeks(
            view.nights,
            [p for p in plans if p.set_on <= view.end],
            end=view.end,
            weeks=6,
            chart_id="s-window",
            title="Sleep window in force and each week's sleep efficiency",
            setter_words={"clinician": "a clinician", "person": "the person"},
        ),
        "intake": draw_intake_symptoms(
            intake_trend(db, person_id, start, view.end),
            totals,
            start=start,
            end=view.end,
            chart_id="s-intake",
            target_words="the taper target someone set",
        ),
        "scales": draw_scale_strips(
            series,
            start=view.end - dt.timedelta(days=SCALE_DAYS - 1),
            end=view.end,
            chart_id="s-scales",
        ),
    }


def get_max(key: str) -> int:
    from nightbridge.core.instruments import get_instrument

    return get_instrument(key).max_total


def screen_context(profile: Any) -> dict[str, Any]:
    """The restriction-safety screen's answers and labels (web/routes/safety_profile.py)."""
    from nightbridge.core.profile import CONDITION_LABELS, SAFETY_JOB_LABEL
    from nightbridge.web.routes.safety_profile import form_values

    return {
        "screen": form_values(profile),
        "condition_labels": CONDITION_LABELS,
        "job_label": SAFETY_JOB_LABEL,
    }


@router.get("/clinician/people/{person_id}", include_in_schema=False)
def person_page(
    request: Request, db: DatabaseDep, actor: ClinicianActor, scope: ReadScope, saved: str = ""
) -> Response:
    context = person_page_context(db, scope.person_id)
    context["saved"] = SAVED.get(saved, "")
    return render(request, "clinician/person.html", context)


def _refused(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    form: str,
    values: dict[str, str],
    exc: InvalidInput,
) -> Response:
    context = person_page_context(db, person_id)
    context.update({"errors": errors_by_field(exc), "form": form, "values": values})
    return render(request, "clinician/person.html", context, status_code=422)


def _number(values: dict[str, str], name: str, problems: list[Problem], kind: type = float) -> Any:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a number"))
        return None


@router.post("/clinician/people/{person_id}/settings", include_in_schema=False)
def save_settings(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.sleep.profile import update_profile

    values = {name: str(form.get(name, "")).strip() for name, _, _ in WINDOW_FIELDS}
    problems: list[Problem] = []
    changes = {
        name: _number(values, name, problems, int if name.endswith("_min") else float)
        for name, _, _ in WINDOW_FIELDS
    }
    try:
        if problems:
            raise InvalidInput(problems)
        update_profile(db, scope.person_id, by="clinician", **changes)
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "settings", values, exc)
    return _saved(scope.person_id, "settings")


@router.post("/clinician/people/{person_id}/window", include_in_schema=False)
def save_window(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    """Set the rise time and window in force (by the clinician), from today; the window
    empty stores the rise time alone (definitions.md section 2)."""
    from nightbridge.services.sleep.window import parse_rise, set_plan

    values = {name: str(form.get(name, "")).strip() for name in ("rise", "window_min")}
    problems: list[Problem] = []
    rise = None
    try:
        rise = parse_rise(values["rise"])
    except InvalidInput as exc:
        problems.extend(exc.problems)
    window = _number(values, "window_min", problems, int)
    try:
        if problems or rise is None:
            raise InvalidInput(problems)
        set_plan(db, scope.person_id, rise=rise, window_min=window, by="clinician")
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "window", values, exc)
    return _saved(scope.person_id, "window")


@router.post("/clinician/people/{person_id}/taper", include_in_schema=False)
def save_taper(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.recovery.taper import set_taper

    values = {name: str(form.get(name, "")).strip() for name in TAPER_FIELDS}
    values["clinician_override"] = "yes" if form.get("clinician_override") else ""
    problems: list[Problem] = []
    start: dt.date | None = None
    holds: list[Any] = []
    try:
        start = parse_day(values["start"], "start")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        holds = parse_holds(values["holds"])
    except InvalidInput as exc:
        problems.extend(exc.problems)
    every = _number(values, "every_days", problems, int)
    try:
        if problems or start is None:
            raise InvalidInput(problems)
        saved = set_taper(
            db,
            scope.person_id,
            substance=values["substance"],
            start_amount=values["start_amount"],
            unit=values["unit"],
            start=start,
            step_pct=values["step_pct"],
            every_days=every,
            min_step=values["min_step"] or None,
            holds=holds,
            clinician_override=bool(values["clinician_override"]),
            by=actor,
            confirm_raise=bool(form.get("confirm_raise")),
        )
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "taper", values, exc)
    done = "taper" if saved.changed else "taper-unchanged"
    return _saved(scope.person_id, done)


@router.post("/clinician/people/{person_id}/notes", include_in_schema=False)
def save_note(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.accounts.notes import add_note

    body = str(form.get("body", ""))
    shared = form.get("shared") == "yes"
    try:
        add_note(db, scope.person_id, actor.account_id, body, shared=shared)
    except InvalidInput as exc:
        values = {"body": body, "shared": "yes" if shared else ""}
        return _refused(request, db, scope.person_id, "note", values, exc)
    return _saved(scope.person_id, "note")


@router.post("/clinician/people/{person_id}/cows", include_in_schema=False)
def save_cows(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    """Record a COWS rating (Wesson & Ling 2003, rated by a clinician as published):
    the manage permission, as for the taper and notes (services/access.py); the row
    keeps who rated it. Every unanswered or disallowed item is named ("COWS, question
    3") and nothing is stored."""
    from nightbridge.services.recovery.questionnaires import parse_answers, record_cows

    count = len(cows_content()["items"])
    values = {f"cows_{i}": str(form.get(f"cows_{i}", "")).strip() for i in range(1, count + 1)}
    answers, problems = parse_answers(list(values.values()), "cows")
    try:
        if problems:
            raise InvalidInput(problems)
        record_cows(db, scope.person_id, answers, by=actor)
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "cows", values, exc)
    return _saved(scope.person_id, "cows")


def _saved(person_id: int, what: str) -> Response:
    """303 back to the page, at the section of the form just saved."""
    section = SECTION_OF.get(what, "summary")
    return RedirectResponse(
        f"/clinician/people/{person_id}?saved={what}#{section}", status_code=303
    )
