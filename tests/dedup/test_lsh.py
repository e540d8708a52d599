"""LSH banding: buckets, capped buckets, the (bands, rows) optimiser and the one definition of a bucket key."""

from __future__ import annotations

import numpy as np
import pytest

from newsdedup.dedup.lsh import band_keys, candidates_from_signatures, lsh_params, optimal_param
from newsdedup.params import DedupParams
from tests.dedup import reference


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


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize(("bands", "rows"), [(31, 2), (9, 3), (1, 7)])
def test_band_keys_are_bit_identical_to_the_numpy_definition(dtype: type, bands: int, rows: int) -> None:
    rng = np.random.default_rng(bands)
    sig = rng.integers(0, np.iinfo(dtype).max, size=(40, bands * rows + 1), dtype=dtype, endpoint=True)
    want = reference.band_keys(sig, bands, rows)
    got = band_keys(sig, bands, rows)
    assert got.shape == want.shape and got.dtype == np.uint64
    assert np.array_equal(got, want)
    select = np.array([5, 0, 39, 5], dtype=np.int64)
    assert np.array_equal(band_keys(sig, bands, rows, select=select), want[select])
    if bands > 1:
        assert np.array_equal(band_keys(sig, bands - 1, rows, first_band=1), want[:, 1:])


def test_dask_bucket_rows_use_the_same_keys() -> None:
    dask_engine = pytest.importorskip("newsdedup.run.dask_engine")
    sig = np.random.default_rng(0).integers(0, 2**32, size=(12, 8), dtype=np.uint32)
    frame = dask_engine._bucket_rows(sig, 100, 4, 2)
    assert frame["key"].to_numpy().tolist() == reference.band_keys(sig, 4, 2).reshape(-1).tolist()
    assert frame["band"].tolist() == [0, 1, 2, 3] * 12
    assert frame["doc"].tolist() == [d for d in range(100, 112) for _ in range(4)]
