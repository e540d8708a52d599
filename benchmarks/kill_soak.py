"""The reviewer's check for issue #14: external kills at random moments of a ~40,000-article run.

    .venv/bin/python benchmarks/kill_soak.py                       # 40,000 articles, 20 kills, seed 14
    .venv/bin/python benchmarks/kill_soak.py --n 10000 --kills 6   # quicker
    .venv/bin/python benchmarks/kill_soak.py --json bench-out/kill-soak/result.json

Generates (once, cached under --work) a synthetic JSONL corpus with newsdedup.synth, times one
uninterrupted run of it (the calibration: how long a run takes and when its read workers are up), then
for each kill: starts ``newsdedup run`` on the whole corpus into an empty output folder, delivers the kill
at a seeded random moment (SIGKILL to the main process only, SIGKILL to one worker, or SIGTERM to the main
process, mixed), waits up to --grace seconds for every process of the run to end, and starts a normal run
on the same output. Per kill it prints the moment, the kind, the orphans that survived, the killed run's
exit, the next run's exit and seconds to start (until it logged its first step, i.e. got past the lock),
and duplicated/missing ids in the final articles table; a reader thread reads ``articles`` throughout.

When the next run finds the lock held (exit 75) the script does what an operator would: kills the orphans
(by pid), runs again and reports both. Processes and output live under --work; nothing else is touched.
The kill machinery is shared with tests/run/test_external_kills.py (tests/run/harness.py).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.run.harness import (  # noqa: E402  (the harness lives with the tests that also use it)
    KINDS,
    KillPlan,
    Reader,
    Run,
    cli_env,
    deliver,
    id_problems,
    reap,
    run_to_end,
    staging_leftovers,
    workers,
)


@dataclass
class Row:
    i: int
    kind: str
    moment: float
    delivered: bool
    killed_exit: int | None  # None: it had not exited --exit-timeout seconds after the signal (hung)
    hung: bool
    orphans: int
    orphan_pids: str
    next_exit: int
    next_start_s: float | None  # seconds until the next run logged its first step; None: it never started
    next_seconds: float
    after_reap_exit: int | None  # when the next run exited 75: the run after the orphans were killed
    staging_left: int
    duplicates: int
    missing: int


def corpus(work: Path, n: int, seed: int) -> tuple[Path, set[str]]:
    root = work / f"corpus-{n}-s{seed}"
    data = root / "data"
    if not any(data.glob("*.jsonl")):
        argv = ["--n", str(n), "--format", "jsonl", "--seed", str(seed), "--out", str(root)]
        subprocess.run([sys.executable, "-m", "newsdedup.synth", *argv], check=True, env=cli_env())
    ids = {json.loads(line)["id"] for f in sorted(data.glob("*.jsonl")) for line in f.open() if line.strip()}
    return data, ids


def calibrate(data: Path, work: Path) -> tuple[float, float, float]:
    """One uninterrupted run: (seconds, when workers were first seen, how long they lived)."""
    out = work / "calibrate"
    shutil.rmtree(out, ignore_errors=True)
    run = Run([data], out, work / "logs", label="calibrate")
    up = gone = None
    while not run.done():
        kids = bool(workers(run.pid))
        now = run.elapsed()
        if kids and up is None:
            up = now
        if not kids and up is not None and gone is None:
            gone = now
        time.sleep(0.02)
    if run.popen.returncode != 0:
        raise SystemExit(f"calibration run failed ({run.popen.returncode}): {run.stderr()[-2000:]}")
    total = run.elapsed()
    shutil.rmtree(out, ignore_errors=True)
    up = up if up is not None else 0.0
    return total, up, (gone if gone is not None else total) - up


def plan(i: int, rng: random.Random, span: float, workers_up: float, workers_for: float) -> KillPlan:
    """Kinds cycle main-sigkill, worker-sigkill, main-sigterm; the moment is uniform over the whole run
    (for a worker kill: over the time the workers live)."""
    kind = KINDS[i % len(KINDS)]
    if kind == "worker-sigkill":
        return KillPlan(kind, "workers", round(rng.uniform(0.0, max(workers_for, 0.1)), 3))
    return KillPlan(kind, "start", round(rng.uniform(0.2, span), 3))


def next_run(data: Path, out: Path, logs: Path, label: str) -> tuple[int, float | None, float]:
    run = Run([data], out, logs, label=label)
    started = None
    while not run.done():
        if started is None and re.search(r"\bstep \w+", run.stderr()):
            started = run.elapsed()
        time.sleep(0.02)
    if started is None and re.search(r"\bstep \w+", run.stderr()):
        started = run.elapsed()
    return run.popen.returncode, started, run.elapsed()


def one_kill(
    i: int,
    p: KillPlan,
    data: Path,
    ids: set[str],
    work: Path,
    rng: random.Random,
    grace: float,
    exit_timeout: float,
) -> Row:
    out, logs = work / f"out-{i:02d}", work / "logs" / f"{i:02d}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(logs, ignore_errors=True)
    reader = Reader(out, interval=0.5)
    reader.start()
    killed = Run([data], out, logs, label="killed")
    outcome = deliver(killed, p, rng, grace=grace, exit_timeout=exit_timeout)
    after = None
    try:
        rc, started, seconds = next_run(data, out, logs, "next")
        if rc == 75:
            reap(outcome)
            after = run_to_end([data], out, logs, label="after-reap").rc
    finally:
        reap(outcome)
        reader.stop()
    if reader.errors:
        print(f"  reader errors: {reader.errors[:3]}", flush=True)
    if outcome.hang:
        print(
            f"  HUNG: the killed run had not exited {outcome.exit_seconds:.0f}s after the signal "
            f"(then SIGKILLed); threads: {outcome.hang}",
            flush=True,
        )
    dups, missing, _ = id_problems(out, ids) if (out / "articles").exists() else (0, len(ids), 0)
    row = Row(
        i,
        p.kind,
        round(outcome.moment, 2),
        outcome.delivered,
        outcome.rc,
        bool(outcome.hang),
        len(outcome.orphans),
        " ".join(map(str, outcome.orphans)),
        rc,
        None if started is None else round(started, 2),
        round(seconds, 2),
        after,
        len(staging_leftovers(out)),
        dups,
        missing,
    )
    shutil.rmtree(out, ignore_errors=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40_000, help="articles in the corpus")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--grace", type=float, default=5.0, help="seconds a killed run's processes get to end")
    ap.add_argument("--exit-timeout", type=float, default=60.0, help="seconds a killed run gets to exit")
    ap.add_argument("--work", type=Path, default=REPO / "bench-out" / "kill-soak")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data, ids = corpus(args.work, args.n, args.seed)
    span, up, lived = calibrate(data, args.work)
    print(
        f"corpus: {len(ids)} ids in {data}; an uninterrupted run takes {span:.1f}s, its workers live "
        f"from {up:.1f}s for {lived:.1f}s",
        flush=True,
    )
    rng = random.Random(args.seed)
    rows = []
    head = "kill kind            moment  exit  orphans  next: exit start(s) total(s)  staging dups missing"
    print(head, flush=True)
    for i in range(args.kills):
        p = plan(i, rng, span, up, lived)
        r = one_kill(i, p, data, ids, args.work, rng, args.grace, args.exit_timeout)
        rows.append(r)
        nxt = f"{r.next_exit}" + (f"->{r.after_reap_exit}" if r.after_reap_exit is not None else "")
        start = "-" if r.next_start_s is None else f"{r.next_start_s:.1f}"
        print(
            f"{i:4d} {r.kind:15s} {r.moment:6.1f}s {r.killed_exit!s:>5} {r.orphans:8d}  "
            f"{nxt:>10} {start:>8} {r.next_seconds:8.1f}  {r.staging_left:7d} {r.duplicates:4d} {r.missing:7d}"
            + ("" if r.delivered else "  (not delivered: run had ended)"),
            flush=True,
        )
    bad = [
        r
        for r in rows
        if r.orphans or r.next_exit != 0 or r.duplicates or r.missing or r.staging_left or r.hung
    ]
    print(
        f"\n{len(rows)} kills: {sum(1 for r in rows if r.orphans)} left orphans, "
        f"{sum(1 for r in rows if r.next_exit == 75)} next runs exited 75, "
        f"{sum(1 for r in rows if r.next_exit not in (0, 75))} next runs failed otherwise, "
        f"{sum(r.duplicates for r in rows)} duplicated and {sum(r.missing for r in rows)} missing ids, "
        f"{sum(r.staging_left for r in rows)} staging folders left, "
        f"{sum(1 for r in rows if r.hung)} killed runs hung (no exit {args.exit_timeout:.0f}s after the signal)",
        flush=True,
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
