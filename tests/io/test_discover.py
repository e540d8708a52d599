"""Tests for newsdedup.io.discover: files, folders and globs -> sorted input files, skipped paths with reasons."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsdedup.errors import InputError
from newsdedup.io.discover import discover
from newsdedup.model import RawRecord, Skipped
from tests.io.reference import read_all


def test_ids_relative_to_root_and_sorted(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/b/c.txt", "A.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"title {rel}\n\nbody\n")
    files, _ = discover([tmp_path])
    assert [f.rel for f in files] == ["A.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    assert all(os.path.isabs(f.path) and f.root == tmp_path and f.format == "txt" for f in files)
    ids = [r.article_id for r in read_all(files) if isinstance(r, RawRecord)]
    assert ids == ["A.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    # a file given directly has its name as id
    direct, _ = discover([tmp_path / "a" / "b" / "c.txt"])
    assert [f.rel for f in direct] == ["c.txt"]


def test_glob_expansion_relative_to_prefix(tmp_path: Path) -> None:
    for rel in ["in/x/1.txt", "in/x/y/2.txt", "in/3.jsonl", "in/x/4.csv", "other/5.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("t\n\nb\n")
    files, _ = discover([str(tmp_path / "in" / "**" / "*.txt")])
    assert [f.rel for f in files] == ["x/1.txt", "x/y/2.txt"]
    assert all(f.root == tmp_path / "in" for f in files)
    files, _ = discover([str(tmp_path / "in" / "**")])  # folders and files matched: each file once
    assert [f.rel for f in files] == ["3.jsonl", "x/1.txt", "x/4.csv", "x/y/2.txt"]


def test_unsupported_and_hidden_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "data.yaml").write_text("a: 1")
    (tmp_path / "ok.txt").write_text("t\n\nb\n")
    files, skipped = discover([tmp_path])
    assert [f.rel for f in files] == ["ok.txt"]
    assert skipped == [
        Skipped(".DS_Store", "hidden"),
        Skipped("data.yaml", "unsupported_extension"),
        Skipped("report.pdf", "unsupported_extension"),
    ]
    files, skipped = discover([tmp_path / "report.pdf"])
    assert files == [] and skipped == [Skipped("report.pdf", "unsupported_extension")]


def test_symlink_loop_finishes(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("t\n\nb\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "up", target_is_directory=True)
    os.symlink(tmp_path / "a" / "b", tmp_path / "a" / "again", target_is_directory=True)
    files, skipped = discover([tmp_path])
    assert [f.rel for f in files] == ["a/b/x.txt"]
    assert sorted(s.reason for s in skipped) == ["already_visited", "already_visited"]


def test_missing_inputs_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        discover([tmp_path / "nope"])
    with pytest.raises(InputError, match="matches nothing"):
        discover([str(tmp_path / "*.jsonl")])
    os.symlink(tmp_path / "gone", tmp_path / "dangling.txt")
    with pytest.raises(InputError, match="broken symlink"):
        discover([tmp_path / "dangling.txt"])
    _, skipped = discover([tmp_path])  # inside a folder it is listed, not fatal
    assert skipped == [Skipped("dangling.txt", "broken_symlink")]
