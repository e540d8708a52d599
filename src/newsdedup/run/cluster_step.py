"""Step 5, cluster: the run's canonical articles clustered into stories with the recent history's.

The new canonical articles and the history's canonical articles within the topic window are clustered
together; the clusters are mapped onto the earlier topic ids and the topics table of the new version is made
(:mod:`newsdedup.incremental.topics`). Story features of the new articles are made here from their staged
text, and of the history window from its retained text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from newsdedup.cluster import (
    TOPIC_COLUMNS,
    StoryFeatures,
    elided_text,
    elides,
    story_clusters,
    story_features,
)
from newsdedup.cluster.themes import Centroids
from newsdedup.incremental import (
    apply_canonical_changes,
    assign_topics,
    cluster_docs,
    group_sizes,
    topic_window,
    topics_table,
)
from newsdedup.incremental.history import Retention
from newsdedup.incremental.themes import (
    THEME_COLUMNS,
    assign_themes,
    theme_topics,
    themes_table,
    topic_centroids,
)
from newsdedup.io.staging import read_stage
from newsdedup.io.store import Staging
from newsdedup.model import MapFn
from newsdedup.params import ClusterParams
from newsdedup.run.budget import workers
from newsdedup.run.context import RunContext
from newsdedup.run.dedup_step import Deduped
from newsdedup.run.parallel import processes_map, thread_map
from newsdedup.run.read_step import Parsed

__all__ = ["Clustered", "cluster_step", "staged_features"]

# Each part's vocabulary repeats most words of the others: the parts' vocabularies are merged every
# _VOCAB_MERGE parts (kept apart, thousands of strings per part would add up to more than the features).
_VOCAB_MERGE = 16


@dataclass(frozen=True)
class Clustered:
    """The topic id of each of the run's articles (aligned with them), the topics table of the new version
    (with each topic's theme_id) and the merge candidates (lists of earlier topic ids one cluster spans);
    the themes table, every theme's centroid (for the state) and the theme merge candidates."""

    topic_id: pd.Series
    topics: pd.DataFrame
    merges: list[list[str]]
    themes: pd.DataFrame
    theme_centroids: Centroids
    theme_merges: list[list[str]]


def cluster_step(
    ctx: RunContext, staging: Staging, parsed: Parsed, deduped: Deduped, times: Retention
) -> Clustered:
    """Cluster the new canonical articles with the history window; assign and describe the topics."""
    arts, dup = parsed.articles, deduped.columns
    canon_mask = dup["is_canonical"].to_numpy()
    with ctx.steps.step("cluster", n_in=int(canon_mask.sum()) if len(arts) else 0) as s:
        hist = apply_canonical_changes(ctx.state.history, deduped.changes)
        canon_rows = np.flatnonzero(canon_mask)
        window = topic_window(
            hist, times.t_old, times.t_new[canon_mask], ctx.config.state.topic_window_days, deduped.changes
        )
        if parsed.updates:  # an updated article is clustered as its new version only
            window = window[~hist["article_id"].iloc[window].isin(parsed.updates).to_numpy()]
        old_titles = ctx.state.history_values("title", window)
        docs = cluster_docs(hist.iloc[window], old_titles, arts.loc[canon_mask])
        langs, features = _window_features(ctx, parsed, hist, window, canon_rows, old_titles)
        # the history keeps no body: only new articles without published_at get their dateline's date
        untimed = docs["published_at"].iloc[len(window) :].isna().to_numpy()
        bodies: list[str | None] = [None] * len(window)
        docs["body"] = bodies + _untimed_bodies(parsed.parts, canon_rows, untimed)
        docs["group_size"] = group_sizes(hist["dup_group_id"], dup["dup_group_id"], window, canon_rows)
        threads = thread_map(ctx.config.run.n_jobs)
        union_topic, desc, centroids = story_clusters(
            docs,
            ctx.config.cluster,
            features=features,
            languages=langs,
            map_fn=threads,
            progress=ctx.progress.advance,
        )
        ctx.progress.clear()
        union_topic.index = docs["article_id"].to_numpy()
        del docs, features  # the theme linkage below is the step's peak: not held through it
        topic_id, final, merges = assign_topics(union_topic, hist, deduped.changes, dup["canonical_id"])
        members = pd.DataFrame(
            {
                "article_id": arts["article_id"],
                "topic_id": topic_id,
                "published_at": arts["published_at"],
                "source": arts["source"],
            }
        )
        old_topics = _topics_of_replaced(staging, parsed.updates)  # they lose the earlier versions
        touched = set(members["topic_id"].dropna()) | old_topics
        prev_members = _previous_members(ctx, staging, touched)
        replaced = prev_members["article_id"].isin(parsed.updates).to_numpy()
        prev_topics = _previous_topics(ctx, staging)
        previous = (prev_topics, prev_members[~replaced])
        topics = topics_table(members, (desc, union_topic, final), previous, ctx.run_id, old_topics)
        topics, themed = _themes(ctx, staging, topics, prev_topics, (centroids, final))
        s.n_out = len(topics)
        s.extra["topic_merge_candidates"] = len(merges)
        s.extra["themes"] = len(themed[0])
        s.extra["theme_merge_candidates"] = len(themed[2])
    return Clustered(topic_id, topics, merges, *themed)


def _themes(
    ctx: RunContext,
    staging: Staging,
    topics: pd.DataFrame,
    prev_topics: pd.DataFrame,
    clustered: tuple[Centroids, dict[str, str]],
) -> tuple[pd.DataFrame, tuple[pd.DataFrame, Centroids, list[list[str]]]]:
    """The topics table with each topic's theme_id (kept from the previous table, else assigned now:
    :mod:`newsdedup.incremental.themes`), and (the themes table, every theme's centroid, the theme merge
    candidates)."""
    centroids, final = clustered
    topics = topics.assign(theme_id=theme_topics(topics, prev_topics).to_numpy(dtype=object))
    wanted = set(topics.loc[topics["theme_id"].isna(), "topic_id"].astype(str))
    new = topic_centroids(centroids, final, wanted)
    got = assign_themes(
        new, ctx.state.themes, ctx.config.cluster.theme_threshold, thread_map(ctx.config.run.n_jobs)
    )
    assigned = topics["topic_id"].astype(str).map(got.theme_of)
    topics["theme_id"] = topics["theme_id"].where(topics["theme_id"].notna(), assigned).astype(object)
    touched = set(topics.loc[topics["run_id"] == ctx.run_id, "theme_id"].dropna().astype(str))
    themes = themes_table(
        topics, got.centroids, _previous_table(ctx, staging, "themes", THEME_COLUMNS), touched, ctx.run_id,
        ctx.config.cluster.keywords_top_n,
    )  # fmt: skip
    return topics, (themes, got.centroids, got.merges)


def _window_features(
    ctx: RunContext,
    parsed: Parsed,
    hist: pd.DataFrame,
    window: np.ndarray,
    canon_rows: np.ndarray,
    old_titles: list[str],
) -> tuple[list[str | None] | None, StoryFeatures]:
    """The languages (None: not recorded) and the clustering features of the history window's articles
    followed by the new canonicals."""
    old_langs, new_langs = _languages(hist, window), _languages(parsed.articles, canon_rows)
    langs = None if new_langs is None else [*(old_langs or ["und"] * len(window)), *new_langs]
    features = StoryFeatures.concat(
        [
            story_features(
                old_titles,
                ctx.state.history_values("match_text", window),
                ctx.config.cluster,
                None if langs is None else langs[: len(window)],
            ),
            staged_features(parsed.parts, canon_rows, ctx.config.cluster, _part_map(ctx, parsed), new_langs),
        ]
    )
    return langs, features


def _part_map(ctx: RunContext, parsed: Parsed) -> MapFn:
    """How the staged parts are featurised: on worker processes (the names of ``cluster.entities`` are
    found in Python, which holds the GIL), spilling results beside the parts; one part, or one job, here."""
    n = workers(ctx.config.run)  # as many as the memory budget allows, like the read workers
    if len(parsed.parts) <= 1 or n <= 1:
        return thread_map(1)
    return processes_map(n, os.path.dirname(parsed.parts[0][0]))


def _featurise_part(
    job: tuple[str, np.ndarray, list[str | None] | None], params: ClusterParams
) -> StoryFeatures:
    """The story features of the rows ``idx`` of the staged part ``path`` (``job``: path, idx, languages)."""
    path, idx, langs = job
    table = read_stage(path).select(["title", "match_text", "body"]).take(pa.array(idx))
    titles, texts, bodies = (table.column(c).to_pylist() for c in range(3))
    if langs is not None and any(map(elides, langs)):
        texts = [elided_text(t or "", b, lang) for t, b, lang in zip(texts, bodies, langs, strict=True)]
    return story_features(titles, texts, params, langs, bodies)


def _languages(table: pd.DataFrame, rows: np.ndarray) -> list[str | None] | None:
    """The ``language`` of the rows at positions ``rows`` of a table (articles or history), or None when the
    table has no such column (output and state written before languages were recorded)."""
    if "language" not in table.columns:
        return None
    return [v if isinstance(v, str) else None for v in table["language"].iloc[rows].tolist()]


def _previous_topics(ctx: RunContext, staging: Staging) -> pd.DataFrame:
    """The previous version's topics table (empty on a first run or when not incremental; without
    ``theme_id`` when written before themes)."""
    return _previous_table(ctx, staging, "topics", [*TOPIC_COLUMNS, "run_id"])


def _previous_table(ctx: RunContext, staging: Staging, table: str, columns: list[str]) -> pd.DataFrame:
    """The previous version's one-part ``table`` (topics, themes), or an empty frame with ``columns`` on a
    first run, when not incremental or when the previous version has no such table."""
    empty = pd.DataFrame(columns=columns)
    if not ctx.incremental or staging.previous is None:
        return empty
    parts = staging.previous_parts(table)
    return pd.read_parquet(parts[0]) if parts else empty


def _previous_members(ctx: RunContext, staging: Staging, topics: set[str]) -> pd.DataFrame:
    """The previous version's articles in ``topics`` (their topic columns), read with a filter so only
    those rows are held (empty on a first run or when not incremental)."""
    cols = ["article_id", "topic_id", "published_at", "source"]
    parts = staging.previous_parts("articles") if ctx.incremental else []
    if not parts or not topics:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return pd.read_parquet(parts[0].parent, columns=cols, filters=[("topic_id", "in", sorted(topics))])


def _topics_of_replaced(staging: Staging, updates: dict[str, str]) -> set[str]:
    """The topics of the earlier versions of the articles updated in this run, read from the parts that
    hold them (the id index names them)."""
    topics: set[str] = set()
    if staging.previous is None:
        return topics
    for stem in sorted(set(updates.values())):
        path = staging.previous / "articles" / f"{stem}.parquet"
        if path.exists():
            frame = pd.read_parquet(path, columns=["article_id", "topic_id"])
            topics.update(frame.loc[frame["article_id"].isin(updates), "topic_id"].dropna())
    return topics


def _untimed_bodies(
    parts: Sequence[tuple[str, np.ndarray]], rows: np.ndarray, untimed: np.ndarray
) -> list[str | None]:
    """The staged bodies of the accepted articles at global positions ``rows`` (sorted) where ``untimed``
    (None elsewhere): clustering reads the date of their dateline (``cluster.cluster_stories``). Only the
    parts holding such an article are read."""
    out: list[str | None] = [None] * len(rows)
    lo = 0
    for path, keep in parts:
        kept = np.flatnonzero(keep)
        hi = lo + len(kept)
        a, b = np.searchsorted(rows, [lo, hi])
        want = np.flatnonzero(untimed[a:b])
        if len(want):
            idx = kept[rows[a:b][want] - lo]
            bodies = read_stage(path).select(["body"]).take(pa.array(idx)).column(0).to_pylist()
            for w, body in zip(want.tolist(), bodies, strict=True):
                out[a + w] = body
        lo = hi
    return out


def staged_features(
    parts: Sequence[tuple[str, np.ndarray]],
    rows: np.ndarray,
    params: ClusterParams,
    map_fn: MapFn,
    languages: Sequence[str | None] | None = None,
) -> StoryFeatures:
    """The story features of the accepted articles at global positions ``rows`` (sorted), made from their
    staged title and matching text part by part, so only those rows' texts are held.

    Made here rather than by the read workers: only the articles clustering needs (the canonical ones) are
    featurised. Parts are featurised through ``map_fn`` (the run passes worker processes: the entity terms
    are found in Python); a document's features depend on its own text only, so the result does not depend on
    the map. ``languages``: the language of each of ``rows`` (None: unknown, English rules). The body is
    read too: its capitalised names are entity terms (``cluster.entities``), and in a language that elides
    it gives the elisions (``cluster.elided_text``)."""
    jobs: list[tuple[str, np.ndarray, list[str | None] | None]] = []
    lo = 0
    for path, keep in parts:
        kept = np.flatnonzero(keep)
        hi = lo + len(kept)
        a, b = np.searchsorted(rows, [lo, hi])
        if b > a:
            jobs.append((path, kept[rows[a:b] - lo], None if languages is None else list(languages[a:b])))
        lo = hi

    featurise = partial(_featurise_part, params=params)
    none = StoryFeatures.empty()
    pieces: list[StoryFeatures] = []
    words: list[StoryFeatures] = [none]
    for at in range(0, len(jobs), _VOCAB_MERGE):
        for f in map_fn(featurise, jobs[at : at + _VOCAB_MERGE]):
            pieces.append(StoryFeatures(f.indptr, f.term, f.weight, none.vocab_hash, none.vocab_term))
            words.append(StoryFeatures(none.indptr, none.term, none.weight, f.vocab_hash, f.vocab_term))
            if len(words) > _VOCAB_MERGE:
                words = [StoryFeatures.concat(words)]
    return StoryFeatures.concat([*pieces, *words]) if pieces else StoryFeatures.empty()
