"""Verification of candidate pairs: exact similarities, in memory and read from a memory-mapped file."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.dedup import verify
from newsdedup.dedup.sketches import shingle_hashes
from newsdedup.dedup.verify import verify_pairs
from newsdedup.model import serial_map
from newsdedup.params import DedupParams
from tests.dedup.maps import reversed_map, thread_map
from tests.dedup.planted import words


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=25), min_size=2, max_size=5),
    st.data(),
)
def test_verified_similarity_symmetric_and_bounded(docs: list[list[str]], data: st.DataObject) -> None:
    hashes, offsets = shingle_hashes([" ".join(d) for d in docs], DedupParams(shingle_size=2))
    n = len(docs)
    left = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=8)))
    right = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=len(left), max_size=len(left))))
    j1, c1 = verify_pairs(hashes, offsets, left, right)
    j2, c2 = verify_pairs(hashes, offsets, right, left)
    np.testing.assert_allclose(j1, j2)
    np.testing.assert_allclose(c1, c2)
    assert ((j1 >= 0) & (j1 <= c1) & (c1 <= 1)).all()
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        sa = set(hashes[offsets[a] : offsets[a + 1]].tolist())
        sb = set(hashes[offsets[b] : offsets[b + 1]].tolist())
        expected = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
        assert j1[i] == pytest.approx(expected)


def test_verify_pairs_on_a_memory_map_equals_in_memory(tmp_path: Path, monkeypatch: Any) -> None:
    texts = [" ".join(words(s % 5, 40 + s)) for s in range(12)]
    hashes, offsets = shingle_hashes(texts, DedupParams())
    path = tmp_path / "h.u32"
    hashes.tofile(path)
    mapped = np.memmap(path, dtype=hashes.dtype, mode="r")
    rng = np.random.default_rng(0)
    left, right = rng.integers(0, 12, 60), rng.integers(0, 12, 60)
    monkeypatch.setattr(verify, "VERIFY_BLOCK_BYTES", 3000)
    for got, want in zip(
        verify_pairs(mapped, offsets, left, right), verify_pairs(hashes, offsets, left, right), strict=True
    ):
        assert np.array_equal(got, want)
    jac, _ = verify_pairs(mapped, offsets, left, right)
    assert (jac[left == right] == 1.0).all() and (jac[(left % 5) != (right % 5)] < 0.5).all()
    # a slice of a larger map is not where its memmap offset says: read through the map, same answer
    skip = int(offsets[2])
    got, _ = verify_pairs(mapped[skip:], offsets[2:] - skip, left % 10, right % 10)
    want, _ = verify_pairs(hashes, offsets, left % 10 + 2, right % 10 + 2)
    assert np.array_equal(got, want)


def test_verify_pairs_is_the_same_whatever_the_map(tmp_path: Path, monkeypatch: Any) -> None:
    texts = [" ".join(words(s % 4, 30 + s)) for s in range(10)]
    hashes, offsets = shingle_hashes(texts, DedupParams())
    path = tmp_path / "h.u32"
    hashes.tofile(path)
    mapped = np.memmap(path, dtype=hashes.dtype, mode="r")
    rng = np.random.default_rng(1)
    left, right = rng.integers(0, 10, 200), rng.integers(0, 10, 200)
    want = verify_pairs(hashes, offsets, left, right)
    # many small blocks, run in parallel or backwards: the counts are joined in pair order all the same
    monkeypatch.setattr(verify, "PAIRS_PER_BLOCK", 7)
    monkeypatch.setattr(verify, "VERIFY_BLOCK_BYTES", 2000)
    with ThreadPoolExecutor(2) as pool:
        for map_fn in (serial_map, thread_map(pool), reversed_map):
            for source in (hashes, mapped):
                got = verify_pairs(source, offsets, left, right, map_fn=map_fn)
                assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
