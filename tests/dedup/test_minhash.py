"""Shingle hashing and bulk MinHash: datasketch compatibility and batch independence."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import datasketch
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.dedup.minhash import (
    combine_windows,
    minhash_signatures,
    permutations,
    shingle_hashes_for,
    signature_agreement,
)
from newsdedup.errors import ConfigError
from newsdedup.model import serial_map
from newsdedup.params import SCHEMES
from tests.dedup.maps import reversed_map, thread_map

TEXTS = [
    "the quick brown fox jumps over the lazy dog near the river bank today",
    "a b",
    "",
    "prime minister announces new budget measures for the coming fiscal year in parliament",
    "żółć gęślą jaźń naïve café straße déjà vu über unicode words here",
    "supercalifragilisticexpialidociousandevenlongerthanthirtytwobytes token",
]

words = st.lists(st.sampled_from(["a", "bb", "ccc", "news", "x" * 9, "y" * 17, "z" * 40, "é"]), max_size=30)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("kind", "size"), [("word", 5), ("word", 1), ("char", 4)])
def test_signatures_equal_datasketch(scheme: str, kind: str, size: int) -> None:
    hashes, offsets = shingle_hashes_for(TEXTS, kind=kind, size=size)
    sig = minhash_signatures(hashes, offsets, num_perm=32, seed=7, scheme=scheme)
    for i in range(len(TEXTS)):
        m = datasketch.MinHash(num_perm=32, seed=7, scheme=scheme, hashfunc=int)
        m.update_batch(hashes[offsets[i] : offsets[i + 1]].tolist())
        assert sig.dtype == m.hashvalues.dtype
        np.testing.assert_array_equal(sig[i], m.hashvalues)


def test_permutations_match_datasketch() -> None:
    for scheme in SCHEMES:
        a, b = permutations(16, 3, scheme)
        m = datasketch.MinHash(num_perm=16, seed=3, scheme=scheme)
        np.testing.assert_array_equal(a, m.permutations[0])
        np.testing.assert_array_equal(b, m.permutations[1])


def test_lean_minhash_from_signature_works_in_lsh() -> None:
    texts = [" ".join(f"w{i}" for i in range(k, k + 60)) for k in (0, 0, 30, 200)]
    hashes, offsets = shingle_hashes_for(texts)
    sig = minhash_signatures(hashes, offsets, num_perm=64, seed=1, scheme="affine32")
    lsh = datasketch.MinHashLSH(threshold=0.8, num_perm=64)
    lean = [datasketch.LeanMinHash(seed=1, hashvalues=s, scheme="affine32") for s in sig]
    for key, m in zip("abcd", lean, strict=True):
        lsh.insert(key, m)
    assert set(lsh.query(lean[0])) == {"a", "b"}
    assert lsh.query(lean[3]) == ["d"]


def test_empty_document_gets_datasketch_empty_value() -> None:
    hashes, offsets = shingle_hashes_for(["", "one two three four five six"])
    sig = minhash_signatures(hashes, offsets, num_perm=8, seed=1, scheme="affine32")
    np.testing.assert_array_equal(sig[0], datasketch.MinHash(num_perm=8).hashvalues)


def test_shingles_sorted_unique_and_short_docs() -> None:
    hashes, offsets = shingle_hashes_for(["a b c d e a b c d e", "a b", "x"], size=5)
    lens = np.diff(offsets)
    # 6 windows, "a b c d e" twice -> 5 distinct; short texts give one shingle.
    assert lens.tolist() == [5, 1, 1]
    first = hashes[offsets[0] : offsets[1]]
    assert (np.diff(first.astype(np.int64)) > 0).all()


def test_word_order_matters() -> None:
    hashes, _ = shingle_hashes_for(["a b c", "c b a"], size=3)
    assert hashes[0] != hashes[1]


def test_combine_windows_counts() -> None:
    units = np.arange(7, dtype=np.uint64)
    hashes, doc = combine_windows(units, np.array([4, 0, 2, 1]), 3)
    assert doc.tolist() == [0, 0, 2, 3]
    assert hashes.dtype == np.uint32


def test_maps_and_blocks_do_not_change_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdedup.dedup.minhash as mh

    texts = [" ".join(f"t{(i * 7 + j) % 50}" for j in range(40)) for i in range(30)]
    hashes, offsets = shingle_hashes_for(texts, map_fn=serial_map)
    one = minhash_signatures(hashes, offsets, num_perm=16, seed=1, map_fn=serial_map)
    chars = shingle_hashes_for(texts, kind="char")
    monkeypatch.setattr(mh, "_BLOCK", 50)
    monkeypatch.setattr(mh, "_TEXT_BLOCK_BYTES", 300)
    with ThreadPoolExecutor(2) as pool:
        for map_fn in (thread_map(pool), reversed_map):
            got = shingle_hashes_for(texts, kind="char", map_fn=map_fn)
            np.testing.assert_array_equal(chars[0], got[0])
            np.testing.assert_array_equal(chars[1], got[1])
            hashes2, offsets2 = shingle_hashes_for(texts, map_fn=map_fn)
            np.testing.assert_array_equal(hashes, hashes2)
            np.testing.assert_array_equal(offsets, offsets2)
            np.testing.assert_array_equal(
                one, minhash_signatures(hashes2, offsets2, num_perm=16, seed=1, map_fn=map_fn)
            )


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=6), st.integers(0, 5))
def test_shingles_of_a_text_do_not_depend_on_its_batch(docs: list[list[str]], pick: int) -> None:
    texts = [" ".join(d) for d in docs]
    i = pick % len(texts)
    hashes, offsets = shingle_hashes_for(texts)
    alone, _ = shingle_hashes_for([texts[i]])
    np.testing.assert_array_equal(hashes[offsets[i] : offsets[i + 1]], alone)


@settings(max_examples=40, deadline=None)
@given(words, words)
def test_identical_texts_equal_signatures_and_symmetric_agreement(a: list[str], b: list[str]) -> None:
    texts = [" ".join(a), " ".join(b), " ".join(a)]
    hashes, offsets = shingle_hashes_for(texts, size=2)
    sig = minhash_signatures(hashes, offsets, num_perm=16, seed=1)
    np.testing.assert_array_equal(sig[0], sig[2])
    left, right = np.array([0, 1]), np.array([1, 0])
    ab, ba = signature_agreement(sig, left, right)
    assert ab == ba


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "affine16"}, "scheme must be one of"),
        ({"num_perm": 0}, "num_perm must be >= 1, got 0"),
    ],
)
def test_signature_argument_validation(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"num_perm": 4, "seed": 1, "scheme": "affine32"} | kwargs
    with pytest.raises(ConfigError, match=message):
        minhash_signatures(np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), **args)  # type: ignore[arg-type]


def test_shingle_argument_validation() -> None:
    with pytest.raises(ConfigError, match="shingle must be one of word, char, got 'line'"):
        shingle_hashes_for(["a"], kind="line")
    with pytest.raises(ConfigError, match="shingle_size must be >= 1, got 0"):
        shingle_hashes_for(["a"], size=0)
