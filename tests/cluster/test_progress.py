"""cluster_stories reports the rows its steps have done through the callback it is given."""

from collections import defaultdict

import pandas as pd

from newsdedup.cluster import cluster_stories
from newsdedup.params import ClusterParams


def _docs() -> pd.DataFrame:
    texts = [
        "council votes to double the harbour bridge toll to pay for repairs",
        "harbour bridge toll doubles after council vote on repairs",
        "nurses strike at dunmore hospital over pay and staffing",
        "dunmore nurses walk out over pay as hospital postpones operations",
    ]
    return pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "d"],
            "title": ["", "", "", ""],
            "published_at": pd.to_datetime(["2024-11-11"] * 4, utc=True),
            "source": ["x", "y", "x", "y"],
            "group_size": [1, 1, 1, 1],
            "match_text": texts,
        }
    )


def test_cluster_reports_rows_and_changes_nothing() -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def tally(step: str, done: int, total: int, /) -> None:
        counts[step][0] += done
        counts[step][1] += total

    topic, topics = cluster_stories(_docs(), ClusterParams(), progress=tally)
    assert list(counts) == ["cluster"]
    done, total = counts["cluster"]
    assert done == total and total >= 4 and total % 4 == 0  # each pass over the rows counts every row
    plain_topic, plain_topics = cluster_stories(_docs(), ClusterParams())
    pd.testing.assert_series_equal(topic, plain_topic)
    pd.testing.assert_frame_equal(topics, plain_topics)
