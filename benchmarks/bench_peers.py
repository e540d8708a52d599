"""Our whole job against the dedup-only peers, every one a whole process, in one interleaved series.

    .venv/bin/python benchmarks/bench.py --n 20000 --peers [--repeat 3]

Per round, in turn: ``newsdedup run`` (the console script, into a fresh output folder: read, parse, dedup,
cluster, write), ``benchmarks/peers.py datasketch`` and ``benchmarks/peers.py rensa`` on the same generated
corpus. Each is timed from start to exit (start-up, imports and reading included, as a user meets it) with
the peak summed RSS of its process tree (benchmarks/bench.py's sampler). A first, untimed ``newsdedup run``
on the bundled sample builds or loads the compiled kernels, as every scheduled run after the first finds them.
Rounds are interleaved so that a change in the machine's load falls on every contestant alike; the table gives
the median seconds of each and the ratios of those medians.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

BENCH = Path(__file__).resolve().parent
SAMPLE = BENCH.parent / "src" / "newsdedup" / "sample"


def newsdedup_command(inputs: Sequence[Path], out: Path) -> list[str]:
    script = Path(sys.executable).with_name("newsdedup")
    args = [str(script)] if script.exists() else [sys.executable, "-m", "newsdedup.cli"]
    cmd = [*args, "run", "--quiet", "--output", str(out)]
    for path in inputs:
        cmd += ["--input", str(path)]
    return cmd


def timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak summed RSS in MB) of one process tree running ``cmd``; raises when it fails."""
    from bench import TreeMemorySampler

    sampler = TreeMemorySampler()
    t0 = time.perf_counter()
    with sampler:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return seconds, sampler.peak_rss_kb / 1024


def peer_f1(groups_csv: Path, labels_csv: Path) -> float:
    from newsdedup.metrics import pairwise_prf

    got = pd.read_csv(groups_csv, dtype={"id": str})
    truth = pd.read_csv(labels_csv, dtype={"id": str}).set_index("id")["dup_group"]
    return round(pairwise_prf(got["group"].tolist(), truth[got["id"]].tolist())[2], 4)


def compare(src: Path, work: Path, repeat: int) -> dict[str, object]:
    """The interleaved series on the corpus ``src`` (``data/*.jsonl`` and ``labels.csv``)."""
    from newsdedup.evaluate import evaluate

    warm = work / "peers-warm-up"
    shutil.rmtree(warm, ignore_errors=True)
    timed(newsdedup_command([SAMPLE / "raw", SAMPLE / "feed.jsonl"], warm))
    shutil.rmtree(warm, ignore_errors=True)
    out = work / "peers-out"
    cmds = {
        "newsdedup": newsdedup_command([src / "data"], out),
        "datasketch": [
            sys.executable,
            str(BENCH / "peers.py"),
            "datasketch",
            str(src),
            str(work / "peer-datasketch.csv"),
        ],
        "rensa": [sys.executable, str(BENCH / "peers.py"), "rensa", str(src), str(work / "peer-rensa.csv")],
    }
    seconds: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, float] = dict.fromkeys(cmds, 0.0)
    for _ in range(repeat):
        for name, cmd in cmds.items():
            if name == "newsdedup":
                shutil.rmtree(out, ignore_errors=True)
            s, mb = timed(cmd)
            seconds[name].append(s)
            peaks[name] = max(peaks[name], mb)
    median = {k: statistics.median(v) for k, v in seconds.items()}
    report = evaluate(out, src / "labels.csv")
    return {
        "repeat": repeat,
        "seconds_median": {k: round(v, 2) for k, v in median.items()},
        "seconds_all": {k: [round(x, 2) for x in v] for k, v in seconds.items()},
        "peak_rss_mb": {k: round(v, 1) for k, v in peaks.items()},
        "dup_f1": {
            "newsdedup": report["duplicates"]["pairwise"]["f1"],
            "datasketch": peer_f1(work / "peer-datasketch.csv", src / "labels.csv"),
            "rensa": peer_f1(work / "peer-rensa.csv", src / "labels.csv"),
        },
        "speedup_vs_datasketch_dedup": round(median["datasketch"] / median["newsdedup"], 2),
        "speedup_vs_rensa_dedup": round(median["rensa"] / median["newsdedup"], 2),
    }
