"""Duplicates across runs on hand-made frames: stable group ids, the canonical rule across runs, and the
earlier rows fixed after a canonical change."""

import math

import pandas as pd
import pytest

from newsdedup.incremental import (
    DedupReconciled,
    apply_canonical_changes,
    dup_columns,
    duplicates_table,
    estimated_similarity,
    fix_article_rows,
    fix_duplicate_rows,
    reconcile_duplicates,
    union_docs,
)


def _union(rows: list[tuple[str, str, str, bool, float, str]]) -> pd.DataFrame:
    """find_duplicates-style assignments: (article_id, dup_group_id, canonical_id, is_canonical, sim, method)."""
    frame = pd.DataFrame(
        rows,
        columns=["article_id", "dup_group_id", "canonical_id", "is_canonical", "dup_similarity", "method"],
    )
    return frame.assign(canonical_reason=["reason of " + r[2] for r in rows])


def _old(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "dup_group_id", "canonical_id"])


def test_without_history_the_assignments_are_final() -> None:
    union = _union([("n1", "d_n1", "n1", True, 1.0, "canonical"), ("n2", "d_n1", "n1", False, 0.8, "near")])
    rec = reconcile_duplicates(union, pd.Series({"n2": 0.75}), _old([]), pd.Series(["n1", "n2"]))
    assert rec.new["dup_group_id"].tolist() == ["d_n1", "d_n1"]
    assert rec.new["estimated_similarity"].tolist() == [1.0, 0.75]
    assert rec.canonical_changes == {} and rec.former_canonicals == {}
    with pytest.raises(ValueError, match="order"):
        reconcile_duplicates(union, pd.Series(dtype=float), _old([]), pd.Series(["n2", "n1"]))


def test_a_new_copy_joins_the_earlier_group_under_its_canonical() -> None:
    union = _union([("n1", "d_h1", "h1", False, 0.9, "near"), ("h1", "d_h1", "h1", True, 1.0, "canonical")])
    rec = reconcile_duplicates(union, pd.Series({"n1": 0.85}), _old([("h1", "G1", "h1")]), pd.Series(["n1"]))
    assert rec.new.iloc[0].tolist() == ["n1", "G1", "h1", False, 0.9, "near", "reason of h1", 0.85]
    assert rec.canonical_changes == {}


def test_a_new_article_that_wins_the_rule_becomes_the_canonical_and_the_group_id_stays() -> None:
    union = _union([("n1", "d_n1", "n1", True, 1.0, "canonical"), ("h1", "d_n1", "n1", False, 0.9, "near")])
    old = _old([("h1", "G1", "h1")])
    rec = reconcile_duplicates(union, pd.Series({"h1": 0.8}), old, pd.Series(["n1"]))
    assert rec.new.iloc[0].tolist() == ["n1", "G1", "n1", True, 1.0, "canonical", "reason of n1", 1.0]
    assert rec.canonical_changes == {"G1": "n1"}
    assert rec.former_canonicals == {"h1": (0.9, 0.8, "near")}


def test_a_group_spanning_earlier_groups_continues_the_majority_then_the_smallest_id() -> None:
    union = _union(
        [
            ("n1", "u", "n1", True, 1.0, "canonical"),
            ("h1", "u", "n1", False, 0.9, "near"),
            ("h2", "u", "n1", False, 0.9, "near"),
            ("h3", "u", "n1", False, 0.9, "near"),
        ]
    )
    old = _old([("h1", "G2", "h1"), ("h2", "G2", "h1"), ("h3", "G1", "h3")])
    rec = reconcile_duplicates(union, pd.Series(dtype=float), old, pd.Series(["n1"]))
    assert rec.new["dup_group_id"].tolist() == ["G2"] and rec.canonical_changes == {"G2": "n1"}
    tie = old.assign(dup_group_id=["G2", "G3", "G1"])
    rec = reconcile_duplicates(union, pd.Series(dtype=float), tie, pd.Series(["n1"]))
    assert rec.new["dup_group_id"].tolist() == ["G1"]


def test_a_new_member_of_a_group_whose_canonical_is_earlier_says_so() -> None:
    union = _union(
        [
            ("n1", "u", "n2", False, 0.9, "near"),
            ("n2", "u", "n2", True, 1.0, "canonical"),
            ("h1", "u", "n2", False, 0.9, "canonical"),
        ]
    )
    # n2 is itself an earlier article here: the union canonical is in the history
    old = _old([("h1", "G1", "h1"), ("n2", "G1", "h1")])
    rec = reconcile_duplicates(union, pd.Series(dtype=float), old, pd.Series(["n1"]))
    row = rec.new.iloc[0]
    assert (row["dup_group_id"], row["canonical_id"], row["canonical_reason"]) == (
        "G1",
        "h1",
        "canonical of an earlier group",
    )
    assert math.isnan(row["estimated_similarity"])


def test_dup_columns_align_by_id_and_the_duplicates_table_adds_former_canonicals() -> None:
    new = pd.DataFrame(
        {
            "article_id": ["n2", "n1"],
            "dup_group_id": ["G1", "G1"],
            "canonical_id": ["n1", "n1"],
            "is_canonical": [False, True],
            "dup_similarity": [0.7, 1.0],
            "method": ["near", "canonical"],
            "canonical_reason": ["r", "r"],
            "estimated_similarity": [0.6, 1.0],
        }
    )
    cols = dup_columns(new, pd.Series(["n1", "n2"]))
    assert list(cols.columns) == [
        "dup_group_id",
        "canonical_id",
        "is_canonical",
        "dup_similarity",
        "dup_method",
        "canonical_reason",
    ]
    assert cols["is_canonical"].tolist() == [True, False]
    rec = DedupReconciled(new, {"G1": "n1"}, {"h1": (0.9, 0.8, "near")})
    history = pd.DataFrame({"article_id": ["h1"], "dup_group_id": ["G1"]})
    dups = duplicates_table(rec, history)
    assert dups.to_dict("records") == [
        {
            "article_id": "n2",
            "canonical_id": "n1",
            "dup_group_id": "G1",
            "similarity": 0.7,
            "estimated_similarity": 0.6,
            "method": "near",
        },
        {
            "article_id": "h1",
            "canonical_id": "n1",
            "dup_group_id": "G1",
            "similarity": 0.9,
            "estimated_similarity": 0.8,
            "method": "near",
        },
    ]


def test_earlier_rows_point_at_the_new_canonical() -> None:
    articles = pd.DataFrame(
        {
            "article_id": ["h1", "h2", "h3"],
            "dup_group_id": ["G1", "G1", "G2"],
            "canonical_id": ["h1", "h1", "h3"],
            "is_canonical": [True, False, True],
            "dup_similarity": [1.0, 0.8, 1.0],
            "dup_method": ["canonical", "near", "canonical"],
            "canonical_reason": ["earliest", "earliest", "only member"],
        }
    )
    changes = {"G1": "n1"}
    fixed = fix_article_rows(articles, changes, {"h1": (0.9, 0.85, "containment")})
    assert fixed["canonical_id"].tolist() == ["n1", "n1", "h3"]
    assert fixed["is_canonical"].tolist() == [False, False, True]
    assert fixed["dup_similarity"].tolist() == [0.9, 0.8, 1.0]
    assert fixed["dup_method"].tolist() == ["containment", "near", "canonical"]
    assert fixed["canonical_reason"].tolist()[2] == "only member"
    assert articles["canonical_id"].tolist() == ["h1", "h1", "h3"]  # the input is not changed
    assert apply_canonical_changes(articles, {}) is articles
    dups = pd.DataFrame({"article_id": ["h2"], "dup_group_id": ["G1"], "canonical_id": ["h1"]})
    assert fix_duplicate_rows(dups, changes)["canonical_id"].tolist() == ["n1"]


def test_union_docs_put_the_new_articles_first() -> None:
    new = pd.DataFrame(
        {
            "article_id": ["n1"],
            "published_at": [pd.Timestamp("2024-05-02", tz="UTC")],
            "body_chars": [10],
            "source": ["S"],
        }
    )
    old = pd.DataFrame(
        {"article_id": ["h1"], "published_at": ["2024-05-01T00:00:00Z"], "body_len": [20], "source": ["T"]}
    )
    docs = union_docs(new, old)
    assert docs["article_id"].tolist() == ["n1", "h1"] and docs["body_len"].tolist() == [10, 20]
    assert str(docs["published_at"].dtype).startswith("datetime64")
    assert union_docs(new, old.iloc[0:0])["article_id"].tolist() == ["n1"]
    est = estimated_similarity(pd.DataFrame({"article_id": ["n2"], "estimated_similarity": [0.5]}))
    assert est.to_dict() == {"n2": 0.5}
    assert estimated_similarity(pd.DataFrame({"article_id": [], "estimated_similarity": []})).empty
