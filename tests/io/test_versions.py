"""Kept versions, rollback, the last-run record and the lock holder of the versioned output store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from newsdedup.errors import StateError
from newsdedup.io.store import CURRENT, VERSIONS, OutputStore


def _commit(store: OutputStore, run_id: str, value: int, keep: int = 3) -> None:
    staging = store.begin(run_id)
    staging.carry_over("state")
    staging.write_table("articles", f"part-{run_id}", pa.table({"v": [value]}))
    store.commit(staging, keep_versions=keep)


def _value(store: OutputStore) -> int:
    frame = store.read_table("articles")
    assert frame is not None
    return int(frame["v"].iloc[0])


def test_keeps_the_newest_committed_versions(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    for i, run in enumerate(["r1", "r2", "r3", "r4", "r5"]):
        _commit(store, run, i, keep=3)
    assert [v.name for v in store.versions()] == ["r3", "r4", "r5"]
    assert [v.current for v in store.versions()] == [False, False, True]
    assert all(v.committed for v in store.versions())
    _commit(store, "r6", 5, keep=1)
    assert [v.name for v in store.versions()] == ["r6"]


def test_recover_removes_uncommitted_versions_only(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    _commit(store, "r1", 1)
    _commit(store, "r2", 2)
    store.begin("r3")  # killed while staging
    leftover = store.begin("r4")  # killed after the rename, before the switch
    os.replace(leftover.path, tmp_path / VERSIONS / "r4")
    assert {v.name for v in store.versions() if not v.committed} == {"r3.staging", "r4"}
    assert sorted(store.recover()) == ["r3.staging", "r4"]
    assert [v.name for v in store.versions()] == ["r1", "r2"]
    assert _value(store) == 2


def test_rollback_to_the_previous_and_to_a_named_version(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    for i, run in enumerate(["r1", "r2", "r3"]):
        _commit(store, run, i)
    assert store.rollback() == "r2"
    assert _value(store) == 1
    assert (tmp_path / CURRENT).resolve().name == "r2"
    assert store.rollback(to="r3") == "r3"  # undone: later versions stay until pruned
    assert _value(store) == 2
    assert store.rollback(to="r1") == "r1"
    with pytest.raises(StateError, match="no version before r1"):
        store.rollback()
    with pytest.raises(StateError, match="no committed version 'r9'"):
        store.rollback(to="r9")


def test_a_run_after_a_rollback_keeps_the_rolled_back_version(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    for i, run in enumerate(["r1", "r2", "r3"]):
        _commit(store, run, i)
    store.rollback(to="r1")
    _commit(store, "r4", 9, keep=2)
    assert [v.name for v in store.versions()] == ["r3", "r4"]
    assert _value(store) == 9


def test_rollback_without_versions_is_a_state_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no committed version"):
        OutputStore(tmp_path).rollback()


def test_a_version_committed_before_markers_existed_counts_when_current(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    _commit(store, "r1", 1)
    (tmp_path / VERSIONS / "r1" / ".committed").unlink()
    assert store.versions()[0].committed and store.recover() == []


def test_last_run_record_round_trip(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    assert store.last_run() is None
    tmp_path.mkdir(exist_ok=True)
    store.record_run({"run_id": "r1", "status": "failed", "exit_code": 1})
    assert store.last_run() == {"run_id": "r1", "status": "failed", "exit_code": 1}


def test_lock_holder_reads_without_taking_the_lock(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    assert store.lock_holder() is None
    with store.lock():
        assert store.lock_holder() == f"pid {os.getpid()}"
    assert store.lock_holder() is None
    shutil.rmtree(tmp_path)
    assert store.lock_holder() is None


def test_an_output_named_by_a_relative_path_keeps_its_current_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = OutputStore("out")
    _commit(store, "r1", 1, keep=1)
    _commit(store, "r2", 2, keep=1)
    assert [(v.name, v.current) for v in store.versions()] == [("r2", True)]
    assert _value(store) == 2
