"""Compiled dedup kernels against plain-Python definitions of what they compute."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.dedup.kernels import band_keys_of, bucket_pairs, insert_codes, intersection_counts
from tests.dedup.reference import band_keys


def flat(sets: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique runs as (hashes, offsets), the layout of shingle hashes."""
    runs = [np.unique(np.array(s, dtype=np.uint32)) for s in sets]
    offsets = np.zeros(len(runs) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in runs], out=offsets[1:])
    return np.concatenate(runs) if runs else np.zeros(0, dtype=np.uint32), offsets


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=30), min_size=1, max_size=8), st.data())
def test_intersection_counts_match_set_intersection(sets: list[list[int]], data: st.DataObject) -> None:
    hashes, offsets = flat(sets)
    idx = st.integers(0, len(sets) - 1)
    pairs = data.draw(st.lists(st.tuples(idx, idx), min_size=1, max_size=20))
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    got = intersection_counts(hashes, offsets[:-1], offsets[1:], left, right)
    assert got.tolist() == [len(set(sets[a]) & set(sets[b])) for a, b in pairs]


def test_intersection_counts_with_runs_out_of_order() -> None:
    # runs given by (start, end) need not be contiguous or in document order
    hashes = np.array([9, 3, 5, 9, 1, 2, 3, 2, 3, 4, 5], dtype=np.uint32)
    starts, ends = np.array([4, 7, 1]), np.array([7, 11, 4])  # {1,2,3}, {2,3,4,5}, {3,5,9}
    got = intersection_counts(hashes, starts, ends, np.array([0, 1, 2, 2]), np.array([1, 2, 0, 2]))
    assert got.tolist() == [2, 2, 1, 3]


def reference_pairs(keys: list[int], members: list[int], n: int, cap: int) -> tuple[set[int], int]:
    """All pairs of each bucket; a bucket over ``cap`` gives a star from its smallest member and a chain."""
    codes: set[int] = set()
    capped = 0
    for _, grp in itertools.groupby(sorted(zip(keys, members, strict=True)), key=lambda kv: kv[0]):
        mem = sorted(m for _, m in grp)
        if len(mem) <= cap:
            codes.update(a * n + b for a, b in itertools.combinations(mem, 2))
        else:
            capped += 1
            codes.update(mem[0] * n + b for b in mem[1:])
            codes.update(a * n + b for a, b in itertools.pairwise(mem))
    return codes, capped


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=0, max_size=40), st.integers(2, 6), st.randoms())
def test_bucket_pairs_match_reference(keys: list[int], cap: int, rnd: random.Random) -> None:
    n = len(keys)
    members = list(range(n))
    rnd.shuffle(members)
    order = np.argsort(np.array(keys, dtype=np.uint64), kind="stable")
    sorted_keys = np.array(keys, dtype=np.uint64)[order]
    sorted_members = np.array(members, dtype=np.int64)[order]
    codes, capped = bucket_pairs(sorted_keys, sorted_members, max(n, 1), cap)
    want, want_capped = reference_pairs(keys, members, max(n, 1), cap)
    assert set(codes.tolist()) == want
    assert capped == want_capped


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_band_keys_of_equal_band_keys_on_selected_rows(dtype: type, rows: int) -> None:
    rng = np.random.default_rng(rows)
    sig = rng.integers(0, np.iinfo(dtype).max, size=(50, 20), dtype=dtype, endpoint=True)
    sig[3] = sig[7]  # equal rows, equal keys
    select = np.array([7, 3, 0, 49, 3], dtype=np.int64)
    bands = 20 // rows
    want = band_keys(sig[select], bands, rows)
    for b in range(bands):
        assert np.array_equal(band_keys_of(sig, select, b * rows, rows)[0], want[:, b])
    assert np.array_equal(band_keys_of(sig, select, 0, rows, bands), want.T)
    one = band_keys_of(sig, select, 0, rows)[0]
    assert one[1] == one[4]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 10**12), max_size=50), max_size=6))
def test_insert_codes_keeps_each_code_once(batches: list[list[int]]) -> None:
    from newsdedup.dedup.lsh import _grow

    table = np.full(4, -1, dtype=np.int64)
    seen: set[int] = set()
    for batch in batches:
        codes = np.array(batch, dtype=np.int64)
        table = _grow(table, 2 * (len(seen) + len(codes)))
        added = insert_codes(table, codes)
        assert added == len(set(batch) - seen)
        seen |= set(batch)
    assert sorted(table[table >= 0].tolist()) == sorted(seen)
