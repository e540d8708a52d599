"""Themes from story centroids: hand-made centroids and small corpora with known subjects."""

import numpy as np
import pandas as pd
import pytest

from newsdedup.cluster import story_clusters
from newsdedup.cluster.themes import (
    CENTROID_TERMS,
    Centroids,
    group_centroids,
    link_centroids,
    theme_id_for,
    theme_keywords,
)
from newsdedup.errors import ConfigError
from newsdedup.params import ClusterParams


def _cents(rows: list[dict[str, float]], langs: list[str | None] | None = None) -> Centroids:
    n = len(rows)
    return Centroids.from_terms(
        [f"t{i}" for i in range(n)],
        [list(r) for r in rows],
        [list(r.values()) for r in rows],
        langs or [None] * n,
        [1.0] * n,
        [float("nan")] * n,
    )


# Two subjects, two stories each: the stories of a subject share its words, the subjects share none.
FOOTBALL = [
    {"goal": 1, "striker": 1, "league": 1, "cup": 1},
    {"goal": 1, "striker": 1, "league": 1, "coach": 1},
]
RATES = [
    {"rates": 1, "inflation": 1, "bank": 1, "economy": 1},
    {"rates": 1, "inflation": 1, "bank": 1, "growth": 1},
]
FILLER = [{f"w{i}": 1, f"v{i}": 1} for i in range(12)]  # unrelated stories, so the mean is not all subject


def test_two_stories_of_one_subject_share_a_theme_and_unrelated_subjects_do_not() -> None:
    labels = link_centroids(_cents([*FOOTBALL, *RATES, *FILLER]), threshold=0.1)
    assert labels[0] == labels[1]
    assert labels[2] == labels[3]
    assert labels[0] != labels[2]
    assert len(set(labels[4:].tolist())) == len(FILLER)  # no shared word: each its own theme


def test_no_theme_spans_two_known_languages() -> None:
    langs: list[str | None] = ["en", "de", "en", "en", *([None] * len(FILLER))]
    labels = link_centroids(_cents([*FOOTBALL, *RATES, *FILLER], langs), threshold=0.1)
    assert labels[0] != labels[1]  # same words, different languages
    assert labels[2] == labels[3]


def test_a_high_threshold_keeps_every_story_apart() -> None:
    labels = link_centroids(_cents([*FOOTBALL, *RATES, *FILLER]), threshold=0.99)
    assert len(set(labels.tolist())) == 4 + len(FILLER)


def test_centroids_concat_aligns_terms_and_round_trips() -> None:
    a, b = _cents(FOOTBALL), _cents(RATES)
    both = Centroids.concat([a, b])
    assert len(both) == 4
    words, values = both.row_terms(2)
    assert sorted(words) == sorted(RATES[0])
    assert np.isclose(np.square(values).sum(), 1.0)  # unit rows
    assert both.row_terms(0)[0] == a.row_terms(0)[0]


def test_centroids_keep_their_heaviest_terms_only() -> None:
    row = {f"w{i:04d}": float(i + 1) for i in range(CENTROID_TERMS + 50)}
    c = _cents([row])
    words, _ = c.row_terms(0)
    assert len(words) == CENTROID_TERMS
    assert words[0] == f"w{CENTROID_TERMS + 49:04d}"  # heaviest first


def test_group_centroids_weighted_mean_and_language() -> None:
    c = _cents([{"a": 1.0}, {"b": 1.0}, {"a": 1.0}], ["und", "fr", None])
    g = group_centroids(c, np.array([0, 0, 1]), ["x", "y"])
    assert g.language == ["fr", None]
    assert g.weight.tolist() == [2.0, 1.0]
    words, values = g.row_terms(0)
    assert words == ["a", "b"] and np.allclose(values, [2**-0.5, 2**-0.5])


def test_theme_keywords_prefer_a_themes_own_words_without_stop_words() -> None:
    c = _cents([{"the": 5.0, "goal": 2.0, "shared": 1.0}, {"rates": 2.0, "shared": 1.0}], ["en", "en"])
    words = theme_keywords(c, 2)
    assert words[0] == ["goal", "shared"]  # "the" is an English stop word
    assert words[1][0] == "rates"


def test_theme_id_is_content_derived() -> None:
    assert theme_id_for("t_1") == theme_id_for("t_1") != theme_id_for("t_2")
    assert theme_id_for("t_1").startswith("h_")


_SPORT = "the striker scored a goal for the club as the league season went on and the coach praised the team"
_MONEY = "the central bank raised interest rates as inflation rose and the economy slowed said the finance minister"


def _docs() -> pd.DataFrame:
    rows = []
    for story, (subject, event) in enumerate(
        [(_SPORT, "Arsenal beat Chelsea at Highbury"), (_SPORT, "Liverpool sign Rooney from Everton"),
         (_MONEY, "Bank of England lifts rate to five percent"), (_MONEY, "Federal Reserve holds rate in Washington")]
    ):  # fmt: skip
        for k in range(3):
            rows.append(
                {
                    "article_id": f"s{story}a{k}",
                    "title": event,
                    "match_text": f"{event} {event} {subject} report {k}",
                    "published_at": pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=story),
                    "source": f"outlet{k}",
                    "group_size": 1,
                }
            )
    return pd.DataFrame(rows)


# The texts are short (about 25 terms), so the headline rule would let two stories of one subject merge
# over their shared subject sentence; these tests are about centroids of distinct stories, so it is off.
_STORIES = ClusterParams(short_terms=0.0)


def test_story_clusters_give_one_centroid_per_story() -> None:
    docs = _docs()
    topic_id, topics, cents = story_clusters(docs, _STORIES)
    assert sorted(cents.ids.tolist()) == sorted(topics["topic_id"].tolist())
    assert topic_id.nunique() == 4
    # stories of one subject are nearer each other than stories of the other subject
    by_story = {f"s{s}": cents.ids.tolist().index(topic_id[docs["article_id"].str.startswith(f"s{s}")].iloc[0]) for s in range(4)}  # fmt: skip
    sims = (cents.matrix @ cents.matrix.T).toarray()
    assert sims[by_story["s0"], by_story["s1"]] > sims[by_story["s0"], by_story["s2"]]
    assert sims[by_story["s2"], by_story["s3"]] > sims[by_story["s1"], by_story["s3"]]


@pytest.mark.parametrize("centroids", [True, False])
def test_story_clusters_of_nothing(centroids: bool) -> None:
    docs = _docs().iloc[:0]
    topic_id, topics, cents = story_clusters(docs, _STORIES, centroids=centroids)
    assert len(topic_id) == len(topics) == len(cents) == 0


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, "0.1"])
def test_theme_threshold_is_checked(bad: object) -> None:
    with pytest.raises(ConfigError, match="theme_threshold"):
        ClusterParams(theme_threshold=bad)  # type: ignore[arg-type]
