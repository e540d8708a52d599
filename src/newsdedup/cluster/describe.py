"""Describe the stories found: topic ids, centrality, keywords, labels, and the topics table.

Everything here is deterministic: topic ids derive from the smallest article_id in the cluster, ties
between equally central members go to the smallest article_id, and keywords of equal weight are ordered
alphabetically.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import xxhash

from newsdedup.cluster.kernels.centroid import centroid_cosines
from newsdedup.cluster.kernels.rank import top_k_rows

__all__ = [
    "TOPIC_COLUMNS",
    "centrality",
    "describe_topics",
    "empty_topics",
    "keyword_label",
    "keywords",
    "topic_id_for",
]

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


def keyword_label(words: list[str]) -> str:
    """The label made of a cluster's first keywords: a story without a headline, and every theme."""
    return " ".join(words[:5])


def centrality(X: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
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


def _indicator(labels: np.ndarray, k: int, dtype: Any = np.float64) -> sp.csr_matrix:
    n = len(labels)
    return sp.csr_matrix((np.ones(n, dtype=dtype), (labels, np.arange(n))), shape=(k, n))


def _l1_rows(M: sp.csr_matrix) -> None:
    """Scale the rows of M in place to sum 1 in absolute value; all-zero rows stay zero."""
    lens = np.diff(M.indptr)
    tot = np.zeros(M.shape[0], dtype=np.float64)
    nonempty = lens > 0
    if M.nnz:
        tot[nonempty] = np.add.reduceat(np.abs(M.data), M.indptr[:-1][nonempty])
    inv = np.zeros(M.shape[0], dtype=M.dtype)
    inv[tot > 0] = 1.0 / tot[tot > 0]
    M.data *= np.repeat(inv, lens)


def keywords(
    counts: sp.csr_matrix, labels: np.ndarray, k: int, terms: np.ndarray, top_n: int
) -> list[list[str]]:
    """Each cluster's ``top_n`` keywords by c-TF-IDF: tf of the term in the cluster (L1 per cluster) x
    log(1 + mean words per cluster / the term's total). ``counts``: term weights, one row per document."""
    weights = sp.csr_matrix(_indicator(labels, k, counts.dtype) @ counts)
    term_total = np.bincount(weights.indices, weights=weights.data, minlength=weights.shape[1])
    avg_words = float(term_total.sum()) / k
    idf = np.log1p(avg_words / np.maximum(term_total, 1e-12)).astype(weights.dtype)
    # In place (this matrix is as large as the corpus's): L1 per cluster, times the idf.
    _l1_rows(weights)
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


def empty_topics() -> pd.DataFrame:
    """The topics table with no rows (TOPIC_COLUMNS, typed)."""
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


def describe_topics(
    d: pd.DataFrame,
    titles: list[str],
    published_ns: np.ndarray,
    labels: np.ndarray,
    cent: np.ndarray,
    words: list[list[str]],
) -> tuple[np.ndarray, pd.DataFrame]:
    """(topic id per cluster, the topics table sorted by size descending then topic_id).

    ``d``: the documents sorted by article_id (article_id, source, group_size, optional group_sources) with
    their ``titles`` ("" for none), times (naive UTC datetime64, NaT where missing), cluster ``labels``
    (0..k-1), ``cent``rality and each cluster's keywords ``words``. Sizes count duplicates through
    ``group_size``; sources include each member's duplicate group's sources.
    """
    k = len(words)
    ids_sorted = d["article_id"].astype(str).to_numpy()
    # Sorted by id, so the first member of each label is its smallest article_id.
    first_idx = np.zeros(k, dtype=np.int64)
    first_idx[labels[::-1]] = np.arange(len(labels))[::-1]
    tids = np.array([topic_id_for(ids_sorted[i]) for i in first_idx], dtype=object)
    # Most central member; ties go to the smallest article_id (rows are id-sorted, lexsort is stable).
    by_cent = np.lexsort((np.arange(len(labels)), -cent, labels))
    rep_idx = by_cent[np.searchsorted(labels[by_cent], np.arange(k))]
    # Label: the headline of the most central member that has one, else the first keywords.
    has_title = np.array([bool(t.strip()) for t in titles])
    titled = by_cent[has_title[by_cent]]
    titled_labels, titled_at = np.unique(labels[titled], return_index=True)
    titled_first = dict(zip(titled_labels.tolist(), titled[titled_at].tolist(), strict=True))
    sizes = pd.to_numeric(d["group_size"], errors="coerce").fillna(1).astype("int64").clip(lower=1).to_numpy()
    span = pd.DataFrame({"label_": labels, "t": published_ns}).groupby("label_")["t"].agg(["min", "max"])
    span = span.reindex(range(k))
    topics = pd.DataFrame(
        {
            "topic_id": tids,
            "label": [
                titles[titled_first[c]].strip() if c in titled_first else keyword_label(words[c])
                for c in range(k)
            ],
            "keywords": words,
            "size": np.bincount(labels, weights=sizes, minlength=k).astype(np.int64),
            "n_sources": _n_sources(d, labels, k),
            "representative_id": ids_sorted[rep_idx].astype(object),
            "first_published": pd.to_datetime(span["min"].to_numpy(), utc=True),
            "last_published": pd.to_datetime(span["max"].to_numpy(), utc=True),
        }
    )
    topics["first_published"] = topics["first_published"].astype("datetime64[ns, UTC]")
    topics["last_published"] = topics["last_published"].astype("datetime64[ns, UTC]")
    topics = topics.sort_values(["size", "topic_id"], ascending=[False, True], kind="stable")
    return tids, topics.reset_index(drop=True)


def _n_sources(d: pd.DataFrame, labels: np.ndarray, k: int) -> np.ndarray:
    """Distinct sources per cluster: each member's source plus the sources of its duplicate group."""
    src = d["source"].to_numpy(dtype=object)
    has_src = np.array([isinstance(x, str) and bool(x) for x in src.tolist()], dtype=bool)
    pairs = [pd.DataFrame({"l": labels[has_src], "s": src[has_src]})]
    if "group_sources" in d.columns:
        extra = pd.Series(d["group_sources"].to_numpy(dtype=object), index=labels).explode().dropna()
        pairs.append(pd.DataFrame({"l": extra.index.to_numpy(), "s": extra.astype(str).to_numpy()}))
    n_sources = pd.concat(pairs).drop_duplicates().groupby("l").size().reindex(range(k), fill_value=0)
    return n_sources.to_numpy(dtype=np.int64)
