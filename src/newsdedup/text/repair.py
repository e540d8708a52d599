"""Text repair: the first step of parsing any field (pure functions, no I/O).

Control characters go (``\\n`` and ``\\t`` kept), line breaks become LF, mojibake (UTF-8 read as
cp1252/latin-1) and HTML entities are fixed; typography is kept.
"""

from __future__ import annotations

import html
import re

import ftfy
import numpy as np

from newsdedup.text.kernels.scan import SCAN_AMPERSAND, scan_text

__all__ = ["repair_text"]

# Typical UTF-8-read-as-cp1252/latin-1 sequences ("Ã©", "â€™", "Â£"): repair_text first tests for "Ã", "Â",
# "â€", "ï»¿" with plain `in` (much faster than a regex alternation), then confirms the byte-pair shape so
# real text such as "SÃO PAULO" does not pay for ftfy.
_MOJIBAKE = re.compile("[ÃÂ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|ï»¿")
_C1 = re.compile("[\x80-\x9f]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False)

# Texts shorter than this skip the scan kernel (its fixed cost exceeds the scans it saves).
_SCAN_MIN_CHARS = 200


def repair_text(text: str) -> str:
    """BOM/NUL/control characters removed (\\n and \\t kept), CRLF/CR -> LF, mojibake and HTML entities fixed.

    ftfy is slow, so it only runs when typical mojibake markers are present; typography is kept.
    """
    if text.isprintable():
        # No CR, line separator or control character is printable (nor a surrogate, BOM or noncharacter), so
        # only mojibake and entities can need a repair: one C-level test settles the typical short field.
        if "&" not in text and (
            text.isascii() or not ("Ã" in text or "Â" in text or "â€" in text or "ï»¿" in text)
        ):
            return text
        return _repair_text_steps(text)
    if len(text) >= _SCAN_MIN_CHARS:
        # one compiled pass tells whether any repair applies (article bodies almost never need one), instead
        # of a regex search and several substring scans over the whole text
        flags = scan_text(np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8))
        if not flags & ~SCAN_AMPERSAND:
            if flags and _ENTITY.search(text):
                text = _CONTROL.sub("", html.unescape(text))
            return text
    return _repair_text_steps(text)


def _repair_text_steps(text: str) -> str:
    """:func:`repair_text` step by step (the reference; short texts and texts that need a repair)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if (
        not text.isascii()
        and ("Ã" in text or "Â" in text or "â€" in text or "ï»¿" in text)
        and _MOJIBAKE.search(text)
    ):
        text = _fix_mojibake(text)
    if _CONTROL.search(text):
        if not text.isascii() and _C1.search(text):
            text = _fix_mojibake(text)  # C1 controls are cp1252 punctuation decoded as latin-1
        text = _CONTROL.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
        text = _CONTROL.sub("", text)
    return text


def _fix_mojibake(text: str) -> str:
    try:
        return ftfy.fix_text(text, _FTFY_CONFIG)
    except Exception:  # ftfy on adversarial input: repair is best effort, parsing must go on
        return text
