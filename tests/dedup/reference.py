"""Plain reference versions of rules whose production form is vectorised or compiled: the tests check the fast
form against these."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdedup.dedup.canonical import DocKeys


def choose_canonical(members: np.ndarray, keys: DocKeys, rule: tuple[str, ...]) -> tuple[int, str]:
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
        vals = rule_values(criterion, cand, keys)
        cand = cand[vals == vals.min()]
        if len(cand) == 1:
            return int(cand[0]), reason(criterion, int(cand[0]), keys)
    raise AssertionError("unreachable: 'id' always decides")  # pragma: no cover


def rule_values(criterion: str, docs: np.ndarray, keys: DocKeys) -> np.ndarray:
    """Sort key of ``criterion`` for ``docs`` (smaller is better); "id" is the internal index (id order)."""
    if criterion == "earliest":
        return keys.pub_ns[docs]
    if criterion == "longest":
        return -keys.body_len[docs]
    if criterion == "preferred_source":
        return keys.source_rank[docs]
    return docs


def reason(criterion: str, w: int, keys: DocKeys) -> str:
    """Why ``w`` won on ``criterion``."""
    if criterion == "earliest":
        stamp = pd.Timestamp(int(keys.pub_ns[w]), tz="UTC").strftime("%Y-%m-%dT%H:%MZ")
        return f"earliest published_at ({stamp})"
    if criterion == "longest":
        return f"longest body ({int(keys.body_len[w])} chars)"
    if criterion == "preferred_source":
        return f"preferred source ({keys.sources[w]})"
    return f"lowest article_id ({keys.ids[w]})"


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 bucket keys in numpy, band by band: FNV-1a-style mixing of the band's values with an
    extra shift, one uint64 per row of each band (the Dask engine's former implementation)."""
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    for b in range(bands):
        band = sig[:, b * rows : (b + 1) * rows]
        acc = np.full(band.shape[0], np.uint64(0xCBF29CE484222325), dtype=np.uint64)
        for j in range(band.shape[1]):
            acc ^= band[:, j].astype(np.uint64)
            acc *= np.uint64(0x100000001B3)
            acc ^= acc >> np.uint64(29)
        out[:, b] = acc
    return out
