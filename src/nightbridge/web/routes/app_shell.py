"""What makes the web app an app a phone can install (issue 13): the web app manifest
(``/manifest.webmanifest``, from templates/app.webmanifest: name, start URL ``/today``,
theme colour, our own icons drawn by scripts/icons.py) and the service worker at the
root (``/sw.js``, scope ``/``; web/static/sw.js). Both are public: the browser fetches
the manifest without cookies.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.errors import NotFound

router = APIRouter(include_in_schema=False)

MANIFEST_TYPE = "application/manifest+json"


@router.get("/manifest.webmanifest")
def manifest(request: Request) -> Response:
    """The web app manifest (https://www.w3.org/TR/appmanifest/)."""
    template = request.app.state.templates.get_template("app.webmanifest")
    return Response(template.render(), media_type=MANIFEST_TYPE)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so its scope can be ``/``."""
    try:
        text = resources.files("nightbridge.web").joinpath("static/sw.js").read_text("utf-8")
    except FileNotFoundError:  # pragma: no cover - shipped with the package
        raise NotFound("no service worker") from None
    return Response(text, media_type="text/javascript; charset=utf-8")
