"""The run's processes and threads: the only place that makes them.

- :func:`process_map`: the read tasks on forked worker processes, results in task order with a bounded
  number in flight.
- :func:`thread_map`: a :class:`~newsdedup.model.MapFn` over threads, for work whose compiled or C++ code
  releases the GIL (featurising, Parquet writes; the pure stages take one as ``map_fn``).
- :func:`in_background`: one function on a thread beside the main one (the history text written while
  dedup and clustering run); :func:`prepare_in_background`: the same for preparation started on demand (the
  later steps' modules imported while the workers read).

``run.n_jobs`` sets how many of each.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

from newsdedup.errors import WorkerDied
from newsdedup.model import MapFn, serial_map
from newsdedup.run.lifeline import stop_workers, worker_initializer

__all__ = ["Stopped", "check_stop", "in_background", "prepare_in_background", "process_map", "thread_map"]

T = TypeVar("T")
R = TypeVar("R")


def process_map(
    fn: Callable[[T], R], items: Sequence[T], n_jobs: int, spill_dir: str | os.PathLike[str]
) -> Iterator[R]:
    """``fn(item)`` for each item on up to ``n_jobs`` forked worker processes, yielded in item order with at
    most two per worker in flight (so memory does not grow when the consumer is slower than the workers).
    One item or one job, or no ``fork`` on this platform: in this process.

    ``fn`` and the items must be picklable; what the parent loaded before (compiled kernels) the forked
    workers inherit. The workers die with this process, whatever kills it, and never hold the output lock
    (:mod:`newsdedup.run.lifeline`). When the consumer stops early (an error, a cancelled run) the workers
    are killed at once rather than left to finish their tasks; a worker that dies raises
    :class:`~newsdedup.errors.WorkerDied`.

    A worker hands its result back through a file in ``spill_dir`` and sends only the file's name: a
    worker killed while writing a large result to the pool's pipe would leave a partial message there that
    the pool's reader waits on for ever (the pool never learns of the death), where a name is one atomic
    pipe write. Results not yet taken when the map stops are deleted."""
    workers = min(n_jobs, os.cpu_count() or 1, len(items))
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for item in items:
            yield fn(item)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context("fork"),
        initializer=worker_initializer,
        initargs=(os.getpid(),),
    )
    finished = False
    spill = _Spill(os.fspath(spill_dir), fn)
    try:
        for path in _in_order(pool, spill, list(enumerate(items)), workers):
            yield spill.take(path)
        finished = True
    except BrokenProcessPool as exc:
        raise WorkerDied(
            "a worker process died while reading (killed, or out of memory); nothing was committed"
        ) from exc
    finally:
        if not finished:
            stop_workers()
        pool.shutdown(wait=finished, cancel_futures=True)
        spill.clean()


class _Spill:
    """``fn`` with its result pickled to a file (see :func:`process_map`); called on ``(index, item)``."""

    def __init__(self, folder: str, fn: Callable[[Any], Any]) -> None:
        self.folder = folder
        self.fn = fn
        self.prefix = f"result-{os.getpid()}-{id(self):x}-"

    def __call__(self, indexed: tuple[int, Any]) -> str:
        index, item = indexed
        result = self.fn(item)
        path = os.path.join(self.folder, f"{self.prefix}{index:08d}.pickle")
        with open(path, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    def take(self, path: str) -> Any:
        with open(path, "rb") as f:
            result = pickle.load(f)  # written a moment ago by our own worker
        os.unlink(path)
        return result

    def clean(self) -> None:
        """Delete the results of tasks the map did not get to (a stopped run)."""
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.startswith(self.prefix):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _in_order(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Sequence[T], workers: int
) -> Iterator[R]:
    pending: deque[Future[R]] = deque()
    todo = iter(items)
    for item in todo:
        pending.append(pool.submit(fn, item))
        if len(pending) >= 2 * workers:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt))
        yield result


def thread_map(n_jobs: int) -> MapFn:
    """A :class:`~newsdedup.model.MapFn` running the items on up to ``n_jobs`` threads, results in item
    order; :func:`~newsdedup.model.serial_map` for one job."""
    if n_jobs <= 1:
        return serial_map

    def map_fn(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
        if len(items) <= 1:
            return serial_map(fn, items)
        with ThreadPoolExecutor(max_workers=min(n_jobs, len(items))) as pool:
            return list(pool.map(fn, items))

    return map_fn


def processes_map(n_jobs: int, spill_dir: str | os.PathLike[str]) -> MapFn:
    """A :class:`~newsdedup.model.MapFn` running the items on up to ``n_jobs`` forked worker processes
    (:func:`process_map`: results in item order, through files in ``spill_dir``), for work that holds the
    GIL; ``fn`` and the items must be picklable."""

    def map_fn(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
        return list(process_map(fn, items, n_jobs, spill_dir))

    return map_fn


class Stopped(Exception):
    """A background function was told to stop (the main thread failed)."""


def check_stop(stop: threading.Event) -> None:
    """Raise :class:`Stopped` when ``stop`` is set; a background function calls it between pieces of work."""
    if stop.is_set():
        raise Stopped


@contextmanager
def prepare_in_background(fn: Callable[[], object]) -> Iterator[Callable[[], None]]:
    """Yields ``start``: its first call runs ``fn()`` on a thread beside the main one; leaving the block
    waits for it (it is not started at all when ``start`` is never called).

    For preparation the main thread would otherwise do itself a little later, such as importing modules:
    an error in ``fn`` is dropped, since the main thread meets it again when it does that work. Call
    ``start`` only once this process forks no more workers for the block's work: a process forked while a
    thread holds a lock (an import's, the allocator's) would leave that lock held for ever in the child."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        started: list[Future[object]] = []

        def start() -> None:
            if not started:
                started.append(pool.submit(fn))

        yield start


@contextmanager
def in_background(fn: Callable[[threading.Event], T]) -> Iterator[Future[T]]:
    """Run ``fn(stop)`` on a thread while the block runs; yields its future.

    Leaving the block waits for ``fn``, also after an error, so nothing it writes outlives the block; an
    error in the block sets ``stop`` first, so ``fn`` (calling :func:`check_stop`) ends early."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(fn, stop)
        try:
            yield future
        except BaseException:
            stop.set()
            raise
