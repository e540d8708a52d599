"""Top-k selection shared by the clustering kernels: a bounded heap, quickselect and a small sort.

All of them keep the same set: the higher score first, ties to the smaller key (keys distinct).
"""

from __future__ import annotations

import numpy as np

from newsdedup.jit import njit

__all__ = ["insertion_sort", "kth_largest", "offer", "top_k", "top_k_rows"]


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
def offer(hs: np.ndarray, hj: np.ndarray, size: int, cap: int, s: float, j: int) -> int:
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
def insertion_sort(a: np.ndarray, m: int) -> None:
    """Sort ``a[:m]`` in place: for the few dozen keys of one row, faster than ``np.sort`` (no allocation)."""
    for u in range(1, m):
        x = a[u]
        v = u - 1
        while v >= 0 and a[v] > x:
            a[v + 1] = a[v]
            v -= 1
        a[v + 1] = x


@njit
def kth_largest(a: np.ndarray, m: int, k: int) -> float:
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
def top_k(score: np.ndarray, tie: np.ndarray, m: int, k: int, out: np.ndarray, neg: np.ndarray) -> int:
    """The tie keys of the ``k`` best of ``score[:m]`` (higher score, then smaller tie; ties distinct) into
    ``out``, in no particular order; returns how many. The same set as a bounded heap (``offer``) keeps,
    found by one selection instead of a heap update per entry. ``neg``: scratch of at least m.
    """
    if m <= k:
        for u in range(m):
            out[u] = tie[u]
        return m
    for u in range(m):
        neg[u] = score[u]
    kth = kth_largest(neg, m, k)
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
