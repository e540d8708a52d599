"""Operations through the command, in subprocesses: a cancelled or failed run leaves nothing behind and is
reported by `status`, which exits 1 until a run commits; `rollback` makes an earlier version current and the
next run continues from it; committed versions are kept up to `state.keep_versions`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def _cli(*args: str, failpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSDEDUP_FAILPOINT"}
    if failpoint:
        env["NEWSDEDUP_FAILPOINT"] = failpoint
    return subprocess.run(
        [sys.executable, "-m", "newsdedup.cli", *args], capture_output=True, text=True, env=env, timeout=180
    )


def _status(out: Path) -> tuple[int, dict[str, object]]:
    done = _cli("status", str(out), "--json")
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def days(tmp_path: Path) -> tuple[Path, Path]:
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    for i, outlet in enumerate(sorted(p.name for p in (SAMPLE / "raw").iterdir())):
        shutil.copytree(SAMPLE / "raw" / outlet, (day1 if i < 2 else day2) / outlet)
    shutil.copy(SAMPLE / "feed.jsonl", day2 / "feed.jsonl")
    return day1, day2


def _ids(out: Path) -> list[str]:
    return sorted(pd.read_parquet(out / "articles")["article_id"])


def _no_staging(out: Path) -> bool:
    return not list((out / "_versions").glob("*.staging"))


@pytest.mark.parametrize(
    ("failpoint", "code", "outcome"),
    [
        ("after_dedup:sigterm", 143, "cancelled"),
        ("read_task_done:sigterm", 143, "cancelled"),
        ("write_parquet:enospc", 1, "failed"),
    ],
)
def test_a_cancelled_or_failed_run_leaves_the_previous_version_and_is_reported(
    tmp_path: Path, days: tuple[Path, Path], failpoint: str, code: int, outcome: str
) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _cli("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    before = _ids(out)
    done = _cli("run", "--input", str(day2), "--output", str(out), failpoint=failpoint)
    assert done.returncode == code, done.stderr
    if code == 143:
        assert "cancelled by SIGTERM" in done.stderr
    assert _no_staging(out) and _ids(out) == before
    rc, info = _status(out)
    assert rc == 1 and not info["healthy"]
    assert isinstance(info["last_run"], dict) and info["last_run"]["status"] == outcome
    assert _cli("run", "--input", str(day2), "--output", str(out), "--quiet").returncode == 0
    rc, info = _status(out)
    assert rc == 0 and info["healthy"] and len(_ids(out)) > len(before)


def test_a_killed_run_makes_status_fail_until_the_next_run(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _cli("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    assert _cli("run", "--input", str(day2), "--output", str(out), failpoint="after_parse").returncode < 0
    rc, info = _status(out)
    assert rc == 1 and "died before it committed" in str(info["problem"])
    assert _cli("run", "--input", str(day2), "--output", str(out), "--quiet").returncode == 0
    assert _status(out)[0] == 0


def test_rollback_then_the_next_run_continues_from_there(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _cli("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    one = _ids(out)
    assert _cli("run", "--input", str(day2), "--output", str(out), "--quiet").returncode == 0
    both = pd.read_parquet(out / "articles").sort_values("article_id").reset_index(drop=True)
    done = _cli("rollback", str(out))
    assert done.returncode == 0, done.stderr
    assert _ids(out) == one
    # the ledger came back with the version: day 2 is new again, and gives what it gave the first time
    assert _cli("run", "--input", str(day2), "--output", str(out), "--quiet").returncode == 0
    again = pd.read_parquet(out / "articles").sort_values("article_id").reset_index(drop=True)
    cols = ["article_id", "dup_group_id", "canonical_id", "is_canonical", "topic_id", "body"]
    pd.testing.assert_frame_equal(again[cols], both[cols])
    missing = _cli("rollback", str(out), "--to", "19990101T000000000000Z")
    assert missing.returncode == 1 and "no committed version" in missing.stderr


def test_committed_versions_are_kept_up_to_keep_versions(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    inputs = [day1, day2 / "feed.jsonl", *sorted(p for p in day2.iterdir() if p.is_dir())]
    for path in inputs:
        assert _cli("run", "--input", str(path), "--output", str(out), "--quiet").returncode == 0
    rc, info = _status(out)
    versions = info["versions"]
    assert rc == 0 and isinstance(versions, list) and len(inputs) > 3
    assert len(versions) == 3 and [v["current"] for v in versions] == [False, False, True]
