"""Which retained history a run relates to, and what the next state keeps (pure: frames and arrays in, out).

Times are effective times: ``published_at`` where known, else when the article was first seen. Retention is
measured from the newest article time the state has seen, not the wall clock, so re-running old data keeps
what it needs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsdedup.dedup import candidates_from_signatures, lsh_params, read_rows
from newsdedup.params import DedupParams

__all__ = ["Retention", "effective_time", "related_history", "retention"]


def effective_time(published_at: pd.Series, seen_at: pd.Series | pd.Timestamp) -> pd.Series:
    """published_at where known, else when the article was first seen (for windows and retention)."""
    # one resolution on both sides: fillna across datetime units is deprecated in pandas
    pub = pd.to_datetime(published_at, utc=True).astype("datetime64[us, UTC]")
    if isinstance(seen_at, pd.Timestamp):
        return pub.fillna(seen_at)
    return pub.fillna(pd.to_datetime(seen_at, utc=True).astype("datetime64[us, UTC]"))


@dataclass(frozen=True)
class Retention:
    """The effective times of a run's new articles and of the history (also the times the dedup and topic
    windows use), and which of both the next state keeps."""

    t_new: pd.Series
    t_old: pd.Series  # aligned with the history's rows
    keep_new: np.ndarray
    keep_old: np.ndarray

    @property
    def retained(self) -> int:
        """Rows the next state keeps."""
        return int(self.keep_old.sum() + self.keep_new.sum())


def retention(
    published_at: pd.Series,
    seen_at: pd.Timestamp,
    history: pd.DataFrame,
    retention_days: float,
    replaced: Collection[str] = (),
) -> Retention:
    """Times and kept rows for new articles published at ``published_at`` (first seen at ``seen_at``) and the
    ``history`` (published_at, seen_at): a row is kept when it is at most ``retention_days`` older than the
    newest of all and its article is not ``replaced`` by a new version in this run."""
    t_new = effective_time(published_at, seen_at)
    t_old = effective_time(history["published_at"], history["seen_at"]) if len(history) else t_new.iloc[0:0]
    newest = pd.concat([t_old, t_new]).max() if len(t_old) + len(t_new) else None
    if newest is None:
        return Retention(t_new, t_old, np.zeros(0, bool), np.zeros(0, bool))
    cutoff = newest - pd.Timedelta(days=retention_days)
    keep_old = (t_old >= cutoff).to_numpy()
    if len(replaced) and len(history):
        keep_old = keep_old & ~history["article_id"].isin(replaced).to_numpy()
    return Retention(t_new, t_old, (t_new >= cutoff).to_numpy(), keep_old)


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
        # new_sigs may be the run's mapped signature file: read, not touched through the map (dedup.mapped)
        sig = np.vstack([history_sigs[pos], read_rows(new_sigs, 0, len(new_sigs))])
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
