"""Read a report PDF back in tests: its pages and the text drawn on them.

reportlab writes each page's content as a Flate stream (ASCII85-encoded too, unless
``rl_config.useA85`` is off); this decodes those streams (no PDF library needed) so a test
can find the words a page shows.
"""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(
    rb"/Filter \[ (/ASCII85Decode )?/FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", re.S
)
_SHOWN = re.compile(rb"\((.*?)(?<!\\)\) Tj")


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf))


def drawn_pages(pdf: bytes) -> list[list[str]]:
    """The strings shown with ``Tj`` on each page (one content stream a page), in order."""
    pages: list[list[str]] = []
    for a85, raw in _STREAM.findall(pdf):
        if a85:
            content = zlib.decompress(base64.a85decode(raw.strip().removesuffix(b"~>")))
        else:
            content = zlib.decompressobj().decompress(raw)
        pages.append(
            [
                m.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
                for m in _SHOWN.findall(content)
            ]
        )
    return pages


def drawn_text(pdf: bytes) -> list[str]:
    """Every string shown on any page, in order."""
    return [text for page in drawn_pages(pdf) for text in page]
