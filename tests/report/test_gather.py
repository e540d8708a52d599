"""The report's pure parts on hand-made frames with hand-computed answers: rates, groups, pairs above the
threshold, run history, word diffs, the url rule."""

import pandas as pd
import pytest

from newsdedup.params import DedupParams
from newsdedup.report import gather
from newsdedup.report.near import pairs_below, word_diff
from newsdedup.report.render import safe_url

TS = pd.Timestamp


def _articles() -> pd.DataFrame:
    rows = [
        # id, source, day, group, canonical, similarity, method, topic
        ("a1", "Herald", 1, "g1", True, 1.0, "canonical", "t1"),
        ("a2", "Post", 1, "g1", False, 0.9, "near", "t1"),
        ("a3", "Post", 2, "g1", False, 0.6, "near", "t1"),
        ("b1", "Post", 2, "g2", True, 1.0, "canonical", "t2"),
        ("b2", None, 2, "g2", False, 1.0, "exact", "t2"),
        ("c1", "Herald", 3, "g3", True, 1.0, "canonical", "t1"),
    ]
    return pd.DataFrame(
        {
            "article_id": [r[0] for r in rows],
            "source": [r[1] for r in rows],
            "url": [f"https://x/{r[0]}" for r in rows],
            "title": [f"Title {r[0]}" for r in rows],
            "published_at": [TS(f"2025-01-0{r[2]}T12:00", tz="UTC") for r in rows],
            "dup_group_id": [r[3] for r in rows],
            "canonical_id": [{"g1": "a1", "g2": "b1", "g3": "c1"}[r[3]] for r in rows],
            "is_canonical": [r[4] for r in rows],
            "dup_similarity": [r[5] for r in rows],
            "dup_method": [r[6] for r in rows],
            "canonical_reason": ["earliest" if r[4] else None for r in rows],
            "topic_id": [r[7] for r in rows],
        }
    )


def test_duplicate_rates() -> None:
    d = gather.duplicate_rates(_articles())
    assert (d["articles"], d["duplicates"], d["rate"]) == (6, 3, 0.5)
    assert d["per_source"] == [
        {"source": "Post", "articles": 3, "duplicates": 2, "rate": 0.6667},
        {"source": "Herald", "articles": 2, "duplicates": 0, "rate": 0.0},
        {"source": "(no source)", "articles": 1, "duplicates": 1, "rate": 1.0},
    ]
    assert [(r["day"], r["articles"], r["duplicates"]) for r in d["per_day"]] == [
        ("2025-01-01", 2, 1),
        ("2025-01-02", 3, 2),
        ("2025-01-03", 1, 0),
    ]


def test_largest_groups_least_similar_copy_first() -> None:
    groups = gather.largest_groups(_articles(), n=5)
    assert [(g["dup_group_id"], g["size"]) for g in groups] == [("g1", 3), ("g2", 2)]  # g3 is alone
    assert groups[0]["canonical"]["article_id"] == "a1" and groups[0]["canonical_reason"] == "earliest"
    assert [m["article_id"] for m in groups[0]["members"]] == ["a3", "a2"]


def test_pairs_above_keeps_the_band_closest_first() -> None:
    dups = pd.DataFrame(
        {
            "article_id": ["p", "q", "r", "s", "t"],
            "canonical_id": ["c"] * 5,
            "similarity": [0.57, 0.51, 0.75, 0.85, 0.95],
            "method": ["near", "near", "near", "containment", "exact"],
        }
    )
    pairs = gather.pairs_above(dups, DedupParams(), n=10, band=0.1)
    assert [(p["right_id"], p["threshold"]) for p in pairs] == [("q", 0.5), ("s", 0.8), ("p", 0.5)]


def test_topics_section_and_timeline() -> None:
    topics = pd.DataFrame(
        {
            "topic_id": ["t1", "t2"],
            "label": ["One", "Two"],
            "keywords": [["a", "b"], ["c"]],
            "size": [4, 2],
            "n_sources": [2, 1],
            "representative_id": ["a1", "missing"],
            "first_published": [TS("2025-01-01", tz="UTC")] * 2,
            "last_published": [TS("2025-01-03", tz="UTC")] * 2,
        }
    )
    section = gather.topics_section(_articles(), topics, n=5)
    assert [t["topic_id"] for t in section] == ["t1", "t2"]
    assert section[0]["sources"] == [{"source": "Herald", "articles": 2}, {"source": "Post", "articles": 2}]
    assert section[0]["representative"]["title"] == "Title a1"
    missing = {"article_id": "missing", "title": None, "source": None, "url": None, "published_at": None}
    assert section[1]["representative"] == missing
    timeline = gather.topic_timeline(_articles(), ["t1", "t2"])
    assert timeline == {
        "days": ["2025-01-01", "2025-01-02", "2025-01-03"],
        "series": {"t1": [2, 1, 1], "t2": [0, 2, 0]},
    }


def test_run_history_sums_steps_and_keeps_the_last_runs() -> None:
    manifests = [
        {
            "run_id": f"r{i}",
            "counts": {"articles": i},
            "steps": {
                "read": {"seconds": 1.5, "peak_rss_mb": 100.0 + i},
                "dedup": {"seconds": 0.5, "peak_rss_mb": 90.0},
            },
        }
        for i in range(4)
    ]
    runs = gather.run_history(manifests, n=2)
    assert [r["run_id"] for r in runs] == ["r2", "r3"]
    assert runs[1]["seconds"] == 2.0 and runs[1]["peak_rss_mb"] == 103.0 and runs[1]["articles"] == 3


def test_pairs_below_finds_nothing_among_too_few_canonicals() -> None:
    texts = pd.DataFrame({"article_id": ["a1"], "match_text": ["one two three four five six"]})
    assert pairs_below(_articles(), texts, DedupParams()) == (
        [],
        {"canonicals": 1, "candidates": 0, "verified": 0},
    )


def test_word_diff_marks_the_replaced_words_on_both_sides() -> None:
    left, right = word_diff("the cat sat on the mat", "the dog sat on the mat today")
    assert left == [["the", False], ["cat", True], ["sat on the mat", False]]
    assert right == [["the", False], ["dog", True], ["sat on the mat", False], ["today", True]]


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://news.example/a?b=1", "https://news.example/a?b=1"),
        ("HTTP://news.example/", "HTTP://news.example/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//news.example/a", None),
        ("/relative", None),
        ("https:///nohost", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url: str | None, link: str | None) -> None:
    assert safe_url(url) == link


def test_articles_without_a_date_are_counted_apart_and_left_out_of_the_day_chart() -> None:
    from newsdedup.report.render import _rate_charts

    frame = _articles()
    frame.loc[frame["article_id"] == "b2", "published_at"] = pd.NaT
    per_day = gather.duplicate_rates(frame)["per_day"]
    assert per_day[0] == {"day": "(no date)", "articles": 1, "duplicates": 1, "rate": 1.0}
    chart = _rate_charts(gather.duplicate_rates(frame))["per_day"]
    assert "(no date)" not in chart and "2025-01-03" in chart
