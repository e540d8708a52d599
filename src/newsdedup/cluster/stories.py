"""``cluster_stories``: the clustering step of the job, from a table of canonical articles to topics.

After dedup, it groups the canonical articles that report the same event or developing story (not broad
sections such as "sport") and describes each group (label, keywords, size, sources, time span). The
documents are sorted by article_id first, so the result does not depend on their order.

With the articles' languages, features and stop words follow each article's language, stories never span
two known languages (``linkage``), and a story's keywords are free of the stop words of its language (the
language of most of its members of known language) and, in Chinese, Japanese and Thai, its distinctive
character n-grams merged into longer runs (``languages.merge_ngrams``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from newsdedup.cluster.describe import describe_topics, empty_topics, keywords
from newsdedup.cluster.estimator import StoryModel, language_codes, to_days
from newsdedup.cluster.features import StoryFeatures, story_features
from newsdedup.cluster.languages import (
    base_language,
    has_unspaced_script,
    language_key,
    merge_ngrams,
    stop_words_for,
)
from newsdedup.cluster.themes import Centroids, story_centroids, theme_doc_matrix
from newsdedup.model import MapFn, ProgressFn, map_with_progress, no_progress, serial_map
from newsdedup.params import ClusterParams
from newsdedup.text.dates import written_date
from newsdedup.text.normalize import normalize_many

__all__ = ["cluster_stories", "story_clusters"]

_DOC_COLUMNS = ("article_id", "title", "published_at", "source", "group_size")


def cluster_stories(
    docs: pd.DataFrame,
    params: ClusterParams,
    features: StoryFeatures | None = None,
    *,
    languages: Sequence[str | None] | None = None,
    map_fn: MapFn = serial_map,
    progress: ProgressFn = no_progress,
) -> tuple[pd.Series, pd.DataFrame]:
    """Cluster canonical articles into stories and describe each story: ``story_clusters`` without the
    centroids."""
    topic_id, topics, _ = story_clusters(
        docs, params, features, languages=languages, map_fn=map_fn, progress=progress, centroids=False
    )
    return topic_id, topics


def story_clusters(
    docs: pd.DataFrame,
    params: ClusterParams,
    features: StoryFeatures | None = None,
    *,
    languages: Sequence[str | None] | None = None,
    map_fn: MapFn = serial_map,
    progress: ProgressFn = no_progress,
    centroids: bool = True,
) -> tuple[pd.Series, pd.DataFrame, Centroids]:
    """Cluster canonical articles into stories, describe each story and, with ``centroids``, make the
    stories' centroids (``themes.story_centroids``, one row per topic_id; else none).

    ``docs``: article_id, title, published_at, source, group_size, optional group_sources and body (the raw
    text, where ``cluster.entities`` finds names and, when published_at is missing, the dateline's date is
    read for the time decay), and match_text unless ``features`` (``story_features`` of the rows, in
    ``docs`` order) are given. Returns (topic_id per row, aligned to ``docs.index``; one row per topic with TOPIC_COLUMNS, sorted by size descending then
    topic_id). Sizes count duplicates through ``group_size``. ``map_fn`` runs the clustering's ranges of
    rows (e.g. in the run's threads); the result does not depend on it. ``languages``: each row's language
    (ISO 639-1, ``und`` or None for unknown), aligned with ``docs``; None: all unknown (English rules).
    ``progress`` hears of the rows the clustering's steps have done. Returns (topic id per row, the topics
    table, the centroids).
    """
    _check_inputs(docs, features, languages)
    if len(docs) == 0:
        return (
            pd.Series([], index=docs.index, dtype=object, name="topic_id"),
            empty_topics(),
            Centroids.empty(),
        )
    order = np.argsort(docs["article_id"].astype(str).to_numpy(), kind="stable")
    d = docs.iloc[order]
    langs = None if languages is None else [languages[i] for i in order.tolist()]
    titles = ["" if t is None or t != t else str(t) for t in d["title"].tolist()]
    published = pd.to_datetime(d["published_at"], utc=True, errors="coerce")
    feats, rows = _features_of(d, titles, params, langs, features, order)
    # naive UTC datetime64 (NaT where missing): a tz-aware column would convert through Timestamp objects
    published_ns = published.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    times = _with_written_dates(published_ns, d)
    model = StoryModel(params).fit_features(
        feats, times, rows=rows, languages=langs, map_fn=map_with_progress(map_fn, progress, "cluster")
    )
    labels, k = model.labels_, model.n_clusters_
    if langs is None:
        words = keywords(
            model.time_weights_, labels[model.time_order_], k, model.terms_, params.keywords_top_n
        )
    else:
        texts = d["match_text"].fillna("").astype(str).tolist() if features is None else []
        words = _language_keywords(model, labels, langs, params.keywords_top_n, (titles, texts))
    tids, topics = describe_topics(d, titles, published_ns, labels, model.centrality_, words)
    del model  # its weight matrix, as big as the theme matrix the centroids build next
    per_doc = np.empty(len(docs), dtype=object)
    per_doc[order] = tids[labels]
    cents = Centroids.empty()
    if centroids:
        cents = _centroids(feats, rows, labels, tids, langs, published_ns, map_fn)
    return pd.Series(per_doc, index=docs.index, name="topic_id", dtype=object), topics, cents


def _features_of(
    d: pd.DataFrame,
    titles: list[str],
    params: ClusterParams,
    langs: list[str | None] | None,
    features: StoryFeatures | None,
    order: np.ndarray,
) -> tuple[StoryFeatures, np.ndarray | None]:
    """(features, the rows of them to read): the given ``features`` read in place at ``order`` (a take()
    would copy them all), else those of ``d``'s texts (already in that order; with ``body``, the raw text
    where names are found)."""
    if features is not None:
        return features, order
    texts = d["match_text"].fillna("").astype(str).tolist()
    bodies = d["body"].tolist() if "body" in d.columns else None
    return story_features(titles, texts, params, langs, bodies), None


def _check_inputs(
    docs: pd.DataFrame, features: StoryFeatures | None, languages: Sequence[str | None] | None
) -> None:
    """Raise ValueError when ``docs`` lacks a column, or ``features``/``languages`` do not match it."""
    need = _DOC_COLUMNS if features is not None else (*_DOC_COLUMNS, "match_text")
    missing = [c for c in need if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing columns {missing}")
    if features is not None and len(features) != len(docs):
        raise ValueError(f"features has {len(features)} rows for {len(docs)} docs")
    if languages is not None and len(languages) != len(docs):
        raise ValueError(f"languages has {len(languages)} values for {len(docs)} docs")


def _centroids(
    feats: StoryFeatures,
    rows: np.ndarray | None,
    labels: np.ndarray,
    tids: np.ndarray,
    langs: Sequence[str | None] | None,
    published_ns: np.ndarray,
    map_fn: MapFn,
) -> Centroids:
    """The stories' centroids (``themes.story_centroids``) from the features at ``rows`` (the documents in
    id order; None: all, as stored), their story ``labels`` and the stories' ids ``tids``."""
    k = len(tids)
    rows = np.arange(len(labels)) if rows is None else rows
    story_langs = [None] * k if langs is None else _story_languages(labels, k, langs)
    X, terms = theme_doc_matrix(feats, rows, map_fn)
    return story_centroids(X, labels, terms, tids, story_langs, to_days(published_ns, len(labels)))


def _with_written_dates(published_ns: np.ndarray, d: pd.DataFrame) -> np.ndarray:
    """The times clustering uses: ``published_at``, or where it is missing the date written at the start of
    the row's ``body`` (``text.dates.written_date``: a dateline), so the time decay still helps; the rows'
    published times in the topics table stay as they are."""
    missing = np.isnat(published_ns)
    if "body" not in d.columns or not missing.any():
        return published_ns
    out = published_ns.copy()
    bodies = d["body"].to_numpy(dtype=object)
    for i in np.flatnonzero(missing).tolist():
        found = written_date(bodies[i]) if isinstance(bodies[i], str) else None
        if found is not None:
            out[i] = np.datetime64(found.replace(tzinfo=None), "ns")
    return out


#: Keywords asked for per story, as a multiple of those shown: stop words and n-grams merged into runs
#: leave fewer.
_KEYWORD_POOL = 3


def _language_keywords(
    model: StoryModel,
    labels: np.ndarray,
    langs: Sequence[str | None],
    top_n: int,
    texts: tuple[list[str], list[str]],
) -> list[list[str]]:
    """Each story's ``top_n`` keywords without the stop words of its language; n-grams of unspaced scripts
    merged into the runs they form in its members' ``texts`` (titles, and the matching texts when given).
    A story's language: the most common among its members of known language (ties: the first in
    alphabetical order), else unknown (English rules)."""
    k = model.n_clusters_
    story_key = [language_key(lang) for lang in _story_languages(labels, k, langs)]
    if all(key == "en" for key in story_key):  # every member's features already lack English stop words
        return keywords(model.time_weights_, labels[model.time_order_], k, model.terms_, top_n)
    pool = keywords(model.time_weights_, labels[model.time_order_], k, model.terms_, top_n * _KEYWORD_POOL)
    titles, bodies = texts
    members = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[members], np.arange(k + 1)).tolist()
    out: list[list[str]] = []
    for c in range(k):
        stop = stop_words_for(story_key[c])
        kept = [w for w in pool[c] if w not in stop]
        if any(map(has_unspaced_script, kept)):
            rows = members[bounds[c] : bounds[c + 1]].tolist()
            found = normalize_many([titles[i] for i in rows]) + [bodies[i] for i in rows if bodies]
            out.append(merge_ngrams(kept, top_n, found))
        else:
            out.append(kept[:top_n])
    return out


def _story_languages(labels: np.ndarray, k: int, langs: Sequence[str | None]) -> list[str | None]:
    """The language of each story: the most common among its members of known language, else None."""
    codes = language_codes(langs, len(langs))
    names: dict[int, str] = {}
    for code, lang in zip(codes.tolist(), langs, strict=True):
        if code >= 0 and isinstance(lang, str):
            names.setdefault(code, base_language(lang))
    known = codes >= 0
    if not known.any():
        return [None] * k
    counts = np.zeros((k, int(codes.max()) + 1), dtype=np.int64)
    np.add.at(counts, (labels[known], codes[known]), 1)
    best = counts.argmax(axis=1)  # codes follow alphabetical order: ties go to the first language
    return [names[int(b)] if counts[c, b] > 0 else None for c, b in enumerate(best.tolist())]
