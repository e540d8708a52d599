"""Step 4 as a unit an engine can run elsewhere: a block of candidate pairs verified and reduced to its edges.

:func:`verify_block` is the one verification of a block (exact similarities by
:func:`~newsdedup.dedup.verify.verify_pairs`, then :func:`~newsdedup.dedup.verify.edge_rule`); a
:data:`VerifyFn` runs it over all blocks and yields the kept edges block by block, in block order.
:func:`local_verifier` runs the blocks in this process; an engine may supply its own (the Dask engine's
verifies them on its workers), which must yield exactly what the local one does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from newsdedup.dedup.verify import edge_rule, verify_pairs
from newsdedup.model import MapFn, serial_map
from newsdedup.params import DedupParams

__all__ = ["COUNTS", "KeptEdges", "VerifyFn", "VerifyInputs", "local_verifier", "verify_block"]

#: The per-block counts a :class:`KeptEdges` carries (summed into the dedup stats).
COUNTS = ("candidate_pairs", "verified_pairs", "false_positives", "near_edges", "containment_edges")


@dataclass(frozen=True)
class VerifyInputs:
    """What verifying a block needs besides its pairs: the shingle hashes (possibly a read-only
    ``np.memmap`` of a flat file) and their ``offsets`` per document row, the row of each representative
    (``rows``; blocks index representatives), the words per representative (``tokens``) and the params."""

    hashes: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray
    tokens: np.ndarray
    params: DedupParams


@dataclass(frozen=True)
class KeptEdges:
    """The pairs of one block the edge rule keeps (representative indices ``left < right``, in the block's
    order) with their Jaccard and containment, and the block's :data:`COUNTS`."""

    left: np.ndarray
    right: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    counts: dict[str, int]


#: Verification of all candidate blocks: (blocks of (left, right), inputs) -> kept edges per block, in order.
VerifyFn = Callable[[Iterable[tuple[np.ndarray, np.ndarray]], VerifyInputs], Iterator[KeptEdges]]


def verify_block(
    inputs: VerifyInputs, left: np.ndarray, right: np.ndarray, *, map_fn: MapFn = serial_map
) -> KeptEdges:
    """Verify one block of candidate pairs (representative indices) and keep the edges the rule keeps."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    jac, con = verify_pairs(
        inputs.hashes, inputs.offsets, inputs.rows[left], inputs.rows[right], map_fn=map_fn
    )
    near, contained, _sim = edge_rule(jac, con, inputs.tokens[left], inputs.tokens[right], inputs.params)
    keep = near | contained
    kept = int(keep.sum())
    counts = {
        "candidate_pairs": len(left),
        "verified_pairs": kept,
        "false_positives": len(left) - kept,
        "near_edges": int(near.sum()),
        "containment_edges": int(contained.sum()),
    }
    return KeptEdges(left[keep], right[keep], jac[keep], con[keep], counts)


def local_verifier(map_fn: MapFn = serial_map) -> VerifyFn:
    """The in-process :data:`VerifyFn`: one block after the other, each block's pairs through ``map_fn``."""

    def verify(blocks: Iterable[tuple[np.ndarray, np.ndarray]], inputs: VerifyInputs) -> Iterator[KeptEdges]:
        for left, right in blocks:
            yield verify_block(inputs, left, right, map_fn=map_fn)

    return verify
