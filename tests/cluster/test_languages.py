"""Clustering per language: stop words, elisions, n-grams of unspaced scripts, no story across languages."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from newsdedup.cluster import StoryModel, cluster_stories, elided_text, story_features
from newsdedup.cluster.estimator import language_codes
from newsdedup.cluster.kernels.linkage import LinkLimits, average_linkage
from newsdedup.cluster.kernels.shared import Centring, Csr, Edges
from newsdedup.cluster.languages import (
    cjk_tokens,
    language_key,
    merge_ngrams,
    split_elisions,
    stop_words_for,
)
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_for_matching
from tests.cluster.multilingual import DE, FR, JA, MIXED, RU, ZH
from tests.cluster.test_cluster import CUP, QUAKE, make_docs, partition

CORPORA = {"de": DE, "fr": FR, "ru": RU, "zh": ZH, "ja": JA}


def _docs(stories: list[list[tuple[str, str]]], language: str) -> pd.DataFrame:
    """Canonical articles of hand-written stories, with matching text made as the job makes it (the
    elisions spaced off as the cluster step does)."""
    texts = [[(t, elided_text(normalize_for_matching(b), b, language)) for t, b in s] for s in stories]
    return make_docs(texts)


def _expected(docs: pd.DataFrame) -> set[frozenset[str]]:
    return partition(docs["story"], docs["article_id"])


@pytest.mark.parametrize("language", sorted(CORPORA))
def test_stories_of_each_language_come_back_with_clean_keywords(language: str) -> None:
    docs = _docs(CORPORA[language], language)
    topic, topics = cluster_stories(docs, ClusterParams(), languages=[language] * len(docs))
    assert partition(topic, docs["article_id"]) == _expected(docs)
    stop = stop_words_for(language)
    texts = " ".join(docs["match_text"])
    for words in topics["keywords"]:
        assert len(words) >= 3
        assert not set(words) & stop, words
        for w in words:  # every keyword, n-gram runs included, is a stretch of some article's text
            assert w in texts, w


def test_without_languages_german_keywords_hold_stop_words_and_with_them_not() -> None:
    """The defect fixed: scikit-learn's English list let German function words into the keywords."""
    docs = _docs(DE, "de")
    german = stop_words_for("de")
    _, before = cluster_stories(docs, ClusterParams(keywords_top_n=10))
    _, after = cluster_stories(docs, ClusterParams(keywords_top_n=10), languages=["de"] * len(docs))
    assert any(set(w) & german for w in before["keywords"])
    assert not any(set(w) & german for w in after["keywords"])


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_unspaced_keywords_are_short_runs_not_clauses(language: str) -> None:
    docs = _docs(CORPORA[language], language)
    _, before = cluster_stories(docs, ClusterParams())
    _, after = cluster_stories(docs, ClusterParams(), languages=[language] * len(docs))
    longest_before = max(len(w) for words in before["keywords"] for w in words)
    assert longest_before > 12  # whitespace tokens: whole clauses
    assert all(2 <= len(w) <= 8 for words in after["keywords"] for w in words)
    assert any(len(w) >= 3 for words in after["keywords"] for w in words)  # some bigrams merged into runs


def test_french_elisions_are_spaced_off() -> None:
    docs = _docs(FR, "fr")
    _, topics = cluster_stories(docs, ClusterParams(keywords_top_n=10), languages=["fr"] * len(docs))
    words = {w for ws in topics["keywords"] for w in ws}
    assert {"hérault", "incendie"} <= words
    assert not words & {"lhérault", "lincendie", "lassemblée", "lalpe", "dhuez", "lopposition"}


def test_stories_in_two_languages_sharing_names_and_numbers_stay_apart() -> None:
    stories = [*DE, *RU, MIXED["de"], MIXED["ru"]]
    docs = make_docs([[(t, normalize_for_matching(b)) for t, b in s] for s in stories], times=[None] * 22)
    langs = ["de"] * 9 + ["ru"] * 9 + ["de", "de", "ru", "ru"]
    # without languages the shared names and numbers merge the match report with the transfer story
    topic, _ = cluster_stories(docs, ClusterParams())
    assert frozenset({"a19", "a20", "a21", "a22"}) in partition(topic, docs["article_id"])
    topic, _ = cluster_stories(docs, ClusterParams(), languages=langs)
    assert partition(topic, docs["article_id"]) == _expected(docs)
    # an article of unknown language may join a story of either language: here the German one it copies
    extra = pd.concat([docs, docs.iloc[[18]].assign(article_id="a23")], ignore_index=True)
    topic, _ = cluster_stories(extra, ClusterParams(), languages=[*langs, "und"])
    assert frozenset({"a19", "a20", "a23"}) in partition(topic, extra["article_id"])
    assert frozenset({"a21", "a22"}) in partition(topic, extra["article_id"])


def test_english_features_and_stories_are_unchanged_by_languages() -> None:
    docs = make_docs([QUAKE, CUP])
    titles, texts = docs["title"].tolist(), docs["match_text"].tolist()
    base = story_features(titles, texts, ClusterParams())
    for langs in (["en"] * len(docs), ["und"] * len(docs), [None] * len(docs)):
        got = story_features(titles, texts, ClusterParams(), langs)
        for name in ("indptr", "term", "weight", "vocab_hash", "vocab_term"):
            np.testing.assert_array_equal(getattr(got, name), getattr(base, name))
        topic, topics = cluster_stories(docs, ClusterParams(), languages=langs)
        topic0, topics0 = cluster_stories(docs, ClusterParams())
        pd.testing.assert_series_equal(topic, topic0)
        pd.testing.assert_frame_equal(topics, topics0)


def test_no_documents_with_languages() -> None:
    assert len(story_features([], [], ClusterParams(), [])) == 0
    topic, topics = cluster_stories(make_docs([QUAKE]).iloc[:0], ClusterParams(), languages=[])
    assert len(topic) == 0 and len(topics) == 0


def test_features_in_mixed_languages_equal_each_language_alone() -> None:
    """Documents are featurised per language and put back in input order: each row as if alone."""
    de, ru = _docs(DE[:1], "de"), _docs(RU[:1], "ru")
    mixed = pd.concat([de, ru]).iloc[[0, 3, 1, 4, 2, 5]]
    langs = ["de", "ru"] * 3
    both = story_features(mixed["title"].tolist(), mixed["match_text"].tolist(), ClusterParams(), langs)
    for pos, (title, text, lang) in enumerate(zip(mixed["title"], mixed["match_text"], langs, strict=True)):
        one = story_features([title], [text], ClusterParams(), [lang])
        row = both.take(np.array([pos]))
        np.testing.assert_array_equal(row.term, one.term)
        np.testing.assert_array_equal(row.weight, one.weight)
        assert set(row.vocab_term) == set(one.vocab_term)


def test_estimator_takes_languages() -> None:
    docs = make_docs([[(t, normalize_for_matching(b)) for t, b in MIXED[lang]] for lang in ("de", "ru")])
    model = StoryModel(ClusterParams(threshold=0.05)).fit(
        docs["match_text"].tolist(), docs["title"].tolist(), languages=["de", "de", "ru", "ru"]
    )
    assert model.labels_[0] == model.labels_[1] != model.labels_[2] == model.labels_[3]
    with pytest.raises(ValueError, match="languages has 1 values"):
        StoryModel().fit(["a b"] * 2, languages=["de"])


def _pairs(n: int) -> tuple[Csr, Edges]:
    """n identical unit rows, every pair an edge with dot 1."""
    X = sp.csr_matrix(np.ones((n, 1), dtype=np.float32))
    lo, hi = (a.astype(np.int32) for a in np.triu_indices(n, 1))
    x = Csr(X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.float32))
    return x, Edges(lo, hi, np.ones(len(lo)))


@pytest.mark.parametrize(
    ("codes", "groups"),
    [
        ([0, 0, 1, 1], [{0, 1}, {2, 3}]),  # two languages: never one story, however alike
        ([-1, -1, -1, -1], [{0, 1, 2, 3}]),  # unknown: as before languages
        ([0, -1, 1], None),  # an unknown article joins one of them, never both
    ],
)
def test_linkage_never_merges_two_known_languages(codes: list[int], groups: list[set[int]] | None) -> None:
    n = len(codes)
    x, edges = _pairs(n)
    roots = average_linkage(
        x, 1, Centring(np.ones(n), np.zeros(n), 0.0), np.full(n, np.nan), edges,
        LinkLimits(0.5, 0.0, -1.0, 1000), np.array(codes, dtype=np.int32),
    )  # fmt: skip
    found: dict[int, set[int]] = {}
    for i, r in enumerate(roots.tolist()):
        found.setdefault(r, set()).add(i)
    if groups is not None:
        assert sorted(map(sorted, found.values())) == sorted(map(sorted, groups))
    else:
        assert len(found) == 2 and roots[0] != roots[2]


def test_language_codes() -> None:
    codes = language_codes(["de", None, "und", "ru", "DE", float("nan"), "", "de-AT", "zh_TW", "zh"], 10)
    assert codes.tolist() == [0, -1, -1, 1, 0, -1, -1, 0, 2, 2]
    assert language_codes(None, 3).tolist() == [-1, -1, -1]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "L'homme d’affaires qu'il connaît", "L' homme d’ affaires qu' il connaît"),
        ("it", "dell'economia e l'Italia all'estero", "dell' economia e l' Italia all' estero"),
        ("de", "l'homme", "l'homme"),
        (None, "l'homme", "l'homme"),
    ],
)
def test_split_elisions(language: str | None, text: str, expected: str) -> None:
    assert split_elisions(text, language) == expected


def test_elided_text_keeps_a_headline_put_before_the_body() -> None:
    body = "L'incendie de l'Hérault"
    assert elided_text(normalize_for_matching(body), body, "fr") == "l incendie de l hérault"
    assert elided_text("titre " + normalize_for_matching(body), body, "fr") == "titre l incendie de l hérault"
    assert elided_text("autre chose", body, "fr") == "autre chose"  # not the body's matching text
    assert elided_text("lhomme", "L'homme", "de") == "lhomme"


def test_cjk_tokens() -> None:
    assert cjk_tokens("台风登陆广东", "zh") == "台风 风登 登陆 陆广 广东"
    # Japanese: hiragana separate words, katakana runs stay whole, kanji runs give bigrams
    assert cjk_tokens("東京都のオリンピック計画", "ja") == "東京 京都 オリンピック 計画"
    assert cjk_tokens("nato 峰会 2024", "zh") == "nato 峰会 2024"
    assert cjk_tokens("plain english", "en") == "plain english"


def test_merge_ngrams_reads_runs_from_the_texts() -> None:
    words = ["习近", "近平", "北京", "会见", "trump"]
    assert merge_ngrams(words, 4, ["习近平在北京会见trump"]) == ["习近平", "北京", "会见", "trump"]
    # a run found in more texts wins over a longer one found in fewer
    texts = ["习近平会见", "习近平在北京", "习近平说"]
    assert merge_ngrams(words, 3, texts) == ["习近平", "北京", "会见"]
    # two n-grams sharing a character but never adjacent in a text are not joined
    assert merge_ngrams(["增长", "长期"], 5, ["经济增长", "长期资金"]) == ["增长", "长期"]
    assert merge_ngrams(["增长", "长期"], 5, []) == ["增长", "长期"]


def test_stop_words_come_from_the_lists_and_load_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("stop words must not be downloaded")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    stop_words_for.cache_clear()
    assert {"der", "und", "die"} <= stop_words_for("de")
    assert {"что", "на", "и"} <= stop_words_for("ru")
    assert {"les", "qu", "aujourdhui"} <= stop_words_for("fr")  # apostrophes deleted as in matching text
    assert {"dell", "nell"} <= stop_words_for("it")
    assert "the" in stop_words_for("en") and "der" not in stop_words_for("en")
    assert language_key("und") == language_key(None) == language_key("xx") == "en"
    assert language_key("DE") == language_key("de-CH") == "de"
    assert language_key("zh-Hant") == "zh"
