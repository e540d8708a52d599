"""The ``newsdedup`` command: parse arguments, call one library function, map errors to exit codes.

Process-wide settings live here, never in the library: a run started by the command caps glibc's malloc
arenas and leaves the objects that exist when it starts out of garbage collection while it lasts
(:func:`process_settings`).

Exit codes: 0 success (also with some rejected records); 65 rejected fraction above the configured maximum
(outputs still written); 75 another run holds the output's lock; 78 bad configuration; 2 usage error
(including a missing input path, and ``report`` of a folder with no committed run); 1 failure (``status``:
the last run did not commit, or the output is unreadable; ``report``: a table cannot be read); 130 / 143 the run was cancelled by SIGINT / SIGTERM (workers stopped, nothing staged left,
the previous version untouched).
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import gc
import json
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdedup.errors import (
    ConfigError,
    InputError,
    LockHeldError,
    NewsdedupError,
    RunCancelled,
    StateError,
    UnsupportedOutputError,
    WorkerDied,
    cancellation,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DATAERR = 65
EXIT_TEMPFAIL = 75
EXIT_CONFIG = 78

logger = logging.getLogger("newsdedup")

_RESERVED = set(vars(logging.makeLogRecord({})))
_M_ARENA_MAX = -8  # glibc mallopt parameters
_M_MMAP_THRESHOLD = -3


@functools.cache
def cap_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; returns whether it was done (False off glibc).

    glibc gives threads that allocate at the same time arenas of their own (up to eight per core) and keeps
    memory freed in them for reuse. With the run's threads (clustering, featurising, writing) that retained
    memory raises the peak (docs/benchmarks.md has the figures); two arenas still let two threads allocate
    without waiting on each other, at the same speed."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


@functools.cache
def map_large_blocks(threshold: int = 1 << 20) -> bool:
    """Have glibc's malloc serve blocks of ``threshold`` bytes or more by mappings of their own, given back
    to the system when freed; returns whether it was done (False off glibc).

    By default glibc raises that threshold each time such a block is freed (up to 32 MB), after which the
    arrays of a few megabytes a step allocates and frees come from the heap, whose freed space is kept and
    fragments: at 1M articles that added hundreds of megabytes to the peak (docs/benchmarks.md). A fixed
    threshold keeps it where it is set."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, threshold))
    except (OSError, AttributeError):
        return False


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Move the objects that exist now (the imported libraries: about 200,000) out of the collector's
    reach until the block ends.

    A full collection walks every tracked object; one set off by a run's own objects would spend most of
    its time walking the libraries' instead. Objects frozen here are still freed by reference counting;
    only cycles among them wait for the block's end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def process_settings() -> Iterator[None]:
    """The process-wide settings a run gets from the command (and the benchmarks, to measure the same):
    malloc arenas capped (:func:`cap_malloc_arenas`), large blocks mapped apart (:func:`map_large_blocks`),
    the heap frozen while the block lasts (:func:`heap_frozen`), SIGTERM and SIGINT turned into
    :class:`RunCancelled` (:func:`cancel_on_signals`)."""
    cap_malloc_arenas()
    map_large_blocks()
    with heap_frozen(), cancel_on_signals():
        yield


@contextmanager
def cancel_on_signals(signums: Sequence[int] = (signal.SIGTERM, signal.SIGINT)) -> Iterator[None]:
    """While the block runs, SIGTERM or SIGINT raises :class:`RunCancelled` in the main thread, so the run
    unwinds: workers stopped, staged files removed, the outcome recorded. Outside the main thread (a caller's
    worker thread) nothing is installed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def cancel(signum: int, _frame: object) -> None:
        raise RunCancelled(signum)

    previous = {s: signal.signal(s, cancel) for s in signums}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _RESERVED and k not in data})
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def _unsupported_note(n: int, mode: str) -> str:
    """The summary line's tail counting the files of an unsupported format (nothing when there are none)."""
    if not n:
        return ""
    return f"; {n} unsupported file{'s' if n != 1 else ''} {'rejected' if mode == 'reject' else 'skipped'}"


def _setup_logging(fmt: str, quiet: bool, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger("newsdedup")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    root.propagate = False


def _scoring_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """``evaluate`` and ``calibrate``: an output against a labels file."""
    e = sub.add_parser("evaluate", parents=[common], help="score an output against a labels file")
    e.add_argument("--output", "-o", required=True, metavar="DIR", help="output folder of a run")
    e.add_argument(
        "--labels", "-l", required=True, metavar="FILE", help="JSONL/CSV with id, dup_group, story"
    )
    e.add_argument("--json", action="store_true", help="print the scores as JSON")

    cal = sub.add_parser(
        "calibrate",
        parents=[common],
        help="sweep the dedup and clustering thresholds on a labelled sample; write the best as a config snippet",
    )
    cal.add_argument("--output", "-o", required=True, metavar="DIR", help="output folder of a run")
    cal.add_argument(
        "--labels", "-l", required=True, metavar="FILE", help="JSONL/CSV with id, dup_group, story"
    )
    cal.add_argument("--config", "-c", metavar="FILE", help="the TOML config the output was made with")
    cal.add_argument(
        "--out", metavar="FILE", help="where to write the snippet (default: DIR/calibration.toml)"
    )
    cal.add_argument("--json", action="store_true", help="print the curves as JSON")


class _VersionAction(argparse.Action):
    """``--version``: the installed version is looked up only when asked for (the metadata lookup is a
    good part of a bare import's time)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from newsdedup import __version__

        print(f"newsdedup {__version__}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="only warnings and errors on stderr")
    common.add_argument("--verbose", action="store_true", help="debug logging and full tracebacks")
    common.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format")

    p = argparse.ArgumentParser(
        prog="newsdedup",
        description="Turn raw news articles into clean, deduplicated, clustered Parquet tables.",
        epilog="Exit codes: 0 ok, 65 too many rejects, 75 locked, 78 bad config, 2 usage, 1 failure, "
        "130/143 cancelled by SIGINT/SIGTERM.",
    )
    p.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", parents=[common], help="run the job on input files, folders or globs")
    r.add_argument("--input", "-i", nargs="+", required=True, metavar="PATH", help="files, folders or globs")
    r.add_argument("--output", "-o", required=True, metavar="DIR", help="output folder (tables and state)")
    r.add_argument("--config", "-c", metavar="FILE", help="TOML config (default: built-in defaults)")
    r.add_argument("--full-refresh", action="store_true", help="rebuild everything from the recorded inputs")
    r.add_argument("--engine", choices=("local", "dask"), help="override [run] engine")
    r.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster)")

    _scoring_commands(sub, common)

    s = sub.add_parser(
        "status",
        parents=[common],
        help="show the versions, runs and state of an output folder; exit 1 if the last run did not commit",
    )
    s.add_argument("output", metavar="DIR")
    s.add_argument("--json", action="store_true", help="print the status as JSON")

    rep = sub.add_parser(
        "report",
        parents=[common],
        help="write a self-contained HTML (or JSON) report of an output folder's latest run and history",
    )
    rep.add_argument("output", metavar="DIR")
    rep.add_argument("--out", metavar="FILE", help="where to write it (default: DIR/report.html or .json)")
    rep.add_argument("--format", choices=("html", "json"), default="html", help="page for people or JSON")

    b = sub.add_parser("rollback", parents=[common], help="make an earlier committed version current")
    b.add_argument("output", metavar="DIR")
    b.add_argument("--to", metavar="RUN_ID", help="the version to make current (default: the one before)")
    return p


def _cmd_run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from newsdedup.api import run
    from newsdedup.config import load_config
    from newsdedup.run.progress import Progress

    config = load_config(args.config)
    if args.engine or args.scheduler:
        try:
            config = replace(
                config,
                run=replace(config.run, engine=args.engine or config.run.engine, scheduler=args.scheduler),
            )
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
    progress = Progress(enabled=not args.quiet and args.log_format == "text")
    with process_settings():
        result = run(args.input, args.output, config, full_refresh=args.full_refresh, progress=progress)
    if result.status == "nothing_new":
        print(f"nothing new: all inputs were already processed into {result.output}")
        return result.exit_code
    if result.status == "no_inputs":
        print(f"no input files found: nothing committed to {result.output}")
        return result.exit_code
    c = result.counts
    if not args.quiet:
        print(
            f"newsdedup run {result.run_id}: {c['records_seen']} records, {c['accepted']} accepted "
            f"({c['updated']} updated), {c['rejected']} rejected, {c['already_seen']} already seen; "
            f"{c['articles']} articles in {c['dup_groups']} duplicate groups "
            f"({c['duplicates']} duplicates); {c['topics']} topics"
            + _unsupported_note(c.get("unsupported_files", 0), config.input.unsupported)
        )
        print(f"output: {result.output}")
    if result.exit_code == EXIT_DATAERR:
        logger.error(
            "rejected fraction %.3f exceeds input.max_reject_fraction; outputs were written",
            result.reject_fraction,
        )
    return result.exit_code


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from newsdedup.evaluate import evaluate, format_report

    report = evaluate(Path(args.output), Path(args.labels))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from newsdedup.calibrate import calibrate, format_curve, snippet
    from newsdedup.io.store import write_text_atomic

    result = calibrate(Path(args.output), Path(args.labels), args.config)
    path = Path(args.out) if args.out else Path(args.output) / "calibration.toml"
    write_text_atomic(snippet(result), path)
    print(json.dumps(result, indent=2) if args.json else f"{format_curve(result)}\nsnippet: {path}")
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from newsdedup.status import format_status, status

    info = status(Path(args.output))
    print(json.dumps(info, indent=2, default=str) if args.json else format_status(info))
    return EXIT_OK if info["healthy"] else EXIT_FAILURE


def _cmd_report(args: argparse.Namespace) -> int:
    from newsdedup.report import write_report

    path = write_report(Path(args.output), Path(args.out) if args.out else None, args.format)
    if not args.quiet:
        print(f"report: {path}")
    return EXIT_OK


def _cmd_rollback(args: argparse.Namespace) -> int:
    from newsdedup.status import rollback

    current = rollback(Path(args.output), args.to)
    print(f"current version of {args.output}: {current}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    _setup_logging(args.log_format, args.quiet, args.verbose)
    handlers = {
        "run": _cmd_run,
        "evaluate": _cmd_evaluate,
        "calibrate": _cmd_calibrate,
        "status": _cmd_status,
        "report": _cmd_report,
        "rollback": _cmd_rollback,
    }
    try:
        return handlers[args.command](args)
    except UnsupportedOutputError as exc:
        logger.error("%s", exc)
        return EXIT_USAGE
    except ConfigError as exc:
        logger.error("configuration error: %s", exc)
        return EXIT_CONFIG
    except LockHeldError as exc:
        logger.error("%s; exiting without touching the output", exc)
        return EXIT_TEMPFAIL
    except InputError as exc:
        logger.error("input error: %s", exc)
        return EXIT_USAGE
    except StateError as exc:
        logger.error("state error: %s", exc)
        return EXIT_FAILURE
    except NewsdedupError as exc:
        if isinstance(exc, WorkerDied):
            _ABANDONED_THREADS.append(True)
        logger.error("%s", exc)
        return EXIT_FAILURE
    except (RunCancelled, KeyboardInterrupt) as exc:
        return _cancelled(exc)
    except Exception as exc:
        if (cancel := cancellation(exc)) is not None:
            return _cancelled(cancel)
        logger.error("unexpected failure: %s: %s", type(exc).__name__, exc)
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        else:
            logger.debug("traceback", exc_info=True)
            print("(run with --verbose for the full traceback)", file=sys.stderr)
        return EXIT_FAILURE


def _cancelled(exc: RunCancelled | KeyboardInterrupt) -> int:
    """Log a cancelled run and return its exit code, 128 + the signal number."""
    _ABANDONED_THREADS.append(True)
    signum = exc.signum if isinstance(exc, RunCancelled) else signal.SIGINT
    logger.error(
        "cancelled by %s: workers stopped, staged files removed, the previous version untouched",
        signal.Signals(signum).name,
    )
    return 128 + signum


# Set when a run was cancelled or lost a worker: the process pool's manager thread may then be blocked on a
# result a killed worker left half-written, and the interpreter's exit would wait for it forever.
_ABANDONED_THREADS: list[bool] = []


def console_main() -> None:
    """The console script: :func:`main`, then exit. After a cancelled run (whose staged files are already
    removed and whose outcome is recorded) the process ends at once instead of joining threads that may
    never end."""
    code = main()
    if _ABANDONED_THREADS:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    console_main()
