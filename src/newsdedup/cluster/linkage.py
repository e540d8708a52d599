"""Average linkage on the kNN graph: the merge step of story clustering (compiled kernel ``average_linkage``).

Our own average linkage, because sklearn's ``AgglomerativeClustering`` with a connectivity matrix averages
only over graph edges (optimistic, prone to chaining) and its precomputed metric needs a dense n x n
matrix. Average pairwise cosine between clusters A and C equals ``dot(S_A, S_C) / (|A| |C|)`` with ``S``
the sum of the members' unit rows, so it is computed exactly, even for member pairs the kNN graph left out
(e.g. when a row's k neighbours were all copies). Clusters are compared only when some member pair is a
graph edge. Time: the similarity is multiplied by ``exp(-|mean time A - mean time C| / time_scale)``; for
two single articles that is the pairwise decay; clusters with no timed article are compared on text alone.
Merging stops when the best similarity is below ``threshold`` (the one granularity knob). To keep the cost
near linear, a merged cluster forgets neighbours below ``EDGE_FLOOR_RATIO * threshold`` and keeps at most
``LINK_MAX_NEIGHBORS`` below the threshold (its best); every neighbour above the threshold is kept, and a
member merged later that links to a forgotten neighbour brings it back. Without this cap each merge into a
large story would re-score all of its neighbours, and the cap barely changes the stories found.

Languages: two clusters whose members are of different known languages never merge, and the kNN graph
has no edge between two documents of different known languages; a document of unknown language (``und``,
or from a history without languages) may join a story of any one language. Shared numbers, names and
places are the only terms articles in two languages have in common, so a cosine over them would merge
unrelated stories ("2024", "Berlin", "Biden") as readily as translations of one: the rule keeps stories
within a language, and linking them across languages is left to a later step (docs/architecture.md).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from newsdedup.cluster.kernels.linkage import LinkLimits, average_linkage
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges

__all__ = ["EDGE_FLOOR_RATIO", "LINK_MAX_NEIGHBORS", "link"]

#: Candidate pairs below ``EDGE_FLOOR_RATIO * threshold`` are too dissimilar to be worth linking.
EDGE_FLOOR_RATIO = 0.25
#: A merged cluster keeps at most this many neighbours below the threshold (its best), besides all above it.
LINK_MAX_NEIGHBORS = 32


def link(
    X: sp.csr_matrix,
    centring: Centring,
    days: np.ndarray,
    edges: Edges,
    threshold: float,
    scale: float | None,
    floor: float,
    language: np.ndarray | None = None,
) -> np.ndarray:
    """Average-linkage merging over the kNN graph ``edges`` of the centred, scaled rows ``X`` (see
    ``graph.centering``) with times ``days``; returns a root index per document. ``language``: a code per
    document (-1 for unknown; None: all unknown); clusters of two different known languages never merge."""
    return average_linkage(
        Csr(
            X.indptr.astype(np.int64, copy=False),
            X.indices.astype(np.int32, copy=False),
            X.data.astype(np.float32, copy=False),
        ),
        X.shape[1],
        Centring(
            centring.w.astype(np.float64, copy=False),
            centring.q.astype(np.float64, copy=False),
            float(centring.mm),
        ),
        days.astype(np.float64, copy=False),
        # copy=False: the edge arrays are the largest besides X
        Edges(
            edges.lo.astype(np.int32, copy=False),
            edges.hi.astype(np.int32, copy=False),
            edges.dot.astype(np.float64, copy=False),
        ),
        LinkLimits(
            float(threshold), 1.0 / scale if scale is not None else 0.0, float(floor), LINK_MAX_NEIGHBORS
        ),
        np.full(len(days), -1, dtype=np.int32) if language is None else language.astype(np.int32),
    )
