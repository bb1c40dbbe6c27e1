"""The text guard: strict UTF-8 with byte offsets, no NUL, bounded lines, streaming."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.importers.textguard import check_text, iter_text_lines, read_text


def reason_of(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str:
    (problem,) = excinfo.value.problems
    return problem.reason


def test_it_reads_a_spreadsheet_csv_with_bom_crlf_and_quoted_newlines() -> None:
    data = '\ufeffsleep_id,comment\r\n1,"two\r\nlines"\r\n2,Zoë\r\n'.encode()
    rows = list(csv.reader(iter_text_lines(io.BytesIO(data), chunk_bytes=5)))
    assert rows == [["sleep_id", "comment"], ["1", "two\r\nlines"], ["2", "Zoë"]]


def test_it_names_the_byte_offset_of_invalid_utf8() -> None:
    data = b"a,b\n1,2\n3,\xff\n"
    with pytest.raises(InvalidInput) as excinfo:
        list(iter_text_lines(io.BytesIO(data), chunk_bytes=3))
    assert reason_of(excinfo).startswith("is not valid UTF-8 at byte offset 10 ")


def test_it_refuses_nul_bytes_with_their_offset() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        list(iter_text_lines(io.BytesIO(b"ab\ncd\x00\n")))
    assert reason_of(excinfo) == "contains a NUL byte at byte offset 5; not a text file"


def test_it_refuses_a_line_longer_than_the_limit_without_reading_on() -> None:
    class Endless(io.RawIOBase):
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            buffer[:] = b"x" * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    source = Endless()
    with pytest.raises(InvalidInput) as excinfo:
        list(iter_text_lines(source, max_line_bytes=1000, chunk_bytes=256))  # type: ignore[arg-type]
    assert reason_of(excinfo) == (
        "line 1 is longer than 1000 bytes (starting at byte offset 0); refusing the file"
    )
    assert source.served < 2000


def test_it_counts_lines_and_offsets_for_a_long_line_after_short_ones() -> None:
    data = b"h\n" + b"ok\n" * 3 + b"y" * 50 + b"\n"
    with pytest.raises(InvalidInput) as excinfo:
        list(iter_text_lines(io.BytesIO(data), max_line_bytes=20, chunk_bytes=7))
    assert reason_of(excinfo) == (
        "line 5 is longer than 20 bytes (starting at byte offset 11); refusing the file"
    )


def test_read_text_refuses_documents_above_the_size_limit() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        read_text(io.BytesIO(b"[" + b"1," * 100 + b"1]"), max_bytes=100)
    assert reason_of(excinfo) == "is larger than 100 bytes; refusing it as a text document"
    assert read_text(io.BytesIO('\ufeff{"a": "é"}'.encode())) == '{"a": "é"}'


def test_check_text_refuses_utf8_encoded_surrogates() -> None:
    # RFC 3629 section 3: surrogate code points are not valid UTF-8.
    with pytest.raises(InvalidInput) as excinfo:
        check_text(b"ok \xed\xa0\x80", offset=100)
    assert "byte offset 103" in reason_of(excinfo)


@given(
    lines=st.lists(
        st.text(st.characters(blacklist_characters="\n\x00", blacklist_categories=["Cs"])),
        max_size=20,
    ),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_the_lines_joined_are_always_the_original_text(lines: list[str], chunk: int) -> None:
    text = "\n".join(lines)
    if text.startswith("\ufeff"):
        text = "x" + text
    out = list(iter_text_lines(io.BytesIO(text.encode()), chunk_bytes=chunk))
    assert "".join(out) == text
    assert all(line.endswith("\n") for line in out[:-1])
