"""LSH banding: buckets, capped buckets, the (bands, rows) optimiser and the one definition of a bucket key."""

from __future__ import annotations

import numpy as np

from newsdedup.dedup.lsh import candidates_from_signatures


def test_capped_bucket_emits_star_and_chain() -> None:
    sig = np.zeros((6, 8), dtype=np.uint32)  # six identical signatures: one bucket per band
    left, right, capped = candidates_from_signatures(sig, bands=2, rows=4, max_bucket_size=3)
    assert capped == 2
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(0, k) for k in range(1, 6)} | {(k, k + 1) for k in range(5)}
    left, right, capped = candidates_from_signatures(sig, bands=2, rows=4, max_bucket_size=6)
    assert capped == 0 and len(left) == 15
