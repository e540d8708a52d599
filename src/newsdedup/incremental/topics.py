"""Topics across runs: a run's clusters mapped onto the earlier topics, and the topics table of the new version.

Canonical history articles within ``topic_window_days`` are clustered together with the new canonical
articles. A cluster holding earlier articles keeps the id of the earlier topic most of them belong to (ties:
the smallest id); earlier articles never change topic; a cluster of new articles only gets a new
content-derived id. Clusters that span several earlier topics do not merge them: the new articles join the
majority topic and the other topics are reported as merge candidates in the manifest.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.cluster import TOPIC_COLUMNS

__all__ = [
    "assign_topics",
    "cluster_docs",
    "group_sizes",
    "reconcile_topics",
    "topic_window",
    "topics_table",
]

_TEXT_COLUMNS = ["label", "keywords", "representative_id"]


def topic_window(
    history: pd.DataFrame, t_old: pd.Series, t_new: pd.Series, window_days: float, changes: dict[str, str]
) -> np.ndarray:
    """Row positions of the history's canonical articles within ``window_days`` of the new canonical
    articles' times ``t_new``, clustered with them (a canonical that lost to a new article is not one)."""
    if not len(history) or not len(t_new):
        return np.zeros(0, dtype=np.int64)
    w = pd.Timedelta(days=window_days)
    keep = history["is_canonical"].astype(bool) & (t_old >= t_new.min() - w) & (t_old <= t_new.max() + w)
    keep &= ~history["article_id"].isin(set(changes.values()))
    return np.flatnonzero(keep.to_numpy())


def group_sizes(
    history_groups: pd.Series, new_groups: pd.Series, window_rows: np.ndarray, canon_rows: np.ndarray
) -> np.ndarray:
    """Articles per duplicate group (history included) of the clustered documents: the history rows
    ``window_rows``, then the new articles ``canon_rows``; counted on integer codes."""
    codes, _ = pd.factorize(pd.concat([history_groups, new_groups], ignore_index=True))
    per_group = np.bincount(codes)
    n_hist = len(history_groups)
    return np.concatenate([per_group[codes[window_rows]], per_group[codes[n_hist + canon_rows]]]).astype(
        np.int64
    )


def cluster_docs(
    window_old: pd.DataFrame, old_titles: Sequence[Any], canon_new: pd.DataFrame
) -> pd.DataFrame:
    """The documents to cluster: the history window's rows (with their titles), then the new canonicals."""
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "article_id": window_old["article_id"],
                    "title": old_titles,
                    "published_at": pd.to_datetime(window_old["published_at"], utc=True),
                    "source": window_old["source"],
                }
            ),
            pd.DataFrame(
                {
                    "article_id": canon_new["article_id"],
                    "title": canon_new["title"],
                    "published_at": canon_new["published_at"],
                    "source": canon_new["source"],
                }
            ),
        ],
        ignore_index=True,
    )


def reconcile_topics(union_topic: pd.Series, old_topic: pd.Series) -> tuple[dict[str, str], list[list[str]]]:
    """Final topic id per clustering topic id, and merge candidates (lists of earlier topic ids).

    ``union_topic``: the clusterer's topic id per canonical article_id (history and new);
    ``old_topic``: the stored topic id per history article_id.
    """
    u = union_topic.astype(str)
    final: dict[str, str] = {t: t for t in u.unique().tolist()}
    old = old_topic.reindex(u.index) if len(old_topic) else pd.Series(np.nan, index=u.index, dtype=object)
    pairs = pd.DataFrame({"u": u.to_numpy(), "old": old.to_numpy()}).dropna()
    if pairs.empty:
        return final, []
    pairs["old"] = pairs["old"].astype(str)
    counts = pairs.groupby(["u", "old"]).size().rename("n").reset_index()
    # majority earlier topic per clustering topic; ties go to the smallest id
    counts = counts.sort_values(["u", "n", "old"], ascending=[True, False, True], kind="stable")
    best = counts.drop_duplicates("u")
    final.update(zip(best["u"].tolist(), best["old"].tolist(), strict=True))
    multi = counts.groupby("u")["old"].agg(list)
    merges = [sorted(v) for v in multi.tolist() if len(v) > 1]
    return final, merges


def assign_topics(
    union_topic: pd.Series, history: pd.DataFrame, changes: dict[str, str], canonical_ids: pd.Series
) -> tuple[pd.Series, dict[str, str], list[list[str]]]:
    """The topic id of each new article (by its canonical, ``canonical_ids``), the final id per clustering
    topic and the merge candidates.

    ``union_topic``: the clusterer's topic per clustered article_id; ``history``: the retained history with
    the canonical changes applied. A new article that became the canonical of an earlier group keeps that
    group's topic."""
    old_topic = history.set_index("article_id")["topic_id"] if len(history) else pd.Series(dtype=object)
    final, merges = reconcile_topics(union_topic, old_topic)
    topic_of = {aid: final[str(t)] for aid, t in union_topic.items()}
    old_group_topic = history.drop_duplicates("dup_group_id").set_index("dup_group_id")["topic_id"]
    for group, canon in changes.items():
        topic_of[canon] = str(old_group_topic[group])
    canon_topic = {**old_topic.astype(str).to_dict(), **topic_of}
    return canonical_ids.map(canon_topic).rename("topic_id"), final, merges


def _described_by(union_topic: pd.Series, final: dict[str, str]) -> pd.Series:
    """Per final topic, the clustering topic whose description it takes: the one with the most members
    mapped to it (ties: the larger id)."""
    counts = union_topic.astype(str).value_counts()
    fm = pd.DataFrame({"u": list(final.keys()), "f": list(final.values())}, dtype=object)
    fm["c"] = fm["u"].map(counts).fillna(0).to_numpy(dtype=np.int64)
    fm = fm.sort_values(["f", "c", "u"], ascending=[True, False, False], kind="stable")
    return fm.drop_duplicates("f").set_index("f")["u"]


def _topic_counts(members: pd.DataFrame) -> pd.DataFrame:
    """Size, distinct sources and first/last publication per topic of ``members``."""
    # typed before grouping: an object column would make the aggregations fall back to Python loops
    members = members.assign(published_at=pd.to_datetime(members["published_at"], utc=True))
    grouped = members.groupby("topic_id")
    sources = members.dropna(subset=["source"])
    agg = pd.DataFrame(
        {
            "size": grouped.size(),
            "n_sources": sources[sources["source"] != ""].groupby("topic_id")["source"].nunique(),
            "first_published": grouped["published_at"].min(),
            "last_published": grouped["published_at"].max(),
        }
    )
    agg["n_sources"] = agg["n_sources"].fillna(0).astype("int64")
    return agg


def _descriptions(
    tids: np.ndarray, described_by: pd.Series, desc: pd.DataFrame, prev_topics: pd.DataFrame
) -> pd.DataFrame:
    """Label, keywords and representative of the topics ``tids``: from clustering, else from the previous
    version's topics table."""
    source_desc = desc.set_index("topic_id")[_TEXT_COLUMNS]
    picked = source_desc.reindex(described_by.reindex(tids).to_numpy(dtype=object))
    cols = {c: picked[c].to_numpy(dtype=object).copy() for c in _TEXT_COLUMNS}
    if len(prev_topics):
        missing = picked["label"].isna().to_numpy()
        prev_desc = prev_topics.set_index("topic_id")[_TEXT_COLUMNS].reindex(tids)
        for c in _TEXT_COLUMNS:
            cols[c][missing] = prev_desc[c].to_numpy(dtype=object)[missing]
    return pd.DataFrame(cols, index=tids)


def topics_table(
    members: pd.DataFrame,
    clustered: tuple[pd.DataFrame, pd.Series, dict[str, str]],
    previous: tuple[pd.DataFrame, pd.DataFrame],
    run_id: str,
    also_touched: Collection[str] = (),
) -> pd.DataFrame:
    """The topics table of the new version: the previous topics, with every topic that gained articles in
    this run (or lost one to an updated version, ``also_touched``) counted and described afresh.

    ``members``: the run's articles (article_id, topic_id, published_at, source); ``clustered``: the
    clusterer's descriptions, its topic per clustered article_id and the final id per clustering topic;
    ``previous``: the previous version's topics table and its articles' (article_id, topic_id, published_at,
    source), both empty on a first run."""
    desc, union_topic, final = clustered
    prev_topics, prev_members = previous
    touched = np.union1d(members["topic_id"].dropna().unique(), np.array(sorted(also_touched), dtype=object))
    if len(prev_members):
        # (without a previous version every member's topic is touched: nothing to filter)
        members = pd.concat([prev_members, members], ignore_index=True)
        members = members[members["topic_id"].isin(touched)]
    agg = _topic_counts(members)
    tids = agg.index.to_numpy(dtype=object)
    fresh_desc = _descriptions(tids, _described_by(union_topic, final), desc, prev_topics)
    fresh = pd.DataFrame(
        {
            "topic_id": tids,
            "label": fresh_desc["label"].fillna("").to_numpy(dtype=object),
            "keywords": [list(k) if isinstance(k, list | np.ndarray) else [] for k in fresh_desc["keywords"]],
            "size": agg["size"].to_numpy(dtype=np.int64),
            "n_sources": agg["n_sources"].to_numpy(dtype=np.int64),
            "representative_id": fresh_desc["representative_id"].fillna("").to_numpy(dtype=object),
            "first_published": agg["first_published"].to_numpy(),
            "last_published": agg["last_published"].to_numpy(),
            "run_id": run_id,
        },
        columns=[*TOPIC_COLUMNS, "run_id"],
    )
    kept = prev_topics[~prev_topics["topic_id"].isin(touched)] if len(prev_topics) else prev_topics
    out = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return out.sort_values(["size", "topic_id"], ascending=[False, True]).reset_index(drop=True)
