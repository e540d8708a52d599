"""Kill a real ``newsdedup run`` from outside, the way cron timeouts, supervisors and the OOM killer do.

Used by tests/run/test_external_kills.py and benchmarks/kill_soak.py. A run is started as
``python -m newsdedup.cli run`` in its own session (``start_new_session=True``), so every process it forks
shares the session id ``sid == <main pid>`` even after the main process is gone and its children are
re-parented: that is how an orphan is found after the fact. A kill is one of

    main-sigkill    SIGKILL to the main process only (not the group), as ``kill -9 <pid>`` or the OOM killer
    worker-sigkill  SIGKILL to one worker process (see :func:`workers`)
    main-sigterm    SIGTERM to the main process only (a supervisor stopping the job, ``timeout``)

delivered at a *moment*: an anchor (``start``: the process was started; ``workers``: the run has worker
processes; ``logged``: the run has logged its first step) plus a seeded random delay. Output goes to files,
never to pipes: an orphan would keep a pipe open and a reader waiting for EOF would hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
KINDS = ("main-sigkill", "worker-sigkill", "main-sigterm")
ANCHORS = ("start", "workers", "logged")
#: Exit codes a run cancelled by SIGTERM may document (issue #14: "e.g. 75 or 143"); 0 when it had finished.
SIGTERM_EXITS = (0, 75, 143)


# -- processes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProcStat:
    pid: int
    state: str
    ppid: int
    sid: int
    starttime: int


def proc_stat(pid: int) -> ProcStat | None:
    """The fields of /proc/<pid>/stat the harness needs, or None when the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = raw[raw.rindex(")") + 2 :].split()
    return ProcStat(pid, rest[0], int(rest[1]), int(rest[3]), int(rest[19]))


def is_alive(pid: int, starttime: int) -> bool:
    """The same process (pid and start time) still exists and is not a zombie."""
    st = proc_stat(pid)
    return st is not None and st.starttime == starttime and st.state not in ("Z", "X")


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads'), from /proc/<pid>/task/*/children."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


def descendants(pid: int) -> dict[int, int]:
    """Every living descendant of ``pid``: pid -> start time."""
    seen: dict[int, int] = {}
    todo = children(pid)
    while todo:
        child = todo.pop()
        st = proc_stat(child)
        if st is None or child in seen:
            continue
        seen[child] = st.starttime
        todo += children(child)
    return seen


def workers(pid: int) -> list[int]:
    """The worker processes of run ``pid``: its descendants that have no children of their own (with a
    fork pool, its children; with a forkserver or spawn pool, the processes those start), not counting
    multiprocessing's helper processes."""
    found = []
    for child in sorted(descendants(pid)):
        if children(child):
            continue
        cmd = cmdline(child)
        if "resource_tracker" in cmd or "forkserver" in cmd:
            continue
        found.append(child)
    return found


def session_members(sid: int) -> dict[int, int]:
    """Living (non-zombie) processes in session ``sid``: pid -> start time."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        st = proc_stat(int(entry.name))
        if st is not None and st.sid == sid and st.state not in ("Z", "X"):
            found[st.pid] = st.starttime
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def thread_states(pid: int) -> str:
    """Each thread of ``pid`` as "name:state:wait channel", for a report on a process that hangs."""
    states = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            comm = (task / "comm").read_text().strip()
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            wchan = (task / "wchan").read_text().strip() or "-"
        except OSError:
            continue
        states.append(f"{comm}:{state}:{wchan}")
    return " ".join(states)


def kill_exact(procs: dict[int, int]) -> None:
    """SIGKILL each process of ``procs`` (pid -> start time) that is still that process; by id only."""
    for pid, start in procs.items():
        if is_alive(pid, start):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# -- runs ---------------------------------------------------------------------------------------------
def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI subprocess: this checkout's ``src`` first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p)
    env.pop("NEWSDEDUP_FAILPOINT", None)
    env.update(extra or {})
    return env


class Run:
    """A ``newsdedup run`` started in its own session, its stdout/stderr going to files in ``logdir``."""

    def __init__(
        self,
        inputs: Sequence[Path],
        out: Path,
        logdir: Path,
        *,
        extra: Sequence[str] = (),
        label: str = "run",
    ) -> None:
        logdir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = logdir / f"{label}.stdout"
        self.stderr_path = logdir / f"{label}.stderr"
        argv = [sys.executable, "-m", "newsdedup.cli", "run", "--output", str(out), *extra, "--input"]
        with open(self.stdout_path, "wb") as so, open(self.stderr_path, "wb") as se:
            self.t0 = time.monotonic()
            self.popen = subprocess.Popen(
                [*argv, *map(str, inputs)],
                stdin=subprocess.DEVNULL,
                stdout=so,
                stderr=se,
                env=cli_env(),
                start_new_session=True,
            )
        self.pid = self.popen.pid
        st = proc_stat(self.pid)
        self.starttime = st.starttime if st else -1

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def done(self) -> bool:
        return self.popen.poll() is not None

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait(self, timeout: float) -> int | None:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def session(self) -> dict[int, int]:
        """Living processes of this run's session (the main process and everything it forked)."""
        return session_members(self.pid)


@dataclass
class Finished:
    rc: int
    seconds: float
    stderr: str
    stdout: str


def run_to_end(
    inputs: Sequence[Path],
    out: Path,
    logdir: Path,
    *,
    label: str,
    timeout: float = 600,
    extra: Sequence[str] = (),
) -> Finished:
    """A normal run, waited for; a run still going after ``timeout`` is killed (its whole session)."""
    run = Run(inputs, out, logdir, label=label, extra=extra)
    rc = run.wait(timeout)
    if rc is None:
        kill_exact(run.session())
        rc = run.popen.wait()
    leftover = run.session()
    kill_exact(leftover)
    return Finished(rc, run.elapsed(), run.stderr(), run.stdout_path.read_text(errors="replace"))


# -- kills ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KillPlan:
    kind: str
    anchor: str
    delay: float


def plan_kills(kinds: Sequence[str], n: int, seed: int, span: float) -> list[KillPlan]:
    """``n`` kills cycling through ``kinds`` (seeded): half anchored when workers are up (where a dying
    main process can orphan them), the rest at a uniform moment of a run about ``span`` seconds long
    (a SIGTERM after the first logged step, so the signal meets the job rather than the interpreter's
    start-up). A worker kill is always anchored on the workers."""
    rng = random.Random(seed)
    plans = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "worker-sigkill" or (i // len(kinds)) % 2 == 0:
            # a ~1,500-article batch keeps its workers busy for about a second
            plans.append(KillPlan(kind, "workers", round(rng.uniform(0.0, 0.4), 3)))
        elif kind == "main-sigterm":
            plans.append(KillPlan(kind, "logged", round(rng.uniform(0.0, span * 0.6), 3)))
        else:
            plans.append(KillPlan(kind, "start", round(rng.uniform(0.2, span), 3)))
    return plans


@dataclass
class KillOutcome:
    plan: KillPlan
    delivered: bool = False
    moment: float = 0.0  # seconds after the run started
    target: int = 0
    rc: int | None = None
    exit_seconds: float = 0.0  # from the kill to the main process's exit
    tracked: dict[int, int] = field(default_factory=dict)  # pid -> start time, taken just before the kill
    orphans: dict[int, str] = field(default_factory=dict)  # survivors after the grace period: pid -> cmdline
    stderr: str = ""
    hang: str = (
        ""  # when the main process did not exit within the timeout: its threads, as the kernel saw them
    )

    def describe(self) -> str:
        p = self.plan
        what = f"{p.kind} at {self.moment:.2f}s ({p.anchor}+{p.delay:.2f}s)"
        if not self.delivered:
            return f"{what}: not delivered (the run had {'ended' if self.rc is not None else 'no workers'})"
        orphans = ", ".join(f"{pid} [{cmd[:60]}]" for pid, cmd in self.orphans.items()) or "none"
        hung = f"; HUNG {self.exit_seconds:.0f}s after the signal, threads: {self.hang}" if self.hang else ""
        return f"{what}: target {self.target}, exit {self.rc}, orphans: {orphans}{hung}"


def _wait_until(cond: Callable[[], bool], run: Run, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        if run.done():
            return False
        time.sleep(0.01)
    return False


def _anchor(run: Run, anchor: str, timeout: float) -> bool:
    if anchor == "workers":
        return _wait_until(lambda: bool(workers(run.pid)), run, timeout)
    if anchor == "logged":
        return _wait_until(lambda: re.search(r"\bstep \w+", run.stderr()) is not None, run, timeout)
    return True


def deliver(
    run: Run,
    plan: KillPlan,
    rng: random.Random,
    *,
    grace: float = 5.0,
    exit_timeout: float = 60.0,
    anchor_timeout: float = 120.0,
) -> KillOutcome:
    """Carry out ``plan`` on ``run``, wait for its main process to end, then up to ``grace`` seconds for
    every process it forked to end too. Survivors are reported in ``orphans`` (and left alive: the caller
    observes them, then calls :func:`reap`)."""
    out = KillOutcome(plan)
    if _anchor(run, plan.anchor, anchor_timeout):
        end = time.monotonic() + plan.delay
        while time.monotonic() < end and not run.done():
            time.sleep(0.005)
    if not run.done():
        tracked = descendants(run.pid)
        tracked[run.pid] = run.starttime
        target = run.pid
        if plan.kind == "worker-sigkill":
            kids = workers(run.pid)
            target = rng.choice(kids) if kids else 0
        if target:
            out.moment = run.elapsed()
            os.kill(target, signal.SIGTERM if plan.kind == "main-sigterm" else signal.SIGKILL)
            out.delivered, out.target, out.tracked = True, target, tracked
    t_kill = time.monotonic()
    out.rc = run.wait(exit_timeout)
    out.exit_seconds = time.monotonic() - t_kill
    if out.rc is None:  # hung after the kill: that is a failure the caller reports; stop it now
        out.hang = thread_states(run.pid)
        kill_exact({run.pid: run.starttime})
        run.popen.wait()
    end = time.monotonic() + grace
    while True:
        alive = {pid: s for pid, s in out.tracked.items() if is_alive(pid, s)} | run.session()
        if not alive or time.monotonic() >= end:
            break
        time.sleep(0.05)
    out.orphans = {pid: cmdline(pid) for pid in alive}
    out.tracked |= alive
    out.stderr = run.stderr()
    return out


def reap(outcome: KillOutcome) -> None:
    """Kill what a kill left behind (by pid, checked against the start time recorded before)."""
    kill_exact(outcome.tracked)


# -- output checks -------------------------------------------------------------------------------------
def staging_leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "_versions").glob("*.staging"))


def current_version(out: Path) -> str | None:
    link = out / "_current"
    return os.readlink(link) if link.is_symlink() else None


def lock_holder(out: Path) -> str:
    try:
        return (out / ".newsdedup.lock").read_text().strip()
    except OSError:
        return ""


def article_ids(out: Path) -> pd.Series:
    return pd.read_parquet(out / "articles", columns=["article_id"])["article_id"]


def id_problems(out: Path, expected: set[str]) -> tuple[int, int, int]:
    """(ids present more than once, expected ids missing, unexpected ids) in the current articles table."""
    ids = article_ids(out)
    dups = int(ids.duplicated().sum())
    got = set(ids)
    return dups, len(expected - got), len(got - expected)


class Reader(threading.Thread):
    """Reads ``out/articles`` in a loop, as a dashboard would, and records every failure (once a first
    version exists, a read must never fail) and every table holding an id twice."""

    def __init__(self, out: Path, interval: float = 0.1, columns: Sequence[str] | None = ("article_id",)):
        super().__init__(daemon=True, name="newsdedup-reader")
        self.out, self.interval, self.columns = out, interval, list(columns) if columns else None
        self.errors: list[str] = []
        self.reads = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                df = pd.read_parquet(self.out / "articles", columns=self.columns)
                self.reads += 1
                if "article_id" in df and not df["article_id"].is_unique:
                    self.errors.append(f"read {self.reads}: article_id not unique")
            except Exception as exc:
                if self.reads or (self.out / "articles").exists():  # else: no version yet
                    self.errors.append(f"read {self.reads + 1}: {type(exc).__name__}: {exc}")
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(30)


# -- corpora ----------------------------------------------------------------------------------------------
@dataclass
class Corpus:
    base: Path  # folder with the first, uninterrupted run's input
    batches: list[Path]  # one folder per killed run
    base_ids: set[str]
    batch_ids: list[set[str]]

    def ids_through(self, i: int) -> set[str]:
        """Ids of the base and of batches 0..i."""
        return self.base_ids.union(*self.batch_ids[: i + 1])


def make_corpus(root: Path, *, n_base: int, n_batch: int, batches: int, seed: int = 0) -> Corpus:
    """One synthetic JSONL corpus (the project's generator) cut into a base and ``batches`` batches, each
    batch one file in its own folder. Cut from one corpus, ids never collide across batches, and copies of
    a story fall into different batches, so later runs relate to history."""
    gen = root / "gen"
    n = n_base + n_batch * batches
    argv = ["--n", str(n), "--format", "jsonl", "--seed", str(seed), "--out", str(gen)]
    subprocess.run(
        [sys.executable, "-m", "newsdedup.synth", *argv],
        check=True,
        capture_output=True,
        env=cli_env(),
    )
    lines = [ln for f in sorted((gen / "data").glob("*.jsonl")) for ln in f.read_text().splitlines() if ln]
    cuts = [(0, n_base)] + [(n_base + i * n_batch, n_base + (i + 1) * n_batch) for i in range(batches)]
    folders, ids = [], []
    for i, (lo, hi) in enumerate(cuts):
        folder = root / ("base" if i == 0 else f"batch-{i:03d}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "articles.jsonl").write_text("\n".join(lines[lo:hi]) + "\n")
        folders.append(folder)
        ids.append({json.loads(ln)["id"] for ln in lines[lo:hi]})
    return Corpus(folders[0], folders[1:], ids[0], ids[1:])


def describe_processes(pids: Iterable[int]) -> str:
    return "; ".join(f"{pid}: {cmdline(pid)[:80]}" for pid in pids)
