"""Compiled average linkage over the kNN graph (see ``cluster.linkage.link``).

The state is arrays indexed by cluster (a cluster is named by the index of its root document): the
statistics that add up when two clusters merge, each cluster's summed vector and its neighbour list, each
a segment of a pool that grows (and is compacted) as clusters merge.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsdedup.cluster.kernels.heap import MergeHeap, heap_pop, heap_push, new_heap
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges, decay
from newsdedup.jit import njit

__all__ = ["LinkLimits", "average_linkage"]


class LinkLimits(NamedTuple):
    """When average linkage merges and which neighbours a merged cluster keeps."""

    threshold: float  # merge while the best similarity is at least this
    inv_scale: float  # 1 / the time scale in days, 0 for no time decay
    floor: float  # a merged cluster forgets neighbours below this
    link_max: int  # ... and keeps at most this many below the threshold (its best)


class _Clusters(NamedTuple):
    """Per cluster: its ``parent`` (itself while it is a root), a ``version`` bumped at each merge into it,
    its size, summed centring terms ``w`` and ``q``, and the sum, count and mean of its members' times."""

    parent: np.ndarray
    version: np.ndarray
    size: np.ndarray
    w: np.ndarray
    q: np.ndarray
    t_sum: np.ndarray
    t_cnt: np.ndarray
    t_mean: np.ndarray


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
    x: Csr, n_terms: int, centring: Centring, days: np.ndarray, edges: Edges, limits: LinkLimits
) -> np.ndarray:
    """Average linkage over the kNN graph (``edges``: pairs with the dot of their scaled rows ``x``).

    Returns the root index of every document's cluster. The similarity of clusters A and C is
    ``(S_A.S_C - W_C Q_A - W_A Q_C + W_A W_C mm) / (|A| |C|)`` times the time decay of their mean times
    (S: summed scaled rows, W and Q: summed centring terms; see ``cluster.graph.centering``), so it is exact
    for all member pairs. Clusters are compared only when some member pair is a graph edge; a merged cluster
    keeps every neighbour at or above the threshold and otherwise its ``link_max`` best above the floor.
    Dots known on both sides add up; a one-sided one is completed from the summed sparse vectors.
    """
    n = len(x.indptr) - 1
    cl = _clusters(centring, days)
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
    heap, hn = _initial_heap(cl, centring.mm, days, edges, limits)
    un = _Union(
        np.full(n, -1, dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.float64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.float64),
    )
    dense = (np.zeros(n_terms, dtype=np.float64), np.zeros(n_terms, dtype=np.float64))
    while hn > 0:
        a, b, va, vb = heap_pop(heap, hn)
        hn -= 1
        if cl.parent[a] != a or cl.parent[b] != b or cl.version[a] != va or cl.version[b] != vb:
            continue
        # The smaller merges into the larger; the survivor keeps its index (ties: the lower index).
        if cl.size[b] > cl.size[a]:
            a, b = b, a
        cnt = _union_neighbours(ni, nd, nb, un, a, b)
        _scatter(x, vi, vv, vec, dense, a, b)
        _complete_dots(x, vi, vv, vec, un, cnt, dense)
        vi, vv, vused = _sum_vectors(x, vi, vv, vused, vec, cl.parent, dense, a, b)
        _absorb(cl, a, b)
        _rescore(cl, centring.mm, limits.inv_scale, ni, nd, nb, un, cnt, a, b)
        nb.length[b] = 0
        # Forget neighbours far below the threshold: keep all candidate merges, else the best link_max.
        cut = limits.floor
        if cnt > limits.link_max:
            srt = np.sort(un.score[:cnt])
            cut = max(limits.floor, min(limits.threshold, srt[cnt - limits.link_max]))
        ni, nd, nused = _relist(ni, nd, nused, nb, cl.parent, un, cnt, cut, a)
        va = cl.version[a]
        for u in range(cnt):
            if un.score[u] < cut:
                continue
            c = un.c[u]
            ni, nd, nused = _append_neighbour(ni, nd, nused, nb, cl.parent, c, a, un.dot[u])
            if un.score[u] >= limits.threshold:
                if a < c:
                    heap, hn = heap_push(heap, hn, un.score[u], a, c, va, cl.version[c])
                else:
                    heap, hn = heap_push(heap, hn, un.score[u], c, a, cl.version[c], va)
    return _roots(cl.parent)


@njit
def _clusters(centring: Centring, days: np.ndarray) -> _Clusters:
    """Every document its own cluster."""
    n = len(days)
    t_sum = np.zeros(n, dtype=np.float64)
    t_cnt = np.zeros(n, dtype=np.float64)
    t_mean = np.empty(n, dtype=np.float64)
    for i in range(n):
        t_mean[i] = days[i]
        if days[i] == days[i]:
            t_sum[i] = days[i]
            t_cnt[i] = 1.0
    return _Clusters(
        np.arange(n),
        np.zeros(n, dtype=np.int32),
        np.ones(n, dtype=np.float64),
        centring.w.astype(np.float64),
        centring.q.astype(np.float64),
        t_sum,
        t_cnt,
        t_mean,
    )


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
def _initial_heap(
    cl: _Clusters, mm: float, days: np.ndarray, edges: Edges, limits: LinkLimits
) -> tuple[MergeHeap, int]:
    """The heap of the edges whose similarity reaches the threshold; returns (heap, its size).

    Edge scores are computed twice (to size the heap, then to fill it) rather than stored: an array of
    all edges' scores would be one more edge-sized array at the peak.
    """
    lo, hi, dots = edges
    wc, qc = cl.w, cl.q
    hcap = 1024
    for e in range(len(lo)):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        if s * decay(days[a], days[c], limits.inv_scale) >= limits.threshold:
            hcap += 1
    heap = new_heap(hcap)
    hn = 0
    for e in range(len(lo)):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        s *= decay(days[a], days[c], limits.inv_scale)
        if s >= limits.threshold:
            heap, hn = heap_push(heap, hn, s, lo[e], hi[e], 0, 0)
    return heap, hn


@njit
def _union_neighbours(ni: np.ndarray, nd: np.ndarray, nb: _Lists, un: _Union, a: int, b: int) -> int:
    """List the neighbours of a and b (but a and b) in ``un``, dots known to both summed; returns how many."""
    mark, tc, td, tf = un.mark, un.c, un.dot, un.flag
    cnt = 0
    for e in range(nb.start[a], nb.start[a] + nb.length[a]):
        c = ni[e]
        if c == b:
            continue
        tc[cnt] = c
        td[cnt] = nd[e]
        tf[cnt] = 1
        mark[c] = cnt
        cnt += 1
    for e in range(nb.start[b], nb.start[b] + nb.length[b]):
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
    ia = vi if vec.pooled[a] else x.indices
    xa = vv if vec.pooled[a] else x.data
    ib = vi if vec.pooled[b] else x.indices
    xb = vv if vec.pooled[b] else x.data
    for e in range(vec.start[a], vec.start[a] + vec.length[a]):
        dense_a[ia[e]] = xa[e]
    for e in range(vec.start[b], vec.start[b] + vec.length[b]):
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
    for u in range(cnt):
        if un.flag[u] != 3:
            c = un.c[u]
            ic = vi if vec.pooled[c] else x.indices
            xc = vv if vec.pooled[c] else x.data
            dz = dense_b if un.flag[u] == 1 else dense_a
            d = 0.0
            for e in range(vec.start[c], vec.start[c] + vec.length[c]):
                d += dz[ic[e]] * xc[e]
            un.dot[u] += d


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
    need = vec.length[a] + vec.length[b]
    if vused + need > len(vi):
        vi, vv, vused = _compact_vecs(vi, vv, vec, parent, need)
    ia = vi if vec.pooled[a] else x.indices
    ib = vi if vec.pooled[b] else x.indices
    e = vec.start[a]
    e1 = e + vec.length[a]
    f = vec.start[b]
    f1 = f + vec.length[b]
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
    for e in range(vec.start[a], vec.start[a] + vec.length[a]):
        dense_a[ia[e]] = 0.0
    for e in range(vec.start[b], vec.start[b] + vec.length[b]):
        dense_b[ib[e]] = 0.0
    vec.start[a] = vused
    vec.length[a] = o - vused
    vec.pooled[a] = 1
    vec.length[b] = 0
    return vi, vv, o


@njit
def _absorb(cl: _Clusters, a: int, b: int) -> None:
    """Merge cluster b into a: add up b's statistics into a's; a's version changes."""
    cl.parent[b] = a
    cl.size[a] += cl.size[b]
    cl.w[a] += cl.w[b]
    cl.q[a] += cl.q[b]
    cl.t_sum[a] += cl.t_sum[b]
    cl.t_cnt[a] += cl.t_cnt[b]
    cl.t_mean[a] = cl.t_sum[a] / cl.t_cnt[a] if cl.t_cnt[a] > 0 else np.nan
    cl.version[a] += 1


@njit
def _rescore(
    cl: _Clusters,
    mm: float,
    inv_scale: float,
    ni: np.ndarray,
    nd: np.ndarray,
    nb: _Lists,
    un: _Union,
    cnt: int,
    a: int,
    b: int,
) -> None:
    """Score the merged cluster a with each neighbour listed in ``un``, dropping a and b from the
    neighbours' own lists (a is added back if kept)."""
    size, wc, qc, t_mean = cl.size, cl.w, cl.q, cl.t_mean
    sa = size[a]
    wa = wc[a]
    qa = qc[a]
    ta = t_mean[a]
    for u in range(cnt):
        c = un.c[u]
        if un.flag[u] & 1:
            _remove_nbr(ni, nd, nb, c, a)
        if un.flag[u] & 2:
            _remove_nbr(ni, nd, nb, c, b)
        s = (un.dot[u] - wc[c] * qa - wa * qc[c] + wa * wc[c] * mm) / (sa * size[c])
        un.score[u] = s * decay(ta, t_mean[c], inv_scale)


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
    keep = 0
    for u in range(cnt):
        if un.score[u] >= cut:
            keep += 1
    cap = keep + (keep >> 1) + 2
    if nused + cap > len(ni):
        nb.length[a] = 0
        ni, nd, nused = _compact_nbrs(ni, nd, nb, parent, cap)
    nb.start[a] = nused
    nb.cap[a] = cap
    nused += cap
    o = nb.start[a]
    for u in range(cnt):
        if un.score[u] >= cut:
            ni[o] = un.c[u]
            nd[o] = un.dot[u]
            o += 1
    nb.length[a] = keep
    return ni, nd, nused


@njit
def _append_neighbour(
    ni: np.ndarray,
    nd: np.ndarray,
    nused: int,
    nb: _Lists,
    parent: np.ndarray,
    c: int,
    a: int,
    dot: float,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Add a (with its dot) to c's neighbour list, moving a full list to the end of the pool with more
    room. Returns the pool (ni, nd, used length)."""
    if nb.length[c] == nb.cap[c]:
        newcap = 2 * nb.cap[c] + 2
        if nused + newcap > len(ni):
            ni, nd, nused = _compact_nbrs(ni, nd, nb, parent, newcap)
        if nb.length[c] == nb.cap[c]:
            s0 = nb.start[c]
            ln = nb.length[c]
            ni[nused : nused + ln] = ni[s0 : s0 + ln]
            nd[nused : nused + ln] = nd[s0 : s0 + ln]
            nb.start[c] = nused
            nb.cap[c] = newcap
            nused += newcap
    ni[nb.start[c] + nb.length[c]] = a
    nd[nb.start[c] + nb.length[c]] = dot
    nb.length[c] += 1
    return ni, nd, nused


@njit
def _remove_nbr(ni: np.ndarray, nd: np.ndarray, nb: _Lists, c: int, x: int) -> None:
    """Drop x from c's neighbour list (unordered: swap with the last)."""
    s = nb.start[c]
    last = s + nb.length[c] - 1
    for e in range(s, last + 1):
        if ni[e] == x:
            ni[e] = ni[last]
            nd[e] = nd[last]
            nb.length[c] -= 1
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
