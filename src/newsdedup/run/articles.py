"""Parsing one read record into fields, and a chunk of records into what the dedup step needs.

The run's streaming driver (:mod:`newsdedup.run.stream`) calls :func:`parse_one` in its worker processes;
:func:`parse_chunk` is the same work for a list of records (benchmarks and tools).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdedup.dedup import Sketches, sketch_texts
from newsdedup.model import ParsedArticle, RawRecord
from newsdedup.params import DedupParams
from newsdedup.text.boilerplate import line_keys
from newsdedup.text.normalize import matching_text
from newsdedup.text.parse import parse_raw, parse_record

__all__ = ["parse_chunk", "parse_one"]


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
