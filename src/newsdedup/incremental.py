"""Relating a run's new articles to what earlier runs saw (pure functions over frames and arrays).

The rules, chosen so that ids users have already stored never change:

- **Duplicates.** Retained history within ``dedup_window_days`` of the new articles is screened with LSH on
  the retained signatures; history articles that are candidates of a new article (or share its content hash)
  are pulled in with their whole duplicate group, and the ordinary :func:`~newsdedup.dedup.find_duplicates`
  runs on those plus the new articles. A new article that lands in a group with earlier articles takes that
  group's existing ``dup_group_id``. The canonical follows the configured rule across runs: when a new article
  wins (say it was published earlier), it becomes the group's canonical and the earlier rows are updated
  (their ``canonical_id``/``is_canonical``); the group id stays.
- **Topics.** Canonical history articles within ``topic_window_days`` are clustered together with the new
  canonical articles. A cluster holding earlier articles keeps the id of the earlier topic most of them belong
  to (ties: the smallest id); earlier articles never change topic; a cluster of new articles only gets a new
  content-derived id. Clusters that span several earlier topics do not merge them: the new articles join the
  majority topic and the other topics are reported as merge candidates in the manifest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.dedup import candidates_from_signatures, lsh_params
from newsdedup.params import DedupParams

__all__ = ["DedupReconciled", "effective_time", "reconcile_duplicates", "reconcile_topics", "related_history"]


def effective_time(published_at: pd.Series, seen_at: pd.Series | pd.Timestamp) -> pd.Series:
    """published_at where known, else when the article was first seen (for windows and retention)."""
    # one resolution on both sides: fillna across datetime units is deprecated in pandas
    pub = pd.to_datetime(published_at, utc=True).astype("datetime64[us, UTC]")
    if isinstance(seen_at, pd.Timestamp):
        return pub.fillna(seen_at)
    return pub.fillna(pd.to_datetime(seen_at, utc=True).astype("datetime64[us, UTC]"))


def related_history(
    history: pd.DataFrame,
    history_sigs: np.ndarray,
    new_sigs: np.ndarray,
    new_hashes: pd.Series,
    new_times: pd.Series,
    params: DedupParams,
    window_days: float,
) -> np.ndarray:
    """Row positions of history articles to re-examine with the new ones: LSH candidates of a new article
    within the dedup window, or exact copies, expanded to their whole duplicate group."""
    if len(history) == 0 or len(new_sigs) == 0:
        return np.zeros(0, dtype=np.int64)
    hist_time = effective_time(history["published_at"], history["seen_at"])
    window = pd.Timedelta(days=window_days)
    lo, hi = new_times.min() - window, new_times.max() + window
    in_window = (
        ((hist_time >= lo) & (hist_time <= hi)).to_numpy() if pd.notna(lo) else np.ones(len(history), bool)
    )
    pos = np.flatnonzero(in_window)
    picked: set[int] = set()
    if len(pos):
        bands, rows = lsh_params(params)
        sig = np.vstack([history_sigs[pos], new_sigs])
        left, right, _ = candidates_from_signatures(sig, bands, rows, params.max_bucket_size)
        n_old = len(pos)
        cross = (left < n_old) & (right >= n_old)
        picked.update(pos[left[cross]].tolist())
    exact = history["content_hash"].isin(set(new_hashes)).to_numpy()
    picked.update(np.flatnonzero(exact).tolist())
    if not picked:
        return np.zeros(0, dtype=np.int64)
    groups = set(history["dup_group_id"].iloc[sorted(picked)])
    whole = history["dup_group_id"].isin(groups).to_numpy()
    return np.flatnonzero(whole)


_NEW_COLUMNS = [
    "dup_group_id",
    "canonical_id",
    "is_canonical",
    "dup_similarity",
    "method",
    "canonical_reason",
    "estimated_similarity",
]


@dataclass
class DedupReconciled:
    """Assignments of the new articles, and the canonical changes to apply to earlier rows.

    new: per new article (input order): dup_group_id, canonical_id, is_canonical, dup_similarity, method,
        canonical_reason, estimated_similarity.
    canonical_changes: dup_group_id -> new canonical article_id, for earlier groups whose canonical is now a
        new article.
    former_canonicals: earlier canonical article_id -> (similarity, estimated similarity, method) to the new
        canonical, for the duplicates rows those articles now need.
    """

    new: pd.DataFrame
    canonical_changes: dict[str, str]
    former_canonicals: dict[str, tuple[float, float, str]] = field(default_factory=dict)


def reconcile_duplicates(
    union: pd.DataFrame, union_est: pd.Series, old: pd.DataFrame, new_ids: pd.Series
) -> DedupReconciled:
    """Map find_duplicates' assignments over (related history + new) back onto stable group ids.

    ``union``: find_duplicates assignments (article_id, dup_group_id, canonical_id, is_canonical,
    dup_similarity, method, canonical_reason); ``union_est``: estimated similarity per article_id;
    ``old``: the related history rows (article_id, dup_group_id, canonical_id).
    """
    if len(old) == 0:
        # no history involved: find_duplicates' assignments are final (same order as the new articles)
        # (no copies: at a million articles each copy of this frame is hundreds of megabytes)
        if len(union) != len(new_ids) or not np.array_equal(
            union["article_id"].to_numpy(dtype=object), new_ids.to_numpy(dtype=object)
        ):
            raise ValueError("union assignments are not in the order of the new articles")
        estimated = np.ones(len(union))
        dup = ~union["is_canonical"].to_numpy(dtype=bool)
        estimated[dup] = union_est.reindex(union["article_id"][dup]).to_numpy(dtype=float)
        new = union.reset_index(drop=True).assign(estimated_similarity=estimated)
        return DedupReconciled(new=new, canonical_changes={})
    u = union.set_index("article_id")
    old_group: dict[str, str] = dict(
        zip(old["article_id"].astype(str), old["dup_group_id"].astype(str), strict=True)
    )
    old_canon_of_group: dict[str, str] = dict(
        zip(old["dup_group_id"].astype(str), old["canonical_id"].astype(str), strict=True)
    )
    est: dict[str, float] = {str(k): float(v) for k, v in union_est.items()}
    changes: dict[str, str] = {}
    former: dict[str, tuple[float, float, str]] = {}
    urows: dict[str, Any] = {str(k): v for k, v in u.to_dict("index").items()}
    rows = []
    members_by_union_group = u.groupby("canonical_id").groups
    target_of_union: dict[str, tuple[str, str]] = {}
    for ucanon, members in members_by_union_group.items():
        olds = [str(m) for m in members if str(m) in old_group]
        if not olds:
            continue
        if str(ucanon) in old_group:
            target = old_group[str(ucanon)]
        else:
            counts = Counter(old_group[m] for m in olds)
            target = min(counts, key=lambda g: (-counts[g], g))
        old_canon = old_canon_of_group[target]
        if str(ucanon) not in old_group:
            # a new article wins the canonical rule against the earlier ones: it becomes the canonical
            changes[target] = str(ucanon)
            if old_canon in urows:
                r_old = urows[old_canon]
                method = "near" if r_old["method"] == "canonical" else str(r_old["method"])
                former[old_canon] = (float(r_old["dup_similarity"]), est.get(old_canon, float("nan")), method)
            target_of_union[str(ucanon)] = (target, str(ucanon))
        else:
            target_of_union[str(ucanon)] = (target, old_canon)
    for aid in new_ids.astype(str):
        r: dict[str, Any] = urows[aid]
        ucanon = str(r["canonical_id"])
        if ucanon in target_of_union:
            group, canon = target_of_union[ucanon]
            is_c = canon == aid
            rows.append(
                (
                    group,
                    canon,
                    is_c,
                    1.0 if is_c else float(r["dup_similarity"]),
                    "canonical" if is_c else ("near" if r["method"] == "canonical" else str(r["method"])),
                    str(r["canonical_reason"])
                    if is_c or canon == ucanon
                    else "canonical of an earlier group",
                    1.0 if is_c else est.get(aid, float("nan")),
                )
            )
        else:
            rows.append(
                (
                    str(r["dup_group_id"]),
                    ucanon,
                    bool(r["is_canonical"]),
                    float(r["dup_similarity"]),
                    str(r["method"]),
                    str(r["canonical_reason"]),
                    1.0 if bool(r["is_canonical"]) else est.get(aid, float("nan")),
                )
            )
    new = pd.DataFrame(rows, columns=_NEW_COLUMNS)
    new.insert(0, "article_id", new_ids.astype(str).to_numpy())
    return DedupReconciled(new=new, canonical_changes=changes, former_canonicals=former)


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
