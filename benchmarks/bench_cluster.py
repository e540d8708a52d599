"""Benchmark story clustering: seconds and peak RSS at several corpus sizes, each size in its own process.

Corpus: ``newsdedup.synth`` jsonl (generated once per size into a temporary folder, outside the timing), or
existing corpus folders with ``--corpora``. Documents are featurised chunk by chunk while reading (as the
job's cluster step featurises staged parts: no matching text is kept), then clustered from the features;
both steps are timed (wall and CPU) and the story B-cubed F1 against labels.csv is printed. ``--canonical`` keeps one article per
``dup_group`` (the smallest id), i.e. the canonical articles clustering sees after dedup.
Usage: python benchmarks/bench_cluster.py [--sizes 10000,100000] [--workdir DIR] [--corpora A,B] [--canonical]
    [--impl OTHER_CLUSTER_MODULE.py] [--threads N] [--language en]
Prints one line per size plus the first -> last growth ratio of time and RSS.
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

CHUNK = 8192


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _child(
    corpus: Path, canonical: bool, impl: Path | None, threads: int | None = None, language: str | None = None
) -> None:
    """Load and featurise the corpus, cluster it, print a JSON line with timings and peak RSS."""
    import importlib.util
    import os
    from concurrent.futures import ThreadPoolExecutor
    from typing import Any

    import numpy as np
    import pandas as pd

    from newsdedup.cluster import StoryFeatures
    from newsdedup.params import ClusterParams

    pool = ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1)
    run_kwargs: dict[str, Any] = {}

    if impl is not None:  # another version of the module (e.g. the previous commit's), for before/after
        spec = importlib.util.spec_from_file_location("cluster_impl", impl)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules["cluster_impl"] = mod  # dataclasses look their module up
        spec.loader.exec_module(mod)
        cluster_stories, story_features = mod.cluster_stories, mod.story_features
        params, concat = mod.ClusterParams(), mod.StoryFeatures.concat
        if threads is not None and hasattr(mod, "THREADS"):
            mod.THREADS = threads  # type: ignore[attr-defined]  # an older module may not have it
    else:
        from newsdedup.cluster import cluster_stories, story_features

        params, concat = ClusterParams(), StoryFeatures.concat
        run_kwargs["map_fn"] = lambda fn, items: list(pool.map(fn, items))
    from newsdedup.metrics import bcubed_prf
    from newsdedup.text.normalize import normalize_for_matching

    labels = pd.read_csv(corpus / "labels.csv", dtype=str)
    keep: set[str] | None = None
    if canonical:
        keep = set(labels.sort_values("id").drop_duplicates("dup_group")["id"])
    cols: dict[str, list[str]] = {"article_id": [], "title": [], "published_at": [], "source": []}
    parts: list[StoryFeatures] = []
    titles: list[str] = []
    texts: list[str] = []
    feat_wall = feat_cpu = 0.0

    def flush() -> None:
        nonlocal feat_wall, feat_cpu
        w0, c0 = time.perf_counter(), time.process_time()
        langs = None if language is None else {"languages": [language] * len(texts)}
        parts.append(
            story_features(titles, [normalize_for_matching(t) for t in texts], params, **(langs or {}))
        )
        feat_wall += time.perf_counter() - w0
        feat_cpu += time.process_time() - c0
        titles.clear()
        texts.clear()

    for path in sorted(corpus.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                aid = str(rec["id"])
                if keep is not None and aid not in keep:
                    continue
                cols["article_id"].append(aid)
                cols["title"].append(str(rec.get("title") or ""))
                cols["published_at"].append(str(rec.get("published_at") or ""))
                cols["source"].append(str(rec.get("source") or ""))
                titles.append(cols["title"][-1])
                texts.append(str(rec.get("body") or ""))
                if len(texts) >= CHUNK:
                    flush()
    if texts:
        flush()
    features = concat(parts)
    parts.clear()
    docs = pd.DataFrame(cols)
    del cols
    docs["published_at"] = pd.to_datetime(docs["published_at"], utc=True, errors="coerce", format="mixed")
    docs["group_size"] = 1
    if language is not None:
        run_kwargs["languages"] = [language] * len(docs)
    # Compile (or load) the kernels outside the timing.
    warm = {**run_kwargs, **({"languages": [language] * min(50, len(docs))} if language else {})}
    cluster_stories(docs.iloc[:50], params, features.take(np.arange(min(50, len(docs)))), **warm)
    rss_before = _status_mb("VmRSS")
    reset = _reset_peak()
    w0, c0 = time.perf_counter(), time.process_time()
    topic, topics = cluster_stories(docs, params, features, **run_kwargs)
    seconds, cpu = time.perf_counter() - w0, time.process_time() - c0
    peak = _status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    story = labels.set_index("id")["story"]
    _p, _r, f1 = bcubed_prf(topic.tolist(), story.loc[docs["article_id"]].tolist())
    out = {
        "n": len(docs),
        "topics": len(topics),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "features_seconds": round(feat_wall, 2),
        "features_cpu_seconds": round(feat_cpu, 2),
        "feature_bytes_per_doc": round(features.nbytes / max(len(features), 1)),
        "vocab_terms": len(features.vocab_hash),
        "bcubed_f1": round(f1, 4),
        "peak_rss_mb": round(peak),
        "rss_before_cluster_mb": round(rss_before),
        "cluster_rss_increase_mb": round(peak - rss_before),
        "feature_mb": round(features.nbytes / 2**20),
    }
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--corpora", default=None, help="comma-separated existing corpus folders (skip --sizes)")
    ap.add_argument("--canonical", action="store_true", help="cluster one article per dup_group")
    ap.add_argument(
        "--impl", type=Path, default=None, help="cluster module file to use instead (before/after)"
    )
    ap.add_argument(
        "--threads", type=int, default=None, help="threads for the cluster kernels (default: CPUs)"
    )
    ap.add_argument("--language", default=None, help="pass this language for every article (e.g. en)")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        _child(args.child, args.canonical, args.impl, args.threads, args.language)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="benchcluster"))
    corpora: list[Path] = []
    if args.corpora:
        corpora = [Path(c) for c in args.corpora.split(",")]
    else:
        for n in [int(s) for s in args.sizes.split(",")]:
            corpus = work / f"synth{n}"
            if not (corpus / "labels.csv").exists():
                gen = [sys.executable, "-m", "newsdedup.synth", "--n", str(n), "--out", str(corpus)]
                subprocess.run([*gen, "--format", "jsonl"], check=True, capture_output=True)
            corpora.append(corpus)
    results = []
    for corpus in corpora:
        cmd = [sys.executable, __file__, "--child", str(corpus)] + (["--canonical"] if args.canonical else [])
        if args.impl is not None:
            cmd += ["--impl", str(args.impl)]
        if args.threads is not None:
            cmd += ["--threads", str(args.threads)]
        if args.language is not None:
            cmd += ["--language", args.language]
        proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(
            f"n={res['n']:>7}  topics={res['topics']:>6}  cluster {res['seconds']:7.2f} s "
            f"(cpu {res['cpu_seconds']:.2f})  features {res['features_seconds']:.2f} s "
            f"(cpu {res['features_cpu_seconds']:.2f}, {res['feature_bytes_per_doc']} B/doc, "
            f"{res['vocab_terms']} terms)  B3 F1 {res['bcubed_f1']:.4f}  peak RSS {res['peak_rss_mb']} MB "
            f"(before clustering {res['rss_before_cluster_mb']} MB, increase {res['cluster_rss_increase_mb']} MB; "
            f"features {res['feature_mb']} MB)",
            flush=True,
        )
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(
            f"growth {a['n']} -> {b['n']} ({b['n'] / a['n']:.0f}x docs): time x{b['seconds'] / a['seconds']:.1f} "
            f"(cpu x{b['cpu_seconds'] / a['cpu_seconds']:.1f}), peak RSS x{b['peak_rss_mb'] / a['peak_rss_mb']:.1f}"
        )


if __name__ == "__main__":
    main()
