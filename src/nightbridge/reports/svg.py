"""A small SVG writer for server-made charts: escaped text, one accessible root element.

Charts are built as strings on the server (no JavaScript, no CDN, nothing fetched at run
time). Every chart is an ``<svg role="img">`` whose first children are ``<title>`` and
``<desc>`` (the text alternative, WAI-ARIA Graphics module / WCAG 2.2 SC 1.1.1), and whose
colours come from CSS custom properties with ``currentColor`` for text and axes, so the
same markup reads in light and dark themes. Every piece of text goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

#: Colours used by every chart, as CSS variables with a fallback. A page may override them
#: (``--nb-asleep`` etc.) for its theme; text and axes always use ``currentColor``.
CHART_STYLE = """
.nb-chart{font:14px system-ui,sans-serif;color:inherit}
.nb-chart text{fill:currentColor}
.nb-chart .nb-axis{stroke:currentColor;stroke-opacity:.45;stroke-width:1}
.nb-chart .nb-grid{stroke:currentColor;stroke-opacity:.15;stroke-width:1}
.nb-chart .nb-asleep,.nb-chart .nb-lg-asleep{fill:var(--nb-asleep,#3f6fb5)}
.nb-chart .nb-awake,.nb-chart .nb-lg-awake{fill:var(--nb-awake,#e0a030)}
.nb-chart .nb-tst,.nb-chart .nb-lg-tst{stroke:var(--nb-asleep,#3f6fb5);fill:none;stroke-width:2}
.nb-chart .nb-se,.nb-chart .nb-lg-se{stroke:var(--nb-se,#2a9d6f);fill:none;stroke-width:2}
.nb-chart .nb-dot-tst{fill:var(--nb-asleep,#3f6fb5)}
.nb-chart .nb-dot-se{fill:var(--nb-se,#2a9d6f)}
.nb-chart .nb-window,
.nb-chart .nb-lg-window{stroke:var(--nb-window,#c0392b);stroke-width:2;stroke-dasharray:6 4;
fill:none}
.nb-chart .nb-ref,.nb-chart .nb-lg-ref{stroke:currentColor;stroke-opacity:.5;stroke-dasharray:2 3}
.nb-chart .nb-sev,.nb-chart .nb-key{fill:var(--nb-sev,#c0392b)}
.nb-chart .nb-sev-0{fill:currentColor;fill-opacity:.06}
.nb-chart .nb-sev-1{fill-opacity:.25}
.nb-chart .nb-sev-2{fill-opacity:.5}
.nb-chart .nb-sev-3{fill-opacity:.75}
.nb-chart .nb-sev-4{fill-opacity:1}
.nb-chart .nb-missing{fill:none;stroke:currentColor;stroke-opacity:.2}
.nb-chart .nb-line-0{stroke:var(--nb-series-0,#7b4fb5);fill:none;stroke-width:2}
.nb-chart .nb-line-1{stroke:var(--nb-series-1,#2a9d6f);fill:none;stroke-width:2}
.nb-chart .nb-line-2{stroke:var(--nb-series-2,#e0a030);fill:none;stroke-width:2}
.nb-chart .nb-fill-0{fill:var(--nb-series-0,#7b4fb5)}
.nb-chart .nb-fill-1{fill:var(--nb-series-1,#2a9d6f)}
.nb-chart .nb-fill-2{fill:var(--nb-series-2,#e0a030)}
.nb-chart .nb-band{fill:currentColor;fill-opacity:.05}
.nb-chart .nb-se-bar,.nb-chart .nb-lg-se-bar{fill:var(--nb-se,#2a9d6f)}
.nb-chart .nb-intake,.nb-chart .nb-lg-intake{fill:var(--nb-series-0,#7b4fb5)}
.nb-chart .nb-target,
.nb-chart .nb-lg-target{stroke:var(--nb-window,#c0392b);fill:none;stroke-width:2;
stroke-dasharray:6 4}
.nb-chart .nb-symptom,
.nb-chart .nb-lg-symptom{stroke:var(--nb-sev,#c0392b);fill:none;stroke-width:2}
.nb-chart .nb-dot-symptom{fill:var(--nb-sev,#c0392b)}
""".strip()


def escape(text: object) -> str:
    """Text content escaped for XML (``&``, ``<``, ``>``)."""
    return _xml_escape(str(text))


def fmt(value: float) -> str:
    """A coordinate with at most one decimal (``12``, ``12.5``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(values: Mapping[str, object]) -> str:
    """`` name="value"`` pairs, escaped; ``None`` values are left out; floats formatted."""
    parts: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        text = fmt(value) if isinstance(value, float) else str(value)
        parts.append(f" {name.rstrip('_').replace('_', '-')}={quoteattr(text)}")
    return "".join(parts)


def element(tag: str, content: str = "", /, **values: object) -> str:
    """One element; ``content`` must already be markup (escape text with ``escape``)."""
    if content:
        return f"<{tag}{attrs(values)}>{content}</{tag}>"
    return f"<{tag}{attrs(values)}/>"


def text(x: float, y: float, label: object, **values: object) -> str:
    """A ``<text>`` element with escaped content."""
    return element("text", escape(label), x=float(x), y=float(y), **values)


def polyline(points: Iterable[tuple[float, float]], **values: object) -> str:
    coords = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
    return element("polyline", points=coords, **values)


@dataclass
class Svg:
    """An accessible SVG document under construction."""

    width: int
    height: int
    title: str
    desc: str
    chart_id: str = "chart"
    css_class: str = ""
    parts: list[str] = field(default_factory=list)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def render(self) -> str:
        cid = "".join(c for c in self.chart_id if c.isalnum() or c in "-_") or "chart"
        classes = " ".join(c for c in ("nb-chart", self.css_class) if c)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img"'
            f' viewBox="0 0 {self.width} {self.height}"'
            f' width="100%" preserveAspectRatio="xMidYMid meet"'
            f' class="{escape(classes)}"'
            f' aria-labelledby="{escape(cid)}-title {escape(cid)}-desc">'
        )
        return (
            head
            + f'<title id="{escape(cid)}-title">{escape(self.title)}</title>'
            + f'<desc id="{escape(cid)}-desc">{escape(self.desc)}</desc>'
            + f"<style>{CHART_STYLE}</style>"
            + "".join(self.parts)
            + "</svg>"
        )
