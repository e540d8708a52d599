"""Incremental runs in-process: day 2 relates to day 1, ids are stable, re-runs add nothing."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from newsdedup.errors import StateError
from newsdedup.params import Config
from newsdedup.run.pipeline import run
from newsdedup.synth import SynthConfig, generate, write_corpus


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    """Day 1: originals of half the stories; day 2: their syndicated copies plus every other story."""
    root = tmp_path_factory.mktemp("days")
    config = SynthConfig(n_articles=240, seed=11)
    write_corpus(root / "all", config, fmt="txt")
    arts = list(generate(config))
    stories = sorted({a.story for a in arts})
    day1_stories = set(stories[: len(stories) // 2])
    for a in arts:
        day = "day1" if a.story in day1_stories and not a.is_copy else "day2"
        dst = root / day / a.path
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "all" / "raw" / a.path, dst)
    labels = pd.read_csv(root / "all" / "labels.csv")
    return root / "day1", root / "day2", labels


def test_day2_copies_join_day1_groups_and_topics_stay(
    tmp_path: Path, two_days: tuple[Path, Path, pd.DataFrame]
) -> None:
    day1, day2, labels = two_days
    out = tmp_path / "out"
    run([day1], out, Config())
    before = pd.read_parquet(out / "articles").set_index("article_id")
    r2 = run([day2], out, Config())
    assert r2.status == "committed"
    after = pd.read_parquet(out / "articles")
    assert after["article_id"].is_unique
    assert len(after) == len(labels)
    # day-1 rows are unchanged: same groups, canonicals and topic ids
    a1 = after.set_index("article_id").loc[before.index]
    assert (a1["topic_id"] == before["topic_id"]).all()
    assert (a1["dup_group_id"] == before["dup_group_id"]).all()
    # day-2 copies of day-1 originals land in the original's group
    truth = labels.set_index("id")["dup_group"]
    day1_group_of_truth = {truth[i]: g for i, g in before["dup_group_id"].items()}
    new_rows = after[~after["article_id"].isin(before.index)]
    copies = new_rows[new_rows["article_id"].map(truth).isin(set(day1_group_of_truth))]
    assert len(copies) > 20
    joined = copies["dup_group_id"] == copies["article_id"].map(truth).map(day1_group_of_truth)
    assert joined.mean() >= 0.95
    # every topic id in articles is described; earlier topics are still there
    topics = pd.read_parquet(out / "topics")
    assert set(after["topic_id"]) == set(topics["topic_id"])
    assert topics["size"].sum() == len(after)
    # re-running day 2 adds nothing
    again = run([day2], out, Config())
    assert again.status == "nothing_new"
    assert len(pd.read_parquet(out / "articles")) == len(after)


def test_renamed_file_is_recognised_by_content(
    tmp_path: Path, two_days: tuple[Path, Path, pd.DataFrame]
) -> None:
    day1, _, _ = two_days
    out = tmp_path / "out"
    run([day1], out, Config())
    moved = tmp_path / "moved"
    shutil.copytree(day1, moved)
    assert run([moved], out, Config()).status == "nothing_new"


def test_earlier_copy_arriving_later_becomes_canonical(tmp_path: Path) -> None:
    body = " ".join(
        f"Sentence {i} about the harbour bridge toll vote and the council budget." for i in range(30)
    )
    day1 = tmp_path / "d1.jsonl"
    day2 = tmp_path / "d2.jsonl"
    day1.write_text(
        json.dumps({"id": "late", "title": "T", "body": body, "published_at": "2024-11-12T10:00:00Z"}) + "\n"
    )
    day2.write_text(
        json.dumps(
            {"id": "early", "title": "T", "body": body + " Extra.", "published_at": "2024-11-11T10:00:00Z"}
        )
        + "\n"
    )
    out = tmp_path / "out"
    run([day1], out, Config())
    group = pd.read_parquet(out / "articles")["dup_group_id"].iloc[0]
    run([day2], out, Config())
    a = pd.read_parquet(out / "articles").set_index("article_id")
    assert a.loc["early", "dup_group_id"] == a.loc["late", "dup_group_id"] == group
    assert a.loc["early", "is_canonical"] and not a.loc["late", "is_canonical"]
    assert (a["canonical_id"] == "early").all()
    d = pd.read_parquet(out / "duplicates")
    assert d["article_id"].tolist() == ["late"] and d["canonical_id"].tolist() == ["early"]
    assert a.loc["early", "topic_id"] == a.loc["late", "topic_id"]
    assert (
        a.loc["late", "dup_method"] in ("near", "containment")
        and 0.5 <= a.loc["late", "dup_similarity"] < 1.0
    )


def test_incompatible_minhash_state_is_refused(
    tmp_path: Path, two_days: tuple[Path, Path, pd.DataFrame]
) -> None:
    day1, day2, _ = two_days
    out = tmp_path / "out"
    run([day1], out, Config())
    config = Config()
    other = replace(config, dedup=replace(config.dedup, seed=2))
    with pytest.raises(StateError, match="seed"):
        run([day2], out, other)


def _ids_groups_topics(out: Path) -> pd.DataFrame:
    cols = ["article_id", "dup_group_id", "canonical_id", "is_canonical", "topic_id"]
    return pd.read_parquet(out / "articles", columns=cols).sort_values("article_id").reset_index(drop=True)


def test_history_text_file_is_aligned_and_older_single_file_state_is_read(
    tmp_path: Path, two_days: tuple[Path, Path, pd.DataFrame]
) -> None:
    day1, day2, _ = two_days
    split, legacy = tmp_path / "split", tmp_path / "legacy"
    run([day1], split, Config())
    shutil.copytree(split, legacy, symlinks=True)
    # the text file holds the history's rows in its order
    state = split / "state"
    hist = pq.read_table(state / "history.parquet")
    text = pq.read_table(state / "history_text.parquet")
    assert "match_text" not in hist.column_names and len(hist) > 0
    assert text.column("article_id").to_pylist() == hist.column("article_id").to_pylist()
    # rewrite the copy's state the way runs before the split stored it: text columns inside history.parquet
    lstate = legacy / "state"
    merged = hist.append_column("title", text.column("title")).append_column(
        "match_text", text.column("match_text")
    )
    (lstate / "history.parquet").unlink()  # hard-linked into the version: replace, don't write through
    pq.write_table(merged.replace_schema_metadata(hist.schema.metadata), lstate / "history.parquet")
    (lstate / "history_text.parquet").unlink()
    run([day2], split, Config())
    run([day2], legacy, Config())
    pd.testing.assert_frame_equal(_ids_groups_topics(split), _ids_groups_topics(legacy))
    # the older state was carried into the new layout
    assert (lstate / "history_text.parquet").exists()
    again = pq.read_table(lstate / "history_text.parquet", columns=["article_id"]).column(0).to_pylist()
    assert again == pq.read_table(lstate / "history.parquet", columns=["article_id"]).column(0).to_pylist()


def test_history_text_file_with_other_rows_is_a_state_error(
    tmp_path: Path, two_days: tuple[Path, Path, pd.DataFrame]
) -> None:
    day1, day2, _ = two_days
    out = tmp_path / "out"
    run([day1], out, Config())
    path = out / "state" / "history_text.parquet"
    text = pq.read_table(path)
    path.unlink()
    pq.write_table(text.slice(0, len(text) - 1), path)
    with pytest.raises(StateError, match=r"history_text\.parquet has"):
        run([day2], out, Config())


def _ledger(out: Path) -> dict[str, str]:
    led = pd.read_parquet(out / "state" / "ledger.parquet")
    return dict(zip(led["rel"], led["xxh3_128"], strict=True))


def test_ledger_digests_made_while_reading_match_the_files(tmp_path: Path) -> None:
    from newsdedup.io.digest import file_digest

    src = tmp_path / "in"
    write_corpus(src, SynthConfig(n_articles=60, seed=5), fmt="txt")
    (src / "raw" / "feed.jsonl").write_text(
        "".join(
            json.dumps({"id": f"j{i}", "title": f"Item {i}", "body": f"Body number {i}."}) + "\n"
            for i in range(400)
        )
    )
    (src / "raw" / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    # small tasks: the JSONL file is read in spans by several tasks, and hashed whole
    config = Config()
    config = replace(config, run=replace(config.run, chunk_bytes=8192))
    r1 = run([src / "raw"], out, config)
    assert r1.status == "committed"
    files = sorted(p for p in (src / "raw").rglob("*") if p.is_file())
    expected = {p.relative_to(src / "raw").as_posix(): file_digest(p) for p in files}
    assert _ledger(out) == expected
    manifest = json.loads(next((out / "runs").glob("*.json")).read_text())
    assert {i["rel"]: i["xxh3_128"] for i in manifest["inputs"]} == expected
    # the second run compares the digests before reading: nothing is new
    assert run([src / "raw"], out, config).status == "nothing_new"


@pytest.mark.parametrize("first_run", [True, False])
def test_file_unreadable_after_discovery_is_rejected_and_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_run: bool
) -> None:
    import os

    import newsdedup.io.readers.txt as read_mod

    src = tmp_path / "in"
    write_corpus(src, SynthConfig(n_articles=30, seed=6), fmt="txt")
    out = tmp_path / "out"
    if not first_run:  # the digests are then made before reading, by the main process
        (tmp_path / "day0").mkdir()
        (tmp_path / "day0" / "a.txt").write_text("Old headline\n\nOld body text that is long enough.\n")
        run([tmp_path / "day0"], out, Config())
    victim = sorted((src / "raw").rglob("*.txt"))[3]
    real_open = os.open

    def open_(path: object, *args: object, **kwargs: object) -> int:
        if os.fspath(path) == str(victim):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(read_mod.os, "open", open_)  # forked workers inherit it
    r = run([src / "raw"], out, Config())
    assert r.status == "committed"
    rel = victim.relative_to(src / "raw").as_posix()
    rejects = pd.read_parquet(out / "rejects")
    assert rejects.loc[rejects["input"] == rel, "reason"].tolist() == ["unreadable"]
    assert rel not in _ledger(out)  # not recorded as processed ...
    assert len(_ledger(out)) == 30 + (0 if first_run else 1) - 1
    manifest = json.loads((out / "runs" / f"{r.run_id}.json").read_text())
    assert [i["xxh3_128"] for i in manifest["inputs"] if i["rel"] == rel] == [None]
    monkeypatch.undo()
    r2 = run([src / "raw"], out, Config())  # ... so the next run reads it
    assert r2.status == "committed" and rel in _ledger(out)
    assert rel in set(pd.read_parquet(out / "articles")["article_id"])
