"""The pseudo-locale ``xx``: every message accented and about 40 % longer, so that a page
shown in it reveals text that would be clipped or overflow in a longer language (German
and Spanish run 20-35 % longer than English) and any text not going through gettext
(it stays plain English).

Placeholders (``%(name)s``, ``%s``, ``{name}``), HTML tags and entities are kept as they
are, so the message still formats and renders.
"""

from __future__ import annotations

import re

_ACCENTS = str.maketrans(
    "aceinosuyACEINOSUYz",
    "àçéîñöšüýÀÇÉÎÑÖŠÜÝž",
)
#: What must pass unchanged: printf and format placeholders, tags, entities.
_KEEP = re.compile(
    r"%\([a-zA-Z_][a-zA-Z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|%[sdifr%]|\{[^{}]*\}|<[^<>]*>|&[a-zA-Z#0-9]+;"
)
#: Lengthening: about 40 % of the letters, added as vowels after words.
GROWTH = 0.4


def pseudo_translate(message: str) -> str:
    """``message`` accented and lengthened by ~40 % (placeholders and tags kept)."""
    if not message:
        return message
    parts: list[str] = []
    last = 0
    letters = 0
    for match in _KEEP.finditer(message):
        chunk = message[last : match.start()]
        parts.append(chunk.translate(_ACCENTS))
        letters += len(chunk)
        parts.append(match.group(0))
        last = match.end()
    tail = message[last:]
    parts.append(tail.translate(_ACCENTS))
    letters += len(tail)
    padding = round(letters * GROWTH)
    if padding == 0:
        return "".join(parts)
    words = " ".join(["ēxţŕà"] * (padding // 6 + 1))[:padding].strip()
    return "⟦" + "".join(parts) + " " + words + "⟧"
