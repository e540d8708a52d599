"""Content digests of input files: the xxh3_128 of a file's bytes, which the state ledger records so a later
run can tell a new or changed file from one already processed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

import xxhash

__all__ = ["READ_BLOCK", "content_digest", "digest_or_none", "file_digest", "stream_digest"]

READ_BLOCK = 1 << 20  # bytes asked for per read when a file is read (or skipped) in blocks

content_digest = xxhash.xxh3_128_hexdigest
"""The digest of bytes already in memory (a .txt article read whole): equal to :func:`file_digest` of the
file they were read from."""


def file_digest(path: str | Path, size: int | None = None) -> str:
    """Return the xxh3_128 hex digest of a file's content.

    ``size``: the size the file is expected to have (from discovery). The first read asks for one byte more
    (at most one block), so a small file of that size, nearly every article file, is read and hashed in one
    call; anything longer is read on in blocks. Plain descriptor calls, which cost less per small file than
    a file object."""
    want = READ_BLOCK if size is None else min(size + 1, READ_BLOCK)
    fd = os.open(path, os.O_RDONLY)
    try:
        block = os.read(fd, want)
        # a short read of a regular file is its end
        more = os.read(fd, READ_BLOCK) if len(block) == want else b""
        if not more:
            return content_digest(block)
        h = xxhash.xxh3_128(block)
        h.update(more)
        while block := os.read(fd, READ_BLOCK):
            h.update(block)
        return h.hexdigest()
    finally:
        os.close(fd)


def stream_digest(fh: IO[bytes]) -> str:
    """The xxh3_128 hex digest of what is left to read in an open binary file, read in blocks (a remote
    file's range requests stream through; nothing is held but one block)."""
    h = xxhash.xxh3_128()
    while block := fh.read(READ_BLOCK * 4):
        h.update(block)
    return h.hexdigest()


def digest_or_none(path: str | Path, size: int | None = None, fs: Any = None) -> str | None:
    """:func:`file_digest`, or None when the file cannot be read (gone or unreadable since discovery: reading
    it then rejects it as "unreadable", and with no digest it is not recorded as processed). ``fs``: the
    fsspec filesystem of a remote file (``path`` is then its URL)."""
    try:
        if fs is None:
            return file_digest(path, size)
        with fs.open(str(path), "rb", block_size=READ_BLOCK * 4, cache_type="none") as fh:
            return stream_digest(fh)
    except OSError:
        return None
