"""A read record -> a parsed article -> a staged row, and back (for the articles that learned boilerplate
changes after the read).

The read tasks (:mod:`newsdedup.run.tasks`) call :func:`parse_one` and :func:`article_table` in the worker
processes; the boilerplate step (:mod:`newsdedup.run.learn`) rebuilds an article from its staged row with
:func:`article_from_row` to strip what was learned over the whole run.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import xxhash

from newsdedup.io.staging import STAGE_SCHEMA
from newsdedup.model import ParsedArticle, RawRecord
from newsdedup.text.html import parse_html
from newsdedup.text.parse import parse_raw, parse_record
from newsdedup.text.urls import normalize_url, registered_domain

__all__ = [
    "article_from_row",
    "article_table",
    "attributed_source",
    "kinds_list",
    "parse_kinds",
    "parse_one",
    "removed_counts",
    "with_derived_id",
]

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())


def with_derived_id(
    rec: RawRecord, id_from: Sequence[str], taken: dict[str, str | None] | None = None
) -> RawRecord:
    """``rec`` (a record without an id) named by the first rule of ``id_from`` that applies: "url" its
    normalised http(s) URL, "content" ``content:`` + xxh3-64 of its title and body, "path" the reader's
    ``<input>:<record>``.

    ``taken``: URL ids given so far in this read task -> the source of their record. A URL met again with
    another source (an aggregator listing one page under two publishers) is named ``<url>#<source>``, so
    both are articles (and, being the same text, duplicates); with the same source it stays a repeated id.
    """
    for rule in id_from:
        if rule == "url" and rec.url:
            url = normalize_url(rec.url)
            if url.startswith("https://"):
                if taken is not None and rec.source and taken.setdefault(url, rec.source) != rec.source:
                    url = f"{url}#{rec.source}"
                return dataclasses.replace(rec, article_id=url, has_id=True)
        elif rule == "content":
            text = f"{rec.title or ''}\n{rec.body or rec.text or ''}"
            digest = xxhash.xxh3_64_hexdigest(text.encode("utf-8", "surrogatepass"))
            return dataclasses.replace(rec, article_id=f"content:{digest}", has_id=True)
        elif rule == "path":
            return rec
    return rec


def parse_one(
    rec: RawRecord, default_tz: str, html_extractor: str = "fast", *, dayfirst: bool = True
) -> ParsedArticle:
    """Parse one read record, raw layout, HTML page or structured, into fields (``dayfirst``:
    ``parse.dayfirst``); a mapped summary or location replaces what parsing found in the body."""
    if rec.kind == "raw":
        return parse_raw(rec.text or "", default_tz=default_tz, dayfirst=dayfirst)
    if rec.kind == "html":
        return parse_html(
            rec.text or "",
            extractor=html_extractor,
            default_tz=default_tz,
            published=None if rec.published_invalid else rec.published,
            base_url=rec.url,
            dayfirst=dayfirst,
        )
    art = parse_record(
        title=rec.title,
        body=rec.body or "",
        published=None if rec.published_invalid else rec.published,
        author=rec.author,
        default_tz=default_tz,
        dayfirst=dayfirst,
    )
    if rec.language_hint:
        art = dataclasses.replace(art, language_hint=rec.language_hint)
    if rec.summary is not None or rec.location is not None:
        art = dataclasses.replace(
            art,
            summary=art.summary if rec.summary is None else _summary_items(rec.summary),
            location=" ".join(rec.location.split()) if rec.location is not None else art.location,
        )
    return art


def _summary_items(text: str) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in text.split("\n") if line.strip())


def attributed_source(rec: RawRecord, art: ParsedArticle, source_from: Sequence[str]) -> str | None:
    """The article's source by the first rule of ``source_from`` (InputConfig.source_from) that says
    something: "field" the record's mapped source, "headline" the outlet suffix split off the title,
    "folder" the first folder of the input's path under its root, "url" the registered domain of its URL."""
    for rule in source_from:
        if rule == "field":
            found = rec.source
        elif rule == "headline":
            found = art.source
        elif rule == "folder":
            folder, sep, _ = rec.input.partition("/")
            found = folder if sep and folder not in ("", ".", "..") else None
        else:
            found = registered_domain(rec.url) if rec.url else None
        if found:
            return found
    return None


def article_table(
    records: Sequence[RawRecord],
    parsed: Sequence[ParsedArticle],
    match: Sequence[str],
    languages: Sequence[str],
    source_from: Sequence[str] = ("field", "headline"),
) -> pa.Table:
    """The staged article columns of parsed records (:data:`~newsdedup.io.staging.STAGE_SCHEMA`);
    ``source`` by :func:`attributed_source`."""
    return pa.table(
        {
            "article_id": pa.array([r.article_id for r in records], pa.string()),
            "input": pa.array([r.input for r in records], pa.string()),
            "record": pa.array([r.record for r in records], pa.int64()),
            "source": pa.array(
                [attributed_source(r, a, source_from) for r, a in zip(records, parsed, strict=True)],
                pa.string(),
            ),
            "url": pa.array([a.url or r.url for r, a in zip(records, parsed, strict=True)], pa.string()),
            "title": pa.array([a.title for a in parsed], pa.string()),
            "author": pa.array([a.author for a in parsed], pa.string()),
            "published_at": pa.array([a.published_at for a in parsed], _TS),
            "published_raw": pa.array([a.published_raw for a in parsed], pa.string()),
            "published_tz_assumed": pa.array([a.published_tz_assumed for a in parsed], pa.bool_()),
            "location": pa.array([a.location for a in parsed], pa.string()),
            "summary": pa.array([list(a.summary) for a in parsed], _STRS),
            "body": pa.array([a.body for a in parsed], pa.string()),
            "body_chars": pa.array([len(a.body) for a in parsed], pa.int64()),
            "encoding": pa.array([r.encoding for r in records], pa.string()),
            "removed_kinds": pa.array([kinds_list(a.removed) for a in parsed], _STRS),
            "removed_lines": pa.array([list(a.removed_lines) for a in parsed], _STRS),
            "extra": pa.array([r.extra for r in records], pa.string()),
            "has_body": pa.array([bool(a.body) for a in parsed], pa.bool_()),
            "language": pa.array(list(languages), pa.string()),
            "match_text": pa.array(list(match), pa.string()),
        },
        schema=STAGE_SCHEMA,
    )


def kinds_list(removed: dict[str, int]) -> list[str]:
    """The ``removed_kinds`` column value: "kind=lines" entries, sorted."""
    return sorted(f"{k}={v}" for k, v in removed.items())


def parse_kinds(kinds: Sequence[str] | None) -> dict[str, int]:
    """The inverse of :func:`kinds_list`."""
    out: dict[str, int] = {}
    for kv in kinds if kinds is not None else []:
        k, _, v = str(kv).partition("=")
        out[k] = int(v)
    return out


def removed_counts(table: pa.Table) -> Counter[str]:
    """Lines removed per boilerplate kind, summed over a staged table's rows."""
    counts: Counter[str] = Counter()
    for kinds in table.column("removed_kinds").to_pylist():
        counts.update(parse_kinds(kinds))
    return counts


def article_from_row(row: pd.Series) -> ParsedArticle:
    """The parsed article of a staged row (as a pandas row); its outlet suffix is not kept (``source`` None)."""
    ts = row["published_at"]
    return ParsedArticle(
        title=row["title"],
        author=row["author"],
        published_at=None if pd.isna(ts) else pd.Timestamp(ts).to_pydatetime(),
        published_raw=row["published_raw"],
        published_tz_assumed=bool(row["published_tz_assumed"]),
        location=row["location"],
        summary=tuple(row["summary"] if row["summary"] is not None else ()),
        body=str(row["body"]),
        source=None,
        removed=parse_kinds(row["removed_kinds"]),
        removed_lines=tuple(row["removed_lines"] if row["removed_lines"] is not None else ()),
    )
