"""Fault tests from outside (issue #14): a real run in a subprocess killed at seeded random moments.

Each kill (SIGKILL to the main process only, SIGKILL to one worker, SIGTERM to the main process) is
followed by checks that a scheduled job relies on:

(a) within a few seconds no process of the killed run survives (tracked before the kill, and its session);
(b) a normal run on the same output starts at once (not exit 75) and exits 0;
(c) no ``_versions/*.staging`` is left behind;
(d) the articles table holds every id of the inputs so far, each exactly once;

while a reader thread reads ``DIR/articles`` in a loop and must never fail once a first version exists.
A cancelled (SIGTERM) run must exit with a documented code and say what it cancelled, remove its staging
and commit nothing; a run whose worker dies must exit 1 with a message about the dead worker process and
commit nothing.

In ``make test``: two kills of the main process per signal (one while the read workers are up, one at a
random moment of the run), one SIGTERM while many small tasks are in flight and one worker killed
mid-task, on ~1,500-article batches (a batch must be
over one read task, 4 MB, for the job to fork workers). With ``NEWSDEDUP_SLOW=1``: six kills per kind.
The soak with the reviewer's figures (40,000 articles, 20 kills) is benchmarks/kill_soak.py.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest

from tests.run.harness import (
    SIGTERM_EXITS,
    Corpus,
    KillOutcome,
    KillPlan,
    Reader,
    Run,
    current_version,
    deliver,
    id_problems,
    make_corpus,
    plan_kills,
    reap,
    run_to_end,
    staging_leftovers,
)

SLOW = os.environ.get("NEWSDEDUP_SLOW") == "1"
#: A batch needs more than one read task (4 MB) for the job to fork workers: ~1,500 articles is ~5 MB.
N_BASE, N_BATCH = 300, 1500
FAST_KILLS = 2  # per kind, in make test
SLOW_KILLS = 6  # per kind, with NEWSDEDUP_SLOW=1
SPAN = 8.0  # seconds: about how long a run on one batch takes on a busy 2-core machine
WORKER_DIED = re.compile(r"worker|process", re.IGNORECASE)

SEEDS = {"main-sigkill": 0, "worker-sigkill": 1, "main-sigterm": 2}
KIND_PARAMS = ["main-sigkill", "worker-sigkill", "main-sigterm"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    batches = SLOW_KILLS if SLOW else FAST_KILLS
    return make_corpus(tmp_path_factory.mktemp("corpus"), n_base=N_BASE, n_batch=N_BATCH, batches=batches)


@pytest.fixture(scope="module")
def base_output(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding one committed version (the base batch), copied by each test."""
    root = tmp_path_factory.mktemp("base")
    done = run_to_end([corpus.base], root / "out", root / "logs", label="base")
    assert done.rc == 0, done.stderr
    return root / "out"


def _fresh_output(base_output: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(base_output, out, symlinks=True)
    return out


def _check_killed_run(kind: str, outcome_rc: int | None, stderr: str, out: Path, before: str | None) -> None:
    """What the killed run itself must have done, by kind."""
    if kind == "main-sigkill":
        assert outcome_rc == -9
    elif kind == "main-sigterm":
        assert outcome_rc in SIGTERM_EXITS, f"SIGTERM: exit {outcome_rc}, want one of {SIGTERM_EXITS}"
        if outcome_rc != 0:
            assert re.search(r"cancel", stderr, re.IGNORECASE), f"no cancellation logged:\n{stderr[-800:]}"
            assert staging_leftovers(out) == [], "a cancelled run must remove its staging"
            assert current_version(out) == before, "a cancelled run must commit nothing"
    else:
        assert outcome_rc in (0, 1), f"worker killed: exit {outcome_rc}, want 1 (or 0 if it had finished)"
        if outcome_rc == 1:
            assert WORKER_DIED.search(stderr), f"no message about the dead worker:\n{stderr[-800:]}"
            assert current_version(out) == before, "a run whose worker died must commit nothing"


def kill_series(
    corpus: Corpus,
    out: Path,
    logs: Path,
    plans: list[KillPlan],
    seed: int,
    extra: tuple[str, ...] = (),
    exit_timeout: float = 60.0,
) -> list[KillOutcome]:
    """Run batch i under plans[i] (with the CLI arguments ``extra``), then a normal run of batch i; asserts
    (a)-(d) after each kill and the reader's record at the end. Returns what each kill did."""
    rng = random.Random(seed)
    outcomes: list[KillOutcome] = []
    reader = Reader(out)
    reader.start()
    story: list[str] = []
    try:
        for i, plan in enumerate(plans):
            before = current_version(out)
            killed = Run([corpus.batches[i]], out, logs, label=f"killed-{i}", extra=extra)
            outcome = deliver(killed, plan, rng, exit_timeout=exit_timeout)
            outcomes.append(outcome)
            story.append(outcome.describe())
            try:
                assert outcome.rc is not None, f"the run did not end after {plan.kind}: {story}"
                assert not outcome.orphans, f"(a) processes survived their run: {story}"
                if outcome.delivered:
                    _check_killed_run(plan.kind, outcome.rc, outcome.stderr, out, before)
                nxt = run_to_end([corpus.batches[i]], out, logs, label=f"next-{i}")
                story.append(f"next run: exit {nxt.rc} after {nxt.seconds:.1f}s")
                assert nxt.rc != 75, f"(b) the next run found the lock held: {nxt.stderr[-400:]} {story}"
                assert nxt.rc == 0, f"(b) the next run failed: {nxt.stderr[-800:]}"
                assert staging_leftovers(out) == [], "(c) staging left behind"
                dups, missing, unexpected = id_problems(out, corpus.ids_through(i))
                assert (dups, missing, unexpected) == (0, 0, 0), f"(d) duplicated/missing/extra ids: {story}"
            finally:
                reap(outcome)
    finally:
        reader.stop()
    assert reader.reads > 0
    assert reader.errors == [], f"the concurrent reader failed: {reader.errors[:5]}"
    return outcomes


@pytest.mark.parametrize("kind", [k for k in KIND_PARAMS if k != "worker-sigkill"])
def test_external_kill(kind: str, corpus: Corpus, base_output: Path, tmp_path: Path) -> None:
    seed = 1400 + SEEDS[kind]
    out = _fresh_output(base_output, tmp_path)
    kill_series(corpus, out, tmp_path / "logs", plan_kills([kind], FAST_KILLS, seed, SPAN), seed)


def test_worker_dying_mid_task_fails_the_run_and_commits_nothing(
    corpus: Corpus, base_output: Path, tmp_path: Path
) -> None:
    """SIGKILL a worker as soon as the workers are up (each then holds a task): the run exits 1 with a
    message, commits nothing, leaves no process, and the next run succeeds with every article once."""
    out = _fresh_output(base_output, tmp_path)
    plan = KillPlan("worker-sigkill", "workers", 0.05)
    outcomes = kill_series(corpus, out, tmp_path / "logs", [plan], seed=7)
    assert outcomes[0].delivered, "the run forked no workers; the batch is too small"
    assert outcomes[0].rc == 1, outcomes[0].describe()


def test_sigterm_while_workers_send_results(corpus: Corpus, base_output: Path, tmp_path: Path) -> None:
    """SIGTERM while many small read tasks (256 KB) keep the workers sending results: the run must end
    within 30 s with a documented code, and the checks of every kill hold."""
    config = tmp_path / "small-tasks.toml"
    config.write_text("[run]\nchunk_bytes = 262144\n")
    out = _fresh_output(base_output, tmp_path)
    plans = [KillPlan("main-sigterm", "workers", d) for d in (0.15, 0.4)][: len(corpus.batches)]
    extra = ("--config", str(config))
    kill_series(corpus, out, tmp_path / "logs", plans, seed=11, extra=extra, exit_timeout=30.0)


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="set NEWSDEDUP_SLOW=1 for the long kill series")
@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_external_kill_many(kind: str, corpus: Corpus, base_output: Path, tmp_path: Path) -> None:
    seed = 2400 + SEEDS[kind]
    out = _fresh_output(base_output, tmp_path)
    kill_series(corpus, out, tmp_path / "logs", plan_kills([kind], SLOW_KILLS, seed, SPAN), seed)


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="set NEWSDEDUP_SLOW=1 for the Dask engine's kill series")
@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("main-sigkill"),  # the LocalCluster's processes end with the main process today
        pytest.param("main-sigterm"),
    ],
)
def test_external_kill_dask_engine(kind: str, corpus: Corpus, base_output: Path, tmp_path: Path) -> None:
    """The Dask engine (a LocalCluster of worker processes) must end its workers and release the lock the
    same way when the main process is killed or cancelled."""
    pytest.importorskip("distributed")
    seed = 3400 + SEEDS[kind]
    out = _fresh_output(base_output, tmp_path)
    plans = plan_kills([kind], min(SLOW_KILLS, 4), seed, SPAN + 10.0)
    kill_series(corpus, out, tmp_path / "logs", plans, seed, extra=("--engine", "dask"))
