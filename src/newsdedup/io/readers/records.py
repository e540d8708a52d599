"""Structured records (a JSON object, a CSV row, a Parquet row) -> RawRecord, or the Reject saying why not.

The field rules every structured format shares: the id (given, or "rel:record"), title, body (else the
text column), author (a list of names is joined), source, url and the publication date (the first of
PUBLISHED_KEYS present). A field of the wrong type rejects the record as "wrong_type"; a blank or missing
body as "missing_text".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import orjson

from newsdedup.model import RawRecord, Reject
from newsdedup.text.encoding import DecodeFailure, decode_bytes
from newsdedup.text.html import text_of_markup

__all__ = ["PUBLISHED_KEYS", "USED_COLUMNS", "decode_json", "structured_record"]

PUBLISHED_KEYS = ("published_at", "date", "published")
USED_COLUMNS = ("id", "title", "body", "text", *PUBLISHED_KEYS, "author", "source", "url")
# `"\x00" in text` walks a 2-byte-per-character string one character at a time (CPython's memchr shortcut
# does not apply to a zero byte); the regex scan is faster on such text.
_NUL = re.compile("\x00")


def decode_json(data: bytes, rel: str, recno: int | None) -> tuple[Any, str] | Reject:
    """Decode bytes and parse them as JSON: (value, encoding), or the Reject saying why not."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeFailure as exc:
        return Reject(rel, recno, exc.reason, exc.detail)
    try:
        # orjson is several times faster; anything it refuses (NaN, huge integers, lone surrogates, deep
        # nesting) is left to the standard library, so what is accepted does not change.
        return orjson.loads(text), encoding
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(text), encoding
    except (ValueError, RecursionError) as exc:
        return Reject(rel, recno, "malformed_json", f"{type(exc).__name__}: {exc}"[:200])


class _WrongType(Exception):
    pass


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    """A string field: None/missing/blank -> None; a list of strings is joined; other types raise _WrongType."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, list) and key == "author" and all(isinstance(v, str) for v in value):
        value = ", ".join(v.strip() for v in value if v.strip())
    if not isinstance(value, str):
        raise _WrongType(f"{key} is {type(value).__name__}, expected string")
    if "\r" in value:  # normalize_newlines inlined: this runs on every field of every record
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # not value.strip(): that copies the whole body only to test it for blankness
    return value if value and not value.isspace() else None


def _record_id(obj: dict[str, Any], fallback: str) -> str:
    value = obj.get("id")
    if value is None:
        return fallback
    if isinstance(value, bool):
        raise _WrongType("id is bool, expected string or integer")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # pandas writes integer ids with missing values as floats
    if isinstance(value, str):
        return value.strip() or fallback
    raise _WrongType(f"id is {type(value).__name__}, expected string or integer")


def _published(obj: dict[str, Any]) -> tuple[str | None, bool]:
    for key in PUBLISHED_KEYS:
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            return (value.strip() or None), False
        if isinstance(value, dt.date):  # datetime is a date too; parquet timestamps arrive as datetime
            return value.isoformat(), False
        return None, True
    return None, False


def structured_record(
    obj: dict[str, Any], rel: str, recno: int, encoding: str | None, max_bytes: int
) -> RawRecord | Reject:
    """Turn one JSON object / CSV row / parquet row into a RawRecord, or a Reject saying why not."""
    fallback = f"{rel}:{recno}"
    try:
        article_id = _record_id(obj, fallback)
        title = _opt_str(obj, "title")
        body_key = "body" if obj.get("body") is not None else "text"
        body = _opt_str(obj, body_key)
        if body is None and body_key == "body":
            body = _opt_str(obj, "text")  # an empty body with a filled text column
        author = _opt_str(obj, "author")
        source = _opt_str(obj, "source")
        url = _opt_str(obj, "url")
    except _WrongType as exc:
        return Reject(rel, recno, "wrong_type", str(exc))
    title, body = text_of_markup(title), text_of_markup(body)  # HTML in a text field becomes text
    if body is None:
        return Reject(rel, recno, "missing_text", "no body or text, or it is blank")
    # 4 bytes per character at most: only encode when the article might be over the limit.
    if len(body) * 4 > max_bytes and len(body.encode("utf-8", errors="surrogatepass")) > max_bytes:
        return Reject(rel, recno, "too_large", f"body longer than max_article_bytes {max_bytes}")
    if _NUL.search(body):
        return Reject(rel, recno, "binary", "NUL character in body")
    published, published_invalid = _published(obj)
    return RawRecord(
        article_id=article_id,
        input=rel,
        record=recno,
        kind="structured",
        text=None,
        title=title,
        body=body,
        published=published,
        author=author,
        source=source,
        url=url,
        encoding=encoding,
        published_invalid=published_invalid,
        has_id=obj.get("id") is not None and article_id != fallback,
    )
