"""The JSON readers: .jsonl/.ndjson (one article object per line, optionally gzipped, readable in byte spans
so one big file is read by several workers) and .json (one article object, or an array of them)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import orjson
import xxhash

from newsdedup.io.digest import READ_BLOCK
from newsdedup.io.readers.base import GZIP_ERRORS, open_binary, open_input, os_detail
from newsdedup.io.readers.fields import DEFAULT_PLAN, FieldPlan
from newsdedup.io.readers.records import decode_json, structured_record
from newsdedup.model import InputFile, RawRecord, Reject

__all__ = ["jsonl_spans", "read_json", "read_jsonl", "scan_jsonl", "splittable"]


def _read_line(fh: IO[bytes], max_bytes: int) -> tuple[bytes, bool]:
    """Read one line of at most max_bytes; returns (line, too_long). The rest of a too-long line is skipped."""
    line = fh.readline(max_bytes + 1)
    if len(line) <= max_bytes or line.endswith(b"\n"):
        return line, False
    while True:  # discard the rest of the over-long line without holding it in memory
        rest = fh.readline(READ_BLOCK)
        if not rest or rest.endswith(b"\n"):
            return b"", True


def jsonl_spans(f: InputFile, target_bytes: int) -> list[tuple[int, int, int]] | None:
    """Split an uncompressed JSONL file into consecutive spans of about ``target_bytes`` that start at line
    starts: (start byte, end byte, lines before start) for :func:`read_file`. None when the file is small,
    compressed or unreadable (then it is read whole)."""
    if not splittable(f, target_bytes):
        return None
    if f.fs is not None:  # remote: one pass in order, not a seek and a read per span
        return scan_jsonl(f, target_bytes)[0]
    spans: list[tuple[int, int, int]] = []
    start = lines = 0
    try:
        with open(f.path, "rb") as fh:
            while start < f.size:
                fh.seek(start + target_bytes)
                fh.readline()  # to the next line start
                end = min(fh.tell(), f.size) if start + target_bytes < f.size else f.size
                spans.append((start, end, lines))
                fh.seek(start)
                remaining = end - start
                while remaining > 0:
                    block = fh.read(min(remaining, READ_BLOCK * 16))
                    if not block:
                        break
                    lines += block.count(b"\n")
                    remaining -= len(block)
                start = end
    except OSError:
        return None
    return spans


def splittable(f: InputFile, target_bytes: int) -> bool:
    """True for an uncompressed JSONL file over ``target_bytes``, which is read in spans."""
    return f.format == "jsonl" and not f.path.lower().endswith(".gz") and f.size > target_bytes


def scan_jsonl(f: InputFile, target_bytes: int) -> tuple[list[tuple[int, int, int]] | None, str | None]:
    """:func:`jsonl_spans`'s spans and the file's content digest, from one read of the file in order (for a
    remote file, where the run hands this to a worker: the spans are then read with range requests). The
    spans end where :func:`jsonl_spans` ends them. (None, None) when the file cannot be read."""
    h = xxhash.xxh3_128()
    spans: list[tuple[int, int, int]] = []
    start = before = lines = pos = 0  # span start, lines before it, lines before ``pos``, bytes read
    try:
        with open_input(f) as fh:
            while block := fh.read(READ_BLOCK * 4):
                h.update(block)
                searched = 0
                while start + target_bytes < pos + len(block):
                    # a span ends after the first line end at or beyond start + target_bytes
                    i = block.find(b"\n", max(start + target_bytes - pos, searched))
                    if i < 0:
                        break
                    spans.append((start, pos + i + 1, before))
                    before = lines + block.count(b"\n", 0, i + 1)
                    start, searched = pos + i + 1, i + 1
                lines += block.count(b"\n")
                pos += len(block)
    except OSError:
        return None, None
    if start < pos:
        spans.append((start, pos, before))
    return spans, h.hexdigest()


def read_jsonl(
    f: InputFile,
    max_bytes: int,
    plan: FieldPlan = DEFAULT_PLAN,
    span: tuple[int, int, int] | None = None,
) -> Iterator[RawRecord | Reject]:
    """A .jsonl file, or the lines starting in one ``span`` of it (see :func:`jsonl_spans`); record = line
    number in the whole file. Blank lines are not records; a truncated .gz ends with a "truncated" reject."""
    lineno = 0 if span is None else span[2]
    end = None if span is None else span[1]
    try:
        with open_binary(f, None if span is None else span[1] - span[0]) as fh:
            if span is not None:
                fh.seek(span[0])
            while True:
                if end is not None and fh.tell() >= end:
                    return
                line, too_long = _read_line(fh, max_bytes)
                if not line and not too_long:
                    return
                lineno += 1
                if too_long:
                    yield Reject(
                        f.rel, lineno, "too_large", f"line longer than max_article_bytes {max_bytes}"
                    )
                    continue
                if line.isspace():  # (not line.strip(), which copies the line)
                    continue
                yield _jsonl_record(f, lineno, line, max_bytes, plan)
    except GZIP_ERRORS as exc:
        yield Reject(f.rel, lineno + 1, "truncated", f"{os_detail(exc)} after {lineno} lines")
    except OSError as exc:
        yield Reject(f.rel, lineno + 1 if lineno else None, "unreadable", os_detail(exc))


def read_json(f: InputFile, max_bytes: int, plan: FieldPlan = DEFAULT_PLAN) -> Iterator[RawRecord | Reject]:
    """A .json file: one article object, or an array of them (record = 1-based position in the array).

    The whole file is parsed at once, so it is refused as too_large beyond ``max_bytes`` times the number
    of articles it could reasonably hold (64); big exports belong in JSONL, which streams.
    """
    try:
        size = os.stat(f.path).st_size if f.fs is None else f.size
        if size > 64 * max_bytes:
            yield Reject(
                f.rel, None, "too_large", f"{size} bytes: a .json file over 64 x max_article_bytes; use JSONL"
            )
            return
        if f.fs is None:
            data = Path(f.path).read_bytes()
        else:
            with open_input(f) as fh:
                data = fh.read()
    except OSError as exc:
        yield Reject(f.rel, None, "unreadable", os_detail(exc))
        return
    parsed = decode_json(data, f.rel, None)
    if isinstance(parsed, Reject):
        yield parsed
        return
    obj, encoding = parsed
    if isinstance(obj, dict):
        record = structured_record(obj, f.rel, 1, encoding, max_bytes, plan)
        # a single-article file is named by its path, like a .txt article
        yield (
            dataclasses.replace(record, article_id=f.rel)
            if isinstance(record, RawRecord) and not record.has_id
            else record
        )
        return
    if not isinstance(obj, list):
        yield Reject(
            f.rel, None, "not_an_object", f"JSON {type(obj).__name__}, expected an object or an array"
        )
        return
    for i, item in enumerate(obj, start=1):
        if isinstance(item, dict):
            yield structured_record(item, f.rel, i, encoding, max_bytes, plan)
        else:
            yield Reject(f.rel, i, "not_an_object", f"JSON {type(item).__name__}, expected an object")


def _jsonl_record(
    f: InputFile, lineno: int, line: bytes, max_bytes: int, plan: FieldPlan
) -> RawRecord | Reject:
    """One JSONL line (as read, with its line end) -> RawRecord or Reject."""
    # Fast path: orjson validates UTF-8 itself, and JSON allows no raw control bytes, so a line it parses
    # is exactly one that decode_bytes would call UTF-8. Anything else takes the careful path. The line end
    # is JSON whitespace, so orjson reads the line as is (no copy); the careful path strips it, so that
    # error positions in reject details stay on line 1.
    try:
        obj, encoding = orjson.loads(line), "utf-8"
    except (ValueError, RecursionError):
        parsed = decode_json(line.rstrip(b"\r\n"), f.rel, lineno)
        if isinstance(parsed, Reject):
            return parsed
        obj, encoding = parsed
    if not isinstance(obj, dict):
        return Reject(f.rel, lineno, "not_an_object", f"JSON {type(obj).__name__}, expected an object")
    return structured_record(obj, f.rel, lineno, encoding, max_bytes, plan)
