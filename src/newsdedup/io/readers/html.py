"""The HTML page reader: one .html/.htm file (optionally gzipped) is one page, decoded here and handed on
whole (kind "html") to the text layer, which extracts the article (:mod:`newsdedup.text.html`)."""

from __future__ import annotations

from collections.abc import Iterator

from newsdedup.io.readers.base import normalize_newlines, read_capped
from newsdedup.model import InputFile, RawRecord, Reject
from newsdedup.text.encoding import DecodeFailure, decode_bytes
from newsdedup.text.html import decode_html

__all__ = ["decode_page", "html_record", "read_html"]


def decode_page(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode a page's bytes: as UTF-8 when they are, else by the charset declared (the HTTP header's
    ``charset``, then the page's ``<meta>``), else as any other text file. Raises DecodeFailure."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_html(data) or decode_bytes(data)


def html_record(
    text: str, rel: str, record: int | None, encoding: str | None, **fields: str | None
) -> RawRecord:
    """A RawRecord of kind "html" (a whole page for the text layer); ``fields``: article_id, url, published."""
    return RawRecord(
        article_id=fields.get("article_id") or rel,
        input=rel,
        record=record,
        kind="html",
        text=normalize_newlines(text),
        title=None,
        body=None,
        published=fields.get("published"),
        author=None,
        source=None,
        url=fields.get("url"),
        encoding=encoding,
        published_invalid=False,
    )


def read_html(f: InputFile, max_bytes: int) -> Iterator[RawRecord | Reject]:
    """A .html/.htm(.gz) file is one page, named by its path like a .txt article."""
    data = read_capped(f, max_bytes, f"more than max_article_bytes {max_bytes}")
    if isinstance(data, Reject):
        yield data
        return
    if not data.strip():
        yield Reject(f.rel, None, "empty", "whitespace only")
        return
    try:
        text, encoding = decode_page(data)
    except DecodeFailure as exc:
        yield Reject(f.rel, None, exc.reason, exc.detail)
        return
    yield html_record(text, f.rel, None, encoding)
