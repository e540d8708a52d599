"""The WARC reader (.warc, .warc.gz, read with fastwarc, streaming): each response record with an HTML
payload and HTTP status 200 is one page (kind "html"), named by its normalised target URI and dated by its
WARC-Date unless the page gives its own date. Every other record is counted as skipped with a reason from
:data:`~newsdedup.io.readers.base.RECORD_SKIP_REASONS` (a request, a warcinfo or metadata record, an image,
a redirect ...): a crawl holds many of them, and they are no rejects."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newsdedup.io.readers.base import os_detail
from newsdedup.io.readers.html import decode_page, html_record
from newsdedup.io.remote import open_input
from newsdedup.model import InputFile, RawRecord, Reject
from newsdedup.text.encoding import DecodeFailure
from newsdedup.text.urls import normalize_url

__all__ = ["read_warc", "warc_spans"]

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _skip_reason(rec: WarcRecord) -> str | None:
    """Why a record is not a page, or None when it is one."""
    if rec.record_type != WarcRecordType.response:
        return "warc_not_response"
    if not rec.is_http:
        return "warc_not_html"
    if rec.http_headers.status_code != 200:
        return "warc_http_status"
    if (rec.http_content_type or "").lower() not in HTML_TYPES:
        return "warc_not_html"
    return None


def _page(f: InputFile, n: int, rec: WarcRecord, max_bytes: int) -> RawRecord | Reject:
    uri = (rec.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    if rec.content_length > max_bytes:
        return Reject(f.rel, n, "too_large", f"{rec.content_length} bytes > max_article_bytes {max_bytes}")
    data = rec.reader.read()
    if not data.strip():
        return Reject(f.rel, n, "empty", "empty HTML payload")
    try:
        text, encoding = decode_page(data, rec.http_charset)
    except DecodeFailure as exc:
        return Reject(f.rel, n, exc.reason, exc.detail)
    record = html_record(
        text,
        f.rel,
        n,
        encoding,
        article_id=normalize_url(uri) if uri else None,
        url=uri or None,
        published=rec.headers.get("WARC-Date"),
    )
    if not uri:  # named by its place in the file, for now (input.id_from may name it otherwise)
        return dataclasses.replace(record, article_id=f"{f.rel}:{n}", has_id=False)
    return record


def warc_spans(f: InputFile, target_bytes: int) -> list[tuple[int, int, int]] | None:
    """Split a big WARC file into consecutive spans of about ``target_bytes`` that start at record starts:
    (start byte, end byte, records before start) for :func:`read_warc`. A gzipped WARC is a gzip member per
    record, so a record start is a place to start decompressing. Finding the record starts reads the whole
    file once (decompressing it, without parsing any payload). None when the file is small, has one span, or
    does not parse (it is then read whole, which reports the fault)."""
    if f.format != "warc" or f.size <= target_bytes:
        return None
    spans: list[tuple[int, int, int]] = []
    start = before = n = 0
    try:
        with open_input(f, decompress=False) as fh:
            for rec in ArchiveIterator(fh, parse_http=False):
                if rec.stream_pos - start >= target_bytes:
                    spans.append((start, rec.stream_pos, before))
                    start, before = rec.stream_pos, n
                n += 1
    except OSError:
        return None
    spans.append((start, f.size, before))
    return spans if len(spans) > 1 else None


def read_warc(
    f: InputFile, max_bytes: int, span: tuple[int, int, int] | None = None
) -> Iterator[RawRecord | Reject]:
    """A .warc(.gz) file, or the records starting in one ``span`` of it (see :func:`warc_spans`); record =
    1-based position of the record in the whole file (all record types counted)."""
    n = 0 if span is None else span[2]
    try:
        with open_input(f, decompress=False) as fh:  # fastwarc finds gzip members itself
            if span is not None:
                fh.seek(span[0])
            for rec in ArchiveIterator(fh, parse_http=True):
                if span is not None and rec.stream_pos >= span[1]:
                    return
                n += 1
                reason = _skip_reason(rec)
                if reason is not None:
                    yield Reject(f.rel, n, reason, str(rec.record_type).rsplit(".", 1)[-1])
                    continue
                yield _page(f, n, rec, max_bytes)
    except OSError as exc:
        if exc.errno is None:  # fastwarc's own error: a record that does not parse
            yield Reject(f.rel, n + 1 if n else None, "malformed_warc", f"{exc} after {n} records")
            return
        yield Reject(f.rel, n + 1 if n else None, "unreadable", os_detail(exc))
        return
    if n == 0:
        yield Reject(f.rel, None, "malformed_warc", "no WARC record found")
