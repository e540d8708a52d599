"""Verification of candidate pairs: exact Jaccard and containment of their shingle sets, and the edge rule.

LSH candidates include false positives; only pairs that pass :func:`keep_edges` on their exact similarities
become edges of the duplicate graph. Short texts (fewer than ``min_tokens`` words) only match with Jaccard
>= ``short_threshold`` and never by containment: a shared lede of a few words is not evidence that two
articles are the same story.
"""

from __future__ import annotations

import functools
import logging
import os

import numpy as np

from newsdedup.dedup.kernels import intersection_counts
from newsdedup.errors import NewsdedupError
from newsdedup.model import MapFn, serial_map
from newsdedup.params import DedupParams

logger = logging.getLogger(__name__)

__all__ = ["PAIRS_PER_BLOCK", "VERIFY_BLOCK_BYTES", "edge_rule", "keep_edges", "verify_pairs"]

#: Bytes of shingle hashes one verification block reads from a memory-mapped file into memory.
VERIFY_BLOCK_BYTES = 64 << 20
#: Pairs per block of in-memory verification (the blocks go through the map function).
PAIRS_PER_BLOCK = 1 << 16
#: Gaps up to this many bytes between needed runs are read through rather than paid with another call.
_READ_GAP_BYTES = 8 << 10


def verify_pairs(
    hashes: np.ndarray,
    offsets: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    *,
    map_fn: MapFn = serial_map,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment (|A∩B| / min(|A|,|B|)) of the shingle sets of each pair.

    ``hashes``/``offsets`` as from :func:`newsdedup.dedup.sketches.shingle_hashes` (sorted unique per
    document); ``left``/``right`` index documents (rows of ``offsets``). A compiled merge walk per pair
    (:mod:`newsdedup.dedup.kernels`). ``hashes`` may be a read-only ``np.memmap`` of a flat file: the runs a
    block of pairs needs are then read from the file into a buffer of about ``VERIFY_BLOCK_BYTES``, so
    resident memory stays bounded whatever the file size. The blocks of pairs go through ``map_fn`` (the
    kernel releases the GIL, so a thread map runs them in parallel) and their counts are joined in pair
    order. Returns ``(jaccard, containment)`` floats; both 0.0 when a side is empty.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    lens = np.diff(offsets)
    la_all, lb_all = lens[left], lens[right]
    inter = None
    if isinstance(hashes, np.memmap) and not hashes.flags.writeable and len(left):
        inter = _read_intersections(hashes, offsets, left, right, la_all + lb_all, map_fn)
    if inter is None:
        inter = _count_in_memory(np.asarray(hashes), offsets, left, right, map_fn)
    union = la_all + lb_all - inter
    small = np.minimum(la_all, lb_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        containment = np.where(small > 0, inter / np.maximum(small, 1), 0.0)
    return jaccard, containment


def _count_in_memory(
    flat: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, map_fn: MapFn
) -> np.ndarray:
    """Intersection counts of the pairs, with the shingle hashes in memory, in blocks of ``PAIRS_PER_BLOCK``."""
    count = functools.partial(_count_slice, flat, offsets[:-1], offsets[1:], left, right)
    blocks = [slice(lo, min(lo + PAIRS_PER_BLOCK, len(left))) for lo in range(0, len(left), PAIRS_PER_BLOCK)]
    counts = map_fn(count, blocks)
    return np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)


def _count_slice(
    flat: np.ndarray, starts: np.ndarray, ends: np.ndarray, left: np.ndarray, right: np.ndarray, sel: slice
) -> np.ndarray:
    return intersection_counts(flat, starts, ends, left[sel], right[sel])


def _read_intersections(
    hashes: np.memmap,
    offsets: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    sizes: np.ndarray,
    map_fn: MapFn,
) -> np.ndarray | None:
    """Intersection counts with the shingle hashes read from the memory map's file block by block.

    Not through the mapping: a page fault maps a whole page-cache folio (up to megabytes per random touch on
    recent Linux), so random access would make most of the file resident. Pairs are sorted by their first
    document, so a block's first sides are one stretch of the file; each block reads the runs it needs
    (nearby runs in one call) into a buffer of about ``VERIFY_BLOCK_BYTES`` (one per block running at a
    time). Returns None when the file does not hold the array where the memmap says (e.g. a slice of a
    larger map)."""
    if hashes.filename is None:
        return None
    fd = os.open(hashes.filename, os.O_RDONLY)
    try:
        if not _file_holds(fd, hashes):
            logger.warning("shingle hashes are not where their memmap says; reading them through the map")
            return None
        blocks = _pair_blocks(np.minimum(left, right), sizes * hashes.itemsize)
        counts = map_fn(functools.partial(_count_block, fd, hashes, offsets, left, right), blocks)
        inter = np.zeros(len(left), dtype=np.int64)
        for sel, got in zip(blocks, counts, strict=True):
            inter[sel] = got
        return inter
    finally:
        os.close(fd)


def _file_holds(fd: int, hashes: np.memmap) -> bool:
    """Whether the file ``fd`` holds ``hashes`` where the memmap says (checked on its first and last items)."""
    k = min(len(hashes), 16)
    head, tail = np.empty(k, hashes.dtype), np.empty(k, hashes.dtype)
    _pread_into(fd, head, hashes.offset)
    _pread_into(fd, tail, hashes.offset + (len(hashes) - k) * hashes.itemsize)
    return np.array_equal(head, hashes[:k]) and np.array_equal(tail, hashes[len(hashes) - k :])


def _pair_blocks(first: np.ndarray, pair_bytes: np.ndarray) -> list[np.ndarray]:
    """Pair indices in blocks of about ``VERIFY_BLOCK_BYTES`` to read, ordered by the pairs' first document."""
    order = np.argsort(first, kind="stable")
    cum = np.cumsum(pair_bytes[order] + _READ_GAP_BYTES)
    blocks: list[np.ndarray] = []
    lo = 0
    while lo < len(order):
        base = int(cum[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, base + VERIFY_BLOCK_BYTES, side="right")))
        blocks.append(order[lo:hi])
        lo = hi
    return blocks


def _count_block(
    fd: int, hashes: np.memmap, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, sel: np.ndarray
) -> np.ndarray:
    """Intersection counts of the pairs ``sel``: the documents' runs are read from the file (runs closer than
    ``_READ_GAP_BYTES`` in one call) into one buffer, then counted there."""
    item = hashes.itemsize
    bl, br = left[sel], right[sel]
    docs = np.unique(np.concatenate([bl, br]))
    starts, ends = offsets[docs], offsets[docs + 1]
    new_run = np.r_[True, (starts[1:] - ends[:-1]) * item > _READ_GAP_BYTES]
    run = np.cumsum(new_run) - 1
    run_first = starts[new_run]
    run_len = ends[np.r_[new_run[1:], True]] - run_first
    run_pos = np.r_[0, np.cumsum(run_len)[:-1]]
    buf = np.empty(int(run_len.sum()), dtype=hashes.dtype)
    for first, length, pos in zip(run_first.tolist(), run_len.tolist(), run_pos.tolist(), strict=True):
        _pread_into(fd, buf[pos : pos + length], hashes.offset + first * item)
    local = starts - run_first[run] + run_pos[run]
    return intersection_counts(
        buf, local, local + (ends - starts), np.searchsorted(docs, bl), np.searchsorted(docs, br)
    )


def _pread_into(fd: int, out: np.ndarray, position: int) -> None:
    """Fill ``out`` with the file's bytes from ``position`` on."""
    view = out.data.cast("B")
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done:]], position + done)
        if got <= 0:
            raise NewsdedupError(f"shingle-hash file ended early at byte {position + done}")
        done += got


def keep_edges(
    jaccard: np.ndarray,
    containment: np.ndarray,
    tokens_left: np.ndarray,
    tokens_right: np.ndarray,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decide which verified pairs are duplicates.

    Returns ``(keep, method, similarity)``: method is "near" (Jaccard >= threshold; >= short_threshold when
    either text has fewer than min_tokens words) or "containment" (containment >= containment_threshold and
    the smaller text has at least min_containment_tokens words); similarity is the measure that decided
    (the Jaccard for "near", the containment for "containment").
    """
    near, contained, similarity = edge_rule(jaccard, containment, tokens_left, tokens_right, params)
    method = np.where(near, "near", np.where(contained, "containment", ""))
    return near | contained, method, similarity


def edge_rule(
    jaccard: np.ndarray,
    containment: np.ndarray,
    tokens_left: np.ndarray,
    tokens_right: np.ndarray,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`keep_edges` as masks ``(near, contained, similarity)``; ``contained`` only where not ``near``
    (no per-pair strings: a million of them cost more than the rule itself)."""
    fewest = np.minimum(tokens_left, tokens_right)
    short = fewest < params.min_tokens
    near = jaccard >= np.where(short, params.short_threshold, params.threshold)
    contained = (
        ~near
        & ~short
        & (containment >= params.containment_threshold)
        & (fewest >= params.min_containment_tokens)
    )
    similarity = np.where(contained, containment, jaccard)
    return near, contained, similarity
