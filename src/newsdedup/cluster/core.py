"""Story-level topic clustering of canonical articles: sparse TF-IDF, a sparse kNN graph, average linkage.

What it is for: after dedup, group the canonical articles that report the same event or developing story
(not broad sections such as "sport") and describe each group (label, keywords, size, sources, time span).

How (and why this way):

1. Representation (``story_features``, per chunk, e.g. in the parse workers; compiled kernel
   ``doc_terms`` over the UTF-8 bytes). Stop words removed; each document is
   ``body + LEAD_WEIGHT * lead + title_weight * title`` in sublinear term frequency, each part
   L2-normalised before the weighted sum, so a headline word can match another article's body (titles are
   normalised like matching text first). A document keeps its ``FEATURE_TERMS`` heaviest terms, chosen from
   the document alone (ties: the smaller term hash, the same choice in every document), so its features
   never depend on which documents shared its chunk, i.e. on input order or read-task size. They are
   64-bit token hashes folded to 32 bits with one-byte log-scale weights (~5 bytes per term). At cluster
   time (``select_terms``, compiled steps) each document is cut to its ``CLUSTER_TERMS`` best terms by
   weight x the IDF of the whole run (on the synthetic 20k set this cut is what separates stories: keeping
   every term, or a per-document top 60 without IDF, loses 0.05-0.07 B-cubed F1), the IDF is applied and
   rows are L2-normalised. Similarity is the cosine after subtracting the corpus mean row (shrunk for tiny
   corpora), computed without densifying: this removes the background similarity every pair of a corpus
   shares (house style, common vocabulary), so one threshold means the same on corpora with very different
   vocabularies (it lifted synthetic-set F1 from 0.80 to 0.99 at one threshold while BASIL stayed ~1.0).
   One doc-term matrix is held and rescaled in place between the steps.
2. Candidates (compiled kernel ``knn_graph``). An inverted index over each row's ``CANDIDATE_TERMS``
   heaviest terms, every posting list in time order; through each term a document meets only the
   ``CANDIDATE_WINDOW`` documents on either side of it (the nearest in time), so the work is linear in n
   even when every document shares every common term (a 7-day corpus of 500k documents). The
   ``CANDIDATE_POOL * n_neighbors`` best by summed candidate-term products get an exact centred,
   time-decayed cosine; each row keeps its ``n_neighbors`` best. A small window also helps quality: a
   story's articles are near each other in time, other stories' articles with the same words mostly not.
3. Merge (compiled kernel ``average_linkage``). Our own average linkage on that graph, because sklearn's ``AgglomerativeClustering`` with a
   connectivity matrix averages only over graph edges (optimistic, prone to chaining) and its precomputed
   metric needs a dense n x n matrix. Average pairwise cosine between clusters A and C equals
   ``dot(S_A, S_C) / (|A| |C|)`` with ``S`` the sum of the members' unit rows, so it is computed exactly,
   even for member pairs the kNN graph left out (e.g. when a row's k neighbours were all copies). Clusters
   are compared only when some member pair is a graph edge. Time: the similarity is multiplied by
   ``exp(-|mean time A - mean time C| / time_scale)``; for two single articles that is the pairwise decay;
   clusters with no timed article are compared on text alone. Merging stops when the best similarity is
   below ``threshold`` (the one granularity knob). To keep the cost near linear, a merged cluster forgets
   neighbours below ``EDGE_FLOOR_RATIO * threshold`` and keeps at most ``LINK_MAX_NEIGHBORS`` below the
   threshold (its best); every neighbour above the threshold is kept, and a member merged later that links
   to a forgotten neighbour brings it back. Without this, each merge into a large story re-scores all of
   its neighbours (on the synthetic 100k set, B-cubed F1 0.8364 exact vs 0.8363 capped, measured with the
   earlier Python implementation).
4. Determinism. No randomness is used (``random_state`` is kept for the sklearn-style API); the wrapper sorts
   by article_id first; ties break on the smallest member index; topic ids derive from the smallest
   article_id in the cluster.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import xxhash
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsdedup.cluster.kernels import (
    average_linkage,
    candidate_terms,
    centroid_cosines,
    doc_terms,
    knn_rows,
    postings,
    select_terms,
    token_hashes,
    top_k_rows,
    unique_edges,
)
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_many

__all__ = [
    "TOPIC_COLUMNS",
    "ClusterParams",
    "StoryClusterer",
    "StoryFeatures",
    "cluster_stories",
    "story_features",
    "topic_id_for",
]

logger = logging.getLogger(__name__)

#: Weight of the lead (first ``lead_words`` words) relative to the whole body.
LEAD_WEIGHT = 1.0
#: Terms kept per document in its features (the heaviest, chosen from the document alone): bounds the
#: features to ~5 bytes x FEATURE_TERMS + 8 per document. Measured on the 20k synthetic set (canonical
#: articles, B-cubed F1): 60 -> 0.843 (no run IDF: cut 60 of 60), 100 -> 0.905, 150 -> 0.909,
#: 250 -> 0.914, every term -> 0.915; the previous chunk-IDF top 60 gave 0.914. 100 keeps the canonical
#: articles' features of a million-article run near 250 MB, for 0.004 of B-cubed.
FEATURE_TERMS = 100
#: Documents featurised at once (bounds the temporary token arrays).
FEATURE_CHUNK = 4096
#: Terms per document used for clustering: its best by weight x the run's IDF (see ``select_terms``).
CLUSTER_TERMS = 60
#: Terms per document used to propose kNN candidates (exact cosines are computed afterwards).
CANDIDATE_TERMS = 16
#: Terms in more than this share of documents never propose candidates (they carry little signal).
CANDIDATE_MAX_DF = 0.5
#: Per candidate term, a document meets the documents within this many places of it in the term's
#: time-ordered posting list (the nearest in time): n * CANDIDATE_TERMS * 2 * CANDIDATE_WINDOW at most.
CANDIDATE_WINDOW = 32
#: Candidates per document (times n_neighbors) whose exact cosine is computed.
CANDIDATE_POOL = 3
#: Candidate pairs below ``EDGE_FLOOR_RATIO * threshold`` are too dissimilar to be worth linking.
EDGE_FLOOR_RATIO = 0.25
#: A merged cluster keeps at most this many neighbours below the threshold (its best), besides all above it.
LINK_MAX_NEIGHBORS = 32
SECONDS_PER_DAY = 86400.0
#: Threads for the per-row kernels (kNN graph, term selection): None = the CPUs this process may use, at
#: most MAX_THREADS. The kernels release the GIL, so threads run them in parallel on disjoint row ranges
#: (not numba's own threading: the job forks worker processes, and its threading layers are not fork-safe).
THREADS: int | None = None
MAX_THREADS = 8
#: Rows per thread below which a kernel runs in the calling thread (starting threads would cost more).
THREAD_MIN_ROWS = 2048
#: Row ranges per thread: ranges are handed out as threads free up, so a thread slowed by other work on a
#: shared machine does not hold the others back.
BLOCKS_PER_THREAD = 4
#: Subtract the corpus mean row before cosine, so the shared background of a corpus does not count; the
#: mean is scaled by n / (n + CENTER_PRIOR_DOCS) so that tiny corpora are barely centred.
CENTER = True
CENTER_PRIOR_DOCS = 20

TOPIC_COLUMNS = [
    "topic_id",
    "label",
    "keywords",
    "size",
    "n_sources",
    "representative_id",
    "first_published",
    "last_published",
]


def topic_id_for(smallest_article_id: str) -> str:
    """Content-derived topic id: ``"t_"`` + xxh64 hex of the smallest article_id in the cluster."""
    return "t_" + xxhash.xxh64_hexdigest(smallest_article_id.encode("utf-8"))


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _count_matrices(
    texts: list[str], titles: list[str], lead_words: int, max_features: int | None
) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Term counts of body, lead and title over one vocabulary (English stop words removed).

    Returns (body, lead, title, terms) with columns in alphabetical term order, as CountVectorizer would,
    keeping the ``max_features`` most frequent terms when set. Texts are tokenised once, in chunks, and kept
    only as integer ids, so memory stays near the size of the sparse matrices themselves. (Clustering itself
    uses ``story_features``; this exact-count view shares its tokeniser and documents it in tests.)
    """
    vocab: dict[str, int] = {}
    parts: dict[str, list[sp.csr_matrix]] = {"body": [], "lead": [], "title": []}

    def add(name: str, rows: np.ndarray, ids: np.ndarray, n_rows: int) -> None:
        data = np.ones(len(ids), dtype=np.float32)
        m = sp.csr_matrix((data, (rows, ids)), shape=(n_rows, max(len(vocab), 1)))
        m.sum_duplicates()
        parts[name].append(m)

    def encode(docs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _tokenize(docs, vocab)

    chunk = 4096
    for start in range(0, len(texts), chunk):
        rows, ids, pos = encode(texts[start : start + chunk])
        n_rows = min(chunk, len(texts) - start)
        add("body", rows, ids, n_rows)
        lead = pos < lead_words
        add("lead", rows[lead], ids[lead], n_rows)
        rows, ids, _ = encode(titles[start : start + chunk])
        add("title", rows, ids, n_rows)
    if not vocab:  # every text empty or stop words only: one all-zero column keeps shapes valid
        vocab["_"] = 0
    n_terms = len(vocab)
    term_list = list(vocab)
    vocab.clear()
    mats: dict[str, sp.csr_matrix] = {}
    for name, ms in parts.items():
        for x in ms:
            x.resize((x.shape[0], n_terms))
        mats[name] = sp.csr_matrix(sp.vstack(ms, format="csr"))
    terms = np.array(term_list, dtype=object)
    alpha = np.array(sorted(range(n_terms), key=term_list.__getitem__), dtype=np.int64)
    keep = alpha
    if max_features is not None and max_features < n_terms:
        total = np.asarray((mats["body"] + mats["title"]).sum(axis=0)).ravel()
        # Most frequent first, ties alphabetical; then back to alphabetical order.
        rank_alpha = np.empty(n_terms, dtype=np.int64)
        rank_alpha[alpha] = np.arange(n_terms)
        top = np.lexsort((rank_alpha, -total))[:max_features]
        keep = top[np.argsort(rank_alpha[top])]
    out = [sp.csr_matrix(mats[name][:, keep]) for name in ("body", "lead", "title")]
    for m in out:
        m.sort_indices()
    return out[0], out[1], out[2], terms[keep]


def _to_days(published_at: Sequence[Any] | np.ndarray | None, n: int) -> np.ndarray:
    """Times as float days since the epoch, NaN where missing."""
    if published_at is None:
        return np.full(n, np.nan)
    if isinstance(published_at, np.ndarray) and published_at.dtype.kind == "M":
        if len(published_at) != n:
            raise ValueError(f"published_at has {len(published_at)} values for {n} texts")
        stamps = published_at.astype("datetime64[ns]")
        out = stamps.astype("int64").astype(np.float64) / 1e9 / SECONDS_PER_DAY
        out[np.isnat(stamps)] = np.nan
        return out
    ts = pd.to_datetime(pd.Series(list(published_at), dtype=object), utc=True, errors="coerce")
    if len(ts) != n:
        raise ValueError(f"published_at has {len(ts)} values for {n} texts")
    ns = ts.to_numpy(dtype="datetime64[ns]").astype("int64").astype(np.float64)
    days = ns / 1e9 / SECONDS_PER_DAY
    days[ts.isna().to_numpy()] = np.nan
    return days


def _top_k_per_row(
    indptr: np.ndarray, values: np.ndarray, tie: np.ndarray, k: int, tie_map: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, tie) of each CSR row's ``k`` largest ``values`` (as float32), ties to the smaller ``tie``; both >= 0.

    With ``tie_map`` the tie of an entry is ``tie_map[tie]``. Rows in order, each row's entries best first
    (compiled kernel ``top_k_rows``).
    """
    if len(values) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    no_map = np.empty(0, dtype=np.int64)
    tmap = no_map if tie_map is None else tie_map.astype(np.int64, copy=False)
    return top_k_rows(indptr.astype(np.int64, copy=False), values, tie, tmap, k)


@dataclass(frozen=True)
class StoryFeatures:
    """Compact per-document term data for story clustering, computable chunk by chunk (see story_features).

    CSR rows, one per document: ``indptr`` (int64, n + 1), ``term`` (uint32: the 64-bit token hash of
    ``doc_terms`` folded) and ``weight`` (uint8 log-scale code, see ``weights()``: sublinear term frequency of
    body, lead and title, each part L2-normalised and weighted, summed; no IDF, which needs the whole corpus
    and is applied at cluster time). Only each document's ``FEATURE_TERMS`` heaviest terms are kept, chosen
    from the document alone. ``vocab_hash`` (sorted uint32) and ``vocab_term`` (str) map the stored hashes
    back to words for keywords and labels.
    """

    indptr: np.ndarray
    term: np.ndarray
    weight: np.ndarray
    vocab_hash: np.ndarray
    vocab_term: np.ndarray

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-document arrays (the vocabulary is shared and counted apart)."""
        return int(self.indptr.nbytes + self.term.nbytes + self.weight.nbytes)

    @classmethod
    def empty(cls) -> StoryFeatures:
        return cls(
            np.zeros(1, dtype=np.int64),
            np.empty(0, dtype=np.uint32),
            np.empty(0, dtype=np.uint8),
            np.empty(0, dtype=np.uint32),
            np.empty(0, dtype=object),
        )

    def weights(self) -> np.ndarray:
        """The decoded term weights (float32), aligned with ``term``."""
        return _WEIGHT_TABLE[self.weight]

    @classmethod
    def concat(cls, parts: Sequence[StoryFeatures]) -> StoryFeatures:
        """The rows of ``parts`` one after the other, with their vocabularies merged."""
        if not parts:
            return cls.empty()
        offsets = np.cumsum([0] + [len(p.term) for p in parts[:-1]])
        indptr = np.concatenate(
            [parts[0].indptr[:1]]
            + [p.indptr[1:] - p.indptr[0] + o for p, o in zip(parts, offsets, strict=True)]
        )
        term = np.concatenate([p.term[p.indptr[0] : p.indptr[-1]] for p in parts])
        weight = np.concatenate([p.weight[p.indptr[0] : p.indptr[-1]] for p in parts])
        vh, vt = _merge_vocab([p.vocab_hash for p in parts], [p.vocab_term for p in parts])
        return cls(indptr.astype(np.int64), term, weight, vh, vt)

    def take(self, rows: np.ndarray) -> StoryFeatures:
        """The features of documents ``rows`` (positions), in that order; the vocabulary is pruned to them."""
        rows = np.asarray(rows, dtype=np.int64)
        lens = self.indptr[rows + 1] - self.indptr[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        term = np.empty(int(indptr[-1]), dtype=self.term.dtype)
        weight = np.empty(int(indptr[-1]), dtype=self.weight.dtype)
        # In blocks of rows: the gather positions are int64 per entry, which for all rows at once would
        # cost several times the features themselves.
        for r0 in range(0, len(rows), 65536):
            blk = rows[r0 : r0 + 65536]
            lo, blens = self.indptr[blk], lens[r0 : r0 + 65536]
            out0, out1 = indptr[r0], indptr[r0 + len(blk)]
            pos = np.arange(int(out1 - out0), dtype=np.int64) + np.repeat(
                lo - (indptr[r0 : r0 + len(blk)] - out0), blens
            )
            term[out0:out1] = self.term[pos]
            weight[out0:out1] = self.weight[pos]
        used = np.isin(self.vocab_hash, term)
        return StoryFeatures(indptr, term, weight, self.vocab_hash[used], self.vocab_term[used])


def _merge_vocab(hashes: Sequence[np.ndarray], terms: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Union of (hash, term) vocabularies, sorted by hash; on a hash collision the smaller term wins."""
    h = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint32)
    t = np.concatenate(terms) if terms else np.empty(0, dtype=object)
    if len(h) == 0:
        return h.astype(np.uint32), t.astype(object)
    order = np.argsort(h, kind="stable")
    h, t = h[order], t[order]
    first = np.concatenate(([True], h[1:] != h[:-1]))
    if not first.all():  # collisions or repeats: keep the smallest term per hash, whatever the part order
        starts = np.flatnonzero(first)
        ends = np.append(starts[1:], len(h))
        for s, e in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
            t[s] = min(t[s:e].tolist())
    return h[first].astype(np.uint32), t[first]


#: Weights are stored as one byte: the log of the weight on a uniform grid from WEIGHT_MIN to WEIGHT_MAX
#: (a relative step of ~4%, i.e. +-2%, well below the differences that move a cosine across the threshold).
WEIGHT_MIN = 1e-3
WEIGHT_MAX = 20.0
_LOG_STEP = math.log(WEIGHT_MAX / WEIGHT_MIN) / 255.0
_WEIGHT_TABLE = (WEIGHT_MIN * np.exp(np.arange(256) * _LOG_STEP)).astype(np.float32)


def _encode_weights(val: np.ndarray) -> np.ndarray:
    """Weights > 0 to their one-byte log-scale codes (nearest grid point, clipped to the grid)."""
    code = np.rint(np.log(np.maximum(val, WEIGHT_MIN) / WEIGHT_MIN) / _LOG_STEP)
    return np.clip(code, 0, 255).astype(np.uint8)


def _tokenize(docs: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, local term id, position in the doc) of every kept token; ids index ``vocab`` (grown here).

    Tokens are the regex matches of the lower-cased text, English stop words removed. A match never spans
    whitespace, so the text is split on whitespace in C and the regex runs once per distinct piece, not once
    per document (for matching text, already casefolded without punctuation, every piece is one token).
    """
    stop = ENGLISH_STOP_WORDS
    pieces = [t.split() for t in docs]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(docs))
    codes, uniques = pd.factorize(np.fromiter(chain.from_iterable(pieces), dtype=object))
    del pieces
    sub_gid: list[int] = []
    n_sub = np.empty(len(uniques), dtype=np.int64)
    for j, u in enumerate(uniques.tolist()):
        toks = _TOKEN.findall(u.lower())
        n_sub[j] = len(toks)
        sub_gid.extend(vocab.setdefault(t, len(vocab)) if t not in stop else -1 for t in toks)
    gid = np.array(sub_gid, dtype=np.int64)
    sub_start = np.cumsum(n_sub) - n_sub
    per_piece = n_sub[codes] if len(codes) else np.empty(0, dtype=np.int64)
    rows_piece = np.repeat(np.arange(len(docs)), lengths)
    if len(per_piece) and per_piece.min() == 1 and per_piece.max() == 1:
        ids, rows = gid[sub_start[codes]], rows_piece
    else:
        first = np.repeat(sub_start[codes] - (np.cumsum(per_piece) - per_piece), per_piece)
        ids = gid[first + np.arange(len(first))] if len(first) else np.empty(0, dtype=np.int64)
        rows = np.repeat(rows_piece, per_piece)
    n_tok = np.bincount(rows, minlength=len(docs))
    pos = np.arange(len(ids)) - np.repeat(np.cumsum(n_tok) - n_tok, n_tok)
    ok = ids >= 0
    return rows[ok], ids[ok], pos[ok]


def _stop_hashes() -> np.ndarray:
    """Sorted 64-bit token hashes of the English stop words (as ``doc_terms`` hashes tokens)."""
    global _STOP
    if _STOP is None:
        enc = [w.encode("utf-8") for w in sorted(ENGLISH_STOP_WORDS)]
        starts = np.zeros(len(enc) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in enc], out=starts[1:])
        _STOP = np.sort(token_hashes(np.frombuffer(b"".join(enc), dtype=np.uint8), starts))
    return _STOP


_STOP: np.ndarray | None = None


def _fold32(h: np.ndarray) -> np.ndarray:
    """The stored 32-bit term hash of 64-bit token hashes (both halves folded)."""
    return ((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _features_chunk(titles: list[str], texts: list[str], params: ClusterParams) -> StoryFeatures:
    """``story_features`` of one block of documents: one compiled pass over their UTF-8 bytes."""
    n = len(texts)
    pieces = texts + normalize_many(titles)
    raw = "".join(pieces).encode("utf-8", "surrogatepass")
    starts = np.zeros(2 * n + 1, dtype=np.int64)
    if len(raw) == sum(map(len, pieces)):  # all ASCII: one byte per character, no per-text encode
        np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=2 * n), out=starts[1:])
    else:  # encode only the texts that are not ASCII (isascii is a flag check)
        lens = (len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass")) for t in pieces)
        np.cumsum(np.fromiter(lens, dtype=np.int64, count=2 * n), out=starts[1:])
    del pieces
    buf = np.frombuffer(bytearray(raw), dtype=np.uint8)  # writable: the kernel lower-cases it in place
    indptr, term, val, voc_hash, words, _ = doc_terms(
        buf,
        starts[: n + 1],
        starts[n:],
        _stop_hashes(),
        params.lead_words if LEAD_WEIGHT > 0 else 0,
        LEAD_WEIGHT,
        params.title_weight,
        FEATURE_TERMS,
    )
    # Two words with one 32-bit hash (rare) are both listed and _merge_vocab keeps the smaller.
    listed = words.tobytes().decode("utf-8", "surrogatepass").split("\n") if len(voc_hash) else []
    vh, vt = _merge_vocab([voc_hash], [np.array(listed, dtype=object)])
    return StoryFeatures(indptr, term, _encode_weights(val), vh, vt)


def story_features(
    titles: Sequence[str | None], texts: Sequence[str | None], params: ClusterParams
) -> StoryFeatures:
    """Featurise documents for ``cluster_stories`` (pure; safe to run per chunk in worker processes).

    ``texts`` are matching texts (``normalize_for_matching`` of the body: tokens are runs of letters and
    digits, ASCII upper case is folded here but nothing else is normalised), ``titles`` the raw headlines
    (None or NaN for none; normalised here). Returns one row per document, in input order. A document's row
    depends on its own title and text only, so chunks may be featurised independently, in any order and
    size, and joined with ``StoryFeatures.concat``.
    """
    n = len(texts)
    if len(titles) != n:
        raise ValueError(f"titles has {len(titles)} values for {n} texts")
    texts_l = ["" if t is None or t != t else str(t) for t in texts]
    titles_l = ["" if t is None or t != t else str(t) for t in titles]
    parts = [
        _features_chunk(titles_l[s : s + FEATURE_CHUNK], texts_l[s : s + FEATURE_CHUNK], params)
        for s in range(0, n, FEATURE_CHUNK)
    ]
    if not parts:
        return StoryFeatures.empty()
    return parts[0] if len(parts) == 1 else StoryFeatures.concat(parts)


def _n_threads(n_rows: int) -> int:
    """Threads to use for ``n_rows`` rows of a per-row kernel (1: run in the calling thread)."""
    if THREADS is not None:
        cap = THREADS
    else:
        try:
            cap = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cap = os.cpu_count() or 1
        cap = min(cap, MAX_THREADS)
    return max(1, min(cap, n_rows // max(THREAD_MIN_ROWS, 1)))


def _row_blocks(n_rows: int, n_threads: int) -> list[tuple[int, int]]:
    """Consecutive row ranges covering ``[0, n_rows)``: one for a single thread, else BLOCKS_PER_THREAD each."""
    n_blocks = 1 if n_threads <= 1 else min(n_rows, n_threads * BLOCKS_PER_THREAD)
    edges = [n_rows * b // n_blocks for b in range(n_blocks + 1)]
    return [(edges[b], edges[b + 1]) for b in range(n_blocks) if edges[b + 1] > edges[b]]


def _per_block(fn: Callable[[int, int], Any], n_rows: int) -> list[Any]:
    """``fn(r0, r1)`` over row ranges covering ``[0, n_rows)``, in threads when worth it; results in row order.

    ``fn`` must touch only its own rows' part of any shared output, so the result does not depend on the
    number of threads or on which thread ran which range.
    """
    threads = _n_threads(n_rows)
    blocks = _row_blocks(n_rows, threads)
    if threads <= 1 or len(blocks) <= 1:
        return [fn(r0, r1) for r0, r1 in blocks]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsdedup-cluster") as pool:
        futures = [pool.submit(fn, r0, r1) for r0, r1 in blocks]
        return [f.result() for f in futures]


def _feature_matrix(
    feats: StoryFeatures, max_features: int | None, order: np.ndarray | None = None
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(W, terms): the feature weights of the documents at positions ``order`` (default: all, as stored), each row
    cut to its ``CLUSTER_TERMS`` best terms by weight x the IDF of all documents given, one column per
    distinct kept term (in hash order; ``terms`` the words).

    The cut uses the whole run's document frequencies, so a document's terms do not depend on which other
    documents shared its featurisation chunk. With ``max_features`` only the heaviest terms (by total
    weight, ties alphabetical) are kept, in alphabetical order.
    """
    rows = np.arange(len(feats), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    n = len(rows)
    ptr, col, val, hashes = select_terms(
        feats.indptr.astype(np.int64, copy=False),
        feats.term.astype(np.uint32, copy=False),
        feats.weight.astype(np.uint8, copy=False),
        _WEIGHT_TABLE,
        rows,
        CLUSTER_TERMS,
        per_block=_per_block,  # the per-row selection spread over threads (same output)
    )
    kept = np.flatnonzero(np.bincount(col, minlength=len(hashes)))
    if len(kept) == 0:  # every text empty or stop words only: one all-zero column keeps shapes valid
        return sp.csr_matrix((n, 1), dtype=np.float32), np.array(["_"], dtype=object)
    remap = np.zeros(len(hashes), dtype=np.int32)
    remap[kept] = np.arange(len(kept), dtype=np.int32)
    col = remap[col]
    pos = np.minimum(np.searchsorted(feats.vocab_hash, hashes[kept]), max(len(feats.vocab_hash) - 1, 0))
    terms = feats.vocab_term[pos]
    W = sp.csr_matrix((val, col, ptr), shape=(n, len(kept)))
    del col, val, ptr
    if max_features is not None and max_features < len(kept):
        total = np.asarray(W.sum(axis=0)).ravel()
        alpha = np.argsort(terms.astype(str), kind="stable")
        rank = np.empty(len(alpha), dtype=np.int64)
        rank[alpha] = np.arange(len(alpha))
        top = np.lexsort((rank, -total))[:max_features]
        keep = top[np.argsort(rank[top])]
        W = sp.csr_matrix(W[:, keep])
        terms = terms[keep]
        W.sort_indices()
    return W, terms


def _row_scale(M: sp.csr_matrix, f: np.ndarray, col_f: np.ndarray | None = None) -> None:
    """M.data *= f[row] (and / col_f[column] when given), in place, in blocks (no n-entry temporaries)."""
    ptr = M.indptr
    for r0 in range(0, M.shape[0], 65536):
        r1 = min(r0 + 65536, M.shape[0])
        lo, hi = int(ptr[r0]), int(ptr[r1])
        blk = M.data[lo:hi]
        blk *= np.repeat(f[r0:r1].astype(M.dtype), np.diff(ptr[r0 : r1 + 1]))
        if col_f is not None:
            blk /= col_f[M.indices[lo:hi]]


def _row_norms(M: sp.csr_matrix) -> np.ndarray:
    """L2 norm of each row (float64)."""
    out = np.zeros(M.shape[0], dtype=np.float64)
    lens = np.diff(M.indptr)
    nonempty = lens > 0
    if M.nnz:
        sq = np.square(M.data, dtype=np.float64)
        out[nonempty] = np.sqrt(np.add.reduceat(sq, M.indptr[:-1][nonempty]))
    return out


def _decay(days_a: np.ndarray, days_b: np.ndarray, scale: float | None) -> np.ndarray:
    """exp(-|dt| / scale), 1 where either time is missing or scale is None (in the dtype of the days)."""
    if scale is None:
        return np.ones(len(days_a), dtype=days_a.dtype)
    out = np.subtract(days_a, days_b)
    np.abs(out, out=out)
    out *= -1.0 / scale
    np.exp(out, out=out)
    out[np.isnan(out)] = 1.0
    return out


def _knn_edges(
    X: sp.csr_matrix,
    w: np.ndarray,
    q: np.ndarray,
    mm: float,
    days: np.ndarray,
    n_neighbors: int,
    scale: float | None,
    floor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse kNN graph: pairs (i < j) with the exact dot of their (scaled) rows, which are in time order.

    Candidates come from an inverted index over each row's ``CANDIDATE_TERMS`` heaviest terms (terms in
    more than ``CANDIDATE_MAX_DF`` of the documents excluded), each posting list in time order; a document
    meets, per term, only the ``CANDIDATE_WINDOW`` documents on either side of it in that order (the
    nearest in time), so the work is linear in n however common a term is.
    """
    n = X.shape[0]
    df = np.bincount(X.indices, minlength=X.shape[1])
    keep = df <= max(2, CANDIDATE_MAX_DF * n)
    x_ptr = X.indptr.astype(np.int64, copy=False)
    x_idx = X.indices.astype(np.int32, copy=False)
    x_val = X.data.astype(np.float32, copy=False)
    # per row range (x_ptr[r0:r1 + 1] points into the whole of x_idx / x_val), joined in row order
    parts = _per_block(
        lambda r0, r1: candidate_terms(x_ptr[r0 : r1 + 1], x_idx, x_val, keep, CANDIDATE_TERMS), n
    )
    if len(parts) <= 1:
        p_ptr, p_col, p_val = (
            parts[0] if parts else candidate_terms(x_ptr, x_idx, x_val, keep, CANDIDATE_TERMS)
        )
    else:
        offsets = np.cumsum([0] + [len(c) for _, c, _ in parts[:-1]])
        p_ptr = np.concatenate(
            [parts[0][0][:1]] + [ptr[1:] + o for (ptr, _, _), o in zip(parts, offsets, strict=True)]
        )
        p_col = np.concatenate([c for _, c, _ in parts])
        p_val = np.concatenate([v for _, _, v in parts])
    del parts
    # Postings in (term, row) order, i.e. by (term, time); each entry learns its place in its list.
    t_ptr, t_doc, t_val, p_pos = postings(p_ptr, p_col, p_val, X.shape[1])
    t_win = np.full(X.shape[1], CANDIDATE_WINDOW, dtype=np.int64)
    days = days.astype(np.float64)
    w = w.astype(np.float64)
    q = q.astype(np.float64)
    inv_scale = 1.0 / scale if scale is not None else 0.0
    # Room for n_neighbors triples per row; each row range writes its own slice.
    out_i = np.empty(n * n_neighbors, dtype=np.int32)
    out_j = np.empty(n * n_neighbors, dtype=np.int32)
    out_d = np.empty(n * n_neighbors, dtype=np.float64)

    def block(r0: int, r1: int) -> tuple[int, int]:
        s0, s1 = r0 * n_neighbors, r1 * n_neighbors
        m = knn_rows(
            x_ptr, x_idx, x_val, X.shape[1], p_ptr, p_col, p_val, p_pos, t_ptr, t_doc, t_val, t_win, days,
            inv_scale, w, q, float(mm), CANDIDATE_POOL * n_neighbors, n_neighbors, floor, r0, r1,
            out_i[s0:s1], out_j[s0:s1], out_d[s0:s1],
        )  # fmt: skip
        return s0, m

    segs = np.array(_per_block(block, n), dtype=np.int64).reshape(-1, 2)
    # Each pair once (it may be found from both ends), sorted by (lo, hi); int32 ends (n < 2**31): the
    # edge arrays live through the whole merge.
    return unique_edges(out_i, out_j, out_d, segs[:, 0].copy(), segs[:, 1].copy(), n)


def _centering(X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, float]:
    """Terms for cosine after subtracting the corpus mean row m, without densifying; scales X in place.

    X (unit rows) becomes Xs: row i scaled by u_i = 1 / |x_i - m|. Returns (w = u, q = u * (x_i . m), m . m).
    For sums S over a cluster (S = sum of Xs rows, W = sum of w, Q = sum of q), the centred dot of two
    clusters is ``S_A . S_C - W_C Q_A - W_A Q_C + W_A W_C m.m``: every term adds up when clusters merge.
    """
    n = X.shape[0]
    if not CENTER:
        return np.ones(n), np.zeros(n), 0.0
    # Shrink the mean towards zero in small corpora, where it is mostly made of the documents themselves
    # (with two documents, full centring would make them exact opposites).
    m = np.asarray(X.mean(axis=0), dtype=np.float64).ravel() * (n / (n + CENTER_PRIOR_DOCS))
    mm = float(m @ m)
    xm = np.asarray(X @ m, dtype=np.float64).ravel()
    norm2 = np.maximum(1.0 - 2.0 * xm + mm, 1e-12)
    u = 1.0 / np.sqrt(norm2)
    _row_scale(X, u)
    return u, u * xm, mm


def _average_linkage(
    X: sp.csr_matrix,
    w0: np.ndarray,
    q0: np.ndarray,
    mm: float,
    days: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    dots: np.ndarray,
    threshold: float,
    scale: float | None,
    floor: float,
) -> np.ndarray:
    """Average-linkage merging over the kNN graph (compiled kernel); returns a root index per document."""
    return average_linkage(
        X.indptr.astype(np.int64, copy=False),
        X.indices.astype(np.int32, copy=False),
        X.data.astype(np.float32, copy=False),
        X.shape[1],
        w0.astype(np.float64, copy=False),
        q0.astype(np.float64, copy=False),
        float(mm),
        days.astype(np.float64, copy=False),
        # copy=False: the edge arrays are the largest besides X (a copy cost ~240 MB at 500k documents)
        lo.astype(np.int32, copy=False),
        hi.astype(np.int32, copy=False),
        dots.astype(np.float64, copy=False),
        float(threshold),
        1.0 / scale if scale is not None else 0.0,
        float(floor),
        LINK_MAX_NEIGHBORS,
    )


class StoryClusterer(BaseEstimator):
    """Cluster news texts into stories (same event / developing story); sklearn-style estimator.

    After ``fit``: ``labels_`` (int array, 0..k-1 in order of first appearance), ``n_clusters_``,
    ``centrality_`` (cosine of each document to its cluster centroid), ``terms_`` (one term per column),
    and, built on request from the one matrix kept (in time order), ``X_`` (unit TF-IDF rows) and
    ``counts_`` (each document's ``CLUSTER_TERMS`` kept feature weights before IDF, used for keywords).
    """

    def __init__(
        self,
        *,
        threshold: float = 0.16,
        time_scale_days: float | None = 7.0,
        title_weight: float = 1.0,
        lead_words: int = 60,
        n_neighbors: int = 20,
        max_features: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.threshold = threshold
        self.time_scale_days = time_scale_days
        self.title_weight = title_weight
        self.lead_words = lead_words
        self.n_neighbors = n_neighbors
        self.max_features = max_features
        self.random_state = random_state

    @property
    def counts_(self) -> sp.csr_matrix:
        """The feature weights of each document's kept terms (before IDF), one row per document."""
        inv = np.empty(len(self._order), dtype=np.int64)
        inv[self._order] = np.arange(len(self._order))
        return sp.csr_matrix(self._weights_t[inv])

    @property
    def X_(self) -> sp.csr_matrix:
        """Unit TF-IDF rows, one per document."""
        X = self.counts_
        _row_scale(X, np.ones(X.shape[0]), 1.0 / self._idf)
        norms = _row_norms(X)
        _row_scale(X, np.divide(1.0, norms, out=np.zeros(len(norms)), where=norms > 0))
        return X

    @classmethod
    def from_params(cls, params: ClusterParams) -> StoryClusterer:
        """An unfitted clusterer with the settings of ``params`` (the inverse of ``_params``)."""
        return cls(**{name: getattr(params, name) for name in cls._get_param_names()})

    def _params(self) -> ClusterParams:
        return ClusterParams(
            threshold=self.threshold,
            time_scale_days=self.time_scale_days,
            title_weight=self.title_weight,
            lead_words=self.lead_words,
            n_neighbors=self.n_neighbors,
            max_features=self.max_features,
            random_state=self.random_state,
        )

    def fit(
        self,
        texts: Sequence[str],
        titles: Sequence[str | None] | None = None,
        published_at: Sequence[pd.Timestamp | None] | np.ndarray | None = None,
    ) -> StoryClusterer:
        """Cluster ``texts`` (matching text), with optional headlines and UTC times; returns self."""
        params = self._params()
        n = len(texts)
        if titles is not None and len(titles) != n:
            raise ValueError(f"titles has {len(titles)} values for {n} texts")
        feats = story_features([None] * n if titles is None else titles, texts, params)
        return self.fit_features(feats, published_at)

    def fit_features(
        self,
        features: StoryFeatures,
        published_at: Sequence[pd.Timestamp | None] | np.ndarray | None = None,
        *,
        rows: np.ndarray | None = None,
    ) -> StoryClusterer:
        """Cluster documents given by their ``story_features`` (one row each), with optional UTC times.

        ``rows``: cluster the documents at these positions of ``features``, in this order (as
        ``features.take(rows)`` would, without copying the features); ``published_at`` then follows ``rows``.
        """
        self._params()
        src = np.arange(len(features), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        n = len(src)
        days = _to_days(published_at, n)
        if n == 0:
            self.labels_ = np.empty(0, dtype=np.int64)
            self.n_clusters_ = 0
            self.centrality_ = np.empty(0, dtype=np.float64)
            return self
        # Graph and merge work in time order (untimed documents last, then by row): a document's
        # candidates are near it in time, so their rows are near in memory too (cache-friendly). One
        # doc-term matrix is kept and rescaled in place: weights W -> unit TF-IDF rows X -> centred
        # scaled rows Xs for the graph and merge -> X for centrality -> W for keywords.
        order = np.lexsort((np.arange(n), np.nan_to_num(days, nan=np.inf)))
        M, self.terms_ = _feature_matrix(features, self.max_features, src[order])
        df = np.bincount(M.indices, minlength=M.shape[1])
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        _row_scale(M, np.ones(n), 1.0 / idf)
        norms = _row_norms(M)
        inv_norm = np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)
        _row_scale(M, inv_norm)
        w, q, mm = _centering(M)
        days_t = days[order]
        floor = EDGE_FLOOR_RATIO * self.threshold
        lo, hi, dots = _knn_edges(M, w, q, mm, days_t, self.n_neighbors, self.time_scale_days, floor)
        n_edges = len(lo)
        roots_t = _average_linkage(
            M, w, q, mm, days_t, lo, hi, dots, self.threshold, self.time_scale_days, floor
        )
        del lo, hi, dots
        roots = np.empty(n, dtype=np.int64)
        roots[order] = order[roots_t]
        _, first, inv = np.unique(roots, return_index=True, return_inverse=True)
        # Relabel 0..k-1 in order of first appearance.
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        self.labels_ = rank[inv]
        self.n_clusters_ = len(first)
        _row_scale(M, 1.0 / w)  # back to unit rows
        self.centrality_ = np.empty(n, dtype=np.float64)
        self.centrality_[order] = _centrality(M, self.labels_[order], self.n_clusters_)
        _row_scale(M, norms, idf)  # back to the weights
        self._order = order
        self._weights_t = M
        self._idf = idf
        logger.debug(
            "clustered %d docs into %d stories (%d graph edges, %d terms)",
            n,
            self.n_clusters_,
            n_edges,
            M.shape[1],
        )
        return self


def _indicator(labels: np.ndarray, k: int, dtype: Any = np.float64) -> sp.csr_matrix:
    n = len(labels)
    return sp.csr_matrix((np.ones(n, dtype=dtype), (labels, np.arange(n))), shape=(k, n))


def _scale_rows(M: sp.csr_matrix, norm: str) -> None:
    """Normalise the rows of M in place ("l1" or "l2"); all-zero rows stay zero."""
    lens = np.diff(M.indptr)
    tot = np.zeros(M.shape[0], dtype=np.float64)
    nonempty = lens > 0
    if M.nnz:
        vals = np.abs(M.data) if norm == "l1" else np.square(M.data)
        tot[nonempty] = np.add.reduceat(vals, M.indptr[:-1][nonempty])
    if norm == "l2":
        tot = np.sqrt(tot)
    inv = np.zeros(M.shape[0], dtype=M.dtype)
    inv[tot > 0] = 1.0 / tot[tot > 0]
    M.data *= np.repeat(inv, lens)


def _centrality(X: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Cosine of each row of X to its cluster's centroid (compiled: no centroid matrix is built)."""
    members = np.argsort(labels, kind="stable")
    bounds = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(labels, minlength=k), out=bounds[1:])
    return centroid_cosines(
        X.indptr.astype(np.int64, copy=False),
        X.indices.astype(np.int32, copy=False),
        X.data.astype(np.float32, copy=False),
        X.shape[1],
        members,
        bounds,
    )


def _keywords(
    counts: sp.csr_matrix, labels: np.ndarray, k: int, terms: np.ndarray, top_n: int
) -> list[list[str]]:
    """c-TF-IDF: tf of term in cluster (L1 per cluster) x log(1 + mean words per cluster / term total)."""
    weights = sp.csr_matrix(_indicator(labels, k, counts.dtype) @ counts)
    term_total = np.bincount(weights.indices, weights=weights.data, minlength=weights.shape[1])
    avg_words = float(term_total.sum()) / k
    idf = np.log1p(avg_words / np.maximum(term_total, 1e-12)).astype(weights.dtype)
    # In place (this matrix is as large as the corpus's): L1 per cluster, times the idf.
    _scale_rows(weights, "l1")
    weights.data *= idf[weights.indices]
    weights.eliminate_zeros()
    # Highest weight first; ties broken alphabetically so output is stable (one sort for all clusters).
    used = np.flatnonzero(np.bincount(weights.indices, minlength=weights.shape[1]))
    alpha = np.zeros(len(terms), dtype=np.int64)  # unused terms: 0 (never looked up)
    alpha[used[np.argsort(terms[used].astype(str), kind="stable")]] = np.arange(len(used))
    rows, tie = _top_k_per_row(weights.indptr.astype(np.int64), weights.data, weights.indices, top_n, alpha)
    inv_alpha = np.empty(len(used), dtype=np.int64)
    inv_alpha[alpha[used]] = used
    words = list(map(str, terms[inv_alpha[tie]].tolist()))
    # rows come grouped in increasing order: one slice of the words per cluster
    bounds = np.searchsorted(rows, np.arange(k + 1)).tolist()
    return [words[bounds[c] : bounds[c + 1]] for c in range(k)]


_DOC_COLUMNS = ("article_id", "title", "published_at", "source", "group_size")


def _empty_topics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic_id": pd.Series([], dtype=object),
            "label": pd.Series([], dtype=object),
            "keywords": pd.Series([], dtype=object),
            "size": pd.Series([], dtype="int64"),
            "n_sources": pd.Series([], dtype="int64"),
            "representative_id": pd.Series([], dtype=object),
            "first_published": pd.Series([], dtype="datetime64[ns, UTC]"),
            "last_published": pd.Series([], dtype="datetime64[ns, UTC]"),
        }
    )


def cluster_stories(
    docs: pd.DataFrame, params: ClusterParams, features: StoryFeatures | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """Cluster canonical articles into stories and describe each story.

    ``docs``: article_id, title, published_at, source, group_size, optional group_sources, and match_text
    unless ``features`` (``story_features`` of the rows, in ``docs`` order) are given. Returns (topic_id per
    row, aligned to ``docs.index``; one row per topic with TOPIC_COLUMNS, sorted by size descending then
    topic_id). Sizes count duplicates through ``group_size``.
    """
    need = _DOC_COLUMNS if features is not None else (*_DOC_COLUMNS, "match_text")
    missing = [c for c in need if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing columns {missing}")
    if features is not None and len(features) != len(docs):
        raise ValueError(f"features has {len(features)} rows for {len(docs)} docs")
    if len(docs) == 0:
        return pd.Series([], index=docs.index, dtype=object, name="topic_id"), _empty_topics()
    ids = docs["article_id"].astype(str).to_numpy()
    order = np.argsort(ids, kind="stable")
    d = docs.iloc[order]
    ids_sorted = ids[order]
    titles = ["" if t is None or t != t else str(t) for t in d["title"].tolist()]
    published = pd.to_datetime(d["published_at"], utc=True, errors="coerce")
    if features is None:
        feats, rows = story_features(titles, d["match_text"].fillna("").astype(str).tolist(), params), None
    else:
        feats, rows = features, order  # read in place: a take() would copy all the features
    # naive UTC datetime64 (NaT where missing): a tz-aware column would convert through Timestamp objects
    published_ns = published.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    model = StoryClusterer.from_params(params).fit_features(feats, published_ns, rows=rows)
    labels, k = model.labels_, model.n_clusters_
    # Sorted by id, so the first member of each label is its smallest article_id.
    first_idx = np.zeros(k, dtype=np.int64)
    first_idx[labels[::-1]] = np.arange(len(labels))[::-1]
    tids = np.array([topic_id_for(ids_sorted[i]) for i in first_idx], dtype=object)

    cent = model.centrality_
    # Most central member; ties go to the smallest article_id (rows are id-sorted, lexsort is stable).
    by_cent = np.lexsort((np.arange(len(labels)), -cent, labels))
    rep_idx = by_cent[np.searchsorted(labels[by_cent], np.arange(k))]
    # Label: the headline of the most central member that has one.
    has_title = np.array([bool(t.strip()) for t in titles])
    titled = by_cent[has_title[by_cent]]
    titled_labels, titled_at = np.unique(labels[titled], return_index=True)
    titled_first = dict(zip(titled_labels.tolist(), titled[titled_at].tolist(), strict=True))
    terms = model.terms_
    keywords = _keywords(model._weights_t, labels[model._order], k, terms, params.keywords_top_n)

    sizes = pd.to_numeric(d["group_size"], errors="coerce").fillna(1).astype("int64").clip(lower=1).to_numpy()
    size = np.bincount(labels, weights=sizes, minlength=k).astype(np.int64)
    # Distinct sources per topic: each member's source plus the sources of its duplicate group.
    src = d["source"].to_numpy(dtype=object)
    has_src = np.array([isinstance(x, str) and bool(x) for x in src.tolist()], dtype=bool)
    pairs = [pd.DataFrame({"l": labels[has_src], "s": src[has_src]})]
    if "group_sources" in d.columns:
        extra = pd.Series(d["group_sources"].to_numpy(dtype=object), index=labels).explode().dropna()
        pairs.append(pd.DataFrame({"l": extra.index.to_numpy(), "s": extra.astype(str).to_numpy()}))
    n_sources = pd.concat(pairs).drop_duplicates().groupby("l").size().reindex(range(k), fill_value=0)
    frame = pd.DataFrame({"label_": labels, "t": published_ns})
    span = frame.groupby("label_")["t"].agg(["min", "max"]).reindex(range(k))

    topics = pd.DataFrame(
        {
            "topic_id": tids,
            "label": [
                titles[titled_first[c]].strip() if c in titled_first else " ".join(keywords[c][:5])
                for c in range(k)
            ],
            "keywords": keywords,
            "size": size,
            "n_sources": n_sources.to_numpy(dtype=np.int64),
            "representative_id": ids_sorted[rep_idx].astype(object),
            "first_published": pd.to_datetime(span["min"].to_numpy(), utc=True),
            "last_published": pd.to_datetime(span["max"].to_numpy(), utc=True),
        }
    )
    topics["first_published"] = topics["first_published"].astype("datetime64[ns, UTC]")
    topics["last_published"] = topics["last_published"].astype("datetime64[ns, UTC]")
    topics = topics.sort_values(["size", "topic_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    per_doc = np.empty(len(docs), dtype=object)
    per_doc[order] = tids[labels]
    return pd.Series(per_doc, index=docs.index, name="topic_id", dtype=object), topics
