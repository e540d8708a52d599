"""Tests for what makes generated stories distinct: open-ended pools, story-specific items, a span that grows
with the corpus."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import numpy as np
import pytest

from newsdedup.errors import ConfigError
from newsdedup.synth import SynthConfig, generate
from newsdedup.synth.specific import POOL_BITS, figures, rare_words, surnames, zipf_ranks


def test_zipf_ranks_stay_in_the_pool_and_favour_the_head() -> None:
    ranks = zipf_ranks(np.random.default_rng(0), 50_000, 1.05, 30.0)
    assert ranks.min() >= 0 and ranks.max() < 1 << POOL_BITS
    counts = np.bincount(ranks, minlength=1 << POOL_BITS)
    # The head recurs, the tail is mostly single uses, and the law is decreasing on average.
    assert counts[:10].min() > 50
    assert counts[:100].mean() > 10 * counts[10_000:20_000].mean()
    assert len(np.unique(ranks)) > 15_000


def test_zipf_ranks_are_reproducible() -> None:
    a = zipf_ranks(np.random.default_rng(5), 100, 1.4, 20.0)
    b = zipf_ranks(np.random.default_rng(5), 100, 1.4, 20.0)
    assert a.tolist() == b.tolist()


def test_distinct_ranks_spell_distinct_words() -> None:
    ranks = np.arange(0, 1 << POOL_BITS, 7)
    names = surnames(ranks)
    assert len(set(names)) == len(ranks)
    assert all(n[0].isupper() and n[1:].islower() for n in names[:1000])
    words = rare_words(ranks[:1000])
    assert all(w.isalpha() and w.islower() for w in words)
    assert rare_words(ranks[:5]) == rare_words(ranks[:5])


def test_figures_look_like_news_figures() -> None:
    pattern = re.compile(r"^(\d{1,3}(,\d{3})*|\d+\.\d percent|\$\d+ million|\$\d+\.\d billion|\d+ people)$")
    out = figures(np.random.default_rng(1), 200)
    assert all(pattern.match(f) for f in out), [f for f in out if not pattern.match(f)]
    assert len(set(out)) > 150


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text.lower()))


def test_originals_of_a_story_share_words_no_other_story_uses() -> None:
    arts = [a for a in generate(SynthConfig(n_articles=600, seed=7, dup_rate=0.0)) if not a.is_copy]
    by_story: dict[str, list[set[str]]] = defaultdict(list)
    for a in arts:
        by_story[a.story].append(_words(a.title + " " + a.body))
    df: dict[str, int] = defaultdict(int)
    for docs in by_story.values():
        for w in set().union(*docs):
            df[w] += 1
    # Words in one story only that two of its originals both use: the story's own vocabulary.
    shared_own = [
        len({w for w in docs[0] & docs[1] if df[w] == 1}) for docs in by_story.values() if len(docs) > 1
    ]
    assert shared_own and float(np.median(shared_own)) >= 4


def test_vocabulary_grows_with_the_corpus() -> None:
    vocab: set[str] = set()
    sizes = []
    for i, a in enumerate(generate(SynthConfig(n_articles=1200, seed=2, dup_rate=0.0, mean_bytes=1500))):
        vocab |= _words(a.body)
        if i + 1 in (300, 1200):
            sizes.append(len(vocab))
    # Heaps' law with an exponent of roughly 0.6: four times the text, about 2.3 times the words.
    assert 1.8 < sizes[1] / sizes[0] < 3.2


def test_span_grows_with_corpus_size() -> None:
    assert SynthConfig(n_articles=1000).days() == 7.0
    assert SynthConfig(n_articles=150_000).days() == pytest.approx(100.0)
    assert SynthConfig(n_articles=150_000, span_days=3.0).days() == 3.0
    start = dt.datetime(2024, 11, 10, tzinfo=dt.UTC)
    times = [a.published_at for a in generate(SynthConfig(n_articles=400, articles_per_day=10.0))]
    assert max(times) - start > dt.timedelta(days=30)
    assert max(times) <= start + dt.timedelta(days=40, hours=48)
    with pytest.raises(ConfigError, match="articles_per_day"):
        SynthConfig(articles_per_day=0.0)
