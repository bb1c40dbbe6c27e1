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


@router.get("/trends", include_in_schema=False)
def trends_page(request: Request, db: DatabaseDep, scope: ReadScope, days: int = 42) -> Response:
    from nightbridge.services.sleep.dashboard import build_trends

    span = max(7, min(days, 366))
    view = build_trends(db, scope.person_id, days=span)
    return render(
        request,
        "person/trends.html",
        {"title": "Trends", "view": view, "charts": trend_charts(view), "days": span},
    )
