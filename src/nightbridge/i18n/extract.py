"""The messages Nightbridge's code and templates hold, found with Babel's extractors
(the same ones ``pybabel extract`` runs): Jinja templates through ``jinja2.ext``'s
``babel_extract`` (``{% trans %}``, ``_()``, ``gettext()``), Python through Babel's own
(``_``, ``gettext``, ``ngettext``, ``pgettext``, ``N_``).

Used by the catalogue check (``tests/i18n/test_catalogue.py``: every message has a
Spanish translation) and by ``scripts/i18n.py`` (writes the template and merges it into
each language's ``.po``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
#: Where messages live: the pages, the report, and the Python that builds messages.
TEMPLATE_DIRS = ("web/templates", "reports/templates")
PYTHON_DIRS = ("web", "services", "cli", "reports", "core", "i18n")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}


@dataclass(frozen=True, slots=True)
class Message:
    """One message: its id (and plural id, context) and where it was found."""

    id: str
    plural: str | None
    context: str | None
    where: str


def _messages(path: Path, method: str, root: Path) -> Iterator[Message]:
    from babel.messages.extract import extract_from_file

    options = JINJA_OPTIONS if method.startswith("jinja2") else {}
    for lineno, message, _comments, context in extract_from_file(
        method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
    ):
        where = f"{path.relative_to(root)}:{lineno}"
        if isinstance(message, tuple):
            yield Message(message[0], message[1], context, where)
        else:
            yield Message(message, None, context, where)


def extract_messages(root: Path = PACKAGE) -> list[Message]:
    """Every message of the templates and the Python code under ``root``."""
    found: list[Message] = []
    for folder in TEMPLATE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".html", ".j2"):
                found.extend(_messages(path, "jinja2.ext:babel_extract", root))
    for folder in PYTHON_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            found.extend(_messages(path, "python", root))
    return [m for m in found if m.id]


def build_template(messages: list[Message]) -> object:
    """A Babel ``Catalog`` of ``messages`` (the ``.pot`` of ``scripts/i18n.py``)."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="Nightbridge", domain="messages")
    for m in messages:
        msgid: str | tuple[str, str] = (m.id, m.plural) if m.plural else m.id
        file, _, line = m.where.rpartition(":")
        catalog.add(msgid, locations=[(file, int(line))], context=m.context)
    return catalog
