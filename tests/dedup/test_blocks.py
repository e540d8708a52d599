"""Candidate generation under sentence reuse, and candidate pairs verified block by block."""

from __future__ import annotations

import numpy as np

from newsdedup.dedup import find_duplicates, sketch_texts
from newsdedup.dedup.lsh import banding_plan, candidate_blocks, candidates_from_signatures, lsh_params
from newsdedup.params import DedupParams
from tests.dedup.planted import PLANTED, frame, groups_of, words

POOL = [words(1000 + k, 20) for k in range(6)]  # sentences that recur across unrelated articles


def reuse_corpus() -> dict[str, str]:
    """40 unrelated articles of ~190 words, each with 3 of 6 shared sentences, plus a long original and a
    truncated copy of its first 40% (which also carry shared sentences)."""
    rng = np.random.default_rng(0)
    texts = {}
    for i in range(40):
        own = words(i + 10, 130)
        for k in rng.choice(len(POOL), 3, replace=False).tolist():
            at = int(rng.integers(0, len(own)))
            own = own[:at] + POOL[k] + own[at:]
        texts[f"u{i:02d}"] = " ".join(own)
    long = words(500, 180) + POOL[0] + words(501, 200) + POOL[1]
    texts["orig"] = " ".join(long)
    texts["trunc"] = " ".join(long[:160])
    return texts


def test_reuse_floods_the_containment_banding_but_not_the_plan() -> None:
    params = DedupParams()
    texts = reuse_corpus()
    sk = sketch_texts(list(texts.values()), params)
    bands, rows = lsh_params(params)
    old_left, _old_right, _ = candidates_from_signatures(sk.signatures, bands, rows, params.max_bucket_size)
    lens = np.diff(sk.offsets)
    blocks = list(candidate_blocks(sk.signatures, banding_plan(params), lens, sk.tokens, 200, 1 << 20))
    new = sum(len(left) for left, _ in blocks)
    assert len(old_left) >= 2 * new  # the shared sentences pair unrelated articles in the 2-row banding
    result = find_duplicates(frame(texts), params)
    groups = groups_of(result.assignments)
    assert frozenset({"orig", "trunc"}) in groups
    assert len(groups) == len(texts) - 1  # nothing else groups
    method = result.assignments.set_index("article_id")["method"]
    assert {method["orig"], method["trunc"]} == {"canonical", "containment"}


def test_blocks_partition_the_pairs() -> None:
    params = DedupParams()
    texts = reuse_corpus()
    sk = sketch_texts(list(texts.values()), params)
    lens, plan = np.diff(sk.offsets), banding_plan(params)
    (one_l, one_r), *rest = list(candidate_blocks(sk.signatures, plan, lens, sk.tokens, 200, 1 << 20))
    assert not rest
    stats: dict[str, int | float] = {}
    blocks = list(candidate_blocks(sk.signatures, plan, lens, sk.tokens, 200, 4, stats=stats))
    assert stats["candidate_blocks"] == len(blocks) > 1
    codes = np.concatenate([left * len(texts) + right for left, right in blocks])
    assert len(np.unique(codes)) == len(codes)  # no pair in two blocks
    assert np.array_equal(np.sort(codes), one_l * len(texts) + one_r)


def test_block_by_block_equals_all_at_once() -> None:
    params = DedupParams()
    docs = frame({**PLANTED, **reuse_corpus()})
    whole = find_duplicates(docs, params)
    blocked = find_duplicates(docs, params, block_pairs=3)
    assert blocked.stats["candidate_blocks"] > 1
    assert blocked.assignments.equals(whole.assignments)
    assert blocked.duplicates.equals(whole.duplicates)
    assert blocked.stats["candidate_pairs"] == whole.stats["candidate_pairs"]


def test_explicit_lsh_threshold_keeps_one_banding() -> None:
    assert len(banding_plan(DedupParams())) == 2
    (only,) = banding_plan(DedupParams(lsh_threshold=0.5))
    assert only.max_ratio == 1.0 and (only.bands, only.rows) == lsh_params(DedupParams(lsh_threshold=0.5))


def test_containment_banding_needs_two_shared_buckets() -> None:
    from newsdedup.dedup.lsh import Banding

    sig = np.zeros((3, 8), dtype=np.uint32)
    sig[1, 2:] = 7  # rows 0 and 1 share only the first of four 2-row bands; rows 0 and 2 share all four
    lens, tokens = np.array([10, 100, 100]), np.array([100, 100, 100])
    once = Banding(4, 2, max_ratio=0.5, min_tokens=50)
    twice = Banding(4, 2, max_ratio=0.5, min_tokens=50, min_hits=2)
    pairs = {
        p: [(a.tolist(), b.tolist()) for a, b in candidate_blocks(sig, (p,), lens, tokens, 200, 100)]
        for p in (once, twice)
    }
    assert pairs[once] == [([0, 0], [1, 2])]  # (1, 2) has equal lengths: not for this banding
    assert pairs[twice] == [([0], [2])]
