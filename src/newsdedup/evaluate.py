"""Score a run's output against a labels file: duplicate groups and topic clusters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from newsdedup.errors import InputError
from newsdedup.io.store import OutputStore
from newsdedup.metrics import adjusted_rand, bcubed_prf, nmi, pairwise_prf

__all__ = ["evaluate", "format_report", "read_labels"]


def read_labels(path: Path) -> pd.DataFrame:
    """Read a labels file (.jsonl/.ndjson or .csv) with an ``id`` column and ``dup_group`` and/or ``story``."""
    if not path.exists():
        raise InputError(f"labels file not found: {path}")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        labels = pd.DataFrame(rows)
    elif path.suffix.lower() == ".csv":
        labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    else:
        raise InputError(f"labels file must be .jsonl, .ndjson or .csv, got {path.name}")
    if "id" not in labels.columns or not ({"dup_group", "story"} & set(labels.columns)):
        raise InputError(f"labels file {path} needs an 'id' column and a 'dup_group' and/or 'story' column")
    labels["id"] = labels["id"].astype(str)
    return labels


def _prf(p: float, r: float, f: float) -> dict[str, float]:
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate(output: Path, labels_path: Path) -> dict[str, Any]:
    """Pairwise P/R/F1 of duplicate groups; B-cubed P/R/F1, ARI and NMI of topics, over labelled articles."""
    articles = OutputStore(output).read_table("articles")
    if articles is None:
        raise InputError(f"no committed articles table in {output}")
    labels = read_labels(labels_path)
    merged = labels.merge(
        articles[["article_id", "dup_group_id", "topic_id"]], left_on="id", right_on="article_id", how="inner"
    )
    report: dict[str, Any] = {
        "labelled": len(labels),
        "matched": len(merged),
        "unmatched_ids": sorted(set(labels["id"]) - set(merged["id"]))[:20],
    }
    if "dup_group" in merged.columns:
        m = merged[merged["dup_group"].astype(str) != ""]
        report["duplicates"] = {
            "pairwise": _prf(*pairwise_prf(list(m["dup_group_id"]), list(m["dup_group"].astype(str)))),
            "n": len(m),
        }
    if "story" in merged.columns:
        m = merged[merged["story"].astype(str) != ""]
        pred, true = list(m["topic_id"]), list(m["story"].astype(str))
        report["topics"] = {
            "bcubed": _prf(*bcubed_prf(pred, true)),
            "ari": round(adjusted_rand(pred, true), 4),
            "nmi": round(nmi(pred, true), 4),
            "n": len(m),
            "predicted_clusters": len(set(pred)),
            "true_clusters": len(set(true)),
        }
    return report


def format_report(report: dict[str, Any]) -> str:
    """A short human-readable rendering of :func:`evaluate`'s report."""
    lines = [f"labelled ids: {report['labelled']}, found in output: {report['matched']}"]
    if "duplicates" in report:
        d = report["duplicates"]["pairwise"]
        lines.append(
            f"duplicate groups (pairwise): precision {d['precision']:.4f}  recall {d['recall']:.4f}  f1 {d['f1']:.4f}"
        )
    if "topics" in report:
        t = report["topics"]
        b = t["bcubed"]
        lines.append(
            f"topics (B-cubed): precision {b['precision']:.4f}  recall {b['recall']:.4f}  f1 {b['f1']:.4f}  "
            f"ARI {t['ari']:.4f}  NMI {t['nmi']:.4f}  ({t['predicted_clusters']} predicted / "
            f"{t['true_clusters']} true clusters)"
        )
    if report["unmatched_ids"]:
        lines.append(f"ids not in output (first 20): {', '.join(report['unmatched_ids'])}")
    return "\n".join(lines)
