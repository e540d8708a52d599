"""Compiled kernels for token hashing: word shingle hashes and MinHash signature rows.

Each kernel reproduces, bit for bit, a numpy formulation kept in :mod:`newsdedup.dedup.minhash` (the contract is
tested against it and against datasketch), but walks the data once per document instead of materialising
whole-block temporaries: a document's tokens, shingles and signature row stay in L1 cache. They are
plain loops over uint8/uint32/uint64 arrays, compiled by numba on first call and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from newsdedup.jit import njit
from newsdedup.text.kernels.swar import HIGH_BITS, ONES_X21, load8

__all__ = ["fmix32", "fmix64", "minhash_rows", "token_hash", "word_shingles"]

_WORD_MULT = np.uint64(0x9E3779B97F4A7C15)
_COMBINE_MULT = np.uint64(0x100000001B3)
_COMBINE_INIT = np.uint64(0xCBF29CE484222325)
_MERSENNE = np.uint64((1 << 61) - 1)
_LOW32 = np.uint64(0xFFFFFFFF)


@njit
def _load_le(buf: np.ndarray, pos: int, count: int) -> np.uint64:
    """``count`` (<= 8) bytes of ``buf`` from ``pos`` as a little-endian uint64 (missing high bytes are 0)."""
    if pos + 8 <= len(buf):
        v = load8(buf, pos)
        if count >= 8:
            return v
        return v & ((np.uint64(1) << np.uint64(8 * count)) - np.uint64(1))
    v = np.uint64(0)
    for j in range(count):
        v |= np.uint64(buf[pos + j]) << np.uint64(8 * j)
    return v


@njit
def _sort_unique_u32(x: np.ndarray, tmp: np.ndarray) -> int:  # pragma: no cover - compiled
    """Sort ``x`` in place (LSD radix, 4 x 8 bits: faster than numba's quicksort on the few hundred values
    of one document) and move its distinct values to the front; return how many.

    The four digit histograms come from one pass over ``x`` (not one pass per digit), and the scatter index
    is unsigned (numba checks a signed index for a negative value on every store)."""
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
        return _mix(h, load8(buf, start) & _low_bytes(length))
    h = _mix(h, load8(buf, start))
    if length <= 16:
        return _mix(h, load8(buf, start + 8) & _low_bytes(length - 8))
    h = _mix(h, load8(buf, start + 8))
    if length <= 24:
        return _mix(h, load8(buf, start + 16) & _low_bytes(length - 16))
    h = _mix(h, load8(buf, start + 16))
    h = _mix(h, load8(buf, start + 24) & _low_bytes(min(length - 24, 8)))
    if length > 32:
        h = (h ^ load8(buf, start + length - 8)) * _WORD_MULT
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
                w = load8(buf, i)
                m = (w - ONES_X21) & ~w & HIGH_BITS
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
                    w = load8(buf, i)
                    m = (w - ONES_X21) & ~w & HIGH_BITS
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
