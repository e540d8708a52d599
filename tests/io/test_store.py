"""The versioned output store: atomic commits, carry-over by hard links, recovery, the lock."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from newsdedup.errors import LockHeldError, StateError
from newsdedup.io.store import OutputStore


def _table(values: list[int]) -> pa.Table:
    return pa.table({"a": values})


def test_commit_makes_tables_readable_and_carries_parts(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    s1 = store.begin("r1")
    s1.write_table("articles", "part-r1", _table([1, 2]))
    store.commit(s1)
    assert pd.read_parquet(tmp_path / "articles")["a"].tolist() == [1, 2]

    s2 = store.begin("r2")
    assert s2.carry_over("articles") == ["part-r1.parquet"]
    s2.write_table("articles", "part-r2", _table([3]))
    # not visible before commit
    assert pd.read_parquet(tmp_path / "articles")["a"].tolist() == [1, 2]
    store.commit(s2)
    assert sorted(pd.read_parquet(tmp_path / "articles")["a"].tolist()) == [1, 2, 3]
    # the old version is gone, only the current one is kept
    assert [p.name for p in (tmp_path / "_versions").iterdir()] == ["r2"]


def test_recover_removes_uncommitted_versions(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    s1 = store.begin("r1")
    s1.write_table("articles", "part-r1", _table([1]))
    store.commit(s1)
    s2 = store.begin("r2")  # a run that never commits
    s2.write_table("articles", "part-r2", _table([2]))
    assert pd.read_parquet(tmp_path / "articles")["a"].tolist() == [1]
    assert store.recover() == ["r2.staging"]
    assert pd.read_parquet(tmp_path / "articles")["a"].tolist() == [1]


def test_current_link_to_missing_version_is_a_state_error(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    s1 = store.begin("r1")
    store.commit(s1)
    import shutil

    shutil.rmtree(tmp_path / "_versions" / "r1")
    with pytest.raises(StateError, match="missing version"):
        store.current()


def test_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    holder = textwrap.dedent(
        f"""
        import sys, time
        from newsdedup.io.store import OutputStore
        with OutputStore({str(tmp_path)!r}).lock():
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeldError), store.lock():
            pass
    finally:
        proc.kill()
        proc.wait()
    # the killed holder left no stale lock
    with store.lock():
        pass
    assert (tmp_path / ".newsdedup.lock").exists()
    assert os.path.getsize(tmp_path / ".newsdedup.lock") > 0


def test_json_bytes_fast_path_and_fallback_write_the_same_values() -> None:
    import json
    from datetime import UTC, datetime

    import numpy as np

    from newsdedup.io.store import json_bytes

    data = {
        "n": np.int64(3),
        "x": np.float64(0.5),
        "at": datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
        1: "int key",
        "text": "Zürich",
        "path": Path("/a/b"),
    }
    fast = json_bytes(data)
    assert fast.endswith(b"}\n")
    expected = {"n": 3, "x": 0.5, "at": "2024-01-02 03:04:00+00:00", "1": "int key", "text": "Zürich"}
    assert json.loads(fast) == {**expected, "path": "/a/b"}
    # a lone surrogate (an undecodable file name) is refused by orjson: the standard library writes it
    slow = json.loads(json_bytes({**data, "path": "/a/caf\udce9"}))
    assert slow == {**expected, "path": "/a/caf\udce9"}
