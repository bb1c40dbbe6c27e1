"""The trends page: the charts of the last six weeks, each with its numbers as a table.

Charts are SVG made on the server (reports.charts); nothing runs in the browser.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import DatabaseDep, ReadScope, render

router = APIRouter()


def trend_charts(view: Any, *, prefix: str = "") -> list[Any]:
    """The four charts of a ``TrendsView`` (also used by the clinician's person page)."""
    from nightbridge.core.instruments.withdrawal import SYMPTOMS
    from nightbridge.reports.charts import (
        draw_diary_bars,
        draw_questionnaire_trend,
        draw_sleep_trend,
        draw_symptom_heatmap,
    )

    window = view.window.window_min if view.window is not None else None
    return [
        draw_diary_bars(view.nights, chart_id=f"{prefix}diary-bars"),
        draw_sleep_trend(view.nights, window_min=window, chart_id=f"{prefix}sleep-trend"),
        draw_symptom_heatmap(view.symptom_days(), SYMPTOMS, chart_id=f"{prefix}symptoms"),
        draw_questionnaire_trend(view.questionnaire_scores(), chart_id=f"{prefix}questionnaires"),
    ]


def plan_charts(db: DatabaseDep, person_id: int, view: Any) -> list[Any]:
    """The window over the weeks with each week's sleep efficiency, and intake against
    the taper target with the symptoms of the same days (issue 13 item 5)."""
    from nightbridge.reports.charts import draw_intake_symptoms, draw_window_weeks
    from nightbridge.services.recovery.intake import intake_trend
    from nightbridge.services.sleep.window import plan_history

    weeks = max(2, min(13, ((view.end - view.start).days + 1) // 7))
    totals = {day: sum(scores.values()) for day, scores in view.symptom_days()}
    plans = [p for p in plan_history(db, person_id) if p.set_on <= view.end]
    if view.window is not None and view.window.paused:
        plans = plans[:-1]  # the stored window waits (early withdrawal): not in force
    return [
        draw_window_weeks(view.nights, plans, end=view.end, weeks=weeks),
        draw_intake_symptoms(
            intake_trend(db, person_id, view.start, view.end),
            totals,
            start=view.start,
            end=view.end,
        ),
    ]


@router.get("/trends", include_in_schema=False)
def trends_page(request: Request, db: DatabaseDep, scope: ReadScope, days: int = 42) -> Response:
    from nightbridge.services.sleep.dashboard import build_trends

    span = max(7, min(days, 366))
    view = build_trends(db, scope.person_id, days=span)
    return render(
        request,
        "person/trends.html",
        {
            "title": "Trends",
            "view": view,
            "charts": trend_charts(view),
            "more": plan_charts(db, scope.person_id, view),
            "days": span,
        },
    )
