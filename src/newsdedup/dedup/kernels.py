"""Compiled loops of duplicate detection: set intersections of shingle runs and LSH bucket pairs.

Each kernel does in one pass what numpy could only do with large temporary arrays (a gathered, tagged and
sorted copy of every pair's shingles; one shifted comparison per bucket size), so memory stays at the size of
the inputs and outputs.
"""

from __future__ import annotations

import numpy as np

from newsdedup.jit import njit

__all__ = [
    "band_keys_of",
    "bucket_pairs",
    "bucket_pairs_part",
    "count_codes",
    "insert_codes",
    "intersection_counts",
]

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit
def band_keys_of(sig: np.ndarray, select: np.ndarray, col0: int, rows: int, bands: int = 1) -> np.ndarray:
    """Bucket keys of ``bands`` consecutive bands (``rows`` columns each, from column ``col0``) of the
    signature rows ``select``, as a (bands, len(select)) array: the same mixing as
    :func:`newsdedup.dedup.lsh.band_keys`, in one pass over each signature row (rows are contiguous in memory,
    so several bands per visit cost little more than one)."""
    n = select.shape[0]
    out = np.empty((bands, n), dtype=np.uint64)
    shift = np.uint64(29)
    for i in range(n):
        r = select[i]
        for b in range(bands):
            acc = _FNV_OFFSET
            c0 = col0 + b * rows
            for j in range(rows):
                acc ^= np.uint64(sig[r, c0 + j])
                acc *= _FNV_PRIME
                acc ^= acc >> shift
            out[b, i] = acc
    return out


_EMPTY = -1
_MIX = np.uint64(0x9E3779B97F4A7C15)


@njit
def _slot(table: np.ndarray, c: np.int64) -> np.int64:
    """The slot of code ``c`` in the open-addressing set ``table``: where it is, or the free slot where it
    goes (linear probing from its mixed hash)."""
    mask = np.uint64(table.shape[0] - 1)
    h = np.uint64(c) * _MIX
    slot = np.int64((h ^ (h >> np.uint64(32))) & mask)
    while table[slot] != c and table[slot] != _EMPTY:
        slot = (slot + 1) & np.int64(mask)
    return slot


@njit
def insert_codes(table: np.ndarray, codes: np.ndarray) -> int:
    """Add non-negative ``codes`` to the open-addressing set ``table`` (int64, power-of-two size, free slots
    -1); returns how many were new. The caller keeps the table at most half full."""
    added = 0
    for k in range(codes.shape[0]):
        slot = _slot(table, codes[k])
        if table[slot] == _EMPTY:
            table[slot] = codes[k]
            added += 1
    return added


@njit
def intersection_counts(
    hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """``|A ∩ B|`` for each pair of documents ``(left[i], right[i])``.

    Document ``d`` owns ``hashes[starts[d]:ends[d]]``, sorted and unique (for the usual flat layout,
    ``starts = offsets[:-1]`` and ``ends = offsets[1:]``). A merge walk of the two sorted runs per pair.
    """
    m = left.shape[0]
    out = np.zeros(m, dtype=np.int64)
    for p in range(m):
        a, b = left[p], right[p]
        i, i_end = starts[a], ends[a]
        j, j_end = starts[b], ends[b]
        count = 0
        # Branch-free steps: the comparisons are unpredictable, a mispredicted branch costs more than this.
        while i < i_end and j < j_end:
            x, y = hashes[i], hashes[j]
            count += x == y
            i += x <= y
            j += y <= x
        out[p] = count
    return out


@njit
def bucket_pairs(
    keys: np.ndarray, members: np.ndarray, n: int, max_bucket_size: int
) -> tuple[np.ndarray, int]:
    """Pair codes ``min * n + max`` of the buckets in ``keys`` (sorted; ``members`` parallel).

    A bucket of up to ``max_bucket_size`` members gives all its pairs; a larger one gives a star (smallest
    member to each other) and a chain (consecutive members in increasing order), so the members of a bucket
    need not be sorted. Returns (codes, number of capped buckets); codes may repeat (a star and a chain
    share their first pair).
    """
    none = np.zeros(0, dtype=np.int64)  # lengths and tokens: unused without a length restriction
    codes, _total, capped = bucket_pairs_part(
        keys, members, n, max_bucket_size, none, none, 1.0, 0, (1, 0), False
    )
    return codes, capped


@njit
def _in_part(code: np.int64, parts: int, part: int) -> bool:
    h = np.uint64(code) * _MIX
    return np.int64((h ^ (h >> np.uint64(29))) % np.uint64(parts)) == part


@njit
def _wanted(
    a: np.int64, b: np.int64, lens: np.ndarray, tokens: np.ndarray, max_ratio: float, min_tok: int
) -> bool:
    """Whether the pair (a, b) belongs to a banding restricted to unequal lengths: the shorter side has at
    least ``min_tok`` words and at most ``max_ratio`` times the longer side's shingles."""
    la, lb = lens[a], lens[b]
    if la <= lb:
        return tokens[a] >= min_tok and la <= max_ratio * lb
    return tokens[b] >= min_tok and lb <= max_ratio * la


@njit
def _bucket_codes(
    members: np.ndarray, start: int, end: int, n: int, max_bucket_size: int, buf: np.ndarray
) -> int:
    """The pair codes ``min * n + max`` of the bucket ``members[start:end]`` written to ``buf`` (see
    :func:`bucket_pairs`: all pairs, or a star and a chain for a bucket over ``max_bucket_size``); returns
    how many."""
    s = end - start
    k = 0
    if s > max_bucket_size:
        mem = np.sort(members[start:end])
        for i in range(1, s):
            buf[k] = mem[0] * n + mem[i]
            buf[k + 1] = mem[i - 1] * n + mem[i]
            k += 2
        return k
    for i in range(start, end - 1):
        for j in range(i + 1, end):
            buf[k] = min(members[i], members[j]) * n + max(members[i], members[j])
            k += 1
    return k


@njit
def bucket_pairs_part(
    keys: np.ndarray,
    members: np.ndarray,
    n: int,
    max_bucket_size: int,
    lens: np.ndarray,
    tokens: np.ndarray,
    max_ratio: float,
    min_tok: int,
    block: tuple[int, int],
    count_only: bool,
) -> tuple[np.ndarray, int, int]:
    """:func:`bucket_pairs` restricted to one block of pairs: only codes with ``hash(code) % parts == part``
    (``block = (parts, part)``) and, when ``max_ratio < 1``, only pairs of unequal lengths (see ``_wanted``). Returns (codes of the
    block, or none when ``count_only``; how many codes all blocks would get; capped buckets)."""
    parts, part = block
    m = keys.shape[0]
    total = 0
    mine = 0
    capped = 0
    out = np.empty(0, dtype=np.int64)
    # one bucket's pair codes (_bucket_codes), grown when a bucket needs more
    buf = np.empty(64, dtype=np.int64)
    for sweep in range(1 if count_only else 2):
        if sweep == 1:
            out = np.empty(mine, dtype=np.int64)
        k = 0
        start = 0
        while start < m:
            end = start + 1
            while end < m and keys[end] == keys[start]:
                end += 1
            s = end - start
            capped += sweep == 0 and s > max_bucket_size
            need = s * (s - 1) // 2 if s <= max_bucket_size else 2 * (s - 1)
            if need > buf.shape[0]:
                buf = np.empty(need, dtype=np.int64)
            for c in buf[: _bucket_codes(members, start, end, n, max_bucket_size, buf)]:
                if max_ratio < 1.0 and not _wanted(c // n, c % n, lens, tokens, max_ratio, min_tok):
                    continue
                total += sweep == 0
                if _in_part(c, parts, part):
                    if sweep == 0:
                        mine += 1
                    else:
                        out[k] = c
                        k += 1
            start = end
    return out, total, capped


@njit
def count_codes(table: np.ndarray, hits: np.ndarray, codes: np.ndarray) -> int:
    """:func:`insert_codes` that also counts, in ``hits`` (parallel to ``table``), how many times each code
    was added; returns how many codes were new."""
    added = 0
    for k in range(codes.shape[0]):
        slot = _slot(table, codes[k])
        if table[slot] == _EMPTY:
            table[slot] = codes[k]
            hits[slot] = 0
            added += 1
        hits[slot] += 1
    return added
