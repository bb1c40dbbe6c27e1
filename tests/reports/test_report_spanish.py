"""The report in the reader's language (issue 16): a Spanish-speaking person's report has
Spanish headings, words and dates, and exactly the same figures as the English one."""

from __future__ import annotations

import re

from nightbridge.i18n import use_locale
from nightbridge.reports.html import render_html
from nightbridge.reports.pdf import render_pdf
from tests.reports.pdf_text import drawn_pages
from tests.reports.report_sample import sample_report


def _figures(page: str) -> list[str]:
    """The glance table's values (numbers, durations), in order."""
    glance = page.split('<section id="glance">')[1].split("</section>")[0]
    return re.findall(r"<td>([^<]*)</td>", glance)


def test_a_spanish_persons_html_report_is_in_spanish_with_the_same_figures() -> None:
    data = sample_report(audience="person")
    english = render_html(data)
    with use_locale("es"):
        spanish = render_html(data)
    assert '<html lang="es">' in spanish and '<html lang="en">' in english
    for heading in (
        "De un vistazo",
        "Alertas de seguridad",
        "Diario de sueño, noche por noche",
        "Síntomas de abstinencia",
        "Consumo y reducción gradual",
        "Lo que me ayuda",
        "Cómo van juntos su consumo y su sueño",
    ):
        assert f"<h2>{heading}" in spanish, heading
    assert "<h2>At a glance</h2>" in english and "At a glance" not in spanish
    # The span in Spanish words (sample: 2026-03-02 .. 2026-03-22), ISO in English.
    assert "Informe de Nightbridge, del 2 mar 2026 al 22 mar 2026" in spanish
    assert "Nightbridge report, 2026-03-02 to 2026-03-22" in english
    assert "para usted" in spanish
    assert "Noches en el diario" in spanish and "Tiempo total de sueño promedio" in spanish
    assert "6 h 30 min, de 23:45 a 06:15 (mantener la ventana)" in spanish
    assert "6 h 30 min, 23:45 to 06:15 (keep the window)" in english
    # The same figures, in the same order: only the words change.
    en, es = _figures(english), _figures(spanish)
    assert len(en) == len(es) >= 7
    numbers = re.compile(r"-?\d+(?:\.\d+)?")
    assert [numbers.findall(v) for v in en] == [numbers.findall(v) for v in es]
    assert en[1] == es[1] and re.fullmatch(r"\d+ h \d\d min", es[1])  # mean total sleep time


def test_a_spanish_report_escapes_the_name_it_puts_into_a_translated_sentence() -> None:
    import dataclasses

    data = dataclasses.replace(sample_report(), person="<b>Ana</b>")
    with use_locale("es"):
        page = render_html(data)
    assert "<b>Ana</b>" not in page and "&lt;b&gt;Ana&lt;/b&gt;" in page


def test_a_spanish_persons_pdf_report_has_spanish_headings() -> None:
    data = sample_report(audience="person")
    with use_locale("es"):
        shown = " ".join(" ".join(page) for page in drawn_pages(render_pdf(data)))
    # Accented letters are written as octal escapes (WinAnsi: \363 is ó).
    text = re.sub(r"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]).decode("cp1252"), shown)
    assert "De un vistazo" in text
    assert "Consumo y reducción gradual" in text
    assert "Informe de Nightbridge, del 2 mar 2026 al 22 mar 2026" in text
    assert "información de salud privada" in text and "página 1" in text
    assert "At a glance" not in text
