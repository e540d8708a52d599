"""The batch job: discover -> read -> parse -> dedup -> cluster -> write -> manifest, each step timed and
counted.

:func:`run` is the one entry point the CLI, the benchmarks and the cron job call. Each step is a function in
its own module that takes what it needs and returns what it made (frozen dataclasses); :func:`_steps` is the
whole run on one screen. The steps' pure work lives in the stage packages (``text``, ``dedup``, ``cluster``,
``incremental``); files are read and written through ``io``; processes and threads come from
:mod:`newsdedup.run.parallel` and the engines (:mod:`newsdedup.run.engines`).

The library changes nothing process-wide: the CLI's process settings (malloc arenas, a frozen heap) are
:func:`newsdedup.cli.process_settings`.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from newsdedup.errors import cancellation
from newsdedup.failpoints import failpoint
from newsdedup.io.remote import check_output_location
from newsdedup.io.store import OutputStore, Staging
from newsdedup.params import Config
from newsdedup.run.context import RunContext, is_incremental, new_run_id
from newsdedup.run.discover_step import Found, discover_step, ledger_columns
from newsdedup.run.manifest import EXIT_OK, EXIT_TOO_MANY_REJECTS, RunResult
from newsdedup.run.progress import Progress
from newsdedup.run.steps import StepLog

if TYPE_CHECKING:
    from newsdedup.run.engines import Engine
    from newsdedup.run.read_step import Parsed

logger = logging.getLogger(__name__)

__all__ = ["EXIT_OK", "EXIT_TOO_MANY_REJECTS", "RunResult", "run"]


def run(
    inputs: Sequence[str | Path],
    output: str | Path,
    config: Config,
    *,
    full_refresh: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Run the whole job on ``inputs`` into the output folder ``output``; returns what happened.

    ``progress`` shows a live count while records are read (the CLI passes one that is active only on an
    interactive terminal).

    Incremental by default: inputs whose content was processed by an earlier run on the same output are
    skipped, and new articles are related to the retained history (see :mod:`newsdedup.incremental`).
    ``full_refresh`` rebuilds everything from the recorded inputs plus ``inputs``.

    Raises UnsupportedOutputError at once for a remote ``output`` (``s3://...``: outputs are local folders),
    LockHeldError when another run holds the output's lock, InputError for a missing input path,
    StateError for unreadable or incompatible state. Rejected records never raise: they are counted and written.
    """
    store = OutputStore(check_output_location(output))
    run_id, started = new_run_id(), datetime.now(UTC)
    with store.lock():
        store.record_run(_outcome(run_id, started, "running"))
        try:
            result = _locked_run(store, inputs, config, run_id, started, full_refresh, progress)
        except BaseException as exc:
            cancelled = cancellation(exc) is not None
            store.record_run(
                _outcome(run_id, started, "cancelled" if cancelled else "failed", error=str(exc))
            )
            raise
        store.record_run(_outcome(run_id, started, result.status, exit_code=result.exit_code))
        return result


def _locked_run(
    store: OutputStore,
    inputs: Sequence[str | Path],
    config: Config,
    run_id: str,
    started: datetime,
    full_refresh: bool,
    progress: Progress | None,
) -> RunResult:
    """The run once the lock is held: recover, discover, the steps over a staged version, commit. A run
    that fails or is cancelled leaves no staged files behind."""
    store.check_layout()
    store.recover()
    previous = store.current()
    incremental, steps = is_incremental(config, full_refresh), StepLog()
    ledger = ledger_columns(previous) if incremental else {}
    found = discover_step(steps, config, inputs, previous, ledger=ledger, full_refresh=full_refresh)
    if incremental and previous is not None and not found.files:
        logger.info("nothing new: all %d input file(s) were processed by earlier runs", len(found.already))
        return RunResult(run_id=run_id, output=store.root, status="nothing_new", exit_code=EXIT_OK)
    if previous is None and not found.files:  # a first run over empty inputs: no version of empty tables
        logger.info("no input files found: nothing committed (the first run with files creates the tables)")
        return RunResult(run_id=run_id, output=store.root, status="no_inputs", exit_code=EXIT_OK)
    # the stages (and the libraries they need) load only when there is something to do
    from newsdedup.run.engines import open_engine

    ctx = RunContext.begin(
        config, previous, run_id, started, full_refresh=full_refresh, progress=progress, steps=steps
    )
    staging = store.begin(run_id)
    try:
        with open_engine(config.run) as engine:
            result = _steps(ctx, staging, engine, found)
        failpoint("before_commit")
        store.commit(staging, keep_versions=config.state.keep_versions)
    except BaseException:
        store.abandon(staging)
        raise
    return result


def _outcome(run_id: str, started: datetime, status: str, **extra: object) -> dict[str, object]:
    """The latest run's outcome as :meth:`OutputStore.record_run` keeps it."""
    return {
        "run_id": run_id,
        "status": status,
        "pid": os.getpid(),
        "started_at": started.isoformat(),
        "updated_at": datetime.now(UTC).isoformat(),
        **extra,
    }


def _steps(ctx: RunContext, staging: Staging, engine: Engine, found: Found) -> RunResult:
    """The run's steps over the staging version, in order; the work folder is gone when they end."""
    # imported here, not at the top: a run that finds nothing new loads none of the stages (see _locked_run)
    from newsdedup.io.staging import work_folder
    from newsdedup.run.parallel import in_background

    with work_folder(staging.path) as workdir:
        parsed = _read(ctx, found, workdir, engine)
        failpoint("after_parse")
        # the modules of the steps after reading: already imported by _read's thread, which has ended
        from newsdedup.incremental import retention
        from newsdedup.run.cluster_step import cluster_step
        from newsdedup.run.dedup_step import dedup_step
        from newsdedup.run.manifest import manifest_step
        from newsdedup.run.state_writer import write_history_text
        from newsdedup.run.write_step import write_step

        kept = retention(
            parsed.articles["published_at"],
            ctx.seen_at,
            ctx.state.history,
            ctx.config.state.retention_days,
            replaced=parsed.updates,
        )
        # the history's text file depends on nothing dedup or clustering decide: written meanwhile
        with in_background(partial(write_history_text, ctx, staging, parsed.parts, kept)) as text:
            deduped = dedup_step(ctx, parsed, kept.t_new, engine)
            failpoint("after_dedup")
            clustered = cluster_step(ctx, staging, parsed, deduped, kept)
            write_step(ctx, staging, parsed, deduped, clustered, kept, text, found)
        failpoint("after_write")
    return manifest_step(ctx, staging, found, parsed, deduped, clustered, kept)


# what the steps after reading import, with the libraries they need (scipy, the clustering and writing code)
_LATER_STEPS = (
    "newsdedup.incremental.history",
    "newsdedup.run.dedup_step",
    "newsdedup.run.cluster_step",
    "newsdedup.run.write_step",
    "newsdedup.run.state_writer",
)


def _import_later_steps() -> None:
    for name in _LATER_STEPS:
        importlib.import_module(name)


def _read(ctx: RunContext, found: Found, workdir: Path, engine: Engine) -> Parsed:
    """The read and parse steps. Once the workers are reading (forked: no fork follows), the main process,
    which mostly waits for their chunks meanwhile, imports the later steps' modules on a thread, so their
    import time is spent beside the reading rather than before or after it."""
    from newsdedup.run.parallel import prepare_in_background
    from newsdedup.run.read_step import parse_step, read_step

    with prepare_in_background(_import_later_steps) as reading:
        collected = read_step(ctx, found, workdir, engine, reading=reading)
    return parse_step(ctx, collected)
