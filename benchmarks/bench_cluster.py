"""Benchmark story clustering: seconds and peak RSS at several corpus sizes, each size in its own process.

Corpus: ``newsdedup.synth`` jsonl (generated once per size into a temporary folder, outside the timing).
Usage: python benchmarks/bench_cluster.py [--sizes 10000,100000] [--workdir DIR]
Prints one line per size plus the 10k -> 100k growth ratio of time and RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(corpus: Path) -> None:
    """Load the corpus, cluster it, print a JSON line with timings and peak RSS."""
    import pandas as pd

    from newsdedup.cluster import ClusterParams, cluster_stories
    from newsdedup.normalize import normalize_for_matching

    # Read line by line, keeping only the fields clustering needs (pandas' json reader peaks much higher).
    cols: dict[str, list[str]] = {
        "article_id": [],
        "title": [],
        "match_text": [],
        "published_at": [],
        "source": [],
    }
    for path in sorted(corpus.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                cols["article_id"].append(str(rec["id"]))
                cols["title"].append(str(rec.get("title") or ""))
                cols["match_text"].append(normalize_for_matching(str(rec.get("body") or "")))
                cols["published_at"].append(str(rec.get("published_at") or ""))
                cols["source"].append(str(rec.get("source") or ""))
    docs = pd.DataFrame(cols)
    docs["published_at"] = pd.to_datetime(docs["published_at"], utc=True, errors="coerce", format="mixed")
    docs["group_size"] = 1
    del cols
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    _topic, topics = cluster_stories(docs, ClusterParams())
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"n": len(docs), "topics": len(topics), "seconds": round(seconds, 2), "peak_rss_mb": round(peak)}
    out["rss_before_cluster_mb"] = round(rss_before)
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        _child(args.child)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="benchcluster"))
    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        corpus = work / f"synth{n}"
        if not (corpus / "labels.csv").exists():
            gen = [
                sys.executable,
                "-m",
                "newsdedup.synth",
                "--n",
                str(n),
                "--out",
                str(corpus),
                "--format",
                "jsonl",
            ]
            subprocess.run(gen, check=True, capture_output=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(corpus)], check=True, capture_output=True, text=True
        )
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(
            f"n={res['n']:>7}  topics={res['topics']:>6}  cluster {res['seconds']:8.2f} s  "
            f"peak RSS {res['peak_rss_mb']:6d} MB (before clustering {res['rss_before_cluster_mb']} MB)",
            flush=True,
        )
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(
            f"growth {a['n']} -> {b['n']} ({b['n'] / a['n']:.0f}x docs): time x{b['seconds'] / a['seconds']:.1f}, "
            f"peak RSS x{b['peak_rss_mb'] / a['peak_rss_mb']:.1f}"
        )


if __name__ == "__main__":
    main()
