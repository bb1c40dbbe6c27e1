"""The languages Nightbridge speaks and how one is chosen.

A person's account language wins; before login (or with none chosen) the browser's
``Accept-Language`` decides (RFC 9110 section 12.5.4: tags with quality values); else
English. ``xx`` is the pseudo-locale for layout tests, honoured only where a deployment
turns it on (``Settings.pseudo_locale``).
"""

from __future__ import annotations

DEFAULT_LOCALE = "en"
#: The languages offered, with their names as a speaker of each writes them.
LOCALES: dict[str, str] = {"en": "English", "es": "Español"}
PSEUDO_LOCALE = "xx"
#: Longest Accept-Language header read (longer ones are cut; they are never needed).
MAX_HEADER = 512


def normalise(tag: str | None, *, pseudo: bool = False) -> str | None:
    """The offered language a tag names (``es-MX`` -> ``es``, ``EN_us`` -> ``en``), or
    None when it names none (``fr``, ``*``, garbage). ``xx`` only with ``pseudo``."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary in LOCALES:
        return primary
    if pseudo and primary == PSEUDO_LOCALE:
        return PSEUDO_LOCALE
    return None


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate(header: str | None, *, pseudo: bool = False) -> str:
    """The offered language the browser prefers most (highest q; first listed on a
    tie), else English. Malformed parts are skipped, never an error."""
    if not header:
        return DEFAULT_LOCALE
    best: tuple[float, int, str] | None = None
    for index, part in enumerate(header[:MAX_HEADER].split(",")):
        tag, *params = part.split(";")
        locale = normalise(tag, pseudo=pseudo)
        q = _quality(params)
        if locale is None or q <= 0.0:
            continue
        key = (q, -index, locale)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best is not None else DEFAULT_LOCALE
