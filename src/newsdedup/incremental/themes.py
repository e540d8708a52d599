"""Themes across runs: a run's new stories joined to the themes earlier runs found, and the themes table.

The rule, chosen so that theme ids users have stored never change:

- A topic keeps the theme it was given when it first appeared (``theme_id`` of the previous topics table),
  whatever it gains later.
- The topics of this run without a theme (new stories, and stories of an output written before themes
  existed that gained articles) are linked together with the stored theme centroids (one row per earlier
  theme, kept in the state) by the themes' own average linkage (``cluster.themes.link_centroids``). A group
  holding one earlier theme gives its new topics that theme; a group with no earlier theme is a new theme,
  its id derived from its smallest topic id; a group spanning several earlier themes does not merge them:
  each of its new topics joins the one whose centroid is nearest (ties: the smallest id), and the themes
  are reported as merge candidates.
- The stored centroid of a theme that gained topics becomes the mean of its earlier centroid (weighted by
  the topics it stood for) and theirs; the others are kept as they were.

Pure: the run layer reads the previous tables and state and writes the new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.cluster.describe import keyword_label
from newsdedup.cluster.themes import (
    Centroids,
    group_centroids,
    link_centroids,
    theme_id_for,
    theme_keywords,
)
from newsdedup.model import MapFn, serial_map

__all__ = [
    "THEME_COLUMNS",
    "ThemeAssignment",
    "assign_themes",
    "theme_topics",
    "themes_table",
    "topic_centroids",
]

THEME_COLUMNS = [
    "theme_id",
    "label",
    "keywords",
    "n_topics",
    "n_articles",
    "language",
    "first_published",
    "last_published",
    "run_id",
]


@dataclass(frozen=True)
class ThemeAssignment:
    """The theme of each topic given one (``theme_of``: topic id -> theme id), every theme's centroid after
    the run (``centroids``) and the merge candidates (lists of earlier theme ids one group spans)."""

    theme_of: dict[str, str]
    centroids: Centroids
    merges: list[list[str]]


def topic_centroids(clustered: Centroids, final: dict[str, str], wanted: set[str]) -> Centroids:
    """The centroids of the final topics in ``wanted`` from the clustering's (``clustered``, one row per
    clustering topic; ``final``: the final topic id of each): the mean of the clustering topics mapped to a
    final topic, which then stands for one story."""
    finals = np.array([final.get(str(t), str(t)) for t in clustered.ids.tolist()], dtype=object)
    rows = np.flatnonzero([f in wanted for f in finals.tolist()])
    if not len(rows):
        return Centroids.empty()
    ids, labels = np.unique(finals[rows].astype(str), return_inverse=True)
    if len(ids) == len(rows):  # one clustering topic each (the common case): only renamed
        taken = clustered.take(rows[np.argsort(labels.ravel(), kind="stable")])
        return Centroids(
            ids.astype(object), taken.matrix, taken.terms, taken.language, np.ones(len(ids)), taken.day
        )
    grouped = group_centroids(clustered.take(rows), labels.ravel(), ids.tolist())
    return Centroids(
        grouped.ids, grouped.matrix, grouped.terms, grouped.language, np.ones(len(ids)), grouped.day
    )


def assign_themes(
    new: Centroids, stored: Centroids, threshold: float, map_fn: MapFn = serial_map
) -> ThemeAssignment:
    """Themes for the topics ``new`` (ids: topic ids) given the earlier themes' centroids ``stored`` (ids:
    theme ids), by the rule of the module's docstring."""
    union = Centroids.concat([stored, new])
    if not len(new):
        return ThemeAssignment({}, union, [])
    labels = link_centroids(union, threshold, map_fn)
    n_old = len(stored)
    old_labels, new_labels = labels[:n_old], labels[n_old:]
    k = int(labels.max()) + 1
    n_olds = np.bincount(old_labels, minlength=k)
    one_old = np.full(k, -1, dtype=np.int64)
    one_old[old_labels] = np.arange(n_old)
    groups = pd.DataFrame({"label": new_labels, "topic": new.ids.astype(str)})
    founder = groups.groupby("label")["topic"].min()
    theme_of: dict[str, str] = {}
    merges: list[list[str]] = []
    for label, topics in groups.groupby("label")["topic"]:
        lab = int(str(label))
        if n_olds[lab] == 0:
            tid = theme_id_for(str(founder[label]))
            theme_of.update(dict.fromkeys(topics.tolist(), tid))
        elif n_olds[lab] == 1:
            theme_of.update(dict.fromkeys(topics.tolist(), str(stored.ids[one_old[lab]])))
        else:
            olds = np.flatnonzero(old_labels == lab)
            olds = olds[np.argsort(stored.ids[olds].astype(str), kind="stable")]
            merges.append(sorted(str(t) for t in stored.ids[olds].tolist()))
            sims = (union.matrix[n_old + topics.index.to_numpy()] @ union.matrix[olds].T).toarray()
            best = olds[np.argmax(sims, axis=1)]  # argmax: the first of equals, i.e. the smallest id
            theme_of.update(zip(topics.tolist(), stored.ids[best].astype(str).tolist(), strict=True))
    return ThemeAssignment(theme_of, _updated_centroids(union, n_old, theme_of), merges)


def _updated_centroids(union: Centroids, n_old: int, theme_of: dict[str, str]) -> Centroids:
    """Every theme's centroid: the stored rows (first ``n_old`` of ``union``) with the new topics' rows
    averaged in, one row per theme (the earlier themes in their order, then the new ones by id)."""
    row_theme = [*union.ids[:n_old].astype(str).tolist(), *(theme_of[str(t)] for t in union.ids[n_old:])]
    order = list(dict.fromkeys(union.ids[:n_old].astype(str).tolist()))
    order += sorted(set(row_theme) - set(order))
    index = {t: i for i, t in enumerate(order)}
    labels = np.array([index[t] for t in row_theme], dtype=np.int64)
    return group_centroids(union, labels, order)


def theme_topics(topics: pd.DataFrame, previous: pd.DataFrame) -> pd.Series:
    """The theme each topic of ``topics`` already has: its ``theme_id`` in the ``previous`` topics table
    (null for a topic without one, and for all in a table written before themes)."""
    if not len(previous) or "theme_id" not in previous.columns:
        return pd.Series([None] * len(topics), index=topics.index, dtype=object, name="theme_id")
    known = previous.dropna(subset=["theme_id"]).set_index("topic_id")["theme_id"]
    return topics["topic_id"].map(known).astype(object).rename("theme_id")


def themes_table(
    topics: pd.DataFrame,
    centroids: Centroids,
    previous: pd.DataFrame,
    touched: set[str],
    run_id: str,
    top_n: int,
) -> pd.DataFrame:
    """The themes table: one row per theme of ``topics`` (theme_id, size, first/last_published), counted
    afresh; label and keywords made anew (from ``centroids``) for the ``touched`` themes and the ones the
    ``previous`` table lacks, else kept; ``run_id``: the run that last changed the theme. Sorted by articles
    descending, then theme_id."""
    themed = topics.dropna(subset=["theme_id"])
    if not len(themed):
        return empty_themes()
    g = themed.groupby("theme_id")
    agg = pd.DataFrame(
        {
            "n_topics": g.size(),
            "n_articles": g["size"].sum(),
            "first_published": pd.to_datetime(g["first_published"].min(), utc=True),
            "last_published": pd.to_datetime(g["last_published"].max(), utc=True),
        }
    )
    tids = agg.index.astype(str).tolist()
    prev = previous.set_index("theme_id") if len(previous) else pd.DataFrame()
    fresh = {t for t in tids if t in touched or t not in prev.index}
    desc = _descriptions(tids, fresh, centroids, top_n, prev, _largest_topic_keywords(themed))
    out = agg.reset_index(names="theme_id").assign(
        label=desc["label"],
        keywords=desc["keywords"],
        language=desc["language"],
        run_id=[run_id if t in fresh else _kept(prev, t, "run_id", run_id) for t in tids],
        n_articles=agg["n_articles"].to_numpy(dtype=np.int64),
    )
    out = out.sort_values(["n_articles", "theme_id"], ascending=[False, True], kind="stable")
    return out[THEME_COLUMNS].reset_index(drop=True)


def _descriptions(
    tids: list[str],
    fresh: set[str],
    centroids: Centroids,
    top_n: int,
    prev: pd.DataFrame,
    fallback: dict[str, list[str]],
) -> dict[str, list[Any]]:
    """Label, keywords and language of the themes ``tids``: made from ``centroids`` for the ``fresh`` ones
    (the keywords of a theme's largest topic, ``fallback``, when its centroid has no term: a story of one
    article whose words no other article uses), else kept from the ``prev`` table."""
    rows = {str(t): i for i, t in enumerate(centroids.ids.tolist())}
    words = theme_keywords(centroids, top_n)
    out: dict[str, list[Any]] = {"label": [], "keywords": [], "language": []}
    for t in tids:
        if t in fresh and t in rows:
            kw = words[rows[t]] or fallback.get(t, [])
            out["keywords"].append(kw)
            out["label"].append(keyword_label(kw))
        else:
            out["keywords"].append(_kept(prev, t, "keywords", []))
            out["label"].append(_kept(prev, t, "label", ""))
        out["language"].append(centroids.language[rows[t]] if t in rows else _kept(prev, t, "language", None))
    return out


def _largest_topic_keywords(topics: pd.DataFrame) -> dict[str, list[str]]:
    """Each theme's largest topic's keywords (ties: the smallest topic id)."""
    ranked = topics.sort_values(
        ["theme_id", "size", "topic_id"], ascending=[True, False, True], kind="stable"
    )
    first = ranked.drop_duplicates("theme_id")
    return {
        str(t): list(k) if isinstance(k, list | np.ndarray) else []
        for t, k in zip(first["theme_id"], first["keywords"], strict=True)
    }


def _kept(prev: pd.DataFrame, tid: str, column: str, default: Any) -> Any:
    """The previous table's value of ``column`` for theme ``tid`` (lists as lists), else ``default``."""
    if tid not in prev.index:
        return default
    value = prev.at[tid, column]
    return list(value) if isinstance(value, list | np.ndarray) else value


def empty_themes() -> pd.DataFrame:
    """The themes table with no rows (THEME_COLUMNS, typed)."""
    return pd.DataFrame(
        {
            "theme_id": pd.Series([], dtype=object),
            "label": pd.Series([], dtype=object),
            "keywords": pd.Series([], dtype=object),
            "n_topics": pd.Series([], dtype="int64"),
            "n_articles": pd.Series([], dtype="int64"),
            "language": pd.Series([], dtype=object),
            "first_published": pd.Series([], dtype="datetime64[ns, UTC]"),
            "last_published": pd.Series([], dtype="datetime64[ns, UTC]"),
            "run_id": pd.Series([], dtype=object),
        }
    )
