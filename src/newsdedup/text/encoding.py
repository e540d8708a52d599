"""Bytes -> text decoding for input articles (pure: no I/O).

`decode_bytes` turns the bytes of one article (a .txt file or one JSON line) into text and names the
encoding it used, or raises `DecodeFailure` with a reject reason. Line ends are kept exactly as they are
(CRLF stays CRLF); the readers (`newsdedup.io.readers`) normalise them to "\\n" in every field they emit.

Order of checks:
1. empty input -> DecodeFailure("empty").
2. BOMs: UTF-8 BOM -> "utf-8-sig"; UTF-32 / UTF-16 BOM -> "utf-32" / "utf-16".
3. NUL bytes, or more than 5 % C0 control bytes (other than tab, LF, VT, FF, CR, ESC)
   -> DecodeFailure("binary"). This runs before the UTF-8 check because a block of NULs or
   control bytes is valid UTF-8 yet is not an article.
4. valid UTF-8 -> "utf-8" (the fast path: charset-normalizer is never called).
5. mostly UTF-8 with a few stray bytes (more valid multi-byte characters than invalid bytes)
   -> "utf-8+cp1252": UTF-8 where valid, each stray byte read as cp1252 (latin-1 if cp1252 has no
   character for it), as when text in two encodings was pasted together.
6. Western text (at most 15 % bytes >= 0x80) -> "cp1252", or "latin-1" if cp1252 cannot decode it.
   Checked before charset-normalizer because on mostly-ASCII text with a few accents it guesses
   cp1250 and turns "£" into "Ł". The cost: a mostly-English text in another legacy encoding (say a
   cp1251 name in an English article) is read as cp1252.
7. charset-normalizer restricted to `CANDIDATE_ENCODINGS` -> its best guess, named by Python's
   canonical codec name (e.g. "cp1251").
8. no guess: if at most 30 % bytes are >= 0x80, as in 6; otherwise DecodeFailure("undecodable").
"""

from __future__ import annotations

import codecs

import charset_normalizer

from newsdedup.errors import NewsdedupError

__all__ = ["CANDIDATE_ENCODINGS", "FALLBACK_ERRORS", "DecodeFailure", "decode_bytes"]

# Encodings charset-normalizer may pick from: the legacy encodings news text is realistically in.
CANDIDATE_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
)

_BINARY_CONTROL_SHARE = 0.05
_WESTERN_HIGH_SHARE = 0.15
_FALLBACK_HIGH_SHARE = 0.30
# C0 control bytes that do not occur in text; tab, LF, VT, FF, CR and ESC are allowed.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1B), *range(0x1C, 0x20)])
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NUL = b"\x00"

FALLBACK_ERRORS = "newsdedup.cp1252"
"""Name of a codecs error handler: undecodable bytes are read as cp1252, or latin-1 where cp1252 has none."""


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(_byte_as_cp1252(b) for b in bad), err.end


def _byte_as_cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)  # the five bytes cp1252 leaves undefined map to latin-1 (C1 controls)


codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)


class DecodeFailure(NewsdedupError):
    """The bytes are not usable text; `reason` is the reject reason ("binary", "undecodable", "empty")."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _count(data: bytes, byteset: bytes) -> int:
    return len(data) - len(data.translate(None, byteset))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode one article's bytes; returns (text, encoding name) or raises DecodeFailure."""
    if not data:
        raise DecodeFailure("empty", "0 bytes")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DecodeFailure("undecodable", f"UTF-8 BOM but invalid UTF-8 at byte {exc.start}") from None
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom):
            return _decode_wide(data, name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_wide(data, "utf-16")
    if _NUL in data:
        raise DecodeFailure("binary", f"NUL byte at offset {data.index(_NUL)}")
    controls = _count(data, _CONTROL_BYTES)
    if controls > _BINARY_CONTROL_SHARE * len(data):
        raise DecodeFailure("binary", f"{controls} of {len(data)} bytes are control bytes")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _decode_wide(data: bytes, name: str) -> tuple[str, str]:
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise DecodeFailure("undecodable", f"{name} BOM but invalid {name} at byte {exc.start}") from None
    if "\x00" in text:
        raise DecodeFailure("binary", f"NUL character in {name} text")
    return text, name


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode bytes that are not valid UTF-8 (steps 5-8 of the module docstring)."""
    replaced = data.decode("utf-8", errors="replace")
    n_bad = replaced.count("\ufffd")
    n_non_ascii = len(replaced) - len(replaced.encode("ascii", errors="ignore"))
    if n_non_ascii - n_bad > n_bad:
        return data.decode("utf-8", errors=FALLBACK_ERRORS), "utf-8+cp1252"

    high_share = _count(data, _HIGH_BYTES) / len(data)
    if high_share <= _WESTERN_HIGH_SHARE:
        return _western(data)

    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is not None:
        name = codecs.lookup(best.encoding).name
        try:
            return data.decode(name), name
        except UnicodeDecodeError:  # pragma: no cover - charset-normalizer only returns decodable guesses
            pass

    if high_share <= _FALLBACK_HIGH_SHARE:
        return _western(data)
    raise DecodeFailure(
        "undecodable", f"not UTF-8 and no plausible encoding ({high_share:.0%} of bytes are >= 0x80)"
    )


def _western(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined: latin-1 decodes anything
        return data.decode("latin-1"), "latin-1"
