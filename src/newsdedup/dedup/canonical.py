"""The canonical rule: which member of a duplicate group stands for it, and why.

Criteria of ``params.canonical_rule`` ("earliest", "longest", "preferred_source", "id") are applied in
order, each keeping only the best candidates; the reason names the first criterion that left a single
candidate, with the winning value. "id" (article_id order) always ends the rule, so the choice is total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsdedup.params import DedupParams

__all__ = ["DocKeys", "choose_canonicals", "doc_keys"]


@dataclass(frozen=True)
class DocKeys:
    """Per-document values the canonical rule compares (all arrays in internal order: article_id order)."""

    ids: np.ndarray
    pub_ns: np.ndarray  # int64, NaT as int64 max (sorts last)
    has_pub: np.ndarray
    body_len: np.ndarray
    source_rank: np.ndarray
    sources: np.ndarray


def doc_keys(
    docs: pd.DataFrame, order: np.ndarray, ids: np.ndarray, params: DedupParams, tokens: np.ndarray
) -> DocKeys:
    """Canonical-rule values of ``docs`` rows taken in ``order`` (``ids`` already in that order); without
    ``body_len``, the length of ``match_text``, else the word count ``tokens`` stands in for the body length.
    Only the columns the rule reads are gathered: ``docs`` may hold large text columns."""
    n = len(order)
    if "published_at" in docs:
        pub = pd.to_datetime(docs["published_at"], utc=True)
        has_pub = pub.notna().to_numpy()[order]
        ns = pub.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)[order]
        pub_ns = np.where(has_pub, ns, np.iinfo(np.int64).max)
    else:
        has_pub = np.zeros(n, dtype=bool)
        pub_ns = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if "body_len" in docs:
        body_len = docs["body_len"].fillna(0).to_numpy().astype(np.int64)[order]
    elif "match_text" in docs:
        body_len = docs["match_text"].fillna("").astype(str).str.len().to_numpy().astype(np.int64)[order]
    else:
        body_len = np.asarray(tokens, dtype=np.int64)
    sources = _sources(docs, order)
    rank_of = {s: i for i, s in enumerate(params.preferred_sources)}
    if rank_of:
        source_rank = np.array([rank_of.get(s, len(rank_of)) for s in sources.tolist()], dtype=np.int64)
    else:
        source_rank = np.zeros(n, dtype=np.int64)
    return DocKeys(ids, pub_ns.astype(np.int64), has_pub, body_len, source_rank, sources)


def _sources(docs: pd.DataFrame, order: np.ndarray) -> np.ndarray:
    """The ``source`` of each row in ``order`` (None without the column), one object per distinct source
    shared by its rows (not one string object per row)."""
    if "source" not in docs:
        return np.full(len(order), None, dtype=object)
    codes, uniques = pd.factorize(docs["source"], use_na_sentinel=True)
    names = np.array([*np.asarray(uniques, dtype=object).tolist(), None], dtype=object)
    return names[np.asarray(codes)[order]]


def choose_canonicals(
    group: np.ndarray, members: np.ndarray, keys: DocKeys, rule: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The canonical of many groups at once, by ``rule`` (see the module docstring).

    ``group`` (0..g-1, every group with >= 2 members) and ``members`` (doc indices) are parallel arrays.
    Sorting by (group, criteria..., id) puts each group's winner first; the deciding criterion is the first
    one on which the winner and the runner-up differ, which is the criterion after which filtering the
    candidates criterion by criterion leaves one. Returns (canonical per group, reason per group as an
    object array).
    """
    full_rule = (*rule, "id") if "id" not in rule else rule
    cols = [_rule_values(c, members, keys) for c in full_rule]
    order = np.lexsort((*reversed(cols), group))
    g_sorted = group[order]
    first = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    winner_pos, runner_pos = order[first], order[first + 1]
    decided = np.full(len(first), len(full_rule) - 1, dtype=np.int64)
    for k in range(len(full_rule) - 1, -1, -1):
        differs = cols[k][winner_pos] != cols[k][runner_pos]
        decided[differs] = k
    winners = members[winner_pos]
    return winners, _reasons(full_rule, decided, winners, keys)


def _rule_values(criterion: str, docs: np.ndarray, keys: DocKeys) -> np.ndarray:
    """Sort key of ``criterion`` for ``docs`` (smaller is better); "id" is the internal index (id order)."""
    if criterion == "earliest":
        return keys.pub_ns[docs]
    if criterion == "longest":
        return -keys.body_len[docs]
    if criterion == "preferred_source":
        return keys.source_rank[docs]
    return docs


def _reasons(
    full_rule: tuple[str, ...], decided: np.ndarray, winners: np.ndarray, keys: DocKeys
) -> np.ndarray:
    """Why each winner won (``decided`` indexes ``full_rule``), as an object array of texts such as
    "earliest published_at (2024-11-16T10:37Z)" or "lowest article_id (x)"."""
    out = np.empty(len(winners), dtype=object)
    for k, criterion in enumerate(full_rule):
        sel = np.flatnonzero(decided == k)
        if len(sel) == 0:
            continue
        w = winners[sel]
        if criterion == "earliest":
            # datetime_as_string at minute resolution is strftime("%Y-%m-%dT%H:%M"), without a Timestamp each.
            stamps = np.datetime_as_string(keys.pub_ns[w].astype("datetime64[ns]"), unit="m").tolist()
            texts = [f"earliest published_at ({s}Z)" for s in stamps]
        elif criterion == "longest":
            texts = [f"longest body ({b} chars)" for b in keys.body_len[w].tolist()]
        elif criterion == "preferred_source":
            texts = [f"preferred source ({s})" for s in keys.sources[w].tolist()]
        else:
            texts = [f"lowest article_id ({i})" for i in keys.ids[w].tolist()]
        out[sel] = np.array(texts, dtype=object)
    return out
