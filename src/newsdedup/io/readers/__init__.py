"""The readers: one input file -> a stream of `RawRecord`s and `Reject`s.

Every record seen becomes exactly one of them; bad content or an I/O error never raises, it becomes a
`Reject` with a reason from REJECT_REASONS (or, for a record that is no article and no fault either, such as
a WARC request record, from RECORD_SKIP_REASONS: counted as skipped, not rejected). Every text field emitted has CRLF and lone CR normalised to
"\\n". Blank lines in .jsonl files are not records and are not counted. A zero-byte file of any format
gives one `Reject(reason="empty", record=None)`. Ids are not checked across files here: the run keeps the
first record of an id (run/stream.py).

A new format is a module here with a `read_<format>(f, max_bytes)` generator, an entry in READERS and its
file name suffixes in `newsdedup.io.discover.FORMATS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from newsdedup.io.readers.base import (
    DEFAULT_MAX_ARTICLE_BYTES,
    RECORD_SKIP_REASONS,
    REJECT_REASONS,
    os_detail,
)
from newsdedup.io.readers.csv import read_csv
from newsdedup.io.readers.fields import DEFAULT_PLAN, FieldPlan, compile_plan
from newsdedup.io.readers.html import read_html
from newsdedup.io.readers.jsonl import jsonl_spans, read_json, read_jsonl, scan_jsonl, splittable
from newsdedup.io.readers.parquet import read_parquet
from newsdedup.io.readers.txt import read_txt
from newsdedup.model import InputFile, RawRecord, Reject

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "DEFAULT_PLAN",
    "READERS",
    "RECORD_SKIP_REASONS",
    "REJECT_REASONS",
    "FieldPlan",
    "compile_plan",
    "file_spans",
    "jsonl_spans",
    "read_file",
    "scan_jsonl",
    "splittable",
]

# format -> reader of a whole file: (file, max_article_bytes, field plan) (.txt files are read by read_file
# itself, see there; readers of formats with no field names may ignore the plan)
Reader = Callable[[InputFile, int, FieldPlan], Iterator[RawRecord | Reject]]


def read_feed(f: InputFile, max_article_bytes: int) -> Iterator[RawRecord | Reject]:
    """:func:`newsdedup.io.readers.feed.read_feed`, imported on first use: feedparser loads for feeds only."""
    from newsdedup.io.readers.feed import read_feed as read

    return read(f, max_article_bytes)


def read_warc(
    f: InputFile, max_article_bytes: int, span: tuple[int, int, int] | None = None
) -> Iterator[RawRecord | Reject]:
    """:func:`newsdedup.io.readers.warc.read_warc`, imported on first use: fastwarc loads for WARC only."""
    from newsdedup.io.readers.warc import read_warc as read

    return read(f, max_article_bytes, span)


def warc_spans(f: InputFile, target_bytes: int) -> list[tuple[int, int, int]] | None:
    """:func:`newsdedup.io.readers.warc.warc_spans`, imported on first use."""
    from newsdedup.io.readers.warc import warc_spans as spans

    return spans(f, target_bytes)


def _no_field_names(read: Callable[[InputFile, int], Iterator[RawRecord | Reject]]) -> Reader:
    """A reader of a format whose fields have fixed names (a page, a WARC record, a feed item)."""

    def reader(f: InputFile, max_article_bytes: int, plan: FieldPlan) -> Iterator[RawRecord | Reject]:
        return read(f, max_article_bytes)

    return reader


READERS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "parquet": read_parquet,
    "html": _no_field_names(read_html),
    "warc": _no_field_names(read_warc),
    "feed": _no_field_names(read_feed),
}


def file_spans(f: InputFile, target_bytes: int) -> list[tuple[int, int, int]] | None:
    """Byte spans of about ``target_bytes`` that one big file can be read in, in parallel (an uncompressed
    JSONL file at line starts, a WARC file at record starts); None when it is read whole."""
    if f.format == "warc":
        return warc_spans(f, target_bytes)
    return jsonl_spans(f, target_bytes)


def read_file(
    f: InputFile,
    *,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    span: tuple[int, int, int] | None = None,
    digests: dict[str, str | None] | None = None,
    plan: FieldPlan = DEFAULT_PLAN,
) -> Iterator[RawRecord | Reject]:
    """Stream one file's records; every record seen becomes exactly one RawRecord or Reject.

    ``span`` = (start byte, end byte, number of lines (records) before start) reads only the lines that start
    in [start, end) of an uncompressed JSONL file, or the records of a WARC file (see :func:`file_spans`), so
    one file can be read in parallel parts; line (record) numbers stay those of the whole file. Never raises for bad content or I/O errors (those
    become Rejects).

    ``digests``: a whole file read at once (a .txt article) gets its digest here, from the bytes read, under
    its path; other files are left out (see :func:`newsdedup.io.digest.digest_or_none`).

    ``plan``: where a structured record's fields are (:func:`compile_plan` of the config's mapping).
    """
    if span is not None:
        if f.format == "warc":
            yield from read_warc(f, max_article_bytes, span)
        else:
            yield from read_jsonl(f, max_article_bytes, plan, span)
        return
    if f.format == "txt":  # stats the open file itself: one system call less per (small) article file
        yield from read_txt(f, max_article_bytes, digests)
        return
    try:
        size = os.stat(f.path).st_size if f.fs is None else f.size  # remote: the listed size
    except OSError as exc:
        yield Reject(f.rel, None, "unreadable", os_detail(exc))
        return
    if size == 0:
        yield Reject(f.rel, None, "empty", "file is 0 bytes")
        return
    yield from READERS[f.format](f, max_article_bytes, plan)
