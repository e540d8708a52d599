"""Tests for newsdedup.io.digest: file digests equal the xxh3_128 of the content, whatever size hint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import xxhash

from newsdedup.io.digest import file_digest


@pytest.mark.parametrize(
    "size", [0, 1, 5000, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 17]
)
def test_file_digest_matches_xxh3_128(tmp_path: Path, size: int) -> None:
    # empty, one block (hashed in one call), exactly one block, and several blocks (streamed)
    data = os.urandom(size)
    (tmp_path / "a.bin").write_bytes(data)
    want = xxhash.xxh3_128(data).hexdigest()
    assert file_digest(tmp_path / "a.bin") == want
    # with the size discovery saw: the same, also when the file has grown or shrunk since
    for hint in {size, max(size - 1, 0), size // 2, size + 1, 2 * size + 5}:
        assert file_digest(tmp_path / "a.bin", hint) == want, hint
