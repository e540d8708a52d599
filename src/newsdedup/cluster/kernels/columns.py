"""Compiled steps of choosing each document's clustering terms (see ``cluster.graph.select_terms``): the
run's columns (distinct stored term hashes) with their IDF, then each document's best terms by weight x IDF.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from newsdedup.cluster.kernels.rank import insertion_sort, top_k
from newsdedup.cluster.kernels.shared import Csr
from newsdedup.jit import njit
from newsdedup.text.kernels import fmix32

__all__ = ["Selection", "TermTable", "compact_rows", "row_bounds", "select_rows", "term_columns"]


class TermTable(NamedTuple):
    """An open-addressing table from a stored term hash to its column (``keys``, ``used``, ``cols``: see
    ``term_columns``) and each column's ``idf``."""

    keys: np.ndarray
    used: np.ndarray
    cols: np.ndarray
    idf: np.ndarray


class Selection(NamedTuple):
    """Output rows of ``select_rows``: row r is written at ``bound[r]`` (room up to ``bound[r + 1]``) as
    columns ``col`` and weights ``val``, its length in ``counts[r]``."""

    bound: np.ndarray
    col: np.ndarray
    val: np.ndarray
    counts: np.ndarray


@njit
def _table_insert(keys: np.ndarray, used: np.ndarray, vals: np.ndarray, h: np.uint32, add: int) -> bool:
    """Add ``add`` to the value of key h in an open-addressing table; returns whether h was new."""
    mask = len(keys) - 1
    slot = np.int64(fmix32(h)) & mask
    while used[slot] and keys[slot] != h:
        slot = (slot + 1) & mask
    if used[slot]:
        vals[slot] += add
        return False
    used[slot] = True
    keys[slot] = h
    vals[slot] = add
    return True


@njit
def _table_get(keys: np.ndarray, used: np.ndarray, vals: np.ndarray, h: np.uint32) -> int:
    mask = len(keys) - 1
    slot = np.int64(fmix32(h)) & mask
    while keys[slot] != h:
        slot = (slot + 1) & mask
    return vals[slot]


@njit
def _count_terms(
    indptr: np.ndarray,
    term: np.ndarray,
    rows: np.ndarray,
    keys: np.ndarray,
    used: np.ndarray,
    vals: np.ndarray,
    r: int,
    n_keys: int,
) -> tuple[int, int]:
    """Add the terms of documents ``rows[r:]`` to the table until the next row could fill it past half;
    returns (the row to resume at, the number of keys)."""
    cap = len(keys)
    while r < len(rows):
        i = rows[r]
        if 2 * (n_keys + indptr[i + 1] - indptr[i]) > cap:
            break
        for e in range(indptr[i], indptr[i + 1]):
            if _table_insert(keys, used, vals, term[e], 1):
                n_keys += 1
        r += 1
    return r, n_keys


@njit
def term_columns(
    indptr: np.ndarray, term: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The columns of ``select_terms``: (keys, used, cols, hashes, idf).

    ``hashes``: the distinct stored hashes of documents ``rows``, increasing (column c is hashes[c]);
    ``idf[c]`` their IDF over those documents; keys/used/cols an open-addressing table from hash to column.
    """
    n = len(rows)
    cap = 1 << 16
    keys = np.empty(cap, dtype=np.uint32)
    used = np.zeros(cap, dtype=np.bool_)
    vals = np.empty(cap, dtype=np.int64)
    n_keys = 0
    r = 0
    while r < n:
        # Count rows until the table would pass half full, then grow it (rehash into twice the room). The
        # counting loop is a separate kernel that never rebinds the table arrays: rebinding them inside
        # the hot loop made it several times slower.
        r, n_keys = _count_terms(indptr, term, rows, keys, used, vals, r, n_keys)
        if r < n:
            old_k, old_u, old_v = keys, used, vals
            cap *= 2
            keys = np.empty(cap, dtype=np.uint32)
            used = np.zeros(cap, dtype=np.bool_)
            vals = np.empty(cap, dtype=np.int64)
            for s in range(len(old_k)):
                if old_u[s]:
                    _table_insert(keys, used, vals, old_k[s], old_v[s])
    hashes = np.empty(n_keys, dtype=np.uint32)
    k = 0
    for s in range(cap):
        if used[s]:
            hashes[k] = keys[s]
            k += 1
    hashes.sort()
    idf = np.empty(n_keys, dtype=np.float64)
    for c in range(n_keys):
        df = _table_get(keys, used, vals, hashes[c])
        idf[c] = math.log((1.0 + n) / (1.0 + df)) + 1.0
    for c in range(n_keys):  # the table now maps a hash to its column
        mask = cap - 1
        slot = np.int64(fmix32(hashes[c])) & mask
        while keys[slot] != hashes[c]:
            slot = (slot + 1) & mask
        vals[slot] = c
    return keys, used, vals, hashes, idf


@njit
def row_bounds(indptr: np.ndarray, rows: np.ndarray, max_terms: int) -> np.ndarray:
    """Offsets with room for each output row of ``select_terms`` (at most ``max_terms`` entries each)."""
    bound = np.zeros(len(rows) + 1, dtype=np.int64)
    for r in range(len(rows)):
        i = rows[r]
        bound[r + 1] = bound[r] + min(indptr[i + 1] - indptr[i], max_terms)
    return bound


@njit
def select_rows(
    feats: Csr,
    table: np.ndarray,
    rows: np.ndarray,
    max_terms: int,
    columns: TermTable,
    r0: int,
    r1: int,
    out: Selection,
) -> None:
    """Output rows ``r0 <= r < r1`` of ``select_terms``: document ``rows[r]`` of ``feats`` (indptr, term hash,
    weight code decoded by ``table``) cut to its ``max_terms`` best terms by weight x IDF (columns from
    ``term_columns``), written as ``out`` says. Rows touch disjoint parts of ``out``, so ranges of rows may
    run concurrently and in any order.
    """
    indptr, term, code = feats
    keys, used, cols, idf = columns
    bound, out_col, out_val, counts = out
    longest = 1
    for r in range(r0, r1):
        longest = max(longest, indptr[rows[r] + 1] - indptr[rows[r]])
    sc = np.empty(longest, dtype=np.float64)
    tk = np.empty(longest, dtype=np.int64)
    neg = np.empty(longest, dtype=np.float64)
    sel = np.empty(max(max_terms, 1), dtype=np.int64)
    for r in range(r0, r1):
        i = rows[r]
        m = indptr[i + 1] - indptr[i]
        for u in range(m):
            e = indptr[i] + u
            c = _table_get(keys, used, cols, term[e])
            sc[u] = table[code[e]] * idf[c]
            tk[u] = (c << 32) | u  # (column, entry) as the tie key: the smaller column (hash) wins ties
        size = top_k(sc, tk, m, max_terms, sel, neg)
        insertion_sort(sel, size)
        last = -1
        o = bound[r]
        for u in range(size):
            c = sel[u] >> 32
            e = indptr[i] + (sel[u] & 0xFFFFFFFF)
            if c == last:
                out_val[o - 1] += table[code[e]]
            else:
                out_col[o] = c
                out_val[o] = table[code[e]]
                o += 1
                last = c
        counts[r] = o - bound[r]


@njit
def compact_rows(bound: np.ndarray, counts: np.ndarray, col: np.ndarray, val: np.ndarray) -> np.ndarray:
    """Close the gaps ``select_rows`` left (rows shorter than their room), in place; returns the indptr."""
    n = len(counts)
    ptr = np.zeros(n + 1, dtype=np.int64)
    o = 0
    for r in range(n):
        s = bound[r]
        if s != o:
            for u in range(counts[r]):
                col[o + u] = col[s + u]
                val[o + u] = val[s + u]
        o += counts[r]
        ptr[r + 1] = o
    return ptr
