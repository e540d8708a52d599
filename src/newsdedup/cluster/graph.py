"""The neighbour graph of story clustering: the run's doc-term matrix, centring, and the sparse kNN graph.

Terms: at cluster time each document is cut to its ``CLUSTER_TERMS`` best stored terms by weight x the
IDF of the whole run (``select_terms``; this cut is what separates stories: keeping every term, or the
heaviest terms without IDF, loses much quality), the IDF is applied and rows are L2-normalised.
Similarity is the cosine after subtracting the corpus mean row (shrunk for tiny corpora), computed without
densifying (``centering``): this removes the background similarity every pair of a corpus shares (house
style, common vocabulary), so one threshold means the same on corpora with very different vocabularies.

Candidates (``knn_edges``): an inverted index over each row's ``CANDIDATE_TERMS`` heaviest terms, every
posting list in time order; through each term a document meets only the ``CANDIDATE_WINDOW`` documents on
either side of it (the nearest in time), so the work is linear in n even when every document shares every
common term. The ``CANDIDATE_POOL * n_neighbors`` best by summed candidate-term products get an exact
centred, time-decayed cosine; each row keeps its ``n_neighbors`` best. A small window also helps quality:
a story's articles are near each other in time, other stories' articles with the same words mostly not.

The per-row steps run over fixed ranges of rows (``row_blocks``) through the ``map_fn`` given (threads
when the run layer lends them; the kernels release the GIL), joined in row order: each range writes only
its own rows, so the result is the same whatever the map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from newsdedup.cluster.entities import ENTITY_TERMS, entity_max_df, has_entities, merge_entity_columns
from newsdedup.cluster.features import WEIGHT_TABLE, StoryFeatures
from newsdedup.cluster.kernels.columns import (
    Selection,
    TermTable,
    compact_rows,
    row_bounds,
    select_rows,
    term_columns,
)
from newsdedup.cluster.kernels.knn import KnnInputs, candidate_terms, knn_rows, postings, unique_edges
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges
from newsdedup.model import MapFn, serial_map

__all__ = [
    "centering",
    "feature_matrix",
    "feature_terms",
    "knn_edges",
    "map_row_blocks",
    "no_language",
    "row_blocks",
    "row_norms",
    "row_scale",
    "select_terms",
]

#: Terms per document used for clustering: its best by weight x the run's IDF (see ``select_terms``).
CLUSTER_TERMS = 60
#: Terms per document used to propose kNN candidates (exact cosines are computed afterwards).
CANDIDATE_TERMS = 16
#: Terms in more than this share of documents never propose candidates (they carry little signal).
CANDIDATE_MAX_DF = 0.5
#: Per candidate term, a document meets the documents within this many places of it in the term's
#: time-ordered posting list (the nearest in time): n * CANDIDATE_TERMS * 2 * CANDIDATE_WINDOW at most.
CANDIDATE_WINDOW = 32
#: Candidates per document (times n_neighbors) whose exact cosine is computed.
CANDIDATE_POOL = 3
#: Subtract the corpus mean row before cosine, so the shared background of a corpus does not count; the
#: mean is scaled by n / (n + CENTER_PRIOR_DOCS) so that tiny corpora are barely centred.
CENTER = True
CENTER_PRIOR_DOCS = 20
#: Rows per range of the per-row kernels, at least (each range allocates scratch of its own).
BLOCK_MIN_ROWS = 512
#: Ranges at most: several per thread of a large machine, handed out as threads free up, so a thread slowed
#: by other work on a shared machine does not hold the others back.
MAX_BLOCKS = 32


def row_blocks(n_rows: int) -> list[tuple[int, int]]:
    """Consecutive row ranges covering ``[0, n_rows)``: ``n_rows // BLOCK_MIN_ROWS`` of them, 1 to MAX_BLOCKS."""
    n_blocks = max(1, min(MAX_BLOCKS, n_rows // max(BLOCK_MIN_ROWS, 1)))
    edges = [n_rows * b // n_blocks for b in range(n_blocks + 1)]
    return [(edges[b], edges[b + 1]) for b in range(n_blocks) if edges[b + 1] > edges[b]]


def map_row_blocks(fn: Callable[[int, int], Any], n_rows: int, map_fn: MapFn = serial_map) -> list[Any]:
    """``fn(r0, r1)`` over the ``row_blocks`` of ``n_rows`` rows through ``map_fn``; results in row order.

    ``fn`` must touch only its own rows' part of any shared output, so the result does not depend on the
    map (serial or threads) nor on which range ran first.
    """
    return map_fn(lambda block: fn(*block), row_blocks(n_rows))


def feature_terms(
    feats: StoryFeatures, rows: np.ndarray, max_terms: int, map_fn: MapFn = serial_map
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`select_terms` of stored story features (weights decoded by ``WEIGHT_TABLE``) at ``rows``."""
    return select_terms(
        feats.indptr.astype(np.int64, copy=False),
        feats.term.astype(np.uint32, copy=False),
        feats.weight.astype(np.uint8, copy=False),
        WEIGHT_TABLE,
        np.asarray(rows, dtype=np.int64),
        max_terms,
        map_fn,
    )


def select_terms(
    indptr: np.ndarray,
    term: np.ndarray,
    code: np.ndarray,
    table: np.ndarray,
    rows: np.ndarray,
    max_terms: int,
    map_fn: MapFn = serial_map,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each document's ``max_terms`` best stored terms by weight x the IDF of the documents given.

    ``indptr``/``term``/``code``: features (CSR, uint32 term hashes, uint8 weight codes decoded by
    ``table``, so the weights are never expanded for all entries at once); ``rows``: the
    documents, in the output's row order. IDF is ``log((1 + n) / (1 + df)) + 1`` with df counted over the
    stored terms; ties go to the smaller hash. Returns (indptr, column, weight, column hashes): a CSR matrix
    whose columns are the distinct stored hashes in increasing order (entries sorted by column, a hash
    repeated in a row summed), built without any copy of all entries besides the output.

    The steps are compiled (``term_columns``, ``select_rows``, ``compact_rows``); the rows are selected in
    ``row_blocks`` through ``map_fn``.
    """
    keys, used, cols, hashes, idf = term_columns(indptr, term, rows)
    columns = TermTable(keys, used, cols, idf)
    bound = row_bounds(indptr, rows, max_terms)
    out = Selection(
        bound,
        np.empty(int(bound[-1]), dtype=np.int32),
        np.empty(int(bound[-1]), dtype=np.float32),
        np.empty(len(rows), dtype=np.int64),
    )
    feats = Csr(indptr, term, code)
    map_row_blocks(
        lambda r0, r1: select_rows(feats, table, rows, max_terms, columns, r0, r1, out), len(rows), map_fn
    )
    ptr = compact_rows(bound, out.counts, out.col, out.val)
    n_out = int(ptr[-1])
    return ptr, out.col[:n_out], out.val[:n_out], hashes


def feature_matrix(
    feats: StoryFeatures,
    max_features: int | None,
    order: np.ndarray | None = None,
    map_fn: MapFn = serial_map,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(W, terms): the feature weights of the documents at positions ``order`` (default: all, as stored), each row
    cut to its ``CLUSTER_TERMS`` best terms by weight x the IDF of all documents given, one column per
    distinct kept term (in hash order; ``terms`` the words).

    The cut uses the whole run's document frequencies, so a document's terms do not depend on which other
    documents shared its featurisation chunk. With ``max_features`` only the heaviest terms (by total
    weight, ties alphabetical) are kept, in alphabetical order.
    """
    rows = np.arange(len(feats), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    n = len(rows)
    ptr, col, val, hashes = feature_terms(
        feats, rows, CLUSTER_TERMS + (ENTITY_TERMS if has_entities(feats.vocab_term) else 0), map_fn
    )
    kept = np.flatnonzero(np.bincount(col, minlength=len(hashes)))
    if len(kept) == 0:  # every text empty or stop words only: one all-zero column keeps shapes valid
        return sp.csr_matrix((n, 1), dtype=np.float32), np.array(["_"], dtype=object)
    remap = np.zeros(len(hashes), dtype=np.int32)
    remap[kept] = np.arange(len(kept), dtype=np.int32)
    col = remap[col]
    pos = np.minimum(np.searchsorted(feats.vocab_hash, hashes[kept]), max(len(feats.vocab_hash) - 1, 0))
    terms = feats.vocab_term[pos]
    W = sp.csr_matrix((val, col, ptr), shape=(n, len(kept)))
    del col, val, ptr
    if has_entities(terms):  # folded into their words, then each row cut to CLUSTER_TERMS again
        W, terms = merge_entity_columns(W, terms, entity_max_df(n), CLUSTER_TERMS)
    if max_features is not None and max_features < W.shape[1]:
        total = np.asarray(W.sum(axis=0)).ravel()
        alpha = np.argsort(terms.astype(str), kind="stable")
        rank = np.empty(len(alpha), dtype=np.int64)
        rank[alpha] = np.arange(len(alpha))
        top = np.lexsort((rank, -total))[:max_features]
        keep = top[np.argsort(rank[top])]
        W = sp.csr_matrix(W[:, keep])
        terms = terms[keep]
        W.sort_indices()
    return W, terms


def row_scale(M: sp.csr_matrix, f: np.ndarray, col_f: np.ndarray | None = None) -> None:
    """M.data *= f[row] (and / col_f[column] when given), in place, in blocks (no n-entry temporaries)."""
    ptr = M.indptr
    for r0 in range(0, M.shape[0], 65536):
        r1 = min(r0 + 65536, M.shape[0])
        lo, hi = int(ptr[r0]), int(ptr[r1])
        blk = M.data[lo:hi]
        blk *= np.repeat(f[r0:r1].astype(M.dtype), np.diff(ptr[r0 : r1 + 1]))
        if col_f is not None:
            blk /= col_f[M.indices[lo:hi]]


#: Entries whose squares :func:`row_norms` holds at a time.
_NORM_BLOCK = 1 << 22


def row_norms(M: sp.csr_matrix) -> np.ndarray:
    """L2 norm of each row (float64)."""
    out = np.zeros(M.shape[0], dtype=np.float64)
    if not M.nnz:
        return out
    indptr = np.asarray(M.indptr, dtype=np.int64)
    # rows in blocks of about _NORM_BLOCK entries: the float64 squares of all entries at once would cost
    # 8 bytes per entry (as much as the matrix again); each row's sum is the same either way
    bounds = np.searchsorted(indptr, np.arange(0, M.nnz, _NORM_BLOCK), side="right") - 1
    for r0, r1 in zip(bounds.tolist(), [*bounds[1:].tolist(), M.shape[0]], strict=True):
        if r1 <= r0:
            continue
        lo, hi = int(indptr[r0]), int(indptr[r1])
        nonempty = np.flatnonzero(np.diff(indptr[r0 : r1 + 1]) > 0)
        if hi > lo and len(nonempty):
            sq = np.square(M.data[lo:hi], dtype=np.float64)
            out[r0 + nonempty] = np.sqrt(np.add.reduceat(sq, indptr[r0 + nonempty] - lo))
    return out


def centering(X: sp.csr_matrix) -> Centring:
    """Terms for cosine after subtracting the corpus mean row m, without densifying; scales X in place.

    X (unit rows) becomes Xs: row i scaled by u_i = 1 / |x_i - m|. Returns (w = u, q = u * (x_i . m), m . m).
    For sums S over a cluster (S = sum of Xs rows, W = sum of w, Q = sum of q), the centred dot of two
    clusters is ``S_A . S_C - W_C Q_A - W_A Q_C + W_A W_C m.m``: every term adds up when clusters merge.
    """
    n = X.shape[0]
    if not CENTER:
        return Centring(np.ones(n), np.zeros(n), 0.0)
    # Shrink the mean towards zero in small corpora, where it is mostly made of the documents themselves
    # (with two documents, full centring would make them exact opposites).
    m = np.asarray(X.mean(axis=0), dtype=np.float64).ravel() * (n / (n + CENTER_PRIOR_DOCS))
    mm = float(m @ m)
    xm = np.asarray(X @ m, dtype=np.float64).ravel()
    norm2 = np.maximum(1.0 - 2.0 * xm + mm, 1e-12)
    u = 1.0 / np.sqrt(norm2)
    row_scale(X, u)
    return Centring(u, u * xm, mm)


def knn_edges(
    X: sp.csr_matrix,
    centring: Centring,
    days: np.ndarray,
    n_neighbors: int,
    scale: float | None,
    floor: float,
    map_fn: MapFn = serial_map,
    language: np.ndarray | None = None,
) -> Edges:
    """Sparse kNN graph: pairs (lo < hi) with the exact dot of their (scaled) rows, which are in time order;
    each pair once, sorted by (lo, hi).

    Candidates come from an inverted index over each row's ``CANDIDATE_TERMS`` heaviest terms (terms in
    more than ``CANDIDATE_MAX_DF`` of the documents excluded), each posting list in time order; a document
    meets, per term, only the ``CANDIDATE_WINDOW`` documents on either side of it in that order (the
    nearest in time), so the work is linear in n however common a term is. Pairs scoring below ``floor``
    are left out, and pairs of two different known ``language`` codes (per row; -1 or None: unknown).
    """
    n = X.shape[0]
    x = Csr(
        X.indptr.astype(np.int64, copy=False),
        X.indices.astype(np.int32, copy=False),
        X.data.astype(np.float32, copy=False),
    )
    cand = _candidate_terms(x, X.shape[1], map_fn)
    # Postings in (term, row) order, i.e. by (term, time); each entry learns its place in its list.
    t_ptr, t_doc, t_val, p_pos = postings(cand.indptr, cand.indices, cand.data, X.shape[1])
    g = KnnInputs(
        x=x,
        n_terms=X.shape[1],
        cand=cand,
        cand_pos=p_pos,
        post=Csr(t_ptr, t_doc, t_val),
        window=np.full(X.shape[1], CANDIDATE_WINDOW, dtype=np.int64),
        days=days.astype(np.float64, copy=False),
        inv_scale=1.0 / scale if scale is not None else 0.0,
        centring=Centring(
            centring.w.astype(np.float64, copy=False),
            centring.q.astype(np.float64, copy=False),
            float(centring.mm),
        ),
        n_cand=CANDIDATE_POOL * n_neighbors,
        k=n_neighbors,
        floor=float(floor),
        language=no_language(n) if language is None else language.astype(np.int32, copy=False),
    )
    # Room for n_neighbors triples per row; each row range writes its own slice.
    out_i = np.empty(n * n_neighbors, dtype=np.int32)
    out_j = np.empty(n * n_neighbors, dtype=np.int32)
    out_d = np.empty(n * n_neighbors, dtype=np.float64)

    def block(r0: int, r1: int) -> tuple[int, int]:
        s0, s1 = r0 * n_neighbors, r1 * n_neighbors
        return s0, knn_rows(g, r0, r1, out_i[s0:s1], out_j[s0:s1], out_d[s0:s1])

    segs = np.array(map_row_blocks(block, n, map_fn), dtype=np.int64).reshape(-1, 2)
    # Each pair once (it may be found from both ends), sorted by (lo, hi); int32 ends (n < 2**31): the
    # edge arrays live through the whole merge.
    return Edges(*unique_edges(out_i, out_j, out_d, segs[:, 0].copy(), segs[:, 1].copy(), n))


def no_language(n: int) -> np.ndarray:
    """Language codes for ``n`` rows of unknown language (-1 each: any two may be paired)."""
    return np.full(n, -1, dtype=np.int32)


def _candidate_terms(x: Csr, n_terms: int, map_fn: MapFn) -> Csr:
    """Each row's ``CANDIDATE_TERMS`` heaviest terms among those in at most ``CANDIDATE_MAX_DF`` of the rows,
    per row range (``x.indptr[r0:r1 + 1]`` points into the whole of the entries), joined in row order."""
    n = len(x.indptr) - 1
    df = np.bincount(x.indices, minlength=n_terms)
    keep = df <= max(2, CANDIDATE_MAX_DF * n)
    parts = map_row_blocks(
        lambda r0, r1: candidate_terms(x.indptr[r0 : r1 + 1], x.indices, x.data, keep, CANDIDATE_TERMS),
        n,
        map_fn,
    )
    if len(parts) <= 1:
        return Csr(
            *(parts[0] if parts else candidate_terms(x.indptr, x.indices, x.data, keep, CANDIDATE_TERMS))
        )
    offsets = np.cumsum([0] + [len(c) for _, c, _ in parts[:-1]])
    return Csr(
        np.concatenate(
            [parts[0][0][:1]] + [ptr[1:] + o for (ptr, _, _), o in zip(parts, offsets, strict=True)]
        ),
        np.concatenate([c for _, c, _ in parts]),
        np.concatenate([v for _, _, v in parts]),
    )
