"""One stage at a time on plain data frames: known duplicate groups and stories on hand-made rows."""

import pandas as pd
import pytest

import newsdedup
from newsdedup.frames import PARSED_COLUMNS
from tests.conftest import SAMPLE

FEED = pd.read_json(SAMPLE / "feed.jsonl", lines=True, dtype=False)


def _rows(*ids: str) -> pd.DataFrame:
    """Feed rows by id (fd-07/fd-08 and fd-10/fd-11 are near-duplicate pairs; labels.csv)."""
    return (
        FEED.set_index("id").loc[list(ids)].reset_index()[["id", "title", "body", "published_at", "source"]]
    )


def test_parse_reads_a_raw_layout_article() -> None:
    text = "Bridge toll doubles\n\nBy Ann Lee\n\nPORT ALDER - Drivers will pay twice as much from January."
    parsed = newsdedup.parse(text)
    assert (parsed["title"], parsed["author"], parsed["location"]) == (
        "Bridge toll doubles",
        "Ann Lee",
        "PORT ALDER",
    )
    assert parsed["match_text"] == "drivers will pay twice as much from january"


def test_parse_with_a_title_reads_a_structured_record() -> None:
    parsed = newsdedup.parse(
        "Drivers will pay more.", title="Toll doubles | Northline News", published_at="2024-11-11"
    )
    assert (parsed["title"], parsed["source"]) == ("Toll doubles", "Northline News")
    assert parsed["published_at"].isoformat() == "2024-11-11T00:00:00+00:00"


def test_parse_frame_columns_ids_and_sources() -> None:
    df = pd.DataFrame(
        {
            "title": ["Toll doubles | Northline News", "Ferry strike"],
            "body": ["Drivers pay more.", "Ferries stop."],
        },
        index=[10, 11],
    )
    parsed = newsdedup.parse_frame(df)
    assert list(parsed.columns) == PARSED_COLUMNS
    assert parsed["article_id"].tolist() == ["10", "11"]  # no id column: the index labels
    assert parsed["source"].iloc[0] == "Northline News" and pd.isna(parsed["source"].iloc[1])
    assert str(parsed["published_at"].dtype) == "datetime64[us, UTC]"


def test_find_duplicates_groups_known_pairs_and_an_exact_copy() -> None:
    df = _rows("fd-07", "fd-08", "fd-10", "fd-11", "fd-01")
    copy = df.iloc[[4]].assign(id="copy-of-01", published_at="2024-12-01T00:00:00Z")
    out = newsdedup.find_duplicates(pd.concat([df, copy], ignore_index=True))
    groups = out.groupby("dup_group_id")["article_id"].apply(frozenset)
    assert set(groups) == {
        frozenset({"fd-07", "fd-08"}),
        frozenset({"fd-10", "fd-11"}),
        frozenset({"fd-01", "copy-of-01"}),
    }
    row = out.set_index("article_id")
    assert row.loc["copy-of-01", "dup_method"] == "exact" and row.loc["fd-01", "is_canonical"]
    assert row.loc["fd-08", "canonical_id"] == "fd-07"  # the earlier of the pair


def test_find_duplicates_matches_the_job_on_the_feed() -> None:
    job = newsdedup.process(FEED).articles.set_index("article_id")
    out = newsdedup.find_duplicates(FEED).set_index("article_id")
    cols = ["dup_group_id", "canonical_id", "is_canonical", "dup_method", "canonical_reason"]
    pd.testing.assert_frame_equal(out[cols], job.loc[out.index, cols], check_dtype=False)


def test_cluster_puts_each_story_s_articles_together() -> None:
    df = _rows("fd-07", "fd-08", "fd-10", "fd-11", "fd-01")
    out = newsdedup.cluster(df)
    assert list(out.columns) == ["article_id", "topic_id", "topic_label", "topic_keywords", "topic_size"]
    stories = out.groupby("topic_id")["article_id"].apply(frozenset)
    assert set(stories) == {
        frozenset({"fd-07", "fd-08"}),
        frozenset({"fd-10", "fd-11"}),
        frozenset({"fd-01"}),
    }


def test_cluster_refuses_repeated_ids() -> None:
    with pytest.raises(ValueError, match="unique"):
        newsdedup.cluster(_rows("fd-01", "fd-01"))
