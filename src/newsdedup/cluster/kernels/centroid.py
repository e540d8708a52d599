"""Compiled cosine of each document to its cluster's centroid (see ``cluster.describe.centrality``)."""

from __future__ import annotations

import math

import numpy as np

from newsdedup.jit import njit

__all__ = ["centroid_cosines"]


@njit
def centroid_cosines(
    x_ptr: np.ndarray,
    x_idx: np.ndarray,
    x_val: np.ndarray,
    n_terms: int,
    members: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray:
    """Cosine of each row of X to its cluster's summed row (the centroid's direction).

    ``members``: row indices grouped by cluster, cluster c being ``members[bounds[c]:bounds[c + 1]]``.
    One dense accumulator is reused for every cluster, so no centroid matrix is built.
    """
    n = len(x_ptr) - 1
    out = np.zeros(n, dtype=np.float64)
    dense = np.zeros(max(n_terms, 1), dtype=np.float64)
    stamp = np.full(max(n_terms, 1), -1, dtype=np.int64)
    for c in range(len(bounds) - 1):
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                dense[x_idx[f]] += x_val[f]
        norm2 = 0.0
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                t = x_idx[f]
                if stamp[t] != c:  # each term of the centroid once
                    stamp[t] = c
                    norm2 += dense[t] * dense[t]
        norm = math.sqrt(norm2)
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            d = 0.0
            for f in range(x_ptr[i], x_ptr[i + 1]):
                d += dense[x_idx[f]] * x_val[f]
            out[i] = d / norm if norm > 0.0 else 0.0
        for u in range(bounds[c], bounds[c + 1]):
            i = members[u]
            for f in range(x_ptr[i], x_ptr[i + 1]):
                dense[x_idx[f]] = 0.0
    return out
