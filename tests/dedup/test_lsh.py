"""LSH banding: buckets, capped buckets, the (bands, rows) optimiser and the one definition of a bucket key."""

from __future__ import annotations

import numpy as np
import pytest

from newsdedup.dedup.lsh import candidates_from_signatures, lsh_params, optimal_param
from newsdedup.params import DedupParams


def test_capped_bucket_emits_star_and_chain() -> None:
    sig = np.zeros((6, 8), dtype=np.uint32)  # six identical signatures: one bucket per band
    left, right, capped = candidates_from_signatures(sig, bands=2, rows=4, max_bucket_size=3)
    assert capped == 2
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(0, k) for k in range(1, 6)} | {(k, k + 1) for k in range(5)}
    left, right, capped = candidates_from_signatures(sig, bands=2, rows=4, max_bucket_size=6)
    assert capped == 0 and len(left) == 15


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
@pytest.mark.parametrize("threshold", [0.1, 0.19, 0.3, 0.5, 0.8, 0.95])
def test_optimiser_returns_what_datasketch_returns(threshold: float, num_perm: int) -> None:
    from datasketch.lsh import _optimal_param

    assert optimal_param(threshold, num_perm, 0.5, 0.5) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_optimiser_weights_and_lsh_params() -> None:
    from datasketch.lsh import _optimal_param

    assert optimal_param(0.5, 64, 0.2, 0.8) == _optimal_param(0.5, 64, 0.2, 0.8)
    params = DedupParams()
    assert lsh_params(params) == _optimal_param(params.effective_lsh_threshold, params.num_perm, 0.5, 0.5)
