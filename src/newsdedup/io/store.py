"""The output folder: versioned, atomically committed Parquet tables, and the run lock.

Layout under the output folder ``DIR``::

    DIR/articles -> _current/articles     (symlinks made once; what users read with pd.read_parquet)
    DIR/topics, duplicates, rejects, runs, state -> _current/<name>
    DIR/_current -> _versions/<run_id>    (ONE symlink: replacing it is the commit)
    DIR/_versions/<run_id>/<table>/part-*.parquet
    DIR/_versions/<run_id>/.committed     (written once the version has been made current)
    DIR/.newsdedup.lock                   (flock; the OS drops it when the process dies)
    DIR/.last_run.json                    (the latest run's outcome, for `newsdedup status` and monitoring)

A run stages a complete new version in ``_versions/<run_id>.staging`` (unchanged parts of the previous
version are hard-linked, not copied), renames it to ``_versions/<run_id>``, then atomically replaces the
``_current`` symlink and marks the version committed. A run killed at any point leaves ``_current``
pointing at the previous, complete version, so every table stays readable and consistent with the others;
the next run removes the leftovers. The last ``keep_versions`` committed versions are kept (they share
unchanged files through hard links), so :meth:`OutputStore.rollback` can make an earlier one current again;
each version holds its own state and ledger, so the run after a rollback continues from there.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from newsdedup.errors import LockHeldError, StateError
from newsdedup.failpoints import failpoint

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

logger = logging.getLogger(__name__)

__all__ = ["TABLES", "OutputStore", "Staging", "VersionInfo", "held_lock_fds", "write_text_atomic"]

TABLES = ("articles", "topics", "themes", "duplicates", "rejects", "runs", "state")
LOCK_NAME = ".newsdedup.lock"
CURRENT = "_current"
VERSIONS = "_versions"
STAGING_SUFFIX = ".staging"
COMMITTED = ".committed"
LAST_RUN = ".last_run.json"


@dataclass(frozen=True)
class VersionInfo:
    """One folder under ``_versions``: a committed version (current or kept for rollback) or a leftover."""

    name: str
    committed: bool
    current: bool


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file under a temporary name, fsync it, then rename it into place."""
    import pyarrow.parquet as pq  # here, not at the top: a run with nothing new reads no table

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
    import pyarrow.parquet as pq

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


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) under a temporary name beside ``path``, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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
    np = sys.modules.get("numpy")  # a numpy scalar can only come from an imported numpy
    return value.item() if np is not None and isinstance(value, np.generic) else str(value)


_HELD_LOCK_FDS: set[int] = set()


def held_lock_fds() -> frozenset[int]:
    """The descriptors of the output locks this process holds now. A forked worker inherits them and must
    close them at once (:mod:`newsdedup.run.lifeline` does): a descriptor left open in a worker that
    outlives the run would keep the lock held after the run's death."""
    return frozenset(_HELD_LOCK_FDS)


def _liveness(holder: str) -> str:
    """ ", running" or ", not running" for a lock holder written as "pid N" (a dead holder whose lock is still
    held means a process it started outlived it)."""
    parts = holder.split()
    if len(parts) != 2 or parts[0] != "pid" or not parts[1].isdigit():
        return ""
    alive = Path(f"/proc/{parts[1]}").exists()
    return ", running" if alive else ", not running: a process it started still holds the lock"


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
                        + (f" ({holder}{_liveness(holder)})" if holder else "")
                    ) from exc
                raise
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
            _HELD_LOCK_FDS.add(fd)
            yield
        finally:
            _HELD_LOCK_FDS.discard(fd)
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

    def versions(self) -> list[VersionInfo]:
        """Every folder under ``_versions``, oldest first (run ids sort by time)."""
        folder = self.root / VERSIONS
        if not folder.is_dir():
            return []
        current = self.current()
        infos = []
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            is_current = current is not None and entry.resolve() == current
            infos.append(VersionInfo(entry.name, (entry / COMMITTED).exists() or is_current, is_current))
        return infos

    def recover(self) -> list[str]:
        """Remove what killed runs left behind (staging and uncommitted versions); returns what was removed.

        Committed versions kept for rollback stay."""
        removed = []
        for v in self.versions():
            if not v.committed:
                shutil.rmtree(self.root / VERSIONS / v.name, ignore_errors=True)
                removed.append(v.name)
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

    def abandon(self, staging: Staging) -> None:
        """Remove what a failed or cancelled run staged (also after its rename, if it never became current);
        the current version is untouched."""
        shutil.rmtree(staging.path, ignore_errors=True)
        final = self.root / VERSIONS / staging.run_id
        current = self.current()
        if final.exists() and (current is None or final.resolve() != current):
            shutil.rmtree(final, ignore_errors=True)

    def commit(self, staging: Staging, keep_versions: int = 1) -> Path:
        """Make the staged version current in one atomic step; then keep the ``keep_versions`` newest
        committed versions (the current one always) and remove the rest."""
        for sub in [staging.path, *(p for p in staging.path.iterdir() if p.is_dir())]:
            _fsync_dir(sub)
        final = self.root / VERSIONS / staging.run_id
        failpoint("before_rename")
        os.replace(staging.path, final)
        _fsync_dir(final.parent)
        failpoint("before_switch")
        self._switch(staging.run_id)
        failpoint("after_switch")
        (final / COMMITTED).touch()
        for name in TABLES:
            link = self.root / name
            if not link.is_symlink():
                if link.exists():
                    raise StateError(f"{link} exists and is not newsdedup's symlink; move it away")
                os.symlink(Path(CURRENT) / name, link)
        _fsync_dir(self.root)
        self.prune(keep_versions)
        return final

    def _switch(self, name: str) -> None:
        """Point ``_current`` at ``_versions/<name>`` in one atomic rename of a new symlink."""
        tmp_link = self.root / f"{CURRENT}.{name}.tmp"
        tmp_link.unlink(missing_ok=True)
        os.symlink(Path(VERSIONS) / name, tmp_link)
        os.replace(tmp_link, self.root / CURRENT)
        _fsync_dir(self.root)

    def prune(self, keep_versions: int) -> list[str]:
        """Remove committed versions beyond the ``keep_versions`` newest, never the current one, and every
        uncommitted leftover; returns the removed names."""
        kept = 0
        removed = []
        for v in reversed(self.versions()):
            if v.current or (v.committed and kept < keep_versions - 1):
                kept += 0 if v.current else 1
                continue
            shutil.rmtree(self.root / VERSIONS / v.name, ignore_errors=True)
            removed.append(v.name)
        return removed

    def rollback(self, to: str | None = None) -> str:
        """Make an earlier committed version current (the one before the current, or run ``to``); returns
        its name. The caller holds the lock. Versions after it stay until pruned, so a rollback can be undone
        by rolling back to the later run id."""
        versions = [v for v in self.versions() if v.committed]
        current = next((v.name for v in versions if v.current), None)
        if current is None:
            raise StateError(f"{self.root} has no committed version to roll back from")
        if to is None:
            earlier = [v.name for v in versions if v.name < current]
            if not earlier:
                raise StateError(f"no version before {current} is kept in {self.root / VERSIONS}")
            to = earlier[-1]
        if to not in {v.name for v in versions}:
            kept = ", ".join(v.name for v in versions) or "none"
            raise StateError(f"no committed version {to!r} in {self.root / VERSIONS}; kept: {kept}")
        self._switch(to)
        return to

    # -- the latest run's outcome ------------------------------------------------------------------
    def record_run(self, info: Mapping[str, Any]) -> None:
        """Write the latest run's outcome (run id, status, exit code, times) beside the versions."""
        write_json_atomic(info, self.root / LAST_RUN)

    def last_run(self) -> dict[str, Any] | None:
        """The outcome :meth:`record_run` wrote last, or None."""
        try:
            data = json.loads((self.root / LAST_RUN).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot read {self.root / LAST_RUN}: {exc}") from exc
        return data if isinstance(data, dict) else None

    def lock_holder(self) -> str | None:
        """Who holds the lock now (its "pid N" line), or None when nobody does; never takes the lock itself
        (it reads /proc/locks), so asking cannot make a starting run fail with "lock held"."""
        path = self.root / LOCK_NAME
        try:
            st = path.stat()
            key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
            with open("/proc/locks", encoding="ascii") as fh:
                held = any(len(f) > 5 and f[1] == "FLOCK" and f[5] == key for f in map(str.split, fh))
        except OSError:
            return None
        if not held:
            return None
        return path.read_text(encoding="utf-8", errors="replace").strip() or "unknown"

    def unreadable(self) -> list[str]:
        """The committed version's Parquet files whose footer cannot be read (empty when all can)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        current = self.current()
        bad = []
        if current is not None:
            for path in sorted(current.glob("*/*.parquet")):
                try:
                    pq.read_metadata(path)
                except (OSError, pa.ArrowException) as exc:
                    bad.append(f"{path.relative_to(current)}: {exc}")
        return bad

    def manifest(self) -> dict[str, Any] | None:
        """The manifest of the run that made the committed version (``runs/<run_id>.json``), or None before
        the first commit."""
        current = self.current()
        if current is None:
            return None
        path = current / "runs" / f"{current.name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot read {path}: {exc}") from exc
        return data if isinstance(data, dict) else None

    def read_table(self, table: str) -> pd.DataFrame | None:
        """Read a committed table, or None when there is no committed version yet."""
        import pandas as pd
        import pyarrow as pa

        current = self.current()
        if current is None or not any((current / table).glob("*.parquet")):
            return None
        try:
            return pd.read_parquet(current / table)
        except (OSError, pa.ArrowException) as exc:
            raise StateError(f"cannot read {table} in {current}: {exc}") from exc
