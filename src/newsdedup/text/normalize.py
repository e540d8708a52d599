"""Matching text: the canonical form of an article used for duplicate detection and clustering (pure).

Display fields (title, body) keep their typography; only the matching form unifies it, so that two copies
differing in curly vs straight quotes, dashes, no-break spaces, case or punctuation compare equal.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Sequence

import numpy as np

from newsdedup.model import ParsedArticle
from newsdedup.text.kernels.fold import (
    FOLD_COMPLEX,
    FOLD_DELETE,
    FOLD_SPACE,
    FOLD_UNKNOWN,
    STATUS_OK,
    STATUS_UNKNOWN,
    STATUS_UNSTABLE,
    fold_text,
    fold_texts,
    nfkc_stable,
)

__all__ = ["matching_text", "normalize_for_matching", "normalize_many"]

# Apostrophes are deleted rather than turned into spaces so "Korea's" and "Korea’s" both become "koreas"
# (and "don't" stays one token).
_APOSTROPHES = "’‘`´ʼʹ′"
# One byte translation table lowers A-Z and turns ASCII punctuation into spaces (bytes >= 0x80, i.e. the
# UTF-8 of non-ASCII word characters, pass through): several times faster than a regex substitution.
# Punctuation that sits next to a space or inside a token (.,;:!?"() and apostrophes) is deleted instead,
# so "12,000" -> "12000", "U.S." -> "us", and few double spaces are left for bytes.replace to collapse
# (cheaper than " ".join(text.split())).
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (chr(c).isalnum() or c >= 128) else 32 for c in range(256)
)
_ASCII_DELETE = b"'.,;:!?\"()"
_ASCII_BYTES = bytes(range(128))


def normalize_for_matching(text: str) -> str:
    """NFKC, casefold, quotes/dashes/nbsp unified, punctuation removed, whitespace collapsed. Idempotent.

    Returns lower-case words (letters/digits of any script) separated by single spaces. Apostrophes and
    ASCII .,;:!?"() are deleted rather than spaced ("Korea’s" == "Koreas", "12,000" == "12000", "U.S." ==
    "us"); other punctuation, dashes and symbols separate words.
    """
    if len(text) < _KERNEL_MIN_CHARS:
        return _normalize_short(text)
    return _normalize_kernel(text)


# Short texts (titles, header lines, short body lines) recur: within an article (a title is compared with
# several header lines) and across articles (footers, notes, names). Their results are kept; long texts
# (bodies) are nearly always new and are not.
_SHORT_CACHE_SIZE = 4096  # at most a few MB (texts under 400 characters)


@functools.lru_cache(maxsize=_SHORT_CACHE_SIZE)
def _normalize_short(text: str) -> str:
    """:func:`normalize_for_matching` of a text shorter than _KERNEL_MIN_CHARS (cached)."""
    # the string/byte-table path is a few C calls, cheaper than setting up a kernel call (for non-ASCII text
    # only below a shorter length: its Unicode steps cost more than the kernel call)
    if text.isascii() or len(text) < _KERNEL_MIN_NON_ASCII:
        return _normalize_python(text)
    return _normalize_kernel(text)


def _normalize_kernel(text: str) -> str:
    """:func:`normalize_for_matching` by the compiled fold (any length)."""
    encoded = text.encode("utf-8", "surrogatepass")
    out = np.empty(2 * len(encoded) + 8, dtype=np.uint8)
    src = np.frombuffer(encoded, dtype=np.uint8)
    if text.isascii():
        n = fold_text(src, _fold_table(), out, _NO_CHECK)
    else:
        # one pass folds and checks that every character is known NFKC-stable (so NFKC would not change the
        # text); otherwise the characters are marked or the text normalised first, and folded again
        n = fold_text(src, _fold_table(), out, _stable_table())
        if n == -STATUS_UNSTABLE:
            if not _known_nfkc(text, encoded):
                encoded = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
                out = np.empty(2 * len(encoded) + 8, dtype=np.uint8)
                src = np.frombuffer(encoded, dtype=np.uint8)
            n = fold_text(src, _fold_table(), out, _NO_CHECK)
    if n < 0:  # a character seen for the first time, or one that needs the general path
        return normalize_many([text])[0]
    return out[:n].tobytes().decode("utf-8", "surrogatepass")


# Below this length a text goes through the reference path rather than the compiled kernel, whose fixed cost
# exceeds what it saves on a short ASCII line; non-ASCII text, whose Unicode steps cost more, gains from the
# kernel from _KERNEL_MIN_NON_ASCII characters on.
_KERNEL_MIN_CHARS = 400
_KERNEL_MIN_NON_ASCII = 50
# Texts per kernel call in normalize_many.
_BATCH_DOCS = 64


def normalize_many(texts: Sequence[str]) -> list[str]:
    """:func:`normalize_for_matching` of many texts in one compiled pass (same results, several times faster
    on article-length text): NFKC in Python, then one walk over the UTF-8 of all texts that maps each code
    point through a lazily filled table (lower-cased, deleted, a word separator, or its one-character
    casefold) and collapses separators. Texts with a rarer character (a multi-character casefold, or one
    whose fold needs re-normalising) take the general path."""
    if len(texts) > _BATCH_DOCS:
        # blocks keep the buffers cache-sized instead of one copy of the whole input
        return [
            s
            for lo in range(0, len(texts), _BATCH_DOCS)
            for s in normalize_many(texts[lo : lo + _BATCH_DOCS])
        ]
    prepared = [t if t.isascii() else unicodedata.normalize("NFKC", t) for t in texts]
    encoded = [t.encode("utf-8", "surrogatepass") for t in prepared]
    bounds = np.empty(len(encoded) + 1, dtype=np.int64)
    bounds[0] = 0
    bounds[1:] = list(itertools.accumulate(map(len, encoded)))
    src = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    out = np.empty(2 * len(src) + 8, dtype=np.uint8)
    out_bounds = np.empty(len(encoded) + 1, dtype=np.int64)
    table = _fold_table()
    status = fold_texts(src, bounds, table, out, out_bounds)
    if status.any():
        redo = status.tolist()
        if STATUS_UNKNOWN in redo:
            # first sight of some characters: classify the distinct non-ASCII characters of those texts, rerun
            chars: set[str] = set()
            for i, st in enumerate(redo):
                if st == STATUS_UNKNOWN:
                    chars |= _distinct_non_ascii(prepared[i])
            for ch in chars:
                table[ord(ch)] = _classify(ch)
            status = fold_texts(src, bounds, table, out, out_bounds)
            redo = status.tolist()
    else:
        redo = []
    data = out[: out_bounds[-1]].tobytes()
    ends = out_bounds.tolist()
    result = [data[ends[i] : ends[i + 1]].decode("utf-8", "surrogatepass") for i in range(len(encoded))]
    for i, st in enumerate(redo):
        if st != STATUS_OK:
            result[i] = _normalize_python(prepared[i])
    return result


_TABLE: np.ndarray | None = None
_STABLE: np.ndarray | None = None

# Blocks whose characters are NFKC-stable when they are unchanged by NFKC alone and are not combining: no
# character in them is the second half of a canonical composition (checked in tests/text/test_kernels.py),
# so text made only of such characters (and ASCII) is already NFKC and skips unicodedata.normalize.
_STABLE_BLOCKS = ((0x80, 0x300), (0x370, 0x483), (0x48A, 0x590), (0x1E00, 0x2070), (0x20A0, 0x20D0))


_NO_CHECK = np.zeros(0, dtype=np.uint8)  # fold_text without the stability check


def _stable_table() -> np.ndarray:
    """The per-code-point NFKC-stability marks of :func:`nfkc_stable` (0 unknown, 1 stable, 2 not known)."""
    global _STABLE
    if _STABLE is None:
        _STABLE = np.zeros(0x110000, dtype=np.uint8)
    return _STABLE


def _known_nfkc(text: str, encoded: bytes) -> bool:
    """True when ``text`` is certainly NFKC already (every character in a stable block), so NFKC is skipped;
    False means "not known" and the caller normalises."""
    stable = _stable_table()
    src = np.frombuffer(encoded, dtype=np.uint8)
    verdict = nfkc_stable(src, stable)
    if verdict < 0:
        for ch in _distinct_non_ascii(text):
            stable[ord(ch)] = 1 if _is_stable(ch) else 2
        verdict = nfkc_stable(src, stable)
    return verdict == 1


def _is_stable(ch: str) -> bool:
    cp = ord(ch)
    return (
        any(lo <= cp < hi for lo, hi in _STABLE_BLOCKS)
        and unicodedata.combining(ch) == 0
        and unicodedata.normalize("NFKC", ch) == ch
    )


def _fold_table() -> np.ndarray:
    """The per-code-point action table of the kernel (int32, one entry per code point), ASCII filled in."""
    global _TABLE
    if _TABLE is None:
        table = np.full(0x110000, FOLD_UNKNOWN, dtype=np.int32)
        for c in range(128):
            mapped = _ASCII_TABLE[c]
            table[c] = FOLD_DELETE if c in _ASCII_DELETE else FOLD_SPACE if mapped == 32 else mapped
        _TABLE = table
    return _TABLE


def _classify(ch: str) -> int:
    """The kernel's action for one non-ASCII character of NFKC text, as :func:`_fold_non_ascii` treats it."""
    if ch in _APOSTROPHES:
        return FOLD_DELETE
    if not ch.isalnum():
        return FOLD_SPACE
    folded = ch.casefold()
    if folded == ch:
        return ord(ch)
    if len(folded) != 1:
        return FOLD_COMPLEX
    if folded.isascii():  # the byte table treats it afterwards
        return int(_fold_table()[ord(folded)])
    if (
        folded in _APOSTROPHES
        or not folded.isalnum()
        or folded.casefold() != folded
        or not unicodedata.is_normalized("NFKC", folded)
    ):
        return FOLD_COMPLEX
    return ord(folded)


def _normalize_python(text: str) -> str:
    """The reference implementation of :func:`normalize_for_matching` (string and byte-table operations)."""
    if not text.isascii():
        text = _fold_non_ascii(unicodedata.normalize("NFKC", text))
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE, _ASCII_DELETE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" ").decode("utf-8", "surrogatepass")


def _fold_non_ascii(text: str) -> str:
    """Casefold the non-ASCII characters, delete apostrophes, turn other non-word characters into spaces.

    str.casefold() walks the Unicode database for every character of a long text; doing it once per distinct
    non-ASCII character with str.replace is several times faster (ASCII is lowered by the byte table later).
    Casefolding is context-free, so the result equals NFKC(casefold(NFKC(x))) before punctuation removal.
    """
    pending = _distinct_non_ascii(text)
    for _ in range(4):  # a folded character can introduce new ones (e.g. "İ" -> "i" + combining dot)
        if not pending:
            break
        introduced: set[str] = set()
        renormalize = False
        for ch in pending:
            if ch in _APOSTROPHES:
                text = text.replace(ch, "")
            elif not ch.isalnum():  # Python's \w is isalnum() plus "_": non-word characters become spaces
                text = text.replace(ch, " ")
            else:
                folded = ch.casefold()
                if folded != ch:
                    text = text.replace(ch, folded)
                    introduced.update(c for c in folded if not c.isascii())
                    renormalize = renormalize or not unicodedata.is_normalized("NFKC", folded)
        if renormalize:
            text = unicodedata.normalize("NFKC", text)
            introduced = _distinct_non_ascii(text)  # composition may have produced other characters
        pending = {c for c in introduced if c in _APOSTROPHES or not c.isalnum() or c.casefold() != c}
    return text


def _distinct_non_ascii(text: str) -> set[str]:
    # deleting every ASCII byte from the UTF-8 leaves just the non-ASCII characters: fast, C-level
    raw = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return set(raw.decode("utf-8", "surrogatepass"))


def matching_text(article: ParsedArticle, *, include_title: bool = False) -> str:
    """The normalised text used for duplicate detection and clustering.

    It is the body only: the dateline and boilerplate are already gone from ``article.body``. The summary
    bullets are excluded because outlets add or drop them independently of the story (they restate the
    body), and the title is excluded by default because syndicated copies routinely rewrite the headline
    while keeping the body; ``include_title=True`` prepends it for short texts (e.g. title + one-line
    description records) where the body alone is too little evidence.

    An article without a body (a headline-only record) is matched on its title: it then has fewer than
    ``DedupParams.min_tokens`` words, so only an identical or nearly identical headline (Jaccard >=
    ``short_threshold``) is a copy, and a rewritten headline about the same event is not.
    """
    if not article.body:
        return normalize_for_matching(article.title) if article.title else ""
    body = normalize_for_matching(article.body)
    if include_title and article.title:
        title = normalize_for_matching(article.title)
        return f"{title} {body}".strip()
    return body
