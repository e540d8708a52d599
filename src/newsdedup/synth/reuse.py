"""A heavy-reuse corpus: the news-like generator's articles with sentences that recur across unrelated
articles (boilerplate, shared wire paragraphs, a quoted statement), plus planted copies as known answers.

A pool of ``pool_size`` sentences (default one per 50 articles) is drawn once; every dup group then gets
``per_article`` of them, each appended to one of its paragraphs (chosen by the group, so an original and its
copies carry the same reused sentences where they keep the paragraph). With the defaults each pool sentence
appears in about 900 articles of a 1M corpus, which is what makes a low-threshold LSH banding pair up
unrelated articles by the thousand.

Planted copies (``planted_rate`` of the originals) are the known answers: an ``exact`` copy (same body,
another outlet), a ``near`` copy (a few words changed) or a ``truncated`` copy (the first 30-60% of the
paragraphs, at least 60 words). They join their original's dup group in ``labels.csv``; ``planted.csv``
lists them (id, original id, kind) so their recall can be measured on its own.

    write_reuse_corpus(out_dir, ReuseConfig(n_articles=100_000))   # OUT/data/*.jsonl, labels.csv, planted.csv
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsdedup.errors import ConfigError
from newsdedup.synth.config import SynthArticle, SynthConfig
from newsdedup.synth.stories import generate
from newsdedup.synth.words import ADJECTIVES, FUNCTION, NOUNS, VERBS

__all__ = ["PLANTED_KINDS", "ReuseConfig", "reuse_articles", "write_reuse_corpus"]

PLANTED_KINDS = ("exact", "near", "truncated")
_SHARD = 100_000


@dataclass(frozen=True)
class ReuseConfig:
    """What heavy-reuse corpus to write; validated on construction."""

    n_articles: int = 1000
    seed: int = 0
    per_article: int = 18  # pool sentences added to each dup group
    pool_size: int = 0  # 0: one sentence per 50 articles (at least 20)
    planted_rate: float = 0.05  # planted copies per generated original

    def __post_init__(self) -> None:
        if not isinstance(self.n_articles, int) or self.n_articles < 1:
            raise ConfigError(f"n_articles must be >= 1, got {self.n_articles!r}")
        if not isinstance(self.per_article, int) or not 0 <= self.per_article <= 100:
            raise ConfigError(f"per_article must be in [0, 100], got {self.per_article!r}")
        if not isinstance(self.pool_size, int) or self.pool_size < 0:
            raise ConfigError(f"pool_size must be >= 0, got {self.pool_size!r}")
        if not 0.0 <= self.planted_rate <= 1.0:
            raise ConfigError(f"planted_rate must be in [0, 1], got {self.planted_rate!r}")

    def pool(self) -> int:
        return self.pool_size or max(20, self.n_articles // 50)


@dataclass(frozen=True)
class Planted:
    """A planted copy: its article and what it copies."""

    article: SynthArticle
    original_id: str
    kind: str


def _pool_sentences(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct-looking statement sentences of 14-24 words drawn from the generator's word lists."""
    lists = (FUNCTION, NOUNS, VERBS, ADJECTIVES)
    out = []
    for _ in range(n):
        k = int(rng.integers(14, 25))
        kinds = rng.choice(4, size=k, p=(0.45, 0.3, 0.15, 0.1))
        words = [lists[c][int(rng.integers(len(lists[c])))] for c in kinds.tolist()]
        out.append(" ".join(words).capitalize() + ".")
    return out


def _with_reuse(a: SynthArticle, pool: list[str], per_article: int, seed: int) -> SynthArticle:
    """``a`` with its dup group's pool sentences appended to the group's chosen paragraphs."""
    if per_article == 0:
        return a
    rng = np.random.default_rng([seed, 7, zlib.crc32(a.dup_group.encode())])
    picks = rng.integers(0, len(pool), per_article).tolist()
    where = rng.integers(0, 12, per_article).tolist()
    pars = a.body.split("\n\n")
    for s, p in zip(picks, where, strict=True):
        if p < len(pars):
            pars[p] = pars[p] + " " + pool[s]
    return dataclasses.replace(a, body="\n\n".join(pars))


def _planted(rng: np.random.Generator, a: SynthArticle, n: int) -> Planted | None:
    """A planted copy of the original ``a`` numbered ``n`` (None when ``a`` is too short to truncate)."""
    kind = PLANTED_KINDS[int(rng.integers(3))]
    pars = a.body.split("\n\n")
    if kind == "near":
        words = a.body.split(" ")
        for pos in rng.integers(0, len(words), max(1, len(words) // 100)).tolist():
            if words[pos].isalpha() and words[pos].islower():
                words[pos] = NOUNS[int(rng.integers(len(NOUNS)))]
        body = " ".join(words)
    elif kind == "truncated":
        keep = max(1, round(len(pars) * float(rng.uniform(0.3, 0.6))))
        body = "\n\n".join(pars[:keep])
        if len(body.split()) < 60 or keep == len(pars):
            return None
    else:
        body = a.body
    copy = dataclasses.replace(
        a,
        id=f"syn-p{n:07d}",
        body=body,
        source="planted-wire",
        url=f"https://planted.example/{n}",
        is_copy=True,
    )
    return Planted(copy, a.id, kind)


def reuse_articles(config: ReuseConfig) -> Iterator[SynthArticle | Planted]:
    """The corpus in order: generated articles (with reuse) and, after some originals, a planted copy;
    ``config.n_articles`` items in all."""
    rng = np.random.default_rng([config.seed, 5])
    pool = _pool_sentences(rng, config.pool())
    base = SynthConfig(n_articles=config.n_articles, seed=config.seed)
    emitted = planted = 0
    for a in generate(base):
        if emitted >= config.n_articles:
            return
        a = _with_reuse(a, pool, config.per_article, config.seed)
        yield a
        emitted += 1
        if not a.is_copy and emitted < config.n_articles and rng.random() < config.planted_rate:
            p = _planted(rng, a, planted)
            if p is not None:
                planted += 1
                emitted += 1
                yield p


def write_reuse_corpus(out_dir: Path, config: ReuseConfig) -> dict[str, int]:
    """Write ``OUT/data/articles-NNNNN.jsonl``, ``labels.csv`` (id, dup_group, story) and ``planted.csv``
    (id, original, kind); the answer files last, through temporary names. Returns counts."""
    out_dir = Path(out_dir)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    counts = {"articles": 0, "planted": 0, "files": 0}
    labels_tmp, planted_tmp = out_dir / "labels.csv.tmp", out_dir / "planted.csv.tmp"
    with labels_tmp.open("w", newline="") as lf, planted_tmp.open("w", newline="") as pf:
        labels, plants = csv.writer(lf, lineterminator="\n"), csv.writer(pf, lineterminator="\n")
        labels.writerow(["id", "dup_group", "story"])
        plants.writerow(["id", "original", "kind"])
        lines: list[str] = []
        for item in reuse_articles(config):
            a = item.article if isinstance(item, Planted) else item
            if isinstance(item, Planted):
                plants.writerow([a.id, item.original_id, item.kind])
                counts["planted"] += 1
            labels.writerow([a.id, a.dup_group, a.story])
            lines.append(_line(a))
            counts["articles"] += 1
            if len(lines) >= _SHARD:
                _write_shard(data, counts, lines)
        if lines:
            _write_shard(data, counts, lines)
    os.replace(planted_tmp, out_dir / "planted.csv")
    os.replace(labels_tmp, out_dir / "labels.csv")
    return counts


def _line(a: SynthArticle) -> str:
    record = {
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "published_at": a.published_at.isoformat(),
        "author": a.author or None,
        "source": a.source,
        "url": a.url,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def _write_shard(data: Path, counts: dict[str, int], lines: list[str]) -> None:
    path = data / f"articles-{counts['files']:05d}.jsonl"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, path)
    counts["files"] += 1
    lines.clear()
