"""Row blocks of a mapped signature file: the same values as the array in memory, read from the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsdedup.dedup import mapped
from newsdedup.dedup.lsh import band_keys
from newsdedup.dedup.mapped import file_mapped, read_rows, row_blocks, take_rows
from newsdedup.dedup.minhash import signature_agreement


def _mapped(tmp_path: Path, sig: np.ndarray) -> np.memmap:
    path = tmp_path / "signatures.bin"
    sig.tofile(path)
    return np.memmap(path, dtype=sig.dtype, mode="r", shape=sig.shape)


@pytest.fixture
def sig() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 50, size=(101, 12), dtype=np.uint32)  # small values: many equal bands


def test_only_a_whole_read_only_map_is_read_from_its_file(tmp_path: Path, sig: np.ndarray) -> None:
    m = _mapped(tmp_path, sig)
    assert file_mapped(m)
    assert not file_mapped(m[3:])  # a view: its rows are not where the map's offset says
    assert not file_mapped(sig)
    writable = np.memmap(tmp_path / "w.bin", dtype=np.uint32, mode="w+", shape=(4, 12))
    assert not file_mapped(writable)


def test_rows_read_in_blocks_equal_the_array(
    tmp_path: Path, sig: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = _mapped(tmp_path, sig)
    monkeypatch.setattr(mapped, "ROW_BLOCK_BYTES", 5 * sig.shape[1] * sig.itemsize)  # 5 rows a block
    rows = np.array([100, 3, 3, 0, 57, 58, 99, 4], dtype=np.int64)
    np.testing.assert_array_equal(take_rows(m, rows), sig[rows])
    np.testing.assert_array_equal(read_rows(m, 10, 17), sig[10:17])
    blocks = list(row_blocks(m, rows))
    assert all(len(block) <= 5 and not isinstance(block, np.memmap) for _p, _l, block in blocks)
    assert sorted(np.concatenate([p for p, _l, _b in blocks]).tolist()) == list(range(len(rows)))


def test_band_keys_and_agreement_of_a_mapped_file_equal_those_in_memory(
    tmp_path: Path, sig: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = _mapped(tmp_path, sig)
    monkeypatch.setattr(mapped, "ROW_BLOCK_BYTES", 7 * sig.shape[1] * sig.itemsize)
    select = np.array([5, 90, 2, 2, 77, 40, 41, 0], dtype=np.int64)
    for chosen in (None, select):
        np.testing.assert_array_equal(
            band_keys(m, 3, 2, select=chosen, first_band=2), band_keys(sig, 3, 2, select=chosen, first_band=2)
        )
    left, right = np.array([0, 5, 7, 99]), np.array([1, 6, 7, 3])
    np.testing.assert_array_equal(signature_agreement(m, left, right), signature_agreement(sig, left, right))
