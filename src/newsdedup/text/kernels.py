"""Compiled kernels for the per-article text work: word shingle hashing and MinHash signatures.

Each kernel reproduces, bit for bit, a numpy formulation kept in :mod:`newsdedup.dedup.minhash` (the contract is
tested against it and against datasketch), but walks the data once per document instead of materialising
whole-block temporaries: a document's tokens, shingles and signature row stay in L1 cache. They are
plain loops over uint8/uint32/uint64 arrays, compiled by numba on first call and cached on disk.
"""

from __future__ import annotations

import time

import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from newsdedup.jit import njit

__all__ = [
    "FOLD_COMPLEX",
    "FOLD_DELETE",
    "FOLD_SPACE",
    "FOLD_UNKNOWN",
    "SCAN_AMPERSAND",
    "SCAN_CONTROL",
    "SCAN_CR",
    "SCAN_LINE_SEP",
    "SCAN_MOJIBAKE",
    "STATUS_COMPLEX",
    "STATUS_OK",
    "STATUS_UNKNOWN",
    "STATUS_UNSTABLE",
    "fold_text",
    "fold_texts",
    "minhash_rows",
    "nfkc_stable",
    "scan_text",
    "warm_up",
    "word_shingles",
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

_WORD_MULT = np.uint64(0x9E3779B97F4A7C15)
_COMBINE_MULT = np.uint64(0x100000001B3)
_COMBINE_INIT = np.uint64(0xCBF29CE484222325)
_MERSENNE = np.uint64((1 << 61) - 1)
_LOW32 = np.uint64(0xFFFFFFFF)


_ONES_X01 = np.uint64(0x0101010101010101)
_ONES_X20 = np.uint64(0x2020202020202020)
_ONES_X21 = np.uint64(0x2121212121212121)
_ONES_X26 = np.uint64(0x2626262626262626)
_HIGH_BITS = np.uint64(0x8080808080808080)


@njit
def _load8(buf: np.ndarray, pos: int) -> np.uint64:
    """Bytes ``pos:pos + 8`` of ``buf`` as a little-endian uint64 (compiles to one unaligned load).

    The index is unsigned on purpose: with a signed one numba adds a negative-index check to each of the
    eight byte reads, which keeps LLVM from merging them into one load (measured 13x slower)."""
    p = np.uint64(pos)
    return (
        np.uint64(buf[p])
        | (np.uint64(buf[p + np.uint64(1)]) << np.uint64(8))
        | (np.uint64(buf[p + np.uint64(2)]) << np.uint64(16))
        | (np.uint64(buf[p + np.uint64(3)]) << np.uint64(24))
        | (np.uint64(buf[p + np.uint64(4)]) << np.uint64(32))
        | (np.uint64(buf[p + np.uint64(5)]) << np.uint64(40))
        | (np.uint64(buf[p + np.uint64(6)]) << np.uint64(48))
        | (np.uint64(buf[p + np.uint64(7)]) << np.uint64(56))
    )


@njit
def _load_le(buf: np.ndarray, pos: int, count: int) -> np.uint64:
    """``count`` (<= 8) bytes of ``buf`` from ``pos`` as a little-endian uint64 (missing high bytes are 0)."""
    if pos + 8 <= len(buf):
        v = _load8(buf, pos)
        if count >= 8:
            return v
        return v & ((np.uint64(1) << np.uint64(8 * count)) - np.uint64(1))
    v = np.uint64(0)
    for j in range(count):
        v |= np.uint64(buf[pos + j]) << np.uint64(8 * j)
    return v


@njit
def _sort_unique_u32(x: np.ndarray, tmp: np.ndarray) -> int:  # pragma: no cover - compiled
    """Sort ``x`` in place (LSD radix, 4 x 8 bits; several times faster than numba's quicksort on the few
    hundred values of one document) and move its distinct values to the front; return how many.

    The four digit histograms come from one pass over ``x`` (not one pass per digit), and the scatter index
    is unsigned (numba checks a signed index for a negative value on every store): 30 % faster, measured."""
    n = len(x)
    counts = np.zeros((4, 256), dtype=np.int64)
    for i in range(n):
        v = x[i]
        counts[0, v & np.uint32(0xFF)] += 1
        counts[1, (v >> np.uint32(8)) & np.uint32(0xFF)] += 1
        counts[2, (v >> np.uint32(16)) & np.uint32(0xFF)] += 1
        counts[3, v >> np.uint32(24)] += 1
    src = x
    dst = tmp[:n]
    for digit in range(4):
        shift = np.uint32(8 * digit)
        total = 0
        for c in range(256):
            cnt = counts[digit, c]
            counts[digit, c] = total
            total += cnt
        for i in range(n):
            v = src[i]
            key = (v >> shift) & np.uint32(0xFF)
            dst[np.uint64(counts[digit, key])] = v
            counts[digit, key] += 1
        src, dst = dst, src
    # four passes: the sorted values are back in x
    k = 0
    for i in range(1, n):
        if x[i] != x[k]:
            k += 1
            x[k] = x[i]
    return k + 1 if n else 0


@njit
def _mix(h: np.uint64, word: np.uint64) -> np.uint64:
    h = (h ^ word) * _WORD_MULT
    return h ^ (h >> np.uint64(32))


@njit
def token_hash(buf: np.ndarray, start: int, end: int) -> np.uint64:
    """The hash of one token (bytes ``start:end``), as ``minhash._word_units`` defines it."""
    length = end - start
    h = np.uint64(length) * _WORD_MULT
    h = _mix(h, _load_le(buf, start, min(length, 8)))
    for k in range(1, 4):
        if length <= 8 * k:
            break
        h = _mix(h, _load_le(buf, start + 8 * k, min(length - 8 * k, 8)))
    if length > 32:
        h = (h ^ _load_le(buf, end - 8, 8)) * _WORD_MULT
    return h


@njit
def _low_bytes(count: int) -> np.uint64:
    """Mask of the low ``count`` bytes of a uint64, 1 <= count <= 8 (no branch: 2 << 63 wraps to 0)."""
    return (np.uint64(2) << np.uint64(8 * count - 1)) - np.uint64(1)


@njit
def _token_hash_padded(buf: np.ndarray, start: int, length: int) -> np.uint64:
    """:func:`token_hash` of bytes ``start:start + length`` (length >= 1) when 8 bytes past the token are
    readable: whole-word loads and masks instead of :func:`_load_le`'s bounds branches (the same value)."""
    h = np.uint64(length) * _WORD_MULT
    if length <= 8:
        return _mix(h, _load8(buf, start) & _low_bytes(length))
    h = _mix(h, _load8(buf, start))
    if length <= 16:
        return _mix(h, _load8(buf, start + 8) & _low_bytes(length - 8))
    h = _mix(h, _load8(buf, start + 8))
    if length <= 24:
        return _mix(h, _load8(buf, start + 16) & _low_bytes(length - 16))
    h = _mix(h, _load8(buf, start + 16))
    h = _mix(h, _load8(buf, start + 24) & _low_bytes(min(length - 24, 8)))
    if length > 32:
        h = (h ^ _load8(buf, start + length - 8)) * _WORD_MULT
    return h


@njit
def word_shingles(
    buf: np.ndarray, doc_bounds: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Word ``size``-shingle hashes of the documents ``buf[doc_bounds[i]:doc_bounds[i + 1]]`` (UTF-8 bytes;
    tokens are separated by bytes <= 0x20). Returns ``(hashes, offsets, token_counts)``: uint32, sorted and unique per
    document, equal to ``minhash.shingle_hashes_for(..., kind="word")``."""
    n_docs = len(doc_bounds) - 1
    total = doc_bounds[n_docs] - doc_bounds[0]
    # word-at-a-time scanning needs 8 readable bytes past the last document (the caller pads with zeros)
    swar = len(buf) >= doc_bounds[n_docs] + 8
    # a token takes at least one byte plus a separator, so a document has at most (bytes + 1) // 2 of them
    out = np.empty(total // 2 + n_docs + 1, dtype=np.uint32)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    counts = np.zeros(n_docs, dtype=np.int64)
    units = np.empty(16, dtype=np.uint64)
    tmp = np.empty(1024, dtype=np.uint32)
    pos_out = 0
    for d in range(n_docs):
        lo = doc_bounds[d]
        hi = doc_bounds[d + 1]
        if len(units) < (hi - lo) // 2 + 1:
            units = np.empty((hi - lo) // 2 + 1, dtype=np.uint64)
        n_units = 0
        i = lo
        while i < hi:
            # unsigned indices in the hot loops: numba checks a signed index for a negative value every time
            while i < hi and buf[np.uint64(i)] <= 0x20:
                i += 1
            if i >= hi:
                break
            start = i
            if swar:
                # find the token's end 8 bytes at a time: the lowest flagged byte of the classic
                # "has a byte below 0x21" test is exactly the first separator (one branch per token)
                w = _load8(buf, i)
                m = (w - _ONES_X21) & ~w & _HIGH_BITS
                if m != 0:
                    # a token of at most 7 bytes (most words): its hash needs only the word just loaded
                    length = min(np.int64(trailing_zeros(m) >> np.uint64(3)), hi - start)  # type: ignore[call-arg]
                    i = start + length
                    h = np.uint64(length) * _WORD_MULT
                    units[np.uint64(n_units)] = _mix(
                        h, w & ((np.uint64(1) << np.uint64(8 * length)) - np.uint64(1))
                    )
                    n_units += 1
                    continue
                while True:
                    i += 8
                    w = _load8(buf, i)
                    m = (w - _ONES_X21) & ~w & _HIGH_BITS
                    if m != 0:
                        i += np.int64(trailing_zeros(m) >> np.uint64(3))  # type: ignore[call-arg]
                        break
                i = min(i, hi)
                units[np.uint64(n_units)] = _token_hash_padded(buf, start, i - start)
            else:
                while i < hi and buf[i] > 0x20:
                    i += 1
                units[n_units] = token_hash(buf, start, i)
            n_units += 1
        first = pos_out
        if n_units > 0 and n_units < size:
            acc = _COMBINE_INIT
            for j in range(n_units):
                acc = (acc ^ units[j]) * _COMBINE_MULT
            out[pos_out] = np.uint32(acc >> np.uint64(32))
            pos_out += 1
        else:
            for win in range(n_units - size + 1):
                acc = _COMBINE_INIT
                for j in range(size):
                    acc = (acc ^ units[win + j]) * _COMBINE_MULT
                out[np.uint64(pos_out)] = np.uint32(acc >> np.uint64(32))
                pos_out += 1
        if pos_out - first > 1:
            if len(tmp) < pos_out - first:
                tmp = np.empty(2 * (pos_out - first), dtype=np.uint32)
            pos_out = first + _sort_unique_u32(out[first:pos_out], tmp)
        offsets[d + 1] = pos_out
        counts[d] = n_units
    return out[:pos_out].copy(), offsets, counts


@njit
def fmix32(h: np.uint32) -> np.uint32:
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    h ^= h >> np.uint32(16)
    return h


@njit
def fmix64(h: np.uint64) -> np.uint64:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@njit
def _rows_affine32(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    n_perm = len(a)
    row = np.empty(n_perm, dtype=np.uint32)
    for d in range(len(offsets) - 1):
        lo = offsets[d]
        hi = offsets[d + 1]
        if hi <= lo:
            continue
        row[:] = np.uint32(0xFFFFFFFF)
        for s in range(lo, hi):
            v = fmix32(np.uint32(hashes[s]))
            for k in range(n_perm):
                x = np.uint32(a[k] * v + b[k])
                if x < row[k]:
                    row[k] = x
        out[d, :] = row


@njit
def _rows_affine64(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    n_perm = len(a)
    row = np.empty(n_perm, dtype=np.uint64)
    for d in range(len(offsets) - 1):
        lo = offsets[d]
        hi = offsets[d + 1]
        if hi <= lo:
            continue
        row[:] = np.uint64(0xFFFFFFFFFFFFFFFF)
        for s in range(lo, hi):
            v = fmix64(np.uint64(hashes[s]))
            for k in range(n_perm):
                x = a[k] * v + b[k]
                if x < row[k]:
                    row[k] = x
        out[d, :] = row


@njit
def _rows_legacy(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    n_perm = len(a)
    row = np.empty(n_perm, dtype=np.uint64)
    for d in range(len(offsets) - 1):
        lo = offsets[d]
        hi = offsets[d + 1]
        if hi <= lo:
            continue
        row[:] = _LOW32
        for s in range(lo, hi):
            v = np.uint64(hashes[s])
            for k in range(n_perm):
                x = ((a[k] * v + b[k]) % _MERSENNE) & _LOW32
                if x < row[k]:
                    row[k] = x
        out[d, :] = row


def minhash_rows(
    hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, scheme: str, out: np.ndarray
) -> None:
    """Fill ``out[i]`` with the MinHash of ``hashes[offsets[i]:offsets[i + 1]]`` under permutations ``(a, b)``
    of ``scheme`` ("affine32", "affine64" or "legacy"); rows of documents without shingles are left as they
    are (the caller fills them with the empty value)."""
    if scheme == "affine32":
        _rows_affine32(hashes, offsets, a, b, out)
    elif scheme == "affine64":
        _rows_affine64(hashes, offsets, a, b, out)
    else:
        _rows_legacy(hashes, offsets, a, b, out)


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
        if i + 8 <= n and (_load8(src, i) & _HIGH_BITS) == 0:
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


# scan_text flags
SCAN_CR = 1  # "\r"
SCAN_LINE_SEP = 2  # U+2028 / U+2029
SCAN_MOJIBAKE = 4  # one of the mojibake markers "Ã", "Â", "â€", "ï»¿"
SCAN_CONTROL = (
    8  # a character parse.repair_text deletes: C0 (not \t \n \r), DEL, C1, surrogate, U+FEFF/FFFE/FFFF
)
SCAN_AMPERSAND = 16  # "&" (a possible HTML entity)


@njit
def scan_text(buf: np.ndarray) -> int:  # pragma: no cover - compiled
    """One pass over UTF-8 bytes (lone surrogates encoded with "surrogatepass"): the SCAN_* flags of what
    the text contains, so clean text skips every repair step at once."""
    flags = 0
    n = len(buf)
    i = 0
    while i < n:
        # skip 8 bytes at a time while all are printable ASCII other than "&" (the common case): flag bytes
        # below 0x20, at or above 0x7F, or equal to 0x26, with the usual SWAR tests
        if i + 8 <= n:
            w = _load8(buf, i)
            low = (w - _ONES_X20) & ~w & _HIGH_BITS
            high = ((w + _ONES_X01) | w) & _HIGH_BITS
            amp = w ^ _ONES_X26
            amp = (amp - _ONES_X01) & ~amp & _HIGH_BITS
            if (low | high | amp) == 0:
                i += 8
                continue
        j = i
        c = buf[j]
        i += 1
        if c >= 0x20 and c < 0x7F:
            if c == 0x26:
                flags |= SCAN_AMPERSAND
            continue
        if c < 0x80:
            if c == 0x0D:
                flags |= SCAN_CR
            elif c != 0x09 and c != 0x0A:
                flags |= SCAN_CONTROL
            continue
        c1 = buf[j + 1] if j + 1 < n else 0
        if c == 0xC2:
            if c1 >= 0x80 and c1 <= 0x9F:
                flags |= SCAN_CONTROL
        elif c == 0xC3:
            if c1 == 0x83 or c1 == 0x82:
                flags |= SCAN_MOJIBAKE
            elif (
                j + 4 < n and c1 == 0xA2 and buf[j + 2] == 0xE2 and buf[j + 3] == 0x82 and buf[j + 4] == 0xAC
            ):
                flags |= SCAN_MOJIBAKE  # "â€"
            elif (
                j + 5 < n
                and c1 == 0xAF
                and buf[j + 2] == 0xC2
                and buf[j + 3] == 0xBB
                and buf[j + 4] == 0xC2
                and buf[j + 5] == 0xBF
            ):
                flags |= SCAN_MOJIBAKE  # "ï»¿"
        elif c == 0xE2:
            if c1 == 0x80 and j + 2 < n and (buf[j + 2] == 0xA8 or buf[j + 2] == 0xA9):
                flags |= SCAN_LINE_SEP
        elif c == 0xED:
            if c1 >= 0xA0:
                flags |= SCAN_CONTROL
        elif (
            c == 0xEF
            and j + 2 < n
            and (
                (c1 == 0xBB and buf[j + 2] == 0xBF)
                or (c1 == 0xBF and (buf[j + 2] == 0xBE or buf[j + 2] == 0xBF))
            )
        ):
            flags |= SCAN_CONTROL
    return flags


def warm_up(scheme: str = "affine32") -> float:
    """Load (or, on a fresh install, compile) the kernels a run uses, the MinHash one of ``scheme`` only, by
    calling them on tiny input; returns the seconds it took. The first compiled call of a process also pays
    numba's start-up, so a job that forks workers calls this once in the parent before forking: the
    children inherit the loaded kernels."""
    start = time.perf_counter()
    buf = np.frombuffer(b"ab cd ef" + bytes(8), dtype=np.uint8)
    bounds = np.array([0, 8], dtype=np.int64)
    scan_text(buf)
    hashes, offsets, _ = word_shingles(buf, bounds, 2)
    dtype = np.uint32 if scheme == "affine32" else np.uint64
    ones = np.ones(2, dtype=dtype)
    minhash_rows(hashes, offsets, ones, ones, scheme, np.zeros((1, 2), dtype=dtype))
    table = np.full(128, FOLD_SPACE, dtype=np.int32)
    out = np.empty(2 * len(buf), dtype=np.uint8)
    fold_texts(buf, bounds, table, out, np.empty(2, dtype=np.int64))
    fold_text(buf[:8], table, out, np.zeros(0, dtype=np.uint8))
    fold_text(buf[:8], table, out, np.ones(128, dtype=np.uint8))
    nfkc_stable(buf, np.zeros(128, dtype=np.uint8))
    return time.perf_counter() - start
