"""Compiled kernels of story clustering: candidate neighbours and average linkage (see ``cluster``).

Both walk per-document or per-cluster lists whose lengths vary, which numpy cannot vectorise; here they
are plain loops compiled by numba. Everything is deterministic: ties break on the smaller index.
"""

from __future__ import annotations

import math

import numpy as np

from newsdedup.jit import njit

__all__ = ["average_linkage", "knn_graph"]


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
    those scoring at least ``floor`` are returned as (i, j, dot) triples, i != j.
    """
    n = len(x_ptr) - 1
    acc = np.zeros(n, dtype=np.float64)
    stamp = np.full(n, -1, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    dense = np.zeros(max(n_terms, 1), dtype=np.float64)
    cs = np.empty(n_cand, dtype=np.float64)
    vals = np.empty(n, dtype=np.float64)
    ties = np.empty(n, dtype=np.int64)
    cj = np.empty(n_cand, dtype=np.int64)
    ks = np.empty(k, dtype=np.float64)
    kj = np.empty(k, dtype=np.int64)
    out_i = np.empty(n * k, dtype=np.int32)
    out_j = np.empty(n * k, dtype=np.int32)
    out_d = np.empty(n * k, dtype=np.float64)
    m = 0
    for i in range(n):
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
                vals[u] = -acc[touched[u]]
            kth = -np.partition(vals[:nt], n_cand - 1)[n_cand - 1]
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
    return out_i[:m], out_j[:m], out_d[:m]


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
    s0 = np.empty(m, dtype=np.float64)
    hcap = 1024
    for e in range(m):
        a = lo[e]
        c = hi[e]
        s = dots[e] - wc[c] * qc[a] - wc[a] * qc[c] + wc[a] * wc[c] * mm
        s0[e] = s * _decay(days[a], days[c], inv_scale)
        if s0[e] >= threshold:
            hcap += 1
    hs = np.empty(hcap, dtype=np.float64)
    ha = np.empty(hcap, dtype=np.int32)
    hc = np.empty(hcap, dtype=np.int32)
    hva = np.empty(hcap, dtype=np.int32)
    hvc = np.empty(hcap, dtype=np.int32)
    hn = 0
    for e in range(m):
        if s0[e] >= threshold:
            hs[hn] = s0[e]
            ha[hn] = lo[e]
            hc[hn] = hi[e]
            hva[hn] = 0
            hvc[hn] = 0
            _heap_up(hs, ha, hc, hva, hvc, hn)
            hn += 1
    s0 = np.empty(0, dtype=np.float64)  # release the scores: only the heap is needed from here

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
