"""What every reader shares: the reject reasons, the size limit's default, opening (maybe gzipped, maybe
remote) files, line-end normalisation and how an OS error is described in a reject."""

from __future__ import annotations

import gzip
import zlib

from newsdedup.io.remote import open_input
from newsdedup.model import InputFile, Reject
from newsdedup.params import InputConfig

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "GZIP_ERRORS",
    "RECORD_SKIP_REASONS",
    "REJECT_REASONS",
    "normalize_newlines",
    "open_binary",
    "open_input",
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
        "malformed_warc",
        "malformed_feed",
        "unsupported_extension",  # a file no reader reads, with input.unsupported = "reject"
    }
)

# Records that are not articles and not faults either, counted as skipped (not rejected; they do not count
# towards input.max_reject_fraction): a WARC's requests, metadata, images and redirects, an .xml file that is
# no feed. Readers yield them as a Reject with one of these reasons; the run counts them apart.
RECORD_SKIP_REASONS: frozenset[str] = frozenset(
    {"warc_not_response", "warc_not_html", "warc_http_status", "not_a_feed"}
)

GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)  # a truncated or corrupt .gz file


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> "\\n", as in every text field a reader emits."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


open_binary = open_input
"""The opener every reader uses (local or remote, gzipped or not): :func:`newsdedup.io.remote.open_input`."""


def os_detail(exc: BaseException) -> str:
    """The detail of an "unreadable" or "truncated" reject: the error's type and message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def read_capped(f: InputFile, limit: int, what: str) -> bytes | Reject:
    """The whole (decompressed) file, or the Reject saying why not: truncated .gz, unreadable, or over
    ``limit`` bytes (``what`` names the limit in the reject's detail)."""
    try:
        with open_binary(f) as fh:
            data = fh.read(limit + 1)
    except GZIP_ERRORS as exc:
        return Reject(f.rel, None, "truncated", os_detail(exc))
    except OSError as exc:
        return Reject(f.rel, None, "unreadable", os_detail(exc))
    if len(data) > limit:
        return Reject(f.rel, None, "too_large", what)
    return data
