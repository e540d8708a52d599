"""Clustering quality metrics: pairwise and B-cubed precision/recall/F1, ARI and NMI.

All functions take two equal-length label sequences (predicted, true) over the same items. Labels may be any
hashable values; only equality between labels matters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

__all__ = ["adjusted_rand", "bcubed_prf", "nmi", "pairwise_prf"]


def _check(pred: Sequence[Hashable], true: Sequence[Hashable]) -> None:
    if len(pred) != len(true):
        raise ValueError(f"pred and true must have the same length, got {len(pred)} and {len(true)}")


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(counts: Counter[Hashable] | Counter[tuple[Hashable, Hashable]]) -> int:
    return sum(c * (c - 1) // 2 for c in counts.values())


def pairwise_prf(pred: Sequence[Hashable], true: Sequence[Hashable]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1: over all unordered item pairs, "same group" predicted vs true.

    With no positive pairs on a side, the corresponding score is 1.0 (nothing claimed, nothing missed).

    >>> pairwise_prf(["a", "a", "b"], [1, 1, 2])
    (1.0, 1.0, 1.0)
    >>> pairwise_prf(["a", "a", "a"], [1, 1, 2])
    (0.3333333333333333, 1.0, 0.5)
    """
    _check(pred, true)
    both = _pairs(Counter(zip(pred, true, strict=True)))
    pred_pairs = _pairs(Counter(pred))
    true_pairs = _pairs(Counter(true))
    p = both / pred_pairs if pred_pairs else 1.0
    r = both / true_pairs if true_pairs else 1.0
    return p, r, _f1(p, r)


def bcubed_prf(pred: Sequence[Hashable], true: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over items.

    For each item: precision = share of its predicted cluster that has its true label; recall = share of its
    true class that shares its predicted cluster.

    >>> bcubed_prf([0, 0, 1, 1], ["x", "x", "y", "y"])
    (1.0, 1.0, 1.0)
    >>> p, r, f = bcubed_prf([0, 0, 0, 0], ["x", "x", "y", "y"])
    >>> (p, r)
    (0.5, 1.0)
    """
    _check(pred, true)
    n = len(pred)
    if n == 0:
        return 1.0, 1.0, 1.0
    joint = Counter(zip(pred, true, strict=True))
    pred_size = Counter(pred)
    true_size = Counter(true)
    # Each item in cell (c, t) has precision joint/|c| and recall joint/|t|; sum over the cell's items.
    p = sum(j * j / pred_size[c] for (c, _), j in joint.items()) / n
    r = sum(j * j / true_size[t] for (_, t), j in joint.items()) / n
    return p, r, _f1(p, r)


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    index: dict[Hashable, int] = {}
    return np.fromiter((index.setdefault(x, len(index)) for x in labels), dtype=np.int64, count=len(labels))


def adjusted_rand(pred: Sequence[Hashable], true: Sequence[Hashable]) -> float:
    """Adjusted Rand index (scikit-learn)."""
    _check(pred, true)
    return float(adjusted_rand_score(_codes(true), _codes(pred)))


def nmi(pred: Sequence[Hashable], true: Sequence[Hashable]) -> float:
    """Normalised mutual information (scikit-learn, arithmetic normalisation)."""
    _check(pred, true)
    return float(normalized_mutual_info_score(_codes(true), _codes(pred)))
