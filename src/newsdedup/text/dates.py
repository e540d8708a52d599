"""Publication timestamps: recognise a header line as a date and turn it into an aware UTC datetime.

Pure functions, no I/O. The common newsroom formats are handled by our own precompiled patterns (fast and
predictable); python-dateutil is only a fallback for lines that `looks_like_timestamp` already accepted, and is
never run in fuzzy mode, so it cannot "find" a date inside an ordinary sentence.

Zone rule: an explicit zone (abbreviation, GMT+10 style or numeric offset) is honoured literally (EST is
always -05:00 even in July, because that is what the text says). ET/PT/CT/MT name a region, so they follow
that region's daylight-saving rules. A timestamp with no zone is read in ``default_tz`` and reported as
``zone_assumed=True``; a date with no time is midnight in that zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as du_parser

from newsdedup.errors import ConfigError
from newsdedup.text.locale_dates import (
    find_local_zone,
    is_us_zone,
    local_date,
    local_time_text,
    looks_like_local_timestamp,
    parse_with_dateparser,
)

__all__ = ["looks_like_timestamp", "parse_timestamp", "resolve_zone", "strip_date_prefix", "written_date"]

UTC = UTC

_MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip


def _fixed(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


# Literal abbreviations -> fixed offsets. IST is India (+5:30): the dominant use in English-language news.
_FIXED_ZONES: dict[str, tzinfo] = {
    "UTC": UTC, "GMT": UTC, "Z": UTC, "UT": UTC,
    "EST": _fixed(-5), "EDT": _fixed(-4), "CST": _fixed(-6), "CDT": _fixed(-5),
    "MST": _fixed(-7), "MDT": _fixed(-6), "PST": _fixed(-8), "PDT": _fixed(-7),
    "AKST": _fixed(-9), "AKDT": _fixed(-8), "HST": _fixed(-10),
    "BST": _fixed(1), "IST": _fixed(5.5), "CET": _fixed(1), "CEST": _fixed(2),
    "WET": UTC, "WEST": _fixed(1), "EET": _fixed(2), "EEST": _fixed(3), "MSK": _fixed(3),
    "AEST": _fixed(10), "AEDT": _fixed(11), "ACST": _fixed(9.5), "ACDT": _fixed(10.5), "AWST": _fixed(8),
    "NZST": _fixed(12), "NZDT": _fixed(13), "JST": _fixed(9), "KST": _fixed(9), "HKT": _fixed(8),
    "SGT": _fixed(8), "PHT": _fixed(8), "WIB": _fixed(7), "PKT": _fixed(5), "GST": _fixed(4),
    "SAST": _fixed(2), "CAT": _fixed(2), "EAT": _fixed(3), "WAT": _fixed(1),
}  # fmt: skip
# Region names: daylight saving depends on the date, so they go through the tz database.
_REGION_ZONES: dict[str, str] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
}  # fmt: skip
_ZONE_ALT = "|".join(sorted(list(_FIXED_ZONES) + list(_REGION_ZONES), key=len, reverse=True))

_PREFIX = re.compile(
    r"^\s*(?:(?:first\s+)?published(?:\s+on|\s+at)?|(?:last\s+)?updated(?:\s+on|\s+at)?|posted(?:\s+on|\s+at)?"
    r"|last\s+modified(?:\s+on)?|modified(?:\s+on)?|date(?:line)?|released|issued|time|on)\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<z>Z(?![A-Za-z])|[+-]\d{2}(?::?\d{2})?(?!\d))?",
)
_DMY_NAME = re.compile(
    rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})\.?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MDY_NAME = re.compile(
    rf"(?<![\w])(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d:])"
)
_YMD_SLASH = re.compile(r"(?<![\d.:/-])(?P<y>\d{4})[/.](?P<mo>\d{1,2})[/.](?P<d>\d{1,2})(?![\d.:/])")
_TIME = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?)?\s*"
    r"(?P<ap>[ap]\.?\s?m\.?(?![a-z]))?(?![\d:])",
    re.IGNORECASE,
)
_ZONE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<base>GMT|UTC|UT)\s*(?P<boff>[+-]\s?\d{{1,2}}(?::?\d{{2}})?)?"
    rf"|(?P<abbr>{_ZONE_ALT}))(?![A-Za-z])"
    r"|(?<![\w:])(?P<off>[+-]\d{1,2}(?::?\d{2})?)(?![\d:])",
)
# Words allowed on a timestamp line besides the date itself; anything else makes it a sentence, not a date.
# Words allowed on a timestamp line besides the date itself; anything else makes it a sentence, not a date.
_OTHER_FILLER = """
mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday
at on the of published updated posted first last modified date time released issued local am pm st nd rd th
"""
_FILLER_WORDS = frozenset(
    (*_MONTHS, *(z.lower() for z in (*_FIXED_ZONES, *_REGION_ZONES)), *_OTHER_FILLER.split())
)
_WORD = re.compile(r"[A-Za-z]{2,}")
_ANY_DATE = re.compile(
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}}|\d{{4}}/\d{{1,2}}/\d{{1,2}}"
    rf"|\b{_MONTH_RE}\.?\s+\d{{1,2}}(?!\d)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}\b)",
    re.IGNORECASE,
)

_DIGIT = re.compile(r"\d")
# "2024-11-15T18:43:00+01:00" / "...Z" (ASCII digits, whole seconds, an offset of at most 14:59): the shape
# parse_timestamp hands to datetime.fromisoformat, which reads it as _parse does, several times faster.
_STRICT_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])"
)

# dateutil fallback: a zone table so abbreviations mean what we say, not what the host's locale says.
_DU_TZINFOS: dict[str, tzinfo] = dict(_FIXED_ZONES)


def resolve_zone(name: str) -> tzinfo:
    """The tzinfo for a configured default zone name ("UTC" or an IANA name); ConfigError when unknown."""
    return _zone(name)


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    if not isinstance(name, str):
        raise ConfigError(f"default_tz must be a zone name string, got {name!r}")
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"default_tz must be an IANA zone name such as 'UTC' or 'Europe/Paris', got {name!r}"
        ) from exc


def strip_date_prefix(line: str) -> tuple[str, str]:
    """Split a "Published:" / "Updated" / "Posted on" style prefix off a timestamp line.

    Returns (prefix in lower case without punctuation, rest of the line).
    """
    m = _PREFIX.match(line)
    if not m or not m.group(0).strip():
        return "", line.strip()
    prefix = re.sub(r"[^a-z ]", "", m.group(0).lower()).strip()
    return prefix, line[m.end() :].strip()


def looks_like_timestamp(line: str) -> bool:
    """True when the line is essentially a date/time (optionally with a Published/Updated prefix).

    Used to decide which lines may be handed to a date parser: a sentence that merely mentions a date is
    rejected because too many ordinary words remain once date words are removed.
    """
    if not line or len(line) > 90:
        return False
    # every _ANY_DATE alternative needs a digit: a plain \d search rejects name/sentence lines far cheaper
    if not _DIGIT.search(line):
        return False
    if not _ANY_DATE.search(line):
        return looks_like_local_timestamp(line)
    others = 0
    for word in _WORD.findall(line):
        if word.lower() not in _FILLER_WORDS:
            others += 1
            if others > 1:
                return looks_like_local_timestamp(line)
    return True


@lru_cache(maxsize=512)
def _offset(text: str) -> tzinfo | None:
    # cached: a corpus repeats a handful of offsets, and building a timezone object each time is measurable
    s = text.replace(" ", "")
    sign = -1 if s[0] == "-" else 1
    digits = s[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    elif len(digits) == 3:
        hours, minutes = int(digits[0]), int(digits[1:])
    else:
        hours, minutes = int(digits[:2]), int(digits[2:4])
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _find_zone(rest: str, line: str) -> tuple[tzinfo | None, str | None]:
    """(fixed tz or None, region zone name or None) from ``rest``, the text left of ``line`` after date and
    time are removed: the English abbreviations and offsets, then local zone names (first in a line that is
    not ASCII, where CST may be China's)."""
    ascii_line = line.isascii()
    if not ascii_line:
        fixed, region = find_local_zone(rest, line)
        if fixed is not None or region is not None:
            return fixed, region
    fixed, region = _find_english_zone(rest)
    if fixed is None and region is None and ascii_line:
        return find_local_zone(rest, line)
    return fixed, region


def _find_english_zone(rest: str) -> tuple[tzinfo | None, str | None]:
    for m in _ZONE.finditer(rest):
        if m.group("base"):
            if m.group("boff"):
                return _offset(m.group("boff")), None
            return UTC, None
        if m.group("abbr"):
            abbr = m.group("abbr")
            if abbr in _REGION_ZONES:
                return None, _REGION_ZONES[abbr]
            return _FIXED_ZONES[abbr], None
        if m.group("off"):
            return _offset(m.group("off")), None
    return None, None


def _build(
    y: int,
    mo: int,
    d: int,
    h: int,
    mi: int,
    s: int,
    fixed: tzinfo | None,
    region: str | None,
    default_tz: str,
) -> tuple[datetime | None, bool]:
    assumed = fixed is None and region is None
    tz = fixed if fixed is not None else _zone(region if region is not None else default_tz)
    try:
        local = datetime(y, mo, d, h, mi, s, tzinfo=tz)
        return local.astimezone(UTC), assumed
    except (ValueError, OverflowError):
        return None, False


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]


def parse_timestamp(
    text: str, default_tz: str = "UTC", *, dayfirst: bool = True
) -> tuple[datetime | None, bool]:
    """Parse a timestamp line into (aware UTC datetime or None, zone_assumed).

    zone_assumed is True when the text carried no zone and ``default_tz`` was applied. A numeric date that
    could be read either way (05/06/2024) is month first when the line names a US zone (EST, PT, ...), else
    day first when ``dayfirst`` (the default), else month first. Never raises on any text (an invalid
    ``default_tz`` is a configuration error and raises ConfigError).
    """
    _zone(default_tz)  # validate the configuration value even when the text has a zone
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None, False
    if _STRICT_ISO.fullmatch(text):
        # the usual export format, read in C; the pattern admits only what _parse reads the same way (an
        # offset _offset accepts); an impossible date or an out-of-range result takes the general path
        try:
            return datetime.fromisoformat(text).astimezone(UTC), False
        except (ValueError, OverflowError):
            pass
    _, s = strip_date_prefix(text)
    try:
        return _parse(s, default_tz, dayfirst)
    except (ValueError, OverflowError, KeyError, IndexError):
        return None, False


#: Characters at the start of a body searched by ``written_date``: the dateline and first sentence.
WRITTEN_DATE_CHARS = 300


def written_date(text: str, within: int = WRITTEN_DATE_CHARS) -> datetime | None:
    """The first full date written in the opening ``within`` characters of an article's body (its dateline
    or first sentence: ``ANKARA, March 3, 2021 -``, ``3 March 2021``, ``2021-03-03``) as midnight UTC; None
    when there is none. Only dates with a day, a month and a year: ``on Monday`` or ``March 3`` name no
    year, and a year alone names no day. Never raises."""
    if not isinstance(text, str):
        return None
    head = text[:within]
    found = [m for m in (_ISO.search(head), _DMY_NAME.search(head), _MDY_NAME.search(head)) if m is not None]
    if not found:
        return None
    m = min(found, key=lambda f: f.start())
    month = int(m["mo"]) if "mo" in m.groupdict() else _MONTHS[m["mon"].lower()]
    try:
        return datetime(int(m["y"]), month, int(m["d"]), tzinfo=UTC)
    except ValueError:  # 31 February
        return None


def _parse(s: str, default_tz: str, dayfirst: bool = True) -> tuple[datetime | None, bool]:
    m = _ISO.search(s) if "-" in s else None  # an ISO date has a literal "-"
    if m:
        y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
        h = int(m["h"]) if m["h"] else 0
        mi = int(m["mi"]) if m["mi"] else 0
        sec = int(m["s"]) if m["s"] else 0
        if m["z"]:
            fixed: tzinfo | None = UTC if m["z"] == "Z" else _offset(m["z"])
            return _build(y, mo, d, h, mi, sec, fixed, None, default_tz)
        fixed, region = _find_zone(s[m.end() :], s)
        return _build(y, mo, d, h, mi, sec, fixed, region, default_tz)

    rest = s
    date: tuple[int, int, int] | None = None
    for pat in (_DMY_NAME, _MDY_NAME):
        m = pat.search(s)
        if m:
            date = (int(m["y"]), _MONTHS[m["mon"].lower()], int(m["d"]))
            rest = _cut(s, m.start(), m.end())
            break
    numeric: re.Match[str] | None = None
    if date is None:
        m = _YMD_SLASH.search(s)
        if m:
            date = (int(m["y"]), int(m["mo"]), int(m["d"]))
            rest = _cut(s, m.start(), m.end())
        else:
            numeric = _NUMERIC.search(s)
            if numeric:
                rest = _cut(s, numeric.start(), numeric.end())
    if date is None and numeric is None:
        found = local_date(s)
        if found is None:
            return _fallback(s, default_tz, dayfirst)
        date, rest, implied = found
        default_tz = implied or default_tz  # "18 ноября 2024, 14:55": Moscow time unless a zone is written

    timed = _time_of(rest)
    if timed is None:
        return None, False
    (h, mi, sec), rest = timed
    fixed, region = _find_zone(rest, s)

    if numeric is not None:
        a, b, y = int(numeric["a"]), int(numeric["b"]), int(numeric["y"])
        date = (y, a, b) if _month_first(a, b, rest, dayfirst) else (y, b, a)
    assert date is not None
    return _build(date[0], date[1], date[2], h, mi, sec, fixed, region, default_tz)


def _time_of(rest: str) -> tuple[tuple[int, int, int], str] | None:
    """((hour, minute, second), ``rest`` without the time): midnight when there is no time, None when an
    am/pm time is impossible ("13 pm")."""
    if not rest.isascii():
        rest = local_time_text(rest)  # "14時55分", "下午2:55": local spellings to what _TIME reads
    tm = _find_time(rest)
    if tm is None and "h" in rest:
        rest = local_time_text(rest)  # "14h55" (French, Portuguese), tried only when no English time is found
        tm = _find_time(rest)
    if tm is None:
        return (0, 0, 0), rest
    h = int(tm["h"])
    mi = int(tm["mi"]) if tm["mi"] else 0
    sec = int(tm["s"]) if tm["s"] else 0
    if tm["ap"]:
        pm = tm["ap"].lower().startswith("p")
        if h > 12 or h == 0:
            return None
        h = (h % 12) + (12 if pm else 0)
    return (h, mi, sec), _cut(rest, tm.start(), tm.end())


def _find_time(rest: str) -> re.Match[str] | None:
    for cand in _TIME.finditer(rest):
        # a bare number is only a time when it has minutes or an am/pm marker ("10 a.m."), not a stray digit
        if cand["mi"] is not None or cand["ap"]:
            return cand
    return None


def _month_first(a: int, b: int, rest: str, dayfirst: bool) -> bool:
    """Is the numeric date a/b/yyyy month first? Whichever order is possible when only one is; otherwise a US
    zone in the line says month first, and ``dayfirst`` decides the rest."""
    if b > 12 or a > 12:
        return b > 12
    return is_us_zone(rest) or not dayfirst


def _fallback(s: str, default_tz: str, dayfirst: bool) -> tuple[datetime | None, bool]:
    """dateutil for an English-looking line, dateparser (restricted to the supported languages) for a
    localised one that our patterns did not read."""
    if s.isascii():
        dt, assumed = _dateutil_fallback(s, default_tz)
        if dt is not None or not looks_like_local_timestamp(s):
            return dt, assumed
    elif not looks_like_timestamp(s):
        return None, False
    return parse_with_dateparser(s, _zone(default_tz), dayfirst=dayfirst)


def _dateutil_fallback(s: str, default_tz: str) -> tuple[datetime | None, bool]:
    """Last resort for a line that looks like a date but matched none of our patterns."""
    if not looks_like_timestamp(s):
        return None, False
    try:
        dt = du_parser.parse(s, tzinfos=_DU_TZINFOS, fuzzy=False, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError, du_parser.ParserError):
        return None, False
    if dt.year == 1900:
        return None, False
    if dt.tzinfo is None:
        try:
            return dt.replace(tzinfo=_zone(default_tz)).astimezone(UTC), True
        except (ValueError, OverflowError):
            return None, False
    try:
        return dt.astimezone(UTC), False
    except (ValueError, OverflowError):
        return None, False
