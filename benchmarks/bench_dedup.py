"""Benchmark newsdedup.dedup against the datasketch reference pipeline on the same texts, same process.

    .venv/bin/python benchmarks/bench_dedup.py --n 20000            # generates a synthetic corpus
    .venv/bin/python benchmarks/bench_dedup.py --corpus DIR         # DIR from `python -m newsdedup.synth`
    .venv/bin/python benchmarks/bench_dedup.py --corpus DIR --sketched --compare-rev HEAD --skip-reference

Prints seconds per stage, docs/s, peak RSS after each run (ru_maxrss is a high-water mark, so ours runs
first), the speed ratio, and pairwise precision/recall/F1 of both against labels.csv dup_group.
``--sketched`` times the dedup step alone, with sketches computed beforehand (as the pipeline passes them);
``--on-disk`` also stages the shingle hashes in a read-only memory map and drops ``match_text``;
``--compare-rev REV`` times src/newsdedup/dedup.py as of git revision REV in the same process and checks
equal results (that path is the module before the layered package, so only revisions before it load).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import reference_dedup

from newsdedup.dedup import Sketches, compact_digests, find_duplicates, sketch_texts
from newsdedup.metrics import pairwise_prf
from newsdedup.params import DedupParams
from newsdedup.text.normalize import normalize_for_matching


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


def module_at(rev: str) -> ModuleType:
    """src/newsdedup/dedup.py (the dedup module before the layered package) as of git revision ``rev``,
    imported under another name."""
    root = Path(__file__).resolve().parent.parent
    text = subprocess.run(
        ["git", "show", f"{rev}:src/newsdedup/dedup.py"], cwd=root, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "dedup_at_rev.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("dedup_at_rev", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def timed(fn: Any, *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[float, float, Any]:
    """Fastest of ``repeat`` calls: (wall seconds, cpu seconds of that call, result)."""
    best: tuple[float, float, Any] = (float("inf"), 0.0, None)
    for _ in range(repeat):
        t, c = time.perf_counter(), cpu_seconds()
        out = fn(*args, **kwargs)
        wall, cpu = time.perf_counter() - t, cpu_seconds() - c
        if wall < best[0]:
            best = (wall, cpu, out)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, help="synth output folder (default: generate one)")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--threshold", type=float, default=DedupParams().threshold)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of ours; the fastest is reported")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--sketched", action="store_true", help="time dedup with precomputed sketches")
    ap.add_argument("--on-disk", action="store_true", help="with --sketched: hashes in a read-only memmap")
    ap.add_argument("--compare-rev", help="also time dedup.py of this git revision (same process)")
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
    params = DedupParams(threshold=args.threshold)
    cols = ["article_id", "match_text", "published_at", "body_len", "source"]
    # --n-jobs threads run the blocks of sketching and verification, as the run layer's thread map does
    pool = ThreadPoolExecutor(max(1, args.n_jobs))
    kwargs: dict[str, Any] = {"map_fn": lambda fn, items: list(pool.map(fn, items))}
    frame = docs[cols]
    if args.sketched:
        t = time.perf_counter()
        sk = sketch_texts(docs["match_text"].tolist(), params, map_fn=kwargs["map_fn"])
        print(f"sketches: {time.perf_counter() - t:.2f}s (not counted below)")
        kwargs["sketches"] = sk
        if args.on_disk:
            stage = Path(tempfile.mkdtemp())
            sk.hashes.tofile(stage / "hashes")
            mapped = np.memmap(stage / "hashes", dtype=sk.hashes.dtype, mode="r")
            kwargs["sketches"] = Sketches(
                compact_digests(sk.digests), sk.tokens, mapped, sk.offsets, sk.signatures
            )
            frame = docs[[c for c in cols if c != "match_text"]]
        # compile the kernels outside the measurement
        t = time.perf_counter()
        find_duplicates(
            docs[cols].head(20), params, sketches=sketch_texts(docs["match_text"].head(20).tolist(), params)
        )
        print(f"warm-up (numba compile or cache load): {time.perf_counter() - t:.2f}s")
    if args.compare_rev:
        old_mod = module_at(args.compare_rev)
        old_kwargs = {"sketches": sk} if args.sketched else {}
        o_wall, o_cpu, o_res = timed(
            old_mod.find_duplicates, docs[cols], params, repeat=args.repeat, **old_kwargs
        )
        print(f"{args.compare_rev}: {o_wall:.3f}s wall, {o_cpu:.3f}s cpu")
    ours, ours_cpu, res = timed(find_duplicates, frame, params, repeat=args.repeat, **kwargs)
    stages = res.stats
    if args.compare_rev:
        pd.testing.assert_frame_equal(o_res.assignments, res.assignments)
        pd.testing.assert_frame_equal(o_res.duplicates, res.duplicates)
        print(
            f"same assignments and duplicates as {args.compare_rev}; speed-up {o_cpu / max(ours_cpu, 1e-9):.1f}x cpu"
        )
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
