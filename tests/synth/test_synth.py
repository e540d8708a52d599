"""Tests for the synthetic corpus generator: determinism, ground truth, formats, sizes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.synth import LAYOUTS, SynthArticle, SynthConfig, generate, main, write_corpus


def _articles(**kwargs: object) -> list[SynthArticle]:
    return list(generate(SynthConfig(**kwargs)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def corpus() -> list[SynthArticle]:
    return _articles(n_articles=400, seed=3)


def test_same_seed_same_articles_and_other_seed_differs(corpus: list[SynthArticle]) -> None:
    again = _articles(n_articles=400, seed=3)
    assert again == corpus
    other = _articles(n_articles=400, seed=4)
    assert [a.body for a in other] != [a.body for a in corpus]


def test_exactly_n_articles_with_unique_ids_and_paths(corpus: list[SynthArticle]) -> None:
    assert len(corpus) == 400
    assert len({a.id for a in corpus}) == 400
    assert len({a.path for a in corpus}) == 400


def test_copies_share_group_with_one_earliest_original(corpus: list[SynthArticle]) -> None:
    groups: dict[str, list[SynthArticle]] = defaultdict(list)
    for a in corpus:
        groups[a.dup_group].append(a)
    for members in groups.values():
        originals = [a for a in members if not a.is_copy]
        assert len(originals) == 1
        assert len({a.story for a in members}) == 1
        first = originals[0]
        for copy in members:
            if copy.is_copy:
                assert copy.published_at > first.published_at
                assert copy.title != first.title
                assert copy.source != first.source
    assert sum(len(m) > 1 for m in groups.values()) > 20


def test_originals_of_one_story_are_different_groups(corpus: list[SynthArticle]) -> None:
    groups_by_story: dict[str, set[str]] = defaultdict(set)
    originals_by_story: dict[str, int] = defaultdict(int)
    for a in corpus:
        groups_by_story[a.story].add(a.dup_group)
        originals_by_story[a.story] += not a.is_copy
    assert all(len(groups_by_story[s]) == n for s, n in originals_by_story.items())
    assert any(n > 1 for n in originals_by_story.values())


def test_copy_shares_most_words_and_other_originals_do_not(corpus: list[SynthArticle]) -> None:
    def jaccard(a: str, b: str) -> float:
        x, y = (
            set(zip(a.split(), a.split()[1:], strict=False)),
            set(zip(b.split(), b.split()[1:], strict=False)),
        )
        return len(x & y) / len(x | y)

    by_group: dict[str, list[SynthArticle]] = defaultdict(list)
    for a in corpus:
        by_group[a.dup_group].append(a)
    copy_sims = [jaccard(m[0].body, o.body) for m in by_group.values() for o in m[1:]]
    assert min(copy_sims) > 0.5
    by_story: dict[str, list[SynthArticle]] = defaultdict(list)
    for a in corpus:
        if not a.is_copy:
            by_story[a.story].append(a)
    story_sims = [jaccard(m[0].body, o.body) for m in by_story.values() for o in m[1:]]
    assert story_sims and max(story_sims) < 0.3


def test_dup_rate_zero_has_no_copies() -> None:
    arts = _articles(n_articles=100, dup_rate=0.0)
    assert not any(a.is_copy for a in arts)
    assert len({a.dup_group for a in arts}) == 100


def test_dup_rate_is_roughly_the_copy_fraction() -> None:
    arts = _articles(n_articles=3000, dup_rate=0.5, mean_bytes=300, short=True)
    assert 0.4 < sum(a.is_copy for a in arts) / len(arts) < 0.6


def test_sizes_near_mean_bytes() -> None:
    arts = _articles(n_articles=300, dup_rate=0.0, mean_bytes=2000)
    mean = sum(len(a.body.encode()) for a in arts) / len(arts)
    assert 0.85 * 2000 < mean < 1.15 * 2000


def test_short_mode_is_short() -> None:
    arts = _articles(n_articles=200, short=True)
    assert all(a.body.count("\n\n") <= 1 for a in arts)
    assert sum(len(a.body) for a in arts) / len(arts) < 1200


def test_times_are_aware_whole_minutes_within_span() -> None:
    start = dt.datetime(2024, 11, 10, tzinfo=dt.UTC)
    for a in _articles(n_articles=200):
        assert a.published_at.utcoffset() is not None
        assert a.published_at.second == 0
        assert start <= a.published_at <= start + dt.timedelta(days=7, hours=48)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_articles": 0}, "n_articles must be >= 1, got 0"),
        ({"dup_rate": 1.0}, "dup_rate must be in [0.0, 0.95], got 1.0"),
        ({"mean_bytes": 10}, "mean_bytes must be in [200, 1000000], got 10"),
        ({"originals_per_story": (3, 2)}, "originals_per_story"),
        ({"span_days": 0.0}, "span_days must be in (0, 36500] or None, got 0.0"),
        ({"start": "yesterday"}, "start must be an ISO datetime"),
        ({"start": "2024-11-10T00:00:00"}, "start must include a UTC offset"),
        ({"seed": -1}, "seed must be an integer >= 0, got -1"),
    ],
)
def test_bad_config_names_the_value(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(
        ConfigError, match=message.replace("(", r"\(").replace("[", r"\[").replace(")", r"\)")
    ):
        SynthConfig(**kwargs)  # type: ignore[arg-type]


def _labels(out: Path) -> list[dict[str, str]]:
    with (out / "labels.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_parses_and_matches_labels(tmp_path: Path, gz: bool) -> None:
    config = SynthConfig(n_articles=150, seed=1)
    counts = write_corpus(tmp_path, config, fmt="jsonl", gzip=gz, shard_size=60)
    shards = sorted((tmp_path / "data").iterdir())
    assert [p.name for p in shards] == [f"articles-0000{i}.jsonl" + (".gz" if gz else "") for i in range(3)]
    records = []
    for p in shards:
        text = gzip.decompress(p.read_bytes()).decode() if gz else p.read_text(encoding="utf-8")
        records += [json.loads(line) for line in text.splitlines()]
    assert len(records) == counts["articles"] == 150
    assert set(records[0]) == {"id", "title", "body", "published_at", "author", "source", "url"}
    assert all(dt.datetime.fromisoformat(r["published_at"]).tzinfo is not None for r in records)
    labels = _labels(tmp_path)
    assert [row["id"] for row in labels] == [r["id"] for r in records]
    expected = {a.id: (a.dup_group, a.story) for a in generate(config)}
    assert {row["id"]: (row["dup_group"], row["story"]) for row in labels} == expected
    assert not list(tmp_path.rglob("*.tmp"))


def test_gzip_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    config = SynthConfig(n_articles=30, seed=2)
    write_corpus(tmp_path / "a", config, gzip=True)
    write_corpus(tmp_path / "b", config, gzip=True)
    name = "data/articles-00000.jsonl.gz"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_txt_layouts_encodings_and_fields(tmp_path: Path) -> None:
    config = SynthConfig(n_articles=300, seed=5)
    counts = write_corpus(tmp_path, config, fmt="txt")
    raw = tmp_path / "raw"
    files = sorted(p for p in raw.rglob("*.txt"))
    assert len(files) == counts["files"] == 300
    labels = _labels(tmp_path)
    assert {row["id"] for row in labels} == {p.relative_to(raw).as_posix() for p in files}
    fields = [
        json.loads(line) for line in (tmp_path / "fields.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [f["id"] for f in fields] == [row["id"] for row in labels]
    by_id = {a.path: a for a in generate(config)}
    assert {a.layout for a in by_id.values()} == set(LAYOUTS)
    seen_crlf = seen_bom = seen_cp1252 = False
    for f in fields:
        data = (raw / f["id"]).read_bytes()
        seen_crlf |= b"\r\n" in data
        seen_bom |= data.startswith(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
            seen_cp1252 = True
        text = text.replace("\r\n", "\n")
        a = by_id[f["id"]]
        assert f["title"] == a.title and text.startswith(a.title)
        assert f["published_at"] == a.published_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        flat = " ".join(text.split())
        assert " ".join(f["body_first_sentence"].split()) in flat
        assert " ".join(f["body_last_sentence"].split()) in flat
        if f["author"] is not None:
            assert f["author"] in text
        if f["location"] is not None:
            assert f["location"] in text
    assert seen_crlf and seen_bom and seen_cp1252


@pytest.mark.parametrize(
    ("layout", "markers"),
    [
        ("seed", ["Share article:\nShare\nTweet", "\n- ", "GMT+"]),
        ("wire", ["Published: 20", ") - ", "(Reporting by ", "All rights reserved."]),
        ("tv", ["Updated ", " PST, ", ") -- ", "\nAdvertisement\n"]),
        ("wrapped", ["Written by ", " EST\n", "Sign up for our newsletter"]),
        ("plain", ["Posted ", " GMT\n", " — ", "Follow us on Twitter"]),
    ],
)
def test_each_layout_has_its_markers(tmp_path: Path, layout: str, markers: list[str]) -> None:
    config = SynthConfig(n_articles=120, seed=7)
    write_corpus(tmp_path, config, fmt="txt")
    arts = [a for a in generate(config) if a.layout == layout and len(a.body.split("\n\n")) >= 4]
    assert arts
    data = (tmp_path / "raw" / arts[0].path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    text = text.replace("\r\n", "\n")
    for marker in markers:
        assert marker in text
    if layout == "wrapped":
        assert max(len(line) for line in text.splitlines()[1:]) <= 72


def test_write_corpus_rejects_bad_arguments(tmp_path: Path) -> None:
    config = SynthConfig(n_articles=5)
    with pytest.raises(ConfigError, match="fmt must be 'jsonl' or 'txt', got 'xml'"):
        write_corpus(tmp_path, config, fmt="xml")
    with pytest.raises(ConfigError, match="gzip"):
        write_corpus(tmp_path, config, fmt="txt", gzip=True)
    with pytest.raises(ConfigError, match="shard_size must be >= 1, got 0"):
        write_corpus(tmp_path, config, shard_size=0)


def test_cli_prints_one_line_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--n", "40", "--out", str(tmp_path), "--format", "txt", "--seed", "2", "--short"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("wrote 40 articles")
    assert len(_labels(tmp_path)) == 40


def test_python_m_runs_the_package(tmp_path: Path) -> None:
    """`python -m newsdedup.synth` is how benchmarks and the golden compare make their corpora."""
    done = subprocess.run(
        [sys.executable, "-m", "newsdedup.synth", "--n", "12", "--out", str(tmp_path), "--short"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote 12 articles") and len(_labels(tmp_path)) == 12


def test_cli_bad_value_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--n", "0", "--out", str(tmp_path)]) == 2
    assert "n_articles must be >= 1, got 0" in capsys.readouterr().err


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SynthConfig().seed = 3  # type: ignore[misc]


SAMPLE = Path(__file__).resolve().parents[2] / "src" / "newsdedup" / "sample"


def test_bundled_sample_labels_cover_exactly_its_articles() -> None:
    raw = SAMPLE / "raw"
    txt_ids = {p.relative_to(raw).as_posix() for p in raw.rglob("*.txt")}
    feed_ids = [
        json.loads(line)["id"] for line in (SAMPLE / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    labels = _labels(SAMPLE)
    assert {row["id"] for row in labels} == txt_ids | set(feed_ids)
    assert len(labels) == len(txt_ids) + len(feed_ids)
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 200_000
    for p in raw.rglob("*.txt"):
        data = p.read_bytes()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data.decode("cp1252")


def test_bundled_sample_has_copies_and_multi_outlet_stories() -> None:
    labels = _labels(SAMPLE)
    story_of_group: dict[str, set[str]] = defaultdict(set)
    size: dict[str, int] = defaultdict(int)
    for row in labels:
        story_of_group[row["dup_group"]].add(row["story"])
        size[row["dup_group"]] += 1
    assert all(len(stories) == 1 for stories in story_of_group.values())
    groups_per_story: dict[str, int] = defaultdict(int)
    for stories in story_of_group.values():
        groups_per_story[next(iter(stories))] += 1
    assert len(groups_per_story) >= 8
    assert sum(n >= 2 for n in groups_per_story.values()) >= 5
    assert sum(n >= 2 for n in size.values()) >= 8
