"""The words and tables both report formats share (reports.report)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.reports.report import (
    alert_rows,
    device_rows,
    finding_lines,
    format_of,
    headline,
    hm,
    intake_lines,
    intake_rows,
    no_clear_difference,
    regularity_rows,
    render_report,
)
from tests.reports.report_sample import sample_report


def test_minutes_read_as_hours_and_minutes() -> None:
    assert hm(0) == "0 h 00 min"
    assert hm(395) == "6 h 35 min"
    assert hm(59.6) == "1 h 00 min"
    assert hm(None) == "-"


def test_the_glance_counts_diary_nights_against_the_days_of_the_span() -> None:
    data = sample_report()
    rows = dict(headline(data))
    assert rows["Diary nights"] == "19 of 21"  # two mornings have no entry
    assert rows["Sleep window"] == "6 h 30 min, 23:45 to 06:15 (keep the window)"
    s = data.summary
    assert rows["Sleep efficiency (pooled)"] == f"{s.pooled_se_pct:.1f} %"


def test_alerts_keep_their_order_evidence_and_source() -> None:
    rows = alert_rows(sample_report())
    assert [r[0] for r in rows] == ["URGENT", "Advice"]
    assert "Kratom and alcohol were logged" in rows[0][3]
    assert "FDA Drug Safety Communication 2016" in rows[0][3]
    # The evidence in words, never the internal names of its parts (H18).
    assert (
        rows[1][3].startswith("PHQ-9 total 14: moderate or moderately severe")
        and "phq9_total" not in rows[1][3]
    )


def test_intake_is_summed_per_substance_over_the_days_logged() -> None:
    data = sample_report()
    (row,) = intake_rows(data)
    total = sum(d.amount for d in data.intake)
    assert row[0] == "kratom" and row[1] == "19"
    assert row[2] == f"{total:g} g"


def test_diary_and_device_nights_stay_side_by_side_and_unmerged() -> None:
    data = sample_report()
    rows = {r[0]: r for r in device_rows(data)}
    first = data.nights[0]
    row = rows[first.date.isoformat()]
    assert row[1] == f"{hm(first.metrics.tst_min)}, {first.metrics.se_pct:.1f} %"
    assert "Apple Watch*: " in row[2] and "Oura: " in row[2]  # both sources, chosen marked
    assert device_rows(dataclasses.replace(data, device_nights=())) == []


def test_findings_list_associations_as_sentences_and_the_rest_as_pairs() -> None:
    data = sample_report()
    # Caffeine is an intake: its planted 18 min effect on sleep onset is reported apart,
    # neutrally, never under "what helps me".
    assert finding_lines(data) == []
    lines = intake_lines(data)
    assert lines, "the sample plants an 18 min caffeine effect on sleep onset"
    assert all("not a cause and not advice" in line for line in lines)
    assert any(
        line.startswith("Time to fall asleep on nights after caffeine after noon") for line in lines
    )
    statuses = {(f.exposure, f.outcome): f.status for f in data.findings}
    assert len(no_clear_difference(data, intake=True)) == sum(
        1 for s in statuses.values() if s == "no_clear_difference"
    )
    assert all("_" not in pair for pair in no_clear_difference(data, intake=True))


def test_regularity_rows_say_when_there_are_too_few_pairs() -> None:
    data = sample_report(days=5)
    sri = dict(regularity_rows(data))["Sleep Regularity Index (-100..100)"]
    assert sri.startswith("not enough data yet")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("r.pdf", "pdf"), ("R.PDF", "pdf"), ("x/r.html", "html"), ("r.htm", "html")],
)
def test_the_format_comes_from_the_file_suffix(name: str, expected: str) -> None:
    assert format_of(name) == expected


def test_other_suffixes_are_refused_naming_the_out_option() -> None:
    with pytest.raises(InvalidInput) as err:
        format_of("report.docx")
    assert err.value.problems[0].field == "out"
    with pytest.raises(InvalidInput):
        render_report(sample_report(), "docx")


def test_a_span_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before"):
        dataclasses.replace(sample_report(), end=dt.date(2026, 1, 1))


def test_alert_evidence_reads_as_words_not_as_a_data_dump() -> None:
    from nightbridge.reports.report import evidence_text

    rules = [{"rule": "opioid_alcohol", "severity": "urgent", "why": "Alcohol adds to it."}]
    assert evidence_text(rules) == "Alcohol adds to it."
    assert evidence_text(["vomiting_24h", "no_fluids"]) == "vomiting_24h, no_fluids"
    assert evidence_text({"phq9_total": 14}) == "phq9_total: 14"
    assert len(evidence_text("x" * 500)) == 240
