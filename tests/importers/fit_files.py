"""Writes small FIT files for the Garmin reader's tests (Garmin's FIT protocol: a 14-byte
header, definition and data messages, CRC-16 at the end), so the test files are made by
the tests themselves and no device file is copied in. Decoded by ``fitdecode`` as any
FIT file is."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterable

#: FIT times are seconds since 1989-12-31T00:00:00Z.
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip
LEVELS = {"unmeasurable": 0, "awake": 1, "light": 2, "deep": 3, "rem": 4}


def fit_crc(data: bytes, crc: int = 0) -> int:
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def _fit_time(moment: dt.datetime) -> int:
    return int((moment - FIT_EPOCH).total_seconds())


def sleep_fit(levels: Iterable[tuple[dt.datetime, str | int]], *, file_type: int = 49) -> bytes:
    """A FIT file with a file_id and one ``sleep_level`` message per (time, level)."""
    levels = list(levels)
    body = bytearray()
    # file_id (global 0): type enum, manufacturer uint16 (1 = Garmin), time_created uint32
    body += bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 3)
    body += bytes([0, 1, 0x00, 1, 2, 0x84, 4, 4, 0x86])
    created = levels[0][0] if levels else FIT_EPOCH
    body += bytes([0x00]) + struct.pack("<BHI", file_type, 1, _fit_time(created))
    # sleep_level (global 275): timestamp uint32 (253), sleep_level enum (0)
    body += bytes([0x41, 0, 0]) + struct.pack("<HB", 275, 2)
    body += bytes([253, 4, 0x86, 0, 1, 0x00])
    for moment, level in levels:
        value = LEVELS[level] if isinstance(level, str) else level
        body += bytes([0x01]) + struct.pack("<IB", _fit_time(moment), value)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + bytes(body)
    return data + struct.pack("<H", fit_crc(data))


def minutes(
    start: dt.datetime, *runs: tuple[str | int, int]
) -> list[tuple[dt.datetime, str | int]]:
    """One message a minute: ``runs`` of (level, minutes) from ``start``."""
    out = []
    moment = start
    for level, count in runs:
        for _ in range(count):
            out.append((moment, level))
            moment += dt.timedelta(minutes=1)
    return out
