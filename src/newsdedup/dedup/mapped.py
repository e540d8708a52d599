"""Row blocks of a memory-mapped file array (the run's signature file), read without making it resident.

A page fault on a file mapping maps a whole page-cache folio and the pages touched stay in the process's
resident set until the map goes away, so walking a mapped (documents, num_perm) signature array through the
map would make the whole file resident. :func:`read_rows` and :func:`take_rows` instead read row blocks of
about :data:`ROW_BLOCK_BYTES` from the map's file into ordinary buffers that are let go after use; callers
that get an in-memory array get it back as is. The same approach as the verification's reads of the shingle
file (:mod:`newsdedup.dedup.verify`).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator

import numpy as np

__all__ = ["ROW_BLOCK_BYTES", "file_mapped", "read_rows", "row_blocks", "take_rows"]

#: Bytes of rows one block read from a mapped file holds in memory.
ROW_BLOCK_BYTES = 16 << 20


def file_mapped(a: np.ndarray) -> bool:
    """Whether ``a`` is a whole read-only ``np.memmap`` of a file (not a view of one): its rows can then be
    read from the file at ``a.offset``."""
    return (
        isinstance(a, np.memmap)
        and isinstance(a.base, mmap.mmap)
        and a.filename is not None
        and not a.flags.writeable
        and a.flags.c_contiguous
        and a.ndim >= 1
    )


def _row_bytes(a: np.ndarray) -> int:
    return int(a.itemsize * (int(np.prod(a.shape[1:])) if a.ndim > 1 else 1))


def read_rows(a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Rows ``lo:hi`` of ``a`` in memory: read from the file of a mapped array (:func:`file_mapped`), a
    copy of the slice otherwise."""
    lo, hi = max(0, lo), min(len(a), hi)
    if not file_mapped(a) or hi <= lo:
        return np.array(a[lo:hi])
    width = _row_bytes(a)
    assert isinstance(a, np.memmap) and a.filename is not None
    with open(a.filename, "rb") as fh:
        fh.seek(int(a.offset) + lo * width)
        flat = np.fromfile(fh, dtype=a.dtype, count=(hi - lo) * width // a.itemsize)
    return flat.reshape((hi - lo, *a.shape[1:]))


def row_blocks(a: np.ndarray, rows: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For the row indices ``rows`` of ``a`` (any order, repeats allowed): ``(positions, local, block)`` per
    block of consecutive file rows that holds some of them, where ``block[local]`` are the rows
    ``rows[positions]``. Each block is one read of at most about :data:`ROW_BLOCK_BYTES`."""
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return
    order = np.argsort(rows, kind="stable")
    srt = rows[order]
    step = max(1, ROW_BLOCK_BYTES // max(1, _row_bytes(a)))
    at = 0
    while at < len(srt):
        lo = int(srt[at])
        hi = min(lo + step, len(a))
        end = int(np.searchsorted(srt, hi, side="left"))
        yield order[at:end], srt[at:end] - lo, read_rows(a, lo, hi)
        at = end


def take_rows(a: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``a[rows]`` in memory; for a mapped array read block by block from its file (see the module)."""
    rows = np.asarray(rows, dtype=np.int64)
    if not file_mapped(a):
        return np.asarray(a[rows])
    out = np.empty((len(rows), *a.shape[1:]), dtype=a.dtype)
    for positions, local, block in row_blocks(a, rows):
        out[positions] = block[local]
    return out
