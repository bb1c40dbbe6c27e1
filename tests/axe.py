"""axe-core (Deque's accessibility engine, MPL-2.0) for the browser tests, from the npm
registry at test time: ``npm install axe-core@AXE_VERSION`` into a cache directory
(``.cache/axe`` in the repository, or ``NIGHTBRIDGE_AXE_DIR``), once; nothing of it is
committed. Without npm, or offline with no cached copy, the calling test is skipped (or
fails when the browser is required, as in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import browser_required

AXE_VERSION = "4.10.3"
ROOT = Path(__file__).resolve().parents[1]
#: What the tests count: the WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
}"""


def _unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"axe-core is required here: {reason}")
    pytest.skip(reason)


def axe_source() -> str:
    """The text of ``axe.min.js``, installed from npm on first use."""
    folder = Path(os.environ.get("NIGHTBRIDGE_AXE_DIR", ROOT / ".cache" / "axe"))
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed (needed to fetch axe-core)")
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(folder),
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not script.exists():
            _unavailable(f"npm install axe-core failed: {done.stderr.strip()[-300:]}")
    return script.read_text(encoding="utf-8")


def serious_violations(page: object, source: str) -> list[dict[str, object]]:
    """axe's serious and critical violations on the page as shown now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
        page.add_script_tag(content=source)  # type: ignore[attr-defined]
    return list(page.evaluate(RUN, TAGS))  # type: ignore[attr-defined]


#: Controls a finger must hit (WCAG 2.5.5 asks 44 px; links inside running text are
#: exempt, as WCAG 2.5.8 allows).
SMALL_TARGETS = """() => {
  const sel = 'button, .button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]),'
    + ' select, textarea, summary, nav a, label:has(> input[type=radio]),'
    + ' label:has(> input[type=checkbox]), .choice-button span';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (el.matches('.choice-button input')) continue;
    if (box.height < 43.5) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
      + ` "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 30)}"`
      + ` ${Math.round(box.height)} px`);
  }
  return out;
}"""
