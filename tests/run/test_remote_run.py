"""The job with ``--input s3://...`` against a local S3 server (tests/s3server.py): the same tables as a run
over the same files on local disk, nothing read again by a second run, and a remote ``--output`` refused
before anything is touched."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pandas as pd
import pytest

from newsdedup.cli import main
from newsdedup.io.state import load_ledger
from newsdedup.params import Config, InputConfig, RunConfig
from newsdedup.run.manifest import RunResult
from newsdedup.run.pipeline import run
from tests.conftest import SAMPLE
from tests.s3server import S3, s3_server  # noqa: F401  (the fixture)

# run-specific columns: everything else must be equal
_RUN_COLUMNS = {"run_id"}


def _config(s3: S3 | None) -> Config:
    # small read tasks, so the sample's JSONL file (15 kB) is read in several spans, on 2 worker processes
    options = s3.options if s3 is not None else {}
    return Config(
        input=InputConfig(storage_options=options),
        run=RunConfig(n_jobs=2, chunk_bytes=4096),
    )


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    got = {}
    for name in ("articles", "duplicates", "topics", "rejects"):
        frame = pd.read_parquet(out / name)
        frame = frame.drop(columns=[c for c in frame.columns if c in _RUN_COLUMNS])
        key = [c for c in ("article_id", "topic_id", "input", "record") if c in frame.columns][:2]
        got[name] = frame.sort_values(key).reset_index(drop=True) if key else frame
    return got


@pytest.fixture(scope="module")
def bucket(s3_server: S3) -> S3:  # noqa: F811
    s3_server.upload_tree(SAMPLE / "raw", s3_server.bucket("news"), "sample/raw")
    s3_server.put("news", "sample/feed.jsonl", (SAMPLE / "feed.jsonl").read_bytes())
    return s3_server


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    out = tmp_path_factory.mktemp("local") / "out"
    result = run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], out, _config(None))
    assert result.status == "committed"
    return out, result


def test_s3_run_gives_the_tables_of_the_local_run(
    bucket: S3, local_run: tuple[Path, RunResult], tmp_path: Path
) -> None:
    local_out, local_result = local_run
    out = tmp_path / "out"
    result = run(["s3://news/sample/raw/", "s3://news/sample/feed.jsonl"], out, _config(bucket))
    assert result.status == "committed" and result.exit_code == 0
    want, got = _tables(local_out), _tables(out)
    for name in want:
        # ids, inputs (relative to the input root, as for local files), groups, canonicals, topics, texts
        pd.testing.assert_frame_equal(got[name], want[name], check_like=True, obj=name)
    assert result.counts["accepted"] == len(want["articles"]) > 25
    assert result.counts["dup_groups"] < len(want["articles"])  # the sample has duplicates: groups formed
    # the remote JSONL file was cut into the local run's spans (feed.jsonl, 15 kB, in 4 kB tasks)
    assert result.manifest["steps"]["read"]["tasks"] == local_result.manifest["steps"]["read"]["tasks"] > 4

    ledger = load_ledger(out / "_current")
    assert sorted(ledger["path"])[0] == "s3://news/sample/feed.jsonl"
    assert ledger["path"].str.startswith("s3://news/sample/").all()
    assert ledger["fingerprint"].notna().all()
    local_ledger = load_ledger(local_out / "_current")
    # the content digests are those of the same bytes on local disk
    assert sorted(ledger["xxh3_128"]) == sorted(local_ledger["xxh3_128"])
    assert local_ledger["fingerprint"].isna().all()

    # a second run over the same bucket: every object known by URL, size and version, nothing read
    again = run(["s3://news/sample/raw/", "s3://news/sample/feed.jsonl"], out, _config(bucket))
    assert again.status == "nothing_new"

    # one object changed: only it is read
    changed = (SAMPLE / "feed.jsonl").read_bytes().splitlines(keepends=True)[:3]
    bucket.put(
        "news", "sample/feed.jsonl", b"".join(changed) + b'{"id": "new-1", "body": "A new article."}\n'
    )
    try:
        third = run(["s3://news/sample/raw/", "s3://news/sample/feed.jsonl"], out, _config(bucket))
        assert third.status == "committed"
        assert third.counts["records_seen"] == 4 and third.counts["accepted"] == 1
    finally:
        bucket.put("news", "sample/feed.jsonl", (SAMPLE / "feed.jsonl").read_bytes())


def test_a_run_from_a_ledger_without_fingerprints_reads_remote_inputs_again(
    bucket: S3, tmp_path: Path
) -> None:
    """An output written before remote inputs existed has no fingerprint column: its ledger loads, and
    remote objects it does not know by version are read (their ids are then met again, not duplicated)."""
    out = tmp_path / "out"
    assert run([SAMPLE / "raw"], out, _config(None)).status == "committed"
    ledger = out / "_current" / "state" / "ledger.parquet"
    pd.read_parquet(ledger).drop(columns=["fingerprint"]).to_parquet(ledger)
    assert load_ledger(out / "_current")["fingerprint"].isna().all()
    result = run(["s3://news/sample/raw/"], out, _config(bucket))
    assert result.status == "committed"
    assert result.counts["accepted"] == 0 and result.counts["already_seen"] == result.counts["records_seen"]


@pytest.mark.parametrize("output", ["s3://news/out", "gs://bucket/out"])
def test_remote_output_exits_2_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    code = main(["run", "--input", str(SAMPLE / "raw"), "--output", output, "--quiet"])
    assert code == 2
    assert time.monotonic() - start < 5
    assert not any(tmp_path.iterdir())  # no local ./s3:/... folder made
    assert "aws s3 sync" in capsys.readouterr().err


def test_storage_options_are_validated_and_kept_out_of_the_manifest(bucket: S3, tmp_path: Path) -> None:
    from newsdedup.config import config_to_dict
    from newsdedup.errors import ConfigError

    with pytest.raises(ConfigError, match="storage_options"):
        InputConfig(storage_options=["endpoint_url"])  # type: ignore[arg-type]
    config = _config(bucket)
    assert config_to_dict(config)["input"]["storage_options"] == {
        "endpoint_url": bucket.endpoint,
        "key": "***",
        "secret": "***",
    }
    out = tmp_path / "out"
    run(["s3://news/sample/feed.jsonl"], out, dataclasses.replace(config, run=RunConfig(n_jobs=1)))
    manifests = list((out / "_current").glob("**/*.json"))
    assert manifests and not any('"testing"' in m.read_text() for m in manifests)


@pytest.mark.slow
def test_s3_run_on_the_dask_engine(bucket: S3, local_run: tuple[Path, RunResult], tmp_path: Path) -> None:
    """Dask workers plan the remote JSONL file's spans (Engine.map) and read them: the local tables."""
    pytest.importorskip("dask.distributed")
    local_out, local_result = local_run
    base = _config(bucket)
    config = dataclasses.replace(base, run=dataclasses.replace(base.run, engine="dask"))
    result = run(["s3://news/sample/raw/", "s3://news/sample/feed.jsonl"], tmp_path / "out", config)
    assert result.counts == local_result.counts
    assert result.manifest["steps"]["read"]["tasks"] == local_result.manifest["steps"]["read"]["tasks"]
    want, got = _tables(local_out), _tables(tmp_path / "out")
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_like=True, obj=name)


def test_full_refresh_reads_the_recorded_remote_inputs(bucket: S3, tmp_path: Path) -> None:
    """A full refresh lists the remote inputs the ledger recorded again (gone ones are left out)."""
    out = tmp_path / "out"
    bucket.put("news", "refresh/a.jsonl", b'{"id": "r1", "body": "First refreshed article body."}\n')
    bucket.put("news", "refresh/b.jsonl", b'{"id": "r2", "body": "Second refreshed article body."}\n')
    config = dataclasses.replace(_config(bucket), run=RunConfig(n_jobs=1))
    assert run(["s3://news/refresh/a.jsonl"], out, config).counts["accepted"] == 1
    assert run(["s3://news/refresh/b.jsonl"], out, config).counts["accepted"] == 1
    result = run(["s3://news/refresh/b.jsonl"], out, config, full_refresh=True)
    assert sorted(pd.read_parquet(out / "articles")["article_id"]) == ["r1", "r2"]
    bucket.client.delete_object(Bucket="news", Key="refresh/a.jsonl")
    result = run(["s3://news/refresh/b.jsonl"], out, config, full_refresh=True)
    assert result.status == "committed"
    assert sorted(pd.read_parquet(out / "articles")["article_id"]) == ["r2"]
    assert [i["path"] for i in result.manifest["inputs"]] == ["s3://news/refresh/b.jsonl"]
