"""Relaxation exercises in the browser: the box-breathing pacer and paced scripts for
progressive muscle relaxation, the body scan and mindful walking (content/relaxation).

They work offline once opened: ``/sw.js`` (scope ``/``) caches these pages and their
static files (web/static/sw.js). Each exercise opens when the lesson that introduces it
is completed (core.program); the page says which lesson that is otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import DatabaseDep, ReadScope, render

router = APIRouter(include_in_schema=False)


@router.get("/relax")
def relax_index(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.toolkit import program_status, relaxation_exercises

    status = program_status(db, scope.person_id)
    exercises = sorted(relaxation_exercises().values(), key=lambda e: e["unlocked_by_week"])
    return render(
        request,
        "toolkit/relax_index.html",
        {"title": "Relax", "exercises": exercises, "status": status},
    )


@router.get("/relax/{exercise_id}")
def relax_page(request: Request, exercise_id: str, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.toolkit import program_status, relaxation

    exercise = relaxation(exercise_id)  # NotFound -> 404
    status = program_status(db, scope.person_id)
    template = (
        "toolkit/relax_box.html" if exercise_id == "box_breathing" else "toolkit/relax_steps.html"
    )
    return render(
        request,
        template,
        {
            "title": exercise["title"],
            "exercise": exercise,
            "unlocked": status.is_unlocked(exercise_id),
            "opened_by": status.unlocked_by(exercise_id),
        },
    )
