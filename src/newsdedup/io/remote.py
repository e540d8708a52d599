"""Inputs on remote storage (``s3://``, ``gs://``, ``http(s)://``, any fsspec URL) and the one opener every
reader uses.

A remote input is listed and globbed through fsspec (imported only when a URL is given, so plain local paths
pay nothing) and becomes an :class:`~newsdedup.model.InputFile` whose ``path`` is its full URL and whose
``fs`` is the fsspec filesystem (picklable: a worker process opens the file itself and reads only the byte
ranges it needs). ``file://`` URLs are plain local paths. Outputs stay local: the commit relies on rename and
symlinks, which object stores do not have (:func:`check_output_location`).
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from newsdedup.errors import ConfigError, InputError, UnsupportedOutputError
from newsdedup.model import InputFile

__all__ = [
    "REMOTE_BLOCK",
    "check_output_location",
    "fingerprint",
    "is_remote",
    "list_remote",
    "local_path",
    "open_input",
    "remote_filesystem",
    "remote_info",
]

# A scheme of two characters or more (so a Windows drive "C:/" is not one); "s3:/" is what Path() leaves of
# "s3://", caught too so a URL that went through Path is not taken for a local folder.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")
_GLOB_MAGIC = re.compile(r"[*?\[]")

REMOTE_BLOCK = 4 * 1024 * 1024  # bytes per range request when a remote file is read in order

# storage option names whose values are secrets: never written to a manifest
_SECRET_WORDS = ("key", "secret", "token", "password", "credential", "session")


def url_scheme(path: str) -> str | None:
    """The URL scheme of ``path`` ("s3", "file", ...), lower case, or None for a plain path."""
    m = _SCHEME.match(path)
    return m.group(1).lower() if m else None


def is_remote(path: str) -> bool:
    """True for a URL that fsspec must open (any scheme but ``file``)."""
    scheme = url_scheme(path)
    return scheme is not None and scheme != "file"


def local_path(path: str) -> str:
    """A ``file://`` URL as a plain path (other paths unchanged)."""
    if url_scheme(path) == "file":
        rest = path.split(":", 1)[1]
        return "/" + rest.lstrip("/") if rest.startswith("//") or rest.startswith("/") else rest
    return path


def redact_storage_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The storage options with secret values (keys, tokens, passwords) replaced by "***", for manifests."""
    out: dict[str, Any] = {}
    for k, v in options.items():
        if isinstance(v, Mapping):
            out[k] = redact_storage_options(v)
        elif any(w in k.lower() for w in _SECRET_WORDS) and v is not None:
            out[k] = "***"
        else:
            out[k] = v
    return out


def remote_filesystem(url: str, storage_options: Mapping[str, Any] | None = None) -> tuple[Any, str]:
    """(fsspec filesystem, path within it) for ``url``; raises InputError when the scheme is unknown or its
    filesystem package is not installed (``pip install 'newsdedup[remote]'`` gives s3fs)."""
    try:
        import fsspec.core
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        raise InputError("remote inputs need fsspec: pip install 'newsdedup[remote]'") from exc
    try:
        return fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except ImportError as exc:
        raise InputError(
            f"cannot open {url}: {exc}; remote inputs need pip install 'newsdedup[remote]'"
        ) from exc
    except ValueError as exc:
        raise InputError(f"cannot open {url}: {exc}") from exc
    except TypeError as exc:
        raise ConfigError(f"input.storage_options do not suit {url}: {exc}") from exc


def remote_info(
    url: str, storage_options: Mapping[str, Any] | None = None
) -> tuple[Any, dict[str, Any]] | None:
    """(filesystem, listing info) of one remote file as it is now, or None when it is gone or unreachable."""
    try:
        fs, path = remote_filesystem(url, storage_options)
        return fs, fs.info(path)
    except (OSError, InputError):
        return None


def fingerprint(info: Mapping[str, Any]) -> str | None:
    """What identifies one version of a remote object without reading it: its ETag (S3, HTTP), MD5 or
    generation (GCS), else its modification time; None when the store gives none of them."""
    for key in ("ETag", "etag", "md5Hash", "generation", "Content-MD5", "LastModified", "mtime", "updated"):
        value = info.get(key)
        if value is not None and value != "":
            return f"{key}:{value}".replace('"', "")
    return None


def _rel(name: str, root: str) -> str:
    if root and name.startswith(root.rstrip("/") + "/"):
        return name[len(root.rstrip("/")) + 1 :]
    return name.rsplit("/", 1)[-1]


def _glob_root(path: str) -> str:
    """The leading folders of a glob pattern that have no magic characters."""
    fixed: list[str] = []
    for part in path.split("/"):
        if _GLOB_MAGIC.search(part):
            break
        fixed.append(part)
    return "/".join(fixed)


def list_remote(
    url: str, storage_options: Mapping[str, Any] | None = None
) -> Iterator[tuple[Any, str, str, str, dict[str, Any]]]:
    """The files under a remote ``url`` (a file, a folder/prefix listed recursively, or a glob):
    (filesystem, full URL, rel, root URL, listing info) per file, in name order. Raises InputError when
    nothing is there or the store cannot be listed."""
    fs, path = remote_filesystem(url, storage_options)
    fs.invalidate_cache()  # a filesystem instance is shared (fsspec caches it): list what is there now
    try:
        if _GLOB_MAGIC.search(path):
            root = _glob_root(path)
            matched = fs.glob(path, detail=True)
            if not matched:
                raise InputError(f"input glob matches nothing: {url}")
            entries: dict[str, dict[str, Any]] = {}
            for name, info in matched.items():
                if info.get("type") == "directory":
                    entries.update(fs.find(name, detail=True))
                else:
                    entries[name] = info
        else:
            info = fs.info(path)
            if info.get("type") == "directory":
                root = path.rstrip("/")
                entries = fs.find(path, detail=True)
            else:
                root = path.rsplit("/", 1)[0] if "/" in path.rstrip("/") else ""
                entries = {info.get("name", path): info}
    except FileNotFoundError as exc:
        raise InputError(f"input path does not exist: {url}") from exc
    except OSError as exc:
        raise InputError(f"cannot list {url}: {exc}") from exc
    root_url = fs.unstrip_protocol(root) if root else url
    for name in sorted(entries):
        info = entries[name]
        if info.get("type", "file") != "file":
            continue
        yield fs, fs.unstrip_protocol(name), _rel(name, root), root_url, info


def open_input(f: InputFile, expect: int | None = None, *, decompress: bool = True) -> IO[bytes]:
    """Open an input file for reading bytes, decompressing it when its name ends in .gz (unless
    ``decompress`` is False: a WARC reader finds the gzip members itself): a local file
    directly, a remote one through its fsspec filesystem with range requests of REMOTE_BLOCK bytes (seek
    then read fetches only the bytes asked for, not the whole object). ``expect``: about how many bytes
    the caller will read (a span), so a request does not fetch much beyond them. Every reader opens
    files here."""
    gz = decompress and f.path.lower().endswith(".gz")
    if f.fs is None:
        if gz:
            return gzip.GzipFile(f.path, "rb")  # type: ignore[return-value]  # GzipFile is a binary IO
        return open(f.path, "rb")
    # a miss fetches what was asked plus one block: an eighth of a span keeps the bytes fetched past its
    # end (to finish its last line) to about an eighth, in a few requests
    block = REMOTE_BLOCK if expect is None else max(1 << 16, min(REMOTE_BLOCK, expect // 8))
    # the listed size saves a HEAD request per file
    sized = {"size": f.size} if f.size >= 0 else {}
    raw = f.fs.open(f.path, "rb", block_size=block, cache_type="readahead", **sized)
    if gz:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    # fsspec's file objects take no size in readline(); a buffered reader over them gives the full API
    return io.BufferedReader(raw, buffer_size=min(REMOTE_BLOCK, 1 << 16))


def check_output_location(output: str | Path) -> Path:
    """The output folder as a local Path; raises UnsupportedOutputError for a remote URL (``s3://...``):
    the commit relies on atomic rename and symlinks, which object stores do not have."""
    text = str(output)
    if is_remote(text):
        raise UnsupportedOutputError(
            f"--output {text}: outputs must be on a local (or mounted) filesystem, because each run commits "
            "by renaming a version folder into _versions/ and switching the _current symlink. Write to a "
            "local folder OUT, then copy it after the run, e.g. `aws s3 sync OUT s3://bucket/out` (or "
            "`gsutil -m rsync -r OUT gs://bucket/out`), keeping the _versions/<run_id>/ layout; sync tools "
            "copy the _current and table symlinks as the files they point to, so readers of the copy "
            "should read articles/, topics/, ... (or _versions/<run_id>/). Keep OUT itself for the next "
            "run: it holds the state that makes runs incremental"
        )
    return Path(local_path(text))
