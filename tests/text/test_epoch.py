"""Numeric timestamps: epoch units decided by magnitude, compact calendar stamps, what is not a time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from newsdedup.text.epoch import parse_numeric_time
from newsdedup.text.parse import parse_record

T = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # epoch 1700000000


@pytest.mark.parametrize(
    ("text", "expected", "assumed"),
    [
        ("1700000000", T, False),  # seconds
        ("1700000000000", T, False),  # milliseconds
        ("1700000000000000", T, False),  # microseconds
        ("1700000000000000000", T, False),  # nanoseconds
        ("1700000000.5", T.replace(microsecond=500000), False),
        (" +1700000000 ", T, False),
        ("100000000", datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC), False),  # 1e8: the smallest read
        ("20150218", datetime(2015, 2, 18, tzinfo=UTC), True),  # GDELT SQLDATE
        ("20150218230000", datetime(2015, 2, 18, 23, 0, tzinfo=UTC), True),  # GDELT DATE
    ],
)
def test_numeric_times(text: str, expected: datetime, assumed: bool) -> None:
    assert parse_numeric_time(text, UTC) == (expected, assumed)


# "20151399": 8 digits but no such day, and below 1e8 as epoch seconds
@pytest.mark.parametrize(
    "text", ["12", "2024", "20151399", "-1700000000", "1e9", "17000000000000000000000", "1,700", ""]
)
def test_not_numeric_times(text: str) -> None:
    assert parse_numeric_time(text, UTC) is None


def test_calendar_stamp_takes_the_default_zone() -> None:
    got = parse_numeric_time("20240601120000", ZoneInfo("Europe/Berlin"))
    assert got == (datetime(2024, 6, 1, 10, 0, tzinfo=UTC), True)


def test_parse_record_reads_epoch_and_keeps_the_raw_text() -> None:
    a = parse_record(title="T", body="B.", published="1715600000000")
    assert a.published_at == datetime(2024, 5, 13, 11, 33, 20, tzinfo=UTC)
    assert (a.published_raw, a.published_tz_assumed) == ("1715600000000", False)
    iso = parse_record(title="T", body="B.", published="2024-05-13T11:33:20Z")
    assert iso.published_at == a.published_at
