"""Themes: the coarse level above stories, found from the story centroids (broad subjects such as "Syrian
civil war" or "US elections", each a group of stories).

A story's centroid is the mean of its members' unit TF-IDF rows over all their stored terms
(``theme_doc_matrix``: the story level's cut to each document's most specific terms keeps the names and
places that make an event, not a subject) (``story_centroids``), cut to its
``CENTROID_TERMS`` heaviest terms and made unit again, its columns named by their words so that centroids of
different runs compare term by term (``Centroids.concat``). Themes are a second pass of the stories' own
average linkage (``linkage.link``) over those centroids (``link_centroids``): candidates come from the same
kNN graph (rows in order of their stories' mean time, no time decay: a subject lasts), and merging stops
below ``theme_threshold``, lower than the story threshold. Every story counts once, whatever its size: a
broad subject is many stories, not one big one. Languages follow the stories' rule: no theme spans two known
languages (the reasons are in ``linkage``: across languages only names and numbers are shared).

The cosine is centred on the mean centroid, as the stories' is (``graph.centering``: the vocabulary every
story shares does not count; without it a corpus of common words, such as the synthetic generator's, ends
in a handful of themes), but each row's own share of the mean is left out of its dot with the mean
(``_centring``): that share, 1 / (n + 20) per side for n rows, is as large as the theme threshold for a few
hundred stories, so with it the same threshold would give broader themes in large runs than in small ones,
and incremental runs (stored themes plus new stories) would drift. Terms in more than ``THEME_MAX_DF`` of the
documents, or in one document only, are left out of the theme vectors (``theme_doc_matrix``).

A theme's centroid is the mean of its rows weighted by the stories each stands for (``group_centroids``);
its keywords are the c-TF-IDF rule of ``describe.keywords`` over the theme centroids (a term heavy in one
theme and rare in the others), free of the stop words of its language, and its label its first keywords
(``describe.keyword_label``), because a broad subject has no headline of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import xxhash

from newsdedup.cluster.describe import keywords
from newsdedup.cluster.estimator import language_codes
from newsdedup.cluster.features import FEATURE_TERMS, StoryFeatures
from newsdedup.cluster.graph import CENTER_PRIOR_DOCS, feature_terms, knn_edges, row_norms, row_scale
from newsdedup.cluster.kernels.rank import top_k_rows
from newsdedup.cluster.kernels.shared import Centring
from newsdedup.cluster.languages import base_language, language_key, stop_words_for
from newsdedup.cluster.linkage import EDGE_FLOOR_RATIO, link
from newsdedup.model import MapFn, serial_map

__all__ = [
    "CENTROID_TERMS",
    "Centroids",
    "group_centroids",
    "link_centroids",
    "story_centroids",
    "theme_id_for",
    "theme_keywords",
]

#: Terms kept per centroid (the heaviest): enough to compare broad subjects, small enough for the state.
CENTROID_TERMS = 200
#: Neighbours per centroid in the kNN graph of the theme pass.
THEME_NEIGHBORS = 20
#: Terms in more than this share of the documents are left out of the theme vectors (they say nothing of a
#: subject), and so are the terms of one document only (they link nothing and dilute the rest).
THEME_MAX_DF = 0.5
#: Keywords asked for per theme, as a multiple of those shown: stop words removed leave fewer.
_KEYWORD_POOL = 3


@dataclass(frozen=True)
class Centroids:
    """Unit centroid rows (``matrix``, float32 CSR, columns named by ``terms``) with, per row, an ``ids``
    string (a topic or theme id), its ``language`` (None: unknown), the number of stories it stands for
    (``weight``) and its mean time in days since the epoch (``day``, NaN when untimed)."""

    ids: np.ndarray
    matrix: sp.csr_matrix
    terms: np.ndarray
    language: list[str | None]
    weight: np.ndarray
    day: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls) -> Centroids:
        return cls(
            np.empty(0, dtype=object),
            sp.csr_matrix((0, 0), dtype=np.float32),
            np.empty(0, dtype=object),
            [],
            np.empty(0, dtype=np.float64),
            np.empty(0, dtype=np.float64),
        )

    def take(self, rows: np.ndarray) -> Centroids:
        """The rows at positions ``rows``, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        return Centroids(
            self.ids[rows],
            sp.csr_matrix(self.matrix[rows]),
            self.terms,
            [self.language[i] for i in rows.tolist()],
            self.weight[rows],
            self.day[rows],
        )

    @staticmethod
    def concat(parts: Sequence[Centroids]) -> Centroids:
        """The rows of ``parts`` in order, over the union of their terms (sorted)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return Centroids.empty()
        terms = np.array(sorted({str(t) for p in parts for t in p.terms.tolist()}), dtype=object)
        mats = []
        for p in parts:
            remap = np.searchsorted(terms.astype(str), p.terms.astype(str)).astype(np.int32)
            m = p.matrix.tocoo()
            mats.append(sp.csr_matrix((m.data, (m.row, remap[m.col])), shape=(len(p), len(terms))))
        return Centroids(
            np.concatenate([p.ids for p in parts]).astype(object),
            sp.csr_matrix(sp.vstack(mats, format="csr"), dtype=np.float32),
            terms,
            [lang for p in parts for lang in p.language],
            np.concatenate([p.weight for p in parts]),
            np.concatenate([p.day for p in parts]),
        )

    def row_terms(self, row: int) -> tuple[list[str], list[float]]:
        """Row ``row``'s terms and weights, heaviest first (ties: alphabetical)."""
        lo, hi = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        cols, vals = self.matrix.indices[lo:hi], self.matrix.data[lo:hi]
        words = self.terms[cols].astype(str)
        order = np.lexsort((words, -vals))
        return words[order].tolist(), vals[order].astype(float).tolist()

    @classmethod
    def from_terms(
        cls,
        ids: Sequence[str],
        terms: Sequence[Sequence[str]],
        values: Sequence[Sequence[float]],
        language: Sequence[str | None],
        weight: Sequence[float],
        day: Sequence[float],
    ) -> Centroids:
        """Centroids given row by row as (terms, weights) lists, e.g. read back from the state."""
        vocab = np.array(sorted({str(t) for row in terms for t in row}), dtype=object)
        col = np.searchsorted(vocab.astype(str), [str(t) for row in terms for t in row]).astype(np.int32)
        ptr = np.concatenate([[0], np.cumsum([len(r) for r in terms])]).astype(np.int64)
        val = np.array([float(v) for row in values for v in row], dtype=np.float32)
        m = sp.csr_matrix((val, col, ptr), shape=(len(ids), len(vocab)))
        m.sum_duplicates()
        return cls(
            np.array(list(ids), dtype=object),
            _unit_top_terms(m),
            vocab,
            list(language),
            np.asarray(weight, dtype=np.float64),
            np.asarray(day, dtype=np.float64),
        )


def theme_id_for(smallest_topic_id: str) -> str:
    """Content-derived theme id: ``"h_"`` + xxh64 hex of the smallest topic_id among its first stories."""
    return "h_" + xxhash.xxh64_hexdigest(smallest_topic_id.encode("utf-8"))


def theme_doc_matrix(
    features: StoryFeatures, rows: np.ndarray, map_fn: MapFn = serial_map
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(X, terms): unit TF-IDF rows of the documents at positions ``rows`` of ``features`` over all their
    stored terms found in 2 documents up to ``THEME_MAX_DF`` of them (the story level's cut to each
    document's most specific terms keeps names and places, which make events, not subjects)."""
    n = len(rows)
    ptr, col, val, hashes = feature_terms(features, rows, FEATURE_TERMS, map_fn)
    df = np.bincount(col, minlength=len(hashes))
    kept = np.flatnonzero((df >= 2) & (df <= max(2.0, THEME_MAX_DF * n)))
    idf = (np.log((1.0 + n) / (1.0 + df[kept])) + 1.0).astype(np.float32)
    del df
    remap = np.full(len(hashes), -1, dtype=np.int32)
    remap[kept] = np.arange(len(kept), dtype=np.int32)
    new_col = remap[col]
    keep = new_col >= 0
    # the selection is CSR with each row's entries sorted by column and no repeats: the kept entries are
    # one too, built in place of a (row, column) list converted (a few copies of every entry)
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    new_ptr = kept_before[ptr]
    del kept_before
    new_col = new_col[keep]
    data = np.asarray(val[keep], dtype=np.float32)
    del keep
    data *= idf[new_col]
    X = sp.csr_matrix((data, new_col, new_ptr), shape=(n, len(kept)))
    norms = row_norms(X)
    row_scale(X, np.divide(1.0, norms, out=np.zeros(n), where=norms > 0))
    pos = np.minimum(np.searchsorted(features.vocab_hash, hashes[kept]), max(len(features.vocab_hash) - 1, 0))
    terms = features.vocab_term[pos] if len(features.vocab_term) else np.empty(0, dtype=object)
    return X, np.asarray(terms, dtype=object)


def story_centroids(
    X: sp.csr_matrix,
    labels: np.ndarray,
    terms: np.ndarray,
    ids: np.ndarray,
    languages: Sequence[str | None],
    days: np.ndarray,
) -> Centroids:
    """The centroid of each story: the mean of its members' unit rows ``X`` (one per document, ``labels``
    0..k-1), cut to ``CENTROID_TERMS`` terms and made unit; ``ids``, ``languages``: one per story; ``days``:
    one per document (NaN: untimed), averaged over the story's timed members."""
    k = len(ids)
    timed = ~np.isnan(days)
    n_timed = np.bincount(labels[timed], minlength=k)
    t_sum = np.bincount(labels[timed], weights=days[timed], minlength=k)
    day = np.divide(t_sum, n_timed, out=np.full(k, np.nan), where=n_timed > 0)
    matrix = _story_sums(X, labels, k)
    return Centroids(np.asarray(ids, dtype=object), matrix, terms, list(languages), np.ones(k), day)


#: Documents whose stories :func:`_story_sums` sums at a time.
_SUM_BLOCK_DOCS = 1 << 16


def _story_sums(X: sp.csr_matrix, labels: np.ndarray, k: int) -> sp.csr_matrix:
    """Each story's members' rows of ``X`` summed and cut (:func:`_unit_top_terms`), stories in blocks of
    about ``_SUM_BLOCK_DOCS`` members: the sums of all stories at once hold every distinct (story, term)
    before the cut, several times the centroids. A story's row does not depend on the block it is in (its
    members are summed in document order either way)."""
    order = np.argsort(labels, kind="stable")  # members of a story together, in document order
    starts = np.searchsorted(
        labels[order], np.arange(k + 1)
    )  # story s's members: order[starts[s]:starts[s+1]]
    cuts = np.unique(np.searchsorted(starts, np.arange(0, len(labels), _SUM_BLOCK_DOCS), side="right") - 1)
    bounds = [*cuts.tolist(), k]
    blocks = []
    for s0, s1 in itertools.pairwise(bounds):
        members = order[starts[s0] : starts[s1]]
        ind = sp.csr_matrix(
            (np.ones(len(members)), (labels[members] - s0, np.arange(len(members)))),
            shape=(s1 - s0, len(members)),
        )
        blocks.append(_unit_top_terms(sp.csr_matrix(ind @ X[members], dtype=np.float32)))
    if not blocks:
        return _unit_top_terms(sp.csr_matrix((k, X.shape[1]), dtype=np.float32))
    return sp.csr_matrix(sp.vstack(blocks, format="csr"), dtype=np.float32)


def group_centroids(c: Centroids, labels: np.ndarray, ids: Sequence[str]) -> Centroids:
    """One centroid per group of rows (``labels`` 0..k-1, ``ids`` naming the groups): the mean of its
    rows weighted by the stories each stands for; its language the known one of its rows (the linkage keeps
    one per group), its time the weighted mean of its timed rows."""
    k = len(ids)
    w = c.weight
    ind = sp.csr_matrix((w, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = sp.csr_matrix(ind @ c.matrix, dtype=np.float32)
    timed = ~np.isnan(c.day)
    tw = np.bincount(labels[timed], weights=w[timed], minlength=k)
    ts = np.bincount(labels[timed], weights=(w * np.nan_to_num(c.day))[timed], minlength=k)
    langs: list[str | None] = [None] * k
    for label, lang in zip(labels.tolist(), c.language, strict=True):
        if langs[label] is None and isinstance(lang, str) and base_language(lang) not in ("", "und"):
            langs[label] = lang
    return Centroids(
        np.asarray(list(ids), dtype=object),
        _unit_top_terms(sums),
        c.terms,
        langs,
        np.bincount(labels, weights=w, minlength=k),
        np.divide(ts, tw, out=np.full(k, np.nan), where=tw > 0),
    )


def link_centroids(c: Centroids, threshold: float, map_fn: MapFn = serial_map) -> np.ndarray:
    """Group centroid rows by average linkage over their centred cosines (see the module's docstring);
    returns a label per row, 0..k-1 in order of first appearance. Rows of two known languages never share a
    label."""
    n = len(c)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((np.arange(n), np.nan_to_num(c.day, nan=np.inf)))
    X = sp.csr_matrix(c.matrix[order], dtype=np.float32)
    X.sort_indices()
    cent = _centring(X)  # scales X in place
    days = np.full(n, np.nan)  # no time decay: a subject lasts
    floor = EDGE_FLOOR_RATIO * threshold
    lang = language_codes(c.language, n)[order]
    edges = knn_edges(X, cent, days, THEME_NEIGHBORS, None, floor, map_fn, lang)
    roots_t = link(X, cent, days, edges, threshold, None, floor, lang)
    roots = np.empty(n, dtype=np.int64)
    roots[order] = order[roots_t]
    _, first, inv = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inv.ravel()]


def _centring(X: sp.csr_matrix) -> Centring:
    """The centring terms of ``graph.centering`` (the mean shrunk by n / (n + CENTER_PRIOR_DOCS)) with each
    row's own share of the mean left out of its dot with the mean; scales X's unit rows in place."""
    n = X.shape[0]
    shrink = n / (n + CENTER_PRIOR_DOCS)
    m = np.asarray(X.mean(axis=0), dtype=np.float64).ravel() * shrink
    mm = float(m @ m)
    xm = np.asarray(X @ m, dtype=np.float64).ravel()
    own = row_norms(X) ** 2 * shrink / max(n, 1)
    u = 1.0 / np.sqrt(np.maximum(1.0 - 2.0 * xm + mm, 1e-12))
    row_scale(X, u)
    return Centring(u, u * (xm - own), mm)


def theme_keywords(c: Centroids, top_n: int) -> list[list[str]]:
    """Each row's ``top_n`` keywords by the c-TF-IDF rule of ``describe.keywords`` over the rows (one row
    per theme), without the stop words of the row's language."""
    k = len(c)
    if k == 0:
        return []
    pool = keywords(c.matrix, np.arange(k), k, c.terms, top_n * _KEYWORD_POOL)
    out = []
    for words, lang in zip(pool, c.language, strict=True):
        stop = stop_words_for(language_key(lang))
        out.append([w for w in words if w not in stop][:top_n])
    return out


def _unit_top_terms(M: sp.csr_matrix) -> sp.csr_matrix:
    """Each row cut to its ``CENTROID_TERMS`` heaviest entries (ties: the smaller column; compiled
    ``top_k_rows``) and scaled to unit length; all-zero rows stay zero."""
    M = sp.csr_matrix(M, dtype=np.float32)
    M.sum_duplicates()
    M.eliminate_zeros()
    M.sort_indices()
    lens = np.diff(M.indptr)
    if lens.size and lens.max() > CENTROID_TERMS:
        entry = np.arange(
            M.nnz, dtype=np.int64
        )  # in column order within a row: ties go to the smaller column
        rows, keep = top_k_rows(
            M.indptr.astype(np.int64), M.data, entry, np.empty(0, np.int64), CENTROID_TERMS
        )
        order = np.lexsort((keep, rows))
        rows, keep = rows[order], keep[order]
        M = sp.csr_matrix((M.data[keep], (rows, M.indices[keep])), shape=M.shape, dtype=np.float32)
    norms = row_norms(M)
    row_scale(M, np.divide(1.0, norms, out=np.zeros(len(norms)), where=norms > 0))
    M.sort_indices()
    return M
