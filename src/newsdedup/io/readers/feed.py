"""The RSS/Atom reader (.rss, .atom, and .xml files that are feeds), parsed with feedparser: one article per
item, its fields put through the same rules as any structured record (HTML in the summary or content becomes
text there). An .xml file that is not a feed is counted as skipped ("not_a_feed"), not rejected."""

from __future__ import annotations

import calendar
import dataclasses
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsdedup.io.readers.base import read_capped
from newsdedup.io.readers.records import structured_record
from newsdedup.model import InputFile, RawRecord, Reject
from newsdedup.text.urls import normalize_url

__all__ = ["is_feed", "read_feed"]

# the first element of an XML document, past the declaration, comments, processing instructions and doctype
_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([\w:.-]+)", re.DOTALL)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
FEED_ROOTS = (b"rss", b"feed", b"rdf:RDF", b"RDF")


def is_feed(head: bytes) -> bool:
    """Is this the start of an RSS or Atom document (by its root element)?"""
    m = _ROOT.match(head)
    return m is not None and m.group(1) in FEED_ROOTS


def _when(entry: Any) -> str | None:
    """The item's publication (else update) time: ISO 8601 UTC when feedparser read it, else as written."""
    # dict.get: feedparser's own get() maps a missing key to another, with a deprecation warning
    for key in ("published", "updated"):
        parsed = dict.get(entry, f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
    return dict.get(entry, "published") or dict.get(entry, "updated")


def _author(value: Any) -> Any:
    """RSS's "jane@example.org (Jane Doe)" -> "Jane Doe"; anything else as it is."""
    m = _EMAIL_NAME.match(value) if isinstance(value, str) else None
    return m.group(1).strip() if m else value


def _item(entry: Any, source: str | None) -> dict[str, Any]:
    """An item as the fields of a structured record; the link names it (normalised), else its guid/id."""
    link = entry.get("link")
    contents: list[str] = [c.get("value") or "" for c in entry.get("content") or []]
    longest = max(contents, key=len, default="")
    body = longest or entry.get("summary")
    item_id = (
        normalize_url(link) if isinstance(link, str) and link.startswith(("http://", "https://")) else None
    )
    return {
        "id": item_id or entry.get("id") or None,
        "title": entry.get("title"),
        "body": body,
        "author": _author(entry.get("author")),
        "url": link,
        "published_at": _when(entry),
        "source": source,
    }


def read_feed(f: InputFile, max_bytes: int) -> Iterator[RawRecord | Reject]:
    """An RSS/Atom file, parsed whole (a feed is small: refused beyond 64 x ``max_bytes``, as .json files
    are); record = 1-based position of the item."""
    data = read_capped(f, 64 * max_bytes, "a feed over 64 x max_article_bytes")
    if isinstance(data, Reject):
        yield data
        return
    if not is_feed(data[:4096]):
        yield Reject(f.rel, None, "not_a_feed", "XML whose root element is not rss, feed or rdf:RDF")
        return
    parsed = feedparser.parse(data)
    if not parsed.entries and parsed.bozo:
        yield Reject(f.rel, None, "malformed_feed", f"{type(parsed.bozo_exception).__name__}"[:200])
        return
    source = parsed.feed.get("title") or None
    language = parsed.feed.get("language") or None
    encoding = parsed.get("encoding") or None
    for i, entry in enumerate(parsed.entries, start=1):
        rec = structured_record(_item(entry, source), f.rel, i, encoding, max_bytes)
        yield (
            dataclasses.replace(rec, language_hint=language)
            if language and isinstance(rec, RawRecord)
            else rec
        )
