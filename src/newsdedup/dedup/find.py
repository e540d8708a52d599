"""Exact and near-duplicate detection: content hash, MinHash LSH, exact verification, guarded groups.

The steps of :func:`find_duplicates`, each a function over arrays so a later step (history, Dask) can reuse
them:

1. sketch (:func:`newsdedup.dedup.sketches.sketch_texts`, usually done where the texts are parsed): content
   digest, word count, sorted shingle hashes and MinHash signatures per document.
2. exact: documents with the same xxh3_128 of their matching text are exact copies; one representative per
   copy set goes on (empty texts never match anything).
3. lsh (:mod:`newsdedup.dedup.lsh`): banding of the representatives' signatures -> candidate pairs.
4. verify (:mod:`newsdedup.dedup.verify`): exact Jaccard and containment on the shingle sets; the edge rule
   keeps the duplicates (false positives of the banding are dropped here).
5. components (:mod:`newsdedup.dedup.groups`): connected components over kept edges.
6. canonical (:mod:`newsdedup.dedup.canonical` and the chaining guard in :mod:`newsdedup.dedup.groups`).
7. output: the assignment and duplicate tables, back in input order.

For large runs the shingle hashes may stay on disk (a read-only ``np.memmap``; verification reads them in
bounded blocks) and the documents frame needs no text: :func:`find_duplicates` works from the sketches alone.

History (articles seen in earlier runs) is not an input here; the steps take plain arrays so a caller can
concatenate stored signatures/shingle hashes of history with the new batch, run
:func:`~newsdedup.dedup.lsh.candidates_from_signatures` and :func:`~newsdedup.dedup.verify.verify_pairs` on
the union, and keep only pairs touching a new article, before grouping.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xxhash

from newsdedup.dedup.canonical import doc_keys
from newsdedup.dedup.edges import COUNTS, VerifyFn, VerifyInputs, local_verifier
from newsdedup.dedup.groups import METHODS, Assignment, Prepared, assign_groups, group_components
from newsdedup.dedup.lsh import CandidateFn, banding_plan, candidate_blocks, lsh_params
from newsdedup.dedup.mapped import take_rows
from newsdedup.dedup.minhash import signature_agreement
from newsdedup.dedup.sketches import Sketches, compact_digests, sketch_texts
from newsdedup.errors import NewsdedupError
from newsdedup.model import MapFn, ProgressFn, map_with_progress, no_progress, serial_map
from newsdedup.params import DedupParams

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_BLOCK_PAIRS", "DedupResult", "find_duplicates"]

#: Candidate pairs verified together by default (about 64 bytes each while a block is in flight).
DEFAULT_BLOCK_PAIRS = 1 << 23


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


class _Stopwatch:
    """Seconds per step, written into ``stats`` as ``seconds_<step>``."""

    def __init__(self, stats: dict[str, int | float]) -> None:
        self.stats = stats
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.stats[f"seconds_{step}"] = round(now - self.last, 4)
        self.last = now


def find_duplicates(
    docs: pd.DataFrame,
    params: DedupParams | None = None,
    sketches: Sketches | None = None,
    candidates: CandidateFn | None = None,
    *,
    verify: VerifyFn | None = None,
    map_fn: MapFn = serial_map,
    progress: ProgressFn = no_progress,
    block_pairs: int = DEFAULT_BLOCK_PAIRS,
) -> DedupResult:
    """Find exact and near-duplicate articles and group them under a canonical article.

    ``docs`` needs ``article_id`` (unique) and, unless ``sketches`` is given, ``match_text`` (normalised
    matching text); ``published_at``, ``body_len`` and ``source`` feed the canonical rule when present.
    ``sketches`` (aligned with ``docs`` rows, from :func:`~newsdedup.dedup.sketches.sketch_texts`) saves
    recomputing them; its ``hashes`` may be a read-only ``np.memmap`` (see
    :func:`~newsdedup.dedup.verify.verify_pairs`) and its ``digests`` a numpy array. ``candidates`` replaces
    the LSH banding step (:func:`~newsdedup.dedup.lsh.candidates_from_signatures`, same contract and result)
    with another executor's, e.g. Dask's. The result does not depend on row order: work happens in
    article_id order and is mapped back to input order at the end. ``map_fn`` runs the blocks of sketching
    and verification (a thread map from the run layer runs them in parallel; the result is the same);
    ``progress`` hears of the documents sketched ("dedup: sketching") and the candidate pairs verified
    ("dedup: verifying pairs"). Candidate pairs are generated, verified and reduced to edges in blocks of
    about ``block_pairs`` (:func:`~newsdedup.dedup.lsh.candidate_blocks`); only the kept edges accumulate,
    so the result does not depend on the block size. ``verify`` replaces the in-process verification of the
    blocks (:func:`~newsdedup.dedup.edges.local_verifier`, same contract and result), e.g. with one that runs
    them on an engine's workers; it gets the blocks and what a block's verification needs
    (:class:`~newsdedup.dedup.edges.VerifyInputs`) and yields each block's kept edges in block order.
    """
    params = params or DedupParams()
    ids, order = _article_order(docs, need_text=sketches is None)
    stats: dict[str, int | float] = {"documents": len(docs)}
    clock = _Stopwatch(stats)
    if sketches is None:
        texts = docs["match_text"].fillna("").astype(str).tolist()
        sketches = sketch_texts(texts, params, map_fn=map_with_progress(map_fn, progress, "dedup: sketching"))
        clock.lap("sketch")
    elif len(sketches.tokens) != len(docs) or len(sketches.digests) != len(docs):
        raise NewsdedupError(f"sketches cover {len(sketches.tokens)} documents, docs has {len(docs)}")
    tokens = np.asarray(sketches.tokens, dtype=np.int64)[order]
    keys = doc_keys(docs, order, ids, params, tokens)
    prep = _exact_copies(sketches, order, tokens, params, stats)
    clock.lap("exact")
    blocks = _lsh_candidates(sketches.signatures, prep, params, candidates, stats, block_pairs)
    if verify is None:
        verify = local_verifier(map_with_progress(map_fn, progress, "dedup: verifying pairs"))
    edge_left, edge_right = _verify_candidates(prep, blocks, params, stats, verify, clock)
    labels = group_components(len(prep.reps), edge_left, edge_right)
    prep.set_edges(edge_left, edge_right)
    clock.lap("components")
    assignment = assign_groups(labels, prep, keys, params, stats)
    clock.lap("canonical")
    assignments, duplicates = _output_tables(ids, order, assignment, sketches.signatures, stats)
    clock.lap("output")
    logger.debug("dedup: %s", stats)
    return DedupResult(assignments, duplicates, sketches.signatures, stats)


def _article_order(docs: pd.DataFrame, need_text: bool) -> tuple[np.ndarray, np.ndarray]:
    """(article ids in id order, the input row of each): the order every step works in. Checks the
    columns and that ids are unique."""
    needed = ("article_id", "match_text") if need_text else ("article_id",)
    for col in needed:
        if col not in docs:
            raise NewsdedupError(f"find_duplicates needs a {col!r} column, got columns {list(docs.columns)}")
    ids_in = docs["article_id"].astype(str).to_numpy(dtype=object)
    order = np.argsort(ids_in.astype(str), kind="stable")
    ids_sorted = ids_in[order]
    # Sorted, so a repeated id sits next to itself (cheaper than a hash table of a million strings).
    if len(ids_sorted) > 1 and (ids_sorted[1:] == ids_sorted[:-1]).any():
        raise NewsdedupError("article_id values must be unique")
    return ids_sorted, order


def _exact_copies(
    sketches: Sketches,
    order: np.ndarray,
    tokens: np.ndarray,
    params: DedupParams,
    stats: dict[str, int | float],
) -> Prepared:
    """Step 2: exact copies share a content digest; the representative is the first copy in article_id
    order. The sketches stay where they are (possibly on disk): representatives are addressed by input row."""
    n = len(order)
    rep_of = _exact_representatives(compact_digests(sketches.digests)[order], tokens)
    reps = np.flatnonzero(rep_of == np.arange(n))
    rep_index = np.full(n, -1, dtype=np.int64)
    rep_index[reps] = np.arange(len(reps))
    rep_index[rep_of >= 0] = rep_index[rep_of[rep_of >= 0]]
    stats["empty_texts"] = int((tokens == 0).sum())
    stats["short_texts"] = int(((tokens > 0) & (tokens < params.min_tokens)).sum())
    stats["exact_dups"] = int((rep_of >= 0).sum() - len(reps))
    rep_rows = order[reps]
    offsets = np.asarray(sketches.offsets)
    return Prepared(rep_of, rep_index, reps, rep_rows, sketches.hashes, offsets, tokens[reps])


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


def _lsh_candidates(
    signatures: np.ndarray,
    prep: Prepared,
    params: DedupParams,
    candidates: CandidateFn | None,
    stats: dict[str, int | float],
    block_pairs: int,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Step 3: blocks of candidate pairs of representatives (indices into ``prep.rows``) from LSH banding
    (:func:`~newsdedup.dedup.lsh.banding_plan`); an engine's ``candidates`` function bands once with
    :func:`~newsdedup.dedup.lsh.lsh_params` and its pairs are cut into blocks."""
    bands, rows = lsh_params(params)
    stats.update(bands=bands, rows=rows, lsh_threshold=round(params.effective_lsh_threshold, 4))
    if candidates is None:
        plan = banding_plan(params)
        if len(plan) > 1:  # bands/rows above are the containment banding's; the Jaccard banding's:
            stats.update(jaccard_bands=plan[0].bands, jaccard_rows=plan[0].rows)
        lens = np.diff(prep.offsets)[prep.rows]
        return candidate_blocks(
            signatures,
            plan,
            lens,
            prep.tokens,
            params.max_bucket_size,
            block_pairs,
            select=prep.rows,
            stats=stats,
        )
    left, right, capped = candidates(take_rows(signatures, prep.rows), bands, rows, params.max_bucket_size)
    stats["capped_buckets"] = capped
    step = max(block_pairs, 1)
    return ((left[i : i + step], right[i : i + step]) for i in range(0, len(left), step))


def _verify_candidates(
    prep: Prepared,
    blocks: Iterator[tuple[np.ndarray, np.ndarray]],
    params: DedupParams,
    stats: dict[str, int | float],
    verify: VerifyFn,
    clock: _Stopwatch,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 4: each block of candidate pairs verified (exact similarities) and reduced to the pairs the edge
    rule keeps, by ``verify`` (:mod:`newsdedup.dedup.edges`); the kept pairs' similarities stay in ``prep``
    for reuse; returns the kept pairs. ``seconds_lsh`` is the time spent producing blocks, ``seconds_verify``
    the rest."""
    counts = dict.fromkeys(COUNTS, 0)
    kept: list[tuple[np.ndarray, ...]] = []
    timed = _TimedBlocks(blocks)
    began = time.perf_counter()
    inputs = VerifyInputs(prep.hashes, prep.offsets, prep.rows, prep.tokens, params)
    for edges in verify(timed, inputs):
        for key in COUNTS:
            counts[key] += edges.counts[key]
        kept.append((edges.left, edges.right, edges.jaccard, edges.containment))
    stats.update(counts)
    left, right, jac, con = (
        (np.concatenate(parts) for parts in zip(*kept, strict=True))
        if kept
        else (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) * 2
    )
    codes = left * len(prep.reps) + right
    order = np.argsort(codes, kind="stable")
    prep.pair_codes, prep.pair_jac, prep.pair_con = codes[order], jac[order], con[order]
    total = time.perf_counter() - began
    clock.lap("verify")
    stats["seconds_lsh"] = round(timed.seconds, 4)
    stats["seconds_verify"] = round(total - timed.seconds, 4)
    return left[order], right[order]


class _TimedBlocks:
    """The candidate blocks, with the seconds spent producing them (``seconds``)."""

    def __init__(self, blocks: Iterator[tuple[np.ndarray, np.ndarray]]) -> None:
        self.blocks = blocks
        self.seconds = 0.0

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return self

    def __next__(self) -> tuple[np.ndarray, np.ndarray]:
        began = time.perf_counter()
        try:
            return next(self.blocks)
        finally:
            self.seconds += time.perf_counter() - began


def _output_tables(
    ids: np.ndarray,
    order: np.ndarray,
    result: Assignment,
    signatures: np.ndarray,
    stats: dict[str, int | float],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 7: the assignments and duplicates tables, back in input order."""
    n = len(order)
    canonical = result.canonical
    is_canon = canonical == np.arange(n)
    heads = np.flatnonzero(is_canon)
    group_ids = np.array(
        ["d_" + xxhash.xxh64_hexdigest(c.encode("utf-8")) for c in ids[heads].tolist()], dtype=object
    )
    est = np.ones(n)
    nc = np.flatnonzero(~is_canon)
    # Exact copies have equal texts, hence equal signatures: each document's own row stands for its copy set.
    est[nc] = signature_agreement(signatures, order[nc], order[canonical[nc]])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    # Columns of strings are taken from one converted copy (ids) or from small tables (groups, reasons).
    ids_col = _take_str(ids, inverse)
    canon_in = order[canonical[inverse]]  # input row of each row's canonical
    methods = np.array(METHODS, dtype=object)
    assignments = pd.DataFrame(
        {
            "article_id": ids_col,
            "dup_group_id": _take_str(group_ids, np.searchsorted(heads, canonical[inverse])),
            "canonical_id": ids_col.take(canon_in),
            "is_canonical": is_canon[inverse],
            "dup_similarity": result.similarity[inverse],
            "method": _take_str(methods, result.method[inverse]),
            "canonical_reason": _take_str(np.array(result.reasons, dtype=object), result.reason[inverse]),
        }
    )
    dup_in = np.flatnonzero(~is_canon[inverse])
    dup_rows = inverse[dup_in]
    duplicates = pd.DataFrame(
        {
            "article_id": ids_col.take(dup_in),
            "canonical_id": ids_col.take(canon_in[dup_in]),
            "similarity": result.similarity[dup_rows],
            "estimated_similarity": est[dup_rows],
            "method": _take_str(methods, result.method[dup_rows]),
        }
    )
    stats["groups"] = len(heads)
    stats["dup_groups"] = result.multi_groups
    stats["duplicates"] = len(nc)
    return assignments, duplicates


def _take_str(values: np.ndarray, idx: np.ndarray) -> Any:
    """Column ``values[idx]`` of a small table of strings, built by an array take instead of converting one
    Python string object per row (the column type is what pandas infers for ``values``)."""
    return pd.Series(values, dtype=object if len(values) == 0 else None).array.take(idx)
