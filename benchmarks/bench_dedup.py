"""Benchmark newsdedup.dedup against the datasketch reference pipeline on the same texts, same process.

    .venv/bin/python benchmarks/bench_dedup.py --n 20000            # generates a synthetic corpus
    .venv/bin/python benchmarks/bench_dedup.py --corpus DIR         # DIR from `python -m newsdedup.synth`

Prints seconds per stage, docs/s, peak RSS after each run (ru_maxrss is a high-water mark, so ours runs
first), the speed ratio, and pairwise precision/recall/F1 of both against labels.csv dup_group.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import reference_dedup

from newsdedup.dedup import DedupParams, find_duplicates
from newsdedup.metrics import pairwise_prf
from newsdedup.normalize import normalize_for_matching


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU of this process: less sensitive than wall time to other jobs on the machine."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def load_corpus(folder: Path) -> pd.DataFrame:
    """Articles of a synth jsonl corpus joined with labels.csv; adds match_text and body_len."""
    rows: list[dict[str, object]] = []
    for shard in sorted((folder / "data").glob("*.jsonl")):
        with shard.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    frame = pd.DataFrame(rows).rename(columns={"id": "article_id"})
    labels = pd.read_csv(folder / "labels.csv", dtype=str).rename(columns={"id": "article_id"})
    frame = frame.merge(labels, on="article_id", how="left")
    frame["match_text"] = [normalize_for_matching(b or "") for b in frame["body"]]
    frame["body_len"] = frame["body"].str.len()
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
    return frame


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, help="synth output folder (default: generate one)")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--threshold", type=float, default=DedupParams().threshold)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of ours; the fastest is reported")
    ap.add_argument("--skip-reference", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.corpus
        if folder is None:
            from newsdedup.synth import main as synth_main

            folder = Path(tmp) / "corpus"
            synth_main(["--n", str(args.n), "--out", str(folder), "--format", "jsonl"])
        t = time.perf_counter()
        docs = load_corpus(folder)
        print(
            f"loaded {len(docs)} docs, mean match_text {docs['match_text'].str.len().mean():.0f} chars, "
            f"{time.perf_counter() - t:.1f}s; rss {peak_rss_mb():.0f} MB"
        )
    params = DedupParams(threshold=args.threshold, n_jobs=args.n_jobs)
    cols = ["article_id", "match_text", "published_at", "body_len", "source"]
    ours, ours_cpu = float("inf"), 0.0
    for _ in range(args.repeat):
        t, c = time.perf_counter(), cpu_seconds()
        res = find_duplicates(docs[cols], params)
        wall = time.perf_counter() - t
        if wall < ours:
            ours, ours_cpu, stages = wall, cpu_seconds() - c, res.stats
    secs = {k[8:]: v for k, v in stages.items() if k.startswith("seconds_")}
    print(
        f"ours: {ours:.2f}s wall, {ours_cpu:.2f}s cpu, {len(docs) / ours:.0f} docs/s, "
        f"peak rss {peak_rss_mb():.0f} MB; stages {secs}"
    )
    print("ours stats:", {k: v for k, v in res.stats.items() if not k.startswith("seconds_")})
    truth = docs["dup_group"].tolist()
    p, r, f = pairwise_prf(res.assignments["dup_group_id"].tolist(), truth)
    print(f"ours pairwise P/R/F1 vs dup_group: {p:.4f} / {r:.4f} / {f:.4f}")
    if args.skip_reference:
        return 0
    timings: dict[str, float] = {}
    t, c = time.perf_counter(), cpu_seconds()
    labels = reference_dedup(
        docs["article_id"].tolist(), docs["match_text"].tolist(), args.threshold, 128, timings
    )
    ref, ref_cpu = time.perf_counter() - t, cpu_seconds() - c
    print(
        f"reference: {ref:.2f}s wall, {ref_cpu:.2f}s cpu, {len(docs) / ref:.0f} docs/s, "
        f"peak rss {peak_rss_mb():.0f} MB; stages { {k: round(v, 3) for k, v in timings.items()} }"
    )
    p, r, f = pairwise_prf(labels, truth)
    print(f"reference pairwise P/R/F1 vs dup_group: {p:.4f} / {r:.4f} / {f:.4f}")
    print(f"speed ratio reference/ours: {ref / ours:.1f}x wall, {ref_cpu / max(ours_cpu, 1e-9):.1f}x cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
