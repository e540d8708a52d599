"""Story clustering: tiny hand-made corpora with known stories, determinism, topic table, validation."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.cluster import (
    TOPIC_COLUMNS,
    StoryFeatures,
    StoryModel,
    cluster_stories,
    graph,
    story_features,
    topic_id_for,
)
from newsdedup.cluster.describe import _top_k_per_row
from newsdedup.cluster.features import FEATURE_TERMS
from newsdedup.model import MapFn, serial_map
from newsdedup.params import ClusterParams

QUAKE = [
    (
        "Earthquake shakes southern Chile",
        "a magnitude 7 earthquake struck southern chile near valdivia on monday collapsing houses and "
        "cutting power rescue teams searched the rubble the chilean government declared an emergency",
    ),
    (
        "Chile quake: rescuers search rubble in Valdivia",
        "rescuers in valdivia searched collapsed houses after the earthquake in southern chile the "
        "magnitude 7 quake cut power and the government declared an emergency across the region",
    ),
    (
        "Valdivia counts damage after Chile earthquake",
        "residents of valdivia counted the damage a day after the chile earthquake emergency teams "
        "restored power to collapsed neighbourhoods and the government sent rescue teams",
    ),
]
CUP = [
    (
        "Rovers win the cup final on penalties",
        "rovers beat united on penalties in the cup final at wembley after a goalless draw the "
        "goalkeeper saved two penalties and the captain lifted the trophy",
    ),
    (
        "Penalty shootout hands Rovers the cup",
        "the cup final at wembley went to penalties after a goalless draw and rovers goalkeeper saved "
        "twice as united missed the captain lifted the trophy for rovers",
    ),
    (
        "Rovers captain lifts cup after Wembley shootout",
        "the rovers captain lifted the cup trophy at wembley after the final against united ended in a "
        "goalless draw and rovers won on penalties thanks to the goalkeeper",
    ),
]
T0 = pd.Timestamp("2024-03-04 09:00", tz="UTC")


def make_docs(
    stories: list[list[tuple[str, str]]], times: Sequence[pd.Timestamp | None] | None = None
) -> pd.DataFrame:
    """One canonical per (title, text); article ids a01, a02, ... in story order."""
    rows = []
    for s, story in enumerate(stories):
        for title, text in story:
            rows.append({"title": title, "match_text": text, "story": s})
    df = pd.DataFrame(rows)
    df.insert(0, "article_id", [f"a{i + 1:02d}" for i in range(len(df))])
    stamps = times if times is not None else [T0 + pd.Timedelta(hours=i) for i in range(len(df))]
    df["published_at"] = pd.to_datetime(pd.Series(list(stamps), dtype=object), utc=True)
    df["source"] = [f"outlet{i % 3}" for i in range(len(df))]
    df["group_size"] = 1
    return df


def partition(labels: pd.Series | np.ndarray, ids: pd.Series) -> set[frozenset[str]]:
    """The clustering as a set of sets of article ids (independent of label names)."""
    groups: dict[object, set[str]] = {}
    for lab, i in zip(labels, ids, strict=True):
        groups.setdefault(lab, set()).add(str(i))
    return {frozenset(g) for g in groups.values()}


def test_two_clear_stories_come_back() -> None:
    docs = make_docs([QUAKE, CUP])
    topic, topics = cluster_stories(docs, ClusterParams())
    assert partition(topic, docs["article_id"]) == {
        frozenset({"a01", "a02", "a03"}),
        frozenset({"a04", "a05", "a06"}),
    }
    assert len(topics) == 2


def test_estimator_labels_in_order_of_first_appearance() -> None:
    docs = make_docs([CUP, QUAKE])
    model = StoryModel().fit(
        docs["match_text"].tolist(), docs["title"].tolist(), docs["published_at"].tolist()
    )
    assert model.labels_.tolist() == [0, 0, 0, 1, 1, 1]
    assert model.n_clusters_ == 2
    assert model.centrality_.shape == (6,)
    assert np.all((model.centrality_ > 0) & (model.centrality_ <= 1 + 1e-6))


def test_far_apart_in_time_splits_when_time_scale_is_small() -> None:
    # The same story told twice, 60 days apart, next to an unrelated story.
    times = [T0, T0 + pd.Timedelta(days=60), T0 + pd.Timedelta(days=1), T0, T0, T0]
    docs = make_docs([QUAKE, CUP], times)
    split, _ = cluster_stories(docs, ClusterParams(time_scale_days=1.0))
    assert split[0] != split[1]
    together, _ = cluster_stories(docs, ClusterParams(time_scale_days=None))
    assert together[0] == together[1] == together[2]


def test_missing_times_cluster_on_text_alone() -> None:
    docs = make_docs([QUAKE, CUP], [None, T0, None, None, T0 + pd.Timedelta(days=400), None])
    topic, topics = cluster_stories(docs, ClusterParams(time_scale_days=1.0))
    assert partition(topic, docs["article_id"]) == {
        frozenset({"a01", "a02", "a03"}),
        frozenset({"a04", "a05", "a06"}),
    }
    quake = topics.set_index("topic_id").loc[topic[0]]
    assert quake["first_published"] == T0 and quake["last_published"] == T0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_deterministic_under_shuffled_input(seed: int) -> None:
    docs = make_docs([QUAKE, CUP])
    topic, topics = cluster_stories(docs, ClusterParams())
    shuffled = docs.sample(frac=1.0, random_state=seed)
    topic2, topics2 = cluster_stories(shuffled, ClusterParams())
    assert topic2.reindex(docs.index).tolist() == topic.tolist()
    pd.testing.assert_frame_equal(topics, topics2)


def test_topic_ids_derive_from_smallest_article_id() -> None:
    docs = make_docs([QUAKE, CUP])
    topic, topics = cluster_stories(docs, ClusterParams())
    assert topic[0] == topic_id_for("a01") and topic[3] == topic_id_for("a04")
    assert set(topics["topic_id"]) == {topic_id_for("a01"), topic_id_for("a04")}
    # Adding an unrelated later article does not rename existing topics.
    more = pd.concat(
        [docs, make_docs([[("Parliament passes budget", "lawmakers passed the annual budget")]])]
    )
    more["article_id"] = [*docs["article_id"], "z99"]
    topic_more, _ = cluster_stories(more.reset_index(drop=True), ClusterParams())
    assert topic_more[:6].tolist() == topic.tolist()
    assert topic_id_for("a01").startswith("t_") and len(topic_id_for("a01")) == 18


def test_topics_table_columns_types_and_content() -> None:
    docs = make_docs([QUAKE, CUP])
    docs["group_size"] = [3, 1, 1, 1, 2, 1]
    docs["group_sources"] = pd.Series(
        [["outlet0", "wire"], None, None, None, ["outlet1", "other"], None], index=docs.index, dtype=object
    )
    _, topics = cluster_stories(docs, ClusterParams(keywords_top_n=4))
    assert list(topics.columns) == TOPIC_COLUMNS
    assert topics["size"].dtype == np.int64 and topics["n_sources"].dtype == np.int64
    assert str(topics["first_published"].dtype) == "datetime64[ns, UTC]"
    assert str(topics["last_published"].dtype) == "datetime64[ns, UTC]"
    quake = topics.set_index("topic_id").loc[topic_id_for("a01")]
    cup = topics.set_index("topic_id").loc[topic_id_for("a04")]
    # Sizes count duplicates through group_size; sources include the dup groups' sources.
    assert quake["size"] == 5 and cup["size"] == 4
    assert quake["n_sources"] == 4  # outlet0, outlet1, outlet2, wire
    assert cup["n_sources"] == 4  # outlet0, outlet1, outlet2, other
    assert quake["label"] in {t for t, _ in QUAKE}
    assert quake["representative_id"] in {"a01", "a02", "a03"}
    assert len(quake["keywords"]) == 4 and all(isinstance(k, str) for k in quake["keywords"])
    assert {"valdivia", "chile", "earthquake"} & set(quake["keywords"])
    assert {"rovers", "penalties", "cup"} & set(cup["keywords"])
    assert quake["first_published"] == T0 and quake["last_published"] == T0 + pd.Timedelta(hours=2)
    # Largest topic first.
    assert topics["size"].tolist() == sorted(topics["size"], reverse=True)


def test_label_falls_back_to_keywords_without_titles() -> None:
    docs = make_docs([QUAKE, CUP])
    docs["title"] = None
    _, topics = cluster_stories(docs, ClusterParams())
    for label, keywords in zip(topics["label"], topics["keywords"], strict=True):
        assert label == " ".join(keywords[:5])


def test_single_doc() -> None:
    docs = make_docs([QUAKE[:1]])
    topic, topics = cluster_stories(docs, ClusterParams())
    assert topic.tolist() == [topic_id_for("a01")]
    assert topics.loc[0, "size"] == 1 and topics.loc[0, "representative_id"] == "a01"
    assert topics.loc[0, "label"] == QUAKE[0][0]


def test_empty_input_returns_empty_frames() -> None:
    docs = make_docs([QUAKE]).iloc[:0]
    topic, topics = cluster_stories(docs, ClusterParams())
    assert len(topic) == 0 and len(topics) == 0
    assert list(topics.columns) == TOPIC_COLUMNS
    model = StoryModel().fit([])
    assert model.n_clusters_ == 0 and len(model.labels_) == 0


def test_empty_and_stopword_texts_do_not_crash() -> None:
    model = StoryModel().fit(["", "the and of", ""], titles=[None, "", None])
    assert len(model.labels_) == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", 0.0, r"threshold must be in \(0.0, 1.0\], got 0.0"),
        ("threshold", 1.5, r"threshold must be in \(0.0, 1.0\], got 1.5"),
        ("threshold", "high", r"threshold must be a number, got 'high'"),
        ("time_scale_days", -1.0, r"time_scale_days must be in \(0.0, "),
        ("title_weight", -0.1, r"title_weight must be in \[0.0, 10.0\], got -0.1"),
        ("lead_words", -1, r"lead_words must be in \[0, inf\], got -1"),
        ("lead_words", 2.5, r"lead_words must be an integer, got 2.5"),
        ("n_neighbors", 0, r"n_neighbors must be in \[1, 1000\], got 0"),
        ("max_features", 0, r"max_features must be in \[1, inf\], got 0"),
        ("random_state", -3, r"random_state must be in \[0, inf\], got -3"),
        ("keywords_top_n", 0, r"keywords_top_n must be in \[1, 100\], got 0"),
    ],
)
def test_params_validation(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClusterParams(**{field: value})  # type: ignore[arg-type]


def test_params_accept_none_where_allowed() -> None:
    p = ClusterParams(time_scale_days=None, max_features=None)
    assert p.time_scale_days is None


def test_model_takes_validated_params() -> None:
    params = ClusterParams(threshold=0.3)
    assert StoryModel(params).params is params and StoryModel().params == ClusterParams()
    with pytest.raises(ValueError, match="threshold"):
        StoryModel(ClusterParams(threshold=2.0))


def test_missing_columns_are_an_error() -> None:
    with pytest.raises(ValueError, match="match_text"):
        cluster_stories(pd.DataFrame({"article_id": ["a"]}), ClusterParams())


def test_max_features_limits_vocabulary_and_keeps_stories() -> None:
    docs = make_docs([QUAKE, CUP])
    model = StoryModel(ClusterParams(max_features=12)).fit(
        docs["match_text"].tolist(), docs["title"].tolist()
    )
    assert len(model.terms_) == 12 and model.X_.shape == (6, 12)
    assert list(model.terms_) == sorted(model.terms_)
    assert model.labels_.tolist() == [0, 0, 0, 1, 1, 1]


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join), min_size=1, max_size=9
    ),
    perm_seed=st.integers(0, 1000),
)
def test_partition_does_not_depend_on_input_order(texts: list[str], perm_seed: int) -> None:
    docs = pd.DataFrame(
        {
            "article_id": [f"d{i}" for i in range(len(texts))],
            "title": [None] * len(texts),
            "match_text": texts,
            "published_at": pd.to_datetime(pd.Series([pd.NaT] * len(texts)), utc=True),
            "source": "s",
            "group_size": 1,
        }
    )
    topic, topics = cluster_stories(docs, ClusterParams())
    shuffled = docs.sample(frac=1.0, random_state=perm_seed)
    topic2, topics2 = cluster_stories(shuffled, ClusterParams())
    assert topic2.reindex(docs.index).tolist() == topic.tolist()
    assert topics["size"].sum() == len(texts)
    assert sorted(topics2["topic_id"]) == sorted(topics["topic_id"])


def test_top_k_per_row_breaks_ties_on_the_smaller_tie_key() -> None:
    indptr = np.array([0, 4, 5, 5, 8])
    values = np.array([0.5, 0.9, 0.5, 0.1, 0.3, 0.2, 0.2, 0.2])
    tie = np.array([7, 1, 3, 0, 4, 9, 2, 5])
    rows, ties = _top_k_per_row(indptr, values, tie, 2)
    assert sorted(zip(rows.tolist(), ties.tolist(), strict=True)) == [(0, 1), (0, 3), (1, 4), (3, 2), (3, 5)]


def _features(docs: pd.DataFrame) -> StoryFeatures:
    return story_features(docs["title"].tolist(), docs["match_text"].tolist(), ClusterParams())


def test_precomputed_features_give_the_same_topics_without_match_text() -> None:
    docs = make_docs([QUAKE, CUP])
    topic, topics = cluster_stories(docs, ClusterParams())
    feats = _features(docs)
    topic2, topics2 = cluster_stories(docs.drop(columns="match_text"), ClusterParams(), feats)
    assert topic2.tolist() == topic.tolist()
    pd.testing.assert_frame_equal(topics, topics2)
    # Features follow docs' row order: shuffling both together changes nothing.
    shuffled = docs.sample(frac=1.0, random_state=4)
    topic3, _ = cluster_stories(shuffled, ClusterParams(), _features(shuffled))
    assert topic3.reindex(docs.index).tolist() == topic.tolist()


def test_features_concat_and_take_keep_rows() -> None:
    docs = make_docs([QUAKE, CUP])
    feats = _features(docs)
    assert len(feats) == 6 and feats.indptr[0] == 0 and feats.indptr[-1] == len(feats.term)
    parts = [feats.take(np.array([0, 1])), feats.take(np.array([2, 3, 4, 5]))]
    joined = StoryFeatures.concat(parts)
    np.testing.assert_array_equal(joined.indptr, feats.indptr)
    np.testing.assert_array_equal(joined.term, feats.term)
    np.testing.assert_array_equal(joined.weight, feats.weight)
    np.testing.assert_array_equal(joined.vocab_hash, feats.vocab_hash)
    rev = feats.take(np.arange(5, -1, -1))
    np.testing.assert_array_equal(rev.term[rev.indptr[0] : rev.indptr[1]], feats.term[feats.indptr[5] :])
    # Every stored term can be printed; the vocabulary holds only stored terms.
    assert set(np.unique(feats.term).tolist()) == set(feats.vocab_hash.tolist())
    assert "valdivia" in set(feats.vocab_term.tolist())
    assert len(StoryFeatures.concat([])) == 0


def test_features_are_compact_and_weights_decode() -> None:
    words = [f"w{i:03d}" for i in range(300)]
    lead = FEATURE_TERMS // 2
    # without entity entries (the words have digits: each would be an entity term too)
    params = ClusterParams(lead_words=lead, entity_weight=0.0)
    feats = story_features(["a headline here"], [" ".join(words)], params)
    assert feats.indptr[-1] == FEATURE_TERMS
    assert feats.nbytes <= 5 * FEATURE_TERMS + 16
    w = np.sort(feats.weights())[::-1]
    # The title part is one word ("here" is a stop word); 300 distinct body words, the first `lead` of them
    # in the lead: each part has unit norm, and lead words outweigh the rest of the body.
    np.testing.assert_allclose(w[0], 1.0, rtol=0.025)
    np.testing.assert_allclose(w[1 : lead + 1], 1 / np.sqrt(300) + 1 / np.sqrt(lead), rtol=0.025)
    np.testing.assert_allclose(w[lead + 1 :], 1 / np.sqrt(300), rtol=0.025)
    terms = dict(zip(feats.vocab_hash.tolist(), feats.vocab_term.tolist(), strict=True))
    kept = {terms[h] for h in feats.term.tolist()} - {"headline"}
    # Every lead word stays; which of the other (equal-weight) words stay is decided by the term hash.
    assert len(kept) == FEATURE_TERMS - 1 and kept >= set(words[:lead])


def test_features_of_a_document_do_not_depend_on_its_neighbours() -> None:
    # Per-document featurisation: the same text gives the same row whatever else is featurised with it.
    docs = make_docs([QUAKE, CUP])
    titles, texts = docs["title"].tolist(), docs["match_text"].tolist()
    alone = [story_features([titles[i]], [texts[i]], ClusterParams()) for i in range(len(texts))]
    together = story_features(titles[::-1], texts[::-1], ClusterParams())
    for i, f in enumerate(alone):
        j = len(texts) - 1 - i
        lo, hi = together.indptr[j], together.indptr[j + 1]
        np.testing.assert_array_equal(f.term, together.term[lo:hi])
        np.testing.assert_array_equal(f.weight, together.weight[lo:hi])


def test_title_and_body_words_are_the_same_terms() -> None:
    # Titles are normalised like matching text, so "Korea's" in a headline is the body's "koreas".
    feats = story_features(["Korea's QUAKE"], ["koreas quake"], ClusterParams())
    assert sorted(feats.vocab_term.tolist()) == ["koreas", "quake"]
    assert len(feats.term) == 2


def test_features_of_empty_texts_and_wrong_lengths() -> None:
    feats = story_features([None, ""], ["", "the and of"], ClusterParams())
    assert len(feats) == 2 and len(feats.term) == 0
    with pytest.raises(ValueError, match="titles has 1 values for 2 texts"):
        story_features(["x"], ["a", "b"], ClusterParams())
    docs = make_docs([QUAKE])
    with pytest.raises(ValueError, match="features has 2 rows for 3 docs"):
        cluster_stories(docs, ClusterParams(), feats)


def _news_corpus(n_stories: int, per_story: int, seed: int) -> pd.DataFrame:
    """Stories of random words: each story has its own vocabulary, articles share most of it, with noise."""
    rng = np.random.default_rng(seed)
    common = [f"word{i}" for i in range(60)]
    rows = []
    for s in range(n_stories):
        vocab = [f"s{s}w{i}" for i in range(25)]
        for _ in range(per_story):
            words = rng.choice(vocab, 30).tolist() + rng.choice(common, 15).tolist()
            title = " ".join(rng.choice(vocab, 5).tolist())
            rows.append({"title": title, "match_text": " ".join(rng.permutation(words).tolist()), "story": s})
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    df.insert(0, "article_id", [f"n{i:03d}" for i in range(len(df))])
    hours = rng.integers(0, 24 * 10, len(df))
    df["published_at"] = [T0 + pd.Timedelta(hours=int(h)) for h in hours]
    df.loc[df.index % 17 == 3, "published_at"] = pd.NaT  # some untimed
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    df["source"] = [f"outlet{i % 4}" for i in range(len(df))]
    df["group_size"] = 1
    return df


def _run_last_first(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """A map that runs the items last first (results still in item order)."""
    return [fn(x) for x in reversed(items)][::-1]


@pytest.mark.parametrize("threads", [2, 3, 5])
def test_threaded_clustering_equals_single_threaded(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    # Row ranges in threads must give exactly the serial result (same edges in the same order, same
    # labels, same topics), whatever the number of threads and ranges.
    docs = _news_corpus(12, 9, seed=threads)
    params = ClusterParams(threshold=0.2)
    feats = _features(docs)
    topic1, topics1 = cluster_stories(docs, params, features=feats)
    model1 = StoryModel(params).fit_features(feats, docs["published_at"].tolist())
    rows = np.arange(len(docs))
    M1, terms1 = graph.feature_matrix(feats, None, rows)
    assert len(graph.row_blocks(len(docs))) == 1
    monkeypatch.setattr(graph, "BLOCK_MIN_ROWS", 4)
    assert len(graph.row_blocks(len(docs))) > threads  # several ranges per thread
    with ThreadPoolExecutor(max_workers=threads) as pool:

        def map_fn(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            return list(pool.map(fn, items))

        topic2, topics2 = cluster_stories(docs, params, features=feats, map_fn=map_fn)
        model2 = StoryModel(params).fit_features(feats, docs["published_at"].tolist(), map_fn=map_fn)
        M2, terms2 = graph.feature_matrix(feats, None, rows, map_fn)
    pd.testing.assert_series_equal(topic1, topic2)
    pd.testing.assert_frame_equal(topics1, topics2)
    assert np.array_equal(model1.labels_, model2.labels_)
    assert np.array_equal(model1.centrality_, model2.centrality_)
    for a, b in [(M1.indptr, M2.indptr), (M1.indices, M2.indices), (M1.data, M2.data), (terms1, terms2)]:
        assert np.array_equal(a, b)
    # the corpus is not trivial: several stories, mostly recovered
    assert 6 <= topics1.shape[0] <= 30


def test_threaded_knn_edges_equal_single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _news_corpus(10, 8, seed=11)
    feats = _features(docs)
    M, _ = graph.feature_matrix(feats, None)
    n = M.shape[0]
    centring = graph.centering(M)
    days = np.linspace(0.0, 5.0, n)
    days[::7] = np.nan
    results = []
    with ThreadPoolExecutor(max_workers=4) as pool:

        def threaded(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            return list(pool.map(fn, items))

        map_fn: MapFn
        for map_fn, min_rows in [(serial_map, 2048), (threaded, 1), (threaded, 3), (_run_last_first, 5)]:
            monkeypatch.setattr(graph, "BLOCK_MIN_ROWS", min_rows)
            results.append(graph.knn_edges(M, centring, days, 5, 2.0, 0.01, map_fn))
    lo, hi, dots = results[0]
    assert len(lo) > n  # a real graph
    assert lo.dtype == np.int32 and hi.dtype == np.int32 and dots.dtype == np.float64
    assert np.all(lo < hi)
    key = lo.astype(np.int64) * n + hi
    assert np.all(np.diff(key) > 0)  # each pair once, sorted by (lo, hi)
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_row_blocks_cover_the_rows_in_order() -> None:
    from newsdedup.cluster.graph import BLOCK_MIN_ROWS, MAX_BLOCKS, row_blocks

    assert row_blocks(10) == [(0, 10)]
    assert row_blocks(0) == []
    for n in [10, 3 * BLOCK_MIN_ROWS + 1, 5 * MAX_BLOCKS * BLOCK_MIN_ROWS + 7]:
        blocks = row_blocks(n)
        assert blocks[0][0] == 0 and blocks[-1][1] == n
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(blocks))
        assert len(blocks) == max(1, min(MAX_BLOCKS, n // BLOCK_MIN_ROWS))


def test_the_map_runs_every_range_once() -> None:
    seen: list[tuple[int, int]] = []

    def recording(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        seen.extend(items)
        return serial_map(fn, items)

    out = graph.map_row_blocks(lambda r0, r1: (r0, r1), 3 * graph.BLOCK_MIN_ROWS, recording)
    assert out == seen == graph.row_blocks(3 * graph.BLOCK_MIN_ROWS)


def test_top_k_per_row_maps_ties_and_orders_best_first() -> None:
    indptr = np.array([0, 4, 6])
    values = np.array([0.5, 0.9, 0.5, -1.0, 0.3, 0.3], dtype=np.float32)
    tie = np.array([0, 1, 2, 3, 0, 2], dtype=np.int32)
    tie_map = np.array([9, 4, 7, 1])  # tie of an entry: tie_map[tie]
    rows, ties = _top_k_per_row(indptr, values, tie, 3, tie_map)
    # row 0: 0.9 (tie 4), then the two 0.5 by mapped tie (7 before 9); the negative value is never kept
    assert list(zip(rows.tolist(), ties.tolist(), strict=True)) == [(0, 4), (0, 7), (0, 9), (1, 7), (1, 9)]
