"""Compiled clustering kernels against plain-Python references on tiny inputs with known answers."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.cluster_kernels import average_linkage, knn_graph


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


def _linkage(X: sp.csr_matrix, threshold: float, days: np.ndarray | None = None) -> np.ndarray:
    n = X.shape[0]
    lo, hi = (a.astype(np.int64) for a in np.triu_indices(n, 1))
    dots = np.asarray((X @ X.T).todense())[lo, hi]
    return average_linkage(
        X.indptr.astype(np.int64),
        X.indices.astype(np.int32),
        X.data.astype(np.float32),
        X.shape[1],
        np.zeros(n),
        np.zeros(n),
        0.0,
        np.full(n, np.nan) if days is None else days,
        lo,
        hi,
        dots,
        threshold,
        0.0 if days is None else 1.0,
        -1.0,
        1000,
    )


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
    ii, jj, dd = knn_graph(
        X.indptr.astype(np.int64),
        X.indices.astype(np.int32),
        X.data.astype(np.float32),
        X.shape[1],
        X.indptr.astype(np.int64),
        p_cols,
        X.data.astype(np.float64),
        p_pos,
        t_ptr,
        p_rows[srt],
        X.data[srt].astype(np.float64),
        np.full(X.shape[1], n, dtype=np.int64),
        np.full(n, np.nan),
        0.0,
        np.ones(n),
        np.zeros(n),
        0.0,
        n,
        k,
        -1.0,
    )
    S = np.asarray((X @ X.T).todense())
    np.fill_diagonal(S, -np.inf)
    for i in range(n):
        got = jj[ii == i]
        touching = np.flatnonzero(np.isfinite(S[i]) & (S[i] > 0))
        expected = touching[np.lexsort((touching, -S[i, touching]))][:k]
        assert sorted(got.tolist()) == sorted(expected.tolist())
        np.testing.assert_allclose(dd[ii == i], S[i, got], rtol=1e-5)
