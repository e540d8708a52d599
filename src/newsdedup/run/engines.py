"""Where the read tasks, the LSH banding and the verification run: the engines behind one small interface.

An engine gives the read step its chunks (:meth:`Engine.chunks`, in task order) and any other work to run
on its workers (:meth:`Engine.map`: planning a remote file's spans), and the dedup step its banding function
(:meth:`Engine.candidates`) and its verification of candidate blocks (:meth:`Engine.verifier`), each None for
the local one built into :func:`~newsdedup.dedup.find_duplicates`. Both engines run the same task and
verification functions, so the steps after them cannot tell which one ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeVar

from newsdedup.params import DedupParams, RunConfig
from newsdedup.run.budget import workers
from newsdedup.run.parallel import process_map
from newsdedup.run.tasks import Chunk, ChunkSettings, ReadTask, process_task
from newsdedup.text.kernels import warm_up

if TYPE_CHECKING:  # the banding (and scipy) loads with the dedup step, not with the read step's workers
    from newsdedup.dedup import CandidateFn, VerifyFn

__all__ = ["Engine", "LocalEngine", "open_engine"]

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    """What the steps ask of an engine."""

    def chunks(self, tasks: Sequence[ReadTask], settings: ChunkSettings) -> Iterator[Chunk]:
        """The tasks' chunks, in task order."""
        ...

    def candidates(self, params: DedupParams) -> CandidateFn | None:
        """The LSH banding function for the dedup step; None for the local one."""
        ...

    def verifier(self) -> VerifyFn | None:
        """Where the dedup step's candidate blocks are verified; None for this process."""
        ...

    def map(self, fn: Callable[[T], R], items: Sequence[T], spill_dir: str) -> list[R]:
        """``[fn(item) for item in items]`` run on the engine's workers (``fn`` and items picklable)."""
        ...


class LocalEngine:
    """Read tasks on this machine's forked worker processes (``n_jobs``); banding in this process."""

    def __init__(self, n_jobs: int) -> None:
        self.n_jobs = n_jobs

    def chunks(self, tasks: Sequence[ReadTask], settings: ChunkSettings) -> Iterator[Chunk]:
        if (
            tasks
        ):  # compiled kernels loaded (or built, on a fresh install) once here; forked workers inherit them
            warm_up(settings.dedup.scheme)
        return process_map(partial(process_task, settings=settings), tasks, self.n_jobs, settings.workdir)

    def candidates(self, params: DedupParams) -> CandidateFn | None:
        return None

    def verifier(self) -> VerifyFn | None:
        return None

    def map(self, fn: Callable[[T], R], items: Sequence[T], spill_dir: str) -> list[R]:
        return list(process_map(fn, items, self.n_jobs, spill_dir))


def open_engine(run: RunConfig) -> AbstractContextManager[Engine]:
    """The configured engine, as a context manager (the Dask engine holds a client while it lasts)."""
    if run.engine == "dask":
        from newsdedup.run.dask_engine import DaskEngine

        return DaskEngine(run.scheduler, n_workers=run.n_jobs)
    return nullcontext(LocalEngine(workers(run)))
