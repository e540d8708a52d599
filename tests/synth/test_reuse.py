"""The heavy-reuse corpus: pool sentences recur across unrelated articles; planted copies are labelled."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.synth.reuse import ReuseConfig, write_reuse_corpus


def test_reuse_corpus_plants_labelled_copies_and_shares_sentences(tmp_path: Path) -> None:
    counts = write_reuse_corpus(tmp_path, ReuseConfig(n_articles=600, pool_size=20, planted_rate=0.3))
    recs = {
        r["id"]: r for line in (tmp_path / "data" / "articles-00000.jsonl").open() for r in [json.loads(line)]
    }
    labels = {row["id"]: row["dup_group"] for row in csv.DictReader((tmp_path / "labels.csv").open())}
    planted = list(csv.DictReader((tmp_path / "planted.csv").open()))
    assert len(recs) == len(labels) == counts["articles"] == 600
    assert len(planted) == counts["planted"] > 30
    assert {p["kind"] for p in planted} == {"exact", "near", "truncated"}
    for p in planted:
        copy, orig = recs[p["id"]]["body"], recs[p["original"]]["body"]
        assert labels[p["id"]] == labels[p["original"]]
        if p["kind"] == "exact":
            assert copy == orig
        elif p["kind"] == "truncated":
            assert orig.startswith(copy) and len(copy) < len(orig)  # its first 30-60% of paragraphs
        else:
            assert copy != orig and len(copy.split()) == len(orig.split())
    # every pool sentence ends a paragraph of many articles of different dup groups
    endings = Counter(
        par.rsplit(". ", 1)[-1] for r in recs.values() for par in r["body"].split("\n\n") if ". " in par
    )
    shared = [s for s, k in endings.items() if k >= 10]
    assert len(shared) >= 10


def test_reuse_config_is_validated() -> None:
    with pytest.raises(ConfigError, match="per_article"):
        ReuseConfig(per_article=-1)
    with pytest.raises(ConfigError, match="planted_rate"):
        ReuseConfig(planted_rate=2.0)
