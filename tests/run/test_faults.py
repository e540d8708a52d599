"""Fault tests in subprocesses: SIGKILL at several points, a concurrent run, disk full, corrupt state.

Each test runs day 1, then a day-2 run that is killed or fails, and checks that the output is exactly day 1
(readable, consistent across tables) and that the next run completes with every article once.
"""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def _newsdedup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdedup.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def days(tmp_path: Path) -> tuple[Path, Path]:
    """Day 1: two outlets' folders; day 2: the other outlets and the JSONL feed (copies of day-1 stories)."""
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    outlets = sorted(p.name for p in (SAMPLE / "raw").iterdir())
    for i, outlet in enumerate(outlets):
        shutil.copytree(SAMPLE / "raw" / outlet, (day1 if i < 2 else day2) / outlet)
    shutil.copy(SAMPLE / "feed.jsonl", day2 / "feed.jsonl")
    return day1, day2


def _snapshot(out: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("articles", "topics", "duplicates", "rejects"):
        df = pd.read_parquet(out / name)
        tables[name] = df.sort_values(list(df.columns[:2])).reset_index(drop=True)
    return tables


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True)


def _complete_and_check(out: Path, day1: Path, day2: Path) -> None:
    done = _newsdedup("run", "--input", str(day2), "--output", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    articles = pd.read_parquet(out / "articles")
    n_expected = (
        sum(1 for _ in day1.rglob("*.txt"))
        + sum(1 for _ in day2.rglob("*.txt"))
        + sum(1 for line in (day2 / "feed.jsonl").read_text().splitlines() if line.strip())
    )
    assert len(articles) == n_expected
    assert articles["article_id"].is_unique
    again = _newsdedup("run", "--input", str(day2), "--output", str(out))
    assert again.returncode == 0
    assert "nothing new" in again.stdout
    assert len(pd.read_parquet(out / "articles")) == n_expected


@pytest.mark.parametrize("point", ["after_dedup", "write_parquet", "before_rename", "before_switch"])
def test_sigkill_leaves_previous_version_then_recovers(
    point: str, tmp_path: Path, days: tuple[Path, Path]
) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _newsdedup("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    before = _snapshot(out)
    killed = _newsdedup("run", "--input", str(day2), "--output", str(out), env={"NEWSDEDUP_FAILPOINT": point})
    assert killed.returncode == -signal.SIGKILL
    _assert_same(before, _snapshot(out))
    status = _newsdedup("status", str(out))
    assert "last run committed: no" in status.stdout
    _complete_and_check(out, day1, day2)


def test_sigkill_after_switch_leaves_day2_complete(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _newsdedup("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    killed = _newsdedup(
        "run", "--input", str(day2), "--output", str(out), env={"NEWSDEDUP_FAILPOINT": "after_switch"}
    )
    assert killed.returncode == -signal.SIGKILL
    # the commit happened: day 2 is complete, and a re-run finds nothing new
    again = _newsdedup("run", "--input", str(day2), "--output", str(out))
    assert again.returncode == 0 and "nothing new" in again.stdout


def test_disk_full_keeps_previous_output(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _newsdedup("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    before = _snapshot(out)
    full = _newsdedup(
        "run", "--input", str(day2), "--output", str(out), env={"NEWSDEDUP_FAILPOINT": "write_parquet:enospc"}
    )
    assert full.returncode == 1
    assert "No space left on device" in full.stderr
    assert "Traceback" not in full.stderr
    _assert_same(before, _snapshot(out))
    _complete_and_check(out, day1, day2)


def test_concurrent_run_exits_75_at_once(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _newsdedup("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from newsdedup.io.store import OutputStore\n"
            f"with OutputStore({str(out)!r}).lock():\n    print('held', flush=True); sys.stdin.readline()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _snapshot(out)
        # the holder never lets go while the second run is alive, so a run that waited would hang until
        # the subprocess timeout instead of returning 75
        second = _newsdedup("run", "--input", str(day2), "--output", str(out))
        assert second.returncode == 75
        assert "holds the lock" in second.stderr
        _assert_same(before, _snapshot(out))
    finally:
        holder.kill()
        holder.wait()
    _complete_and_check(out, day1, day2)


def test_corrupt_state_is_a_clear_error(tmp_path: Path, days: tuple[Path, Path]) -> None:
    day1, day2 = days
    out = tmp_path / "out"
    assert _newsdedup("run", "--input", str(day1), "--output", str(out), "--quiet").returncode == 0
    history = out / "state" / "history.parquet"
    data = history.read_bytes()
    history.unlink()  # break the hard link rather than writing through it
    history.write_bytes(data[: len(data) // 2])
    bad = _newsdedup("run", "--input", str(day2), "--output", str(out))
    assert bad.returncode == 1
    assert "state" in bad.stderr and "--full-refresh" in bad.stderr
    assert "Traceback" not in bad.stderr
    # documented recovery: rebuild from the recorded inputs into a new folder
    fresh = tmp_path / "fresh"
    rebuilt = _newsdedup(
        "run", "--input", str(day1), str(day2), "--output", str(fresh), "--full-refresh", "--quiet"
    )
    assert rebuilt.returncode == 0
    assert len(pd.read_parquet(fresh / "articles")) > len(pd.read_parquet(out / "articles"))
