"""Duplicates across runs: a run's new articles in the groups of earlier ones, with stable group ids.

:func:`~newsdedup.dedup.find_duplicates` runs on the new articles plus the related history (see
:func:`newsdedup.incremental.history.related_history`); :func:`reconcile_duplicates` maps its groups back onto
the earlier group ids. A new article that lands in a group with earlier articles takes that group's existing
``dup_group_id``. The canonical follows the configured rule across runs: when a new article wins, it becomes
the group's canonical and the earlier rows are updated (their ``canonical_id``/``is_canonical``, see
:func:`fix_article_rows`); the group id stays.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DUP_COLUMNS",
    "DedupReconciled",
    "apply_canonical_changes",
    "dup_columns",
    "duplicates_table",
    "estimated_similarity",
    "fix_article_rows",
    "fix_duplicate_rows",
    "reconcile_duplicates",
    "union_docs",
]

#: The articles columns the dedup step fills, in the order of the output table.
DUP_COLUMNS = (
    "dup_group_id",
    "canonical_id",
    "is_canonical",
    "dup_similarity",
    "dup_method",
    "canonical_reason",
)

_NEW_COLUMNS = [
    "dup_group_id",
    "canonical_id",
    "is_canonical",
    "dup_similarity",
    "method",
    "canonical_reason",
    "estimated_similarity",
]
_Row = tuple[str, str, bool, float, str, str, float]


@dataclass(frozen=True)
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


def union_docs(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """The documents find_duplicates sees: the new articles (article_id, published_at, body_chars, source)
    first, then the related history rows (article_id, published_at, body_len, source)."""
    docs = pd.DataFrame(
        {
            "article_id": new["article_id"],
            "published_at": new["published_at"],
            "body_len": new["body_chars"],
            "source": new["source"],
        }
    )
    if not len(old):
        return docs
    earlier = pd.DataFrame(
        {
            "article_id": old["article_id"],
            "published_at": pd.to_datetime(old["published_at"], utc=True),
            "body_len": old["body_len"],
            "source": old["source"],
        }
    )
    return pd.concat([docs, earlier], ignore_index=True)


def estimated_similarity(duplicates: pd.DataFrame) -> pd.Series:
    """find_duplicates' estimated (MinHash) similarity per duplicate article_id."""
    return pd.Series(
        duplicates["estimated_similarity"].to_numpy() if len(duplicates) else [],
        index=duplicates["article_id"].to_numpy() if len(duplicates) else [],
        dtype=float,
    )


def reconcile_duplicates(
    union: pd.DataFrame, union_est: pd.Series, old: pd.DataFrame, new_ids: pd.Series
) -> DedupReconciled:
    """Map find_duplicates' assignments over (related history + new) back onto stable group ids.

    ``union``: find_duplicates assignments (article_id, dup_group_id, canonical_id, is_canonical,
    dup_similarity, method, canonical_reason); ``union_est``: estimated similarity per article_id;
    ``old``: the related history rows (article_id, dup_group_id, canonical_id).
    """
    if len(old) == 0:
        return _without_history(union, union_est, new_ids)
    u = union.set_index("article_id")
    urows: dict[str, Any] = {str(k): v for k, v in u.to_dict("index").items()}
    est: dict[str, float] = {str(k): float(v) for k, v in union_est.items()}
    targets, changes, former = _earlier_groups(u, old, urows, est)
    rows = [_new_row(aid, urows[aid], targets, est) for aid in new_ids.astype(str)]
    new = pd.DataFrame(rows, columns=_NEW_COLUMNS)
    new.insert(0, "article_id", new_ids.astype(str).to_numpy())
    return DedupReconciled(new=new, canonical_changes=changes, former_canonicals=former)


def _without_history(union: pd.DataFrame, union_est: pd.Series, new_ids: pd.Series) -> DedupReconciled:
    """No history involved: find_duplicates' assignments are final (same order as the new articles).

    No copies: at a million articles each copy of this frame is hundreds of megabytes."""
    if len(union) != len(new_ids) or not np.array_equal(
        union["article_id"].to_numpy(dtype=object), new_ids.to_numpy(dtype=object)
    ):
        raise ValueError("union assignments are not in the order of the new articles")
    estimated = np.ones(len(union))
    dup = ~union["is_canonical"].to_numpy(dtype=bool)
    estimated[dup] = union_est.reindex(union["article_id"][dup]).to_numpy(dtype=float)
    new = union.reset_index(drop=True).assign(estimated_similarity=estimated)
    return DedupReconciled(new=new, canonical_changes={})


def _plain_method(method: Any) -> str:
    """A member's method; a former canonical ("canonical") is a near duplicate now."""
    return "near" if method == "canonical" else str(method)


def _earlier_groups(
    u: pd.DataFrame, old: pd.DataFrame, urows: dict[str, Any], est: dict[str, float]
) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, tuple[float, float, str]]]:
    """For each union group holding earlier articles: the earlier group it continues and its canonical
    (union canonical -> (group id, canonical)); the canonical changes and the former canonicals' rows.

    The group continued is the union canonical's own earlier group, else the earlier group most of its
    earlier members belong to (ties: the smallest id)."""
    old_group = dict(zip(old["article_id"].astype(str), old["dup_group_id"].astype(str), strict=True))
    old_canon_of_group = dict(
        zip(old["dup_group_id"].astype(str), old["canonical_id"].astype(str), strict=True)
    )
    targets: dict[str, tuple[str, str]] = {}
    changes: dict[str, str] = {}
    former: dict[str, tuple[float, float, str]] = {}
    for ucanon_key, members in u.groupby("canonical_id").groups.items():
        olds = [str(m) for m in members if str(m) in old_group]
        if not olds:
            continue
        ucanon = str(ucanon_key)
        if ucanon in old_group:
            target = old_group[ucanon]
            targets[ucanon] = (target, old_canon_of_group[target])
            continue
        counts = Counter(old_group[m] for m in olds)
        target = min(counts, key=lambda g: (-counts[g], g))
        old_canon = old_canon_of_group[target]
        # a new article wins the canonical rule against the earlier ones: it becomes the canonical
        changes[target] = ucanon
        if old_canon in urows:
            r_old = urows[old_canon]
            former[old_canon] = (
                float(r_old["dup_similarity"]),
                est.get(old_canon, float("nan")),
                _plain_method(r_old["method"]),
            )
        targets[ucanon] = (target, ucanon)
    return targets, changes, former


def _new_row(aid: str, r: dict[str, Any], targets: dict[str, tuple[str, str]], est: dict[str, float]) -> _Row:
    """One new article's assignment: in the earlier group its union group continues, else as found."""
    ucanon = str(r["canonical_id"])
    if ucanon not in targets:
        is_c = bool(r["is_canonical"])
        return (
            str(r["dup_group_id"]),
            ucanon,
            is_c,
            float(r["dup_similarity"]),
            str(r["method"]),
            str(r["canonical_reason"]),
            1.0 if is_c else est.get(aid, float("nan")),
        )
    group, canon = targets[ucanon]
    is_c = canon == aid
    return (
        group,
        canon,
        is_c,
        1.0 if is_c else float(r["dup_similarity"]),
        "canonical" if is_c else _plain_method(r["method"]),
        str(r["canonical_reason"]) if is_c or canon == ucanon else "canonical of an earlier group",
        1.0 if is_c else est.get(aid, float("nan")),
    )


def dup_columns(new: pd.DataFrame, article_ids: pd.Series) -> pd.DataFrame:
    """The :data:`DUP_COLUMNS` of the articles ``article_ids`` (their order, a RangeIndex) from reconciled
    assignments ``new``."""
    new = new.reset_index(drop=True)
    if not new["article_id"].equals(article_ids):  # rows in another order: align by id
        new = new.set_index("article_id").loc[article_ids].reset_index()
    return pd.DataFrame(
        {
            "dup_group_id": new["dup_group_id"].to_numpy(),
            "canonical_id": new["canonical_id"].to_numpy(),
            "is_canonical": new["is_canonical"].astype(bool).to_numpy(),
            "dup_similarity": new["dup_similarity"].astype(float).to_numpy(),
            "dup_method": new["method"].to_numpy(),
            "canonical_reason": new["canonical_reason"].to_numpy(),
        }
    )


def duplicates_table(rec: DedupReconciled, history: pd.DataFrame) -> pd.DataFrame:
    """The duplicates rows of a run: its new non-canonical articles, then the earlier canonicals that lost to
    a new article (they are duplicates now; ``history``: the retained history, for their groups)."""
    nc = rec.new[~rec.new["is_canonical"].astype(bool)]
    dups = pd.DataFrame(
        {
            "article_id": nc["article_id"],
            "canonical_id": nc["canonical_id"],
            "dup_group_id": nc["dup_group_id"],
            "similarity": nc["dup_similarity"],
            "estimated_similarity": nc["estimated_similarity"],
            "method": nc["method"],
        }
    ).reset_index(drop=True)
    if not rec.former_canonicals:
        return dups
    hist_group = history.set_index("article_id")["dup_group_id"]
    extra = pd.DataFrame(
        [
            {
                "article_id": aid,
                "canonical_id": rec.canonical_changes[str(hist_group[aid])],
                "dup_group_id": str(hist_group[aid]),
                "similarity": sim,
                "estimated_similarity": est_sim,
                "method": method,
            }
            for aid, (sim, est_sim, method) in sorted(rec.former_canonicals.items())
        ]
    )
    return pd.concat([dups, extra], ignore_index=True)


def apply_canonical_changes(frame: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    """Rows of groups whose canonical changed point at the new canonical (which is not among them)."""
    if not changes or not len(frame):
        return frame
    frame = frame.copy()
    hit = frame["dup_group_id"].isin(set(changes))
    frame.loc[hit, "canonical_id"] = frame.loc[hit, "dup_group_id"].map(changes)
    frame.loc[hit, "is_canonical"] = False
    return frame


def fix_article_rows(
    frame: pd.DataFrame, changes: dict[str, str], former: dict[str, tuple[float, float, str]]
) -> pd.DataFrame:
    """Earlier articles rows after canonical changes: they point at the new canonical, and a former
    canonical takes its similarity and method to it (``former``, see :class:`DedupReconciled`)."""
    hit = frame["dup_group_id"].isin(set(changes))
    was_canon = hit & frame["is_canonical"].astype(bool)
    frame = apply_canonical_changes(frame, changes)
    default = (float("nan"), float("nan"), "near")
    ids = frame.loc[was_canon, "article_id"].astype(str)
    frame.loc[was_canon, "dup_similarity"] = [former.get(a, default)[0] for a in ids]
    frame.loc[was_canon, "dup_method"] = [former.get(a, default)[2] for a in ids]
    frame.loc[hit, "canonical_reason"] = "canonical moved to a later-run article by the canonical rule"
    return frame


def fix_duplicate_rows(frame: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    """Earlier duplicates rows after canonical changes: they point at the new canonical."""
    hit = frame["dup_group_id"].isin(set(changes))
    frame = frame.copy()
    frame.loc[hit, "canonical_id"] = frame.loc[hit, "dup_group_id"].map(changes)
    return frame
