"""``nightbridge report`` end to end: the real command on a filled store."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from nightbridge.services.sleep.diary import metrics_from_file
from nightbridge.storage.database import Database, url_for_home
from tests.reports.pdf_text import drawn_pages, page_count
from tests.services.store_sample import diary_csv, fill_store


def filled_home(home: Path) -> None:
    db = Database(url_for_home(home))
    db.migrate()
    fill_store(db, days=21)
    db.dispose()


def test_it_writes_a_pdf_of_two_to_four_pages(run_cli, cli_home: Path, tmp_path: Path) -> None:
    filled_home(cli_home)
    out = tmp_path / "r.pdf"
    result = run_cli("report", "--from", "2026-03-02", "--to", "2026-03-22", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {out}" in result.stdout
    pdf = out.read_bytes()
    assert 2 <= len(re.findall(rb"/Type /Page[^s]", pdf)) <= 4
    assert not (tmp_path / "r.pdf.part").exists()


def test_it_writes_html_for_the_clinician(run_cli, cli_home: Path, tmp_path: Path) -> None:
    filled_home(cli_home)
    out = tmp_path / "r.html"
    result = run_cli("report", "--to", "2026-03-22", "--out", str(out), "--clinician")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "for the clinician" in page and "2026-03-16 to 2026-03-22" in page


def test_a_wrong_suffix_or_span_exits_2_naming_the_option(run_cli, tmp_path: Path) -> None:
    bad = run_cli("report", "--out", str(tmp_path / "r.docx"))
    assert bad.exit_code == 2
    assert "error: out: the report file must end in .pdf or .html" in bad.stderr
    backwards = run_cli(
        "report", "--from", "2026-03-10", "--to", "2026-03-01", "--out", str(tmp_path / "r.pdf")
    )
    assert backwards.exit_code == 2 and "error: to:" in backwards.stderr
    assert "Traceback" not in bad.stderr + backwards.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_a_year_of_diary_is_one_pdf_with_every_night(run_cli, tmp_path: Path) -> None:
    diary = tmp_path / "year.csv"
    diary.write_text(diary_csv(366), encoding="utf-8")
    assert run_cli("diary", "import", str(diary)).exit_code == 0
    out = tmp_path / "year.pdf"
    result = run_cli("report", "--from", "2025-03-22", "--to", "2026-03-22", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    pdf = out.read_bytes()
    pages = drawn_pages(pdf)
    assert pdf.startswith(b"%PDF-") and len(pages) == page_count(pdf)
    assert "Nightbridge report, 2025-03-22 to 2026-03-22" in pages[0]
    charts = [i for i, page in enumerate(pages) if "asleep, SE, awake in night" in page]
    assert len(charts) == 6  # 366 mornings, 61 a page
    with diary.open("rb") as handle:
        last = metrics_from_file(handle, tz="UTC")[-1]
    assert last.date == dt.date(2026, 3, 22)
    row = f"{last.tst_min // 60}h{last.tst_min % 60:02d}  {last.se_pct:.0f}%  {last.waso_min}m"
    assert row in pages[charts[-1]]
