"""Whole-job benchmark: newsdedup (read, parse, dedup, cluster, write) vs the datasketch reference dedup.

    .venv/bin/python benchmarks/bench.py --n 20000                 # one size, with the reference, same process
    .venv/bin/python benchmarks/bench.py --n 10000 100000 --no-reference   # scaling table, one process per size
    .venv/bin/python benchmarks/bench.py --n 20000 --format txt    # one raw-layout .txt file per article
    .venv/bin/python benchmarks/bench.py --n 20000 --peers         # whole processes: us, datasketch, rensa

For each size it generates a synthetic news-like JSONL corpus (or raw-layout .txt files) with syndicated copies
(newsdedup.synth, cached under --work), runs the whole job into a fresh output folder, and prints per-step
seconds, articles per second, peak RSS and quality against the generator's labels. With the reference
(default), the same process then runs the reference pipeline written the way the datasketch docs suggest
(benchmarks/reference.py) on the same matching texts and prints the ratio of its dedup time to our whole-job
time. ru_maxrss is a high-water mark, so ours runs first and its peak is read before the reference starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SAMPLE = Path(__file__).resolve().parent.parent / "src" / "newsdedup" / "sample"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """The largest peak RSS of any waited-for child process (the parse workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _tree_pids(root: int, exclude: int) -> list[int]:
    """``root`` and all its descendants but ``exclude`` (the sampler), from /proc (Linux): each thread's
    ``children`` file lists the processes it started."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid == exclude:
            continue
        out.append(pid)
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
            except (OSError, ValueError):
                continue
    return out


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    """RSS of one process in kB, from /proc/<pid>/statm (counters: cheap to read)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """PSS of one process in kB. PSS splits pages shared with other processes (the forked workers share the
    parent's pages) among them, so PSS summed over processes is the physical memory they use.

    Reading smaps_rollup makes the kernel walk the process's page tables under its memory-map lock, which
    stalls the process's own page faults meanwhile: it is read less often than the RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _sample_tree(root: int, interval: float, pss_every: int = 5) -> None:
    """The sampler process: waits for a line on its standard input, then every ``interval`` seconds sums the
    RSS over ``root``'s process tree, every ``pss_every`` intervals (and at the first) the PSS; prints the
    largest of each when its standard input closes."""
    sys.stdin.readline()
    peak_rss = peak_pss = 0
    tick = 0
    while True:
        pids = _tree_pids(root, os.getpid())
        peak_rss = max(peak_rss, sum(map(_rss_kb, pids)))
        if tick % pss_every == 0:
            peak_pss = max(peak_pss, sum(map(_pss_kb, pids)))
        tick += 1
        if select.select([sys.stdin], [], [], interval)[0]:  # readable: closed by the benchmark
            break
    print(peak_rss, peak_pss, flush=True)


class TreeMemorySampler:
    """Samples the memory of this process and its workers: the largest sum of RSS (every ``interval``
    seconds; counts pages shared between the forked processes once per process) and of PSS (every fifth
    interval; counts them once).

    The sampling runs in a process of its own: as a thread of the timed process it took the interpreter lock
    from the job it measures. Reading PSS stalls the measured process while the kernel walks its page
    tables, so it is read less often than the RSS (the figures are in docs/benchmarks.md).

    Make it while this process is small (the constructor starts it): a child's peak RSS counts the pages it
    shared with its parent before it ran the sampler, and ``RUSAGE_CHILDREN`` (the workers' peak) would
    report the benchmark's own size. Use it as a context manager around the measured run."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self._proc = subprocess.Popen(
            [sys.executable, __file__, "--sample-tree", str(os.getpid()), str(self.interval)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __enter__(self) -> TreeMemorySampler:
        assert self._proc.stdin is not None
        self._proc.stdin.write("start\n")
        self._proc.stdin.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._proc.communicate("")  # closing its input stops it
        rss, pss = out.split()
        self.peak_rss_kb, self.peak_pss_kb = int(rss), int(pss)


def corpus(work: Path, n: int, seed: int, fmt: str = "jsonl", reuse: bool = False) -> Path:
    """The generated corpus (cached): JSONL files under ``data/``, or one raw-layout .txt file per article
    under ``raw/`` (``fmt="txt"``); ``reuse``: the heavy sentence-reuse corpus (newsdedup.synth.reuse)."""
    from newsdedup.synth import SynthConfig, write_corpus

    if reuse:
        from newsdedup.synth.reuse import ReuseConfig, write_reuse_corpus

        path = work / f"corpus-reuse-{n}-{seed}"
        if not (path / "labels.csv").exists():
            shutil.rmtree(path, ignore_errors=True)
            write_reuse_corpus(path, ReuseConfig(n_articles=n, seed=seed))
        return path
    path = work / (f"corpus-{n}-{seed}" if fmt == "jsonl" else f"corpus-{fmt}-{n}-{seed}")
    if not (path / "labels.csv").exists():
        shutil.rmtree(path, ignore_errors=True)
        write_corpus(path, SynthConfig(n_articles=n, seed=seed), fmt=fmt)
    return path


def planted_recall(out: Path, src: Path) -> dict[str, float]:
    """Per kind of planted copy (synth/reuse.py), the share grouped with its original, and overall."""
    import pandas as pd

    planted = pd.read_csv(src / "planted.csv")
    groups = pd.read_parquet(out / "articles", columns=["article_id", "dup_group_id"])
    group = groups.set_index("article_id")["dup_group_id"]
    planted["found"] = (
        group.reindex(planted["id"]).to_numpy() == group.reindex(planted["original"]).to_numpy()
    )
    recall = {str(k): round(float(v), 4) for k, v in planted.groupby("kind")["found"].mean().items()}
    recall["all"] = round(float(planted["found"].mean()), 4)
    return recall


def one(
    n: int,
    seed: int,
    work: Path,
    reference: bool,
    fmt: str = "jsonl",
    reuse: bool = False,
    engine: str = "local",
) -> dict[str, object]:
    sampler = TreeMemorySampler()  # forked now, while this process is small
    from newsdedup.cli import process_settings
    from newsdedup.config import load_config
    from newsdedup.evaluate import evaluate
    from newsdedup.run.pipeline import run

    src = corpus(work, n, seed, fmt, reuse)
    out = work / (
        f"out-reuse-{n}-{seed}" if reuse else f"out-{n}-{seed}" if fmt == "jsonl" else f"out-{fmt}-{n}-{seed}"
    )
    if engine != "local":
        out = out.with_name(f"{out.name}-{engine}")
    shutil.rmtree(out, ignore_errors=True)
    config = load_config(None, environ={})
    # Compiled kernels are built once per installation and cached on disk; a first run on the bundled
    # sample builds or loads them, so the timed run measures the job, as every scheduled run after the
    # first does. Its seconds are reported (warm_up_seconds).
    # the library changes nothing process-wide: the command's process settings are applied as the CLI does
    warm = time.perf_counter()
    with process_settings():
        run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], work / "warm-up", config)
    shutil.rmtree(work / "warm-up", ignore_errors=True)
    warm = time.perf_counter() - warm
    t0 = time.perf_counter()
    timed = dataclasses.replace(config, run=dataclasses.replace(config.run, engine=engine))
    with sampler, process_settings():
        result = run([src / ("data" if fmt == "jsonl" else "raw")], out, timed)
    wall = time.perf_counter() - t0
    ours_peak = peak_rss_mb()
    report = evaluate(out, src / "labels.csv")
    row: dict[str, object] = {
        "n": n,
        "format": fmt,
        "engine": engine,
        "seconds": round(wall, 2),
        "articles_per_s": round(n / wall, 1),
        "peak_rss_mb": round(ours_peak, 1),
        "peak_rss_workers_mb": round(children_peak_rss_mb(), 1),
        "peak_rss_sum_all_processes_mb": round(sampler.peak_rss_kb / 1024, 1),
        "peak_pss_sum_all_processes_mb": round(sampler.peak_pss_kb / 1024, 1),
        "warm_up_seconds": round(warm, 2),
        "steps": {k: v["seconds"] for k, v in result.manifest["steps"].items()},
        "peak_rss_mb_after_step": {k: v.get("peak_rss_mb") for k, v in result.manifest["steps"].items()},
        "dup_f1": report["duplicates"]["pairwise"]["f1"],
        "topic_bcubed_f1": report["topics"]["bcubed"]["f1"],
        "dedup_stats": {
            k: result.manifest["steps"]["dedup"].get(k)
            for k in (
                "candidate_pairs",
                "false_positives",
                "candidate_blocks",
                "seconds_lsh",
                "seconds_verify",
            )
        },
        "memory": result.manifest.get("memory"),
    }
    if reuse:
        row["planted_recall"] = planted_recall(out, src)
    if reference:
        import pandas as pd
        from reference import reference_dedup

        from newsdedup.metrics import pairwise_prf

        arts = pd.read_parquet(out / "articles", columns=["article_id", "body"])
        from newsdedup.text.normalize import normalize_for_matching

        texts = [normalize_for_matching(b) for b in arts["body"]]
        t1 = time.perf_counter()
        labels = reference_dedup(arts["article_id"].tolist(), texts, threshold=0.5, num_perm=128)
        ref = time.perf_counter() - t1
        truth = pd.read_csv(src / "labels.csv").set_index("id")["dup_group"]
        row["reference_dedup_seconds"] = round(ref, 2)
        row["reference_dup_f1"] = round(pairwise_prf(labels, truth[arts["article_id"]].tolist())[2], 4)
        row["speedup_whole_job_vs_reference_dedup"] = round(ref / wall, 2)
        row["peak_rss_mb_after_reference"] = round(peak_rss_mb(), 1)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[20000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument(
        "--format",
        choices=["jsonl", "txt"],
        default="jsonl",
        help="JSONL export, or one raw .txt per article",
    )
    ap.add_argument(
        "--peers",
        action="store_true",
        help="time `newsdedup run` and the dedup-only peers as whole processes (benchmarks/bench_peers.py)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds for --peers")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="the heavy sentence-reuse corpus (synth/reuse.py) with planted copies",
    )
    ap.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="run.engine of the timed run (dask: a LocalCluster with run.n_jobs workers; output in out-...-dask)",
    )
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.peers:
        from bench_peers import compare

        for n in args.n:
            row = compare(corpus(args.work, n, args.seed), args.work, args.repeat)
            print(json.dumps({"n": n, **row}))
        return 0
    if args.one:
        print(
            json.dumps(
                one(
                    args.n[0],
                    args.seed,
                    args.work,
                    not args.no_reference,
                    args.format,
                    args.reuse,
                    args.engine,
                )
            )
        )
        return 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for n in args.n:
        # one process per size, so each peak RSS is that size's own
        cmd = [
            sys.executable,
            __file__,
            "--one",
            "--n",
            str(n),
            "--seed",
            str(args.seed),
            "--work",
            str(args.work),
            "--format",
            args.format,
            "--engine",
            args.engine,
        ]
        if args.no_reference:
            cmd.append("--no-reference")
        if args.reuse:
            cmd.append("--reuse")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return proc.returncode
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(row, indent=None))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--sample-tree":
        _sample_tree(int(sys.argv[2]), float(sys.argv[3]))
        raise SystemExit(0)
    raise SystemExit(main())
