"""Compiled average linkage over the kNN graph (see ``cluster.linkage.link``).

The state is arrays indexed by cluster (a cluster is named by the index of its root document): the
statistics that add up when two clusters merge, each cluster's summed vector and its neighbour list, each
a segment of a pool that grows (and is compacted) as clusters merge.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsdedup.cluster.kernels.heap import MergeHeap, heap_down, heap_grow, heap_swap, heap_up
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges, decay
from newsdedup.jit import njit

__all__ = ["LinkLimits", "average_linkage"]


class LinkLimits(NamedTuple):
    """When average linkage merges and which neighbours a merged cluster keeps."""

    threshold: float  # merge while the best similarity is at least this
    inv_scale: float  # 1 / the time scale in days, 0 for no time decay
    floor: float  # a merged cluster forgets neighbours below this
    link_max: int  # ... and keeps at most this many below the threshold (its best)


class _Vectors(NamedTuple):
    """Where each cluster's summed vector (sorted by term) is: ``length`` entries from ``start`` of its
    document's row in X while ``pooled`` is 0, of the vector pool once it has merged."""

    start: np.ndarray
    length: np.ndarray
    pooled: np.ndarray


class _Lists(NamedTuple):
    """Where each cluster's neighbour list is in the neighbour pool: ``length`` entries from ``start``, with
    room for ``cap``."""

    start: np.ndarray
    length: np.ndarray
    cap: np.ndarray


class _Union(NamedTuple):
    """The neighbours of a merging pair: ``mark[c]`` the place of c in the lists (-1: not listed), then per
    place its cluster ``c``, summed ``dot``, ``flag`` (1: a neighbour of a, 2: of b, 3: of both) and the
    merged cluster's similarity ``score`` with it."""

    mark: np.ndarray
    c: np.ndarray
    dot: np.ndarray
    flag: np.ndarray
    score: np.ndarray


@njit
def average_linkage(
    x: Csr,
    n_terms: int,
    centring: Centring,
    days: np.ndarray,
    edges: Edges,
    limits: LinkLimits,
    language: np.ndarray,
) -> np.ndarray:
    """Average linkage over the kNN graph (``edges``: pairs with the dot of their scaled rows ``x``).

    Returns the root index of every document's cluster. The similarity of clusters A and C is
    ``(S_A.S_C - W_C Q_A - W_A Q_C + W_A W_C mm) / (|A| |C|)`` times the time decay of their mean times
    (S: summed scaled rows, W and Q: summed centring terms; see ``cluster.graph.centering``), so it is exact
    for all member pairs. Clusters are compared only when some member pair is a graph edge; a merged cluster
    keeps every neighbour at or above the threshold and otherwise its ``link_max`` best above the floor.
    Dots known on both sides add up; a one-sided one is completed from the summed sparse vectors.
    ``language``: a code per document (-1: unknown); two clusters of different known languages never merge
    (a cluster's language is that of its members of known language).
    """
    n = len(x.indptr) - 1
    threshold, inv_scale, floor, link_max = limits
    mm = centring.mm
    parent = np.arange(n)
    version = np.zeros(n, dtype=np.int32)
    size = np.ones(n, dtype=np.float64)
    wc = centring.w.astype(np.float64)
    qc = centring.q.astype(np.float64)
    t_sum = np.zeros(n, dtype=np.float64)
    t_cnt = np.zeros(n, dtype=np.float64)
    t_mean = np.empty(n, dtype=np.float64)
    _times(days, t_sum, t_cnt, t_mean)
    # Summed vectors: a document's own row in X until it merges, then a segment of a pool that only merged
    # clusters use, so X is never copied.
    nnz = x.indptr[n]
    vi = np.empty(max(1024, nnz // 4), dtype=np.int32)
    vv = np.empty(max(1024, nnz // 4), dtype=np.float32)
    vec = _Vectors(
        x.indptr[:n].astype(np.int64),
        (x.indptr[1:] - x.indptr[:n]).astype(np.int64),
        np.zeros(n, dtype=np.int8),
    )
    vused = 0
    nb, ni, nd, nused = _neighbour_lists(n, edges)
    nstart, nlen, ncap = nb
    lang = language.astype(np.int32)  # per cluster, updated as clusters merge
    hcap = _heap_room(Centring(wc, qc, mm), days, edges, limits, lang)
    hs = np.empty(hcap, dtype=np.float64)
    ha = np.empty(hcap, dtype=np.int32)
    hc = np.empty(hcap, dtype=np.int32)
    hva = np.empty(hcap, dtype=np.int32)
    hvc = np.empty(hcap, dtype=np.int32)
    hn = _fill_heap(Centring(wc, qc, mm), days, edges, limits, MergeHeap(hs, ha, hc, hva, hvc), lang)
    tc = np.empty(n, dtype=np.int64)
    td = np.empty(n, dtype=np.float64)
    tf = np.empty(n, dtype=np.int64)
    ts = np.empty(n, dtype=np.float64)
    un = _Union(np.full(n, -1, dtype=np.int64), tc, td, tf, ts)
    dense = (np.zeros(n_terms, dtype=np.float64), np.zeros(n_terms, dtype=np.float64))
    while hn > 0:
        a = ha[0]
        b = hc[0]
        va = hva[0]
        vb = hvc[0]
        hn -= 1
        if hn > 0:
            heap_swap(hs, ha, hc, hva, hvc, 0, hn)
            heap_down(hs, ha, hc, hva, hvc, hn)
        if parent[a] != a or parent[b] != b or version[a] != va or version[b] != vb:
            continue
        # The smaller merges into the larger; the survivor keeps its index (ties: the lower index).
        if size[b] > size[a]:
            a, b = b, a
        cnt = _union_neighbours(ni, nd, nb, un, a, b)
        _scatter(x, vi, vv, vec, dense, a, b)
        _complete_dots(x, vi, vv, vec, un, cnt, dense)
        vi, vv, vused = _sum_vectors(x, vi, vv, vused, vec, parent, dense, a, b)
        # Cluster statistics, and the merged cluster's similarity with each neighbour.
        parent[b] = a
        size[a] += size[b]
        wc[a] += wc[b]
        qc[a] += qc[b]
        t_sum[a] += t_sum[b]
        t_cnt[a] += t_cnt[b]
        t_mean[a] = t_sum[a] / t_cnt[a] if t_cnt[a] > 0 else np.nan
        version[a] += 1
        if lang[a] < 0:
            lang[a] = lang[b]
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
            ts[u] = s * decay(ta, t_mean[c], inv_scale) if _compatible(lang, a, c) else -np.inf
        nlen[b] = 0
        # Forget neighbours far below the threshold: keep all candidate merges, else the best link_max.
        cut = floor
        if cnt > link_max:
            srt = np.sort(ts[:cnt])
            cut = max(floor, min(threshold, srt[cnt - link_max]))
        ni, nd, nused = _relist(ni, nd, nused, nb, parent, un, cnt, cut, a)
        va = version[a]
        for u in range(cnt):
            if ts[u] < cut:
                continue
            c = tc[u]
            if nlen[c] == ncap[c]:  # relocate c's list to the end of the pool with more room
                newcap = 2 * ncap[c] + 2
                if nused + newcap > len(ni):
                    ni, nd, nused = _compact_nbrs(ni, nd, nb, parent, newcap)
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
                    hs, ha, hc, hva, hvc = heap_grow(hs, ha, hc, hva, hvc, hn)
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
                heap_up(hs, ha, hc, hva, hvc, hn)
                hn += 1
    return _roots(parent)


@njit
def _compatible(lang: np.ndarray, a: int, c: int) -> bool:
    """Whether clusters a and c may merge: the same language, or either of unknown language (-1)."""
    return lang[a] < 0 or lang[c] < 0 or lang[a] == lang[c]


@njit
def _times(days: np.ndarray, t_sum: np.ndarray, t_cnt: np.ndarray, t_mean: np.ndarray) -> None:
    """Every document its own cluster: the sum, count and mean of its (one or no) time."""
    for i in range(len(days)):
        t_mean[i] = days[i]
        if days[i] == days[i]:
            t_sum[i] = days[i]
            t_cnt[i] = 1.0


@njit
def _neighbour_lists(n: int, edges: Edges) -> tuple[_Lists, np.ndarray, np.ndarray, int]:
    """Each document's neighbours (symmetric) and dots: segments with spare room of a pool (ni, nd); returns
    (where they are, ni, nd, the pool's used length)."""
    lo, hi, dots = edges
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
    return _Lists(nstart, nlen, ncap), ni, nd, nused


@njit
def _heap_room(
    centring: Centring, days: np.ndarray, edges: Edges, limits: LinkLimits, lang: np.ndarray
) -> int:
    """Room for the initial merge heap: the edges whose similarity reaches the threshold, and some more.

    Edge scores are computed twice (here to size the heap, then to fill it) rather than stored: an array
    of all edges' scores would be one more edge-sized array at the peak.
    """
    lo, hi, dots = edges
    wc, qc, mm = centring
    hcap = 1024
    for e in range(len(lo)):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        if s * decay(days[a], days[c], limits.inv_scale) >= limits.threshold and _compatible(lang, a, c):
            hcap += 1
    return hcap


@njit
def _fill_heap(
    centring: Centring, days: np.ndarray, edges: Edges, limits: LinkLimits, heap: MergeHeap, lang: np.ndarray
) -> int:
    """Push every edge whose similarity reaches the threshold, between documents whose languages may merge,
    onto the empty ``heap``; returns its size."""
    lo, hi, dots = edges
    wc, qc, mm = centring
    hs, ha, hc, hva, hvc = heap
    hn = 0
    for e in range(len(lo)):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        s *= decay(days[a], days[c], limits.inv_scale)
        if s >= limits.threshold and _compatible(lang, a, c):
            hs[hn] = s
            ha[hn] = lo[e]
            hc[hn] = hi[e]
            hva[hn] = 0
            hvc[hn] = 0
            heap_up(hs, ha, hc, hva, hvc, hn)
            hn += 1
    return hn


@njit
def _union_neighbours(ni: np.ndarray, nd: np.ndarray, nb: _Lists, un: _Union, a: int, b: int) -> int:
    """List the neighbours of a and b (but a and b) in ``un``, dots known to both summed; returns how many."""
    mark, tc, td, tf, _ = un
    nstart, nlen, _ = nb
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
    return cnt


@njit
def _scatter(
    x: Csr,
    vi: np.ndarray,
    vv: np.ndarray,
    vec: _Vectors,
    dense: tuple[np.ndarray, np.ndarray],
    a: int,
    b: int,
) -> None:
    """The summed vectors of a and b into the two dense arrays."""
    dense_a, dense_b = dense
    vstart, vlen, vsrc = vec
    ia = vi if vsrc[a] else x.indices
    xa = vv if vsrc[a] else x.data
    ib = vi if vsrc[b] else x.indices
    xb = vv if vsrc[b] else x.data
    for e in range(vstart[a], vstart[a] + vlen[a]):
        dense_a[ia[e]] = xa[e]
    for e in range(vstart[b], vstart[b] + vlen[b]):
        dense_b[ib[e]] = xb[e]


@njit
def _complete_dots(
    x: Csr,
    vi: np.ndarray,
    vv: np.ndarray,
    vec: _Vectors,
    un: _Union,
    cnt: int,
    dense: tuple[np.ndarray, np.ndarray],
) -> None:
    """Add to each one-sided dot the other side's, from the scattered vectors: one gather over the
    neighbour's support each."""
    dense_a, dense_b = dense
    vstart, vlen, vsrc = vec
    x_idx, x_val = x.indices, x.data
    _, tc, td, tf, _ = un
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


@njit
def _sum_vectors(
    x: Csr,
    vi: np.ndarray,
    vv: np.ndarray,
    vused: int,
    vec: _Vectors,
    parent: np.ndarray,
    dense: tuple[np.ndarray, np.ndarray],
    a: int,
    b: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """S_a + S_b as a's new vector: the union of both supports in term order, a new pool segment, with
    values read from the scattered vectors (zeroed again here). Returns the pool (vi, vv, used length)."""
    dense_a, dense_b = dense
    vstart, vlen, vsrc = vec
    need = vlen[a] + vlen[b]
    if vused + need > len(vi):
        vi, vv, vused = _compact_vecs(vi, vv, vec, parent, need)
    ia = vi if vsrc[a] else x.indices
    ib = vi if vsrc[b] else x.indices
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
    vlen[b] = 0
    return vi, vv, o


@njit
def _relist(
    ni: np.ndarray,
    nd: np.ndarray,
    nused: int,
    nb: _Lists,
    parent: np.ndarray,
    un: _Union,
    cnt: int,
    cut: float,
    a: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """a's new neighbour list, at the end of the pool: the neighbours in ``un`` scoring at least ``cut``.
    Returns the pool (ni, nd, used length)."""
    nstart, nlen, ncap = nb
    _, tc, td, _, ts = un
    keep = 0
    for u in range(cnt):
        if ts[u] >= cut:
            keep += 1
    cap = keep + (keep >> 1) + 2
    if nused + cap > len(ni):
        nlen[a] = 0
        ni, nd, nused = _compact_nbrs(ni, nd, nb, parent, cap)
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
    return ni, nd, nused


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
    ni: np.ndarray, nd: np.ndarray, nb: _Lists, parent: np.ndarray, need: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Copy the live clusters' neighbour lists into fresh arrays with room for ``need`` more entries."""
    nstart, nlen, ncap = nb
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
    vi: np.ndarray, vv: np.ndarray, vec: _Vectors, parent: np.ndarray, need: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Copy the live clusters' pooled vectors into fresh arrays with room for ``need`` more entries."""
    vstart, vlen, vsrc = vec
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
def _roots(parent: np.ndarray) -> np.ndarray:
    """The root of every document's cluster."""
    roots = parent.copy()
    for i in range(len(parent)):
        r = roots[i]
        while parent[r] != r:
            r = parent[r]
        roots[i] = r
    return roots
