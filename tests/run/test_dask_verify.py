"""How the Dask engine's workers find the shingle hashes: by file position, checked before any block is sent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from newsdedup.run.dask_verify import mapped_hashes


def _hash_file(tmp_path: Path, n: int = 100) -> tuple[Path, np.memmap]:
    path = tmp_path / "shingles.u32"
    np.arange(n, dtype=np.uint32).tofile(path)
    return path, np.memmap(path, dtype=np.uint32, mode="r")


def test_a_read_only_map_is_found_again_by_its_file(tmp_path: Path) -> None:
    path, hashes = _hash_file(tmp_path)
    ref = mapped_hashes(hashes)
    assert ref is not None and ref.path == str(path) and ref.length == 100
    assert np.array_equal(ref.open(), hashes)


def test_arrays_not_on_a_file_go_by_value(tmp_path: Path) -> None:
    _path, hashes = _hash_file(tmp_path)
    assert mapped_hashes(np.arange(10, dtype=np.uint32)) is None  # in memory
    assert mapped_hashes(hashes[:0]) is None  # empty
    writable = np.memmap(tmp_path / "w.u32", dtype=np.uint32, mode="w+", shape=(10,))
    assert mapped_hashes(writable) is None  # may still change


def test_a_file_a_worker_cannot_see_is_refused(tmp_path: Path) -> None:
    path, hashes = _hash_file(tmp_path)
    ref = mapped_hashes(hashes)
    assert ref is not None and ref.visible()
    assert not dataclasses.replace(ref, path=str(tmp_path / "elsewhere.u32")).visible()  # not on this disk
    assert not dataclasses.replace(ref, length=1000).visible()  # shorter than the client's
    np.arange(1, 101, dtype=np.uint32).tofile(path)  # other contents at that path
    assert not ref.visible()
