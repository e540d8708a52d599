"""Exact and near-duplicate detection: content hash, MinHash LSH, exact verification, guarded groups.

Steps of :func:`find_duplicates`, each a function over arrays so a later step (history, Dask) can reuse them:

1. exact: documents with the same xxh3_128 of their matching text are exact copies; one representative per
   copy set goes on (empty texts never match anything).
2. :func:`shingle_hashes` + :func:`~newsdedup.minhash.minhash_signatures` on the representatives.
3. :func:`candidates_from_signatures`: LSH banding (bands/rows from datasketch's optimiser) -> candidate pairs.
4. :func:`verify_pairs`: exact Jaccard and containment on the shingle sets; :func:`keep_edges` applies the
   thresholds (false positives of the banding are dropped here).
5. :func:`group_components`: connected components over kept edges.
6. :func:`choose_canonical` + the chaining guard in :func:`_guard_groups`: a member stays in a group only if
   it is verified-similar to the canonical (directly), or linked by a kept edge to a direct member *and* at
   least ``chain_floor`` similar to the canonical; the others are split off and grouped again among
   themselves with the same rule.

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

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xxhash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsdedup.errors import ConfigError, NewsdedupError
from newsdedup.minhash import (
    SCHEMES,
    SHINGLE_KINDS,
    minhash_signatures,
    shingle_hashes_for,
    signature_agreement,
)

logger = logging.getLogger(__name__)

__all__ = [
    "CANONICAL_RULES",
    "DedupParams",
    "DedupResult",
    "candidates_from_signatures",
    "choose_canonical",
    "choose_canonicals",
    "find_duplicates",
    "group_components",
    "keep_edges",
    "lsh_params",
    "shingle_hashes",
    "verify_pairs",
]

CANONICAL_RULES = ("earliest", "longest", "preferred_source", "id")
METHODS = ("canonical", "exact", "near", "containment")


@dataclass(frozen=True)
class DedupParams:
    """Parameters of duplicate detection; validated on construction (ConfigError names the bad value).

    shingle, shingle_size: "word" k-grams of whitespace tokens (default 5) or "char" k-grams.
    num_perm, seed, scheme: MinHash parameters, as in ``datasketch.MinHash``.
    threshold: Jaccard on shingle sets at or above which two texts are near-duplicates ("near").
    containment_threshold: |A∩B|/min(|A|,|B|) at or above which the smaller text is inside the larger one
        ("containment"), provided the smaller one has at least ``min_containment_tokens`` words.
    min_length_ratio: the shortest contained copy (as a fraction of the longer text's shingles) the LSH
        step is tuned to surface; sets the derived LSH threshold (see the module docstring).
    lsh_threshold: explicit LSH threshold, overriding the derived one.
    min_tokens, short_threshold: texts with fewer words only match with Jaccard >= short_threshold.
    chain_floor: least similarity to the canonical of a member admitted through another member.
    max_bucket_size: LSH buckets larger than this emit a star + chain of pairs instead of all pairs.
    canonical_rule: order of criteria for the canonical ("earliest", "longest", "preferred_source", "id");
        "id" is always appended as the final tie-break.
    preferred_sources: for "preferred_source", earlier in the tuple is better; others rank after.
    n_jobs: threads for shingling and signatures.

    Defaults, from measurements (word 5-grams, tests/test_dedup.py and benchmarks/bench_dedup.py):
    same-event articles by different outlets (BASIL, 300 within-event pairs) reach Jaccard 0.20 and
    containment 0.35 at k=5 (0.24 / 0.41 at k=3, 0.30 / 0.52 at k=2), so k=5 keeps the widest margin;
    syndicated copies in the synthetic corpus (1-5% words edited, trimmed endings) have Jaccard >= 0.46
    for 99% of pairs and containment >= 0.73 for 99%, hence threshold 0.5 and containment 0.8 (pairwise
    F1 0.9996 at 20k articles). chain_floor 0.4 sits above the 0.35 BASIL containment maximum.
    min_tokens 20: on AG News descriptions (7,600 short texts, median 31 words) 58 pairs group (7 exact,
    51 near: same wire item from two feeds); the rule only guards against few-word collisions.
    """

    shingle: str = "word"
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    threshold: float = 0.5
    containment_threshold: float = 0.8
    min_length_ratio: float = 0.25
    lsh_threshold: float | None = None
    min_tokens: int = 20
    short_threshold: float = 0.9
    min_containment_tokens: int = 50
    chain_floor: float = 0.4
    max_bucket_size: int = 200
    canonical_rule: tuple[str, ...] = CANONICAL_RULES
    preferred_sources: tuple[str, ...] = ()
    n_jobs: int = 2

    def __post_init__(self) -> None:
        if self.shingle not in SHINGLE_KINDS:
            raise ConfigError(f"shingle must be one of {', '.join(SHINGLE_KINDS)}, got {self.shingle!r}")
        if self.scheme not in SCHEMES:
            raise ConfigError(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        for name, lo in (("shingle_size", 1), ("num_perm", 2), ("max_bucket_size", 2), ("n_jobs", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < lo:
                raise ConfigError(f"{name} must be an integer >= {lo}, got {value!r}")
        for name in ("min_tokens", "min_containment_tokens", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name} must be an integer >= 0, got {value!r}")
        for name in ("threshold", "containment_threshold", "short_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"{name} must be in (0.0, 1.0], got {value!r}")
        for name in ("min_length_ratio", "chain_floor"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be in [0.0, 1.0], got {value!r}")
        if self.lsh_threshold is not None and not 0.0 < self.lsh_threshold < 1.0:
            raise ConfigError(f"lsh_threshold must be in (0.0, 1.0) or None, got {self.lsh_threshold!r}")
        bad = [r for r in self.canonical_rule if r not in CANONICAL_RULES]
        if bad or len(set(self.canonical_rule)) != len(self.canonical_rule):
            raise ConfigError(
                f"canonical_rule must list distinct values among {', '.join(CANONICAL_RULES)}, "
                f"got {self.canonical_rule!r}"
            )

    @property
    def effective_lsh_threshold(self) -> float:
        """LSH threshold: explicit, else min(threshold, Jaccard of a ``min_length_ratio`` contained copy)."""
        if self.lsh_threshold is not None:
            return self.lsh_threshold
        c, f = self.containment_threshold, self.min_length_ratio
        contained = c * f / (1.0 + f - c * f)
        return min(self.threshold, max(contained, 0.05))


def lsh_params(params: DedupParams) -> tuple[int, int]:
    """(bands, rows) for the effective LSH threshold, from datasketch's own optimiser (equal FP/FN weights)."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(params.effective_lsh_threshold, params.num_perm, 0.5, 0.5)
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
    codes: list[np.ndarray] = []
    m = len(bucket)
    if m < 2:
        return codes, 0
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(bucket[1:], bucket[:-1], out=new[1:])
    gid = np.cumsum(new) - 1
    sizes = np.bincount(gid)
    size_of = sizes[gid]
    # Small buckets: all pairs, by comparing each member with the one d places further along.
    small = (size_of >= 2) & (size_of <= max_bucket_size)
    mem, mgid = members[small], gid[small]
    max_size = int(size_of[small].max()) if small.any() else 0
    for d in range(1, max_size):
        same = mgid[d:] == mgid[:-d]
        a, b = mem[:-d][same], mem[d:][same]
        codes.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    big = size_of > max_bucket_size
    capped = 0
    if big.any():
        capped = int((sizes > max_bucket_size).sum())
        mem, mgid = members[big], gid[big]
        starts = np.r_[True, mgid[1:] != mgid[:-1]]
        first = mem[np.flatnonzero(starts)][np.cumsum(starts) - 1]
        star = first != mem
        same = mgid[1:] == mgid[:-1]
        for a, b in ((first[star], mem[star]), (mem[:-1][same], mem[1:][same])):
            codes.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    return codes, capped


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
    n = sig.shape[0]
    codes: list[np.ndarray] = []
    capped = 0
    if n >= 2:
        for band in range(bands):
            keys = _band_keys(sig[:, band * rows : (band + 1) * rows])
            order = np.argsort(keys, kind="stable")
            c, k = bucket_pair_codes(keys[order], order.astype(np.int64), n, max_bucket_size)
            codes.extend(c)
            capped += k
    left, right = codes_to_pairs(codes, n)
    return left, right, capped


#: The LSH banding step: (signatures, bands, rows, max_bucket_size) -> (left, right, capped buckets).
CandidateFn = Callable[[np.ndarray, int, int, int], tuple[np.ndarray, np.ndarray, int]]


def verify_pairs(
    hashes: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment (|A∩B| / min(|A|,|B|)) of the shingle sets of each pair.

    ``hashes``/``offsets`` as from :func:`shingle_hashes` (sorted unique per document). Vectorised over
    batches of pairs: both sides' shingles get the pair's slot number in the high 32 bits, so the two
    gathered arrays are sorted runs, and a stable sort of their concatenation puts common shingles next
    to each other (measured faster than a binary-search lookup: 0.54 s vs 0.63 s CPU for 25k pairs). Returns ``(jaccard, containment)`` floats; both 0.0 when a side is empty.
    """
    m = len(left)
    lens = np.diff(offsets)
    la_all, lb_all = lens[left], lens[right]
    inter = np.zeros(m, dtype=np.int64)
    budget = 1 << 21
    cum = np.cumsum(la_all + lb_all)
    lo = 0
    while lo < m:
        hi = max(lo + 1, int(np.searchsorted(cum, (cum[lo - 1] if lo else 0) + budget, side="right")))
        slots = np.arange(hi - lo, dtype=np.uint64)

        def gather(docs: np.ndarray, sizes: np.ndarray, slots: np.ndarray = slots) -> np.ndarray:
            first = np.cumsum(sizes) - sizes
            idx = np.repeat(offsets[docs] - first, sizes) + np.arange(int(sizes.sum()), dtype=np.int64)
            return (np.repeat(slots, sizes) << np.uint64(32)) | hashes[idx].astype(np.uint64)

        keys = np.concatenate([gather(left[lo:hi], la_all[lo:hi]), gather(right[lo:hi], lb_all[lo:hi])])
        keys.sort(kind="stable")
        common = keys[1:][keys[1:] == keys[:-1]]
        inter[lo:hi] = np.bincount((common >> np.uint64(32)).astype(np.int64), minlength=hi - lo)
        lo = hi
    union = la_all + lb_all - inter
    small = np.minimum(la_all, lb_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        containment = np.where(small > 0, inter / np.maximum(small, 1), 0.0)
    return jaccard, containment


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
    short = np.minimum(tokens_left, tokens_right) < params.min_tokens
    near = jaccard >= np.where(short, params.short_threshold, params.threshold)
    contained = (
        ~short
        & (containment >= params.containment_threshold)
        & (np.minimum(tokens_left, tokens_right) >= params.min_containment_tokens)
    )
    keep = near | contained
    method = np.where(near, "near", np.where(contained, "containment", ""))
    similarity = np.where(near, jaccard, np.where(contained, containment, jaccard))
    return keep, method, similarity


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
    reasons = [
        _reason(full_rule[k], int(w), keys) for k, w in zip(decided.tolist(), winners.tolist(), strict=True)
    ]
    return winners, reasons


def _doc_keys(frame: pd.DataFrame, params: DedupParams) -> _DocKeys:
    n = len(frame)
    ids = frame["article_id"].astype(str).to_numpy(dtype=object)
    if "published_at" in frame:
        pub = pd.to_datetime(frame["published_at"], utc=True)
        has_pub = pub.notna().to_numpy()
        ns = pub.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)
        pub_ns = np.where(has_pub, ns, np.iinfo(np.int64).max)
    else:
        has_pub = np.zeros(n, dtype=bool)
        pub_ns = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if "body_len" in frame:
        body_len = frame["body_len"].fillna(0).to_numpy().astype(np.int64)
    else:
        body_len = frame["match_text"].fillna("").astype(str).str.len().to_numpy().astype(np.int64)
    sources = (
        frame["source"].astype(object).where(frame["source"].notna(), None).to_numpy(dtype=object)
        if "source" in frame
        else np.full(n, None, dtype=object)
    )
    rank_of = {s: i for i, s in enumerate(params.preferred_sources)}
    source_rank = np.array([rank_of.get(s, len(rank_of)) for s in sources], dtype=np.int64)
    return _DocKeys(ids, pub_ns.astype(np.int64), has_pub, body_len, source_rank, sources)


@dataclass
class _Prepared:
    """Representative-level arrays shared by the grouping steps (internal order)."""

    rep_of: np.ndarray  # doc -> representative doc (exact copies share it); -1 for empty texts
    rep_index: np.ndarray  # doc -> row in the representative arrays, -1 for empty texts
    reps: np.ndarray  # representative doc indices
    hashes: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray  # words per representative
    sig: np.ndarray  # signatures of representatives
    # Verified candidate pairs, as sorted codes min*n+max with their Jaccard and containment, for reuse.
    pair_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_jac: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_con: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def similarities(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(jaccard, containment) of representative pairs, reusing already verified candidate pairs."""
        n = len(self.reps)
        codes = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
        jac, con = np.ones(len(a)), np.ones(len(a))
        pos = np.minimum(np.searchsorted(self.pair_codes, codes), max(len(self.pair_codes) - 1, 0))
        known = (self.pair_codes[pos] == codes) if len(self.pair_codes) else np.zeros(len(a), dtype=bool)
        jac[known], con[known] = self.pair_jac[pos[known]], self.pair_con[pos[known]]
        todo = np.flatnonzero(~known & (a != b))
        jac[todo], con[todo] = verify_pairs(self.hashes, self.offsets, a[todo], b[todo])
        return jac, con


def _guard_groups(
    components: list[np.ndarray],
    prep: _Prepared,
    edges: set[tuple[int, int]],
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
            direct_reps = {int(r) for r in ra[sl][direct]}
            short = prep.tokens[ra[sl]] < params.min_tokens
            floor_sim = np.maximum(jac_to_c[sl], np.where(short, 0.0, con_to_c[sl]))
            accepted = direct.copy()
            methods = np.where(ex, "exact", meth).astype(object)
            sims = np.where(ex, 1.0, sm)
            for i in np.flatnonzero(~direct & ~short & (floor_sim >= params.chain_floor)):
                r = int(ra[sl][i])
                if any((min(r, d), max(r, d)) in edges for d in direct_reps):
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
                local = {int(r): k for k, r in enumerate(dict.fromkeys(rest_rep.tolist()))}
                el = [(local[a], local[b]) for a, b in edges if a in local and b in local]
                la = np.array([e[0] for e in el], dtype=np.int64)
                lb = np.array([e[1] for e in el], dtype=np.int64)
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


def _fast_groups(
    components: list[np.ndarray],
    prep: _Prepared,
    edges: set[tuple[int, int]],
    keys: _DocKeys,
    params: DedupParams,
    stats: dict[str, int | float],
) -> list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray]]:
    """Vectorised first pass of :func:`_guard_groups`: groups whose members are all directly verified
    against the canonical are final; the others go through :func:`_guard_groups` member by member."""
    if not components:
        stats["chain_splits"] = 0
        return []
    sizes = np.array([len(c) for c in components], dtype=np.int64)
    group = np.repeat(np.arange(len(components), dtype=np.int64), sizes)
    members = np.concatenate(components)
    canon, reasons = choose_canonicals(group, members, keys, params.canonical_rule)
    ra, rb = prep.rep_index[members], prep.rep_index[canon[group]]
    jac, con = prep.similarities(ra, rb)
    keep, method, sim = keep_edges(jac, con, prep.tokens[ra], prep.tokens[rb], params)
    exact = ra == rb
    direct = exact | keep
    all_direct = np.bincount(group, weights=~direct, minlength=len(components)) == 0
    is_c = members == canon[group]
    methods = np.where(is_c, "canonical", np.where(exact, "exact", method)).astype(object)
    sims = np.where(exact, 1.0, sim)
    bounds = np.r_[0, np.cumsum(sizes)]
    out = [
        (
            int(canon[g]),
            reasons[g],
            members[bounds[g] : bounds[g + 1]],
            sims[bounds[g] : bounds[g + 1]],
            methods[bounds[g] : bounds[g + 1]],
        )
        for g in np.flatnonzero(all_direct)
    ]
    slow = [components[g] for g in np.flatnonzero(~all_direct)]
    out.extend(_guard_groups(slow, prep, edges, keys, params, stats))
    return out


@dataclass
class Sketches:
    """Per-document sketches computed where the documents are parsed (worker processes, Dask partitions):
    content digests, word counts, shingle hashes (``hashes``/``offsets`` as from :func:`shingle_hashes`)
    and MinHash signatures, in the documents' order."""

    digests: list[bytes]
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
        return cls(
            digests=[d for p in parts for d in p.digests],
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
    return Sketches(
        [base.digests[i] for i in rows.tolist()], base.tokens[rows], hashes, offsets, base.signatures[rows]
    )


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
    digests = [xxhash.xxh3_128_digest(t.encode("utf-8")) for t in texts]
    # Matching text is whitespace-collapsed, so counting separators counts words without a Python split.
    tokens = np.array([t.count(" ") + 1 if t.strip() else 0 for t in texts], dtype=np.int64)
    hashes, offsets = shingle_hashes(texts, params)
    sig = minhash_signatures(
        hashes, offsets, num_perm=params.num_perm, seed=params.seed, scheme=params.scheme, n_jobs=1
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


def find_duplicates(
    docs: pd.DataFrame,
    params: DedupParams | None = None,
    sketches: Sketches | None = None,
    candidates: CandidateFn | None = None,
) -> DedupResult:
    """Find exact and near-duplicate articles and group them under a canonical article.

    ``docs`` needs ``article_id`` (unique) and ``match_text`` (normalised matching text); ``published_at``,
    ``body_len`` and ``source`` feed the canonical rule when present. ``sketches`` (aligned with ``docs``
    rows, from :func:`sketch_texts`) saves recomputing them; ``candidates`` replaces the LSH banding step
    (:func:`candidates_from_signatures`, same contract and result) with another executor's, e.g. Dask's.
    The result does not depend on row order:
    work happens in article_id order and is mapped back to input order at the end.
    """
    params = params or DedupParams()
    for col in ("article_id", "match_text"):
        if col not in docs:
            raise NewsdedupError(f"find_duplicates needs a {col!r} column, got columns {list(docs.columns)}")
    ids_in = docs["article_id"].astype(str).to_numpy(dtype=object)
    if len(set(ids_in.tolist())) != len(ids_in):
        raise NewsdedupError("article_id values must be unique")
    stats: dict[str, int | float] = {"documents": len(docs)}
    timer = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal timer
        now = time.perf_counter()
        stats[f"seconds_{name}"] = round(now - timer, 4)
        timer = now

    order = np.argsort(ids_in.astype(str), kind="stable")
    frame = docs.iloc[order].reset_index(drop=True)
    n = len(frame)
    keys = _doc_keys(frame, params)
    if sketches is None:
        texts = frame["match_text"].fillna("").astype(str).tolist()
        # Matching text is whitespace-collapsed, so counting separators counts words without a Python split.
        tokens = np.array([t.count(" ") + 1 if t.strip() else 0 for t in texts], dtype=np.int64)
        digests = [xxhash.xxh3_128_digest(t.encode("utf-8")) for t in texts]
    else:
        if len(sketches.digests) != n:
            raise NewsdedupError(f"sketches cover {len(sketches.digests)} documents, docs has {n}")
        tokens = sketches.tokens[order]
        digests = [sketches.digests[i] for i in order.tolist()]

    # 1. Exact copies: same content hash; the representative is the first copy in article_id order.
    first_of: dict[bytes, int] = {}
    rep_of = np.full(n, -1, dtype=np.int64)
    for i, (dg, tok) in enumerate(zip(digests, tokens, strict=True)):
        if tok > 0:
            rep_of[i] = first_of.setdefault(dg, i)
    reps = np.flatnonzero(rep_of == np.arange(n))
    rep_index = np.full(n, -1, dtype=np.int64)
    rep_index[reps] = np.arange(len(reps))
    rep_index[rep_of >= 0] = rep_index[rep_of[rep_of >= 0]]
    stats["empty_texts"] = int((tokens == 0).sum())
    stats["short_texts"] = int(((tokens > 0) & (tokens < params.min_tokens)).sum())
    stats["exact_dups"] = int((rep_of >= 0).sum() - len(reps))
    lap("exact")

    # 2. Shingles and signatures of the representatives only.
    if sketches is None:
        hashes, offsets = shingle_hashes([texts[i] for i in reps], params)
        lap("shingle")
        sig_reps = minhash_signatures(
            hashes,
            offsets,
            num_perm=params.num_perm,
            seed=params.seed,
            scheme=params.scheme,
            n_jobs=params.n_jobs,
        )
        lap("signature")
    else:
        rows_in = order[reps]
        hashes, offsets = _take_segments(sketches.hashes, sketches.offsets, rows_in)
        sig_reps = sketches.signatures[rows_in]
        lap("gather_sketches")
    prep = _Prepared(rep_of, rep_index, reps, hashes, offsets, tokens[reps], sig_reps)

    # 3. LSH candidates.
    bands, rows = lsh_params(params)
    stats.update(bands=bands, rows=rows, lsh_threshold=round(params.effective_lsh_threshold, 4))
    banding = candidates or candidates_from_signatures
    left, right, capped = banding(sig_reps, bands, rows, params.max_bucket_size)
    stats["candidate_pairs"] = len(left)
    stats["capped_buckets"] = capped
    lap("lsh")

    # 4. Verification.
    jac, con = verify_pairs(hashes, offsets, left, right)
    prep.pair_codes, prep.pair_jac, prep.pair_con = left * len(reps) + right, jac, con
    keep, method, _sim = keep_edges(jac, con, prep.tokens[left], prep.tokens[right], params)
    stats["verified_pairs"] = int(keep.sum())
    stats["false_positives"] = int((~keep).sum())
    stats["near_edges"] = int((method == "near").sum())
    stats["containment_edges"] = int((method == "containment").sum())
    el, er = left[keep], right[keep]
    lap("verify")

    # 5. Components over representatives, expanded to every copy.
    labels_rep = group_components(len(reps), el, er)
    doc_label = np.full(n, -1, dtype=np.int64)
    has_rep = rep_index >= 0
    doc_label[has_rep] = labels_rep[rep_index[has_rep]]
    grouped = np.flatnonzero(doc_label >= 0)
    by_label = grouped[np.argsort(doc_label[grouped], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, np.diff(doc_label[by_label]) != 0, True])
    components = [by_label[a:b] for a, b in itertools.pairwise(bounds)]
    multi = [c for c in components if len(c) > 1]
    edges = {(int(a), int(b)) for a, b in zip(el.tolist(), er.tolist(), strict=True)}
    lap("components")

    # 6. Canonicals and chaining guard.
    groups = _fast_groups(multi, prep, edges, keys, params, stats)
    canonical = np.arange(n, dtype=np.int64)
    similarity = np.ones(n, dtype=np.float64)
    methods = np.full(n, "canonical", dtype=object)
    reasons = np.full(n, "only member", dtype=object)
    for c, reason, members, sims, meths in groups:
        canonical[members] = c
        similarity[members] = sims
        methods[members] = meths
        reasons[members] = reason
    lap("canonical")

    # 7. Output, back in input order.
    sig_docs = np.full((n, params.num_perm), _empty_value(params), dtype=sig_reps.dtype)
    sig_docs[has_rep] = sig_reps[rep_index[has_rep]]
    canon_ids = keys.ids[canonical]
    group_ids = np.array(
        ["d_" + xxhash.xxh64_hexdigest(str(c).encode("utf-8")) for c in canon_ids], dtype=object
    )
    is_canon = canonical == np.arange(n)
    est = np.ones(n)
    nc = np.flatnonzero(~is_canon)
    est[nc] = signature_agreement(sig_docs, nc, canonical[nc])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    assignments = (
        pd.DataFrame(
            {
                "article_id": keys.ids,
                "dup_group_id": group_ids,
                "canonical_id": canon_ids,
                "is_canonical": is_canon,
                "dup_similarity": similarity,
                "method": methods,
                "canonical_reason": reasons,
            }
        )
        .iloc[inverse]
        .reset_index(drop=True)
    )
    dup_rows = inverse[~is_canon[inverse]]
    duplicates = pd.DataFrame(
        {
            "article_id": keys.ids[dup_rows],
            "canonical_id": canon_ids[dup_rows],
            "similarity": similarity[dup_rows],
            "estimated_similarity": est[dup_rows],
            "method": methods[dup_rows],
        }
    )
    stats["groups"] = len(np.unique(canonical))
    stats["dup_groups"] = int(sum(1 for g in groups if len(g[2]) > 1))
    stats["duplicates"] = int((~is_canon).sum())
    lap("output")
    logger.debug("dedup: %s", stats)
    return DedupResult(assignments, duplicates, sig_docs[inverse], stats)


def _empty_value(params: DedupParams) -> int:
    """Signature value datasketch gives an empty MinHash under ``params.scheme``."""
    return (1 << 64) - 1 if params.scheme == "affine64" else (1 << 32) - 1
