"""The merge heap of average linkage (see ``linkage``): candidate merges, best first, stale ones skipped
by the clusters' versions.

The heap is five arrays (``MergeHeap``): the linkage loop holds them as locals and passes them one by one,
as a loop over locally held arrays compiles to tighter code than one over the fields of a tuple.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsdedup.jit import njit

__all__ = ["MergeHeap", "heap_down", "heap_grow", "heap_less", "heap_swap", "heap_up"]


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
def heap_grow(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, hn: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The heap's arrays with twice the room, holding its ``hn`` entries."""
    grow = 2 * len(hs)
    hs2 = np.empty(grow, dtype=np.float64)
    ha2 = np.empty(grow, dtype=np.int32)
    hc2 = np.empty(grow, dtype=np.int32)
    hva2 = np.empty(grow, dtype=np.int32)
    hvc2 = np.empty(grow, dtype=np.int32)
    hs2[:hn] = hs[:hn]
    ha2[:hn] = ha[:hn]
    hc2[:hn] = hc[:hn]
    hva2[:hn] = hva[:hn]
    hvc2[:hn] = hvc[:hn]
    return hs2, ha2, hc2, hva2, hvc2


@njit
def heap_less(
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
def heap_swap(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, i: int, j: int
) -> None:
    hs[i], hs[j] = hs[j], hs[i]
    ha[i], ha[j] = ha[j], ha[i]
    hc[i], hc[j] = hc[j], hc[i]
    hva[i], hva[j] = hva[j], hva[i]
    hvc[i], hvc[j] = hvc[j], hvc[i]


@njit
def heap_up(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, pos: int
) -> None:
    while pos > 0:
        par = (pos - 1) // 2
        if heap_less(hs, ha, hc, hva, hvc, pos, par):
            heap_swap(hs, ha, hc, hva, hvc, pos, par)
            pos = par
        else:
            return


@njit
def heap_down(
    hs: np.ndarray, ha: np.ndarray, hc: np.ndarray, hva: np.ndarray, hvc: np.ndarray, size: int
) -> None:
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        if left + 1 < size and heap_less(hs, ha, hc, hva, hvc, left + 1, left):
            best = left + 1
        if heap_less(hs, ha, hc, hva, hvc, best, pos):
            heap_swap(hs, ha, hc, hva, hvc, best, pos)
            pos = best
        else:
            return
