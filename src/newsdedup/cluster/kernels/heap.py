"""The merge heap of average linkage (see ``linkage``): candidate merges, best first, stale ones skipped
by the clusters' versions.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsdedup.jit import njit

__all__ = ["MergeHeap", "heap_pop", "heap_push", "new_heap"]


class MergeHeap(NamedTuple):
    """A binary heap of candidate merges of clusters a < c: their similarity ``score`` and the versions
    ``va``/``vc`` the two clusters had when it was scored. Ordered by higher score, then smaller
    (a, c, va, vc), so equal scores pop in one fixed order."""

    score: np.ndarray
    a: np.ndarray
    c: np.ndarray
    va: np.ndarray
    vc: np.ndarray


@njit
def new_heap(cap: int) -> MergeHeap:
    """An empty heap with room for ``cap`` entries."""
    return MergeHeap(
        np.empty(cap, dtype=np.float64),
        np.empty(cap, dtype=np.int32),
        np.empty(cap, dtype=np.int32),
        np.empty(cap, dtype=np.int32),
        np.empty(cap, dtype=np.int32),
    )


@njit
def heap_push(heap: MergeHeap, hn: int, s: float, a: int, c: int, va: int, vc: int) -> tuple[MergeHeap, int]:
    """Add the merge of a and c (a < c, at versions va and vc) with score s to the ``hn`` entries of
    ``heap``, growing it when full; returns (the heap, hn + 1)."""
    if hn == len(heap.score):
        grow = new_heap(2 * hn)
        grow.score[:hn] = heap.score[:hn]
        grow.a[:hn] = heap.a[:hn]
        grow.c[:hn] = heap.c[:hn]
        grow.va[:hn] = heap.va[:hn]
        grow.vc[:hn] = heap.vc[:hn]
        heap = grow
    hs, ha, hc, hva, hvc = heap
    hs[hn] = s
    ha[hn] = a
    hc[hn] = c
    hva[hn] = va
    hvc[hn] = vc
    _heap_up(hs, ha, hc, hva, hvc, hn)
    return heap, hn + 1


@njit
def heap_pop(heap: MergeHeap, hn: int) -> tuple[int, int, int, int]:
    """Remove the best of the ``hn`` entries (hn > 0); returns its (a, c, va, vc)."""
    hs, ha, hc, hva, hvc = heap
    top = (ha[0], hc[0], hva[0], hvc[0])
    hn -= 1
    if hn > 0:
        _heap_swap(hs, ha, hc, hva, hvc, 0, hn)
        _heap_down(hs, ha, hc, hva, hvc, hn)
    return top


@njit
def _heap_less(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, i: int, j: int
) -> bool:
    """Whether entry i comes before entry j (see ``MergeHeap``)."""
    if hs[i] != hs[j]:
        return hs[i] > hs[j]
    if ha[i] != ha[j]:
        return ha[i] < ha[j]
    if hc[i] != hc[j]:
        return hc[i] < hc[j]
    if hva[i] != hva[j]:
        return hva[i] < hva[j]
    return hvc[i] < hvc[j]


@njit
def _heap_swap(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, i: int, j: int
) -> None:
    hs[i], hs[j] = hs[j], hs[i]
    ha[i], ha[j] = ha[j], ha[i]
    hc[i], hc[j] = hc[j], hc[i]
    hva[i], hva[j] = hva[j], hva[i]
    hvc[i], hvc[j] = hvc[j], hvc[i]


@njit
def _heap_up(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, pos: int
) -> None:
    while pos > 0:
        par = (pos - 1) // 2
        if _heap_less(hs, ha, hc, hva, hvc, pos, par):
            _heap_swap(hs, ha, hc, hva, hvc, pos, par)
            pos = par
        else:
            return


@njit
def _heap_down(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, size: int
) -> None:
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        if left + 1 < size and _heap_less(hs, ha, hc, hva, hvc, left + 1, left):
            best = left + 1
        if _heap_less(hs, ha, hc, hva, hvc, best, pos):
            _heap_swap(hs, ha, hc, hva, hvc, best, pos)
            pos = best
        else:
            return
