"""What every reader shares: the reject reasons, the size limit's default, opening (maybe gzipped) files,
line-end normalisation and how an OS error is described in a reject."""

from __future__ import annotations

import gzip
import zlib
from typing import IO

from newsdedup.model import InputFile
from newsdedup.params import InputConfig

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "GZIP_ERRORS",
    "REJECT_REASONS",
    "normalize_newlines",
    "open_binary",
    "os_detail",
]

DEFAULT_MAX_ARTICLE_BYTES: int = InputConfig.max_article_bytes  # the config's default, declared there once

REJECT_REASONS: frozenset[str] = frozenset(
    {
        "empty",
        "binary",
        "too_large",
        "undecodable",
        "malformed_json",
        "not_an_object",
        "wrong_type",
        "missing_text",
        "duplicate_id",
        "truncated",
        "malformed_csv",
        "unreadable",
        "unsupported_extension",  # a file no reader reads, with input.unsupported = "reject"
    }
)

GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)  # a truncated or corrupt .gz file


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> "\\n", as in every text field a reader emits."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def open_binary(f: InputFile) -> IO[bytes]:
    """Open an input file for reading bytes, decompressing it when its name ends in .gz."""
    if f.path.lower().endswith(".gz"):
        return gzip.GzipFile(f.path, "rb")  # type: ignore[return-value]  # GzipFile is a binary IO
    return open(f.path, "rb")


def os_detail(exc: BaseException) -> str:
    """The detail of an "unreadable" or "truncated" reject: the error's type and message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"
