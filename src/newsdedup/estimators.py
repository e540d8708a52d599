"""scikit-learn estimators over the job's stages: :class:`NearDuplicateFinder` (duplicate groups) and
:class:`StoryClusterer` (stories).

Both follow the estimator contract: parameters set in ``__init__`` only and returned by ``get_params``,
``fit(X, y=None)`` returns ``self`` and learns attributes ending in ``_`` (``labels_``), ``fit_predict``
returns ``labels_``. ``X`` is text: a list (or 1-d array, or Series) of article texts, or a data frame of
plain columns (``title``, ``body`` or ``text``, optional ``id``, ``published_at``, ``source``), parsed and
normalised inside as the job does (:mod:`newsdedup.frames`). The estimator tags say so
(``input_tags.string``, no 2-d numeric input), as scikit-learn's text vectorizers do.

This module is the only one importing ``sklearn.base``; the job's run path never imports it, so
``newsdedup run`` does not pay scikit-learn's import time.

>>> from sklearn.pipeline import make_pipeline
>>> finder = newsdedup.NearDuplicateFinder(threshold=0.6).fit(df)           # doctest: +SKIP
>>> finder.labels_, finder.duplicates_                                        # doctest: +SKIP
>>> newsdedup.StoryClusterer(threshold=0.2).fit_predict(df["body"].tolist())  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin

from newsdedup.frames import cluster_frame, dedup_result, prepared
from newsdedup.params import CANONICAL_RULES, ClusterParams, Config, DedupParams

__all__ = ["NearDuplicateFinder", "StoryClusterer", "as_frame", "first_seen_labels"]


def as_frame(X: Any) -> pd.DataFrame:
    """``X`` as the data frame the stages take: a data frame as is; a list, 1-d array or Series of texts as
    a ``body`` column (ids are the positions). Numeric or 2-d arrays are refused: the input is text."""
    if isinstance(X, pd.DataFrame):
        return X.reset_index(drop=True)
    if isinstance(X, str):
        raise ValueError("X must be a list of texts or a data frame, not one string")
    values = X.to_numpy(dtype=object) if isinstance(X, pd.Series) else np.asarray(X, dtype=object)
    if values.ndim != 1:
        raise ValueError(
            f"X must be a 1-d list of texts or a data frame; got an array of shape {values.shape}"
        )
    bad = next((v for v in values if not (v is None or isinstance(v, str))), None)
    if bad is not None:
        raise ValueError(f"X must hold texts (str); got a {type(bad).__name__}")
    return pd.DataFrame({"body": ["" if v is None else v for v in values]})


def first_seen_labels(keys: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Integer labels 0..k-1 for ``keys`` (one per row), numbered in order of first appearance."""
    _, first, inverse = np.unique(
        np.asarray(keys, dtype=object).astype(str), return_index=True, return_inverse=True
    )
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


class _TextClusterer(ClusterMixin, BaseEstimator):
    """What both estimators share: text input tags and ``fit_predict``."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        """Fit on ``X`` and return ``labels_``."""
        fitted: Any = self.fit(X, y)
        return np.asarray(fitted.labels_)


class NearDuplicateFinder(_TextClusterer):
    """Group exact and near-duplicate articles (MinHash LSH, then exact Jaccard and containment on word
    shingles), as the job's dedup step does; the parameters are those of ``[dedup]`` in the config.

    After ``fit``: ``labels_`` (a duplicate group per row, 0..k-1 in order of first appearance),
    ``n_groups_``, ``assignments_`` (one row per input row: article_id, dup_group_id, canonical_id,
    is_canonical, dup_similarity, dup_method, canonical_reason) and ``duplicates_`` (one row per duplicate:
    article_id, canonical_id, similarity, estimated_similarity, method).
    """

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        containment_threshold: float = 0.8,
        shingle: str = "word",
        shingle_size: int = 5,
        num_perm: int = 128,
        seed: int = 1,
        canonical_rule: tuple[str, ...] = CANONICAL_RULES,
        preferred_sources: tuple[str, ...] = (),
    ) -> None:
        self.threshold = threshold
        self.containment_threshold = containment_threshold
        self.shingle = shingle
        self.shingle_size = shingle_size
        self.num_perm = num_perm
        self.seed = seed
        self.canonical_rule = canonical_rule
        self.preferred_sources = preferred_sources

    def fit(self, X: Any, y: Any = None) -> NearDuplicateFinder:
        """Find the duplicate groups of the articles ``X`` (texts or a data frame); returns self."""
        params = DedupParams(**{name: getattr(self, name) for name in self._get_param_names()})
        docs, result = dedup_result(as_frame(X), Config(dedup=params))
        self.assignments_ = result.assignments.rename(columns={"method": "dup_method"}).set_axis(docs.index)
        self.duplicates_ = result.duplicates
        self.labels_ = first_seen_labels(self.assignments_["dup_group_id"].to_numpy())
        self.n_groups_ = int(self.labels_.max()) + 1 if len(self.labels_) else 0
        return self


class StoryClusterer(_TextClusterer):
    """Cluster articles into stories (the same event or developing story), as the job's cluster step does;
    the parameters are those of ``[cluster]`` in the config.

    After ``fit``: ``labels_`` (a story per row, 0..k-1 in order of first appearance), ``n_clusters_``,
    ``topic_ids_`` (the job's topic id per row) and ``topics_`` (one row per story: topic_id, label,
    keywords, size, n_sources, representative_id, first_published, last_published).
    """

    def __init__(
        self,
        *,
        threshold: float = 0.16,
        time_scale_days: float | None = 7.0,
        title_weight: float = 1.0,
        lead_words: int = 60,
        n_neighbors: int = 20,
        max_features: int | None = None,
        keywords_top_n: int = 8,
        random_state: int = 0,
        short_terms: float = 24.0,
        entity_weight: float = 2.5,
    ) -> None:
        self.threshold = threshold
        self.time_scale_days = time_scale_days
        self.title_weight = title_weight
        self.lead_words = lead_words
        self.n_neighbors = n_neighbors
        self.max_features = max_features
        self.keywords_top_n = keywords_top_n
        self.random_state = random_state
        self.short_terms = short_terms
        self.entity_weight = entity_weight

    def fit(self, X: Any, y: Any = None) -> StoryClusterer:
        """Cluster the articles ``X`` (texts or a data frame) into stories; returns self."""
        params = ClusterParams(**{name: getattr(self, name) for name in self._get_param_names()})
        config = Config(cluster=params)
        topic_id, topics = cluster_frame(prepared(as_frame(X), config), config)
        self.topic_ids_ = topic_id.to_numpy(dtype=object)
        self.topics_ = topics
        self.labels_ = first_seen_labels(self.topic_ids_)
        self.n_clusters_ = int(self.labels_.max()) + 1 if len(self.labels_) else 0
        return self
