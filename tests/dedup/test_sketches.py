"""Sketches: compact digests, joining and taking sketches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsdedup.dedup.sketches import Sketches, compact_digests, digests_hex, sketch_texts, take_sketches
from newsdedup.errors import NewsdedupError
from newsdedup.params import DedupParams


def test_compact_digests_keep_every_byte() -> None:
    # a digest ending in zero bytes must survive (numpy 'S16' items would drop them)
    digests = [bytes(range(16)), b"\x01" + b"\x00" * 15, b"\xff" * 16]
    words_ = compact_digests(digests)
    assert words_.shape == (3, 2) and words_.dtype == np.uint64
    assert digests_hex(words_) == digests_hex(digests) == [d.hex() for d in digests]
    assert np.array_equal(compact_digests(np.array(digests, dtype="S16")), words_)
    params = DedupParams()
    a, b = sketch_texts(["one two three", "four five six"], params), sketch_texts(["seven"], params)
    joined = Sketches.concat(
        [a, Sketches(compact_digests(b.digests), b.tokens, b.hashes, b.offsets, b.signatures)], params
    )
    assert digests_hex(joined.digests) == [d.hex() for d in a.digests + b.digests]
    picked = take_sketches(joined, np.array([2, 0]))
    assert digests_hex(picked.digests) == [b.digests[0].hex(), a.digests[0].hex()]


def test_concat_onto_hashes_already_joined_in_a_file(tmp_path: Path) -> None:
    params = DedupParams()
    a = sketch_texts(["one two three four five six", ""], params)
    b = sketch_texts(["seven eight nine ten eleven twelve thirteen", "one two three four five six"], params)
    base = Sketches(compact_digests(a.digests), a.tokens, a.hashes, a.offsets, a.signatures)
    path = tmp_path / "hashes.u32"
    np.concatenate([a.hashes, b.hashes]).tofile(path)
    mapped = np.memmap(path, dtype=a.hashes.dtype, mode="r")
    joined = Sketches.concat([base, b], hashes=mapped)
    want = Sketches.concat([a, b], params)
    assert joined.hashes is mapped
    assert np.array_equal(joined.hashes, want.hashes) and np.array_equal(joined.offsets, want.offsets)
    assert np.array_equal(joined.tokens, want.tokens) and np.array_equal(joined.signatures, want.signatures)
    assert digests_hex(joined.digests) == digests_hex(want.digests)
    with pytest.raises(NewsdedupError, match="joined hashes hold"):
        Sketches.concat([base, b], hashes=mapped[1:])
    with pytest.raises(NewsdedupError, match="needs params"):
        Sketches.concat([])
    empty = Sketches.concat([], DedupParams(num_perm=16))
    assert empty.signatures.shape == (0, 16) and len(empty.offsets) == 1
