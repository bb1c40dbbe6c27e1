"""Reading the diary CSV: spreadsheet quirks, strict UTF-8, header checks, row numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.importers.diary_csv import read_diary_csv

DATA = Path(__file__).parents[1] / "data" / "diary"
HEADER = "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"
ROW = "2026-03-02,22:30,23:00,20,2,30,06:10,06:40,3"


def rows(data: bytes | str) -> list[tuple[int, dict[str, str]]]:
    handle = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return list(read_diary_csv(handle))


def test_a_spreadsheet_export_reads_the_same_as_a_clean_file() -> None:
    raw = (DATA / "spreadsheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and raw.endswith(b"\r\n\r\n")
    with (DATA / "clean.csv").open("rb") as clean, (DATA / "spreadsheet.csv").open("rb") as sheet:
        assert list(read_diary_csv(sheet)) == list(read_diary_csv(clean))


def test_quoted_fields_keep_commas_and_quotes() -> None:
    with (DATA / "clean.csv").open("rb") as f:
        found = dict(read_diary_csv(f))
    assert found[2]["note"] == "slept badly, woke at 3"
    assert found[4]["note"] == 'late night, "busy" day'


def test_row_numbers_are_the_spreadsheets_even_with_a_multiline_note() -> None:
    text = f'{HEADER},note\r\n{ROW},"two\r\nlines"\r\n{ROW.replace("03-02", "03-03")},\r\n'
    assert [n for n, _ in rows(text.encode())] == [2, 3]


def test_blank_rows_are_skipped_but_still_counted() -> None:
    text = f"{HEADER}\n\n{ROW}\n,,,,,,,,\n\n"
    assert [n for n, _ in rows(text)] == [3]


def test_header_names_tolerate_spaces_and_capitals_and_extra_columns() -> None:
    text = " Date ,BEDTIME,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality,mood\n"
    found = rows(text + ROW + ",ok\n")
    assert found[0][1]["date"] == "2026-03-02"
    assert "mood" not in found[0][1]


def test_a_short_row_gives_empty_fields_for_parse_entry_to_refuse() -> None:
    found = rows(f"{HEADER}\n2026-03-02,22:30\n")
    assert found[0][1]["quality"] == ""


def test_it_names_every_missing_required_column() -> None:
    with pytest.raises(InvalidInput) as caught:
        rows("date,bedtime,lights_off,sol_min,final_wake,out_of_bed\n")
    problem = caught.value.problems[0]
    assert (problem.field, problem.row) == ("header", 1)
    assert problem.reason.endswith("nwak, waso_min, quality")


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(InvalidInput) as caught:
        rows(b"")
    assert caught.value.problems[0].field == "header"


def test_it_refuses_a_repeated_column() -> None:
    with pytest.raises(InvalidInput, match="repeated column"):
        rows(f"{HEADER},quality\n")


def test_it_refuses_invalid_utf8_naming_the_row() -> None:
    data = f"{HEADER},note\n{ROW},fine\n{ROW},caf".encode() + b"\xe9\n" + ROW.encode() + b"\n"
    with pytest.raises(InvalidInput) as caught:
        rows(data)
    problem = caught.value.problems[0]
    assert (problem.field, problem.row) == ("file", 3)
    assert "not valid UTF-8" in problem.reason


def test_latin1_in_the_header_row_is_row_1() -> None:
    with pytest.raises(InvalidInput) as caught:
        rows(b"d\xe4te," + HEADER.encode())
    assert caught.value.problems[0].row == 1


def test_it_refuses_a_row_with_more_cells_than_the_header() -> None:
    with pytest.raises(InvalidInput) as caught:
        rows(f"{HEADER}\n{ROW},surprise\n")
    assert (caught.value.problems[0].field, caught.value.problems[0].row) == ("row", 2)


def test_it_reads_text_streams_as_well_as_bytes() -> None:
    assert rows("\ufeff" + HEADER + "\n" + ROW + "\n") == rows((HEADER + "\n" + ROW).encode())


cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell, min_size=9, max_size=9), min_size=1, max_size=6))
def test_any_rows_read_the_same_however_a_spreadsheet_writes_them(
    table: list[list[str]],
) -> None:
    table = [row for row in table if any(c.strip() for c in row)]
    header = HEADER.split(",")

    def write(quoting: int, line_end: str, bom: bytes, tail: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, quoting=quoting, lineterminator=line_end)
        writer.writerow(header)
        writer.writerows(table)
        return bom + (out.getvalue() + tail).encode("utf-8")

    plain = rows(write(csv.QUOTE_MINIMAL, "\n", b"", ""))
    sheet = rows(write(csv.QUOTE_ALL, "\r\n", b"\xef\xbb\xbf", ",,,,,,,,\r\n\r\n"))
    assert sheet == plain
    assert [fields["date"] for _, fields in plain] == [row[0] for row in table]
