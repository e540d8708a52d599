"""Sketches: compact digests, joining and taking sketches."""

from __future__ import annotations

import numpy as np

from newsdedup.dedup.sketches import Sketches, compact_digests, digests_hex, sketch_texts, take_sketches
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
