"""The dedup step keeps the run's signatures in their staging file: memory-mapped, read in row blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsdedup.dedup import Sketches, find_duplicates
from newsdedup.dedup.mapped import file_mapped
from newsdedup.params import Config
from newsdedup.run import dedup_step
from newsdedup.run.pipeline import run
from tests.conftest import SAMPLE


def _seen_sketches(monkeypatch: pytest.MonkeyPatch) -> list[Sketches]:
    seen: list[Sketches] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["sketches"])
        return find_duplicates(*args, **kwargs)

    monkeypatch.setattr(dedup_step, "find_duplicates", spy)
    return seen


def test_signatures_stay_mapped_through_the_dedup_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _seen_sketches(monkeypatch)
    run([SAMPLE / "raw", SAMPLE / "feed.jsonl"], tmp_path / "out", Config())
    (sk,) = seen
    assert isinstance(sk.signatures, np.memmap) and file_mapped(sk.signatures)
    assert isinstance(sk.hashes, np.memmap)
    assert sk.signatures.shape == (len(sk.tokens), Config().dedup.num_perm)


def test_with_history_appends_to_the_files_and_stays_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run compares its articles with related history rows: theirs are appended to the staging
    files, so the joined sketches are still maps of the files rather than copies in memory."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    lines = (SAMPLE / "feed.jsonl").read_text().splitlines()
    (tmp_path / "a" / "feed.jsonl").write_text("\n".join(lines) + "\n")
    run([tmp_path / "a"], tmp_path / "out", Config())
    # the same articles under new ids: every one is related to the history
    again = [line.replace('"id": "', '"id": "again-', 1) for line in lines]
    (tmp_path / "b" / "feed.jsonl").write_text("\n".join(again) + "\n")
    seen = _seen_sketches(monkeypatch)
    run([tmp_path / "b"], tmp_path / "out", Config())
    (sk,) = seen
    assert len(sk.tokens) > len(lines)  # the new articles followed by related history
    assert file_mapped(sk.signatures) and isinstance(sk.hashes, np.memmap)
    assert sk.signatures.shape[0] == len(sk.tokens)
