"""The .txt reader: one file is one raw article (header, body and all), parsed later by the text layer."""

from __future__ import annotations

import os
from collections.abc import Iterator

from newsdedup.io.digest import READ_BLOCK, content_digest
from newsdedup.io.readers.base import normalize_newlines, open_input, os_detail
from newsdedup.model import InputFile, RawRecord, Reject
from newsdedup.text.encoding import DecodeFailure, decode_bytes
from newsdedup.text.html import looks_like_html_page

__all__ = ["read_txt"]


def _local_bytes(f: InputFile, max_bytes: int) -> bytes | Reject:
    """A local file's bytes (at most max_bytes + 1), or the Reject saying why not."""
    try:
        # plain descriptor calls: a file object costs more per (small) article file
        fd = os.open(f.path, os.O_RDONLY)
        try:
            # Checked on the open file's size before reading, so a huge file is never loaded.
            size = os.fstat(fd).st_size
            if size == 0:
                return Reject(f.rel, None, "empty", "file is 0 bytes")
            if size > max_bytes:
                return Reject(f.rel, None, "too_large", f"{size} bytes > max_article_bytes {max_bytes}")
            # read(size + 1), not read(max_bytes + 1): Python allocates the whole request before reading,
            # which costs noticeably more per article file. A file that grew after the stat is read on, up
            # to the limit.
            data = os.read(fd, size + 1)
            while size < len(data) <= max_bytes:
                more = os.read(fd, min(max_bytes + 1 - len(data), READ_BLOCK))
                if not more:
                    break
                data += more
        finally:
            os.close(fd)
    except OSError as exc:
        return Reject(f.rel, None, "unreadable", os_detail(exc))
    return data


def _remote_bytes(f: InputFile, max_bytes: int) -> bytes | Reject:
    """A remote file's bytes (at most max_bytes + 1; its listed size is checked first), or the Reject."""
    if f.size > max_bytes:
        return Reject(f.rel, None, "too_large", f"{f.size} bytes > max_article_bytes {max_bytes}")
    try:
        with open_input(f) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Reject(f.rel, None, "unreadable", os_detail(exc))
    if not data:
        return Reject(f.rel, None, "empty", "file is 0 bytes")
    return data


def read_txt(
    f: InputFile, max_bytes: int, digests: dict[str, str | None] | None = None
) -> Iterator[RawRecord | Reject]:
    """A .txt file is one raw article, named by its path; its digest goes into ``digests`` (if given)
    from the bytes read, so the file is read once."""
    data = _local_bytes(f, max_bytes) if f.fs is None else _remote_bytes(f, max_bytes)
    if isinstance(data, Reject):
        yield data
        return
    if len(data) > max_bytes:  # the file grew after the stat
        yield Reject(f.rel, None, "too_large", f"more than max_article_bytes {max_bytes}")
        return
    if digests is not None:
        digests[f.path] = content_digest(data)
    try:
        text, encoding = decode_bytes(data)
    except DecodeFailure as exc:
        yield Reject(f.rel, None, exc.reason, exc.detail)
        return
    if not text or text.isspace():  # (not text.strip(), which copies the text)
        yield Reject(f.rel, None, "empty", "whitespace only")
        return
    yield RawRecord(
        article_id=f.rel,
        input=f.rel,
        record=None,
        # an HTML page saved as .txt goes to the HTML extraction, not to the raw-layout parser
        kind="html" if text[:1] in " \t\r\n<\ufeff" and looks_like_html_page(text) else "raw",
        text=normalize_newlines(text),
        title=None,
        body=None,
        published=None,
        author=None,
        source=None,
        url=None,
        encoding=encoding,
        published_invalid=False,
    )
