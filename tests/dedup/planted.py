"""Tiny hand-made corpora with known duplicate groups, shared by the dedup tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def words(seed: int, n: int) -> list[str]:
    """Deterministic filler words from a 3000-word vocabulary (unrelated seeds share almost no 5-grams)."""
    return [f"w{x}" for x in np.random.RandomState(seed).randint(0, 3000, n)]


def edit(tokens: list[str], every: int, tag: str) -> list[str]:
    return [f"{tag}{i}" if i % every == every // 2 else t for i, t in enumerate(tokens)]


def frame(texts: dict[str, str], **cols: Mapping[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame({"article_id": list(texts), "match_text": list(texts.values())})
    for name, values in cols.items():
        df[name] = pd.Series([values.get(k) for k in texts], dtype=object)
    if "published_at" in df:
        df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return df


def groups_of(result_assignments: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g.article_id) for _, g in result_assignments.groupby("dup_group_id")}


A = words(1, 200)
B = words(2, 150)
PLANTED = {
    "a": " ".join(A),
    "a_copy": " ".join(A),
    "a_edit": " ".join(edit(A, 40, "e")),
    "a_trunc": " ".join(A[:80]),
    "b": " ".join(B),
    "b_edit": " ".join(edit(B, 30, "f")),
    "c": " ".join(words(3, 180)),
    "d": " ".join(words(4, 90)),
    "empty1": "",
    "empty2": "",
}
PLANTED_GROUPS = {
    frozenset({"a", "a_copy", "a_edit", "a_trunc"}),
    frozenset({"b", "b_edit"}),
    frozenset({"c"}),
    frozenset({"d"}),
    frozenset({"empty1"}),
    frozenset({"empty2"}),
}
