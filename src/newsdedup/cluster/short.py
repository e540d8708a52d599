"""Short records (headlines, one-sentence leads): the similarity a story needs adapts to each text's length.

Two headlines of one story share few words: with 6 to 10 terms each, one shared name and one shared verb
already make a high-quality match, yet their cosine is well below what two full articles of one story reach
(each long text is a large sample of its story's vocabulary, a headline a tiny one). One global cut that suits
full articles therefore splits a headline feed into many small topics. Instead, each document's centred row is
scaled by ``length_boost`` of its number of kept terms ``n``::

    g(n) = sqrt((1 + short_terms / n) / (1 + short_terms / CLUSTER_TERMS)),  at least 1

so every similarity involving it is multiplied by ``g``: a pair of texts of n and m terms merges when its
average similarity reaches ``threshold / (g(n) g(m))``, i.e. the threshold adapts to the length of both
sides (``1 + s/n`` is how the expected same-story cosine of a sample of n terms falls as n shrinks). Texts
with ``CLUSTER_TERMS`` terms or more (every full article) keep ``g = 1``: their clustering is unchanged. The
scale enters the kNN scores, the merges and the pruning floor alike (``centring_with_boost``), since the
centred dot of two clusters is linear in each member's scale; the centrality later divides it out again.

Detection needs no flag: a headline-only record (``has_body`` false) is clustered on its headline, so its row
has few terms; so does a short lead. ``short_terms = 0`` turns the adaptation off.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from newsdedup.cluster.kernels.shared import Centring

__all__ = ["Boost", "boost_short_rows", "length_boost", "unboost"]


def length_boost(n_terms: np.ndarray, short_terms: float, full_terms: int) -> np.ndarray:
    """The similarity scale ``g(n)`` of documents with ``n_terms`` kept terms (see the module docstring):
    1 for ``n >= full_terms``, for empty rows and when ``short_terms`` is 0; above 1 for shorter texts."""
    n = np.asarray(n_terms, dtype=np.float64)
    if short_terms <= 0 or len(n) == 0:
        return np.ones(len(n))
    g = np.sqrt((1.0 + short_terms / np.maximum(n, 1.0)) / (1.0 + short_terms / full_terms))
    return np.where((n > 0) & (n < full_terms), np.maximum(g, 1.0), 1.0)


class Boost(NamedTuple):
    """A boost applied to the rows of a matrix (``boost_short_rows``) and what undoes it (``unboost``):
    the centring of the boosted rows, the centring before, and the boosted entries' positions in the
    matrix's data with their values before (only short rows' entries are kept)."""

    centring: Centring
    plain: Centring
    entries: np.ndarray
    data: np.ndarray


def boost_short_rows(X: sp.csr_matrix, centring: Centring, short_terms: float, full_terms: int) -> Boost:
    """Scale each centred row of ``X`` (in place) and its centring terms by ``length_boost`` of its number of
    terms; returns the centring of the scaled rows (``w`` and ``q`` scaled alike, so ``X / w`` stays the unit
    rows) and what ``unboost`` needs to restore ``X`` exactly. A corpus without short rows is left as it is."""
    lens = np.diff(X.indptr)
    g = length_boost(lens, short_terms, full_terms)
    rows = np.flatnonzero(g != 1.0)
    starts, counts = X.indptr[rows], lens[rows]
    offsets = np.zeros(len(rows), dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    entries = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - offsets, counts)
    data = X.data[entries]
    X.data[entries] = data * np.repeat(g[rows], counts).astype(X.dtype)
    boosted = Centring(centring.w * g, centring.q * g, centring.mm) if len(rows) else centring
    return Boost(boosted, centring, entries, data)


def unboost(X: sp.csr_matrix, boost: Boost) -> Centring:
    """Undo ``boost_short_rows`` on ``X`` (bit for bit); returns the centring of the rows as they were."""
    X.data[boost.entries] = boost.data
    return boost.plain
