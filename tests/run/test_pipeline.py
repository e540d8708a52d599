"""The job end to end on the bundled sample: table invariants, types, metadata, determinism."""

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup.io.schema import SCHEMAS
from newsdedup.io.store import OutputStore
from newsdedup.params import Config
from newsdedup.run.pipeline import run


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SAMPLE

    out = tmp_path_factory.mktemp("sample") / "out"
    result = run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], out, Config())
    assert result.exit_code == 0 and result.status == "committed"
    return out


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_tables_have_the_documented_schema_and_metadata(sample_output: Path, table: str) -> None:
    files = sorted((sample_output / table).glob("*.parquet"))
    assert files, f"{table} has no parquet file"
    schema = pq.read_schema(files[0])
    assert schema.remove_metadata() == SCHEMAS[table].remove_metadata()
    meta = schema.metadata
    assert meta[b"newsdedup.schema_version"] == b"1"
    minhash = json.loads(meta[b"newsdedup.minhash"])
    assert minhash == {"scheme": "affine32", "seed": 1, "num_perm": 128}
    assert b"newsdedup.cluster" in meta and b"newsdedup.dedup" in meta


def test_pandas_types(sample_output: Path) -> None:
    a = pd.read_parquet(sample_output / "articles")
    assert str(a["published_at"].dtype) == "datetime64[us, UTC]"
    assert a["is_canonical"].dtype == bool
    assert all(isinstance(v, str) for s in a["summary"] for v in s)
    t = pd.read_parquet(sample_output / "topics")
    assert str(t["first_published"].dtype) == "datetime64[us, UTC]"
    assert all(isinstance(k, str) for ks in t["keywords"] for k in ks)


def test_invariants_between_tables(sample_output: Path) -> None:
    a = pd.read_parquet(sample_output / "articles")
    t = pd.read_parquet(sample_output / "topics")
    d = pd.read_parquet(sample_output / "duplicates")
    assert a["article_id"].is_unique
    canon = set(a.loc[a["is_canonical"], "article_id"])
    assert set(a["canonical_id"]) <= canon
    assert (a.loc[a["is_canonical"], "canonical_id"] == a.loc[a["is_canonical"], "article_id"]).all()
    assert a["dup_group_id"].notna().all() and a["topic_id"].notna().all()
    assert set(a["topic_id"]) == set(t["topic_id"])
    assert sorted(d["article_id"]) == sorted(a.loc[~a["is_canonical"], "article_id"])
    assert d["method"].isin(["exact", "near", "containment"]).all()
    assert a["dup_similarity"].between(0, 1).all()
    # duplicates share their canonical's topic
    topic = a.set_index("article_id")["topic_id"]
    assert (a["topic_id"].to_numpy() == topic[a["canonical_id"]].to_numpy()).all()
    # topic sizes count every article, duplicates included
    assert t["size"].sum() == len(a)
    assert set(t["representative_id"]) <= canon
    assert len(list((sample_output / "runs").glob("*.json"))) == 1


def _result_tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    a = (
        pd.read_parquet(out / "articles")
        .drop(columns=["run_id"])
        .sort_values("article_id")
        .reset_index(drop=True)
    )
    t = (
        pd.read_parquet(out / "topics")
        .drop(columns=["run_id"])
        .sort_values("topic_id")
        .reset_index(drop=True)
    )
    return a, t


def test_same_input_in_another_order_gives_the_same_tables(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], out1, Config())
    # the same files, delivered in another order: the jsonl reversed, and the inputs given the other way round
    lines = (SAMPLE / "feed.jsonl").read_text().splitlines()
    shutil.copytree(SAMPLE / "raw", tmp_path / "raw")
    (tmp_path / "feed.jsonl").write_text("\n".join(reversed(lines)) + "\n")
    run([tmp_path / "feed.jsonl", tmp_path / "raw"], out2, Config())
    a1, t1 = _result_tables(out1)
    a2, t2 = _result_tables(out2)
    cols = ["article_id", "dup_group_id", "canonical_id", "is_canonical", "topic_id", "title", "published_at"]
    pd.testing.assert_frame_equal(a1[cols], a2[cols])
    pd.testing.assert_frame_equal(t1.drop(columns=["keywords"]), t2.drop(columns=["keywords"]))


def test_empty_input_folder_on_a_first_run_commits_nothing(tmp_path: Path) -> None:
    """An empty drop folder on the first run: exit 0, no version (the first run with files makes the
    tables), and that later run works as a first run."""
    (tmp_path / "in").mkdir()
    result = run([tmp_path / "in"], tmp_path / "o", Config())
    assert (result.status, result.exit_code) == ("no_inputs", 0)
    assert OutputStore(tmp_path / "o").current() is None
    assert not (tmp_path / "o" / "articles").exists()
    (tmp_path / "in" / "a.jsonl").write_text(
        '{"id": "a1", "title": "Dam opens", "body": "The dam opened on Monday."}\n'
    )
    again = run([tmp_path / "in"], tmp_path / "o", Config())
    assert again.status == "committed"
    assert pd.read_parquet(tmp_path / "o" / "articles")["article_id"].tolist() == ["a1"]


def test_empty_input_folder_into_a_non_incremental_output_commits_empty_tables(tmp_path: Path) -> None:
    """With state.incremental off each run replaces the output, so an empty input after a first run
    commits empty tables (typed: their schemas are there)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        '{"id": "a1", "title": "Dam opens", "body": "The dam opened on Monday."}\n'
    )
    config = Config(state=dataclasses.replace(Config().state, incremental=False))
    run([tmp_path / "in"], tmp_path / "o", config)
    (tmp_path / "in" / "a.jsonl").unlink()
    result = run([tmp_path / "in"], tmp_path / "o", config)
    assert result.exit_code == 0
    assert len(pd.read_parquet(tmp_path / "o" / "articles")) == 0
    assert isinstance(pq.read_schema(next((tmp_path / "o" / "topics").glob("*.parquet"))), pa.Schema)


def test_the_library_run_leaves_the_process_settings_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Process-wide settings (a frozen heap, malloc arenas) are the CLI's (newsdedup.cli.process_settings)."""
    import gc

    from newsdedup.run import pipeline

    seen: list[int] = []
    real = pipeline._steps

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_freeze_count())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    before = gc.get_freeze_count()
    monkeypatch.setattr(pipeline, "_steps", spy)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        '{"id": "a1", "title": "Dam opens", "body": "The dam opened."}\n'
    )
    run([tmp_path / "in"], tmp_path / "o", Config())
    assert seen == [before]
