"""Compiled clustering kernels against plain-Python references on tiny inputs with known answers."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.cluster.graph import select_terms
from newsdedup.cluster.kernels.centroid import centroid_cosines
from newsdedup.cluster.kernels.knn import KnnInputs, candidate_terms, knn_rows, postings, unique_edges
from newsdedup.cluster.kernels.linkage import LinkLimits, average_linkage
from newsdedup.cluster.kernels.rank import insertion_sort, kth_largest, top_k
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges
from newsdedup.cluster.kernels.terms import doc_terms, token_hashes


def _unit_rows(rng: np.random.Generator, n: int, d: int, density: float) -> sp.csr_matrix:
    dense = rng.random((n, d)) * (rng.random((n, d)) < density)
    dense[np.arange(n), rng.integers(0, d, n)] += 0.5  # no empty row
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    X = sp.csr_matrix(dense)
    X.sort_indices()
    return X


def _reference_linkage(S: np.ndarray, threshold: float) -> list[set[int]]:
    """Average linkage on a complete graph by brute force: merge the best pair while it reaches threshold."""
    clusters = [{i} for i in range(len(S))]
    while True:
        best, pair = -np.inf, None
        for a, b in itertools.combinations(range(len(clusters)), 2):
            s = np.mean([S[i, j] for i in clusters[a] for j in clusters[b]])
            if s > best:
                best, pair = s, (a, b)
        if pair is None or best < threshold:
            return clusters
        a, b = pair
        clusters[a] |= clusters.pop(b)


def _linkage(
    X: sp.csr_matrix, threshold: float, days: np.ndarray | None = None, language: np.ndarray | None = None
) -> np.ndarray:
    n = X.shape[0]
    lo, hi = (a.astype(np.int64) for a in np.triu_indices(n, 1))
    dots = np.asarray((X @ X.T).todense())[lo, hi]
    return average_linkage(
        Csr(X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32)),
        X.shape[1],
        Centring(np.zeros(n), np.zeros(n), 0.0),
        np.full(n, np.nan) if days is None else days,
        Edges(lo, hi, dots),
        LinkLimits(threshold, 0.0 if days is None else 1.0, -1.0, 1000),
        np.full(n, -1, dtype=np.int32) if language is None else language,
    )


def _knn_graph(g: KnnInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``knn_rows`` over all rows in one call: the reference the row ranges must reproduce."""
    n = len(g.x.indptr) - 1
    out_i = np.empty(n * g.k, dtype=np.int32)
    out_j = np.empty(n * g.k, dtype=np.int32)
    out_d = np.empty(n * g.k, dtype=np.float64)
    m = knn_rows(g, 0, n, out_i, out_j, out_d)
    return out_i[:m], out_j[:m], out_d[:m]


def _partition(roots: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, r in enumerate(roots.tolist()):
        groups.setdefault(r, set()).add(i)
    return {frozenset(g) for g in groups.values()}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 9), threshold=st.floats(0.05, 0.6))
def test_average_linkage_matches_brute_force_on_a_complete_graph(seed: int, n: int, threshold: float) -> None:
    X = _unit_rows(np.random.default_rng(seed), n, 6, 0.5)
    S = np.asarray((X @ X.T).todense())
    roots = _linkage(X, threshold)
    assert _partition(roots) == {frozenset(c) for c in _reference_linkage(S, threshold)}
    assert all(roots[r] == r for r in roots.tolist())  # every root is its own root


def test_average_linkage_merges_two_obvious_groups_and_respects_time() -> None:
    # Two groups of identical rows; with times, the second group's members are 100 days apart.
    X = sp.csr_matrix(np.array([[1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0], [0, 1.0, 0]]))
    assert _partition(_linkage(X, 0.5)) == {frozenset({0, 1, 2}), frozenset({3, 4})}
    days = np.array([0.0, 0.1, 0.2, 0.0, 100.0])
    assert _partition(_linkage(X, 0.5, days)) == {frozenset({0, 1, 2}), frozenset({3}), frozenset({4})}


def test_knn_graph_finds_the_exact_best_neighbours() -> None:
    rng = np.random.default_rng(7)
    n, k = 12, 3
    X = _unit_rows(rng, n, 5, 0.6)
    # Every term of every row is a candidate term, posting lists in row order, windows covering everything.
    p_rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(X.indptr))
    p_cols = X.indices.astype(np.int64)
    srt = np.lexsort((p_rows, p_cols))
    t_ptr = np.zeros(X.shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(p_cols, minlength=X.shape[1]), out=t_ptr[1:])
    p_pos = np.empty(len(srt), dtype=np.int64)
    p_pos[srt] = np.arange(len(srt)) - t_ptr[p_cols[srt]]
    ii, jj, dd = _knn_graph(
        KnnInputs(
            x=Csr(X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32)),
            n_terms=X.shape[1],
            cand=Csr(X.indptr.astype(np.int64), p_cols, X.data.astype(np.float64)),
            cand_pos=p_pos,
            post=Csr(t_ptr, p_rows[srt], X.data[srt].astype(np.float64)),
            window=np.full(X.shape[1], n, dtype=np.int64),
            days=np.full(n, np.nan),
            inv_scale=0.0,
            centring=Centring(np.ones(n), np.zeros(n), 0.0),
            n_cand=n,
            k=k,
            floor=-1.0,
            language=np.full(n, -1, dtype=np.int32),
        )
    )
    S = np.asarray((X @ X.T).todense())
    np.fill_diagonal(S, -np.inf)
    for i in range(n):
        got = jj[ii == i]
        touching = np.flatnonzero(np.isfinite(S[i]) & (S[i] > 0))
        expected = touching[np.lexsort((touching, -S[i, touching]))][:k]
        assert sorted(got.tolist()) == sorted(expected.tolist())
        np.testing.assert_allclose(dd[ii == i], S[i, got], rtol=1e-5)


def _terms_ref(body: str, title: str, lead: int, max_terms: int, stop: set[str]) -> dict[str, float]:
    """Plain-Python reference of ``doc_terms``: sublinear tf per part, unit norm per part, summed."""
    import math
    import re

    def unit(words: list[str]) -> dict[str, float]:
        kept = [w for w in words if w not in stop]
        tf = {w: 1.0 + math.log(kept.count(w)) for w in set(kept)}
        norm = math.sqrt(sum(v * v for v in tf.values()))
        return {w: v / norm for w, v in tf.items()}

    tokens = re.findall(r"(?u)\b\w\w+\b", body.lower())
    out: dict[str, float] = {}
    for part in (unit(tokens), unit(tokens[:lead]), unit(re.findall(r"(?u)\b\w\w+\b", title.lower()))):
        for w, v in part.items():
            out[w] = out.get(w, 0.0) + v
    best = sorted(out.items(), key=lambda kv: -kv[1])[:max_terms]
    return dict(best)


def _doc_terms(bodies: list[str], titles: list[str], stop: list[str], lead: int, max_terms: int) -> list:
    enc = [t.encode() for t in bodies + titles]
    starts = np.zeros(len(enc) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in enc], out=starts[1:])
    raw = b"".join(enc)
    s_enc = [w.encode() for w in stop]
    s_starts = np.zeros(len(stop) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in s_enc], out=s_starts[1:])
    stop_h = np.sort(token_hashes(np.frombuffer(b"".join(s_enc), dtype=np.uint8), s_starts))
    n = len(bodies)
    indptr, term, val, vh, words, _ = doc_terms(
        np.frombuffer(bytearray(raw), dtype=np.uint8),
        starts[: n + 1],
        starts[n:],
        stop_h,
        lead,
        1.0,
        1.0,
        max_terms,
    )
    vocab = dict(zip(vh.tolist(), words.tobytes().decode().split("\n"), strict=True)) if len(vh) else {}
    rows = []
    for i in range(n):
        lo, hi = indptr[i], indptr[i + 1]
        rows.append(
            {vocab[t]: float(v) for t, v in zip(term[lo:hi].tolist(), val[lo:hi].tolist(), strict=True)}
        )
    return rows


@settings(max_examples=40, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["ab", "cd", "the", "x", "éé", "é", "ol", "q9", "zz", "and"]), max_size=30
    ),
    title=st.lists(st.sampled_from(["AB", "Cd", "new", "y"]), max_size=4),
    lead=st.integers(0, 6),
)
def test_doc_terms_match_a_python_reference(words: list[str], title: list[str], lead: int) -> None:
    body, head = " ".join(words), " ".join(title)
    got = _doc_terms([body, ""], [head, ""], ["the", "and"], lead, 1000)
    expected = _terms_ref(body, head, lead, 1000, {"the", "and"})
    assert got[1] == {}
    assert got[0].keys() == expected.keys()
    for w, v in expected.items():
        assert abs(got[0][w] - v) < 1e-5


def test_doc_terms_keep_the_heaviest_with_ties_on_the_hash() -> None:
    # "alpha" twice outweighs every single word; of the singletons, the kept ones are the same whichever
    # document they are in (the smaller hash wins a tie).
    singles = [f"w{i}" for i in range(20)]
    rows = _doc_terms(
        ["alpha alpha " + " ".join(singles), " ".join(reversed(singles)) + " beta"], ["", ""], [], 0, 5
    )
    assert "alpha" in rows[0] and len(rows[0]) == 5
    kept0 = set(rows[0]) - {"alpha"}
    assert len(rows[1]) == 5 and kept0 <= set(rows[1])


def test_select_terms_keeps_the_best_by_idf_and_counts_df_over_all_rows() -> None:
    # Three documents with equal weights; "common" (hash 1) is in all, "rare" terms (hashes 2, 3, 4) in one.
    indptr = np.array([0, 2, 4, 6], dtype=np.int64)
    term = np.array([1, 2, 1, 3, 4, 1], dtype=np.uint32)
    code = np.zeros(6, dtype=np.uint8)
    table = np.array([0.5] + [1.0] * 255, dtype=np.float32)
    ptr, col, val, hashes = select_terms(indptr, term, code, table, np.array([2, 0, 1], dtype=np.int64), 1)
    assert hashes.tolist() == [1, 2, 3, 4]
    # Row order follows ``rows``; each keeps its rare term (column = rank of the hash).
    assert ptr.tolist() == [0, 1, 2, 3]
    assert col.tolist() == [3, 1, 2]
    np.testing.assert_allclose(val, 0.5)
    ptr, col, _, _ = select_terms(indptr, term, code, table, np.arange(3, dtype=np.int64), 5)
    assert ptr.tolist() == [0, 2, 4, 6] and col.tolist() == [0, 1, 0, 2, 0, 3]


def test_centroid_cosines_match_dense_centroids() -> None:
    X = _unit_rows(np.random.default_rng(3), 9, 7, 0.5)
    labels = np.array([0, 1, 0, 2, 1, 0, 2, 2, 3])
    members = np.argsort(labels, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(labels))))
    got = centroid_cosines(
        X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32), 7, members, bounds
    )
    dense = np.asarray(X.todense())
    for i, c in enumerate(labels.tolist()):
        centroid = dense[labels == c].sum(axis=0)
        expected = dense[i] @ centroid / np.linalg.norm(centroid)
        assert abs(got[i] - expected) < 1e-5
    assert abs(got[8] - 1.0) < 1e-5  # a singleton is its own centroid


def _knn_inputs(seed: int, n: int) -> KnnInputs:
    """kNN inputs for random unit rows: every term a candidate term, small windows."""
    rng = np.random.default_rng(seed)
    X = _unit_rows(rng, n, 8, 0.4)
    p_ptr = X.indptr.astype(np.int64)
    p_col = X.indices.astype(np.int32)
    p_val = X.data.astype(np.float32)
    t_ptr, t_doc, t_val, p_pos = postings(p_ptr, p_col, p_val, X.shape[1])
    days = rng.random(n) * 3
    days[::5] = np.nan
    return KnnInputs(
        x=Csr(X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32)),
        n_terms=X.shape[1],
        cand=Csr(p_ptr, p_col, p_val),
        cand_pos=p_pos,
        post=Csr(t_ptr, t_doc, t_val),
        window=np.full(X.shape[1], 3, dtype=np.int64),
        days=days,
        inv_scale=0.5,
        centring=Centring(np.ones(n), np.zeros(n), 0.0),
        n_cand=6,
        k=3,
        floor=-1.0,
        language=np.full(n, -1, dtype=np.int32),
    )


def test_knn_rows_over_ranges_equal_all_rows_at_once() -> None:
    g = _knn_inputs(5, 40)
    ii, jj, dd = _knn_graph(g)
    assert len(ii) > 40
    k = g.k
    for cuts in ([0, 40], [0, 1, 17, 18, 40], [0, 13, 26, 39, 40]):
        parts = []
        for r0, r1 in itertools.pairwise(cuts):
            oi = np.empty((r1 - r0) * k, dtype=np.int32)
            oj = np.empty((r1 - r0) * k, dtype=np.int32)
            od = np.empty((r1 - r0) * k, dtype=np.float64)
            m = knn_rows(g, r0, r1, oi, oj, od)
            assert np.all((oi[:m] >= r0) & (oi[:m] < r1))
            parts.append((oi[:m], oj[:m], od[:m]))
        for got, want in zip(
            (np.concatenate(p) for p in zip(*parts, strict=True)), (ii, jj, dd), strict=True
        ):
            assert np.array_equal(got, want)


def test_unique_edges_keep_each_pair_once_with_its_first_dot() -> None:
    rng = np.random.default_rng(2)
    n, m = 30, 400
    oi = rng.integers(0, n, m).astype(np.int32)
    oj = rng.integers(0, n, m).astype(np.int32)
    keep = oi != oj
    oi, oj = oi[keep], oj[keep]
    od = rng.random(len(oi))
    # two segments with a gap between them (as threads leave them)
    half = len(oi) // 2
    gap = 7
    bi = np.concatenate([oi[:half], np.zeros(gap, np.int32), oi[half:]])
    bj = np.concatenate([oj[:half], np.zeros(gap, np.int32), oj[half:]])
    bd = np.concatenate([od[:half], np.full(gap, -1.0), od[half:]])
    lo, hi, dots = unique_edges(bi, bj, bd, np.array([0, half + gap]), np.array([half, len(oi) - half]), n)
    # reference: the numpy sort of packed keys, first of equal keys in emission order
    key = np.minimum(oi, oj).astype(np.int64) * n + np.maximum(oi, oj)
    srt = np.argsort(key, kind="stable")
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[srt][1:] != key[srt][:-1]
    assert lo.dtype == np.int32 and hi.dtype == np.int32
    assert np.array_equal(lo, key[srt][first] // n)
    assert np.array_equal(hi, key[srt][first] % n)
    assert np.array_equal(dots, od[srt][first])


def test_candidate_terms_keep_the_largest_kept_entries() -> None:
    X = sp.csr_matrix(
        np.array(
            [
                [0.5, 0.9, 0.5, 0.1, 0.0],
                [0.2, 0.2, 0.2, 0.2, 0.2],
                [0.0, 0.0, 0.0, 0.0, 0.0],
                [0.1, 0.0, 0.7, 0.0, 0.3],
            ]
        )
    )
    X.sort_indices()
    keep = np.array([True, True, True, True, False])
    ptr, col, val = candidate_terms(
        X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32), keep, 2
    )
    rows = [col[ptr[i] : ptr[i + 1]].tolist() for i in range(4)]
    # ties go to the lower column; column 4 is never kept; columns in increasing order
    assert rows == [[0, 1], [0, 1], [], [0, 2]]
    np.testing.assert_allclose(val, [0.5, 0.9, 0.2, 0.2, 0.1, 0.7])


def test_postings_list_rows_per_column_in_row_order() -> None:
    p_ptr = np.array([0, 2, 3, 5], dtype=np.int64)
    p_col = np.array([1, 3, 1, 0, 3], dtype=np.int32)
    p_val = np.array([0.1, 0.2, 0.3, 0.4, 0.5], dtype=np.float32)
    t_ptr, t_doc, t_val, p_pos = postings(p_ptr, p_col, p_val, 4)
    assert t_ptr.tolist() == [0, 1, 3, 3, 5]
    assert t_doc.tolist() == [2, 0, 1, 0, 2]
    np.testing.assert_allclose(t_val, [0.4, 0.1, 0.3, 0.2, 0.5])
    # each entry's place in its column's list
    assert p_pos.tolist() == [0, 0, 1, 0, 1]


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.integers(0, 6).map(float), min_size=0, max_size=40),
    k=st.integers(1, 12),
    seed=st.integers(0, 1000),
)
def test_top_k_selects_like_a_full_sort(scores: list[float], k: int, seed: int) -> None:
    m = len(scores)
    score = np.array([*scores, 0.0], dtype=np.float64)[: max(m, 1)]
    tie = np.random.default_rng(seed).permutation(max(m, 1)).astype(np.int64) * 3
    out = np.empty(max(m, k), dtype=np.int64)
    size = top_k(score, tie, m, k, out, np.empty(max(m, 1)))
    want = sorted(range(m), key=lambda u: (-score[u], tie[u]))[:k]
    assert sorted(out[:size].tolist()) == sorted(tie[want].tolist())
    if m >= k:
        buf = score[:m].copy()
        assert kth_largest(buf, m, k) == sorted(scores, reverse=True)[k - 1]
    keys = tie[:m].copy()
    insertion_sort(keys, m)
    assert keys.tolist() == sorted(tie[:m].tolist())


def test_select_terms_sums_a_hash_repeated_in_a_row() -> None:
    # Row 0 holds hash 5 twice (two words folded to one 32-bit hash): one column, weights summed, and
    # the rows after it move up to close the gap.
    indptr = np.array([0, 3, 5], dtype=np.int64)
    term = np.array([5, 9, 5, 9, 7], dtype=np.uint32)
    code = np.array([0, 1, 1, 0, 0], dtype=np.uint8)
    table = np.array([0.5, 1.0] + [2.0] * 254, dtype=np.float32)
    ptr, col, val, hashes = select_terms(indptr, term, code, table, np.arange(2, dtype=np.int64), 5)
    assert hashes.tolist() == [5, 7, 9]
    assert ptr.tolist() == [0, 2, 4]
    assert col.tolist() == [0, 2, 1, 2]
    np.testing.assert_allclose(val, [1.5, 1.0, 0.5, 0.5])
