"""Compiled steps of the kNN graph (see ``cluster.graph.knn_edges``): each row's candidate terms, their
time-ordered posting lists, each row's best neighbours, and the graph's edges each once.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsdedup.cluster.kernels.rank import insertion_sort, kth_largest, offer, top_k
from newsdedup.cluster.kernels.shared import Centring, Csr, decay
from newsdedup.jit import njit

__all__ = ["KnnInputs", "candidate_terms", "knn_rows", "postings", "unique_edges"]


class KnnInputs(NamedTuple):
    """What every row of the kNN graph reads (see ``knn_rows``)."""

    x: Csr  # the rows (scaled, columns sorted), in time order
    n_terms: int
    cand: Csr  # each row's candidate terms: (indptr, term, weight)
    cand_pos: np.ndarray  # each candidate entry's place in its term's posting list
    post: Csr  # posting lists (indptr over terms, row, weight), rows increasing, i.e. in time order
    window: np.ndarray  # per term: a row meets the rows within this many places of it in the term's list
    days: np.ndarray  # time of each row, NaN where missing
    inv_scale: float  # 1 / the time scale in days, 0 for no time decay
    centring: Centring
    n_cand: int  # candidates per row whose exact similarity is computed
    k: int  # neighbours kept per row
    floor: float  # least similarity of a kept neighbour
    language: np.ndarray  # a code per row (-1: unknown); rows of two different known codes are never paired


@njit
def knn_rows(g: KnnInputs, r0: int, r1: int, out_i: np.ndarray, out_j: np.ndarray, out_d: np.ndarray) -> int:
    """Each of rows ``r0 <= i < r1``'s ``g.k`` best neighbours by exact centred, time-decayed cosine among its
    candidates, as (i, j, dot) triples (i != j, the dot of the two scaled rows) written to ``out_*`` from
    their start (room for ``(r1 - r0) * g.k``); returns the number written.

    Candidates of row i: the rows within ``g.window[t]`` places of i in the time-ordered posting list of each
    of i's candidate terms t. They are scored by the dot of candidate-term weights; the ``g.n_cand`` best get
    an exact dot of the full rows, and the ``g.k`` best of those scoring at least ``g.floor`` are kept. A
    row's result depends on nothing but the inputs (the scratch is reset per row), so rows split into
    ranges, run in any order and joined in row order give exactly the edges of one call over all rows.
    """
    n = len(g.x.indptr) - 1
    acc = np.zeros(n, dtype=np.float64)
    stamp = np.full(n, -1, dtype=np.int64)
    # A row meets at most (its candidate terms) x (2 window + 1) rows: per-row scratch of that size, not n
    # (each concurrent range holds its own).
    most = min(_reach(g, r0, r1), n)
    touched = np.empty(most, dtype=np.int64)
    dense = np.zeros(max(g.n_terms, 1), dtype=np.float64)
    cs = np.empty(g.n_cand, dtype=np.float64)
    vals = np.empty(most, dtype=np.float64)
    ties = np.empty(most, dtype=np.int64)
    cj = np.empty(g.n_cand, dtype=np.int64)
    ks = np.empty(g.k, dtype=np.float64)
    kj = np.empty(g.k, dtype=np.int64)
    m = 0
    for i in range(r0, r1):
        nt = _meet(g, i, acc, stamp, touched)
        if nt == 0:
            continue
        size = _best_candidates(acc, touched, nt, g.n_cand, vals, ties, cj)
        kn = _exact_best(g, i, cj, size, dense, cs, ks, kj)
        for u in range(kn):
            j = kj[u]
            for v in range(size):
                if cj[v] == j:
                    out_i[m] = i
                    out_j[m] = j
                    out_d[m] = cs[v]
                    m += 1
                    break
    return m


@njit
def _reach(g: KnnInputs, r0: int, r1: int) -> int:
    """The most rows any of rows ``r0 <= i < r1`` can meet through its candidate terms."""
    p_ptr, p_col, _ = g.cand
    t_ptr = g.post.indptr
    t_win = g.window
    most = 0
    for i in range(r0, r1):
        reach = 0
        for e in range(p_ptr[i], p_ptr[i + 1]):
            reach += min(2 * t_win[p_col[e]] + 1, t_ptr[p_col[e] + 1] - t_ptr[p_col[e]])
        most = max(most, reach)
    return most


@njit
def _meet(g: KnnInputs, i: int, acc: np.ndarray, stamp: np.ndarray, touched: np.ndarray) -> int:
    """Sum into ``acc[j]`` the candidate-term products of row i with each row j it meets (listed in
    ``touched``, first meetings stamped ``i`` in ``stamp``); returns how many rows it met."""
    p_ptr, p_col, p_val = g.cand
    t_ptr, t_doc, t_val = g.post
    p_pos = g.cand_pos
    t_win = g.window
    nt = 0
    for e in range(p_ptr[i], p_ptr[i + 1]):
        t = p_col[e]
        vi = p_val[e]
        base = t_ptr[t]
        window = t_win[t]
        lo = max(base, base + p_pos[e] - window)
        hi = min(t_ptr[t + 1], base + p_pos[e] + window + 1)
        for f in range(lo, hi):
            j = t_doc[f]
            if j == i:
                continue
            if stamp[j] != i:
                stamp[j] = i
                acc[j] = 0.0
                touched[nt] = j
                nt += 1
            acc[j] += vi * t_val[f]
    return nt


@njit
def _best_candidates(
    acc: np.ndarray,
    touched: np.ndarray,
    nt: int,
    n_cand: int,
    vals: np.ndarray,
    ties: np.ndarray,
    cj: np.ndarray,
) -> int:
    """The ``n_cand`` rows of ``touched[:nt]`` with the largest ``acc`` into ``cj``; returns how many.

    Candidates are ranked without the time decay: they are already the nearest in time per term, and the
    exact stage applies it. All above the n_cand-th score, then the ties at that score by smaller index.
    ``vals`` and ``ties``: scratch of at least nt.
    """
    size = 0
    if nt <= n_cand:
        for u in range(nt):
            cj[u] = touched[u]
        return nt
    for u in range(nt):
        vals[u] = acc[touched[u]]
    kth = kth_largest(vals, nt, n_cand)
    n_tie = 0
    for u in range(nt):
        j = touched[u]
        if acc[j] > kth:
            cj[size] = j
            size += 1
        elif acc[j] == kth:
            ties[n_tie] = j
            n_tie += 1
    if size < n_cand:
        tie_sorted = np.sort(ties[:n_tie])
        for u in range(min(n_cand - size, n_tie)):
            cj[size] = tie_sorted[u]
            size += 1
    return size


@njit
def _exact_best(
    g: KnnInputs,
    i: int,
    cj: np.ndarray,
    size: int,
    dense: np.ndarray,
    cs: np.ndarray,
    ks: np.ndarray,
    kj: np.ndarray,
) -> int:
    """The ``g.k`` best of candidates ``cj[:size]`` of row i by centred, time-decayed cosine at least
    ``g.floor``, in the bounded heap ``ks``/``kj``; returns its size. ``cs[u]``: the exact dot of row i with
    ``cj[u]``. ``dense``: zeros of n_terms, zero again on return. Rows of two different known languages
    are not neighbours."""
    x_ptr, x_idx, x_val = g.x
    days = g.days
    w, q, mm = g.centring
    ti = days[i]
    li = g.language[i]
    for f in range(x_ptr[i], x_ptr[i + 1]):
        dense[x_idx[f]] = x_val[f]
    wi = w[i]
    qi = q[i]
    kn = 0
    for u in range(size):
        j = cj[u]
        d = 0.0
        for f in range(x_ptr[j], x_ptr[j + 1]):
            d += dense[x_idx[f]] * x_val[f]
        s = (d - qi * w[j] - q[j] * wi + wi * w[j] * mm) * decay(ti, days[j], g.inv_scale)
        lj = g.language[j]
        if s >= g.floor and (li < 0 or lj < 0 or li == lj):
            kn = offer(ks, kj, kn, g.k, s, j)
        cs[u] = d  # keep the exact dot beside its candidate for the output
    for f in range(x_ptr[i], x_ptr[i + 1]):
        dense[x_idx[f]] = 0.0
    return kn


@njit
def unique_edges(
    out_i: np.ndarray,
    out_j: np.ndarray,
    out_d: np.ndarray,
    seg_start: np.ndarray,
    seg_len: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair of the kNN triples once, as (lo, hi, dot) sorted by (lo, hi); a pair found from both ends
    keeps the dot found first (the smaller row: the two dots may differ in the last bit).

    The triples are the segments ``[seg_start[s], seg_start[s] + seg_len[s])`` of ``out_*``, in order (the
    outputs of ``knn_rows`` over consecutive row ranges). A counting sort by lo, then within each lo the
    first of each hi, sorted: no sort of all triples.
    """
    cnt = np.zeros(n + 1, dtype=np.int64)
    for s in range(len(seg_start)):
        for e in range(seg_start[s], seg_start[s] + seg_len[s]):
            cnt[min(out_i[e], out_j[e]) + 1] += 1
    for i in range(n):
        cnt[i + 1] += cnt[i]
    m = cnt[n]
    b_hi = np.empty(m, dtype=np.int32)
    b_d = np.empty(m, dtype=np.float64)
    fill = cnt[:n].copy()
    for s in range(len(seg_start)):
        for e in range(seg_start[s], seg_start[s] + seg_len[s]):
            a = min(out_i[e], out_j[e])
            b_hi[fill[a]] = max(out_i[e], out_j[e])
            b_d[fill[a]] = out_d[e]
            fill[a] += 1
    mark = np.full(n, -1, dtype=np.int64)
    lo = np.empty(m, dtype=np.int32)
    o = 0
    for a in range(n):
        start = o
        for e in range(cnt[a], cnt[a + 1]):  # in emission order: the first of a pair is kept
            c = b_hi[e]
            if mark[c] != a:
                mark[c] = a
                b_hi[o] = c  # o <= e: compacting in place never overwrites an unread entry
                b_d[o] = b_d[e]
                o += 1
        if o - start > 1:
            srt = np.argsort(b_hi[start:o])
            hs = b_hi[start:o][srt]
            ds = b_d[start:o][srt]
            b_hi[start:o] = hs
            b_d[start:o] = ds
        lo[start:o] = a
    return lo[:o].copy(), b_hi[:o].copy(), b_d[:o].copy()


@njit
def candidate_terms(
    x_ptr: np.ndarray, x_idx: np.ndarray, x_val: np.ndarray, keep: np.ndarray, n_top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``n_top`` largest positive entries among columns where ``keep`` is True (ties: the lower
    column); returns a CSR (indptr, column, value) with the columns of a row in increasing order.
    ``x_*``: CSR with sorted column indices.
    """
    n = len(x_ptr) - 1
    total = 0
    for i in range(n):
        total += min(x_ptr[i + 1] - x_ptr[i], n_top)
    ptr = np.zeros(n + 1, dtype=np.int64)
    col = np.empty(total, dtype=np.int32)
    val = np.empty(total, dtype=np.float32)
    longest = 1
    for i in range(n):
        longest = max(longest, x_ptr[i + 1] - x_ptr[i])
    sc = np.empty(longest, dtype=np.float64)
    tk = np.empty(longest, dtype=np.int64)
    neg = np.empty(longest, dtype=np.float64)
    sel = np.empty(max(n_top, 1), dtype=np.int64)
    o = 0
    for i in range(n):
        m = 0
        for e in range(x_ptr[i], x_ptr[i + 1]):
            if keep[x_idx[e]] and x_val[e] > 0:
                sc[m] = x_val[e]
                tk[m] = e  # entry order is column order: ties go to the lower column
                m += 1
        size = top_k(sc, tk, m, n_top, sel, neg)
        insertion_sort(sel, size)
        for u in range(size):
            col[o] = x_idx[sel[u]]
            val[o] = x_val[sel[u]]
            o += 1
        ptr[i + 1] = o
    return ptr, col[:o], val[:o]


@njit
def postings(
    p_ptr: np.ndarray, p_col: np.ndarray, p_val: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The inverted index of a CSR (rows in time order): (t_ptr, t_doc, t_val, p_pos).

    Posting list of column t: ``t_doc[t_ptr[t]:t_ptr[t + 1]]`` (rows, increasing) with their values
    ``t_val``; ``p_pos[e]``: the place of entry e in its column's list. A counting sort (stable in row order).
    """
    n = len(p_ptr) - 1
    t_ptr = np.zeros(n_cols + 1, dtype=np.int64)
    for e in range(len(p_col)):
        t_ptr[p_col[e] + 1] += 1
    for t in range(n_cols):
        t_ptr[t + 1] += t_ptr[t]
    fill = t_ptr[:n_cols].copy()
    t_doc = np.empty(len(p_col), dtype=np.int32)
    t_val = np.empty(len(p_col), dtype=np.float32)
    p_pos = np.empty(len(p_col), dtype=np.int32)
    for i in range(n):
        for e in range(p_ptr[i], p_ptr[i + 1]):
            t = p_col[e]
            f = fill[t]
            t_doc[f] = i
            t_val[f] = p_val[e]
            p_pos[e] = f - t_ptr[t]
            fill[t] = f + 1
    return t_ptr, t_doc, t_val, p_pos
