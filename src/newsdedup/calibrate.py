"""Choose the dedup and clustering thresholds from a labelled sample instead of guessing them.

:func:`calibrate` takes an output folder and a labels file (``id`` with ``dup_group`` and/or ``story``, as
``newsdedup evaluate`` reads), keeps the output's articles that are labelled, and runs the job's own stages
again over them (:mod:`newsdedup.frames`) at every threshold of a sweep:

- ``dedup.threshold``: the duplicate groups of the labelled articles, scored by pairwise F1 against
  ``dup_group``;
- ``cluster.threshold``: the stories of the output's canonical labelled articles (each carrying its group's
  size), every member taking its canonical's story, scored by B-cubed F1 against ``story``.

The best value of each (ties: the one nearest the current setting) goes into a TOML snippet for ``[dedup]``
and ``[cluster]``, with the whole curve in its comments; :func:`format_curve` prints the curve. The other
settings are those of ``config``: pass the config the output was made with. The sample is re-parsed from the
output's cleaned titles and bodies, so learned boilerplate and history are not part of the sweep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from newsdedup.config import ConfigLike, as_config
from newsdedup.errors import InputError
from newsdedup.evaluate import read_labels
from newsdedup.frames import cluster_frame, find_duplicates, prepared
from newsdedup.io.store import OutputStore
from newsdedup.metrics import bcubed_prf, pairwise_prf
from newsdedup.params import Config

__all__ = ["CLUSTER_SWEEP", "DEDUP_SWEEP", "calibrate", "format_curve", "snippet"]

DEDUP_SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
CLUSTER_SWEEP = (0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.24, 0.28, 0.32, 0.4)

_SAMPLE_COLUMNS = ["article_id", "title", "body", "published_at", "source", "canonical_id", "is_canonical"]


def _sample(output: Path, labels: pd.DataFrame) -> pd.DataFrame:
    """The output's labelled articles, with their labels."""
    articles = OutputStore(output).read_table("articles")
    if articles is None:
        raise InputError(f"no committed articles table in {output}")
    sample = articles[_SAMPLE_COLUMNS].merge(labels, left_on="article_id", right_on="id", how="inner")
    if sample.empty:
        raise InputError(f"no article of {output} is in the labels file")
    return sample.reset_index(drop=True)


def _best(curve: list[dict[str, float]], current: float) -> float:
    """The threshold of the highest F1; among equal ones, the nearest to ``current``."""
    top = max(point["f1"] for point in curve)
    return min((p["threshold"] for p in curve if p["f1"] == top), key=lambda t: (abs(t - current), t))


def _point(threshold: float, prf: tuple[float, float, float]) -> dict[str, float]:
    p, r, f = prf
    return {"threshold": threshold, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _dedup_curve(
    docs: pd.DataFrame, truth: list[str], cfg: Config, sweep: Sequence[float]
) -> list[dict[str, float]]:
    curve = []
    for t in sweep:
        groups = find_duplicates(docs, replace(cfg, dedup=replace(cfg.dedup, threshold=t)))
        curve.append(_point(t, pairwise_prf(groups["dup_group_id"].tolist(), truth)))
    return curve


def _cluster_curve(
    docs: pd.DataFrame, truth: list[str], cfg: Config, sweep: Sequence[float]
) -> list[dict[str, float]]:
    canon = docs[docs["is_canonical"].astype(bool)].copy()
    canonical_of = docs["canonical_id"].fillna(docs["article_id"]).to_numpy()
    canon["group_size"] = (
        pd.Series(canonical_of).value_counts().reindex(canon["article_id"]).fillna(1).to_numpy()
    )
    curve = []
    for t in sweep:
        topic, _ = cluster_frame(canon, replace(cfg, cluster=replace(cfg.cluster, threshold=t)))
        story = dict(zip(canon["article_id"], topic.to_numpy(), strict=True))
        pred = [str(story.get(c, c)) for c in canonical_of]  # a member whose canonical is unlabelled: its own
        curve.append(_point(t, bcubed_prf(pred, truth)))
    return curve


def calibrate(
    output: Path,
    labels_path: Path,
    config: ConfigLike = None,
    dedup_sweep: Sequence[float] = DEDUP_SWEEP,
    cluster_sweep: Sequence[float] = CLUSTER_SWEEP,
) -> dict[str, Any]:
    """The curves and best thresholds for the labelled articles of ``output`` (see the module)."""
    cfg = as_config(config)
    labels = read_labels(labels_path)
    repeated = int(labels["id"].duplicated().sum())
    labels = labels.drop_duplicates("id")  # an id labelled twice: its first label
    sample = _sample(output, labels)
    docs = prepared(sample[["article_id", "title", "body", "published_at", "source"]], cfg)
    docs = docs.assign(
        canonical_id=sample["canonical_id"].to_numpy(), is_canonical=sample["is_canonical"].to_numpy()
    )
    result: dict[str, Any] = {
        "output": str(output),
        "labelled": len(labels),
        "matched": len(sample),
        "repeated_label_ids": repeated,
    }
    if "dup_group" in sample.columns:
        curve = _dedup_curve(docs, sample["dup_group"].astype(str).tolist(), cfg, dedup_sweep)
        result["dedup"] = {
            "current": cfg.dedup.threshold,
            "best": _best(curve, cfg.dedup.threshold),
            "curve": curve,
        }
    if "story" in sample.columns:
        curve = _cluster_curve(docs, sample["story"].astype(str).tolist(), cfg, cluster_sweep)
        result["cluster"] = {
            "current": cfg.cluster.threshold,
            "best": _best(curve, cfg.cluster.threshold),
            "curve": curve,
        }
    return result


def snippet(result: dict[str, Any]) -> str:
    """A TOML snippet with the best thresholds, the curves in comments."""
    lines = [f"# newsdedup calibrate: {result['matched']} labelled articles of {result['output']}"]
    for section in ("dedup", "cluster"):
        if section not in result:
            continue
        part = result[section]
        lines += ["", f"[{section}]", f"threshold = {part['best']}  # was {part['current']}"]
        lines += [
            f"#   threshold {p['threshold']:<5}  precision {p['precision']:.4f}  recall {p['recall']:.4f}  "
            f"f1 {p['f1']:.4f}"
            for p in part["curve"]
        ]
    return "\n".join(lines) + "\n"


def format_curve(result: dict[str, Any]) -> str:
    """The curves as a small table for a terminal."""
    out = [f"labelled ids: {result['labelled']}, found in output: {result['matched']}"]
    if result["repeated_label_ids"]:
        out.append(f"ids labelled more than once (their first label used): {result['repeated_label_ids']}")
    for section, score in (("dedup", "pairwise"), ("cluster", "B-cubed")):
        if section in result:
            part = result[section]
            out.append(f"{section}.threshold ({score} F1): best {part['best']} (was {part['current']})")
            out += [
                f"  {p['threshold']:<5} P {p['precision']:.4f}  R {p['recall']:.4f}  F1 {p['f1']:.4f}"
                for p in part["curve"]
            ]
    return "\n".join(out)
