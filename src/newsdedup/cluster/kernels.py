"""Compiled kernels of story clustering: candidate neighbours and average linkage (see ``cluster``).

Both walk per-document or per-cluster lists whose lengths vary, which numpy cannot vectorise; here they
are plain loops compiled by numba. Everything is deterministic: ties break on the smaller index.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from newsdedup.jit import njit
from newsdedup.text.kernels import fmix32, fmix64, token_hash

__all__ = [
    "average_linkage",
    "candidate_terms",
    "centroid_cosines",
    "compact_rows",
    "doc_terms",
    "knn_graph",
    "knn_rows",
    "postings",
    "row_bounds",
    "select_rows",
    "select_terms",
    "term_columns",
    "token_hashes",
    "top_k_rows",
    "unique_edges",
]


@njit
def _sift_down_min(hs: np.ndarray, hj: np.ndarray, pos: int, size: int) -> None:
    """Restore a min-heap of (score, -index): the root is the worst kept candidate."""
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        right = left + 1
        if right < size and (hs[right] < hs[left] or (hs[right] == hs[left] and hj[right] > hj[left])):
            best = right
        if hs[best] < hs[pos] or (hs[best] == hs[pos] and hj[best] > hj[pos]):
            hs[pos], hs[best] = hs[best], hs[pos]
            hj[pos], hj[best] = hj[best], hj[pos]
            pos = best
        else:
            return


@njit
def _offer(hs: np.ndarray, hj: np.ndarray, size: int, cap: int, s: float, j: int) -> int:
    """Offer (s, j) to a bounded min-heap of the ``cap`` best (higher s, then smaller j); returns the size."""
    if size < cap:
        pos = size
        hs[pos] = s
        hj[pos] = j
        while pos > 0:
            par = (pos - 1) // 2
            if hs[pos] < hs[par] or (hs[pos] == hs[par] and hj[pos] > hj[par]):
                hs[pos], hs[par] = hs[par], hs[pos]
                hj[pos], hj[par] = hj[par], hj[pos]
                pos = par
            else:
                break
        return size + 1
    if s > hs[0] or (s == hs[0] and j < hj[0]):
        hs[0] = s
        hj[0] = j
        _sift_down_min(hs, hj, 0, size)
    return size


@njit
def _insertion_sort(a: np.ndarray, m: int) -> None:
    """Sort ``a[:m]`` in place: for the few dozen keys of one row, faster than ``np.sort`` (no allocation)."""
    for u in range(1, m):
        x = a[u]
        v = u - 1
        while v >= 0 and a[v] > x:
            a[v + 1] = a[v]
            v -= 1
        a[v + 1] = x


@njit
def _kth_largest(a: np.ndarray, m: int, k: int) -> float:
    """The k-th largest of ``a[:m]`` (1-based), reordering ``a`` in place (quickselect, no allocation)."""
    lo = 0
    hi = m - 1
    want = k - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        # median of three as the pivot, for sorted or reversed input
        x, y, z = a[lo], a[mid], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        i = lo
        j = hi
        while i <= j:
            while a[i] > pivot:
                i += 1
            while a[j] < pivot:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        if want <= j:
            hi = j
        elif want >= i:
            lo = i
        else:
            return a[want]
    return a[want]


@njit
def _top_k(score: np.ndarray, tie: np.ndarray, m: int, k: int, out: np.ndarray, neg: np.ndarray) -> int:
    """The tie keys of the ``k`` best of ``score[:m]`` (higher score, then smaller tie; ties distinct) into
    ``out``, in no particular order; returns how many. The same set as a bounded heap (``_offer``) keeps,
    found by one selection instead of a heap update per entry. ``neg``: scratch of at least m.
    """
    if m <= k:
        for u in range(m):
            out[u] = tie[u]
        return m
    for u in range(m):
        neg[u] = score[u]
    kth = _kth_largest(neg, m, k)
    size = 0
    n_tie = 0
    for u in range(m):
        if score[u] > kth:
            out[size] = tie[u]
            size += 1
        elif score[u] == kth:
            n_tie += 1
    if size < k:  # the entries at the k-th score, smallest tie keys first
        at = np.empty(n_tie, dtype=np.int64)
        n_tie = 0
        for u in range(m):
            if score[u] == kth:
                at[n_tie] = tie[u]
                n_tie += 1
        at.sort()
        for u in range(k - size):
            out[size] = at[u]
            size += 1
    return size


@njit
def _decay(t1: float, t2: float, inv_scale: float) -> float:
    if inv_scale > 0.0 and t1 == t1 and t2 == t2:
        return math.exp(-abs(t1 - t2) * inv_scale)
    return 1.0


@njit
def knn_graph(
    x_ptr: np.ndarray,
    x_idx: np.ndarray,
    x_val: np.ndarray,
    n_terms: int,
    p_ptr: np.ndarray,
    p_col: np.ndarray,
    p_val: np.ndarray,
    p_pos: np.ndarray,
    t_ptr: np.ndarray,
    t_doc: np.ndarray,
    t_val: np.ndarray,
    t_win: np.ndarray,
    days: np.ndarray,
    inv_scale: float,
    w: np.ndarray,
    q: np.ndarray,
    mm: float,
    n_cand: int,
    k: int,
    floor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's ``k`` best neighbours by exact centred, time-decayed cosine among its candidates.

    Candidates of document i: the documents within ``t_win[t]`` places of i in the time-ordered posting
    list of each of i's candidate terms t (``p_*``: CSR of candidate terms, ``p_pos`` the entry's place in the
    posting list ``t_ptr/t_doc/t_val``). They are scored by the dot of candidate-term weights times the
    time decay; the ``n_cand`` best get an exact dot of the full rows (``x_*``), and the ``k`` best of
    those scoring at least ``floor`` are returned as (i, j, dot) triples, i != j, in row order.
    All rows in one call; ``knn_rows`` does a range of rows (for threads).
    """
    n = len(x_ptr) - 1
    out_i = np.empty(n * k, dtype=np.int32)
    out_j = np.empty(n * k, dtype=np.int32)
    out_d = np.empty(n * k, dtype=np.float64)
    m = knn_rows(
        x_ptr, x_idx, x_val, n_terms, p_ptr, p_col, p_val, p_pos, t_ptr, t_doc, t_val, t_win, days,
        inv_scale, w, q, mm, n_cand, k, floor, 0, n, out_i, out_j, out_d,
    )  # fmt: skip
    return out_i[:m], out_j[:m], out_d[:m]


@njit
def knn_rows(
    x_ptr: np.ndarray,
    x_idx: np.ndarray,
    x_val: np.ndarray,
    n_terms: int,
    p_ptr: np.ndarray,
    p_col: np.ndarray,
    p_val: np.ndarray,
    p_pos: np.ndarray,
    t_ptr: np.ndarray,
    t_doc: np.ndarray,
    t_val: np.ndarray,
    t_win: np.ndarray,
    days: np.ndarray,
    inv_scale: float,
    w: np.ndarray,
    q: np.ndarray,
    mm: float,
    n_cand: int,
    k: int,
    floor: float,
    r0: int,
    r1: int,
    out_i: np.ndarray,
    out_j: np.ndarray,
    out_d: np.ndarray,
) -> int:
    """``knn_graph`` of rows ``r0 <= i < r1`` only, written to ``out_*`` from their start (room for
    ``(r1 - r0) * k``); returns the number written. A row's result depends on nothing but the inputs (the
    scratch is reset per row), so rows split into ranges, run in threads and joined in row order give
    exactly the edges of one call over all rows.
    """
    n = len(x_ptr) - 1
    acc = np.zeros(n, dtype=np.float64)
    stamp = np.full(n, -1, dtype=np.int64)
    # A row meets at most (its candidate terms) x (2 window + 1) documents: per-row scratch of that size,
    # not n (each thread holds its own).
    most = 0
    for i in range(r0, r1):
        reach = 0
        for e in range(p_ptr[i], p_ptr[i + 1]):
            reach += min(2 * t_win[p_col[e]] + 1, t_ptr[p_col[e] + 1] - t_ptr[p_col[e]])
        most = max(most, reach)
    most = min(most, n)
    touched = np.empty(most, dtype=np.int64)
    dense = np.zeros(max(n_terms, 1), dtype=np.float64)
    cs = np.empty(n_cand, dtype=np.float64)
    vals = np.empty(most, dtype=np.float64)
    ties = np.empty(most, dtype=np.int64)
    cj = np.empty(n_cand, dtype=np.int64)
    ks = np.empty(k, dtype=np.float64)
    kj = np.empty(k, dtype=np.int64)
    m = 0
    for i in range(r0, r1):
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
        if nt == 0:
            continue
        # Candidates are ranked without the time decay: they are already the nearest in time per term,
        # and the exact stage below applies it. The n_cand best: all above the n_cand-th score, then the
        # ties at that score by smaller index.
        size = 0
        if nt <= n_cand:
            for u in range(nt):
                cj[u] = touched[u]
            size = nt
        else:
            for u in range(nt):
                vals[u] = acc[touched[u]]
            kth = _kth_largest(vals, nt, n_cand)
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
        ti = days[i]
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
            s = (d - qi * w[j] - q[j] * wi + wi * w[j] * mm) * _decay(ti, days[j], inv_scale)
            if s >= floor:
                kn = _offer(ks, kj, kn, k, s, j)
            cs[u] = d  # keep the exact dot beside its candidate for the output below
        for f in range(x_ptr[i], x_ptr[i + 1]):
            dense[x_idx[f]] = 0.0
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
        size = _top_k(sc, tk, m, n_top, sel, neg)
        _insertion_sort(sel, size)
        for u in range(size):
            col[o] = x_idx[sel[u]]
            val[o] = x_val[sel[u]]
            o += 1
        ptr[i + 1] = o
    return ptr, col[:o], val[:o]


@njit
def top_k_rows(
    indptr: np.ndarray, values: np.ndarray, tie: np.ndarray, tie_map: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, tie) of each CSR row's ``k`` largest ``values`` (compared as float32, negatives as 0), ties to the
    smaller tie; the rows in order, each row's entries best first. An entry's tie is ``tie_map[tie]``, or
    ``tie`` itself when ``tie_map`` is empty (mapped entry by entry: no array of all mapped ties). A sorted
    list of the k best per row: k is small (keywords).
    """
    n = len(indptr) - 1
    mapped = len(tie_map) > 0
    total = 0
    for i in range(n):
        total += min(indptr[i + 1] - indptr[i], k)
    out_r = np.empty(total, dtype=np.int64)
    out_t = np.empty(total, dtype=np.int64)
    bv = np.empty(max(k, 1), dtype=np.float32)
    bt = np.empty(max(k, 1), dtype=np.int64)
    zero = np.float32(0.0)
    o = 0
    for i in range(n):
        size = 0
        for e in range(indptr[i], indptr[i + 1]):
            v = np.float32(values[e])
            if v < zero:
                v = zero
            t = np.int64(tie_map[tie[e]]) if mapped else np.int64(tie[e])
            if size == k and not (v > bv[k - 1] or (v == bv[k - 1] and t < bt[k - 1])):
                continue
            u = size if size < k else k - 1  # the free slot, or the worst kept one (dropped)
            while u > 0 and (v > bv[u - 1] or (v == bv[u - 1] and t < bt[u - 1])):
                bv[u] = bv[u - 1]
                bt[u] = bt[u - 1]
                u -= 1
            bv[u] = v
            bt[u] = t
            if size < k:
                size += 1
        for u in range(size):
            out_r[o] = i
            out_t[o] = bt[u]
            o += 1
    return out_r, out_t


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


@njit
def _sdot(
    ai: np.ndarray, av: np.ndarray, a0: int, a1: int, bi: np.ndarray, bv: np.ndarray, b0: int, b1: int
) -> float:
    """Dot of two sparse vectors with sorted indices (pool segments [a0, a1) and [b0, b1))."""
    la = a1 - a0
    lb = b1 - b0
    if la == 0 or lb == 0:
        return 0.0
    if la > lb:
        ai, av, a0, a1, la, bi, bv, b0, b1, lb = bi, bv, b0, b1, lb, ai, av, a0, a1, la
    s = 0.0
    if la * 8 < lb:  # short against long: binary search the short side's terms in the long one
        lo = b0
        for e in range(a0, a1):
            x = ai[e]
            hi = b1
            while lo < hi:
                mid = (lo + hi) >> 1
                if bi[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            if lo == b1:
                break
            if bi[lo] == x:
                s += av[e] * bv[lo]
        return s
    e = a0
    f = b0
    while e < a1 and f < b1:
        x = ai[e]
        y = bi[f]
        if x == y:
            s += av[e] * bv[f]
            e += 1
            f += 1
        elif x < y:
            e += 1
        else:
            f += 1
    return s


@njit
def _heap_less(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, i: int, j: int
) -> bool:
    """Order of the merge heap: higher similarity first, then smaller (a, c, version a, version c)."""
    if hs[i] != hs[j]:
        return hs[i] > hs[j]
    if ha[i] != ha[j]:
        return ha[i] < ha[j]
    if hc[i] != hc[j]:
        return hc[i] < hc[j]
    if hva[i] != hva[j]:
        return hva[i] < hva[j]
    return hvc[i] < hvc[j]


@njit
def _heap_swap(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, i: int, j: int
) -> None:
    hs[i], hs[j] = hs[j], hs[i]
    ha[i], ha[j] = ha[j], ha[i]
    hc[i], hc[j] = hc[j], hc[i]
    hva[i], hva[j] = hva[j], hva[i]
    hvc[i], hvc[j] = hvc[j], hvc[i]


@njit
def _heap_up(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, pos: int
) -> None:
    while pos > 0:
        par = (pos - 1) // 2
        if _heap_less(hs, ha, hc, hva, hvc, pos, par):
            _heap_swap(hs, ha, hc, hva, hvc, pos, par)
            pos = par
        else:
            return


@njit
def _heap_down(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, size: int
) -> None:
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        if left + 1 < size and _heap_less(hs, ha, hc, hva, hvc, left + 1, left):
            best = left + 1
        if _heap_less(hs, ha, hc, hva, hvc, best, pos):
            _heap_swap(hs, ha, hc, hva, hvc, best, pos)
            pos = best
        else:
            return


@njit
def _remove_nbr(ni: np.ndarray, nd: np.ndarray, nstart: np.ndarray, nlen: np.ndarray, c: int, x: int) -> None:
    """Drop x from c's neighbour list (unordered: swap with the last)."""
    s = nstart[c]
    last = s + nlen[c] - 1
    for e in range(s, last + 1):
        if ni[e] == x:
            ni[e] = ni[last]
            nd[e] = nd[last]
            nlen[c] -= 1
            return


@njit
def _compact_nbrs(
    ni: np.ndarray,
    nd: np.ndarray,
    nstart: np.ndarray,
    nlen: np.ndarray,
    ncap: np.ndarray,
    parent: np.ndarray,
    need: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Copy the live clusters' neighbour lists into fresh arrays with room for ``need`` more entries."""
    n = len(parent)
    live = 0
    for c in range(n):
        if parent[c] == c:
            live += nlen[c] + (nlen[c] >> 1) + 2
    size = live + live // 2 + 2 * need + 1024
    ni2 = np.empty(size, dtype=ni.dtype)
    nd2 = np.empty(size, dtype=nd.dtype)
    used = 0
    for c in range(n):
        if parent[c] != c:
            nlen[c] = 0
            ncap[c] = 0
            continue
        s = nstart[c]
        ln = nlen[c]
        ni2[used : used + ln] = ni[s : s + ln]
        nd2[used : used + ln] = nd[s : s + ln]
        nstart[c] = used
        ncap[c] = ln + (ln >> 1) + 2
        used += ncap[c]
    return ni2, nd2, used


@njit
def _compact_vecs(
    vi: np.ndarray,
    vv: np.ndarray,
    vstart: np.ndarray,
    vlen: np.ndarray,
    vsrc: np.ndarray,
    parent: np.ndarray,
    need: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Copy the live clusters' pooled vectors into fresh arrays with room for ``need`` more entries."""
    n = len(parent)
    live = 0
    for c in range(n):
        if parent[c] == c and vsrc[c]:
            live += vlen[c]
    size = live + live // 2 + 2 * need + 1024
    vi2 = np.empty(size, dtype=vi.dtype)
    vv2 = np.empty(size, dtype=vv.dtype)
    used = 0
    for c in range(n):
        if not vsrc[c]:
            continue
        if parent[c] != c:
            vlen[c] = 0
            continue
        s = vstart[c]
        ln = vlen[c]
        vi2[used : used + ln] = vi[s : s + ln]
        vv2[used : used + ln] = vv[s : s + ln]
        vstart[c] = used
        used += ln
    return vi2, vv2, used


@njit
def average_linkage(
    x_ptr: np.ndarray,
    x_idx: np.ndarray,
    x_val: np.ndarray,
    n_terms: int,
    w0: np.ndarray,
    q0: np.ndarray,
    mm: float,
    days: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    dots: np.ndarray,
    threshold: float,
    inv_scale: float,
    floor: float,
    link_max: int,
) -> np.ndarray:
    """Average linkage over the kNN graph (lo, hi, dots: pairs with the dot of their scaled rows).

    Returns the root index of every document's cluster. The similarity of clusters A and C is
    ``(S_A.S_C - W_C Q_A - W_A Q_C + W_A W_C mm) / (|A| |C|)`` times the time decay of their mean times
    (S: summed scaled rows, W and Q: summed centring terms; see ``cluster._centering``), so it is exact for
    all member pairs. Clusters are compared only when some member pair is a graph edge; a merged cluster
    keeps every neighbour at or above ``threshold`` and otherwise its ``link_max`` best above ``floor``.
    Dots known on both sides add up; a one-sided one is completed from the summed sparse vectors.
    """
    n = len(x_ptr) - 1
    parent = np.arange(n)
    version = np.zeros(n, dtype=np.int32)
    size = np.ones(n, dtype=np.float64)
    wc = w0.astype(np.float64)
    qc = q0.astype(np.float64)
    t_sum = np.zeros(n, dtype=np.float64)
    t_cnt = np.zeros(n, dtype=np.float64)
    t_mean = np.empty(n, dtype=np.float64)
    for i in range(n):
        t_mean[i] = days[i]
        if days[i] == days[i]:
            t_sum[i] = days[i]
            t_cnt[i] = 1.0

    # Summed vectors, sorted by term: a document's own row in X until it merges (vsrc 0), then a segment
    # of a pool (vsrc 1) that only merged clusters use, so X is never copied.
    nnz = x_ptr[n]
    vi = np.empty(max(1024, nnz // 4), dtype=np.int32)
    vv = np.empty(max(1024, nnz // 4), dtype=np.float32)
    vstart = x_ptr[:n].astype(np.int64)
    vlen = (x_ptr[1:] - x_ptr[:n]).astype(np.int64)
    vsrc = np.zeros(n, dtype=np.int8)
    vused = 0

    # Neighbour lists (symmetric): segments of a pool with spare capacity.
    m = len(lo)
    deg = np.zeros(n, dtype=np.int64)
    for e in range(m):
        deg[lo[e]] += 1
        deg[hi[e]] += 1
    ncap = deg + (deg >> 2) + 2
    nstart = np.zeros(n, dtype=np.int64)
    for i in range(1, n):
        nstart[i] = nstart[i - 1] + ncap[i - 1]
    nused = nstart[n - 1] + ncap[n - 1] if n > 0 else 0
    ni = np.empty(nused + nused // 4 + 1024, dtype=np.int32)
    nd = np.empty(nused + nused // 4 + 1024, dtype=np.float64)
    nlen = np.zeros(n, dtype=np.int64)
    for e in range(m):
        a = lo[e]
        c = hi[e]
        ni[nstart[a] + nlen[a]] = c
        nd[nstart[a] + nlen[a]] = dots[e]
        nlen[a] += 1
        ni[nstart[c] + nlen[c]] = a
        nd[nstart[c] + nlen[c]] = dots[e]
        nlen[c] += 1

    # Merge heap of candidate pairs (stale entries are skipped by version).
    # Edge scores are computed twice (to size the heap, then to fill it) rather than stored: an array of
    # m scores would be one more edge-sized array at the peak.
    hcap = 1024
    for e in range(m):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        if s * _decay(days[a], days[c], inv_scale) >= threshold:
            hcap += 1
    hs = np.empty(hcap, dtype=np.float64)
    ha = np.empty(hcap, dtype=np.int32)
    hc = np.empty(hcap, dtype=np.int32)
    hva = np.empty(hcap, dtype=np.int32)
    hvc = np.empty(hcap, dtype=np.int32)
    hn = 0
    for e in range(m):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        s *= _decay(days[a], days[c], inv_scale)
        if s >= threshold:
            hs[hn] = s
            ha[hn] = lo[e]
            hc[hn] = hi[e]
            hva[hn] = 0
            hvc[hn] = 0
            _heap_up(hs, ha, hc, hva, hvc, hn)
            hn += 1

    mark = np.full(n, -1, dtype=np.int64)
    tc = np.empty(n, dtype=np.int64)
    td = np.empty(n, dtype=np.float64)
    tf = np.empty(n, dtype=np.int64)
    ts = np.empty(n, dtype=np.float64)
    dense_a = np.zeros(n_terms, dtype=np.float64)
    dense_b = np.zeros(n_terms, dtype=np.float64)
    while hn > 0:
        a = ha[0]
        b = hc[0]
        va = hva[0]
        vb = hvc[0]
        hn -= 1
        if hn > 0:
            _heap_swap(hs, ha, hc, hva, hvc, 0, hn)
            _heap_down(hs, ha, hc, hva, hvc, hn)
        if parent[a] != a or parent[b] != b or version[a] != va or version[b] != vb:
            continue
        # The smaller merges into the larger; the survivor keeps its index (ties: the lower index).
        if size[b] > size[a]:
            a, b = b, a
        # Union of the two neighbour lists; flag 1: known to a, 2: known to b, 3: both (dots add up).
        cnt = 0
        for e in range(nstart[a], nstart[a] + nlen[a]):
            c = ni[e]
            if c == b:
                continue
            tc[cnt] = c
            td[cnt] = nd[e]
            tf[cnt] = 1
            mark[c] = cnt
            cnt += 1
        for e in range(nstart[b], nstart[b] + nlen[b]):
            c = ni[e]
            if c == a:
                continue
            u = mark[c]
            if u >= 0:
                td[u] += nd[e]
                tf[u] = 3
            else:
                tc[cnt] = c
                td[cnt] = nd[e]
                tf[cnt] = 2
                mark[c] = cnt
                cnt += 1
        for u in range(cnt):
            mark[tc[u]] = -1
        # Complete the one-sided dots from the summed vectors: S_a and S_b scattered into dense arrays, so
        # each missing dot is one gather over the neighbour's support.
        ia = vi if vsrc[a] else x_idx
        xa = vv if vsrc[a] else x_val
        ib = vi if vsrc[b] else x_idx
        xb = vv if vsrc[b] else x_val
        for e in range(vstart[a], vstart[a] + vlen[a]):
            dense_a[ia[e]] = xa[e]
        for e in range(vstart[b], vstart[b] + vlen[b]):
            dense_b[ib[e]] = xb[e]
        for u in range(cnt):
            if tf[u] != 3:
                c = tc[u]
                ic = vi if vsrc[c] else x_idx
                xc = vv if vsrc[c] else x_val
                dz = dense_b if tf[u] == 1 else dense_a
                d = 0.0
                for e in range(vstart[c], vstart[c] + vlen[c]):
                    d += dz[ic[e]] * xc[e]
                td[u] += d
        # S_ab = S_a + S_b: the union of both supports in term order, as a new pool segment, with values
        # read from the two scatters.
        need = vlen[a] + vlen[b]
        if vused + need > len(vi):
            vi, vv, vused = _compact_vecs(vi, vv, vstart, vlen, vsrc, parent, need)
            ia = vi if vsrc[a] else x_idx
            ib = vi if vsrc[b] else x_idx
        e = vstart[a]
        e1 = e + vlen[a]
        f = vstart[b]
        f1 = f + vlen[b]
        o = vused
        while e < e1 or f < f1:
            if f >= f1 or (e < e1 and ia[e] < ib[f]):
                t = ia[e]
                e += 1
            elif e >= e1 or ib[f] < ia[e]:
                t = ib[f]
                f += 1
            else:
                t = ia[e]
                e += 1
                f += 1
            vi[o] = t
            vv[o] = dense_a[t] + dense_b[t]
            o += 1
        for e in range(vstart[a], vstart[a] + vlen[a]):
            dense_a[ia[e]] = 0.0
        for e in range(vstart[b], vstart[b] + vlen[b]):
            dense_b[ib[e]] = 0.0
        vstart[a] = vused
        vlen[a] = o - vused
        vsrc[a] = 1
        vused = o
        vlen[b] = 0
        # Cluster statistics.
        parent[b] = a
        size[a] += size[b]
        wc[a] += wc[b]
        qc[a] += qc[b]
        t_sum[a] += t_sum[b]
        t_cnt[a] += t_cnt[b]
        t_mean[a] = t_sum[a] / t_cnt[a] if t_cnt[a] > 0 else np.nan
        version[a] += 1
        sa = size[a]
        wa = wc[a]
        qa = qc[a]
        ta = t_mean[a]
        for u in range(cnt):
            c = tc[u]
            if tf[u] & 1:
                _remove_nbr(ni, nd, nstart, nlen, c, a)
            if tf[u] & 2:
                _remove_nbr(ni, nd, nstart, nlen, c, b)
            s = (td[u] - wc[c] * qa - wa * qc[c] + wa * wc[c] * mm) / (sa * size[c])
            ts[u] = s * _decay(ta, t_mean[c], inv_scale)
        nlen[b] = 0
        # Forget neighbours far below the threshold: keep all candidate merges, else the best link_max.
        cut = floor
        if cnt > link_max:
            srt = np.sort(ts[:cnt])
            cut = max(floor, min(threshold, srt[cnt - link_max]))
        keep = 0
        for u in range(cnt):
            if ts[u] >= cut:
                keep += 1
        cap = keep + (keep >> 1) + 2
        if nused + cap > len(ni):
            nlen[a] = 0
            ni, nd, nused = _compact_nbrs(ni, nd, nstart, nlen, ncap, parent, cap)
        nstart[a] = nused
        ncap[a] = cap
        nused += cap
        o = nstart[a]
        for u in range(cnt):
            if ts[u] >= cut:
                ni[o] = tc[u]
                nd[o] = td[u]
                o += 1
        nlen[a] = keep
        va = version[a]
        for u in range(cnt):
            if ts[u] < cut:
                continue
            c = tc[u]
            if nlen[c] == ncap[c]:  # relocate c's list to the end of the pool with more room
                newcap = 2 * ncap[c] + 2
                if nused + newcap > len(ni):
                    ni, nd, nused = _compact_nbrs(ni, nd, nstart, nlen, ncap, parent, newcap)
                if nlen[c] == ncap[c]:
                    s0 = nstart[c]
                    ln = nlen[c]
                    ni[nused : nused + ln] = ni[s0 : s0 + ln]
                    nd[nused : nused + ln] = nd[s0 : s0 + ln]
                    nstart[c] = nused
                    ncap[c] = newcap
                    nused += newcap
            ni[nstart[c] + nlen[c]] = a
            nd[nstart[c] + nlen[c]] = td[u]
            nlen[c] += 1
            if ts[u] >= threshold:
                if hn == len(hs):
                    grow = 2 * len(hs)
                    hs2 = np.empty(grow, dtype=np.float64)
                    ha2 = np.empty(grow, dtype=np.int32)
                    hc2 = np.empty(grow, dtype=np.int32)
                    hva2 = np.empty(grow, dtype=np.int32)
                    hvc2 = np.empty(grow, dtype=np.int32)
                    hs2[:hn] = hs[:hn]
                    ha2[:hn] = ha[:hn]
                    hc2[:hn] = hc[:hn]
                    hva2[:hn] = hva[:hn]
                    hvc2[:hn] = hvc[:hn]
                    hs, ha, hc, hva, hvc = hs2, ha2, hc2, hva2, hvc2
                hs[hn] = ts[u]
                if a < c:
                    ha[hn] = a
                    hc[hn] = c
                    hva[hn] = va
                    hvc[hn] = version[c]
                else:
                    ha[hn] = c
                    hc[hn] = a
                    hva[hn] = version[c]
                    hvc[hn] = va
                _heap_up(hs, ha, hc, hva, hvc, hn)
                hn += 1
    roots = parent.copy()
    for i in range(n):
        r = roots[i]
        while parent[r] != r:
            r = parent[r]
        roots[i] = r
    return roots


@njit
def _fold32(h: np.uint64) -> np.uint32:
    """The 32-bit term hash stored in the features: both halves of the 64-bit token hash."""
    return np.uint32((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF))


@njit
def _is_word_byte(c: int) -> bool:
    """A byte of a word: ASCII letter, digit or underscore, or any byte of a non-ASCII character."""
    return c >= 0x80 or (0x30 <= c <= 0x39) or (0x61 <= c <= 0x7A) or (0x41 <= c <= 0x5A) or c == 0x5F


@njit
def token_hashes(buf: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The 64-bit hash ``doc_terms`` gives each token ``buf[starts[i]:starts[i + 1]]`` (lower-case bytes)."""
    n = len(starts) - 1
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = fmix64(token_hash(buf, starts[i], starts[i + 1]))
    return out


@njit
def _find(keys: np.ndarray, x: np.uint64) -> bool:
    """Whether x is in the sorted array ``keys``."""
    lo = 0
    hi = len(keys)
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(keys) and keys[lo] == x


@njit
def _sub(table: np.ndarray, c: int) -> float:
    """Sublinear term frequency ``1 + log(c)`` (0 for c = 0), from ``table`` when c is small."""
    if c < len(table):
        return table[c]
    return 1.0 + math.log(c)


@njit
def doc_terms(
    buf: np.ndarray,
    body: np.ndarray,
    title: np.ndarray,
    stop: np.ndarray,
    lead_words: int,
    lead_weight: float,
    title_weight: float,
    max_terms: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each document's weighted terms, from its own text alone (the featurisation of ``cluster.story_features``).

    ``buf``: UTF-8 of all texts, lower-cased here in place (ASCII letters); document i's body is
    ``buf[body[i]:body[i + 1]]`` and its title ``buf[title[i]:title[i + 1]]``. Tokens are runs of word bytes
    (ASCII letters, digits, ``_``, any non-ASCII byte) of at least two characters, which is what the regex
    ``\\b\\w\\w+\\b`` finds in matching text; tokens whose 64-bit hash is in ``stop`` (sorted) are dropped after
    they count towards the lead position. Weight of a term: ``1 + log(count)`` per part (body, lead = the
    first ``lead_words`` tokens, title), each part L2-normalised, summed with weights 1, ``lead_weight``,
    ``title_weight``. The ``max_terms`` heaviest terms are kept (ties: the smaller 64-bit hash), in hash order.

    Returns (indptr, term (uint32: the 64-bit hash folded), weight (float32), the distinct kept terms'
    folded hashes, their words (lower-case UTF-8, newline-separated, in that order), tokens per body).
    """
    n = len(body) - 1
    longest = 16
    for i in range(n):
        longest = max(longest, body[i + 1] - body[i] + title[i + 1] - title[i])
    for p in range(np.uint64(len(buf))):  # ASCII lower case (matching text is case-folded; titles need it)
        c = buf[p]
        if 0x41 <= c <= 0x5A:
            buf[p] = c + 32
    # The stop words as an open-addressing set (one probe mostly; a binary search cost a fifth of the time).
    scap = 64
    while scap < 4 * len(stop):
        scap *= 2
    smask = scap - 1
    s_key = np.zeros(scap, dtype=np.uint64)
    s_used = np.zeros(scap, dtype=np.bool_)
    for u in range(len(stop)):
        slot = np.int64(stop[u] & np.uint64(smask))
        while s_used[slot] and s_key[slot] != stop[u]:
            slot = (slot + 1) & smask
        s_used[slot] = True
        s_key[slot] = stop[u]
    word = np.zeros(256, dtype=np.bool_)
    for c in range(256):
        word[c] = _is_word_byte(c)
    # 1 + log(count), looked up: the logs were a third of the time.
    sub = np.empty(4096, dtype=np.float64)
    sub[0] = 0.0
    for c in range(1, 4096):
        sub[c] = 1.0 + math.log(c)
    cap = 16
    while cap < longest:
        cap *= 2
    mask = cap - 1
    slot_stamp = np.full(cap, -1, dtype=np.int64)
    slot_ent = np.empty(cap, dtype=np.int64)
    m_max = longest // 2 + 2
    keys = np.empty(m_max, dtype=np.uint64)
    stopped = np.empty(m_max, dtype=np.bool_)
    cb = np.empty(m_max, dtype=np.int64)
    cl = np.empty(m_max, dtype=np.int64)
    ct = np.empty(m_max, dtype=np.int64)
    e_off = np.empty(m_max, dtype=np.int64)
    e_len = np.empty(m_max, dtype=np.int64)
    e_val = np.empty(m_max, dtype=np.float64)
    c_val = np.empty(m_max, dtype=np.float64)
    c_tie = np.empty(m_max, dtype=np.int64)
    c_neg = np.empty(m_max, dtype=np.float64)
    hj = np.empty(max(max_terms, m_max, 1), dtype=np.int64)
    sel = np.empty(max(max_terms, 1), dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    out_h = np.empty(n * max_terms, dtype=np.uint64)
    out_v = np.empty(n * max_terms, dtype=np.float32)
    out_off = np.empty(n * max_terms, dtype=np.int64)
    out_len = np.empty(n * max_terms, dtype=np.int32)
    n_tok = np.zeros(n, dtype=np.int64)
    o = 0
    for i in range(n):
        nd = 0
        # A table sized for this document (at most one distinct token per three bytes, kept under half
        # full): a small document's probes stay in cache. Slots of earlier documents have older stamps.
        dmax = (body[i + 1] - body[i] + title[i + 1] - title[i] + 1) // 3 + 2
        dcap = 16
        while dcap < 2 * dmax and dcap < cap:
            dcap *= 2
        mask = dcap - 1
        for part in range(2):
            lo = body[i] if part == 0 else title[i]
            hi = body[i + 1] if part == 0 else title[i + 1]
            pos = 0
            p = lo
            while p < hi:
                # unsigned byte indices: with a signed one numba checks each read for a negative index,
                # which made these scans ~30% slower (measured)
                while p < hi and not word[buf[np.uint64(p)]]:
                    p += 1
                s = p
                while p < hi and word[buf[np.uint64(p)]]:
                    p += 1
                if p - s < 5:  # fewer than two characters only if short: count UTF-8 lead bytes
                    chars = 0
                    for q in range(s, p):
                        if buf[q] < 0x80 or buf[q] >= 0xC0:
                            chars += 1
                    if chars < 2:
                        continue
                # finalised: the token hash alone mixes its last word weakly (its 32-bit fold collided)
                h = fmix64(token_hash(buf, s, p))
                slot = np.int64(h & np.uint64(mask))
                while slot_stamp[slot] == i and keys[slot_ent[slot]] != h:
                    slot = (slot + 1) & mask
                if slot_stamp[slot] != i:
                    slot_stamp[slot] = i
                    slot_ent[slot] = nd
                    keys[nd] = h
                    sq = np.int64(h & np.uint64(smask))
                    while s_used[sq] and s_key[sq] != h:
                        sq = (sq + 1) & smask
                    stopped[nd] = s_used[sq]
                    cb[nd] = 0
                    cl[nd] = 0
                    ct[nd] = 0
                    e_off[nd] = s
                    e_len[nd] = p - s
                    nd += 1
                e = slot_ent[slot]
                if part == 0:
                    cb[e] += 1
                    if pos < lead_words:
                        cl[e] += 1
                    pos += 1
                else:
                    ct[e] += 1
            if part == 0:
                n_tok[i] = pos
        nb = 0.0
        nl = 0.0
        nt = 0.0
        for e in range(nd):
            if stopped[e]:
                continue
            vb = _sub(sub, cb[e])
            vl = _sub(sub, cl[e])
            vt = _sub(sub, ct[e])
            nb += vb * vb
            nl += vl * vl
            nt += vt * vt
        fb = 1.0 / math.sqrt(nb) if nb > 0 else 0.0
        fl = lead_weight / math.sqrt(nl) if nl > 0 else 0.0
        ft = title_weight / math.sqrt(nt) if nt > 0 else 0.0
        n_cand = 0
        for e in range(nd):
            if stopped[e]:
                continue
            v = _sub(sub, cb[e]) * fb + _sub(sub, cl[e]) * fl + _sub(sub, ct[e]) * ft
            if v <= 0.0:
                continue
            e_val[e] = v
            # Ties go to the smaller hash (its high 31 bits, then the entry), the same choice in every
            # document: documents sharing many equal-weight terms keep the same ones.
            c_val[n_cand] = v
            c_tie[n_cand] = int(np.int64(keys[e] >> np.uint64(33)) << np.int64(31) | np.int64(e))
            n_cand += 1
        size = _top_k(c_val, c_tie, n_cand, max_terms, hj, c_neg)
        for u in range(size):
            sel[u] = hj[u] & np.int64(0x7FFFFFFF)
        chosen = sel[:size]
        hsort = np.empty(size, dtype=np.uint64)
        for u in range(size):
            hsort[u] = keys[chosen[u]]
        order = np.argsort(hsort)
        for u in range(size):
            e = chosen[order[u]]
            out_h[o] = keys[e]
            out_v[o] = e_val[e]
            out_off[o] = e_off[e]
            out_len[o] = e_len[e]
            o += 1
        indptr[i + 1] = o
    # The vocabulary of the kept terms: each distinct hash once, with its first occurrence's bytes, all
    # in one buffer separated by newlines (one decode in Python instead of one per word).
    vcap = 16
    while vcap < 2 * o:
        vcap *= 2
    vmask = vcap - 1
    v_used = np.zeros(vcap, dtype=np.bool_)
    v_key = np.empty(vcap, dtype=np.uint64)
    voc_h = np.empty(o, dtype=np.uint64)
    n_voc = 0
    n_bytes = 0
    voc_e = np.empty(o, dtype=np.int64)
    for u in range(o):
        h = out_h[u]
        slot = np.int64(h & np.uint64(vmask))
        while v_used[slot] and v_key[slot] != h:
            slot = (slot + 1) & vmask
        if not v_used[slot]:
            v_used[slot] = True
            v_key[slot] = h
            voc_h[n_voc] = h
            voc_e[n_voc] = u
            n_voc += 1
            n_bytes += out_len[u] + 1
    words = np.empty(max(n_bytes - 1, 0), dtype=np.uint8)
    w = 0
    for u in range(n_voc):
        if u > 0:
            words[w] = 10
            w += 1
        e = voc_e[u]
        for q in range(out_off[e], out_off[e] + out_len[e]):
            words[w] = buf[q]
            w += 1
    term = np.empty(o, dtype=np.uint32)
    for u in range(o):
        term[u] = _fold32(out_h[u])
    vterm = np.empty(n_voc, dtype=np.uint32)
    for u in range(n_voc):
        vterm[u] = _fold32(voc_h[u])
    return indptr, term, out_v[:o], vterm, words, n_tok


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


def select_terms(
    indptr: np.ndarray,
    term: np.ndarray,
    code: np.ndarray,
    table: np.ndarray,
    rows: np.ndarray,
    max_terms: int,
    per_block: Callable[[Callable[[int, int], None], int], object] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each document's ``max_terms`` best stored terms by weight x the IDF of the documents given.

    ``indptr``/``term``/``code``: features (CSR, uint32 term hashes, uint8 weight codes decoded by
    ``table``, so the weights are never expanded for all entries at once); ``rows``: the
    documents, in the output's row order. IDF is ``log((1 + n) / (1 + df)) + 1`` with df counted over the
    stored terms; ties go to the smaller hash. Returns (indptr, column, weight, column hashes): a CSR matrix
    whose columns are the distinct stored hashes in increasing order (entries sorted by column, a hash
    repeated in a row summed), built without any copy of all entries besides the output.

    The steps are compiled (``term_columns``, ``select_rows``, ``compact_rows``); ``per_block(fn, n)``, when
    given, calls ``fn(r0, r1)`` over row ranges covering ``[0, n)`` (e.g. in threads), else one call does all
    rows. Each range writes only its own rows, so the result is the same either way.
    """
    keys, used, cols, hashes, idf = term_columns(indptr, term, rows)
    bound = row_bounds(indptr, rows, max_terms)
    out_col = np.empty(int(bound[-1]), dtype=np.int32)
    out_val = np.empty(int(bound[-1]), dtype=np.float32)
    counts = np.empty(len(rows), dtype=np.int64)

    def block(r0: int, r1: int) -> None:
        select_rows(
            indptr, term, code, table, rows, max_terms, keys, used, cols, idf, r0, r1, bound, out_col,
            out_val, counts,
        )  # fmt: skip

    if per_block is None:
        block(0, len(rows))
    else:
        per_block(block, len(rows))
    ptr = compact_rows(bound, counts, out_col, out_val)
    n_out = int(ptr[-1])
    return ptr, out_col[:n_out], out_val[:n_out], hashes


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
    indptr: np.ndarray,
    term: np.ndarray,
    code: np.ndarray,
    table: np.ndarray,
    rows: np.ndarray,
    max_terms: int,
    keys: np.ndarray,
    used: np.ndarray,
    cols: np.ndarray,
    idf: np.ndarray,
    r0: int,
    r1: int,
    bound: np.ndarray,
    out_col: np.ndarray,
    out_val: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Output rows ``r0 <= r < r1`` of ``select_terms`` (columns from ``term_columns``), each written at
    ``bound[r]`` with its length in ``counts[r]`` (rows touch disjoint parts: threads may share the arrays).
    """
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
        size = _top_k(sc, tk, m, max_terms, sel, neg)
        _insertion_sort(sel, size)
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


@njit
def centroid_cosines(
    x_ptr: np.ndarray,
    x_idx: np.ndarray,
    x_val: np.ndarray,
    n_terms: int,
    members: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray:
    """Cosine of each row of X to its cluster's summed row (the centroid's direction).

    ``members``: row indices grouped by cluster, cluster c being ``members[bounds[c]:bounds[c + 1]]``.
    One dense accumulator is reused for every cluster, so no centroid matrix is built.
    """
    n = len(x_ptr) - 1
    out = np.zeros(n, dtype=np.float64)
    dense = np.zeros(max(n_terms, 1), dtype=np.float64)
    stamp = np.full(max(n_terms, 1), -1, dtype=np.int64)
    for c in range(len(bounds) - 1):
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                dense[x_idx[f]] += x_val[f]
        norm2 = 0.0
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                t = x_idx[f]
                if stamp[t] != c:  # each term of the centroid once
                    stamp[t] = c
                    norm2 += dense[t] * dense[t]
        norm = math.sqrt(norm2)
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            d = 0.0
            for f in range(x_ptr[i], x_ptr[i + 1]):
                d += dense[x_idx[f]] * x_val[f]
            out[i] = d / norm if norm > 0.0 else 0.0
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                dense[x_idx[f]] = 0.0
    return out
