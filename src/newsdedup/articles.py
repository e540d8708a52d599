"""From read records to the parsed article frame: parse, learn per-source boilerplate, build matching text.

Parsing is pure and per record, so it runs in worker processes when there is enough work to pay for them.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from newsdedup.boilerplate import learn_boilerplate, strip_learned
from newsdedup.config import ParseConfig
from newsdedup.normalize import matching_text
from newsdedup.parse import ParsedArticle, parse_raw, parse_record
from newsdedup.read import RawRecord

__all__ = ["parse_one", "parse_records"]

# Below this many records a process pool costs more than it saves.
_PARALLEL_MIN_RECORDS = 4_000
_CHUNK = 2_000


def parse_one(rec: RawRecord, default_tz: str) -> ParsedArticle:
    """Parse one read record, raw layout or structured, into fields."""
    if rec.kind == "raw":
        return parse_raw(rec.text or "", default_tz=default_tz)
    return parse_record(
        title=rec.title,
        body=rec.body or "",
        published=None if rec.published_invalid else rec.published,
        author=rec.author,
        default_tz=default_tz,
    )


def _parse_chunk(chunk: Sequence[RawRecord], default_tz: str) -> list[ParsedArticle]:
    return [parse_one(rec, default_tz) for rec in chunk]


def _group_key(rec: RawRecord, art: ParsedArticle) -> str:
    """Boilerplate is learned per outlet: the record's source, else the parsed one, else its input folder."""
    source = rec.source or art.source
    if source:
        return "source:" + source
    return "folder:" + (posixpath.dirname(rec.input) if rec.kind == "raw" else rec.input)


def _parse_all(records: Sequence[RawRecord], default_tz: str, n_jobs: int) -> list[ParsedArticle]:
    if n_jobs <= 1 or len(records) < _PARALLEL_MIN_RECORDS:
        return _parse_chunk(records, default_tz)
    chunks = [records[i : i + _CHUNK] for i in range(0, len(records), _CHUNK)]
    workers = min(n_jobs, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(_parse_chunk, chunks, [default_tz] * len(chunks))
        return [a for part in parts for a in part]


def parse_records(
    records: Sequence[RawRecord], config: ParseConfig, *, n_jobs: int = 1
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse records into the article frame (one row per record, input order) and parse statistics."""
    parsed = _parse_all(records, config.default_tz, n_jobs)
    keys = [_group_key(r, a) for r, a in zip(records, parsed, strict=True)]
    learned_lines = 0
    if config.learned_boilerplate and parsed:
        by_group: dict[str, list[str]] = {}
        for key, art in zip(keys, parsed, strict=True):
            by_group.setdefault(key, []).append(art.body)
        learned = learn_boilerplate(
            by_group, min_docs=config.learned_min_docs, min_fraction=config.learned_min_fraction
        )
        learned_lines = sum(len(v) for v in learned.values())
        if learned:
            parsed = [
                strip_learned(a, learned[k]) if k in learned else a for k, a in zip(keys, parsed, strict=True)
            ]
    removed = Counter[str]()
    for art in parsed:
        removed.update(art.removed)
    frame = pd.DataFrame(
        {
            "article_id": [r.article_id for r in records],
            "input": [r.input for r in records],
            "record": pd.array([r.record for r in records], dtype="Int64"),
            "source": [r.source or a.source for r, a in zip(records, parsed, strict=True)],
            "url": [r.url for r in records],
            "title": [a.title for a in parsed],
            "author": [a.author for a in parsed],
            "published_at": pd.to_datetime(
                pd.Series([a.published_at for a in parsed], dtype=object), utc=True
            ),
            "published_raw": [a.published_raw for a in parsed],
            "published_tz_assumed": [a.published_tz_assumed for a in parsed],
            "location": [a.location for a in parsed],
            "summary": [list(a.summary) for a in parsed],
            "body": [a.body for a in parsed],
            "body_chars": [len(a.body) for a in parsed],
            "encoding": [r.encoding for r in records],
            "removed_kinds": [sorted(f"{k}={v}" for k, v in a.removed.items()) for a in parsed],
            "removed_lines": [list(a.removed_lines) for a in parsed],
            "match_text": [matching_text(a, include_title=config.include_title_in_match) for a in parsed],
        }
    )
    n_published_raw = sum(a.published_raw is not None for a in parsed)
    n_published = sum(a.published_at is not None for a in parsed)
    stats: dict[str, Any] = {
        "published_missing": sum(a.published_raw is None for a in parsed),
        "published_unparsed": n_published_raw
        - sum(a.published_at is not None and a.published_raw is not None for a in parsed),
        "published_invalid_type": sum(r.published_invalid for r in records),
        "published_tz_assumed": sum(a.published_tz_assumed for a in parsed),
        "published_ok": n_published,
        "title_missing": sum(not a.title for a in parsed),
        "author_missing": sum(a.author is None for a in parsed),
        "learned_boilerplate_lines": learned_lines,
        "boilerplate_removed": dict(sorted(removed.items())),
    }
    return frame, stats
