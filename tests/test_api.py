"""The public API at the package root: process() is the job (equal to the command's tables), load() reads
a run back, run() is the command's call, and ``import newsdedup`` stays cheap."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import newsdedup
from newsdedup.api import TABLE_NAMES
from newsdedup.cli import main
from newsdedup.errors import InputError
from newsdedup.io.schema import SCHEMAS
from tests.conftest import REPO, SAMPLE

FEED = SAMPLE / "feed.jsonl"


def _without_run_id(result: newsdedup.Result) -> dict[str, pd.DataFrame]:
    return {name: getattr(result, name).drop(columns="run_id") for name in TABLE_NAMES}


def _cli_result(records: Path, tmp_path: Path) -> newsdedup.Result:
    out = tmp_path / "cli-out"
    assert main(["run", "--quiet", "--input", str(records), "--output", str(out)]) == 0
    return newsdedup.load(out)


def test_process_equals_the_command_on_the_same_records(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"  # the name process() gives its file: the input column matches
    shutil.copy(FEED, records)
    expected = _cli_result(records, tmp_path)
    got = newsdedup.process(pd.read_json(FEED, lines=True))
    assert len(got.articles) == 15 and len(got.duplicates) == 2
    for name, frame in _without_run_id(got).items():
        pd.testing.assert_frame_equal(frame, _without_run_id(expected)[name], obj=name)
    assert got.manifest["counts"] == expected.manifest["counts"]


def test_process_takes_dicts_and_timestamps_with_the_same_groups_and_topics(tmp_path: Path) -> None:
    records = [json.loads(line) for line in FEED.read_text(encoding="utf-8").splitlines()]
    expected = newsdedup.process(records).articles
    frame = pd.DataFrame(records)
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    got = newsdedup.process(frame).articles
    cols = ["article_id", "dup_group_id", "canonical_id", "topic_id", "published_at"]
    pd.testing.assert_frame_equal(got[cols], expected[cols])


def test_process_counts_rejects_and_keeps_the_table_dtypes() -> None:
    records = [
        {"id": "ok", "title": "Ferry strike ends", "body": "The ferry strike ended on Monday after talks."},
        {"id": "headline", "title": "Headline only"},  # a headline-only record is an article
        {"id": "nothing", "author": "No title, no body"},
    ]
    result = newsdedup.process(records)
    assert result.articles["article_id"].tolist() == ["ok", "headline"]
    assert result.articles["has_body"].tolist() == [True, False]
    assert result.rejects["reason"].tolist() == ["missing_text"]
    empty = pd.DataFrame(columns=["id", "title", "body"])
    nothing = newsdedup.process(empty)
    for name in TABLE_NAMES:
        frame = getattr(nothing, name)
        assert list(frame.columns) == [f.name for f in SCHEMAS[name]]
    assert str(nothing.articles["published_at"].dtype) == str(result.articles["published_at"].dtype)


def test_load_refuses_a_folder_without_a_committed_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no committed run"):
        newsdedup.load(tmp_path)


def test_run_is_the_run_package_and_the_command_s_call(tmp_path: Path) -> None:
    import newsdedup.run.pipeline as pipeline  # importing a module of the package keeps it callable

    assert newsdedup.run.pipeline is pipeline
    result = newsdedup.run(str(FEED), tmp_path / "out", {"run": {"n_jobs": 1}}, progress=False)
    assert result.status == "committed" and result.counts["articles"] == 15
    loaded = newsdedup.load(tmp_path / "out")
    assert loaded.manifest["run_id"] == result.run_id
    assert len(loaded.topics) == result.counts["topics"]
    assert newsdedup.run(FEED, tmp_path / "out").status == "nothing_new"


def _fresh_modules(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print(' '.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout
    return set(out.split())


def test_import_newsdedup_imports_no_heavy_library() -> None:
    modules = _fresh_modules("import newsdedup; newsdedup.__version__")
    assert not {"pandas", "numpy", "sklearn", "pyarrow", "numba", "scipy"} & modules


def test_the_run_path_does_not_import_scikit_learn() -> None:
    modules = _fresh_modules("import newsdedup.cli, newsdedup.run.pipeline, newsdedup.api")
    assert "newsdedup.run.pipeline" in modules
    assert "sklearn" not in modules
