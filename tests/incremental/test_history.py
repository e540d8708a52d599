"""Which history a run relates to and what the next state keeps, on hand-made frames."""

import numpy as np
import pandas as pd

from newsdedup.dedup import sketch_texts
from newsdedup.incremental import effective_time, related_history, retention
from newsdedup.params import DedupParams

T = pd.Timestamp("2024-05-10", tz="UTC")


def test_effective_time_is_the_publication_time_else_first_seen() -> None:
    got = effective_time(pd.Series([T, None]), T + pd.Timedelta(days=1))
    assert got.tolist() == [T, T + pd.Timedelta(days=1)]
    got = effective_time(pd.Series([None]), pd.Series([T]))
    assert got.tolist() == [T]


def test_retention_counts_from_the_newest_time_seen_not_the_clock() -> None:
    history = pd.DataFrame({"published_at": [T - pd.Timedelta(days=40), T], "seen_at": [T, T]})
    new = pd.Series([T - pd.Timedelta(days=31), T + pd.Timedelta(days=1)])
    kept = retention(new, T, history, 30.0)
    assert kept.keep_old.tolist() == [False, True] and kept.keep_new.tolist() == [False, True]
    assert kept.retained == 2 and len(kept.t_old) == 2
    empty = retention(pd.Series([], dtype="datetime64[us, UTC]"), T, history.iloc[0:0], 30.0)
    assert empty.retained == 0


def test_related_history_brings_copies_and_candidates_with_their_whole_group() -> None:
    params = DedupParams()
    text = " ".join(f"word{i}" for i in range(80))
    other = " ".join(f"other{i}" for i in range(80))
    old = sketch_texts([text, other, other + " extra tail words here"], params)
    history = pd.DataFrame(
        {
            "published_at": [T, T, T],
            "seen_at": [T, T, T],
            "content_hash": ["h_text", "h_other", "h_other2"],
            "dup_group_id": ["G1", "G2", "G2"],
        }
    )
    new = sketch_texts([text + " and one more"], params)
    rows = related_history(
        history, old.signatures, new.signatures, pd.Series(["x"]), pd.Series([T]), params, 7.0
    )
    assert rows.tolist() == [0]
    rows = related_history(
        history,
        old.signatures,
        np.zeros((1, params.num_perm), old.signatures.dtype),
        pd.Series(["h_other"]),
        pd.Series([T]),
        params,
        7.0,
    )
    assert rows.tolist() == [1, 2]
    far = pd.Series([T + pd.Timedelta(days=30)])
    assert (
        related_history(history, old.signatures, new.signatures, pd.Series(["x"]), far, params, 7.0).tolist()
        == []
    )
