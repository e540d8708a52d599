"""Structured records (a JSON object, a CSV row, a Parquet row) -> RawRecord, or the Reject saying why not.

The field rules every structured format shares: each field is found where the field plan says
(:mod:`newsdedup.io.readers.fields`; by default id, url, title, body else text, author, source else
publisher, and the first of published_at, date, published, timestamp); the id is "rel:record" when there is
none; a list of names is joined (several authors); a number in the time field is an epoch or calendar stamp
(:mod:`newsdedup.text.epoch`). A field of the wrong type rejects the record as "wrong_type"; a record with
neither body nor title as "missing_text" (a title alone is a headline-only article). The record's other
top-level keys are kept, as a JSON object, in ``extra``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import orjson

from newsdedup.io.readers.fields import DEFAULT_PLAN, FieldPlan, lookup
from newsdedup.model import RawRecord, Reject
from newsdedup.text.encoding import DecodeFailure, decode_bytes
from newsdedup.text.html import text_of_markup

__all__ = ["decode_json", "structured_record"]

# `"\x00" in text` walks a 2-byte-per-character string one character at a time (CPython's memchr shortcut
# does not apply to a zero byte); the regex scan is faster on such text.
_NUL = re.compile("\x00")
# the fields whose value may be a list of strings, and how its items are joined
_JOINS = {"author": ", ", "body": "\n\n", "summary": "\n"}


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


def _text(value: Any, name: str, field: str | None = None) -> str | None:
    """A string field's value (from :func:`lookup`, so not blank; ``name`` is the record's name for it,
    ``field`` ours when it differs): None stays None; a list of strings is joined for author, body and
    summary (see _JOINS); another type raises _WrongType."""
    if value is None:
        return None
    if value.__class__ is not str:
        join = _JOINS.get(field or name)
        if join is not None and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = join.join(v.strip() for v in value if v.strip())
            if not value:
                return None
        elif not isinstance(value, str):
            raise _WrongType(f"{name} is {type(value).__name__}, expected string")
    if "\r" in value:  # normalize_newlines inlined: this runs on every field of every record
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _record_id(value: Any, name: str | None, fallback: str) -> str:
    if value is None:
        return fallback
    if isinstance(value, bool):
        raise _WrongType(f"{name} is bool, expected string or integer")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # pandas writes integer ids with missing values as floats
    if isinstance(value, str):
        return value.strip() or fallback
    raise _WrongType(f"{name} is {type(value).__name__}, expected string or integer")


def _published(value: Any) -> tuple[str | None, bool]:
    """(time text, invalid type): a string as is, a date/datetime in ISO form, a number as its digits (read
    as epoch seconds or milliseconds by the parser, see :mod:`newsdedup.text.epoch`)."""
    if value is None:
        return None, False
    if isinstance(value, str):
        return (value.strip() or None), False
    if isinstance(value, dt.date):  # datetime is a date too; parquet timestamps arrive as datetime
        return value.isoformat(), False
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return (str(value) if isinstance(value, int) else repr(float(value))), False
    return None, True


def _extra(obj: dict[str, Any], mapped: frozenset[str]) -> str | None:
    """The record's unmapped top-level keys (null and empty-string values left out) as a JSON object, or
    None when there are none."""
    if obj.keys() <= mapped:  # the common case, tested in C
        return None
    rest = {k: v for k, v in obj.items() if k not in mapped and v is not None and v != ""}
    if not rest:
        return None
    return orjson.dumps(rest, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def structured_record(
    obj: dict[str, Any],
    rel: str,
    recno: int,
    encoding: str | None,
    max_bytes: int,
    plan: FieldPlan = DEFAULT_PLAN,
) -> RawRecord | Reject:
    """Turn one JSON object / CSV row / parquet row into a RawRecord, or a Reject saying why not.

    ``plan``: where each field is found (:mod:`newsdedup.io.readers.fields`). A record with a title and no
    body is accepted (a headline-only record, body None); with neither it is "missing_text"."""
    fallback = f"{rel}:{recno}"
    try:
        id_value, id_name = lookup(obj, plan.id)
        article_id = _record_id(id_value, id_name, fallback)
        title = _text(lookup(obj, plan.title)[0], "title")
        body_value, body_name = lookup(obj, plan.body)
        body = _text(body_value, body_name or "body", "body")
        author = _text(lookup(obj, plan.author)[0], "author")
        source = _text(lookup(obj, plan.source)[0], "source")
        url = _text(lookup(obj, plan.url)[0], "url")
        summary = _text(lookup(obj, plan.summary)[0], "summary") if plan.summary else None
        location = _text(lookup(obj, plan.location)[0], "location") if plan.location else None
    except _WrongType as exc:
        return Reject(rel, recno, "wrong_type", str(exc))
    # HTML in a text field becomes text
    title, body, summary = text_of_markup(title), text_of_markup(body), text_of_markup(summary)
    if body is None and title is None:
        return Reject(rel, recno, "missing_text", "no body, text or title, or they are blank")
    if body is not None:
        # 4 bytes per character at most: only encode when the article might be over the limit.
        if len(body) * 4 > max_bytes and len(body.encode("utf-8", errors="surrogatepass")) > max_bytes:
            return Reject(rel, recno, "too_large", f"body longer than max_article_bytes {max_bytes}")
        if _NUL.search(body):
            return Reject(rel, recno, "binary", "NUL character in body")
    published, published_invalid = _published(lookup(obj, plan.published_at)[0])
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
        has_id=id_value is not None and article_id != fallback,
        summary=summary,
        location=location,
        extra=_extra(obj, plan.mapped),
    )
