"""Topics across runs on hand-made frames: majority earlier topic, ties, merge candidates, the window, and
the topics table of the new version."""

import numpy as np
import pandas as pd

from newsdedup.incremental import assign_topics, group_sizes, reconcile_topics, topic_window, topics_table

T = pd.Timestamp("2024-05-10", tz="UTC")


def test_a_cluster_keeps_the_majority_earlier_topic_and_reports_the_others() -> None:
    union = pd.Series({"h1": "u1", "h2": "u1", "h3": "u1", "n1": "u1", "n2": "u2"})
    old = pd.Series({"h1": "t_a", "h2": "t_b", "h3": "t_b"})
    final, merges = reconcile_topics(union, old)
    assert final == {"u1": "t_b", "u2": "u2"} and merges == [["t_a", "t_b"]]
    tie = pd.Series({"h1": "t_b", "h2": "t_a"})
    assert reconcile_topics(union.drop("h3"), tie)[0]["u1"] == "t_a"
    assert reconcile_topics(union, pd.Series(dtype=object)) == ({"u1": "u1", "u2": "u2"}, [])


def test_new_articles_take_their_canonicals_topic_and_a_new_canonical_keeps_its_groups() -> None:
    history = pd.DataFrame(
        {"article_id": ["h1", "h2"], "dup_group_id": ["G1", "G2"], "topic_id": ["t_a", "t_b"]}
    )
    union = pd.Series({"h1": "u1", "n1": "u1", "n3": "u3"})
    canonical_ids = pd.Series(["n1", "n1", "n2", "n3", "h2"])
    topic, final, merges = assign_topics(union, history, {"G2": "n2"}, canonical_ids)
    assert topic.tolist() == ["t_a", "t_a", "t_b", "u3", "t_b"] and topic.name == "topic_id"
    assert final == {"u1": "t_a", "u3": "u3"} and merges == []


def test_the_window_holds_canonical_history_near_the_new_times_only() -> None:
    history = pd.DataFrame(
        {"article_id": ["h1", "h2", "h3", "h4"], "is_canonical": [True, False, True, True]}
    )
    t_old = pd.Series([T, T, T - pd.Timedelta(days=30), T])
    rows = topic_window(history, t_old, pd.Series([T + pd.Timedelta(days=1)]), 7.0, {"G": "h4"})
    assert rows.tolist() == [0]
    assert topic_window(history, t_old, pd.Series([], dtype="datetime64[us, UTC]"), 7.0, {}).tolist() == []


def test_group_sizes_count_history_and_new_members() -> None:
    sizes = group_sizes(
        pd.Series(["G1", "G1", "G2"]), pd.Series(["G1", "G3", "G3"]), np.array([0, 2]), np.array([0, 1])
    )
    assert sizes.tolist() == [3, 1, 3, 2]


def test_the_topics_table_keeps_untouched_topics_and_recounts_the_others() -> None:
    members = pd.DataFrame(
        {"article_id": ["n1", "n2"], "topic_id": ["t_a", "u2"], "published_at": [T, T], "source": ["S", ""]}
    )
    desc = pd.DataFrame(
        {
            "topic_id": ["u1", "u2"],
            "label": ["A new", "B"],
            "keywords": [["a"], ["b"]],
            "representative_id": ["n1", "n2"],
        }
    )
    union = pd.Series({"h1": "u1", "n1": "u1", "n2": "u2"})
    prev_topics = pd.DataFrame(
        {
            "topic_id": ["t_a", "t_c"],
            "label": ["A", "C"],
            "keywords": [["a"], ["c"]],
            "size": [1, 4],
            "n_sources": [1, 2],
            "representative_id": ["h1", "h9"],
            "first_published": [T - pd.Timedelta(days=1), T],
            "last_published": [T - pd.Timedelta(days=1), T],
            "run_id": ["r0", "r0"],
        }
    )
    prev_members = pd.DataFrame(
        {
            "article_id": ["h1"],
            "topic_id": ["t_a"],
            "published_at": [T - pd.Timedelta(days=1)],
            "source": ["R"],
        }
    )
    out = topics_table(members, (desc, union, {"u1": "t_a", "u2": "u2"}), (prev_topics, prev_members), "r1")
    rows = {r["topic_id"]: r for r in out.to_dict("records")}
    assert out["topic_id"].tolist() == ["t_c", "t_a", "u2"]  # by size, then id
    assert (rows["t_a"]["size"], rows["t_a"]["n_sources"], rows["t_a"]["label"]) == (2, 2, "A new")
    assert rows["t_a"]["first_published"] == T - pd.Timedelta(days=1) and rows["t_a"]["run_id"] == "r1"
    assert (rows["u2"]["n_sources"], rows["u2"]["keywords"]) == (0, ["b"])
    assert rows["t_c"]["run_id"] == "r0"
