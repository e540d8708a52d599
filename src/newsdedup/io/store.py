"""The output folder: versioned, atomically committed Parquet tables, and the run lock.

Layout under the output folder ``DIR``::

    DIR/articles -> _current/articles     (symlinks made once; what users read with pd.read_parquet)
    DIR/topics, duplicates, rejects, runs, state -> _current/<name>
    DIR/_current -> _versions/<run_id>    (ONE symlink: replacing it is the commit)
    DIR/_versions/<run_id>/<table>/part-*.parquet
    DIR/.newsdedup.lock                   (flock; the OS drops it when the process dies)

A run stages a complete new version in ``_versions/<run_id>.staging`` (unchanged parts of the previous
version are hard-linked, not copied), renames it to ``_versions/<run_id>``, then atomically replaces the
``_current`` symlink. A run killed at any point leaves ``_current`` pointing at the previous, complete
version, so every table stays readable and consistent with the others; the next run removes the leftovers.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.errors import LockHeldError, StateError
from newsdedup.failpoints import failpoint

logger = logging.getLogger(__name__)

__all__ = ["TABLES", "OutputStore", "Staging"]

TABLES = ("articles", "topics", "duplicates", "rejects", "runs", "state")
LOCK_NAME = ".newsdedup.lock"
CURRENT = "_current"
VERSIONS = "_versions"
STAGING_SUFFIX = ".staging"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file under a temporary name, fsync it, then rename it into place."""
    tmp = path.with_name(path.name + ".tmp")
    failpoint("write_parquet")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_parquet_stream_atomic(
    schema: pa.Schema, tables: Iterable[pa.Table], path: Path, **options: Any
) -> int:
    """Write tables (same schema) one after another into one Parquet file under a temporary name, fsync it,
    then rename it into place; memory holds one table at a time. Returns the number of rows written.
    ``options`` go to ``pq.ParquetWriter`` (default: zstd compression)."""
    tmp = path.with_name(path.name + ".tmp")
    failpoint("write_parquet")
    rows = 0
    with pq.ParquetWriter(tmp, schema, **{"compression": "zstd", **options}) as writer:
        for table in tables:
            writer.write_table(table)
            rows += table.num_rows
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return rows


def write_json_atomic(data: Mapping[str, Any], path: Path) -> None:
    """Write JSON under a temporary name, fsync it, then rename it into place."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(json_bytes(data))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_SERIALIZE_NUMPY
    # as the standard library would write them (through ``default=str``)
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_bytes(data: Mapping[str, Any]) -> bytes:
    """``data`` as indented JSON (UTF-8, newline-terminated); what JSON has no type for is written as str.

    orjson first: the standard library's indenting encoder is pure Python, and a run manifest lists every
    input file, so it is slow on big runs. What orjson refuses (a lone surrogate from an undecodable
    file name, an integer beyond 64 bits) goes to the standard library, which escapes it."""
    try:
        return orjson.dumps(data, default=str, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return (json.dumps(data, indent=2, default=_plain) + "\n").encode("utf-8")


def _plain(value: Any) -> Any:
    """The standard library's ``default`` matching orjson's options above: numpy scalars as numbers."""
    return value.item() if isinstance(value, np.generic) else str(value)


class Staging:
    """A version being built; nothing in it is visible until :meth:`OutputStore.commit`."""

    def __init__(self, path: Path, run_id: str, previous: Path | None) -> None:
        self.path = path
        self.run_id = run_id
        self.previous = previous
        for name in TABLES:
            (path / name).mkdir(parents=True, exist_ok=True)

    def carry_over(self, table: str, *, exclude: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Hard-link the previous version's files of ``table`` into this version; returns their names."""
        if self.previous is None or not (self.previous / table).is_dir():
            return []
        names = []
        for src in sorted((self.previous / table).iterdir()):
            if src.name in exclude or src.name.endswith(".tmp"):
                continue
            dst = self.path / table / src.name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            names.append(src.name)
        return names

    def previous_parts(self, table: str) -> list[Path]:
        """The previous version's Parquet parts of ``table`` (empty on a first run)."""
        if self.previous is None or not (self.previous / table).is_dir():
            return []
        return sorted(p for p in (self.previous / table).glob("*.parquet"))

    def write_table(self, table: str, part: str, data: pa.Table) -> Path:
        path = self.path / table / f"{part}.parquet"
        write_parquet_atomic(data, path)
        return path

    def write_table_stream(
        self, table: str, part: str, schema: pa.Schema, tables: Iterable[pa.Table], **options: Any
    ) -> int:
        """Write a table part from a stream of Arrow tables; returns the rows written."""
        return write_parquet_stream_atomic(schema, tables, self.path / table / f"{part}.parquet", **options)

    def remove(self, table: str, name: str) -> None:
        (self.path / table / name).unlink(missing_ok=True)

    def write_json(self, table: str, name: str, data: Mapping[str, Any]) -> Path:
        path = self.path / table / name
        write_json_atomic(data, path)
        return path


class OutputStore:
    """The versioned output folder of one deployment."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -- lock ---------------------------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive, non-blocking flock on the output folder for the duration of a run.

        Raises LockHeldError at once when another process holds it. The lock file is never deleted (deleting
        it would let two runs lock two different inodes); the OS releases the lock when the process exits,
        even on SIGKILL, so a killed run leaves no stale lock.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise LockHeldError(
                        f"another newsdedup run holds the lock on {self.root}"
                        + (f" ({holder})" if holder else "")
                    ) from exc
                raise
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
            yield
        finally:
            os.close(fd)

    # -- versions -----------------------------------------------------------------------------------
    def current(self) -> Path | None:
        """The committed version folder, or None before the first commit."""
        link = self.root / CURRENT
        if not link.is_symlink():
            if link.exists():
                raise StateError(f"{link} should be a symlink; the output folder was modified by hand")
            return None
        target = link.resolve()
        if not target.is_dir():
            raise StateError(
                f"{link} points to a missing version {target}; restore it from a backup or start a new "
                "output folder (or run with --full-refresh into a new folder)"
            )
        return target

    def recover(self) -> list[str]:
        """Remove what killed runs left behind (staging and uncommitted versions); returns what was removed."""
        versions = self.root / VERSIONS
        if not versions.is_dir():
            return []
        current = self.current()
        removed = []
        for entry in sorted(versions.iterdir()):
            if current is not None and entry.resolve() == current:
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
        for tmp in self.root.glob(f"{CURRENT}.*.tmp"):
            tmp.unlink(missing_ok=True)
            removed.append(tmp.name)
        if removed:
            logger.info("recovered output folder: removed %d leftover(s) of earlier runs", len(removed))
        return removed

    def check_layout(self) -> None:
        """Refuse, before any work, an output folder whose table names are taken by something else."""
        for name in (*TABLES, CURRENT):
            path = self.root / name
            if path.exists() and not path.is_symlink():
                raise StateError(
                    f"{path} exists and was not made by newsdedup; use an empty or newsdedup output folder"
                )

    def begin(self, run_id: str) -> Staging:
        """Start staging a new version for ``run_id``."""
        path = self.root / VERSIONS / (run_id + STAGING_SUFFIX)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return Staging(path, run_id, self.current())

    def commit(self, staging: Staging) -> Path:
        """Make the staged version current in one atomic step; older versions are then removed."""
        for sub in [staging.path, *(p for p in staging.path.iterdir() if p.is_dir())]:
            _fsync_dir(sub)
        final = self.root / VERSIONS / staging.run_id
        failpoint("before_rename")
        os.replace(staging.path, final)
        _fsync_dir(final.parent)
        failpoint("before_switch")
        tmp_link = self.root / f"{CURRENT}.{staging.run_id}.tmp"
        tmp_link.unlink(missing_ok=True)
        os.symlink(Path(VERSIONS) / staging.run_id, tmp_link)
        os.replace(tmp_link, self.root / CURRENT)
        failpoint("after_switch")
        for name in TABLES:
            link = self.root / name
            if not link.is_symlink():
                if link.exists():
                    raise StateError(f"{link} exists and is not newsdedup's symlink; move it away")
                os.symlink(Path(CURRENT) / name, link)
        _fsync_dir(self.root)
        self._remove_old_versions(final)
        return final

    def _remove_old_versions(self, keep: Path) -> None:
        for entry in (self.root / VERSIONS).iterdir():
            if entry != keep:
                shutil.rmtree(entry, ignore_errors=True)

    def read_table(self, table: str) -> pd.DataFrame | None:
        """Read a committed table, or None when there is no committed version yet."""
        current = self.current()
        if current is None or not any((current / table).glob("*.parquet")):
            return None
        try:
            return pd.read_parquet(current / table)
        except (OSError, pa.ArrowException) as exc:
            raise StateError(f"cannot read {table} in {current}: {exc}") from exc
