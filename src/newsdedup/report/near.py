"""Pairs near the dedup threshold for a human to judge: candidates just below it, computed again from the
retained matching texts with the dedup stage's own functions, and a word diff of two texts.

Pairs just above the threshold are in the duplicates table (:func:`newsdedup.report.gather.pairs_above`);
pairs just below were never kept anywhere. :func:`pairs_below` sketches the canonicals' matching texts
(:func:`~newsdedup.dedup.sketches.sketch_texts`), bands them with LSH tuned to a threshold ``band`` lower
(:func:`~newsdedup.dedup.lsh.candidates_from_signatures`), verifies the candidates exactly
(:func:`~newsdedup.dedup.verify.verify_pairs`) and keeps those whose Jaccard lies in
``[threshold - band, threshold)``. The work is bounded: at most ``max_docs`` canonicals (the latest
published), LSH buckets capped as in a run, at most ``max_pairs`` candidates verified.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.dedup.lsh import candidates_from_signatures, lsh_params
from newsdedup.dedup.sketches import sketch_texts
from newsdedup.dedup.verify import verify_pairs
from newsdedup.params import DedupParams

__all__ = ["MAX_DIFF_WORDS", "latest_canonicals", "pairs_below", "word_diff"]

MAX_DIFF_WORDS = 250


def _latest(articles: pd.DataFrame) -> pd.DataFrame:
    canon = articles[articles["is_canonical"].fillna(False).astype(bool)]
    return canon.sort_values(["published_at", "article_id"], ascending=[False, True], na_position="last")


def latest_canonicals(articles: pd.DataFrame, max_docs: int) -> list[str]:
    """The ids of the ``max_docs`` latest published canonicals: whose texts :func:`pairs_below` needs."""
    return [str(a) for a in _latest(articles)["article_id"].head(max_docs)]


def _canonical_texts(articles: pd.DataFrame, texts: pd.DataFrame, max_docs: int) -> pd.DataFrame:
    canon = _latest(articles)
    joined = canon[["article_id"]].merge(texts[["article_id", "match_text"]], on="article_id", how="inner")
    joined = joined[joined["match_text"].fillna("").str.len() > 0]
    return joined.head(max_docs).reset_index(drop=True)


def pairs_below(
    articles: pd.DataFrame,
    texts: pd.DataFrame,
    params: DedupParams,
    *,
    n: int = 12,
    band: float = 0.1,
    max_docs: int = 20_000,
    max_pairs: int = 2_000_000,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Up to ``n`` pairs of canonicals (different duplicate groups) whose Jaccard is in
    ``[threshold - band, threshold)``, closest to the threshold first.

    ``articles`` needs article_id, is_canonical, published_at; ``texts`` article_id and match_text (the
    run's retained matching texts). Pairs where either text is shorter than ``min_tokens`` words are judged
    against ``short_threshold``, as in a run. At most ``max_pairs`` candidates (evenly spaced among them) are
    verified. Also returns how many canonicals were searched and how many candidates LSH gave."""
    docs = _canonical_texts(articles, texts, max_docs)
    stats = {"canonicals": len(docs), "candidates": 0, "verified": 0}
    if len(docs) < 2:
        return [], stats
    low = max(params.threshold - band, 0.05)
    sketches = sketch_texts(docs["match_text"].tolist(), params)
    bands, rows = lsh_params(replace(params, lsh_threshold=low))
    left, right, _capped = candidates_from_signatures(
        sketches.signatures, bands, rows, params.max_bucket_size
    )
    stats["candidates"] = len(left)
    if len(left) > max_pairs:
        pick = np.linspace(0, len(left) - 1, max_pairs).astype(np.int64)
        left, right = left[pick], right[pick]
    stats["verified"] = len(left)
    if not len(left):
        return [], stats
    jaccard, _containment = verify_pairs(sketches.hashes, sketches.offsets, left, right)
    fewest = np.minimum(sketches.tokens[left], sketches.tokens[right])
    limit = np.where(fewest < params.min_tokens, params.short_threshold, params.threshold)
    keep = (jaccard >= limit - band) & (jaccard < limit)
    ids = docs["article_id"].astype(str).to_numpy()
    # docs are latest first: the earlier published article of a pair goes on the left, as a canonical would
    found = pd.DataFrame(
        {
            "left_id": ids[right[keep]],
            "right_id": ids[left[keep]],
            "similarity": np.round(jaccard[keep], 4),
            "threshold": limit[keep],
        }
    )
    return _closest(found, n), stats


def _closest(found: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    """The ``n`` pairs closest to their threshold, as rows."""
    found = found.assign(_gap=found["threshold"] - found["similarity"])
    found = found.sort_values(["_gap", "left_id", "right_id"]).head(n)
    return [
        {
            "left_id": str(a),
            "right_id": str(b),
            "similarity": float(s),
            "threshold": float(t),
            "method": "below",
        }
        for a, b, s, t in zip(
            found["left_id"], found["right_id"], found["similarity"], found["threshold"], strict=True
        )
    ]


def word_diff(a: str, b: str, max_words: int = MAX_DIFF_WORDS) -> tuple[list[list[Any]], list[list[Any]]]:
    """The first ``max_words`` words of ``a`` and ``b`` as runs ``[text, changed]``: ``changed`` is true
    for words the other text does not have at that place (a word-level ``difflib`` alignment)."""
    wa, wb = a.split()[:max_words], b.split()[:max_words]
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    left: list[list[Any]] = []
    right: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            left.append([" ".join(wa[i1:i2]), changed])
        if j2 > j1:
            right.append([" ".join(wb[j1:j2]), changed])
    return left, right
