"""The run's work folder: staged article rows and the sketches' flat files, written while reading.

Each read task stages the article columns of its records as an uncompressed Arrow IPC file (fast to write,
memory-mapped when read back), so the run holds only the light columns in memory and reads the heavy ones
(body, matching text) back part by part when it needs them. The shingle hashes of every accepted article are
appended to one flat file that is memory-mapped once reading is done (the dedup step then reads them without
holding them), and their MinHash signatures to a second file, row after row (read back whole for dedup and
part by part when the state is written). Everything here is removed when the run ends.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from newsdedup.io.schema import SCHEMAS

__all__ = [
    "STAGE_SCHEMA",
    "WORK_DIR",
    "SketchFiles",
    "SketchWriter",
    "read_stage",
    "staged_rows",
    "work_folder",
    "write_stage",
]

#: Inside the staging version: staged article columns, shingle hashes and signatures; removed before the commit.
WORK_DIR = "_work"

# The staged article columns: the output's columns that parsing fills (all before content_hash, and those
# appended after run_id), plus the matching text.
_ARTICLE_FIELDS = list(SCHEMAS["articles"].remove_metadata())
_NAMES = [f.name for f in _ARTICLE_FIELDS]
STAGE_SCHEMA = pa.schema(
    [
        *_ARTICLE_FIELDS[: _NAMES.index("content_hash")],
        *_ARTICLE_FIELDS[_NAMES.index("run_id") + 1 :],
        pa.field("match_text", pa.string()),
    ]
)


@contextmanager
def work_folder(version: Path) -> Iterator[Path]:
    """The work folder inside a staging version; removed with everything in it when the block ends (the
    staged article columns are in the output tables by then, and after an error nothing of it is kept)."""
    path = version / WORK_DIR
    path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_stage(table: pa.Table, path: str | Path) -> None:
    """Write staged rows as an uncompressed Arrow IPC file (fast to write, memory-mapped when read back).

    Written under a temporary name and renamed: a table read earlier from ``path`` may still point into the
    old file's mapping, which must not be truncated under it."""
    tmp = f"{path}.tmp"
    with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(tmp, path)


def read_stage(path: str | Path) -> pa.Table:
    """Read a staged file back (memory-mapped: pages are read as columns are used)."""
    # not closed here: the table's buffers point into the mapping, which lives as long as they do
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def staged_rows(parts: Iterable[tuple[str, np.ndarray]], columns: Sequence[str]) -> Iterator[pa.Table]:
    """The accepted staged rows, part by part, with only ``columns``; a part is (staging file, mask of its
    rows that were accepted)."""
    for path, keep in parts:
        table = read_stage(path).select(list(columns))
        yield table if keep.all() else table.filter(pa.array(keep))


@dataclass(frozen=True)
class SketchFiles:
    """The flat shingle-hash file and the signature file of a run's accepted articles, in their order.

    The documents' hash segments are delimited by offsets the caller keeps (``hashes[offsets[i]:offsets[i+1]]``
    is document i's); the signatures are ``num_perm`` values per document."""

    hash_path: Path
    sig_path: Path
    hash_dtype: np.dtype[Any]
    sig_dtype: np.dtype[Any]
    num_perm: int

    def hashes(self) -> np.ndarray:
        """The shingle hashes, memory-mapped read-only (an empty array for an empty file)."""
        if self.hash_path.stat().st_size == 0:
            return np.zeros(0, dtype=self.hash_dtype)
        return np.memmap(self.hash_path, dtype=self.hash_dtype, mode="r")

    def signatures(self) -> np.ndarray:
        """All signatures, memory-mapped read-only: (documents, num_perm). The readers take them in row
        blocks from the file (:mod:`newsdedup.dedup.mapped`), so they never become resident as a whole."""
        rows = self.sig_path.stat().st_size // (self.num_perm * self.sig_dtype.itemsize)
        if rows == 0:
            return np.zeros((0, self.num_perm), dtype=self.sig_dtype)
        return np.memmap(self.sig_path, dtype=self.sig_dtype, mode="r", shape=(rows, self.num_perm))

    def signature_rows(self, lo: int, hi: int) -> np.ndarray:
        """The signatures of documents ``lo:hi``, read from the file."""
        count = (hi - lo) * self.num_perm
        offset = lo * self.num_perm * self.sig_dtype.itemsize
        return np.fromfile(self.sig_path, dtype=self.sig_dtype, count=count, offset=offset).reshape(
            hi - lo, self.num_perm
        )

    def append_hashes(self, extra: np.ndarray) -> np.ndarray:
        """Append shingle hashes of further documents to the file; returns the whole file mapped again."""
        with open(self.hash_path, "ab") as fh:
            np.ascontiguousarray(extra, dtype=self.hash_dtype).tofile(fh)
        return self.hashes()

    def append_signatures(self, extra: np.ndarray) -> np.ndarray:
        """Append signatures of further documents to the file; returns all of them mapped again."""
        with open(self.sig_path, "ab") as fh:
            np.ascontiguousarray(extra, dtype=self.sig_dtype).tofile(fh)
        return self.signatures()

    def replace_rows(
        self,
        offsets: np.ndarray,
        rows: np.ndarray,
        new_hashes: np.ndarray,
        new_offsets: np.ndarray,
        new_sigs: np.ndarray,
    ) -> np.ndarray:
        """Replace the documents at ``rows`` (sorted) by new ones (hashes with ``new_offsets``, signatures),
        in both files; returns the offsets of the rewritten hash file.

        The hash file is rewritten in one streaming pass (segments copied in document order) under a temporary
        name; the signature rows are overwritten in place."""
        lengths = np.diff(offsets).copy()
        lengths[rows] = np.diff(new_offsets)
        out = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=out[1:])
        old = self.hashes()
        tmp = self.hash_path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pos = 0
            for j, r in enumerate(rows.tolist()):
                np.ascontiguousarray(old[offsets[pos] : offsets[r]]).tofile(fh)
                np.ascontiguousarray(new_hashes[new_offsets[j] : new_offsets[j + 1]]).tofile(fh)
                pos = r + 1
            np.ascontiguousarray(old[offsets[pos] :]).tofile(fh)
        del old
        os.replace(tmp, self.hash_path)
        width = self.num_perm * self.sig_dtype.itemsize
        with open(self.sig_path, "r+b") as fh:
            for j, r in enumerate(rows.tolist()):
                fh.seek(r * width)
                fh.write(np.ascontiguousarray(new_sigs[j], dtype=self.sig_dtype).tobytes())
        return out


class SketchWriter:
    """Appends documents' shingle hashes and signatures to the run's two sketch files, chunk by chunk."""

    def __init__(self, workdir: Path, sig_dtype: np.dtype[Any], num_perm: int) -> None:
        self.files = SketchFiles(
            workdir / "shingles.u32", workdir / "signatures.bin", np.dtype(np.uint32), sig_dtype, num_perm
        )
        self.n_hashes = 0
        self._hash_fh = open(self.files.hash_path, "wb")  # noqa: SIM115 - closed in close()
        self._sig_fh = open(self.files.sig_path, "wb")  # noqa: SIM115

    def append(self, hashes: np.ndarray, signatures: np.ndarray) -> int:
        """Append one chunk's hashes and signatures; returns the number of hashes before them (the shift of
        the chunk's offsets in the flat file)."""
        before = self.n_hashes
        if hashes.dtype != self.files.hash_dtype:
            self.files = SketchFiles(
                self.files.hash_path,
                self.files.sig_path,
                hashes.dtype,
                self.files.sig_dtype,
                self.files.num_perm,
            )
        np.ascontiguousarray(hashes).tofile(self._hash_fh)
        np.ascontiguousarray(signatures, dtype=self.files.sig_dtype).tofile(self._sig_fh)
        self.n_hashes += len(hashes)
        return before

    def close(self) -> SketchFiles:
        """Close both files (idempotent); returns their description."""
        for fh in (self._hash_fh, self._sig_fh):
            if not fh.closed:
                fh.close()
        return self.files
