"""Input discovery: the paths given on the command line (files, folders, globs) -> the input files to read.

`discover` returns a sorted list of `InputFile`s (each with its format, taken from its name) and a sorted
list of `Skipped` paths, each with a reason from SKIP_REASONS. Nothing here reads a file's content.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from newsdedup.errors import InputError
from newsdedup.io.remote import fingerprint, is_remote, list_remote, local_path
from newsdedup.model import InputFile, Skipped

__all__ = ["FORMATS", "SKIP_REASONS", "discover", "format_of"]

SKIP_REASONS: frozenset[str] = frozenset(
    {
        "unsupported_extension",
        "hidden",
        "already_visited",
        "broken_symlink",
        "not_a_regular_file",
        "unreadable",
    }
)

# File name suffix -> format, longest suffix first, so ".jsonl.gz" wins over ".gz".
FORMATS: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".csv.gz", "csv"),
    (".html.gz", "html"),
    (".htm.gz", "html"),
    (".warc.gz", "warc"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".parquet", "parquet"),
    (".json", "json"),
    (".txt", "txt"),
    (".html", "html"),
    (".htm", "html"),
    (".warc", "warc"),
    (".xml", "feed"),
    (".rss", "feed"),
    (".atom", "feed"),
)


def format_of(name: str) -> str | None:
    """The format of a file by its name (see FORMATS), or None when it is not an input format."""
    lower = name.lower()
    for suffix, fmt in FORMATS:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return fmt
    return None


def _rel(path: str, root: str) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


class _Discovery:
    """Accumulates files and skipped paths across all inputs; each file is listed once (first wins)."""

    def __init__(self) -> None:
        self.files: list[InputFile] = []
        self.skipped: list[Skipped] = []
        self.seen_files: set[str] = set()
        self._seen_dirs: set[tuple[int, int]] = set()
        self._roots: dict[str, tuple[str, Path]] = {}  # root as given -> (absolute, as a Path)

    def _root(self, root: str) -> tuple[str, Path]:
        got = self._roots.get(root)
        if got is None:
            absolute = os.path.abspath(root)
            got = self._roots[root] = (absolute, Path(absolute))
        return got

    def add_file(self, path: str, root: str, *, explicit: bool = False, normalized: bool = False) -> None:
        """Add one file; ``normalized``: ``path`` is absolute and normalised already (from a walk)."""
        if not normalized:
            path = os.path.abspath(path)
        if path in self.seen_files:
            return
        self.seen_files.add(path)
        name = os.path.basename(path)
        root_abs, root_path = self._root(root)
        # a walked file's path starts with its root: cutting the prefix gives relpath's answer without its
        # cost, which would otherwise dominate discovery over many files
        if os.sep == "/" and path.startswith(root_abs) and path[len(root_abs) : len(root_abs) + 1] == "/":
            rel = path[len(root_abs) + 1 :]
        else:
            rel = _rel(path, root)
        if name.startswith(".") and not explicit:
            self.skipped.append(Skipped(rel, "hidden"))
            return
        fmt = format_of(name)
        if fmt is None:
            self.skipped.append(Skipped(rel, "unsupported_extension"))
            return
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self.skipped.append(Skipped(rel, "broken_symlink"))
            return
        except OSError:
            self.skipped.append(Skipped(rel, "unreadable"))
            return
        if not stat.S_ISREG(st.st_mode):
            self.skipped.append(Skipped(rel, "not_a_regular_file"))
            return
        self.files.append(InputFile(path, rel, root_path, fmt, st.st_size))

    def add_dir(self, top: str, root: str) -> None:
        """Walk `top` and add its files, following symlinked folders but walking each real folder once.

        The real tree is walked first and symlinked folders afterwards (breadth-first, by name), so a
        file reachable both directly and through a link gets the id of its direct path, and a symlink
        loop ends at the first folder seen again.
        """
        try:
            st = os.stat(top)
        except OSError:
            self.skipped.append(Skipped(_rel(top, root), "unreadable"))
            return
        if (st.st_dev, st.st_ino) in self._seen_dirs:
            return  # e.g. a `**` glob that matched both a folder and its subfolders
        top = os.path.abspath(top)  # so the walk's paths are absolute and normalised

        def on_error(exc: OSError) -> None:
            where = exc.filename if isinstance(exc.filename, str) else top
            self.skipped.append(Skipped(_rel(where, root), "unreadable"))

        pending = [top]
        while pending:
            start = pending.pop(0)
            for dirpath, dirnames, filenames in os.walk(start, onerror=on_error, followlinks=False):
                try:
                    st = os.stat(dirpath)
                except OSError:
                    self.skipped.append(Skipped(_rel(dirpath, root), "unreadable"))
                    dirnames.clear()
                    continue
                key = (st.st_dev, st.st_ino)
                if key in self._seen_dirs:
                    # A symlink loop or a second link to a folder already walked: walking it again
                    # would never end (loop) or list the same files under other ids.
                    self.skipped.append(Skipped(_rel(dirpath, root), "already_visited"))
                    dirnames.clear()
                    continue
                self._seen_dirs.add(key)
                for d in sorted(dirnames):
                    full = os.path.join(dirpath, d)
                    if d.startswith("."):
                        self.skipped.append(Skipped(_rel(full, root), "hidden"))
                        dirnames.remove(d)
                    elif os.path.islink(full):
                        pending.append(full)
                        dirnames.remove(d)
                dirnames.sort()
                for name in sorted(filenames):
                    self.add_file(os.path.join(dirpath, name), root, normalized=True)


def _glob_root(pattern: str) -> str:
    """The leading folder of a glob pattern that has no magic characters ("." if none)."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return os.path.join(*fixed) if fixed else "."


def _add_remote(found: _Discovery, url: str, storage_options: Mapping[str, Any] | None) -> None:
    """Add the files under a remote URL (a file, a prefix listed recursively, or a glob), by the rules of
    local ones: hidden names (a part of the path under the root starting with ".") and other formats are
    skipped; the listed size and version fingerprint come from the listing, nothing is read."""
    for fs, full, rel, root, info in list_remote(url, storage_options):
        if full in found.seen_files:
            continue
        found.seen_files.add(full)
        name = rel.rsplit("/", 1)[-1]
        if any(part.startswith(".") for part in rel.split("/")):
            found.skipped.append(Skipped(rel, "hidden"))
            continue
        fmt = format_of(name)
        if fmt is None:
            found.skipped.append(Skipped(rel, "unsupported_extension"))
            continue
        size = info.get("size")
        found.files.append(
            InputFile(full, rel, root, fmt, int(size) if size is not None else -1, fs, fingerprint(info))
        )


def discover(
    paths: Sequence[str | Path], storage_options: Mapping[str, Any] | None = None
) -> tuple[list[InputFile], list[Skipped]]:
    """List the input files under `paths` (files, folders walked recursively, or globs with `**`; local
    paths, ``file://`` URLs, or remote URLs such as ``s3://bucket/prefix/`` opened through fsspec with
    ``storage_options``).

    Returns (files sorted by (rel, path), skipped paths sorted by (path, reason)). Raises InputError for a
    path that does not exist or a glob that matches nothing.
    """
    found = _Discovery()
    for given in paths:
        p = os.fspath(given)
        if is_remote(p):
            _add_remote(found, p, storage_options)
            continue
        p = local_path(p)
        if os.path.isdir(p):
            found.add_dir(p, p)
        elif os.path.lexists(p) and not os.path.exists(p):
            raise InputError(f"input path is a broken symlink: {p}")
        elif os.path.exists(p):
            found.add_file(p, os.path.dirname(os.path.abspath(p)), explicit=True)
        elif glob.has_magic(p):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                raise InputError(f"input glob matches nothing: {p}")
            root = _glob_root(p)
            for m in matches:
                if os.path.isdir(m):
                    found.add_dir(m, root)
                else:
                    found.add_file(m, root)
        else:
            raise InputError(f"input path does not exist: {p}")
    files = sorted(found.files, key=lambda f: (f.rel, f.path))
    skipped = sorted(found.skipped, key=lambda s: (s.path, s.reason))
    return files, skipped
