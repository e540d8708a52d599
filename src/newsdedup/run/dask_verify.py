"""The Dask engine's verification: candidate blocks verified on the workers, only the kept edges come back.

The client cuts each candidate block into pieces (enough for every worker to have one), scatters a piece's
pairs to the cluster and submits :func:`newsdedup.dedup.verify_block` on it; at most ``in_flight`` pieces are
out (running, or finished and waiting for an earlier one), so the client never holds more candidates than a
block plus those pieces, and the kept edges are handed on in piece order: the result is the local engine's.

What a piece needs besides its pairs (offsets, representative rows, words, params) is scattered to every
worker once. The shingle hashes are not sent: they are a read-only memmap of a file in the staging version,
and each worker maps that file again by its path. That needs the workers to see the client's staging folder
(a LocalCluster, or a cluster on a shared filesystem); each worker checks the file before any piece is sent,
and when one cannot see it the blocks are verified on the client instead (logged), with the same result.
Hashes held in memory (not a file) are scattered with the rest.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsdedup.dedup import KeptEdges, VerifyFn, VerifyInputs, local_verifier, verify_block

logger = logging.getLogger(__name__)

__all__ = ["MIN_PIECE_PAIRS", "VERIFY_EVENT", "worker_verifier"]

#: Topic of the event each worker logs per verified piece (``client.get_events(VERIFY_EVENT)``).
VERIFY_EVENT = "newsdedup-verify"
#: Fewest pairs per piece sent to a worker (a smaller block goes as one piece).
MIN_PIECE_PAIRS = 1 << 16
#: Items compared at each end of the hash file to check a worker maps the client's array.
_PROBE = 16


@dataclass(frozen=True)
class MappedHashes:
    """Where a read-only memmap's array lies in its file, and its first and last items: what a worker needs
    to map it again and check that it did."""

    path: str
    dtype: str
    offset: int
    length: int
    head: np.ndarray
    tail: np.ndarray

    def open(self) -> np.ndarray:
        """The array, mapped read-only from the file."""
        return np.memmap(
            self.path, dtype=np.dtype(self.dtype), mode="r", offset=self.offset, shape=(self.length,)
        )

    def visible(self) -> bool:
        """Whether this process sees the file holding the array where the client does."""
        try:
            if os.path.getsize(self.path) < self.offset + self.length * np.dtype(self.dtype).itemsize:
                return False
            hashes = self.open()
        except OSError:
            return False
        return np.array_equal(hashes[:_PROBE], self.head) and np.array_equal(hashes[-_PROBE:], self.tail)


@dataclass(frozen=True)
class _Shared:
    """The verification inputs as sent to the workers: the hashes by file when they are a memmap."""

    inputs: VerifyInputs
    mapped: MappedHashes | None

    def resolve(self) -> VerifyInputs:
        if self.mapped is None:
            return self.inputs
        return dataclasses.replace(self.inputs, hashes=self.mapped.open())


def mapped_hashes(hashes: np.ndarray) -> MappedHashes | None:
    """The file position of a non-empty read-only memmap's array; None for an array in memory or one the
    file does not hold where the memmap says (e.g. a slice of a larger map)."""
    if (
        not isinstance(hashes, np.memmap)
        or hashes.filename is None
        or hashes.flags.writeable
        or not len(hashes)
    ):
        return None
    if not hashes.flags.c_contiguous or hashes.ndim != 1:
        return None
    ref = MappedHashes(
        str(hashes.filename),
        hashes.dtype.str,
        int(hashes.offset),
        len(hashes),
        np.array(hashes[:_PROBE]),
        np.array(hashes[-_PROBE:]),
    )
    return ref if ref.visible() else None


def _verify_piece(shared: _Shared, pairs: tuple[np.ndarray, np.ndarray], index: int) -> KeptEdges:
    """Verify one piece on a worker; the worker logs it (topic :data:`VERIFY_EVENT`)."""
    from dask.distributed import get_worker

    left, right = pairs
    edges = verify_block(shared.resolve(), left, right)
    worker = get_worker()
    worker.log_event(VERIFY_EVENT, {"piece": index, "pairs": len(left), "worker": worker.address})
    return edges


def worker_verifier(client: Any, n_workers: int, in_flight: int | None = None) -> VerifyFn:
    """A :data:`~newsdedup.dedup.VerifyFn` verifying the candidate blocks on ``client``'s workers (as many
    as the scheduler knows when verification starts; ``n_workers`` if it knows none) with at most
    ``in_flight`` pieces out (default: two per worker)."""

    def verify(blocks: Iterable[tuple[np.ndarray, np.ndarray]], inputs: VerifyInputs) -> Iterator[KeptEdges]:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or n_workers)
        limit = max(1, in_flight if in_flight is not None else 2 * workers)
        mapped = mapped_hashes(inputs.hashes)
        if mapped is not None and not all(client.run(mapped.visible).values()):
            logger.warning("dask: a worker cannot read %s; verifying on the client", mapped.path)
            return local_verifier()(blocks, inputs)
        shared = _Shared(dataclasses.replace(inputs, hashes=np.zeros(0, inputs.hashes.dtype)), mapped)
        if mapped is None:
            shared = _Shared(dataclasses.replace(inputs, hashes=np.asarray(inputs.hashes)), None)
        return _run_pieces(client, blocks, shared, workers, limit)

    return verify


def _pieces(
    blocks: Iterable[tuple[np.ndarray, np.ndarray]], n_workers: int
) -> Iterator[tuple[np.ndarray, ...]]:
    """Each block cut into about one piece per worker (at least :data:`MIN_PIECE_PAIRS` pairs each)."""
    for left, right in blocks:
        step = max(MIN_PIECE_PAIRS, -(-len(left) // n_workers))
        for lo in range(0, len(left), step):
            yield left[lo : lo + step], right[lo : lo + step]


def _run_pieces(
    client: Any, blocks: Iterable[tuple[np.ndarray, np.ndarray]], shared: _Shared, n_workers: int, limit: int
) -> Iterator[KeptEdges]:
    """Submit the pieces, at most ``limit`` out at a time; yield their kept edges in piece order."""
    from dask.distributed import as_completed

    remote = client.scatter(shared, broadcast=True, hash=False)
    running = as_completed()
    index_of: dict[Any, int] = {}  # the pieces out (futures), by index
    finished: dict[int, KeptEdges] = {}
    sent = handed = 0
    try:
        for pairs in _pieces(blocks, n_workers):
            piece = client.scatter(pairs, hash=False)
            future = client.submit(_verify_piece, remote, piece, sent, pure=False)
            index_of[future] = sent
            running.add(future)
            sent += 1
            while sent - handed >= limit:
                handed = yield from _hand_on(running, index_of, finished, handed)
        while handed < sent:
            handed = yield from _hand_on(running, index_of, finished, handed)
    finally:
        running.clear()
        client.cancel(list(index_of))
        remote.release()


def _hand_on(
    running: Any, index_of: dict[Any, int], finished: dict[int, KeptEdges], handed: int
) -> Generator[KeptEdges, None, int]:
    """Wait for one more piece; yield the finished pieces that are next in order; returns how many have been
    handed on."""
    future = next(running)
    finished[index_of.pop(future)] = future.result()
    future.release()
    while handed in finished:
        yield finished.pop(handed)
        handed += 1
    return handed
