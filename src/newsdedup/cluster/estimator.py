"""``StoryModel``: the model the cluster stage fits (the scikit-learn estimator users see is
``newsdedup.estimators.StoryClusterer``, which wraps the stage) that clusters documents into stories.

It runs the steps of the other modules on one doc-term matrix, rescaled in place between them: the run's
feature weights W (``graph.feature_matrix``) -> unit TF-IDF rows X -> centred, scaled rows for the kNN
graph and the merge (``graph``, ``linkage``) -> X for centrality -> W for keywords (``describe``). No
randomness is used (``random_state`` is kept for the sklearn-style API); ties break on the smallest index.

Languages (optional, one ISO 639-1 code or ``und`` per document): the features follow each document's
language (``features.story_features``), and two documents or stories of different known languages are
never linked (``linkage``); ``und`` and None mean unknown, which may join a story of any language.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from newsdedup.cluster.describe import centrality
from newsdedup.cluster.features import StoryFeatures, story_features
from newsdedup.cluster.graph import (
    CLUSTER_TERMS,
    centering,
    feature_matrix,
    knn_edges,
    no_language,
    row_norms,
    row_scale,
)
from newsdedup.cluster.languages import base_language
from newsdedup.cluster.linkage import EDGE_FLOOR_RATIO, link
from newsdedup.cluster.short import boost_short_rows, unboost
from newsdedup.model import MapFn, serial_map
from newsdedup.params import ClusterParams

__all__ = ["StoryModel"]

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86400.0


def language_codes(languages: Sequence[str | None] | np.ndarray | None, n: int) -> np.ndarray:
    """A small integer per document's language (-1: unknown, i.e. None, NaN, ``""`` or ``und``), for the
    kernels; the same language gets the same code (region and script tags ignored: ``zh-TW`` is ``zh``)."""
    if languages is None:
        return no_language(n)
    if len(languages) != n:
        raise ValueError(f"languages has {len(languages)} values for {n} texts")
    # the distinct values are few: each is cleaned once, then every document looked up
    raw = [lang if isinstance(lang, str) else "" for lang in languages]
    clean = {v: base_language(v) for v in set(raw)}
    names = sorted({c for c in clean.values() if c not in ("", "und")})
    code_of = {c: i for i, c in enumerate(names)}  # alphabetical: 0, 1, ...; unknown -1
    by_raw = {v: code_of.get(c, -1) for v, c in clean.items()}
    return np.fromiter((by_raw[v] for v in raw), dtype=np.int32, count=n)


def to_days(published_at: Sequence[Any] | np.ndarray | None, n: int) -> np.ndarray:
    """Times as float days since the epoch, NaN where missing."""
    if published_at is None:
        return np.full(n, np.nan)
    if isinstance(published_at, np.ndarray) and published_at.dtype.kind == "M":
        if len(published_at) != n:
            raise ValueError(f"published_at has {len(published_at)} values for {n} texts")
        stamps = published_at.astype("datetime64[ns]")
        out = stamps.astype("int64").astype(np.float64) / 1e9 / SECONDS_PER_DAY
        out[np.isnat(stamps)] = np.nan
        return out
    ts = pd.to_datetime(pd.Series(list(published_at), dtype=object), utc=True, errors="coerce")
    if len(ts) != n:
        raise ValueError(f"published_at has {len(ts)} values for {n} texts")
    ns = ts.to_numpy(dtype="datetime64[ns]").astype("int64").astype(np.float64)
    days = ns / 1e9 / SECONDS_PER_DAY
    days[ts.isna().to_numpy()] = np.nan
    return days


class StoryModel:
    """Cluster news texts into stories (same event / developing story): the cluster stage's model, run by
    ``cluster_stories``. (The scikit-learn estimator is :class:`newsdedup.estimators.StoryClusterer`, which
    takes texts or a data frame; this class derives from no scikit-learn base so the job never imports it.)

    After ``fit``: ``labels_`` (int array, 0..k-1 in order of first appearance), ``n_clusters_``,
    ``centrality_`` (cosine of each document to its cluster centroid), ``terms_`` (one term per column),
    ``time_order_`` (the documents in time order: untimed last, then by position), ``time_weights_`` (the
    one matrix kept: each document's ``CLUSTER_TERMS`` kept feature weights before IDF, row r being
    document ``time_order_[r]``), ``idf_``, and, built from them on request, ``counts_`` (those weights in
    document order, used for keywords) and ``X_`` (unit TF-IDF rows).
    """

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.params = ClusterParams() if params is None else params

    @property
    def counts_(self) -> sp.csr_matrix:
        """The feature weights of each document's kept terms (before IDF), one row per document."""
        inv = np.empty(len(self.time_order_), dtype=np.int64)
        inv[self.time_order_] = np.arange(len(self.time_order_))
        return sp.csr_matrix(self.time_weights_[inv])

    @property
    def X_(self) -> sp.csr_matrix:
        """Unit TF-IDF rows, one per document."""
        X = self.counts_
        row_scale(X, np.ones(X.shape[0]), 1.0 / self.idf_)
        norms = row_norms(X)
        row_scale(X, np.divide(1.0, norms, out=np.zeros(len(norms)), where=norms > 0))
        return X

    def fit(
        self,
        texts: Sequence[str],
        titles: Sequence[str | None] | None = None,
        published_at: Sequence[pd.Timestamp | None] | np.ndarray | None = None,
        *,
        languages: Sequence[str | None] | None = None,
        map_fn: MapFn = serial_map,
    ) -> StoryModel:
        """Cluster ``texts`` (matching text), with optional headlines, UTC times and languages (ISO 639-1
        codes, ``und`` or None; None for all: unknown, English rules); returns self."""
        params = self.params
        n = len(texts)
        if titles is not None and len(titles) != n:
            raise ValueError(f"titles has {len(titles)} values for {n} texts")
        feats = story_features([None] * n if titles is None else titles, texts, params, languages)
        return self.fit_features(feats, published_at, languages=languages, map_fn=map_fn)

    def fit_features(
        self,
        features: StoryFeatures,
        published_at: Sequence[pd.Timestamp | None] | np.ndarray | None = None,
        *,
        rows: np.ndarray | None = None,
        languages: Sequence[str | None] | np.ndarray | None = None,
        map_fn: MapFn = serial_map,
    ) -> StoryModel:
        """Cluster documents given by their ``story_features`` (one row each), with optional UTC times.

        ``rows``: cluster the documents at these positions of ``features``, in this order (as
        ``features.take(rows)`` would, without copying the features); ``published_at`` and ``languages`` (see
        ``fit``) then follow ``rows``. ``map_fn`` runs the per-row steps' ranges of rows (the result does not
        depend on it).
        """
        src = np.arange(len(features), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        n = len(src)
        days = to_days(published_at, n)
        lang = language_codes(languages, n)  # checks the length at once
        if n == 0:
            self.labels_ = np.empty(0, dtype=np.int64)
            self.n_clusters_ = 0
            self.centrality_ = np.empty(0, dtype=np.float64)
            return self
        # Graph and merge work in time order (untimed documents last, then by row): a document's
        # candidates are near it in time, so their rows are near in memory too (cache-friendly).
        order = np.lexsort((np.arange(n), np.nan_to_num(days, nan=np.inf)))
        p = self.params
        M, self.terms_ = feature_matrix(features, p.max_features, src[order], map_fn)
        idf, norms = _to_unit_tfidf(M)
        boost = boost_short_rows(M, centering(M), p.short_terms, CLUSTER_TERMS)
        centring = boost.centring
        days_t = days[order]
        floor = EDGE_FLOOR_RATIO * p.threshold
        edges = knn_edges(M, centring, days_t, p.n_neighbors, p.time_scale_days, floor, map_fn, lang[order])
        n_edges = len(edges.lo)
        roots_t = link(M, centring, days_t, edges, p.threshold, p.time_scale_days, floor, lang[order])
        del edges
        self.labels_, self.n_clusters_ = _labels(roots_t, order)
        row_scale(M, 1.0 / unboost(M, boost).w)  # back to unit rows
        self.centrality_ = np.empty(n, dtype=np.float64)
        self.centrality_[order] = centrality(M, self.labels_[order], self.n_clusters_)
        row_scale(M, norms, idf)  # back to the weights
        self.time_order_ = order
        self.time_weights_ = M
        self.idf_ = idf
        logger.debug(
            "clustered %d docs into %d stories (%d graph edges, %d terms)",
            n,
            self.n_clusters_,
            n_edges,
            M.shape[1],
        )
        return self


def _labels(roots_t: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, int]:
    """(label per document, number of clusters) from the root of each document in time order ``roots_t``:
    labels 0..k-1 in order of first appearance in document order."""
    roots = np.empty(len(order), dtype=np.int64)
    roots[order] = order[roots_t]
    _, first, inv = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inv], len(first)


def _to_unit_tfidf(M: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Feature weights -> unit TF-IDF rows, in place, with the run's IDF; returns (idf, the norms divided by)."""
    n = M.shape[0]
    df = np.bincount(M.indices, minlength=M.shape[1])
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    row_scale(M, np.ones(n), 1.0 / idf)
    norms = row_norms(M)
    inv_norm = np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)
    row_scale(M, inv_norm)
    return idf, norms
