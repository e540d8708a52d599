"""The reference near-duplicate pipeline, written the way the datasketch documentation suggests.

One ``MinHash`` per document updated with its word 5-gram strings hashed by ``xxhash.xxh32_intdigest``, a
``MinHashLSH`` index (insert everything, then query every document) and union-find over the query results.
It is the baseline that benchmarks/bench_dedup.py compares newsdedup.dedup against.
"""

from __future__ import annotations

import time

import xxhash
from datasketch import MinHash, MinHashLSH

__all__ = ["reference_dedup", "word_shingles"]


def word_shingles(text: str, k: int = 5) -> set[str]:
    """Word k-grams of whitespace tokens; a text shorter than k words is one shingle (empty text: none)."""
    toks = text.split()
    if len(toks) < k:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)}


def reference_dedup(
    ids: list[str],
    texts: list[str],
    threshold: float = 0.8,
    num_perm: int = 128,
    timings: dict[str, float] | None = None,
) -> list[int]:
    """Group label per document (the smallest member index of its union-find set).

    ``timings``, when given, receives seconds per stage: minhash, lsh_insert, lsh_query, union_find.
    """
    t0 = time.perf_counter()
    sketches = []
    for text in texts:
        m = MinHash(num_perm=num_perm, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch([s.encode("utf-8") for s in word_shingles(text)])
        sketches.append(m)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for key, m in zip(ids, sketches, strict=True):
        lsh.insert(key, m)
    t2 = time.perf_counter()
    results = [lsh.query(m) for m in sketches]
    t3 = time.perf_counter()
    index = {key: i for i, key in enumerate(ids)}
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, found in enumerate(results):
        for key in found:
            a, b = find(i), find(index[key])
            if a != b:
                parent[max(a, b)] = min(a, b)
    labels = [find(i) for i in range(len(ids))]
    t4 = time.perf_counter()
    if timings is not None:
        timings.update(minhash=t1 - t0, lsh_insert=t2 - t1, lsh_query=t3 - t2, union_find=t4 - t3)
    return labels
