"""``cluster_stories``: the clustering step of the job, from a table of canonical articles to topics.

After dedup, it groups the canonical articles that report the same event or developing story (not broad
sections such as "sport") and describes each group (label, keywords, size, sources, time span). The
documents are sorted by article_id first, so the result does not depend on their order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdedup.cluster.describe import describe_topics, empty_topics, keywords
from newsdedup.cluster.estimator import StoryClusterer
from newsdedup.cluster.features import StoryFeatures, story_features
from newsdedup.model import MapFn, ProgressFn, map_with_progress, no_progress, serial_map
from newsdedup.params import ClusterParams

__all__ = ["cluster_stories"]

_DOC_COLUMNS = ("article_id", "title", "published_at", "source", "group_size")


def cluster_stories(
    docs: pd.DataFrame,
    params: ClusterParams,
    features: StoryFeatures | None = None,
    *,
    map_fn: MapFn = serial_map,
    progress: ProgressFn = no_progress,
) -> tuple[pd.Series, pd.DataFrame]:
    """Cluster canonical articles into stories and describe each story.

    ``docs``: article_id, title, published_at, source, group_size, optional group_sources, and match_text
    unless ``features`` (``story_features`` of the rows, in ``docs`` order) are given. Returns (topic_id per
    row, aligned to ``docs.index``; one row per topic with TOPIC_COLUMNS, sorted by size descending then
    topic_id). Sizes count duplicates through ``group_size``. ``map_fn`` runs the clustering's ranges of
    rows (e.g. in the run's threads); the result does not depend on it. ``progress`` hears of the rows
    the clustering's steps have done.
    """
    need = _DOC_COLUMNS if features is not None else (*_DOC_COLUMNS, "match_text")
    missing = [c for c in need if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing columns {missing}")
    if features is not None and len(features) != len(docs):
        raise ValueError(f"features has {len(features)} rows for {len(docs)} docs")
    if len(docs) == 0:
        return pd.Series([], index=docs.index, dtype=object, name="topic_id"), empty_topics()
    order = np.argsort(docs["article_id"].astype(str).to_numpy(), kind="stable")
    d = docs.iloc[order]
    titles = ["" if t is None or t != t else str(t) for t in d["title"].tolist()]
    published = pd.to_datetime(d["published_at"], utc=True, errors="coerce")
    if features is None:
        feats, rows = story_features(titles, d["match_text"].fillna("").astype(str).tolist(), params), None
    else:
        feats, rows = features, order  # read in place: a take() would copy all the features
    # naive UTC datetime64 (NaT where missing): a tz-aware column would convert through Timestamp objects
    published_ns = published.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    model = StoryClusterer.from_params(params).fit_features(
        feats, published_ns, rows=rows, map_fn=map_with_progress(map_fn, progress, "cluster")
    )
    labels, k = model.labels_, model.n_clusters_
    words = keywords(model.time_weights_, labels[model.time_order_], k, model.terms_, params.keywords_top_n)
    tids, topics = describe_topics(d, titles, published_ns, labels, model.centrality_, words)
    per_doc = np.empty(len(docs), dtype=object)
    per_doc[order] = tids[labels]
    return pd.Series(per_doc, index=docs.index, name="topic_id", dtype=object), topics
