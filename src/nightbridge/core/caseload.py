"""The clinician's caseload: which people to list, in which order (pure: the query as
asked, checked; ``storage.repositories.summaries`` turns it into one SQL statement).

Filters (all optional, combined with AND; docs/caseload.md):

- ``q``: part of the name, case-blind;
- ``alert``: the most urgent alert level in force (today's alerts and those of the
  ``core.triage.ALERT_LOOKBACK_DAYS`` days before), one of ``LEVELS``, or ``any`` (some
  alert in force) or ``none``;
- ``stale_days``: no diary entry or check-in for at least this many days (never counts
  as stale);
- ``tag``: carries the tag (its name, case-blind);
- ``assigned``: ``me``, ``none`` or a clinician's user name;
- ``taper``: ``yes`` (a taper schedule is in force) or ``no``;
- ``reviewed``: ``yes`` (a review covers every alert recorded) or ``no`` (an alert in
  force that no review covers).

Sort columns (``SORTS``) each have a default order, the one that puts whom to look at
first on top (``DEFAULT_ORDER``); ``order`` reverses it. People with no value in the
sorted column come last in either order; ties fall back to the triage order
(``core.triage``), then the name and id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from nightbridge.core.alerts import LEVELS
from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.triage import PersonSummary, TriageRow

ALERT_FILTERS: tuple[str, ...] = (*LEVELS, "any", "none")
YES_NO: tuple[str, ...] = ("yes", "no")
#: Sort column -> the default order ("asc": smallest value first).
DEFAULT_ORDER: dict[str, str] = {
    "triage": "asc",  # the triage order (core.triage): most urgent first
    "name": "asc",
    "alert": "asc",  # rank 0 = emergency: most urgent first
    "trend": "asc",  # worsening, steady, improving, unknown
    "last_entry": "asc",  # oldest (stalest) first
    "tst": "asc",  # 7-day mean total sleep time: shortest first
    "se": "asc",  # 7-day mean sleep efficiency: lowest first
    "isi": "desc",  # highest (most severe) first
    "phq9": "desc",
    "gad7": "desc",
    "taper": "asc",  # taper adherence: lowest share of days at or under target first
}
SORTS: tuple[str, ...] = tuple(DEFAULT_ORDER)
ORDERS: tuple[str, ...] = ("asc", "desc")
PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_STALE_DAYS = 3650
MAX_QUERY = 120
MAX_PAGE = 1_000_000

#: Each filter as the caseload page labels it (a refusal names it so).
LABELS: dict[str, str] = {
    "q": "Search by name",
    "alert": "Alert level",
    "stale_days": "No entry for (days)",
    "tag": "Tag",
    "assigned": "Assigned clinician",
    "taper": "Taper",
    "reviewed": "Reviewed",
    "sort": "Sort by",
    "order": "Order",
    "page": "Page",
    "per_page": "People per page",
}


@dataclass(frozen=True, slots=True)
class CaseloadQuery:
    """One view of the caseload, checked (``parse_query``)."""

    q: str = ""
    alert: str | None = None
    stale_days: int | None = None
    tag: str | None = None
    assigned: str | None = None
    taper: bool | None = None
    reviewed: bool | None = None
    sort: str = "triage"
    order: str = "asc"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def descending(self) -> bool:
        return self.order == "desc"

    def params(self, **changes: object) -> dict[str, str]:
        """The query string of this view (with ``changes``), leaving out defaults."""
        values: dict[str, object] = {
            "q": self.q,
            "alert": self.alert,
            "stale_days": self.stale_days,
            "tag": self.tag,
            "assigned": self.assigned,
            "taper": _yes_no(self.taper),
            "reviewed": _yes_no(self.reviewed),
            "sort": self.sort if self.sort != "triage" else None,
            "order": self.order if self.order != DEFAULT_ORDER[self.sort] else None,
            "page": self.page if self.page != 1 else None,
            "per_page": self.per_page if self.per_page != PER_PAGE else None,
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list (not sort or paging)."""
        return bool(
            self.q
            or self.alert
            or self.stale_days is not None
            or self.tag
            or self.assigned
            or self.taper is not None
            or self.reviewed is not None
        )


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _choice(
    values: Mapping[str, str], name: str, allowed: tuple[str, ...], problems: list[Problem]
) -> str | None:
    text = (values.get(name) or "").strip().lower()
    if not text:
        return None
    if text not in allowed:
        problems.append(Problem(name, f"{text!r} is not one of: {', '.join(allowed)}"))
        return None
    return text


def _whole(
    values: Mapping[str, str], name: str, low: int, high: int, problems: list[Problem]
) -> int | None:
    text = (values.get(name) or "").strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        problems.append(Problem(name, f"{text[:40]!r} is not a whole number"))
        return None
    if not low <= number <= high:
        problems.append(Problem(name, f"must be between {low} and {high}"))
        return None
    return number


def _text(values: Mapping[str, str], name: str, most: int, problems: list[Problem]) -> str:
    text = " ".join((values.get(name) or "").split())
    if len(text) > most:
        problems.append(Problem(name, f"at most {most} characters"))
        return ""
    if any(ord(c) < 32 or c == "\x7f" for c in text):
        problems.append(Problem(name, "contains a control character"))
        return ""
    return text


def parse_query(values: Mapping[str, str]) -> CaseloadQuery:
    """The caseload view asked for by ``values`` (query-string text), every refused value
    named at once (``InvalidInput``, fields as in ``LABELS``)."""
    problems: list[Problem] = []
    q = _text(values, "q", MAX_QUERY, problems)
    alert = _choice(values, "alert", ALERT_FILTERS, problems)
    stale = _whole(values, "stale_days", 1, MAX_STALE_DAYS, problems)
    tag = _text(values, "tag", 40, problems) or None
    assigned = _text(values, "assigned", 80, problems) or None
    taper = _choice(values, "taper", YES_NO, problems)
    reviewed = _choice(values, "reviewed", YES_NO, problems)
    sort = _choice(values, "sort", SORTS, problems) or "triage"
    order = _choice(values, "order", ORDERS, problems) or DEFAULT_ORDER[sort]
    page = _whole(values, "page", 1, MAX_PAGE, problems) or 1
    per_page = _whole(values, "per_page", 1, MAX_PER_PAGE, problems) or PER_PAGE
    if problems:
        raise InvalidInput(problems)
    return CaseloadQuery(
        q=q,
        alert=alert,
        stale_days=stale,
        tag=tag,
        assigned=assigned.lower() if assigned in ("me", "none", "ME", "None", "NONE") else assigned,
        taper=None if taper is None else taper == "yes",
        reviewed=None if reviewed is None else reviewed == "yes",
        sort=sort,
        order=order,
        page=page,
        per_page=per_page,
    )


def taper_on_target_pct(days_elapsed: int, days_logged: int, days_over: int) -> float | None:
    """Taper adherence: the share of the taper's days so far with intake logged at or
    under the day's target, in percent (None before the first day). A day with nothing
    logged is not counted as on target: it is unknown (docs/caseload.md)."""
    if days_elapsed <= 0:
        return None
    return 100.0 * (days_logged - days_over) / days_elapsed


@dataclass(frozen=True, slots=True)
class Review:
    """The latest review of a person's alerts: who (their user name; None when the
    account is gone), when, and the newest alert recorded then (None: there was none)."""

    by: str | None
    at: dt.datetime
    alert_id: int | None

    def to_dict(self) -> dict[str, object]:
        return {"by": self.by, "at": self.at.isoformat(), "alert_id": self.alert_id}


#: A person's review state: an alert in force that no review covers; a review that
#: covers every alert recorded; or neither (no alert in force, never reviewed).
REVIEW_STATES: tuple[str, ...] = ("to_review", "reviewed", "none")


def review_state(top_level: str | None, last_alert_id: int | None, review: Review | None) -> str:
    """The person's review state (``REVIEW_STATES``; the ``reviewed`` filter's rule)."""
    covered = review is not None and (last_alert_id or 0) <= (review.alert_id or 0)
    if top_level is not None and not covered:
        return "to_review"
    return "reviewed" if covered else "none"


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One person on the caseload: the triage row (alerts in force, trend, last entry),
    the summary's figures, the latest review, tags and the assigned clinician."""

    triage: TriageRow
    summary: PersonSummary
    review: Review | None = None
    tags: tuple[str, ...] = ()
    assigned: str | None = None

    @property
    def person_id(self) -> int:
        return self.triage.person_id

    @property
    def review_state(self) -> str:
        return review_state(self.triage.top_level, self.summary.last_alert_id, self.review)

    @property
    def taper_on_target_pct(self) -> float | None:
        if not self.summary.taper_active:
            return None
        t = self.summary.taper
        return taper_on_target_pct(t.days_elapsed, t.days_logged, t.days_over)

    def to_dict(self) -> dict[str, object]:
        s = self.summary
        return {
            **self.triage.to_dict(),
            "sleep_7d": {
                "nights": s.nights_7d,
                "tst_min": None if s.tst_7d_min is None else round(s.tst_7d_min, 1),
                "se_pct": None if s.se_7d_pct is None else round(s.se_7d_pct, 1),
            },
            "isi": _total(s.isi_total, s.isi_on),
            "phq9": _total(s.phq9_total, s.phq9_on),
            "gad7": _total(s.gad7_total, s.gad7_on),
            "taper": {
                "active": s.taper_active,
                "days_elapsed": s.taper.days_elapsed,
                "days_logged": s.taper.days_logged,
                "days_over": s.taper.days_over,
                "on_target_pct": (
                    None if self.taper_on_target_pct is None else round(self.taper_on_target_pct, 1)
                ),
            },
            "review_state": self.review_state,
            "review": self.review.to_dict() if self.review else None,
            "tags": list(self.tags),
            "assigned": self.assigned,
        }


def _total(total: int | None, on: dt.date | None) -> dict[str, object] | None:
    if total is None:
        return None
    return {"total": total, "on": on.isoformat() if on else None}
