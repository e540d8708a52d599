"""LSH banding: the (bands, rows) split, bucket keys, and the candidate pairs that share a bucket.

Containment: a truncated copy or short brief wholly inside a longer article has a low Jaccard (a 40% prefix
has J ~ 0.4), so the LSH threshold is lowered to ``c*f/(1+f-c*f)`` with ``c = containment_threshold`` and
``f = min_length_ratio`` (the Jaccard of such a pair) unless ``lsh_threshold`` is set explicitly. With the
defaults (c=0.8, f=0.25) that is 0.19 -> 31 bands x 2 rows; on 300 BBC articles (>= 300 words) with a
truncated copy added, recall is 1.00 for 40% and 50% prefixes, 0.92 for 30%, 0.28 for 20% (with f=0.4,
38x3: 0.91 at 40%), for about 1% more candidate pairs on the synthetic corpus. That derived threshold sets the
rows per band of the containment banding of :func:`banding_plan`, which is restricted to pairs of unequal
lengths and needs two shared buckets, beside a Jaccard banding for all pairs; :func:`candidate_blocks` yields
their pairs in blocks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad

from newsdedup.dedup.kernels import band_keys_of, bucket_pairs, bucket_pairs_part, count_codes, insert_codes
from newsdedup.dedup.mapped import file_mapped, row_blocks
from newsdedup.params import DedupParams

__all__ = [
    "RATIO_CUT",
    "Banding",
    "CandidateFn",
    "band_keys",
    "banding_plan",
    "bucket_pair_codes",
    "candidate_blocks",
    "candidates_from_signatures",
    "codes_to_pairs",
    "lsh_params",
    "optimal_param",
]

#: Pairs whose shorter side has more than this share of the longer side's shingles only go through the
#: Jaccard banding: containment >= 0.8 at a length ratio >= 0.7 already means Jaccard >= 0.49.
RATIO_CUT = 0.7

#: The LSH banding step: (signatures, bands, rows, max_bucket_size) -> (left, right, capped buckets).
CandidateFn = Callable[[np.ndarray, int, int, int], tuple[np.ndarray, np.ndarray, int]]


def lsh_params(params: DedupParams) -> tuple[int, int]:
    """(bands, rows) for the effective LSH threshold, from datasketch's optimiser (equal FP/FN weights)."""
    return _optimal_bands(params.effective_lsh_threshold, params.num_perm)


@functools.lru_cache(maxsize=64)
def _optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    # The optimiser integrates numerically for every (bands, rows) split: worth remembering.
    bands, rows = optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


# The three functions below are datasketch's LSH parameter optimiser (datasketch/lsh.py of ekzhu/datasketch,
# version 2.0.0; MIT License, Copyright (c) 2015 ekzhu), copied so newsdedup does not import a private name.
# tests/dedup/test_lsh.py checks that optimal_param returns exactly what datasketch's _optimal_param returns.


def _false_positive_probability(threshold: float, b: int, r: int) -> float:
    def probability(s: float) -> float:
        return 1 - (1 - s ** float(r)) ** float(b)

    area, _err = quad(probability, 0.0, threshold)
    return float(area)


def _false_negative_probability(threshold: float, b: int, r: int) -> float:
    def probability(s: float) -> float:
        return 1 - (1 - (1 - s ** float(r)) ** float(b))

    area, _err = quad(probability, threshold, 1.0)
    return float(area)


def optimal_param(
    threshold: float, num_perm: int, false_positive_weight: float, false_negative_weight: float
) -> tuple[int, int]:
    """The (bands, rows) with ``bands * rows <= num_perm`` that minimise the weighted sum of the probabilities
    of a false positive (similarity below ``threshold``) and a false negative (at or above it), each
    integrated over the similarity range; datasketch's ``MinHashLSH`` optimiser."""
    min_error = float("inf")
    opt = (0, 0)
    for b in range(1, num_perm + 1):
        max_r = int(num_perm / b)
        for r in range(1, max_r + 1):
            fp = _false_positive_probability(threshold, b, r)
            fn = _false_negative_probability(threshold, b, r)
            error = fp * false_positive_weight + fn * false_negative_weight
            if error < min_error:
                min_error = error
                opt = (b, r)
    return opt


def band_keys(
    sig: np.ndarray, bands: int, rows: int, *, select: np.ndarray | None = None, first_band: int = 0
) -> np.ndarray:
    """(n, bands) uint64 bucket keys: one per band (``rows`` signature columns each, from band
    ``first_band`` on) of each signature row, of the rows ``select`` (all rows if None). Equal band values
    give equal keys (collisions ~2**-64). The one definition of a bucket key: the local banding and the
    Dask engine both call it. The keys are computed band-major (:func:`newsdedup.dedup.kernels.band_keys_of`),
    so the result is a transposed view whose columns (``.T`` rows) are contiguous."""
    chosen = np.arange(sig.shape[0], dtype=np.int64) if select is None else np.asarray(select, dtype=np.int64)
    if not file_mapped(sig):
        return band_keys_of(sig, chosen, first_band * rows, rows, bands).T
    # a signature file mapped in memory: its rows read block by block, so the file never becomes resident
    out = np.empty((bands, len(chosen)), dtype=np.uint64)
    for positions, local, block in row_blocks(sig, chosen):
        out[:, positions] = band_keys_of(block, local, first_band * rows, rows, bands)
    return out.T


def bucket_pair_codes(
    bucket: np.ndarray, members: np.ndarray, n: int, max_bucket_size: int
) -> tuple[list[np.ndarray], int]:
    """Candidate pair codes (``min * n + max``) within buckets.

    ``bucket`` and ``members`` are parallel arrays sorted by (bucket, member). Every pair inside a bucket is a
    candidate; a bucket with more than ``max_bucket_size`` members emits only a star (first member to each
    other) and a chain (consecutive members), so one degenerate bucket cannot produce a quadratic number of
    pairs. Returns (code arrays, number of capped buckets). Shared by the local and the Dask engine.
    """
    if len(bucket) < 2:
        return [], 0
    codes, capped = bucket_pairs(
        np.ascontiguousarray(bucket), np.ascontiguousarray(members, dtype=np.int64), n, max_bucket_size
    )
    return [codes], int(capped)


def codes_to_pairs(codes: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique (left, right) pairs from pair codes."""
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    uniq = _sorted_unique(np.concatenate(codes))
    return uniq // n, uniq % n


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.sort + adjacent compare: np.unique is much slower on large integer arrays with this numpy.
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def candidates_from_signatures(
    sig: np.ndarray,
    bands: int,
    rows: int,
    max_bucket_size: int = 200,
    *,
    select: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs from LSH banding of signatures ``sig`` (n, >= bands*rows).

    Rows whose band values are all equal share a bucket; see :func:`bucket_pair_codes` for the pairs a bucket
    emits. Returns ``(left, right, capped_buckets)`` with ``left < right`` (row indices), sorted and unique.
    ``select``: band only these rows of ``sig`` (numbered 0..len(select)-1 in the result), without copying
    the selected signatures as a whole.
    """
    n = sig.shape[0] if select is None else len(select)
    capped = 0
    # A true pair collides in many bands (~17 of 31 at 1M documents): a hash set keeps each pair once instead
    # of sorting every band's copy.
    table = np.full(1 << 16, -1, dtype=np.int64)
    found = 0
    # Keys of a few bands per pass over the signatures; 8 bands of 1M documents are 64 MB.
    batch = 8
    for b0 in range(0, bands if n >= 2 else 0, batch):
        nb = min(batch, bands - b0)
        for keys in band_keys(sig, nb, rows, select=select, first_band=b0).T:
            # Members need no order within a bucket (see bucket_pairs), so the faster unstable sort will do.
            order = np.argsort(keys)
            codes, k = bucket_pairs(keys[order], order, n, max_bucket_size)
            capped += int(k)
            if 2 * (found + len(codes)) > len(table):
                table = _grow(table, 2 * (found + len(codes)))
            found += insert_codes(table, codes)
    merged = np.sort(table[table >= 0])
    return merged // max(n, 1), merged % max(n, 1), capped


def _grow(table: np.ndarray, at_least: int) -> np.ndarray:
    """The code set ``table`` (see :func:`newsdedup.dedup.kernels.insert_codes`) rehashed into a table of at
    least ``at_least`` slots (a power of two)."""
    size = len(table)
    while size < at_least:
        size *= 2
    bigger = np.full(size, -1, dtype=np.int64)
    insert_codes(bigger, table[table >= 0])
    return bigger


@dataclass(frozen=True)
class Banding:
    """One LSH banding: ``bands`` x ``rows`` signature columns; with ``max_ratio < 1`` only pairs of unequal
    lengths (the shorter side has at least ``min_tokens`` words and at most ``max_ratio`` times the longer
    side's shingles) become candidates; with ``min_hits > 1`` only pairs sharing that many of its buckets."""

    bands: int
    rows: int
    max_ratio: float = 1.0
    min_tokens: int = 0
    min_hits: int = 1


def banding_plan(params: DedupParams) -> tuple[Banding, ...]:
    """The bandings whose candidates are verified.

    The containment banding (:func:`lsh_params`, 31 x 2 with the defaults) makes any two texts that share a
    few sentences collide now and then; where sentences recur across many articles (boilerplate, wire
    paragraphs) that is most of the candidates. Two changes keep its recall without the flood:

    - only a shorter text inside a longer one needs it: pairs of similar length (ratio above
      :data:`RATIO_CUT`) and pairs whose shorter side cannot be contained (fewer than
      ``min_containment_tokens`` words) go through a Jaccard banding with one more row per band (42 x 3),
      which surfaces Jaccard 0.5 with probability 0.996 and Jaccard 0.05 with 0.005 instead of 0.075;
    - the containment banding uses every signature column (64 x 2) and keeps the pairs that share at least
      two of its buckets: a pair at Jaccard 0.19 (the derived threshold) still surfaces with probability
      0.68 (0.68 with 31 x 2 and one shared bucket), at 0.3 with 0.98 (0.95), while one sharing a sentence
      or two (Jaccard 0.05) surfaces with 0.011 instead of 0.075 and at 0.1 with 0.14 instead of 0.27.

    An explicit ``lsh_threshold`` keeps a single banding."""
    bands, rows = lsh_params(params)
    jac_rows = rows + 1
    if params.lsh_threshold is not None or params.num_perm // jac_rows < 1:
        return (Banding(bands, rows),)
    return (
        Banding(params.num_perm // jac_rows, jac_rows),
        Banding(params.num_perm // rows, rows, RATIO_CUT, params.min_containment_tokens, min_hits=2),
    )


def candidate_blocks(
    sig: np.ndarray,
    plan: tuple[Banding, ...],
    lens: np.ndarray,
    tokens: np.ndarray,
    max_bucket_size: int,
    block_pairs: int,
    *,
    select: np.ndarray | None = None,
    stats: dict[str, int | float] | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs of the bandings ``plan``, in blocks of at most about ``block_pairs`` unique pairs.

    ``lens``/``tokens``: shingles and words per row (of ``select`` when given). Each pair belongs to one
    block (by a hash of its code), so a pair is never yielded twice and the blocks can be verified one at a
    time: memory follows ``block_pairs``, the candidate volume costs passes over the signatures. A first pass
    collects everything into one block; if it would exceed ``block_pairs`` it only counts, and the pairs are
    then collected in ``ceil(count / block_pairs)`` passes. Yields sorted unique ``(left, right)`` with
    ``left < right`` per block; ``stats`` gets ``candidate_blocks`` and ``capped_buckets``."""
    n = sig.shape[0] if select is None else len(select)
    stats = {} if stats is None else stats
    stats["candidate_blocks"], stats["capped_buckets"] = 1, 0
    parts, part = 1, 0
    lens = np.ascontiguousarray(lens, dtype=np.int64)
    tokens = np.ascontiguousarray(tokens, dtype=np.int64)
    while n >= 2 and part < parts:
        table, total, capped = _block_table(
            sig, plan, lens, tokens, max_bucket_size, (parts, part), block_pairs, select
        )
        if table is None:
            parts = max(2, -(-total // max(block_pairs, 1)))
            stats["candidate_blocks"] = parts
            continue
        if part == 0:
            stats["capped_buckets"] = capped
        merged = np.sort(table[table >= 0])
        del table
        yield merged // n, merged % n
        part += 1


def _block_table(
    sig: np.ndarray,
    plan: tuple[Banding, ...],
    lens: np.ndarray,
    tokens: np.ndarray,
    max_bucket_size: int,
    block: tuple[int, int],
    limit: int,
    select: np.ndarray | None,
) -> tuple[np.ndarray | None, int, int]:
    """The sorted codes of block ``block = (parts, part)`` over all bandings (of a banding with
    ``min_hits > 1``, those that shared that many of its buckets); when it is the only block and would hold
    more than ``limit`` codes, None and the number of codes (repeats included) all bandings emit."""
    n = sig.shape[0] if select is None else len(select)
    parts, part = block
    merged = _CodeSet()
    total = capped = 0
    overflow = False
    for banding in plan:
        mine = _CodeSet()
        ratio, min_tok = float(banding.max_ratio), int(banding.min_tokens)
        for keys in _band_columns(sig, banding, select):
            order = np.argsort(keys)
            ks = keys[order]
            args = (n, max_bucket_size, lens, tokens, ratio, min_tok)
            if parts == 1:  # count first, so one band never holds more than the limit
                _none, emitted, _k = bucket_pairs_part(ks, order, *args, (1, 0), True)
                total += emitted
                overflow = overflow or merged.size + mine.size + emitted > limit
                if overflow:
                    continue
            codes, emitted, k = bucket_pairs_part(ks, order, *args, (parts, part), False)
            capped += int(k)
            mine.add(codes)
        if not overflow:
            merged.add(mine.codes(banding.min_hits))
    return (None if overflow else merged.codes(1)), total, capped


class _CodeSet:
    """A set of pair codes with how many times each was added (an open-addressing table kept at most half
    full, :func:`newsdedup.dedup.kernels.count_codes`)."""

    def __init__(self) -> None:
        self.table = np.full(1 << 12, -1, dtype=np.int64)
        self.hits = np.zeros(len(self.table), dtype=np.int64)
        self.size = 0

    def add(self, codes: np.ndarray) -> None:
        if 2 * (self.size + len(codes)) > len(self.table):
            have = self.table >= 0
            old, times = self.table[have], self.hits[have]
            size = len(self.table)
            while size < 2 * (self.size + len(codes)):
                size *= 2
            self.table = np.full(size, -1, dtype=np.int64)
            self.hits = np.zeros(size, dtype=np.int64)
            count_codes(self.table, self.hits, np.repeat(old, times))  # counts at most the bands
        self.size += count_codes(self.table, self.hits, codes)

    def codes(self, min_hits: int) -> np.ndarray:
        """The sorted codes added at least ``min_hits`` times."""
        return np.sort(self.table[(self.table >= 0) & (self.hits >= min_hits)])


def _band_columns(sig: np.ndarray, banding: Banding, select: np.ndarray | None) -> Iterator[np.ndarray]:
    """The bucket keys of each band of ``banding``, one band at a time (computed 8 bands per pass)."""
    for b0 in range(0, banding.bands, 8):
        nb = min(8, banding.bands - b0)
        yield from band_keys(sig, nb, banding.rows, select=select, first_band=b0).T
