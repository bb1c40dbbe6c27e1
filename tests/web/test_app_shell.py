"""The app shell (web/routes/app_shell.py): the manifest a phone installs from, and the
icons it names, as the files are (their real pixel sizes), for anyone, without cookies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.web.conftest import Personas

STATIC = Path(__file__).resolve().parents[2] / "src" / "nightbridge" / "web" / "static"


def test_the_manifest_names_the_app_its_start_page_and_its_icons(personas: Personas) -> None:
    response = personas.anonymous.client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["name"] == "Nightbridge"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/today",
        "/",
        "standalone",
    )
    assert manifest["theme_color"].startswith("#")
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_every_icon_in_the_manifest_is_there_at_its_size(personas: Personas) -> None:
    manifest = personas.anonymous.client.get("/manifest.webmanifest").json()
    for icon in manifest["icons"]:
        path = STATIC / icon["src"].removeprefix("/static/")
        assert personas.anonymous.client.get(icon["src"]).status_code == 200
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert Image.open(path).size == (width, height), icon["src"]


@pytest.mark.parametrize(
    ("path", "edge", "transparent_corner"),
    [
        ("icons/apple-touch-icon-180.png", 180, False),  # iOS rounds it: full bleed
        ("icons/maskable-512.png", 512, False),  # the platform cuts its shape
        ("icons/icon-512.png", 512, True),  # "any": our rounded square
    ],
)
def test_the_icons_are_drawn_for_their_use(path: str, edge: int, transparent_corner: bool) -> None:
    image = Image.open(STATIC / path).convert("RGBA")
    assert image.size == (edge, edge)
    corner_alpha = image.getpixel((0, 0))[3]
    assert (corner_alpha == 0) is transparent_corner
    assert image.getpixel((edge // 2, edge // 2))[3] == 255


def test_every_page_links_the_manifest_and_the_home_screen_icon(personas: Personas) -> None:
    html = personas.patient_a.client.get("/today").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon-180.png"' in html
    assert '<meta name="theme-color"' in html
