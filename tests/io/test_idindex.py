"""The on-disk id index: lookups, updates in place and inserts in order, against a plain dict."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import newsdedup.io.idindex as idx
from newsdedup.io.idindex import IdIndex, id_keys


def test_empty_index_finds_nothing(tmp_path: Path) -> None:
    index = IdIndex.load(tmp_path)
    got = index.lookup(id_keys(["a", "b"]))
    assert not got.found.any() and got.part == [None, None]


def test_insert_update_and_lookup(tmp_path: Path) -> None:
    IdIndex.empty().write(tmp_path, id_keys(["a", "b", "c"]), np.array([1, 2, 3], np.uint64), ["p1"] * 3)
    index = IdIndex.load(tmp_path)
    got = index.lookup(id_keys(["c", "x", "a"]))
    assert got.found.tolist() == [True, False, True]
    assert got.content.tolist() == [3, 0, 1] and got.part == ["p1", None, "p1"]
    index.write(tmp_path, id_keys(["b", "d"]), np.array([20, 4], np.uint64), ["p2", "p2"])
    index = IdIndex.load(tmp_path)
    assert len(index) == 4
    got = index.lookup(id_keys(["a", "b", "c", "d"]))
    assert got.content.tolist() == [1, 20, 3, 4] and got.part == ["p1", "p2", "p1", "p2"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.tuples(st.text(max_size=4), st.integers(1, 2**63)), max_size=30), max_size=5))
def test_matches_a_dict_over_several_runs(runs: list[list[tuple[str, int]]]) -> None:
    folder = Path(tempfile.mkdtemp())
    expected: dict[str, tuple[int, str]] = {}
    old_block = idx._BLOCK
    idx._BLOCK = 7  # several blocks even for small indexes
    try:
        for r, batch in enumerate(runs):
            IdIndex.load(folder).write(
                folder,
                id_keys([i for i, _ in batch]),
                np.array([c for _, c in batch], np.uint64),
                [f"p{r}"] * len(batch),
            )
            for i, c in batch:  # the last entry of a repeated id wins
                expected[i] = (c, f"p{r}")
        index = IdIndex.load(folder)
        assert len(index) == len(expected)
        assert np.all(index.keys[1:] > index.keys[:-1])
        names = sorted(expected)
        got = index.lookup(id_keys(names))
        assert got.found.all()
        assert [(int(c), p) for c, p in zip(got.content, got.part, strict=True)] == [
            expected[n] for n in names
        ]
    finally:
        idx._BLOCK = old_block


def test_content_keys_are_the_first_word_of_the_compact_digests() -> None:
    import xxhash

    from newsdedup.dedup import compact_digests, digests_hex
    from newsdedup.io.idindex import content_keys

    digests = [xxhash.xxh3_128_digest(t) for t in (b"abc", b"def", b"")]
    assert content_keys(digests_hex(digests)).tolist() == compact_digests(digests)[:, 0].tolist()
