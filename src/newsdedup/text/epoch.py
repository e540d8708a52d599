"""Numeric timestamps: epoch seconds, milliseconds, microseconds or nanoseconds, and compact calendar stamps.

Rule (a number, or a string that is only a number, in a record's time field):

- 8 digits that read as a valid ``YYYYMMDD`` with a year in 1900-2100 (GDELT's SQLDATE) is that day, and 14
  digits that read as ``YYYYMMDDHHMMSS`` (GDELT's DATE) that moment; neither carries a zone, so
  ``default_tz`` applies (flagged as assumed, like any zoneless text).
- Any other number is time since 1970-01-01 UTC, its unit decided by magnitude: below 1e11 seconds (up to
  year 5138), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. Epoch seconds from 1973
  onward have at least 9 digits; milliseconds from 1973 onward at least 12, so the cuts leave every date
  since 1973 to year 5000 unambiguous.
- A number below 1e8 (epoch seconds before March 1973: a count, a year, a stray field) or negative, and a
  result after the year 2200, are not times (None).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["parse_numeric_time"]

_NUMBER = re.compile(r"\+?\d+(?:\.\d*)?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNITS = ((1e11, 1.0), (1e14, 1e3), (1e17, 1e6))


def _calendar(digits: str, zone: tzinfo) -> datetime | None:
    try:
        year = int(digits[:4])
        if not 1900 <= year <= 2100:
            return None
        if len(digits) == 8:
            local = datetime(year, int(digits[4:6]), int(digits[6:8]))
        else:
            month, day, hour, minute, second = (int(digits[i : i + 2]) for i in range(4, 14, 2))
            local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return local.replace(tzinfo=zone).astimezone(UTC)


def parse_numeric_time(text: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    """(UTC time, zone assumed) of a numeric timestamp (see the module rule), or None when ``text`` is not
    only a number or is out of range. ``zone`` applies to calendar stamps, which carry none."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    digits = text.lstrip("+")
    if digits.isdigit() and len(digits) in (8, 14):
        stamp = _calendar(digits, zone)
        if stamp is not None:
            return stamp, True
    value = float(text)
    if value < 1e8:
        return None
    scale = 1e9
    for limit, unit in _UNITS:
        if abs(value) < limit:
            scale = unit
            break
    seconds = value / scale
    if seconds > 7_258_118_400:  # 2200-01-01
        return None
    return _EPOCH + timedelta(seconds=seconds), False
