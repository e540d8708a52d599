"""Compiled kernels for the matching form of text: fold UTF-8 text through a per-code-point table
(:mod:`newsdedup.text.normalize` builds the table and handles what the kernels hand back), and tell whether a
text is NFKC-normalised already."""

from __future__ import annotations

import numpy as np

from newsdedup.jit import njit
from newsdedup.text.kernels.swar import HIGH_BITS, load8

__all__ = [
    "FOLD_COMPLEX",
    "FOLD_DELETE",
    "FOLD_SPACE",
    "FOLD_UNKNOWN",
    "STATUS_COMPLEX",
    "STATUS_OK",
    "STATUS_UNKNOWN",
    "STATUS_UNSTABLE",
    "fold_text",
    "fold_texts",
    "nfkc_stable",
]

# Actions of the per-code-point table of :func:`fold_texts` (a value >= 0 is the code point to write).
FOLD_UNKNOWN = -1  # not classified yet: the caller classifies the text's characters and retries
FOLD_DELETE = -2  # apostrophes and ASCII .,;:!?"(): deleted
FOLD_SPACE = -3  # other non-word characters: separate words
FOLD_COMPLEX = -4  # needs the general Unicode path (multi-character casefold, re-normalisation)

# fold_texts status per document
STATUS_OK = 0
STATUS_UNKNOWN = 1
STATUS_COMPLEX = 2
STATUS_UNSTABLE = 3  # fold_text with a stability table: a character not known to be NFKC-stable


@njit
def _ascii_map(table: np.ndarray) -> np.ndarray:
    """ASCII actions as bytes: 0 = delete, 0x20 = separator, else the byte to write."""
    ascii_map = np.empty(128, dtype=np.uint8)
    for c in range(128):
        act = table[c]
        ascii_map[c] = act if act >= 0 else (0 if act == FOLD_DELETE else 0x20)
    return ascii_map


@njit
def _fold_doc(
    src: np.ndarray,
    i: int,
    hi: int,
    table: np.ndarray,
    ascii_map: np.ndarray,
    out: np.ndarray,
    pos: int,
    stable: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Fold ``src[i:hi]`` into ``out`` from ``pos``; returns (end position, status). With a non-empty
    ``stable`` table (see :func:`nfkc_stable`), a non-ASCII code point not marked 1 in it stops the fold with
    STATUS_UNSTABLE."""
    check_stable = len(stable) > 0
    start_pos = pos
    # the last byte written (0x20 at the start drops leading separators); a separator is written only
    # after a non-separator, so separators collapse without a branch on the common ASCII path
    last = 0x20
    while i < hi:
        # unsigned indices on the hot ASCII path: numba checks signed ones for negative values on every access
        c0 = src[np.uint64(i)]
        if c0 < 0x80:
            a = ascii_map[c0]
            out[np.uint64(pos)] = a
            pos += (a != 0) & ((a != 0x20) | (last != 0x20))
            last = a if a != 0 else last
            i += 1
            continue
        if c0 < 0xE0:
            cp = ((np.int64(c0) & 0x1F) << 6) | (np.int64(src[i + 1]) & 0x3F)
            i += 2
        elif c0 < 0xF0:
            cp = (
                ((np.int64(c0) & 0x0F) << 12)
                | ((np.int64(src[i + 1]) & 0x3F) << 6)
                | (np.int64(src[i + 2]) & 0x3F)
            )
            i += 3
        else:
            cp = (
                ((np.int64(c0) & 0x07) << 18)
                | ((np.int64(src[i + 1]) & 0x3F) << 12)
                | ((np.int64(src[i + 2]) & 0x3F) << 6)
                | (np.int64(src[i + 3]) & 0x3F)
            )
            i += 4
        if check_stable and stable[cp] != 1:
            return start_pos, STATUS_UNSTABLE
        act = np.int64(table[cp])
        if act >= 0:
            if act < 0x80:
                out[pos] = act
                pos += 1
            elif act < 0x800:
                out[pos] = 0xC0 | (act >> 6)
                out[pos + 1] = 0x80 | (act & 0x3F)
                pos += 2
            elif act < 0x10000:
                out[pos] = 0xE0 | (act >> 12)
                out[pos + 1] = 0x80 | ((act >> 6) & 0x3F)
                out[pos + 2] = 0x80 | (act & 0x3F)
                pos += 3
            else:
                out[pos] = 0xF0 | (act >> 18)
                out[pos + 1] = 0x80 | ((act >> 12) & 0x3F)
                out[pos + 2] = 0x80 | ((act >> 6) & 0x3F)
                out[pos + 3] = 0x80 | (act & 0x3F)
                pos += 4
            last = 1
        elif act == FOLD_SPACE:
            if last != 0x20:
                out[pos] = 0x20
                pos += 1
                last = 0x20
        elif act == FOLD_UNKNOWN:
            return start_pos, STATUS_UNKNOWN
        elif act == FOLD_COMPLEX:
            return start_pos, STATUS_COMPLEX
    if pos > start_pos and last == 0x20:
        pos -= 1  # a trailing separator
    return pos, STATUS_OK


@njit
def fold_texts(
    src: np.ndarray, bounds: np.ndarray, table: np.ndarray, out: np.ndarray, out_bounds: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """Map every code point of each UTF-8 document ``src[bounds[i]:bounds[i + 1]]`` through ``table`` and
    write lower-case words separated by single spaces (no leading/trailing space) to ``out``; document
    ``i``'s result is ``out[out_bounds[i]:out_bounds[i + 1]]``. ``out`` needs 2 bytes per input byte.

    Returns a status per document: STATUS_UNKNOWN when a code point's table entry is FOLD_UNKNOWN,
    STATUS_COMPLEX when it is FOLD_COMPLEX (the document's output is then empty and must be redone).
    """
    ascii_map = _ascii_map(table)
    no_check = np.zeros(0, dtype=np.uint8)
    n_docs = len(bounds) - 1
    status = np.zeros(n_docs, dtype=np.int8)
    pos = 0
    out_bounds[0] = 0
    for d in range(n_docs):
        pos, st = _fold_doc(src, bounds[d], bounds[d + 1], table, ascii_map, out, pos, no_check)
        status[d] = st
        out_bounds[d + 1] = pos
    return status


@njit
def fold_text(
    src: np.ndarray, table: np.ndarray, out: np.ndarray, stable: np.ndarray
) -> int:  # pragma: no cover - compiled
    """:func:`fold_texts` of one document: the length written to ``out``, or ``-status`` when not folded.

    A non-empty ``stable`` (the table of :func:`nfkc_stable`) also checks that the text is certainly NFKC
    already, in the same pass: ``-STATUS_UNSTABLE`` when a non-ASCII code point is not marked stable."""
    pos, st = _fold_doc(src, 0, len(src), table, _ascii_map(table), out, 0, stable)
    return pos if st == STATUS_OK else -st


@njit
def nfkc_stable(src: np.ndarray, stable: np.ndarray) -> int:  # pragma: no cover - compiled
    """Whether UTF-8 text is certainly NFKC-normalised: 1 when every non-ASCII code point is marked 1 in
    ``stable`` (ASCII always is), 0 when one is marked 2 (not known to be stable), -1 when one is still
    unmarked (0; the caller marks the text's characters and asks again). ASCII is skipped 8 bytes at a time."""
    n = len(src)
    i = 0
    result = 1
    while i < n:
        if i + 8 <= n and (load8(src, i) & HIGH_BITS) == 0:
            i += 8
            continue
        c0 = np.int64(src[i])
        if c0 < 0x80:
            i += 1
            continue
        if c0 < 0xE0:
            cp = ((c0 & 0x1F) << 6) | (np.int64(src[i + 1]) & 0x3F)
            i += 2
        elif c0 < 0xF0:
            cp = ((c0 & 0x0F) << 12) | ((np.int64(src[i + 1]) & 0x3F) << 6) | (np.int64(src[i + 2]) & 0x3F)
            i += 3
        else:
            cp = (
                ((c0 & 0x07) << 18)
                | ((np.int64(src[i + 1]) & 0x3F) << 12)
                | ((np.int64(src[i + 2]) & 0x3F) << 6)
                | (np.int64(src[i + 3]) & 0x3F)
            )
            i += 4
        mark = stable[cp]
        if mark == 2:
            return 0
        if mark == 0:
            result = -1
    return result
