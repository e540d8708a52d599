"""Per-run cost against the age of the output (issue #14: state that stays bounded after years of runs).

    .venv/bin/python benchmarks/bench_state.py small                  # (a) 2,000 new into 1,000 vs 300,000
    .venv/bin/python benchmarks/bench_state.py small --repeat 3
    .venv/bin/python benchmarks/bench_state.py year                   # (b) 365 daily runs of 240 articles
    .venv/bin/python benchmarks/bench_state.py year --runs 60 --rolling --config configs/production.toml
    (--work DIR: where corpora and outputs are cached; default bench-out/state)

Every measured run is ``python -m newsdedup.cli run`` as its own process, started from a small wrapper
interpreter; its wall seconds and peak RSS (``os.wait4`` in the wrapper: the largest of the run's process
and its waited-for workers) are reported. Corpora come from
newsdedup.synth (ids prefixed, dates shifted as described below) and are cached under --work, as are the
built outputs.

(a) ``small``: one small run (--new-n, 2,000 articles) into two outputs that hold the same recent week
(--recent-n, 1,000 articles, published within 7 days before the new ones), one of them also holding
--history-n minus --recent-n older articles published over the 330 days before that (all past the 30-day
retention window; --old-span-days 7 --old-gap-days 0 puts them all in the week before instead, inside the
retention and dedup windows). Both outputs are built once (the big one by running the job on the old corpus, then on
the recent week) and cached; each trial runs into a hard-linked copy, so every trial starts from the same
state. The only difference between the two outputs is their age, which is what the run's cost should not
depend on.

(b) ``year``: a simulated year of scheduled runs into one output. 8,760 hourly runs cost an hour of
interpreter start-up alone, so the default is 365 daily runs of 240 articles: the same yearly volume and
history size as hourly runs of 10 articles, with fewer, larger runs. The corpus (runs x per-run articles
published over 365 days) is sorted by publication time and cut into consecutive slots. Every --every runs
it prints the run's seconds and peak RSS; at the end, per tenth of the year, the median seconds and the
largest peak RSS, so flatness can be read off. With ``--rolling`` slot h's file holds the records of slots
h-2..h+7 (--back, --ahead; the same ids in up to ten files, as a feed exported as "the last N hours" does),
and a record seen again is corrected (its body changes, and stays changed in later files) with
probability --correct.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYNTH_START = dt.datetime(2024, 11, 10, tzinfo=dt.UTC)  # newsdedup.synth's default start
CORRECTION = "\n\nCorrection: an earlier version of this article misstated a figure; it has been updated."


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), e.get("PYTHONPATH")) if p)
    e.pop("NEWSDEDUP_FAILPOINT", None)
    return e


@dataclass
class Measured:
    rc: int
    seconds: float
    peak_mb: float
    summary: str


#: Runs each measured run from a fresh, small interpreter and reports its exit code, wall seconds and
#: peak RSS. Not ``os.wait4`` on a child of this process: Linux counts the memory a forked child shared
#: with its parent before ``exec`` in the child's ru_maxrss, and this process holds whole corpora in memory.
WRAPPER = """
import os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=sys.stdout, stderr=sys.stdout)
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as fh:
    fh.write(f"{os.waitstatus_to_exitcode(status)} {seconds} {usage.ru_maxrss}")
"""


def timed_run(inputs: Sequence[Path], out: Path, config: Path | None, log: Path) -> Measured:
    """One ``newsdedup run`` as its own process: exit code, wall seconds, peak RSS (MB) of it and its workers
    (the largest of them: the run's process and its waited-for workers)."""
    argv = [sys.executable, "-m", "newsdedup.cli", "run", "--output", str(out), "--log-format", "json"]
    argv += ["--config", str(config)] if config else []
    argv += ["--input", *map(str, inputs)]
    log.parent.mkdir(parents=True, exist_ok=True)
    result = log.with_suffix(".rusage")
    with open(log, "wb") as fh:
        subprocess.run([sys.executable, "-c", WRAPPER, str(result), *argv], stdout=fh, env=env(), check=True)
    rc, seconds, maxrss_kb = result.read_text().split()
    said = [
        ln
        for ln in log.read_text(errors="replace").splitlines()
        if ln.startswith(("newsdedup run", "nothing new"))
    ]
    return Measured(int(rc), float(seconds), int(maxrss_kb) / 1024, said[0] if said else "")


def synth_lines(work: Path, n: int, seed: int, span_days: float) -> list[str]:
    """The JSONL lines of a generated corpus (cached under ``work``)."""
    root = work / "corpora" / f"synth-{n}-s{seed}-d{span_days:g}"
    data = root / "data"
    if not any(data.glob("*.jsonl")):
        argv = ["--n", str(n), "--seed", str(seed), "--span-days", str(span_days), "--format", "jsonl"]
        subprocess.run(
            [sys.executable, "-m", "newsdedup.synth", *argv, "--out", str(root)], check=True, env=env()
        )
    return [ln for f in sorted(data.glob("*.jsonl")) for ln in f.read_text().splitlines() if ln.strip()]


def rewrite(line: str, prefix: str, shift: dt.timedelta) -> dict[str, object]:
    rec = json.loads(line)
    rec["id"] = prefix + rec["id"]
    if rec.get("published_at"):
        rec["published_at"] = (dt.datetime.fromisoformat(rec["published_at"]) + shift).isoformat()
    return rec


def write_jsonl(path: Path, records: Sequence[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    tmp.replace(path)
    return path


def link_copy(src: Path, dst: Path) -> None:
    """A copy of an output folder whose files are hard links (a run never rewrites a file in place)."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True, copy_function=os.link)


# -- (a) one small run into a young and an old output ---------------------------------------------------
def small_inputs(args: argparse.Namespace) -> tuple[Path, Path, Path, str]:
    """(old corpus, recent week, new batch) JSONL files, and the tag naming this layout."""
    tag = f"{args.history_n}-{args.recent_n}-{args.new_n}"
    if (args.old_span_days, args.old_gap_days) != (330.0, 26.0):
        tag += f"-d{args.old_span_days:g}-g{args.old_gap_days:g}"
    folder = args.work / f"small-{tag}"
    old, recent, new = folder / "old.jsonl", folder / "recent.jsonl", folder / "new.jsonl"
    if not (old.exists() and recent.exists() and new.exists()):
        # the recent week and the new batch: one corpus (copies of a story fall on both sides), published
        # from 356 days after the synth start; the old corpus ends --old-gap-days before that
        old_shift = dt.timedelta(days=356 - args.old_gap_days - args.old_span_days)
        old_lines = synth_lines(args.work, args.history_n - args.recent_n, 1, args.old_span_days)
        write_jsonl(old, [rewrite(ln, "old-", old_shift) for ln in old_lines])
        del old_lines
        week_lines = synth_lines(args.work, args.recent_n + args.new_n, 2, 7.0)
        week = [rewrite(ln, "cur-", dt.timedelta(days=356)) for ln in week_lines]
        write_jsonl(recent, week[: args.recent_n])
        write_jsonl(new, week[args.recent_n :])
    return old, recent, new, tag


def built_output(work: Path, name: str, inputs: Sequence[Path], config: Path | None) -> Path:
    out = work / "outputs" / name
    if (out / "_current").is_symlink() and (out / ".built").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    for i, path in enumerate(inputs):
        m = timed_run([path], out, config, work / "logs" / f"build-{name}-{i}.log")
        print(
            f"  built {name} step {i + 1}/{len(inputs)} from {path.name}: exit {m.rc}, "
            f"{m.seconds:.1f}s, {m.peak_mb:.0f} MB",
            flush=True,
        )
        if m.rc not in (0, 65):
            raise SystemExit(f"building {name} failed; see {work / 'logs'}")
    (out / ".built").write_text("")
    return out


def cmd_small(args: argparse.Namespace) -> int:
    old, recent, new, tag = small_inputs(args)
    young = built_output(args.work, f"young-{args.recent_n}", [recent], args.config)
    aged = built_output(
        args.work, "aged-" + tag.replace(f"-{args.recent_n}-{args.new_n}", ""), [old, recent], args.config
    )
    bases = {f"{args.recent_n:,} earlier": young, f"{args.history_n:,} earlier": aged}
    results: dict[str, list[Measured]] = {label: [] for label in bases}
    for r in range(args.repeat):  # interleaved, so a change in the machine's load hits both alike
        for label, base in bases.items():
            trial = args.work / "outputs" / "trial"
            link_copy(base, trial)
            m = timed_run([new], trial, args.config, args.work / "logs" / f"small-{r}-{base.name}.log")
            shutil.rmtree(trial, ignore_errors=True)
            results[label].append(m)
            print(
                f"  {args.new_n:,} new into {label}: exit {m.rc}, {m.seconds:.2f}s, {m.peak_mb:.0f} MB  "
                f"| {m.summary[:100]}",
                flush=True,
            )
    print(f"\n{args.new_n:,} new articles, one run as a whole process (median of {args.repeat}):")
    medians = {}
    for label, ms in results.items():
        medians[label] = (statistics.median(m.seconds for m in ms), statistics.median(m.peak_mb for m in ms))
        print(
            f"  into an output of {label:>18}: {medians[label][0]:6.2f} s  {medians[label][1]:7.0f} MB peak RSS"
        )
    (s0, m0), (s1, m1) = medians.values()
    print(f"  ratio old/young: {s1 / s0:.2f}x time, {m1 / m0:.2f}x memory (issue #14 asks for <= 1.5x)")
    return 0


# -- (b) a simulated year ------------------------------------------------------------------------------
def year_slots(args: argparse.Namespace) -> list[Path]:
    """One JSONL file per run (see the module docstring)."""
    tag = f"year-{args.runs}x{args.per_run}" + (
        f"-rolling{args.back}-{args.ahead}-c{args.correct:g}" if args.rolling else ""
    )
    folder = args.work / tag
    files = [folder / f"slot-{s:05d}.jsonl" for s in range(args.runs)]
    if all(f.exists() for f in files):
        return files
    # rolling: ``ahead`` more blocks, so that the last runs, too, bring a block nobody has seen
    n_blocks = args.runs + (args.ahead if args.rolling else 0)
    lines = synth_lines(args.work, n_blocks * args.per_run, 3, 365.0)
    recs = sorted(
        (json.loads(ln) for ln in lines), key=lambda r: dt.datetime.fromisoformat(str(r["published_at"]))
    )
    blocks = [recs[b * args.per_run : (b + 1) * args.per_run] for b in range(n_blocks)]
    if not args.rolling:
        for f, block in zip(files, blocks, strict=True):
            write_jsonl(f, block)
        return files
    rng = random.Random(args.seed)
    corrected_from: dict[str, int] = {}  # record id -> the first slot whose file carries its corrected text
    for b, block in enumerate(blocks):
        # block b appears in the files of slots b-ahead .. b+back; a correction starts after its first one
        first, last = max(0, b - args.ahead), min(args.runs - 1, b + args.back)
        for rec in block:
            if last > first and rng.random() < args.correct:
                corrected_from[str(rec["id"])] = rng.randint(first + 1, last)
    for s, f in enumerate(files):
        out = []
        for b in range(max(0, s - args.back), min(n_blocks, s + args.ahead + 1)):
            for rec in blocks[b]:
                start = corrected_from.get(str(rec["id"]))
                out.append(
                    {**rec, "body": str(rec["body"]) + CORRECTION}
                    if start is not None and s >= start
                    else rec
                )
        write_jsonl(f, out)
    return files


def cmd_year(args: argparse.Namespace) -> int:
    files = year_slots(args)
    out = args.work / "outputs" / ("year-rolling" if args.rolling else "year")
    shutil.rmtree(out, ignore_errors=True)
    rows: list[tuple[int, Measured]] = []
    print(
        f"{args.runs} runs of {args.per_run} new articles"
        + (f", each file holding slots h-{args.back}..h+{args.ahead}" if args.rolling else "")
        + f" into {out}",
        flush=True,
    )
    print("  run   exit  seconds  peak MB  summary", flush=True)
    codes: dict[int, int] = {}
    for s, f in enumerate(files):
        m = timed_run([f], out, args.config, args.work / "logs" / "year" / f"run-{s:05d}.log")
        rows.append((s, m))
        codes[m.rc] = codes.get(m.rc, 0) + 1
        if s % args.every == 0 or s == len(files) - 1 or m.rc not in (0,):
            print(f"  {s:4d}  {m.rc:4d}  {m.seconds:7.2f}  {m.peak_mb:7.0f}  {m.summary[:90]}", flush=True)
    print(f"\nexit codes: {dict(sorted(codes.items()))}")
    print("per tenth of the runs: median seconds, largest peak RSS")
    tenth = max(1, len(rows) // 10)
    for i in range(0, len(rows), tenth):
        part = [m for _, m in rows[i : i + tenth]]
        print(
            f"  runs {i:4d}-{i + len(part) - 1:4d}: {statistics.median(m.seconds for m in part):6.2f} s  "
            f"{max(m.peak_mb for m in part):6.0f} MB"
        )
    first = [m for _, m in rows[:tenth]]
    last = [m for _, m in rows[-tenth:]]
    print(
        f"last/first tenth: {statistics.median(m.seconds for m in last) / statistics.median(m.seconds for m in first):.2f}x "
        f"time, {max(m.peak_mb for m in last) / max(m.peak_mb for m in first):.2f}x peak RSS"
    )
    return 0


def main() -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--work", type=Path, default=REPO / "bench-out" / "state", help="cache and outputs")
    common.add_argument("--config", type=Path, help="TOML config for every run (default: built-in defaults)")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("small", parents=[common], help="(a) one small run into a young and an old output")
    s.add_argument("--history-n", type=int, default=300_000, help="articles in the old output")
    s.add_argument("--recent-n", type=int, default=1_000, help="articles of the recent week (both outputs)")
    s.add_argument("--new-n", type=int, default=2_000, help="articles of the measured run")
    s.add_argument("--old-span-days", type=float, default=330.0, help="the old articles' publication span")
    s.add_argument(
        "--old-gap-days", type=float, default=26.0, help="days between the old articles and the recent week"
    )
    s.add_argument("--repeat", type=int, default=1)
    y = sub.add_parser("year", parents=[common], help="(b) a simulated year of scheduled runs")
    y.add_argument("--runs", type=int, default=365)
    y.add_argument("--per-run", type=int, default=240, help="new articles per run")
    y.add_argument("--every", type=int, default=10, help="print every Nth run")
    y.add_argument("--rolling", action="store_true", help="overlapping feed files with corrections")
    y.add_argument("--back", type=int, default=2)
    y.add_argument("--ahead", type=int, default=7)
    y.add_argument("--correct", type=float, default=0.02, help="chance that a record seen again is corrected")
    y.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    return cmd_small(args) if args.cmd == "small" else cmd_year(args)


if __name__ == "__main__":
    raise SystemExit(main())
