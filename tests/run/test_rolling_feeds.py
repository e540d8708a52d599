"""Rolling and corrected feeds across scheduled runs: overlapping exports, corrections, id-less records.

Hour 1 exports a0..a9, hour 2 a2..a11 with a5 corrected: every run exits 0, the overlap is counted as
already seen (not rejected), the correction replaces the earlier version (version 2) and every article
appears once, with its duplicate and topic rows consistent."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from newsdedup.params import Config, InputConfig
from newsdedup.run.pipeline import run

WORDS = [
    "council",
    "harbour",
    "bridge",
    "vote",
    "storm",
    "river",
    "museum",
    "painting",
    "school",
    "budget",
    "police",
    "court",
    "minister",
    "hospital",
    "nurses",
    "strike",
    "football",
    "match",
    "election",
    "mayor",
    "festival",
    "market",
    "factory",
    "workers",
    "union",
    "rail",
    "station",
    "airport",
    "flight",
    "weather",
    "flood",
    "farmers",
    "drought",
    "energy",
    "prices",
    "tax",
    "housing",
    "rent",
    "university",
    "students",
    "research",
    "climate",
]


def _body(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(n // 12)]
    return " ".join(sentences)


def _record(i: int, *, corrected: bool = False, with_id: bool = True) -> dict[str, object]:
    body = _body(i)
    if corrected:
        body = "Correction: an earlier version misstated the figures. " + _body(1000 + i)
    rec: dict[str, object] = {
        "title": f"Story number {i}",
        "body": body,
        "published_at": "2026-12-01T10:00:00Z",
    }
    if with_id:
        rec["id"] = f"a{i}"
    else:
        rec["url"] = f"https://www.example.com/news/story-{i}/?utm_source=feed"
    return rec


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _consistent(out: Path) -> pd.DataFrame:
    arts = pd.read_parquet(out / "articles")
    assert arts["article_id"].is_unique
    dups = pd.read_parquet(out / "duplicates")
    assert set(dups["article_id"]) <= set(arts["article_id"])
    assert set(dups["article_id"]) == set(arts.loc[~arts["is_canonical"], "article_id"])
    topics = pd.read_parquet(out / "topics")
    assert topics["topic_id"].is_unique
    assert set(arts["topic_id"].dropna()) == set(topics["topic_id"])
    assert int(topics["size"].sum()) == int(arts["topic_id"].notna().sum())
    return arts


def test_overlapping_hourly_exports_and_a_correction(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = Config(input=InputConfig(max_reject_fraction=0.2))
    first = run([_write(tmp_path / "h1" / "feed.jsonl", [_record(i) for i in range(10)])], out, config)
    assert first.exit_code == 0 and first.counts["accepted"] == 10
    hour2 = [_record(i, corrected=i == 5) for i in range(2, 12)]
    second = run([_write(tmp_path / "h2" / "feed.jsonl", hour2)], out, config)
    assert second.exit_code == 0
    assert second.counts["rejected"] == 0 and second.counts["already_seen"] == 7
    assert second.counts["accepted"] == 3 and second.counts["updated"] == 1
    arts = _consistent(out).set_index("article_id")
    assert sorted(arts.index) == sorted(f"a{i}" for i in range(12))
    assert arts.loc["a5", "version"] == 2 and arts.loc["a5", "body"].startswith("Correction:")
    assert (arts.drop(index="a5")["version"] == 1).all()
    # the same export again: nothing new (the ledger knows the file)
    assert run([tmp_path / "h2" / "feed.jsonl"], out, config).status == "nothing_new"
    # a third export correcting a5 again: version 3, still once
    hour3 = [{**_record(5), "body": "Second correction. " + _body(77)}]
    assert run([_write(tmp_path / "h3" / "feed.jsonl", hour3)], out, config).counts["updated"] == 1
    arts = _consistent(out).set_index("article_id")
    assert len(arts) == 12 and arts.loc["a5", "version"] == 3


def test_records_without_ids_are_named_by_url_then_content(tmp_path: Path) -> None:
    out = tmp_path / "out"
    day1 = [_record(i, with_id=False) for i in range(4)] + [{"title": "No url", "body": _body(50)}]
    run([_write(tmp_path / "d1" / "feed.jsonl", day1)], out, Config())
    arts = pd.read_parquet(out / "articles")
    assert "https://example.com/news/story-0" in set(arts["article_id"])
    assert any(a.startswith("content:") for a in arts["article_id"])
    # the next day's file has the same name and overlaps: no collision, nothing twice
    day2 = [_record(i, with_id=False) for i in range(2, 6)] + [{"title": "No url", "body": _body(50)}]
    second = run([_write(tmp_path / "d2" / "feed.jsonl", day2)], out, Config())
    assert second.exit_code == 0 and second.counts["already_seen"] == 3 and second.counts["accepted"] == 2
    assert len(_consistent(out)) == 7


@pytest.mark.parametrize(("policy", "code", "rows"), [("reject", 65, 12), ("skip", 0, 12)])
def test_the_other_policies(tmp_path: Path, policy: str, code: int, rows: int) -> None:
    out = tmp_path / "out"
    config = Config(input=InputConfig(max_reject_fraction=0.2, on_seen_id=policy))
    run([_write(tmp_path / "h1" / "feed.jsonl", [_record(i) for i in range(10)])], out, config)
    hour2 = [_record(i, corrected=i == 5) for i in range(2, 12)]
    result = run([_write(tmp_path / "h2" / "feed.jsonl", hour2)], out, config)
    assert result.exit_code == code
    arts = _consistent(out).set_index("article_id")
    assert len(arts) == rows and (arts["version"] == 1).all()
    assert not arts.loc["a5", "body"].startswith("Correction:")
