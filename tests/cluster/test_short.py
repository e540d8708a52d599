"""Headline-only and short records: the length-adapted similarity (``cluster.short``) on hand-made headline
sets with known stories, and full-length texts left as they were."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newsdedup.cluster import cluster_stories
from newsdedup.cluster.graph import CLUSTER_TERMS
from newsdedup.cluster.short import length_boost
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_for_matching

# Two stories of one subject (the Fed: rates held / bank stress tests), each reworded by several outlets,
# and two stories of other subjects; all within one day, as in an aggregator feed.
FED_RATES = [
    "Fed's Yellen says interest rates to stay low for a considerable time",
    "Yellen: Federal Reserve will keep rates near zero",
    "Fed chair Yellen signals low interest rates for longer",
    "Stocks rise after Yellen vows to keep rates low",
    "Janet Yellen defends low rate policy in first speech as Fed chair",
]
FED_STRESS = [
    "Fed stress tests: Citigroup fails, 25 other banks pass",
    "Citigroup capital plan rejected in Federal Reserve stress test",
    "Citi among five banks to fail Fed stress test",
    "Banks pass Fed stress tests but Citigroup falls short",
    "Citigroup shares drop after failing stress test",
]
IPHONE = [
    "Apple iPhone 6 release date rumoured for September",
    "iPhone 6 to launch in September, say Apple suppliers",
    "Apple suppliers ramp up iPhone 6 production ahead of launch",
    "Bigger iPhone 6 screen coming in September launch",
]
QUAKE = [
    "Magnitude 8.2 earthquake strikes off northern Chile",
    "Chile earthquake triggers tsunami warning",
    "Strong quake hits Chile coast, tsunami alert issued",
    "Tsunami waves hit Chile after 8.2 earthquake",
]
T0 = pd.Timestamp("2014-03-26 08:00", tz="UTC")


def headline_docs(stories: list[list[str]]) -> tuple[pd.DataFrame, list[int]]:
    """Headline-only canonicals as the job clusters them: the matching text is the normalised headline."""
    titles = [t for story in stories for t in story]
    labels = [s for s, story in enumerate(stories) for _ in story]
    docs = pd.DataFrame(
        {
            "article_id": [f"h{i:02d}" for i in range(len(titles))],
            "title": titles,
            "match_text": [normalize_for_matching(t) for t in titles],
            "published_at": [T0 + pd.Timedelta(minutes=37 * i) for i in range(len(titles))],
            "source": [f"outlet{i}" for i in range(len(titles))],
            "group_size": 1,
        }
    )
    return docs, labels


def stories_of(topic: pd.Series, labels: list[int]) -> dict[int, set[str]]:
    """Each true story's set of topic ids."""
    out: dict[int, set[str]] = {}
    for t, lab in zip(topic, labels, strict=True):
        out.setdefault(lab, set()).add(t)
    return out


def test_reworded_headlines_of_one_story_join_and_same_subject_stories_stay_apart() -> None:
    docs, labels = headline_docs([FED_RATES, FED_STRESS, IPHONE, QUAKE])
    topic, topics = cluster_stories(docs, ClusterParams())
    found = stories_of(topic, labels)
    # every story's headlines in one topic, and no topic shared by two stories (the two Fed stories apart)
    assert all(len(t) == 1 for t in found.values()), found
    assert len(set.union(*found.values())) == 4
    assert len(topics) == 4


def test_one_global_cut_splits_the_same_headlines() -> None:
    # Without the adaptation the same feed falls apart into many small topics (what the adaptation fixes).
    docs, _ = headline_docs([FED_RATES, FED_STRESS, IPHONE, QUAKE])
    topic, _ = cluster_stories(docs, ClusterParams(short_terms=0.0))
    assert topic.nunique() > 6


def test_full_length_texts_are_unchanged() -> None:
    # Texts of CLUSTER_TERMS terms or more keep a scale of 1: the same topics with or without adaptation.
    rng = np.random.default_rng(3)
    vocab = [f"word{i}" for i in range(400)]
    texts, titles = [], []
    for s in range(6):
        own = vocab[s * 60 : s * 60 + 80]
        for _ in range(4):
            texts.append(" ".join(rng.choice(own, 150)))
            titles.append(" ".join(rng.choice(own, 8)))
    docs = pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(len(texts))],
            "title": titles,
            "match_text": texts,
            "published_at": [T0 + pd.Timedelta(hours=i) for i in range(len(texts))],
            "source": "x",
            "group_size": 1,
        }
    )
    on, _ = cluster_stories(docs, ClusterParams())
    off, _ = cluster_stories(docs, ClusterParams(short_terms=0.0))
    assert on.tolist() == off.tolist()
    assert on.nunique() == 6


def test_length_boost_grows_as_texts_shrink() -> None:
    n = np.array([0, 1, 4, 8, 15, 30, CLUSTER_TERMS - 1, CLUSTER_TERMS, 500])
    g = length_boost(n, 24.0, CLUSTER_TERMS)
    assert g[0] == 1.0  # an empty row has no similarity to scale
    assert np.all(np.diff(g[1:]) <= 0)  # shorter texts, larger scale
    assert np.all(g[1:-2] > 1.0)
    assert g[-2] == g[-1] == 1.0  # full-length texts: unchanged
    # a pair of 8-term headlines merges at threshold / g(8)^2: (1 + 24/60) / (1 + 24/8) of the threshold
    assert g[3] ** 2 == pytest.approx((1 + 24 / 8) / (1 + 24 / CLUSTER_TERMS))
    assert np.all(length_boost(n, 0.0, CLUSTER_TERMS) == 1.0)


@pytest.mark.parametrize("value", [-1.0, 1001.0, float("nan"), "many"])
def test_short_terms_is_validated(value: object) -> None:
    with pytest.raises(ValueError, match="short_terms must be"):
        ClusterParams(short_terms=value)  # type: ignore[arg-type]


def test_unboost_restores_the_rows_bit_for_bit() -> None:
    import scipy.sparse as sp

    from newsdedup.cluster.kernels.shared import Centring
    from newsdedup.cluster.short import boost_short_rows, unboost

    rng = np.random.default_rng(0)
    lens = [3, 70, 0, 8, 60, 12]
    rows = [rng.random(k).astype(np.float32) + 0.1 for k in lens]
    indptr = np.concatenate(([0], np.cumsum(lens)))
    X = sp.csr_matrix((np.concatenate(rows), np.concatenate([np.arange(k) for k in lens]), indptr))
    before = X.data.copy()
    plain = Centring(np.full(6, 1.5), np.full(6, 0.2), 0.1)
    boost = boost_short_rows(X, plain, 24.0, CLUSTER_TERMS)
    g = length_boost(np.array(lens), 24.0, CLUSTER_TERMS)
    assert np.allclose(boost.centring.w, 1.5 * g) and np.allclose(boost.centring.q, 0.2 * g)
    assert np.allclose(X[0].data, rows[0] * g[0]) and np.array_equal(X[1].data, rows[1])  # long row untouched
    assert unboost(X, boost) is plain
    assert np.array_equal(X.data, before)
