"""Exact and near-duplicate detection: content hash, MinHash LSH, exact verification, guarded groups.

Steps of :func:`find_duplicates`, each a function over arrays so a later step (history, Dask) can reuse them:

1. :func:`sketch_texts` (usually done where the texts are parsed): content digest, word count, sorted
   shingle hashes (:func:`shingle_hashes`) and MinHash signatures per document.
2. exact: documents with the same xxh3_128 of their matching text are exact copies; one representative per
   copy set goes on (empty texts never match anything).
3. :func:`candidates_from_signatures`: LSH banding (bands/rows from datasketch's optimiser) -> candidate pairs.
4. :func:`verify_pairs`: exact Jaccard and containment on the shingle sets; :func:`keep_edges` applies the
   thresholds (false positives of the banding are dropped here).
5. :func:`group_components`: connected components over kept edges.
6. :func:`choose_canonicals` + the chaining guard: a member stays in a group only if it is verified-similar
   to the canonical (directly), or linked by a kept edge to a direct member *and* at least ``chain_floor``
   similar to the canonical; the others are split off and grouped again among themselves with the same
   rule. Groups whose members are all direct (nearly all) are settled in one vectorised pass; only the
   others go through :func:`_guard_groups` one by one.

The loops over pairs and buckets are compiled (:mod:`newsdedup.dedup.kernels`). For large runs the shingle
hashes may stay on disk (a read-only ``np.memmap``; verification reads them in bounded blocks) and the
documents frame needs no text: :func:`find_duplicates` works from the sketches alone.

History (articles seen in earlier runs) is not an input yet; the steps above take plain arrays so a caller
can concatenate stored signatures/shingle hashes of history with the new batch, run
:func:`candidates_from_signatures` and :func:`verify_pairs` on the union, and keep only pairs touching a new
article, before :func:`group_components` / :func:`choose_canonicals`.

Short texts (fewer than ``min_tokens`` words) only match exactly, or with Jaccard >= ``short_threshold``;
they never match by containment and cannot join a group through another member. A shared lede of a few words
is not evidence that two articles are the same story.

Containment: a truncated copy or short brief wholly inside a longer article has a low Jaccard (a 40% prefix
has J ~ 0.4), so the LSH threshold is lowered to ``c*f/(1+f-c*f)`` with ``c = containment_threshold`` and
``f = min_length_ratio`` (the Jaccard of such a pair) unless ``lsh_threshold`` is set explicitly. With the
defaults (c=0.8, f=0.25) that is 0.19 -> 31 bands x 2 rows; measured on 300 BBC articles (>= 300 words)
with a truncated copy added: recall 1.00 for 40% and 50% prefixes, 0.92 for 30%, 0.28 for 20% (with f=0.4,
38x3: 0.91 at 40%). On the 20k synthetic corpus it costs +1.2% candidate pairs.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xxhash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsdedup.dedup.kernels import band_keys_of, bucket_pairs, insert_codes, intersection_counts
from newsdedup.dedup.minhash import (
    minhash_signatures,
    shingle_hashes_for,
    signature_agreement,
    word_shingles_and_counts_utf8,
)
from newsdedup.errors import NewsdedupError
from newsdedup.params import CANONICAL_RULES, DedupParams

logger = logging.getLogger(__name__)

__all__ = [
    "CANONICAL_RULES",
    "DedupParams",
    "DedupResult",
    "candidates_from_signatures",
    "choose_canonical",
    "choose_canonicals",
    "compact_digests",
    "digests_hex",
    "find_duplicates",
    "group_components",
    "keep_edges",
    "lsh_params",
    "shingle_hashes",
    "verify_pairs",
]

METHODS = ("canonical", "exact", "near", "containment")


def lsh_params(params: DedupParams) -> tuple[int, int]:
    """(bands, rows) for the effective LSH threshold, from datasketch's own optimiser (equal FP/FN weights)."""
    return _optimal_bands(params.effective_lsh_threshold, params.num_perm)


@functools.lru_cache(maxsize=64)
def _optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    # The optimiser integrates numerically for every (bands, rows) split: ~0.1 s, worth remembering.
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


@dataclass
class DedupResult:
    """Output of :func:`find_duplicates`.

    assignments: one row per input document, input order: article_id, dup_group_id ("d_" + xxh64 hex of the
        canonical's article_id), canonical_id, is_canonical, dup_similarity (verified similarity to the
        canonical, 1.0 for the canonical), method ("canonical"|"exact"|"near"|"containment"),
        canonical_reason.
    duplicates: one row per non-canonical document: article_id, canonical_id, similarity, estimated_similarity
        (MinHash agreement with the canonical), method.
    signatures: (n, num_perm) MinHash signatures in input order (exact copies share their representative's).
    stats: counts per step and seconds per stage.
    """

    assignments: pd.DataFrame
    duplicates: pd.DataFrame
    signatures: np.ndarray
    stats: dict[str, int | float] = field(default_factory=dict)


def shingle_hashes(texts: Sequence[str], params: DedupParams) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of matching texts: ``(uint32 hashes, int64 offsets of length n+1)``, per-doc sorted unique."""
    return shingle_hashes_for(texts, kind=params.shingle, size=params.shingle_size, n_jobs=params.n_jobs)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.sort + adjacent compare: np.unique is much slower on large integer arrays with this numpy.
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _band_keys(band: np.ndarray) -> np.ndarray:
    """One uint64 per row of a (n, rows) band: equal rows give equal keys (collisions ~2**-64)."""
    acc = np.full(band.shape[0], np.uint64(0xCBF29CE484222325), dtype=np.uint64)
    for j in range(band.shape[1]):
        acc ^= band[:, j].astype(np.uint64)
        acc *= np.uint64(0x100000001B3)
        acc ^= acc >> np.uint64(29)
    return acc


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 bucket keys: one per band of each signature row."""
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    for b in range(bands):
        out[:, b] = _band_keys(sig[:, b * rows : (b + 1) * rows])
    return out


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


def candidates_from_signatures(
    sig: np.ndarray, bands: int, rows: int, max_bucket_size: int = 200
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs from LSH banding of signatures ``sig`` (n, >= bands*rows).

    Rows whose band values are all equal share a bucket; see :func:`bucket_pair_codes` for the pairs a bucket
    emits. Returns ``(left, right, capped_buckets)`` with ``left < right`` (row indices), sorted and unique.
    """
    return _banding(sig, None, bands, rows, max_bucket_size)


def _banding(
    sig: np.ndarray, select: np.ndarray | None, bands: int, rows: int, max_bucket_size: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`candidates_from_signatures` over the rows ``select`` of ``sig`` (all rows if None), numbered
    0..len(select)-1, without copying the selected signatures as a whole."""
    n = sig.shape[0] if select is None else len(select)
    rows_sel = np.arange(n, dtype=np.int64) if select is None else np.asarray(select, dtype=np.int64)
    capped = 0
    # A true pair collides in many bands (~17 of 31 at 1M documents): a hash set keeps each pair once instead
    # of sorting every band's copy.
    table = np.full(1 << 16, -1, dtype=np.int64)
    found = 0
    # Keys of a few bands per pass over the signatures; 8 bands of 1M documents are 64 MB.
    batch = 8
    for b0 in range(0, bands if n >= 2 else 0, batch):
        nb = min(batch, bands - b0)
        keys_batch = band_keys_of(sig, rows_sel, b0 * rows, rows, nb)
        for keys in keys_batch:
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
    """The code set ``table`` rehashed into a table of at least ``at_least`` slots (a power of two)."""
    size = len(table)
    while size < at_least:
        size *= 2
    bigger = np.full(size, -1, dtype=np.int64)
    insert_codes(bigger, table[table >= 0])
    return bigger


#: The LSH banding step: (signatures, bands, rows, max_bucket_size) -> (left, right, capped buckets).
CandidateFn = Callable[[np.ndarray, int, int, int], tuple[np.ndarray, np.ndarray, int]]


def verify_pairs(
    hashes: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, n_jobs: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment (|A∩B| / min(|A|,|B|)) of the shingle sets of each pair.

    ``hashes``/``offsets`` as from :func:`shingle_hashes` (sorted unique per document); ``left``/``right``
    index documents (rows of ``offsets``). A compiled merge walk per pair (:mod:`newsdedup.dedup.kernels`).
    ``hashes`` may be a read-only ``np.memmap`` of a flat file: the runs a block of pairs needs are then read
    from the file into a buffer of about ``VERIFY_BLOCK_BYTES``, so resident memory stays bounded whatever the
    file size. ``n_jobs`` threads share the blocks (the kernel releases the GIL). Returns
    ``(jaccard, containment)`` floats; both 0.0 when a side is empty.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    lens = np.diff(offsets)
    la_all, lb_all = lens[left], lens[right]
    inter = None
    if isinstance(hashes, np.memmap) and not hashes.flags.writeable and len(left):
        inter = _read_intersections(hashes, offsets, left, right, la_all + lb_all, n_jobs)
    if inter is None:
        inter = np.zeros(len(left), dtype=np.int64)
        flat, starts, ends = np.asarray(hashes), offsets[:-1], offsets[1:]

        def count(sel: slice) -> None:
            inter[sel] = intersection_counts(flat, starts, ends, left[sel], right[sel])

        step = max(_MIN_PAIRS_PER_JOB, -(-len(left) // max(n_jobs, 1)))
        _run_all(count, [slice(lo, lo + step) for lo in range(0, len(left), step)], n_jobs)
    union = la_all + lb_all - inter
    small = np.minimum(la_all, lb_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        containment = np.where(small > 0, inter / np.maximum(small, 1), 0.0)
    return jaccard, containment


#: Bytes of shingle hashes one verification block reads from a memory-mapped file into memory.
VERIFY_BLOCK_BYTES = 64 << 20
#: Fewer pairs than this are not worth a thread of their own.
_MIN_PAIRS_PER_JOB = 4096
#: Gaps up to this many bytes between needed runs are read through rather than paid with another call.
_READ_GAP_BYTES = 8 << 10


def _run_all(fn: Callable[[Any], None], items: Sequence[Any], n_jobs: int) -> None:
    """``fn(item)`` for every item, on up to ``n_jobs`` threads (results are written by ``fn`` itself)."""
    if n_jobs <= 1 or len(items) <= 1:
        for item in items:
            fn(item)
        return
    with ThreadPoolExecutor(max_workers=min(n_jobs, len(items))) as pool:
        for _ in pool.map(fn, items):
            pass


def _read_intersections(
    hashes: np.memmap,
    offsets: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    sizes: np.ndarray,
    n_jobs: int = 1,
) -> np.ndarray | None:
    """Intersection counts with the shingle hashes read from the memory map's file block by block.

    Not through the mapping: a page fault maps a whole page-cache folio (measured ~2 MB per random touch on
    Linux 6.18), so random access would make most of the file resident. Pairs are sorted by their first
    document, so a block's first sides are one stretch of the file; each block reads the runs it needs
    (nearby runs in one call) into a buffer of about ``VERIFY_BLOCK_BYTES`` (one per thread). Returns None when the
    file does not hold the array where the memmap says (e.g. a slice of a larger map)."""
    item = hashes.itemsize
    if hashes.filename is None:
        return None
    fd = os.open(hashes.filename, os.O_RDONLY)
    try:
        k = min(len(hashes), 16)
        head, tail = np.empty(k, hashes.dtype), np.empty(k, hashes.dtype)
        _pread_into(fd, head, hashes.offset)
        _pread_into(fd, tail, hashes.offset + (len(hashes) - k) * item)
        if not (np.array_equal(head, hashes[:k]) and np.array_equal(tail, hashes[len(hashes) - k :])):
            logger.warning("shingle hashes are not where their memmap says; reading them through the map")
            return None
        order = np.argsort(np.minimum(left, right), kind="stable")
        cum = np.cumsum(sizes[order] * item + _READ_GAP_BYTES)
        inter = np.zeros(len(left), dtype=np.int64)
        blocks: list[np.ndarray] = []
        lo = 0
        while lo < len(order):
            base = int(cum[lo - 1]) if lo else 0
            hi = max(lo + 1, int(np.searchsorted(cum, base + VERIFY_BLOCK_BYTES, side="right")))
            blocks.append(order[lo:hi])
            lo = hi

        def count(sel: np.ndarray) -> None:
            bl, br = left[sel], right[sel]
            docs = np.unique(np.concatenate([bl, br]))
            starts, ends = offsets[docs], offsets[docs + 1]
            new_run = np.r_[True, (starts[1:] - ends[:-1]) * item > _READ_GAP_BYTES]
            run = np.cumsum(new_run) - 1
            run_first = starts[new_run]
            run_len = ends[np.r_[new_run[1:], True]] - run_first
            run_pos = np.r_[0, np.cumsum(run_len)[:-1]]
            buf = np.empty(int(run_len.sum()), dtype=hashes.dtype)
            for first, length, pos in zip(
                run_first.tolist(), run_len.tolist(), run_pos.tolist(), strict=True
            ):
                _pread_into(fd, buf[pos : pos + length], hashes.offset + first * item)
            local = starts - run_first[run] + run_pos[run]
            inter[sel] = intersection_counts(
                buf, local, local + (ends - starts), np.searchsorted(docs, bl), np.searchsorted(docs, br)
            )

        _run_all(count, blocks, n_jobs)
        return inter
    finally:
        os.close(fd)


def _pread_into(fd: int, out: np.ndarray, position: int) -> None:
    """Fill ``out`` with the file's bytes from ``position`` on."""
    view = out.data.cast("B")
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done:]], position + done)
        if got <= 0:
            raise NewsdedupError(f"shingle-hash file ended early at byte {position + done}")
        done += got


def keep_edges(
    jaccard: np.ndarray,
    containment: np.ndarray,
    tokens_left: np.ndarray,
    tokens_right: np.ndarray,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decide which verified pairs are duplicates.

    Returns ``(keep, method, similarity)``: method is "near" (Jaccard >= threshold; >= short_threshold when
    either text has fewer than min_tokens words) or "containment" (containment >= containment_threshold and
    the smaller text has at least min_containment_tokens words); similarity is the measure that decided
    (the Jaccard for "near", the containment for "containment").
    """
    near, contained, similarity = _edge_rule(jaccard, containment, tokens_left, tokens_right, params)
    method = np.where(near, "near", np.where(contained, "containment", ""))
    return near | contained, method, similarity


def _edge_rule(
    jaccard: np.ndarray,
    containment: np.ndarray,
    tokens_left: np.ndarray,
    tokens_right: np.ndarray,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`keep_edges` as masks ``(near, contained, similarity)``; ``contained`` only where not ``near``
    (no per-pair strings: a million of them cost more than the rule itself)."""
    fewest = np.minimum(tokens_left, tokens_right)
    short = fewest < params.min_tokens
    near = jaccard >= np.where(short, params.short_threshold, params.threshold)
    contained = (
        ~near
        & ~short
        & (containment >= params.containment_threshold)
        & (fewest >= params.min_containment_tokens)
    )
    similarity = np.where(contained, containment, jaccard)
    return near, contained, similarity


def group_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components over edges ``(left[i], right[i])`` of ``n`` nodes; labels numbered by first node."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Relabel by smallest member so labels depend only on node order, not on scipy's traversal.
    first = np.full(labels.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n))
    return np.asarray(np.argsort(np.argsort(first))[labels], dtype=np.int64)


@dataclass(frozen=True)
class _DocKeys:
    """Per-document values the canonical rule compares (all arrays in internal order)."""

    ids: np.ndarray
    pub_ns: np.ndarray  # int64, NaT as int64 max (sorts last)
    has_pub: np.ndarray
    body_len: np.ndarray
    source_rank: np.ndarray
    sources: np.ndarray


def choose_canonical(members: np.ndarray, keys: _DocKeys, rule: tuple[str, ...]) -> tuple[int, str]:
    """Pick the canonical among ``members`` (indices) by ``rule``; return ``(index, reason)``.

    Criteria are applied in order, each keeping only the best candidates; the reason names the first
    criterion that left a single candidate, with the winning value. "id" (article_id order) always ends
    the rule, so the choice is total.
    """
    if len(members) == 1:
        return int(members[0]), "only member"
    cand = np.asarray(members)
    full_rule = (*rule, "id") if "id" not in rule else rule
    for criterion in full_rule:
        vals = _rule_values(criterion, cand, keys)
        cand = cand[vals == vals.min()]
        if len(cand) == 1:
            return int(cand[0]), _reason(criterion, int(cand[0]), keys)
    raise AssertionError("unreachable: 'id' always decides")  # pragma: no cover


def _rule_values(criterion: str, docs: np.ndarray, keys: _DocKeys) -> np.ndarray:
    """Sort key of ``criterion`` for ``docs`` (smaller is better); "id" is the internal index (id order)."""
    if criterion == "earliest":
        return keys.pub_ns[docs]
    if criterion == "longest":
        return -keys.body_len[docs]
    if criterion == "preferred_source":
        return keys.source_rank[docs]
    return docs


def _reason(criterion: str, w: int, keys: _DocKeys) -> str:
    if criterion == "earliest":
        stamp = pd.Timestamp(int(keys.pub_ns[w]), tz="UTC").strftime("%Y-%m-%dT%H:%MZ")
        return f"earliest published_at ({stamp})"
    if criterion == "longest":
        return f"longest body ({int(keys.body_len[w])} chars)"
    if criterion == "preferred_source":
        return f"preferred source ({keys.sources[w]})"
    return f"lowest article_id ({keys.ids[w]})"


def choose_canonicals(
    group: np.ndarray, members: np.ndarray, keys: _DocKeys, rule: tuple[str, ...]
) -> tuple[np.ndarray, list[str]]:
    """Vectorised :func:`choose_canonical` for many groups at once.

    ``group`` (0..g-1, every group with >= 2 members) and ``members`` (doc indices) are parallel arrays.
    Sorting by (group, criteria..., id) puts each group's winner first; the deciding criterion is the first
    one on which the winner and the runner-up differ, which is the criterion after which the sequential
    filter of :func:`choose_canonical` leaves one candidate. Returns (canonical per group, reason per group).
    """
    winners, reasons = _choose_canonicals(group, members, keys, rule)
    return winners, reasons.tolist()


def _choose_canonicals(
    group: np.ndarray, members: np.ndarray, keys: _DocKeys, rule: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`choose_canonicals` with the reasons as an object array."""
    full_rule = (*rule, "id") if "id" not in rule else rule
    cols = [_rule_values(c, members, keys) for c in full_rule]
    order = np.lexsort((*reversed(cols), group))
    g_sorted = group[order]
    first = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    winner_pos, runner_pos = order[first], order[first + 1]
    decided = np.full(len(first), len(full_rule) - 1, dtype=np.int64)
    for k in range(len(full_rule) - 1, -1, -1):
        differs = cols[k][winner_pos] != cols[k][runner_pos]
        decided[differs] = k
    winners = members[winner_pos]
    return winners, _reasons(full_rule, decided, winners, keys)


def _reasons(
    full_rule: tuple[str, ...], decided: np.ndarray, winners: np.ndarray, keys: _DocKeys
) -> np.ndarray:
    """:func:`_reason` for many winners at once (``decided`` indexes ``full_rule``), as an object array."""
    out = np.empty(len(winners), dtype=object)
    for k, criterion in enumerate(full_rule):
        sel = np.flatnonzero(decided == k)
        if len(sel) == 0:
            continue
        w = winners[sel]
        if criterion == "earliest":
            # datetime_as_string at minute resolution is strftime("%Y-%m-%dT%H:%M"), without a Timestamp each.
            stamps = np.datetime_as_string(keys.pub_ns[w].astype("datetime64[ns]"), unit="m").tolist()
            texts = [f"earliest published_at ({s}Z)" for s in stamps]
        elif criterion == "longest":
            texts = [f"longest body ({b} chars)" for b in keys.body_len[w].tolist()]
        elif criterion == "preferred_source":
            texts = [f"preferred source ({s})" for s in keys.sources[w].tolist()]
        else:
            texts = [f"lowest article_id ({i})" for i in keys.ids[w].tolist()]
        out[sel] = np.array(texts, dtype=object)
    return out


def _doc_keys(
    docs: pd.DataFrame, order: np.ndarray, ids: np.ndarray, params: DedupParams, tokens: np.ndarray
) -> _DocKeys:
    """Canonical-rule values of ``docs`` rows taken in ``order`` (``ids`` already in that order); without
    ``body_len``, the length of ``match_text``, else the word count ``tokens`` stands in for the body length.
    Only the columns the rule reads are gathered: ``docs`` may hold large text columns."""
    n = len(order)
    if "published_at" in docs:
        pub = pd.to_datetime(docs["published_at"], utc=True)
        has_pub = pub.notna().to_numpy()[order]
        ns = pub.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)[order]
        pub_ns = np.where(has_pub, ns, np.iinfo(np.int64).max)
    else:
        has_pub = np.zeros(n, dtype=bool)
        pub_ns = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if "body_len" in docs:
        body_len = docs["body_len"].fillna(0).to_numpy().astype(np.int64)[order]
    elif "match_text" in docs:
        body_len = docs["match_text"].fillna("").astype(str).str.len().to_numpy().astype(np.int64)[order]
    else:
        body_len = np.asarray(tokens, dtype=np.int64)
    if "source" in docs:
        # One object per distinct source, shared by its rows (not one string object per row).
        codes, uniques = pd.factorize(docs["source"], use_na_sentinel=True)
        names = np.array([*np.asarray(uniques, dtype=object).tolist(), None], dtype=object)
        sources = names[np.asarray(codes)[order]]
    else:
        sources = np.full(n, None, dtype=object)
    rank_of = {s: i for i, s in enumerate(params.preferred_sources)}
    if rank_of:
        source_rank = np.array([rank_of.get(s, len(rank_of)) for s in sources.tolist()], dtype=np.int64)
    else:
        source_rank = np.zeros(n, dtype=np.int64)
    return _DocKeys(ids, pub_ns.astype(np.int64), has_pub, body_len, source_rank, sources)


@dataclass
class _Prepared:
    """Representative-level arrays shared by the grouping steps (internal order)."""

    rep_of: np.ndarray  # doc -> representative doc (exact copies share it); -1 for empty texts
    rep_index: np.ndarray  # doc -> row in the representative arrays, -1 for empty texts
    reps: np.ndarray  # representative doc indices
    rows: np.ndarray  # representative -> row of hashes/offsets (input order)
    hashes: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray  # words per representative
    # Verified candidate pairs, as sorted codes min*n+max with their Jaccard and containment, for reuse.
    pair_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_jac: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_con: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Kept edges as adjacency lists (both directions): neighbours of r are nbrs[indptr[r]:indptr[r + 1]].
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    nbrs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def set_edges(self, left: np.ndarray, right: np.ndarray) -> None:
        """Store the kept edges for :meth:`neighbours`."""
        src, dst = np.concatenate([left, right]), np.concatenate([right, left])
        order = np.argsort(src, kind="stable")
        self.nbrs = dst[order].astype(np.int64)
        self.indptr = np.zeros(len(self.reps) + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=len(self.reps)), out=self.indptr[1:])

    def neighbours(self, r: int) -> np.ndarray:
        """Representatives joined to ``r`` by a kept edge."""
        return self.nbrs[self.indptr[r] : self.indptr[r + 1]]

    def similarities(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(jaccard, containment) of representative pairs, reusing already verified candidate pairs."""
        n = len(self.reps)
        codes = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
        jac, con = np.ones(len(a)), np.ones(len(a))
        pos = np.minimum(np.searchsorted(self.pair_codes, codes), max(len(self.pair_codes) - 1, 0))
        known = (self.pair_codes[pos] == codes) if len(self.pair_codes) else np.zeros(len(a), dtype=bool)
        jac[known], con[known] = self.pair_jac[pos[known]], self.pair_con[pos[known]]
        todo = np.flatnonzero(~known & (a != b))
        if len(todo):
            jac[todo], con[todo] = verify_pairs(
                self.hashes, self.offsets, self.rows[a[todo]], self.rows[b[todo]]
            )
        return jac, con


def _guard_groups(
    components: list[np.ndarray],
    prep: _Prepared,
    keys: _DocKeys,
    params: DedupParams,
    stats: dict[str, int | float],
) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """Choose canonicals and apply the chaining guard; return (canonical, reason, members, sims, methods).

    A member is kept when it is an exact copy of the canonical, or verified-similar to it (same edge rule
    as the LSH edges, checked exactly even if LSH missed that pair), or - if it is not short - joined by a
    kept edge to such a direct member while its own similarity to the canonical is >= chain_floor. Members
    that fail are split off, re-grouped by connectivity among themselves, and the rule is applied again.
    """
    out: list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]] = []
    pending = components
    splits = 0
    while pending:
        canon = [choose_canonical(m, keys, params.canonical_rule) for m in pending]
        # Member/canonical representative pairs of all pending groups, verified in one batch.
        mem_all = np.concatenate(pending)
        can_all = np.concatenate(
            [np.full(len(m), c, dtype=np.int64) for m, (c, _) in zip(pending, canon, strict=True)]
        )
        ra, rb = prep.rep_index[mem_all], prep.rep_index[can_all]
        jac_to_c, con_to_c = prep.similarities(ra, rb)
        keep, method, sim = keep_edges(jac_to_c, con_to_c, prep.tokens[ra], prep.tokens[rb], params)
        exact = ra == rb
        next_pending: list[np.ndarray] = []
        pos = 0
        for members, (c, reason) in zip(pending, canon, strict=True):
            sl = slice(pos, pos + len(members))
            pos += len(members)
            ex, kp, meth, sm = exact[sl], keep[sl], method[sl], sim[sl]
            direct = ex | kp
            direct_reps = np.unique(ra[sl][direct])
            short = prep.tokens[ra[sl]] < params.min_tokens
            floor_sim = np.maximum(jac_to_c[sl], np.where(short, 0.0, con_to_c[sl]))
            accepted = direct.copy()
            methods = np.where(ex, "exact", meth).astype(object)
            sims = np.where(ex, 1.0, sm)
            for i in np.flatnonzero(~direct & ~short & (floor_sim >= params.chain_floor)):
                r = int(ra[sl][i])
                if np.isin(prep.neighbours(r), direct_reps).any():
                    accepted[i] = True
                    use_con = (
                        con_to_c[sl][i] > jac_to_c[sl][i] and prep.tokens[r] >= params.min_containment_tokens
                    )
                    methods[i] = "containment" if use_con else "near"
                    sims[i] = con_to_c[sl][i] if use_con else jac_to_c[sl][i]
            is_c = members == c
            methods[is_c], sims[is_c] = "canonical", 1.0
            out.append((c, reason, members[accepted], sims[accepted], methods[accepted]))
            rest = members[~accepted]
            if len(rest):
                splits += len(rest)
                rest_rep = prep.rep_index[rest]
                local_reps = np.array(list(dict.fromkeys(rest_rep.tolist())), dtype=np.int64)
                local = {int(r): k for k, r in enumerate(local_reps.tolist())}
                # Kept edges with both ends among the split-off members.
                degree = prep.indptr[local_reps + 1] - prep.indptr[local_reps]
                src = np.repeat(local_reps, degree)
                dst = (
                    np.concatenate([prep.neighbours(int(r)) for r in local_reps])
                    if len(local_reps)
                    else np.zeros(0, dtype=np.int64)
                )
                inside = np.isin(dst, local_reps)
                la = np.array([local[int(x)] for x in src[inside]], dtype=np.int64)
                lb = np.array([local[int(x)] for x in dst[inside]], dtype=np.int64)
                labels = group_components(len(local), la, lb)[[local[int(r)] for r in rest_rep]]
                for lab in np.unique(labels):
                    grp = rest[labels == lab]
                    if len(grp) > 1:
                        next_pending.append(grp)
                    else:
                        out.append(
                            (
                                int(grp[0]),
                                "only member",
                                grp,
                                np.ones(1),
                                np.array(["canonical"], dtype=object),
                            )
                        )
        pending = next_pending
    stats["chain_splits"] = splits
    return out


def _assign_groups(
    labels_rep: np.ndarray,
    prep: _Prepared,
    keys: _DocKeys,
    params: DedupParams,
    stats: dict[str, int | float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Canonicals and chaining guard for every component (labels of representatives), vectorised: a group
    whose members are all directly verified against its canonical is final; only the others go through
    :func:`_guard_groups` member by member. Returns per document (internal order) the canonical, the
    similarity to it, the method (index into ``METHODS``) and the canonical reason (index into the returned
    table of reasons), and the number of groups of >= 2 documents."""
    n = len(prep.rep_index)
    canonical = np.arange(n, dtype=np.int64)
    similarity = np.ones(n, dtype=np.float64)
    method = np.zeros(n, dtype=np.int8)  # METHODS[0] is "canonical"
    reason = np.zeros(n, dtype=np.int64)
    table: list[str] = ["only member"]
    stats["chain_splits"] = 0
    has_rep = prep.rep_index >= 0
    doc_label = np.full(n, -1, dtype=np.int64)
    doc_label[has_rep] = labels_rep[prep.rep_index[has_rep]]
    sizes = np.bincount(doc_label[has_rep], minlength=len(labels_rep))
    in_multi = np.flatnonzero(has_rep)
    in_multi = in_multi[sizes[doc_label[in_multi]] > 1]
    if len(in_multi) == 0:
        return canonical, similarity, method, reason, np.array(table, dtype=object), 0
    members = in_multi[np.argsort(doc_label[in_multi], kind="stable")]
    lab = doc_label[members]
    starts = np.r_[True, lab[1:] != lab[:-1]]
    group = np.cumsum(starts) - 1
    n_groups = int(group[-1]) + 1
    canon, group_reasons = _choose_canonicals(group, members, keys, params.canonical_rule)
    ra, rb = prep.rep_index[members], prep.rep_index[canon[group]]
    jac, con = prep.similarities(ra, rb)
    near, contained, sim = _edge_rule(jac, con, prep.tokens[ra], prep.tokens[rb], params)
    exact = ra == rb
    direct = exact | near | contained
    all_direct = np.bincount(group, weights=~direct, minlength=n_groups) == 0
    ok = all_direct[group]
    code = np.where(exact, 1, np.where(contained, 3, 2)).astype(np.int8)
    code[members == canon[group]] = 0
    fm = members[ok]
    canonical[fm] = canon[group[ok]]
    similarity[fm] = np.where(exact, 1.0, sim)[ok]
    method[fm] = code[ok]
    reason[fm] = group[ok] + len(table)
    table.extend(group_reasons.tolist())
    bounds = np.flatnonzero(np.r_[starts, True])
    slow = [members[bounds[g] : bounds[g + 1]] for g in np.flatnonzero(~all_direct)]
    n_multi = int(all_direct.sum())
    method_code = {m: i for i, m in enumerate(METHODS)}
    for c, why, mem, sims, meths in _guard_groups(slow, prep, keys, params, stats):
        canonical[mem] = c
        similarity[mem] = sims
        method[mem] = [method_code[m] for m in meths.tolist()]
        reason[mem] = len(table)
        table.append(why)
        n_multi += int(len(mem) > 1)
    return canonical, similarity, method, reason, np.array(table, dtype=object), n_multi


def _take_str(values: np.ndarray, idx: np.ndarray) -> Any:
    """Column ``values[idx]`` of a small table of strings, built by an array take instead of converting one
    Python string object per row (the column type is what pandas infers for ``values``)."""
    return pd.Series(values, dtype=object if len(values) == 0 else None).array.take(idx)


@dataclass
class Sketches:
    """Per-document sketches computed where the documents are parsed (worker processes, Dask partitions):
    content digests, word counts, shingle hashes (``hashes``/``offsets`` as from :func:`shingle_hashes`)
    and MinHash signatures, in the documents' order.

    ``digests`` is a list of 16-byte xxh3_128 digests, or the same as an (n, 2) uint64 array (see
    :func:`compact_digests`; 16 bytes per document instead of a Python object); ``hashes`` may be a read-only
    ``np.memmap`` of a flat file (``offsets`` in memory) for :func:`find_duplicates`."""

    digests: list[bytes] | np.ndarray
    tokens: np.ndarray
    hashes: np.ndarray
    offsets: np.ndarray
    signatures: np.ndarray

    @classmethod
    def concat(cls, parts: Sequence[Sketches], params: DedupParams) -> Sketches:
        """Join sketches of consecutive chunks into one, in order."""
        if not parts:
            return sketch_texts([], params)
        shift = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
        digests: list[bytes] | np.ndarray
        if any(isinstance(p.digests, np.ndarray) for p in parts):
            digests = np.concatenate([compact_digests(p.digests) for p in parts])
        else:
            digests = [d for p in parts for d in p.digests]
        return cls(
            digests=digests,
            tokens=np.concatenate([p.tokens for p in parts]),
            hashes=np.concatenate([p.hashes for p in parts]),
            offsets=np.concatenate(
                [parts[0].offsets[:1]] + [p.offsets[1:] + s for p, s in zip(parts, shift, strict=True)]
            ),
            signatures=np.vstack([p.signatures for p in parts]),
        )


def take_sketches(base: Sketches, rows: np.ndarray) -> Sketches:
    """The sketches of the documents at ``rows``, in that order."""
    hashes, offsets = _take_segments(base.hashes, base.offsets, rows)
    digests = (
        compact_digests(base.digests)[rows]
        if isinstance(base.digests, np.ndarray)
        else [base.digests[i] for i in rows.tolist()]
    )
    return Sketches(digests, base.tokens[rows], hashes, offsets, base.signatures[rows])


def replace_sketches(base: Sketches, rows: np.ndarray, new: Sketches) -> Sketches:
    """``base`` with the documents at ``rows`` replaced by ``new`` (same order as ``rows``)."""
    if len(rows) == 0:
        return base
    hashes = np.concatenate([base.hashes, new.hashes])
    starts = base.offsets[:-1].copy()
    lengths = np.diff(base.offsets)
    starts[rows] = new.offsets[:-1] + len(base.hashes)
    lengths[rows] = np.diff(new.offsets)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    idx = np.repeat(starts - offsets[:-1], lengths) + np.arange(int(offsets[-1]), dtype=np.int64)
    digests: list[bytes] | np.ndarray
    if isinstance(base.digests, np.ndarray) or isinstance(new.digests, np.ndarray):
        digests = compact_digests(base.digests).copy()
        digests[rows] = compact_digests(new.digests)
    else:
        digests = list(base.digests)
        for r, d in zip(rows.tolist(), new.digests, strict=True):
            digests[r] = d
    tokens = base.tokens.copy()
    tokens[rows] = new.tokens
    sig = base.signatures.copy()
    sig[rows] = new.signatures
    return Sketches(digests, tokens, hashes[idx], offsets, sig)


def sketch_texts(texts: Sequence[str], params: DedupParams) -> Sketches:
    """Digests, word counts, shingles and signatures of matching texts; what :func:`find_duplicates` needs
    per document, computable in parallel chunks (the result is the same whatever the chunking)."""
    return _sketch(texts, params, 1)


def _sketch(texts: Sequence[str], params: DedupParams, n_jobs: int) -> Sketches:
    """:func:`sketch_texts` with ``n_jobs`` threads for the signatures."""
    encoded = [t.encode("utf-8") for t in texts]  # once, for the digests and the word shingles
    digests = [xxhash.xxh3_128_digest(b) for b in encoded]
    if params.shingle == "word":
        # word counts come from the shingling pass (the same values as counting separators)
        hashes, offsets, tokens = word_shingles_and_counts_utf8(encoded, size=params.shingle_size)
    else:
        # Matching text is whitespace-collapsed, so counting separators counts words without a Python split.
        tokens = np.array([t.count(" ") + 1 if t.strip() else 0 for t in texts], dtype=np.int64)
        hashes, offsets = shingle_hashes(texts, params)
    sig = minhash_signatures(
        hashes, offsets, num_perm=params.num_perm, seed=params.seed, scheme=params.scheme, n_jobs=n_jobs
    )
    return Sketches(digests, tokens, hashes, offsets, sig)


def _take_segments(
    hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The shingle segments of ``rows`` (in that order), as a new (hashes, offsets) pair."""
    lengths = (offsets[rows + 1] - offsets[rows]).astype(np.int64)
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    starts = np.repeat(offsets[rows] - new_offsets[:-1], lengths)
    idx = starts + np.arange(int(new_offsets[-1]), dtype=np.int64)
    return hashes[idx], new_offsets


def compact_digests(digests: Sequence[bytes] | np.ndarray) -> np.ndarray:
    """16-byte content digests as an (n, 2) uint64 array holding the same bytes: from a list of digests, or
    a numpy array of them ('S16'/'V16', (n, 16) uint8 or (n, 2) uint64, returned as is)."""
    if isinstance(digests, np.ndarray):
        arr = np.ascontiguousarray(digests)
        if arr.ndim == 2 and arr.dtype == np.uint64 and arr.shape[1] == 2:
            return arr
        if arr.dtype.itemsize * (arr.shape[1] if arr.ndim == 2 else 1) == 16:
            return arr.view(np.uint64).reshape(len(arr), 2)
        raise NewsdedupError(f"digests must be 16 bytes each, got an array of {arr.dtype} {arr.shape}")
    joined = b"".join(digests)
    if len(joined) != 16 * len(digests):
        raise NewsdedupError("digests must be 16 bytes each (xxh3_128)")
    return np.frombuffer(joined, dtype=np.uint64).reshape(len(digests), 2)


def digests_hex(digests: Sequence[bytes] | np.ndarray) -> list[str]:
    """Hex strings of 16-byte digests (list or compact array), equal to ``[d.hex() for d in digests]``."""
    words = compact_digests(digests)
    text = words.tobytes().hex()
    return [text[i : i + 32] for i in range(0, len(text), 32)]


def _exact_representatives(words: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Representative of each document (the first, in row order, with its digest; -1 for empty texts)."""
    n = len(tokens)
    rep_of = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(tokens > 0)
    if len(idx) == 0:
        return rep_of
    w = words[idx]
    # Stable sort on the first word; equal digests then sit together in row order unless two different
    # digests share a first word (chance ~n^2/2^65), in which case sort on both words.
    order = np.argsort(w[:, 0], kind="stable")
    ws = w[order]
    tie = ws[1:, 0] == ws[:-1, 0]
    if (tie & (ws[1:, 1] != ws[:-1, 1])).any():
        order = np.lexsort((w[:, 1], w[:, 0]))
        ws = w[order]
    starts = np.r_[True, (ws[1:] != ws[:-1]).any(axis=1)]
    run = np.cumsum(starts) - 1
    rep_of[idx[order]] = idx[order][np.flatnonzero(starts)][run]
    return rep_of


def find_duplicates(
    docs: pd.DataFrame,
    params: DedupParams | None = None,
    sketches: Sketches | None = None,
    candidates: CandidateFn | None = None,
) -> DedupResult:
    """Find exact and near-duplicate articles and group them under a canonical article.

    ``docs`` needs ``article_id`` (unique) and, unless ``sketches`` is given, ``match_text`` (normalised
    matching text); ``published_at``, ``body_len`` and ``source`` feed the canonical rule when present.
    ``sketches`` (aligned with ``docs`` rows, from :func:`sketch_texts`) saves recomputing them; its
    ``hashes`` may be a read-only ``np.memmap`` (see :func:`verify_pairs`) and its ``digests`` a numpy
    array. ``candidates`` replaces the LSH banding step (:func:`candidates_from_signatures`, same contract
    and result) with another executor's, e.g. Dask's. The result does not depend on row order: work
    happens in article_id order and is mapped back to input order at the end.
    """
    params = params or DedupParams()
    needed = ("article_id",) if sketches is not None else ("article_id", "match_text")
    for col in needed:
        if col not in docs:
            raise NewsdedupError(f"find_duplicates needs a {col!r} column, got columns {list(docs.columns)}")
    ids_in = docs["article_id"].astype(str).to_numpy(dtype=object)
    stats: dict[str, int | float] = {"documents": len(docs)}
    timer = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal timer
        now = time.perf_counter()
        stats[f"seconds_{name}"] = round(now - timer, 4)
        timer = now

    n = len(docs)
    order = np.argsort(ids_in.astype(str), kind="stable")
    ids_sorted = ids_in[order]
    # Sorted, so a repeated id sits next to itself (cheaper than a hash table of a million strings).
    if n > 1 and (ids_sorted[1:] == ids_sorted[:-1]).any():
        raise NewsdedupError("article_id values must be unique")
    if sketches is None:
        texts = docs["match_text"].fillna("").astype(str).tolist()
        sketches = _sketch(texts, params, params.n_jobs)
        lap("sketch")
    elif len(sketches.tokens) != n or len(sketches.digests) != n:
        raise NewsdedupError(f"sketches cover {len(sketches.tokens)} documents, docs has {n}")
    tokens = np.asarray(sketches.tokens, dtype=np.int64)[order]
    keys = _doc_keys(docs, order, ids_sorted, params, tokens)

    # 1. Exact copies: same content hash; the representative is the first copy in article_id order.
    rep_of = _exact_representatives(compact_digests(sketches.digests)[order], tokens)
    reps = np.flatnonzero(rep_of == np.arange(n))
    rep_index = np.full(n, -1, dtype=np.int64)
    rep_index[reps] = np.arange(len(reps))
    rep_index[rep_of >= 0] = rep_index[rep_of[rep_of >= 0]]
    stats["empty_texts"] = int((tokens == 0).sum())
    stats["short_texts"] = int(((tokens > 0) & (tokens < params.min_tokens)).sum())
    stats["exact_dups"] = int((rep_of >= 0).sum() - len(reps))
    lap("exact")

    # 2. Sketches stay where they are (possibly on disk): representatives are addressed by input row.
    rep_rows = order[reps]
    prep = _Prepared(
        rep_of, rep_index, reps, rep_rows, sketches.hashes, np.asarray(sketches.offsets), tokens[reps]
    )

    # 3. LSH candidates.
    bands, rows = lsh_params(params)
    stats.update(bands=bands, rows=rows, lsh_threshold=round(params.effective_lsh_threshold, 4))
    if candidates is None:
        left, right, capped = _banding(sketches.signatures, rep_rows, bands, rows, params.max_bucket_size)
    else:
        left, right, capped = candidates(sketches.signatures[rep_rows], bands, rows, params.max_bucket_size)
    stats["candidate_pairs"] = len(left)
    stats["capped_buckets"] = capped
    lap("lsh")

    # 4. Verification.
    jac, con = verify_pairs(prep.hashes, prep.offsets, rep_rows[left], rep_rows[right], params.n_jobs)
    prep.pair_codes, prep.pair_jac, prep.pair_con = left * len(reps) + right, jac, con
    near, contained, _sim = _edge_rule(jac, con, prep.tokens[left], prep.tokens[right], params)
    keep = near | contained
    stats["verified_pairs"] = int(keep.sum())
    stats["false_positives"] = int((~keep).sum())
    stats["near_edges"] = int(near.sum())
    stats["containment_edges"] = int(contained.sum())
    el, er = left[keep], right[keep]
    lap("verify")

    # 5. Components over representatives (expanded to every copy in the next step).
    labels_rep = group_components(len(reps), el, er)
    prep.set_edges(el, er)
    lap("components")

    # 6. Canonicals and chaining guard.
    canonical, similarity, method, reason, reasons, n_multi = _assign_groups(
        labels_rep, prep, keys, params, stats
    )
    lap("canonical")

    # 7. Output, back in input order.
    is_canon = canonical == np.arange(n)
    heads = np.flatnonzero(is_canon)
    group_ids = np.array(
        ["d_" + xxhash.xxh64_hexdigest(c.encode("utf-8")) for c in keys.ids[heads].tolist()], dtype=object
    )
    est = np.ones(n)
    nc = np.flatnonzero(~is_canon)
    # Exact copies have equal texts, hence equal signatures: each document's own row stands for its copy set.
    est[nc] = signature_agreement(sketches.signatures, order[nc], order[canonical[nc]])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    # Columns of strings are taken from one converted copy (ids) or from small tables (groups, reasons).
    ids_col = _take_str(keys.ids, inverse)
    canon_in = order[canonical[inverse]]  # input row of each row's canonical
    methods = np.array(METHODS, dtype=object)
    assignments = pd.DataFrame(
        {
            "article_id": ids_col,
            "dup_group_id": _take_str(group_ids, np.searchsorted(heads, canonical[inverse])),
            "canonical_id": ids_col.take(canon_in),
            "is_canonical": is_canon[inverse],
            "dup_similarity": similarity[inverse],
            "method": _take_str(methods, method[inverse]),
            "canonical_reason": _take_str(reasons, reason[inverse]),
        }
    )
    dup_in = np.flatnonzero(~is_canon[inverse])
    dup_rows = inverse[dup_in]
    duplicates = pd.DataFrame(
        {
            "article_id": ids_col.take(dup_in),
            "canonical_id": ids_col.take(canon_in[dup_in]),
            "similarity": similarity[dup_rows],
            "estimated_similarity": est[dup_rows],
            "method": _take_str(methods, method[dup_rows]),
        }
    )
    stats["groups"] = len(heads)
    stats["dup_groups"] = n_multi
    stats["duplicates"] = len(nc)
    lap("output")
    logger.debug("dedup: %s", stats)
    return DedupResult(assignments, duplicates, sketches.signatures, stats)


def _empty_value(params: DedupParams) -> int:
    """Signature value datasketch gives an empty MinHash under ``params.scheme``."""
    return (1 << 64) - 1 if params.scheme == "affine64" else (1 << 32) - 1
