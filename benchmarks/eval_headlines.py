"""Dev script: story clustering of headline-only records (B-cubed) against TF-IDF + average link tuned per set.

Sets (``headline_sets``): BASIL titles (300 headlines, 100 events), AG News titles (silver AP/Reuters pairs;
pair recall is the figure that counts there) and synthetic two-day aggregator feeds (two seeds, ~6k headlines
each) and an easier one (``easy2``: every headline names its story). Each headline-only record is clustered as the job clusters it: title = headline, matching text = the
normalised headline. Beside our default config: scikit-learn's TF-IDF (English stop words, sublinear tf) with
average-link agglomerative clustering on cosine distance at the best of ``CUTS`` for that very set (scipy's
``linkage``, the same merges as ``AgglomerativeClustering(linkage="average")``, cut once per distance).

Usage: nice python benchmarks/eval_headlines.py [--data /work/shared/data] [--sets basil,ag,agg0,agg1]
       [--set threshold=0.2] [--const graph.CANDIDATE_WINDOW=64] [--no-baseline]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import headline_sets as hs

from newsdedup.cluster import cluster_stories
from newsdedup.metrics import bcubed_prf
from newsdedup.params import ClusterParams

#: distance cuts the baseline is tried at (1 - cosine similarity); the best on each set is reported
CUTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)


def baseline(docs: pd.DataFrame, labels: list[str]) -> tuple[float, float, float, float, list[str]]:
    """(cut, P, R, F1, topics) of TF-IDF + average-link clustering at its best distance cut on this set."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(docs["title"].tolist())
    sim = (x @ x.T).toarray()
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    del sim
    tree = linkage(squareform(dist, checks=False), method="average")
    del dist
    best: tuple[float, float, float, float, list[str]] = (0.0, 0.0, 0.0, -1.0, [])
    for cut in CUTS:
        topic = [str(t) for t in fcluster(tree, cut, criterion="distance")]
        p, r, f = bcubed_prf(topic, labels)
        if f > best[3]:
            best = (cut, p, r, f, topic)
    return best


def ours(
    docs: pd.DataFrame, labels: list[str], params: ClusterParams
) -> tuple[float, float, float, int, list[str]]:
    topic, topics = cluster_stories(docs, params)
    p, r, f = bcubed_prf(topic.tolist(), labels)
    return p, r, f, len(topics), topic.tolist()


def _apply_consts(consts: list[str]) -> None:
    import importlib

    for kv in consts:
        name, value = kv.split("=")
        mod, const = name.rsplit(".", 1)
        m = importlib.import_module(f"newsdedup.cluster.{mod}")
        if not hasattr(m, const):
            raise SystemExit(f"newsdedup.cluster.{mod} has no {const}")
        setattr(m, const, eval(value))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--sets", default="basil,ag,agg0,agg1,easy2")
    ap.add_argument("--set", action="append", default=[], help="ClusterParams override, e.g. threshold=0.2")
    ap.add_argument(
        "--const", action="append", default=[], help="module constant, e.g. graph.CANDIDATE_WINDOW=64"
    )
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    _apply_consts(args.const)
    overrides: dict[str, Any] = {}
    for kv in args.set:
        k, v = kv.split("=")
        overrides[k] = None if v == "None" else (int(v) if v.isdigit() else float(v))
    params = replace(ClusterParams(), **overrides)
    for name in args.sets.split(","):
        pairs: list[tuple[int, int]] = []
        if name == "basil":
            docs, labels = hs.basil_titles(args.data)
        elif name == "ag":
            docs, labels, pairs = hs.ag_titles(args.data)
        elif name == "easy2":
            docs, labels = hs.aggregator(args.data, seed=2, easy=True)
        elif name.startswith("agg"):
            docs, labels = hs.aggregator(args.data, seed=int(name[3:]))
        else:
            raise SystemExit(f"unknown set {name}")
        n_st = len(set(labels))
        t0 = time.perf_counter()
        p, r, f, k, topic = ours(docs, labels, params)
        secs = time.perf_counter() - t0
        extra = f" pairs {hs.pair_recall(topic, pairs):.2f}" if pairs else ""
        line = f"{name:6s} n={len(docs):5d} stories={n_st:5d}  ours F1 {f:.3f} P{p:.2f} R{r:.2f} k{k}{extra} ({secs:.1f}s)"
        if not args.no_baseline:
            cut, bp, br, bf, btopic = baseline(docs, labels)
            bextra = f" pairs {hs.pair_recall(btopic, pairs):.2f}" if pairs else ""
            line += f" | baseline F1 {bf:.3f} P{bp:.2f} R{br:.2f} d{cut:.2f} k{len(set(btopic))}{bextra}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
