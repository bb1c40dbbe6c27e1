"""What makes the web app an app: the service worker at the root (scope ``/``)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from nightbridge.core.errors import NotFound

router = APIRouter(include_in_schema=False)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so its scope can be ``/``."""
    try:
        text = resources.files("nightbridge.web").joinpath("static/sw.js").read_text("utf-8")
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        raise NotFound("no service worker") from None
    return Response(text, media_type="text/javascript; charset=utf-8")
