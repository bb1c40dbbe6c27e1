"""The HTML report: one self-contained page (no script, nothing fetched), escaped text."""

from __future__ import annotations

import dataclasses
import re

from nightbridge.reports.html import render_html
from tests.reports.report_sample import sample_report


def test_the_page_is_self_contained() -> None:
    page = render_html(sample_report())
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "<link" not in page


def test_every_section_is_there_with_its_charts() -> None:
    page = render_html(sample_report(audience="clinician"))
    for section in (
        "glance",
        "alerts",
        "diary",
        "trend",
        "regularity",
        "symptoms",
        "questionnaires",
        "intake",
        "what-helps",
        "intake-and-sleep",
        "comparisons",
        "devices",
    ):
        assert f'<section id="{section}">' in page, section
    assert page.count("<svg") == 5  # diary, trend, symptoms, questionnaires, intake
    assert "not proof of cause" in page
    assert "<th>Interval (95% unless shown)</th>" in page  # the clinician's findings table
    assert "caffeine_after_noon" not in page and "sol_min" not in page  # words, never codes


def test_the_person_version_has_no_findings_table() -> None:
    page = render_html(sample_report(audience="person"))
    assert "<th>Interval (95% unless shown)</th>" not in page
    assert '<section id="comparisons">' not in page


def test_names_and_messages_are_escaped() -> None:
    data = dataclasses.replace(sample_report(), person='<img src=x onerror="alert(1)">')
    page = render_html(data)
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page
