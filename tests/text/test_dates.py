"""Timestamp recognition and parsing: a table of formats and zones with hand-computed UTC answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.errors import ConfigError
from newsdedup.text.dates import looks_like_timestamp, parse_timestamp, strip_date_prefix, written_date


def _utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


# (text, expected UTC datetime, zone_assumed)
TIMESTAMPS: list[tuple[str, datetime | None, bool]] = [
    ("18 Nov 2024, 14:55 GMT+10", _utc(2024, 11, 18, 4, 55), False),
    ("2024-11-16T10:37:00Z", _utc(2024, 11, 16, 10, 37), False),
    ("2024-11-16T10:37:00+05:30", _utc(2024, 11, 16, 5, 7), False),
    ("2024-11-16 10:37:12.345-0500", _utc(2024, 11, 16, 15, 37, 12), False),
    ("Published: 2024-11-16T10:37:00Z", _utc(2024, 11, 16, 10, 37), False),
    ("Updated 10:37 AM PST, Saturday November 16, 2024", _utc(2024, 11, 16, 18, 37), False),
    ("November 16, 2024 10:37 PM EST", _utc(2024, 11, 17, 3, 37), False),
    ("Nov. 16, 2024 at 10:37 a.m. ET", _utc(2024, 11, 16, 15, 37), False),  # New York, standard time
    ("July 4, 2024 at 10:37 a.m. ET", _utc(2024, 7, 4, 14, 37), False),  # ET follows daylight saving
    ("July 4, 2024 10 a.m. PT", _utc(2024, 7, 4, 17, 0), False),
    ("Jan 5, 2024 12:00 PM CT", _utc(2024, 1, 5, 18, 0), False),
    ("16/11/2024 10:37 GMT", _utc(2024, 11, 16, 10, 37), False),
    ("Posted 05/06/2024 22:34", _utc(2024, 6, 5, 22, 34), True),  # day first
    ("11/16/2024 10:37 UTC", _utc(2024, 11, 16, 10, 37), False),  # day-first impossible -> month first
    ("16 Nov 2024 10:37 EDT", _utc(2024, 11, 16, 14, 37), False),
    ("16 Nov 2024 10:37 CST", _utc(2024, 11, 16, 16, 37), False),
    ("16 Nov 2024 10:37 CDT", _utc(2024, 11, 16, 15, 37), False),
    ("16 Nov 2024 10:37 MST", _utc(2024, 11, 16, 17, 37), False),
    ("16 Nov 2024 10:37 MDT", _utc(2024, 11, 16, 16, 37), False),
    ("16 Nov 2024 10:37 PDT", _utc(2024, 11, 16, 17, 37), False),
    ("16 Nov 2024 10:37 BST", _utc(2024, 11, 16, 9, 37), False),
    ("16 Nov 2024 10:37 CET", _utc(2024, 11, 16, 9, 37), False),
    ("16 Nov 2024 10:37 CEST", _utc(2024, 11, 16, 8, 37), False),
    ("16 Nov 2024 10:37 AEST", _utc(2024, 11, 16, 0, 37), False),
    ("16 Nov 2024 10:37 AEDT", _utc(2024, 11, 15, 23, 37), False),
    ("16 Nov 2024 10:37 IST", _utc(2024, 11, 16, 5, 7), False),
    ("16 Nov 2024 10:37 JST", _utc(2024, 11, 16, 1, 37), False),
    ("16 Nov 2024 10:37 UTC", _utc(2024, 11, 16, 10, 37), False),
    ("16 Nov 2024 10:37 +1000", _utc(2024, 11, 16, 0, 37), False),
    ("16 Nov 2024 10:37 +10:00", _utc(2024, 11, 16, 0, 37), False),
    ("16 Nov 2024 10:37 +10", _utc(2024, 11, 16, 0, 37), False),
    ("16 Nov 2024 10:37 UTC-5", _utc(2024, 11, 16, 15, 37), False),
    ("Sat, 16 Nov 2024 10:37:00 +0000", _utc(2024, 11, 16, 10, 37), False),
    ("Last updated: 16 November 2024 at 10:37 BST", _utc(2024, 11, 16, 9, 37), False),
    ("Nov 16, 2024", _utc(2024, 11, 16), True),  # no time: midnight in the default zone
    ("2024-11-16", _utc(2024, 11, 16), True),
    ("16.11.2024 10:37", _utc(2024, 11, 16, 10, 37), True),
    ("Robert Besser", None, False),
    ("", None, False),
    ("10:37 AM", None, False),  # a time alone is not a publication date
    ("32 Nov 2024", None, False),
    ("2024-13-40T10:00:00Z", None, False),
]


@pytest.mark.parametrize(("text", "expected", "assumed"), TIMESTAMPS)
def test_parse_timestamp(text: str, expected: datetime | None, assumed: bool) -> None:
    got, zone_assumed = parse_timestamp(text)
    assert got == expected
    assert zone_assumed is assumed
    if got is not None:
        assert got.utcoffset() is not None and got.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_default_tz_applies_only_without_zone() -> None:
    assert parse_timestamp("16 Nov 2024 10:37", "America/New_York") == (_utc(2024, 11, 16, 15, 37), True)
    assert parse_timestamp("16 Jul 2024 10:37", "Europe/Paris") == (_utc(2024, 7, 16, 8, 37), True)
    assert parse_timestamp("16 Nov 2024 10:37 GMT", "America/New_York") == (_utc(2024, 11, 16, 10, 37), False)
    assert parse_timestamp("Nov 16, 2024", "Asia/Tokyo") == (_utc(2024, 11, 15, 15, 0), True)


def test_bad_default_tz_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        parse_timestamp("16 Nov 2024", "Mars/Olympus")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("18 Nov 2024, 14:55 GMT+10", True),
        ("Published: 2024-11-16T10:37:00Z", True),
        ("Updated 10:37 AM PST, Saturday November 16, 2024", True),
        ("Nov. 16, 2024 at 10:37 a.m. ET", True),
        ("Posted 16/11/2024 10:37 GMT", True),
        ("The meeting on November 16, 2024 was long and tense", False),
        ("Officials said on Nov 16 that talks had failed", False),
        ("Robert Besser", False),
        ("May the best team win", False),
        ("", False),
    ],
)
def test_looks_like_timestamp(line: str, expected: bool) -> None:
    assert looks_like_timestamp(line) is expected


@pytest.mark.parametrize(
    ("line", "prefix", "rest"),
    [
        ("Published: 2024-11-16", "published", "2024-11-16"),
        ("Last updated 16 Nov 2024", "last updated", "16 Nov 2024"),
        ("Posted on Nov 16, 2024", "posted on", "Nov 16, 2024"),
        ("16 Nov 2024", "", "16 Nov 2024"),
    ],
)
def test_strip_date_prefix(line: str, prefix: str, rest: str) -> None:
    assert strip_date_prefix(line) == (prefix, rest)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=120))
def test_parse_timestamp_never_raises(text: str) -> None:
    got, assumed = parse_timestamp(text)
    assert got is None or got.tzinfo is not None
    assert isinstance(assumed, bool)
    looks_like_timestamp(text)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2099, 12, 30)),
    st.sampled_from(["%d %b %Y, %H:%M", "%Y-%m-%dT%H:%M:%S", "%B %d, %Y %H:%M", "%d/%m/%Y %H:%M"]),
)
def test_round_trip_utc(moment: datetime, fmt: str) -> None:
    text = moment.strftime(fmt) + " UTC"
    got, assumed = parse_timestamp(text)
    assert got == moment.replace(second=moment.second if "%S" in fmt else 0, microsecond=0, tzinfo=UTC)
    assert assumed is False


iso_text = st.builds(
    lambda y, mo, d, h, mi, s, z: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{z}",
    st.sampled_from([1, 1999, 2024, 9999]),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["Z", "+00:00", "-00:00", "+05:30", "-14:59", "+14:00", "+15:00", "+01:60", "+1:00", ""]),
)


@settings(max_examples=500, deadline=None)
@given(iso_text, st.sampled_from(["UTC", "Europe/Paris", "America/New_York"]))
def test_strict_iso_shortcut_equals_the_general_parser(text: str, tz: str) -> None:
    from newsdedup.text.dates import _parse

    try:
        general = _parse(text, tz)
    except (ValueError, OverflowError):
        general = (None, False)
    assert parse_timestamp(text, tz) == general


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IZMIR, Turkey, March 3, 2021 - A strong earthquake struck.", (2021, 3, 3)),
        ("LIMA, 14 August 2007 (Reuters) - The quake killed 500 people.", (2007, 8, 14)),
        ("Published 2019-11-05. Rescuers searched the rubble.", (2019, 11, 5)),
        ("A quake struck on Monday, March 3, killing 40.", None),  # no year
        ("The town was last hit in 1999.", None),  # a year alone
        ("Rescuers worked through the night. " * 10 + "On March 3, 2021 a ruling came.", None),  # too late
        ("ROME, February 31, 2020 - Nothing.", None),  # no such day
    ],
)
def test_written_date_reads_a_full_date_at_the_start_of_a_body(
    text: str, expected: tuple[int, int, int] | None
) -> None:
    found = written_date(text)
    assert (None if found is None else (found.year, found.month, found.day)) == expected
    assert found is None or found.tzinfo is not None
