"""From read records to the parsed article frame: parse, learn per-source boilerplate, build matching text.

Parsing is pure and per record, so it runs in worker processes when there is enough work to pay for them.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import posixpath
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.boilerplate import learn_from_keys, line_keys, strip_learned
from newsdedup.config import ParseConfig
from newsdedup.dedup import DedupParams, Sketches, replace_sketches, sketch_texts
from newsdedup.normalize import matching_text
from newsdedup.parse import ParsedArticle, parse_raw, parse_record
from newsdedup.read import RawRecord

__all__ = ["parse_chunk", "parse_one", "parse_records"]

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


_Parsed = tuple[ParsedArticle, str, frozenset[str]]


def parse_chunk(
    chunk: Sequence[RawRecord], default_tz: str, include_title: bool, learn: bool, dedup: DedupParams | None
) -> tuple[list[_Parsed], Sketches | None]:
    """Parse a chunk: (article, matching text, short-line keys for boilerplate learning) per record, and the
    chunk's dedup sketches when ``dedup`` is given (so shingling and MinHash run in the workers too)."""
    out = []
    for rec in chunk:
        art = parse_one(rec, default_tz)
        out.append(
            (art, matching_text(art, include_title=include_title), line_keys(art.body) if learn else _NO_KEYS)
        )
    sketches = sketch_texts([o[1] for o in out], dedup) if dedup is not None else None
    return out, sketches


_NO_KEYS: frozenset[str] = frozenset()


def _group_key(rec: RawRecord, art: ParsedArticle) -> str:
    """Boilerplate is learned per outlet: the record's source, else the parsed one, else its input folder."""
    source = rec.source or art.source
    if source:
        return "source:" + source
    return "folder:" + (posixpath.dirname(rec.input) if rec.kind == "raw" else rec.input)


# Records handed to forked workers by inheritance instead of pickling: set just before the pool forks.
_SHARED: Sequence[RawRecord] = ()


def _parse_shared_range(lo: int, hi: int, *args: Any) -> tuple[list[_Parsed], Sketches | None]:
    return parse_chunk(_SHARED[lo:hi], *args)


def _parse_all(
    records: Sequence[RawRecord], config: ParseConfig, dedup: DedupParams | None, n_jobs: int
) -> tuple[list[_Parsed], Sketches | None]:
    global _SHARED
    args = (config.default_tz, config.include_title_in_match, config.learned_boilerplate, dedup)
    if n_jobs <= 1 or len(records) < _PARALLEL_MIN_RECORDS:
        return parse_chunk(records, *args)
    bounds = list(range(0, len(records), _CHUNK))
    workers = min(n_jobs, os.cpu_count() or 1)
    if "fork" in mp.get_all_start_methods():
        # forked workers see the records already in memory: only ranges and results cross the pipe
        _SHARED = records
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
                futures = [pool.submit(_parse_shared_range, lo, lo + _CHUNK, *args) for lo in bounds]
                parts = [f.result() for f in futures]
        finally:
            _SHARED = ()
    else:  # pragma: no cover - platforms without fork
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(parse_chunk, records[lo : lo + _CHUNK], *args) for lo in bounds]
            parts = [f.result() for f in futures]
    parsed = [a for part, _ in parts for a in part]
    if dedup is None:
        return parsed, None
    return parsed, Sketches.concat([sk for _, sk in parts if sk is not None], dedup)


def parse_records(
    records: Sequence[RawRecord],
    config: ParseConfig,
    *,
    n_jobs: int = 1,
    dedup: DedupParams | None = None,
    preparsed: tuple[list[_Parsed], Sketches | None] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], Sketches | None]:
    """Parse records into the article frame (one row per record, input order), parse statistics, and, when
    ``dedup`` is given, the dedup sketches of the matching texts (aligned with the frame's rows).

    ``preparsed`` carries per-record results of :func:`parse_chunk` made elsewhere (a Dask partition); the
    steps that need the whole run (learned boilerplate, the frame) are the same either way.
    """
    results, sketches = preparsed if preparsed is not None else _parse_all(records, config, dedup, n_jobs)
    parsed = [r[0] for r in results]
    match = [r[1] for r in results]
    keys = [_group_key(r, a) for r, a in zip(records, parsed, strict=True)]
    learned_lines = 0
    if config.learned_boilerplate and parsed:
        by_group: dict[str, list[frozenset[str]]] = {}
        for key, res in zip(keys, results, strict=True):
            by_group.setdefault(key, []).append(res[2])
        learned = learn_from_keys(
            by_group, min_docs=config.learned_min_docs, min_fraction=config.learned_min_fraction
        )
        learned_lines = sum(len(v) for v in learned.values())
        changed = []
        for i, (key, res) in enumerate(zip(keys, results, strict=True)):
            lines = learned.get(key)
            if lines and not lines.isdisjoint(res[2]):
                parsed[i] = strip_learned(parsed[i], lines)
                match[i] = matching_text(parsed[i], include_title=config.include_title_in_match)
                changed.append(i)
        if sketches is not None and dedup is not None and changed:
            rows = np.array(changed, dtype=np.int64)
            sketches = replace_sketches(sketches, rows, sketch_texts([match[i] for i in changed], dedup))
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
            "match_text": match,
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
    return frame, stats, sketches
