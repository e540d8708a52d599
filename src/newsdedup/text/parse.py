"""Raw article text -> fields (pure functions, no I/O).

`parse_raw` reads a whole raw-layout file: a header (headline, optional repeated headline, author, timestamp,
summary bullets, outlet/section noise), a body (optionally opening with a dateline such as
"LONDON (Reuters) -") and a footer of boilerplate. `parse_record` applies the same text repair and body
cleaning to an export record whose fields are already separated.

Header rule: the first non-empty line is the headline (a bare kicker such as "Breaking News" before it is
skipped; a repeat of it is collapsed). The header then runs over author/timestamp/bullet/short noise lines and
ends at the first line that reads like prose (>= 60 chars or >= 6 words, or a short sentence) or opens with a
dateline. A prose line followed within three lines by a byline or timestamp is a standfirst (removed,
counted). The recognisers of header lines are in :mod:`newsdedup.text.header`.

Body rule: boilerplate lines are removed per kind; lines are re-joined into paragraphs; the dateline is then
cut from the first paragraph into ``location`` (:mod:`newsdedup.text.body`).

Zone rule: see `newsdedup.text.dates` (a timestamp without a zone is read in ``default_tz`` and flagged
``published_tz_assumed``).
"""

from __future__ import annotations

from datetime import datetime

from newsdedup.model import ParsedArticle
from newsdedup.text.body import Removed, clean_body
from newsdedup.text.boilerplate import classify_line
from newsdedup.text.dates import looks_like_timestamp, parse_timestamp, resolve_zone, strip_date_prefix
from newsdedup.text.epoch import parse_numeric_time
from newsdedup.text.header import (
    AUTHOR_SPLIT,
    BY_PREFIX,
    HARD_SEP,
    KICKER,
    author_from_line,
    clean_name,
    has_by_prefix,
    split_dateline,
    split_title,
)
from newsdedup.text.lines import bullet_text, is_prose
from newsdedup.text.normalize import normalize_for_matching
from newsdedup.text.repair import repair_text

__all__ = ["parse_raw", "parse_record"]


def parse_raw(text: str, *, default_tz: str = "UTC", dayfirst: bool = True) -> ParsedArticle:
    """Parse a whole raw-layout article file (header + body + footer) into its fields.

    ``dayfirst``: how an ambiguous numeric date is read when its zone does not say (see
    :func:`~newsdedup.text.dates.parse_timestamp`). Never raises on any text; an unknown ``default_tz``
    raises ConfigError.
    """
    resolve_zone(default_tz)
    text = repair_text(text) if isinstance(text, str) else ""
    lines = list(map(str.strip, text.split("\n")))
    removed = Removed()
    i = _headline_index(lines, removed)
    if i >= len(lines):
        return _empty(removed)
    header = _HeaderScan(lines, i, default_tz, removed, dayfirst=dayfirst)
    body_start = header.scan(i + 1)
    location, body = clean_body(lines[body_start:], removed, known_dateline=header.known_dateline)
    return ParsedArticle(
        title=header.title or None,
        author=header.author,
        published_at=header.published_at,
        published_raw=header.published_raw,
        published_tz_assumed=header.tz_assumed,
        location=location,
        summary=tuple(header.summary),
        body=body,
        source=header.source,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )


def _headline_index(lines: list[str], removed: Removed) -> int:
    """The index of the headline: the first non-empty line, or the next one when it is a bare kicker
    ("Breaking News", removed as header) with more text after it; ``len(lines)`` when there is none."""
    n = len(lines)
    i = 0
    while i < n and not lines[i]:
        i += 1
    if i < n and KICKER.fullmatch(lines[i]):
        j = i + 1
        while j < n and not lines[j]:
            j += 1
        if j < n:
            removed.add("header", lines[i])
            i = j
    return i


_BODY = -1  # what a header step returns when the body starts at the line it was given


class _HeaderScan:
    """The fields of an article's header, read line by line after the headline until the body starts.

    One method per kind of header line; each consumes its line(s) and records what it found."""

    __slots__ = (
        "author",
        "dayfirst",
        "default_tz",
        "known_dateline",
        "lines",
        "published_at",
        "published_prefix",
        "published_raw",
        "raw_title",
        "removed",
        "seen_fields",
        "source",
        "summary",
        "title",
        "title_keys",
        "tz_assumed",
    )

    def __init__(
        self, lines: list[str], headline: int, default_tz: str, removed: Removed, *, dayfirst: bool = True
    ) -> None:
        self.lines = lines
        self.default_tz = default_tz
        self.dayfirst = dayfirst
        self.removed = removed
        self.raw_title = lines[headline]
        self.title, self.source = split_title(self.raw_title)
        # a repeated headline line: same words, any case/quotes/spacing, with or without the outlet suffix
        self.title_keys = {normalize_for_matching(self.title), normalize_for_matching(self.raw_title)}
        self.author: str | None = None
        self.published_at: datetime | None = None
        self.published_raw: str | None = None
        self.tz_assumed = False
        self.published_prefix = ""
        self.summary: list[str] = []
        self.seen_fields = False  # a byline or timestamp was read (a prose line is then no standfirst)
        # (the line, its split_dateline) when a dateline ends the header
        self.known_dateline: tuple[str, tuple[str | None, str]] | None = None

    def scan(self, i: int) -> int:
        """Read the header from line ``i``; return the index of the body's first line."""
        lines = self.lines
        n = len(lines)
        while i < n:
            if not lines[i]:
                i += 1
                continue
            after = self._step(i, lines[i])
            if after == _BODY:
                return i
            i = after
        return n

    def _step(self, i: int, line: str) -> int:
        """Take the non-empty header line ``i``: the index of the next line to read, or _BODY."""
        if self._is_title_repeat(line):
            return i + 1
        bullet = bullet_text(line)
        if bullet is not None:
            return self._take_bullet(i, bullet)
        found = split_dateline(line)
        if found[0] is not None:
            self.known_dateline = (line, found)
            return _BODY
        if not HARD_SEP.search(line) and self._take_timestamp(line):
            self.seen_fields = True
            return i + 1
        if self._take_byline(line):
            return i + 1
        # "Published: X | Updated: Y" or "Name · date" combined on one line
        parts = AUTHOR_SPLIT.split(line)
        if len(parts) > 1 and any(
            [self._take_timestamp(p.strip()) for p in parts]
        ):  # a list: every part is tried
            self.seen_fields = True
            return i + 1
        kind = classify_line(line)
        if kind is not None:
            self.removed.add(kind, line)
            return i + 1
        if is_prose(line):
            if self.seen_fields or not _standfirst(self.lines, i, self.title):
                return _BODY
            self.removed.add("standfirst", line)
            return i + 1
        self.removed.add("header", line)  # outlet name, section, "Breaking News", ...
        return i + 1

    def _is_title_repeat(self, line: str) -> bool:
        """Is the line the headline again (with or without its outlet suffix)?"""
        title = self.title
        if (
            abs(len(line) - len(title)) <= 8 or abs(len(line) - len(self.raw_title)) <= 8
        ) and normalize_for_matching(line) in self.title_keys:
            return True
        return (
            len(line) > len(title)
            and line[:8].casefold() == title[:8].casefold()
            and normalize_for_matching(split_title(line)[0]) in self.title_keys
        )

    def _take_bullet(self, i: int, bullet: str) -> int:
        """Add the summary bullet at line ``i`` with its wrapped continuation lines (lower-case starts)."""
        lines = self.lines
        n = len(lines)
        i += 1
        while i < n and lines[i] and bullet_text(lines[i]) is None and lines[i][0].islower():
            bullet = f"{bullet} {lines[i]}"
            i += 1
        self.summary.append(bullet)
        return i

    def _take_timestamp(self, candidate: str) -> bool:
        """Is the text a timestamp? The first one is the publication time, except that "Published" beats an
        earlier "Updated"."""
        if not looks_like_timestamp(candidate):  # the cheap rejection first: most header lines are not dates
            return False
        prefix, rest = strip_date_prefix(candidate)
        dt, assumed = parse_timestamp(rest, self.default_tz, dayfirst=self.dayfirst)
        if dt is None:
            return False
        if self.published_at is None or (
            self.published_prefix.startswith(("updated", "last", "modified"))
            and prefix.startswith(("published", "first", "posted"))
        ):
            self.published_at, self.published_raw = dt, rest
            self.tz_assumed, self.published_prefix = assumed, prefix
        return True

    def _take_byline(self, line: str) -> bool:
        """Is the line a byline? The first gives the author (and a timestamp after the name); a later one
        (a photographer, say) is removed as header."""
        if self.author is None:
            name, tail = author_from_line(line, self.title)
            if name is None:
                return False
            self.author = name
            self.seen_fields = True
            if tail:
                for part in AUTHOR_SPLIT.split(tail):
                    self._take_timestamp(part.strip())
            return True
        if has_by_prefix(line) and author_from_line(line, self.title)[0]:
            self.removed.add("header", line)
            return True
        return False


def _standfirst(lines: list[str], i: int, title: str | None) -> bool:
    """Is the prose line at i a standfirst, i.e. followed within three lines by a byline or timestamp?"""
    seen = 0
    for line in lines[i + 1 :]:
        if not line:
            continue
        seen += 1
        if seen > 3 or is_prose(line):
            return False
        # a bare name is not enough here: a short subheading after the first paragraph would look like one
        if looks_like_timestamp(line) or (
            (has_by_prefix(line) or "|" in line) and author_from_line(line, title)[0]
        ):
            return True
    return False


def _empty(removed: Removed) -> ParsedArticle:
    return ParsedArticle(
        title=None,
        author=None,
        published_at=None,
        published_raw=None,
        published_tz_assumed=False,
        location=None,
        summary=(),
        body="",
        source=None,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )


def _record_author(author: str) -> str | None:
    """A structured record's author field without its byline prefix."""
    a = " ".join(repair_text(author).split())
    m = BY_PREFIX.match(a)
    if m:
        a = a[m.end() :].strip()
    elif has_by_prefix(a):
        # "Von Anna Schmidt", "记者 王伟": the prefix goes only when a name follows ("Von Miller" stays)
        a = author_from_line(a, None)[0] or a
    return clean_name(a) or None


def parse_record(
    *,
    title: str | None,
    body: str,
    published: str | None = None,
    author: str | None = None,
    default_tz: str = "UTC",
    dayfirst: bool = True,
) -> ParsedArticle:
    """Parse a structured record (JSONL/CSV/Parquet) whose fields are given.

    Still repairs text, splits an outlet suffix off the title, parses the timestamp, extracts a dateline into
    location, moves leading bullet lines into the summary, removes boilerplate lines and re-joins hard-wrapped
    lines in the body.
    """
    zone = resolve_zone(default_tz)
    source: str | None = None
    clean_title: str | None = None
    if isinstance(title, str):
        t = " ".join(repair_text(title).split())
        if t:
            clean_title, source = split_title(t)
    clean_author = _record_author(author) if isinstance(author, str) else None
    published_at: datetime | None = None
    published_raw: str | None = None
    assumed = False
    if isinstance(published, str) and published.strip():
        _, published_raw = strip_date_prefix(" ".join(repair_text(published).split()))
        numeric = parse_numeric_time(published_raw, zone)  # epoch seconds/ms, YYYYMMDD[HHMMSS]
        published_at, assumed = numeric or parse_timestamp(published_raw, default_tz, dayfirst=dayfirst)
    text = repair_text(body) if isinstance(body, str) else ""
    lines = list(map(str.strip, text.split("\n")))
    summary: list[str] = []
    k = 0
    while k < len(lines) and (not lines[k] or bullet_text(lines[k]) is not None):
        if lines[k]:
            summary.append(bullet_text(lines[k]) or "")
        k += 1
    if not summary:
        k = 0
    removed = Removed()
    location, body_text = clean_body(lines[k:], removed)
    return ParsedArticle(
        title=clean_title,
        author=clean_author,
        published_at=published_at,
        published_raw=published_raw or None,
        published_tz_assumed=assumed if published_at is not None else False,
        location=location,
        summary=tuple(summary),
        body=body_text,
        source=source,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )
