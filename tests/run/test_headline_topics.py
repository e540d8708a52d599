"""Headline-only feed through the whole job with the default config: reworded headlines of one story form one
topic, two stories of one subject stay apart (the short-text adaptation needs no preset)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from newsdedup.params import Config
from newsdedup.run.pipeline import run
from tests.cluster.test_short import FED_RATES, FED_STRESS, IPHONE, QUAKE

START_MS = 1395820800000  # 2014-03-26 08:00 UTC


def test_default_config_clusters_a_headline_feed_into_its_stories(tmp_path: Path) -> None:
    stories = [FED_RATES, FED_STRESS, IPHONE, QUAKE]
    rows = [(t, s) for s, story in enumerate(stories) for t in story]
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "feed.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["TITLE", "URL", "PUBLISHER", "TIMESTAMP"])
        for i, (title, _) in enumerate(rows):
            w.writerow([title, f"https://outlet{i}.example.com/{i}", f"Outlet {i}", START_MS + 2_220_000 * i])
    result = run([tmp_path / "in"], tmp_path / "out", Config())
    assert result.exit_code == 0 and result.counts["rejected"] == 0
    a = pd.read_parquet(tmp_path / "out" / "articles").sort_values("record").reset_index(drop=True)
    assert len(a) == len(rows) and not a["has_body"].any()
    found = {frozenset(g["record"]) for _, g in a.groupby("topic_id")}
    expected = {frozenset(i + 1 for i, (_, s) in enumerate(rows) if s == k) for k in range(len(stories))}
    assert found == expected
