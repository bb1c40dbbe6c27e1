"""Draw Nightbridge's app icons: the PNG sizes browsers ask for, from our own SVG.

    .venv/bin/python scripts/icons.py [--out src/nightbridge/web/static/icons]

The source is ``web/static/icons/icon.svg`` (drawn for the project: a crescent moon over
a bridge, full-bleed background, the picture inside the maskable safe zone, a circle of
radius 40 % around the centre; https://www.w3.org/TR/appmanifest/#icon-masks). Each PNG is
rendered by Debian's Chromium through Playwright (never ``playwright install``), so the
script needs nothing beyond the test dependencies. The manifest (web/routes/app_shell.py)
lists the same files; a test checks each PNG's size.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "src" / "nightbridge" / "web" / "static" / "icons"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

#: file name -> (edge in px, rounded corners): the manifest's "any" icons (rounded, with
#: transparent corners), its "maskable" ones (full bleed: the platform cuts the shape), the
#: iOS home-screen icon (apple-touch-icon, 180 px, full bleed: iOS rounds it) and the
#: browser tab's favicon.
SIZES: dict[str, tuple[int, bool]] = {
    "icon-192.png": (192, True),
    "icon-512.png": (512, True),
    "maskable-192.png": (192, False),
    "maskable-512.png": (512, False),
    "apple-touch-icon-180.png": (180, False),
    "favicon-32.png": (32, True),
}
#: Corner radius of the "any" icons, as a share of the edge (a rounded square).
CORNER = 0.22


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICONS)
    options = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    source = (ICONS / "icon.svg").read_text(encoding="utf-8")
    options.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        for name, (edge, rounded) in SIZES.items():
            page = browser.new_page(viewport={"width": edge, "height": edge})
            radius = round(edge * CORNER) if rounded else 0
            sized = source.replace(
                'width="512" height="512"',
                f'width="{edge}" height="{edge}" style="display:block;border-radius:{radius}px"',
                1,
            )
            page.set_content(
                "<!doctype html><html><body style='margin:0;overflow:hidden;background:none'>"
                f"{sized}</body></html>"
            )
            path = options.out / name
            page.screenshot(path=str(path), omit_background=rounded)
            page.close()
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
