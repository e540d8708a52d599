"""The small named tuples of arrays the clustering kernels take, and the time decay they share.

numba compiles a named tuple into a struct of its fields, so grouping arrays costs nothing in the loops
and keeps the kernels' argument lists short.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from newsdedup.jit import njit

__all__ = ["Centring", "Csr", "Edges", "decay"]


class Csr(NamedTuple):
    """A CSR matrix's arrays: row i's entries are ``indices[indptr[i]:indptr[i + 1]]`` with their ``data``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


class Centring(NamedTuple):
    """The terms of a cosine after subtracting the corpus mean row m (see ``cluster.graph.centering``):
    per row ``w`` (the scale of the centred row) and ``q`` (``w`` times the row's dot with m); ``mm = m.m``."""

    w: np.ndarray
    q: np.ndarray
    mm: float


class Edges(NamedTuple):
    """Graph edges: the pair ``(lo[e], hi[e])`` (lo < hi) with the dot of the two rows."""

    lo: np.ndarray
    hi: np.ndarray
    dot: np.ndarray


@njit
def decay(t1: float, t2: float, inv_scale: float) -> float:
    """``exp(-|t1 - t2| * inv_scale)``; 1 when either time is missing (NaN) or ``inv_scale`` is 0."""
    if inv_scale > 0.0 and t1 == t1 and t2 == t2:
        return math.exp(-abs(t1 - t2) * inv_scale)
    return 1.0
