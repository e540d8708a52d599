"""Inputs as users have them, end to end: headline-only records, source attribution, files of an
unsupported format, and outputs written before the ``extra`` and ``has_body`` columns existed."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from newsdedup.params import Config, InputConfig
from newsdedup.run.pipeline import run
from tests.conftest import SAMPLE
from tests.run.headlines import DUP_GROUPS, HEADLINES, write_headlines_csv


def _config(**input_keys: object) -> Config:
    return dataclasses.replace(Config(), input=InputConfig(**input_keys))  # type: ignore[arg-type]


def test_headline_only_feed_end_to_end(tmp_path: Path) -> None:
    """Every headline accepted (has_body false); copies are the same headline (one URL under two publishers,
    or syndicated with an outlet suffix), a rewritten headline is not; each story forms one topic."""
    write_headlines_csv(tmp_path / "in" / "agg.csv")
    result = run([tmp_path / "in"], tmp_path / "out", Config())
    assert result.exit_code == 0 and result.counts["rejected"] == 0
    a = pd.read_parquet(tmp_path / "out" / "articles").sort_values("record").reset_index(drop=True)
    assert len(a) == len(HEADLINES) and not a["has_body"].any()
    assert a["published_at"].notna().all()  # epoch milliseconds
    assert (a["extra"] == [json.dumps({"category": h[4]}, separators=(",", ":")) for h in HEADLINES]).all()
    groups = [set(g["record"]) for _, g in a.groupby("dup_group_id") if len(g) > 1]
    assert groups == DUP_GROUPS
    assert a.loc[3, "source"] == "Daily Herald"  # no publisher: the headline's outlet suffix
    assert a.loc[2, "article_id"] == "https://reuters.example.com/larkin-greenvale#Yahoo News"
    stories = {frozenset(g["record"]) for _, g in a.groupby("topic_id")}
    expected = {
        frozenset(i + 1 for i, h in enumerate(HEADLINES) if h[5] == story)
        for story in {h[5] for h in HEADLINES}
    }
    assert stories == expected


def test_headline_only_and_full_articles_do_not_merge_on_the_title(tmp_path: Path) -> None:
    """A full article and a headline-only listing with the same headline are not copies (one is matched
    on its body, the other on its title)."""
    body = " ".join(f"Council member {i} spoke about the budget for ward {i}." for i in range(12))
    rows = [
        {"id": "full", "title": "Budget approved", "body": body},
        {"id": "head", "title": "Budget approved"},
        {"id": "head2", "title": "Budget approved"},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "f.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    run([tmp_path / "in"], tmp_path / "out", Config())
    a = pd.read_parquet(tmp_path / "out" / "articles").set_index("article_id")
    assert a.loc["full", "has_body"] and not a.loc["head", "has_body"]
    assert a.loc["head", "dup_group_id"] == a.loc["head2", "dup_group_id"] != a.loc["full", "dup_group_id"]


@pytest.mark.parametrize(
    ("source_from", "expected_null"),
    [(("field", "headline", "folder", "url"), 0), (("field", "headline"), 23)],
)
def test_sample_sources_from_the_outlet_folder(
    tmp_path: Path, source_from: tuple[str, ...], expected_null: int
) -> None:
    """23 of the 29 sample .txt articles name no outlet in their text (the 6 of coastal-courier/ carry a
    "| Coastal Courier" headline suffix): the folder does."""
    run([SAMPLE / "raw"], tmp_path / "out", _config(source_from=source_from))
    a = pd.read_parquet(tmp_path / "out" / "articles")
    assert len(a) == 29 and int(a["source"].isna().sum()) == expected_null
    if expected_null == 0:
        folders = a["article_id"].str.split("/").str[0]
        named = a["source"] != folders  # from the headline or byline area: "Coastal Courier"
        assert set(a.loc[named, "source"]) == {"Coastal Courier"} and named.sum() == 6


def test_source_from_url_uses_the_registered_domain(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "body": "Text one here.", "url": "https://www.bbc.co.uk/news/1"},
        {"id": "b", "body": "Text two here.", "url": "https://edition.cnn.com/2", "source": "CNN"},
        {"id": "c", "body": "Text three here.", "url": "http://127.0.0.1/x"},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "f.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    run([tmp_path / "in"], tmp_path / "out", _config(source_from=("field", "url")))
    a = pd.read_parquet(tmp_path / "out" / "articles").set_index("article_id")
    assert a["source"].fillna("-").to_dict() == {"a": "bbc.co.uk", "b": "CNN", "c": "-"}


def _unsupported_corpus(root: Path) -> None:
    (root / "outlet").mkdir(parents=True)
    (root / "outlet" / "a.txt").write_text("A headline\n\nA body about the news of the day.\n")
    (root / "outlet" / "page.docx").write_bytes(b"PK\x03\x04 not read")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4 not read")


@pytest.mark.parametrize("mode", ["skip", "reject"])
def test_unsupported_files_are_counted_and_warned_about(
    tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    _unsupported_corpus(tmp_path / "in")
    with caplog.at_level(logging.WARNING):
        result = run([tmp_path / "in"], tmp_path / "out", _config(unsupported=mode))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2 input file(s) of an unsupported format" in w and "notes.pdf" in w for w in warnings)
    assert result.counts["unsupported_files"] == 2 and result.manifest["counts"]["unsupported_files"] == 2
    rejects = pd.read_parquet(tmp_path / "out" / "rejects")
    if mode == "skip":
        assert result.counts["rejected"] == 0 and len(rejects) == 0
    else:
        assert sorted(rejects["input"]) == ["notes.pdf", "outlet/page.docx"]
        assert set(rejects["reason"]) == {"unsupported_extension"}
        assert result.reject_fraction == pytest.approx(2 / 3) and result.exit_code == 65


def test_output_written_before_the_new_columns_is_migrated(tmp_path: Path) -> None:
    """A part without ``extra``/``has_body`` (as the previous version wrote it) is rewritten with them on
    the next incremental run: has_body from body_chars, extra null."""
    (tmp_path / "in1").mkdir()
    (tmp_path / "in1" / "a.jsonl").write_text(
        json.dumps({"id": "a", "title": "T", "body": "Old text."}) + "\n"
    )
    run([tmp_path / "in1"], tmp_path / "out", Config())
    (part,) = (tmp_path / "out" / "articles").glob("*.parquet")
    old = pq.read_table(part).drop_columns(["extra", "has_body"])
    tmp = part.with_suffix(".tmp")
    pq.write_table(old, tmp)
    os.replace(tmp, part)  # a new file: earlier versions' hard links keep theirs
    (tmp_path / "in2").mkdir()
    (tmp_path / "in2" / "b.jsonl").write_text(json.dumps({"id": "b", "title": "Only a headline"}) + "\n")
    run([tmp_path / "in2"], tmp_path / "out", Config())
    for p in (tmp_path / "out" / "articles").glob("*.parquet"):
        assert {"extra", "has_body"} <= set(pq.read_schema(p).names)
    a = pd.read_parquet(tmp_path / "out" / "articles").set_index("article_id")
    assert a["has_body"].to_dict() == {"a": True, "b": False}
    assert a["extra"].isna().all()
