"""Input discovery and record reading: the only module that reads input files.

`discover` turns the paths given on the command line (files, folders, globs) into a sorted list of
`InputFile`s plus a list of `Skipped` paths. `read_file` streams one file into `RawRecord`s and
`Reject`s (every record seen becomes exactly one of them); `read_all` does that for a run and rejects
ids seen earlier in the run. Bad content never raises: it becomes a `Reject` with a reason code.

Line ends: every text field emitted here has CRLF and lone CR normalised to "\\n".
Blank lines in .jsonl files are not records and are not counted. A zero-byte file of any format gives
one `Reject(reason="empty", record=None)`.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import glob
import gzip
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson
import xxhash

from newsdedup.errors import InputError
from newsdedup.model import InputFile, RawRecord, Reject, Skipped
from newsdedup.text.encoding import FALLBACK_ERRORS, DecodeFailure, decode_bytes

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "REJECT_REASONS",
    "SKIP_REASONS",
    "InputFile",
    "RawRecord",
    "Reject",
    "Skipped",
    "digest_or_none",
    "discover",
    "file_digest",
    "jsonl_spans",
    "read_all",
    "read_file",
    "reject_duplicate_ids",
]


DEFAULT_MAX_ARTICLE_BYTES = 5_000_000

REJECT_REASONS: frozenset[str] = frozenset(
    {
        "empty",
        "binary",
        "too_large",
        "undecodable",
        "malformed_json",
        "not_an_object",
        "wrong_type",
        "missing_text",
        "duplicate_id",
        "truncated",
        "malformed_csv",
        "unreadable",
    }
)
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

# Longest suffix first, so ".jsonl.gz" wins over ".gz".
_FORMATS: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".csv.gz", "csv"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".parquet", "parquet"),
    (".json", "json"),
    (".txt", "txt"),
)
_PUBLISHED_KEYS = ("published_at", "date", "published")
_USED_COLUMNS = ("id", "title", "body", "text", *_PUBLISHED_KEYS, "author", "source", "url")
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_DIGEST_BLOCK = 1 << 20
_PARQUET_BATCH_ROWS = 256
# `"\x00" in text` walks a 2-byte-per-character string one character at a time (CPython's memchr shortcut
# does not apply to a zero byte); the regex scan is faster on such text (1.4 vs 2.0 us per JSONL article).
_NUL = re.compile("\x00")


# --------------------------------------------------------------------------------------------- discovery


def _format_of(name: str) -> str | None:
    lower = name.lower()
    for suffix, fmt in _FORMATS:
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
        self._seen_files: set[str] = set()
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
        if path in self._seen_files:
            return
        self._seen_files.add(path)
        name = os.path.basename(path)
        root_abs, root_path = self._root(root)
        # a walked file's path starts with its root: cutting the prefix is relpath without its cost (a
        # tenth of a millisecond per file, most of discovery over tens of thousands of files)
        if os.sep == "/" and path.startswith(root_abs) and path[len(root_abs) : len(root_abs) + 1] == "/":
            rel = path[len(root_abs) + 1 :]
        else:
            rel = _rel(path, root)
        if name.startswith(".") and not explicit:
            self.skipped.append(Skipped(rel, "hidden"))
            return
        fmt = _format_of(name)
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


def discover(paths: Sequence[str | Path]) -> tuple[list[InputFile], list[Skipped]]:
    """List the input files under `paths` (files, folders walked recursively, or globs with `**`).

    Returns (files sorted by (rel, path), skipped paths sorted by (path, reason)). Raises InputError for a
    path that does not exist or a glob that matches nothing.
    """
    found = _Discovery()
    for given in paths:
        p = os.fspath(given)
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


def file_digest(path: str | Path, size: int | None = None) -> str:
    """Return the xxh3_128 hex digest of a file's content.

    ``size``: the size the file is expected to have (from discovery). The first read asks for one byte more
    (at most 1 MB), so a small file of that size, nearly every article file, is read and hashed in one call;
    anything longer is read on in 1 MB blocks. Plain descriptor calls: over 20,000 small files this took
    0.12 s, against 0.18 s with a file object."""
    want = _DIGEST_BLOCK if size is None else min(size + 1, _DIGEST_BLOCK)
    fd = os.open(path, os.O_RDONLY)
    try:
        block = os.read(fd, want)
        # a short read of a regular file is its end
        more = os.read(fd, _DIGEST_BLOCK) if len(block) == want else b""
        if not more:
            return xxhash.xxh3_128_hexdigest(block)
        h = xxhash.xxh3_128(block)
        h.update(more)
        while block := os.read(fd, _DIGEST_BLOCK):
            h.update(block)
        return h.hexdigest()
    finally:
        os.close(fd)


def digest_or_none(path: str | Path, size: int | None = None) -> str | None:
    """:func:`file_digest`, or None when the file cannot be read (gone or unreadable since discovery: reading
    it then rejects it as "unreadable", and with no digest it is not recorded as processed)."""
    try:
        return file_digest(path, size)
    except OSError:
        return None


# --------------------------------------------------------------------------------------------- reading


def _nl(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _open_binary(f: InputFile) -> IO[bytes]:
    if f.path.lower().endswith(".gz"):
        return gzip.GzipFile(f.path, "rb")  # type: ignore[return-value]  # GzipFile is a binary IO
    return open(f.path, "rb")


def read_all(
    files: Sequence[InputFile], *, max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[RawRecord | Reject]:
    """Reads files in order and rejects duplicate ids across the whole run (first wins)."""
    return reject_duplicate_ids(
        item for f in files for item in read_file(f, max_article_bytes=max_article_bytes)
    )


def reject_duplicate_ids(items: Iterable[RawRecord | Reject]) -> Iterator[RawRecord | Reject]:
    """Pass items through, turning a record whose article_id was seen earlier in ``items`` into a
    ``duplicate_id`` reject (first wins). Engines that read files in parallel apply it in file order."""
    first_seen: dict[str, tuple[str, int | None]] = {}
    for item in items:
        if isinstance(item, RawRecord):
            where = first_seen.get(item.article_id)
            if where is not None:
                loc = where[0] if where[1] is None else f"{where[0]}:{where[1]}"
                yield Reject(
                    item.input, item.record, "duplicate_id", f"id {item.article_id!r} first seen in {loc}"
                )
                continue
            first_seen[item.article_id] = (item.input, item.record)
        yield item


def read_file(
    f: InputFile,
    *,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    span: tuple[int, int, int] | None = None,
    digests: dict[str, str | None] | None = None,
) -> Iterator[RawRecord | Reject]:
    """Stream one file's records; every record seen becomes exactly one RawRecord or Reject.

    ``span`` = (start byte, end byte, number of lines before start) reads only the lines that start in
    [start, end) of an uncompressed JSONL file (see :func:`jsonl_spans`), so one file can be read in parallel
    parts; line numbers stay those of the whole file. Never raises for bad content or I/O errors (those
    become Rejects).

    ``digests``: a whole file read at once (a .txt article) gets its :func:`file_digest` here, from the
    bytes read, under its path; other files are left out (see :func:`digest_or_none`).
    """
    if span is not None:
        yield from _read_jsonl(f, max_article_bytes, span)
        return
    if f.format == "txt":  # stats the open file itself: one system call less per (small) article file
        yield from _read_txt(f, max_article_bytes, digests)
        return
    readers: dict[str, Callable[[InputFile, int], Iterator[RawRecord | Reject]]] = {
        "txt": _read_txt,
        "jsonl": _read_jsonl,
        "json": _read_json,
        "csv": _read_csv,
        "parquet": _read_parquet,
    }
    try:
        size = os.stat(f.path).st_size
    except OSError as exc:
        yield Reject(f.rel, None, "unreadable", _os_detail(exc))
        return
    if size == 0:
        yield Reject(f.rel, None, "empty", "file is 0 bytes")
        return
    yield from readers[f.format](f, max_article_bytes)


def _os_detail(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def _read_txt(
    f: InputFile, max_bytes: int, digests: dict[str, str | None] | None = None
) -> Iterator[RawRecord | Reject]:
    try:
        # plain descriptor calls: a file object costs a few microseconds more per (small) article file
        fd = os.open(f.path, os.O_RDONLY)
        try:
            # Checked on the open file's size before reading, so a huge file is never loaded.
            size = os.fstat(fd).st_size
            if size == 0:
                yield Reject(f.rel, None, "empty", "file is 0 bytes")
                return
            if size > max_bytes:
                yield Reject(f.rel, None, "too_large", f"{size} bytes > max_article_bytes {max_bytes}")
                return
            # read(size + 1), not read(max_bytes + 1): Python allocates the whole request before reading,
            # which cost 15-45 us more per article file (measured). A file that grew after the stat is read
            # on, up to the limit.
            data = os.read(fd, size + 1)
            while size < len(data) <= max_bytes:
                more = os.read(fd, min(max_bytes + 1 - len(data), _DIGEST_BLOCK))
                if not more:
                    break
                data += more
        finally:
            os.close(fd)
    except OSError as exc:
        yield Reject(f.rel, None, "unreadable", _os_detail(exc))
        return
    if len(data) > max_bytes:  # the file grew after the stat
        yield Reject(f.rel, None, "too_large", f"more than max_article_bytes {max_bytes}")
        return
    if digests is not None:
        digests[f.path] = xxhash.xxh3_128_hexdigest(data)
    try:
        text, encoding = decode_bytes(data)
    except DecodeFailure as exc:
        yield Reject(f.rel, None, exc.reason, exc.detail)
        return
    if not text or text.isspace():  # (not text.strip(), which copies the text)
        yield Reject(f.rel, None, "empty", "whitespace only")
        return
    yield RawRecord(
        article_id=f.rel,
        input=f.rel,
        record=None,
        kind="raw",
        text=_nl(text),
        title=None,
        body=None,
        published=None,
        author=None,
        source=None,
        url=None,
        encoding=encoding,
        published_invalid=False,
    )


def _read_line(fh: IO[bytes], max_bytes: int) -> tuple[bytes, bool]:
    """Read one line of at most max_bytes; returns (line, too_long). The rest of a too-long line is skipped."""
    line = fh.readline(max_bytes + 1)
    if len(line) <= max_bytes or line.endswith(b"\n"):
        return line, False
    while True:  # discard the rest of the over-long line without holding it in memory
        rest = fh.readline(_DIGEST_BLOCK)
        if not rest or rest.endswith(b"\n"):
            return b"", True


def jsonl_spans(f: InputFile, target_bytes: int) -> list[tuple[int, int, int]] | None:
    """Split an uncompressed JSONL file into consecutive spans of about ``target_bytes`` that start at line
    starts: (start byte, end byte, lines before start) for :func:`read_file`. None when the file is small,
    compressed or unreadable (then it is read whole)."""
    if f.format != "jsonl" or f.path.lower().endswith(".gz") or f.size <= target_bytes:
        return None
    spans: list[tuple[int, int, int]] = []
    start = lines = 0
    try:
        with open(f.path, "rb") as fh:
            while start < f.size:
                fh.seek(start + target_bytes)
                fh.readline()  # to the next line start
                end = min(fh.tell(), f.size) if start + target_bytes < f.size else f.size
                spans.append((start, end, lines))
                fh.seek(start)
                remaining = end - start
                while remaining > 0:
                    block = fh.read(min(remaining, _DIGEST_BLOCK * 16))
                    if not block:
                        break
                    lines += block.count(b"\n")
                    remaining -= len(block)
                start = end
    except OSError:
        return None
    return spans


def _read_jsonl(
    f: InputFile, max_bytes: int, span: tuple[int, int, int] | None = None
) -> Iterator[RawRecord | Reject]:
    lineno = 0 if span is None else span[2]
    end = None if span is None else span[1]
    try:
        with _open_binary(f) as fh:
            if span is not None:
                fh.seek(span[0])
            while True:
                if end is not None and fh.tell() >= end:
                    return
                line, too_long = _read_line(fh, max_bytes)
                if not line and not too_long:
                    return
                lineno += 1
                if too_long:
                    yield Reject(
                        f.rel, lineno, "too_large", f"line longer than max_article_bytes {max_bytes}"
                    )
                    continue
                if line.isspace():  # (not line.strip(), which copies the line)
                    continue
                yield _jsonl_record(f, lineno, line, max_bytes)
    except _GZIP_ERRORS as exc:
        yield Reject(f.rel, lineno + 1, "truncated", f"{_os_detail(exc)} after {lineno} lines")
    except OSError as exc:
        yield Reject(f.rel, lineno + 1 if lineno else None, "unreadable", _os_detail(exc))


def _read_json(f: InputFile, max_bytes: int) -> Iterator[RawRecord | Reject]:
    """A .json file: one article object, or an array of them (record = 1-based position in the array).

    The whole file is parsed at once, so it is refused as too_large beyond ``max_bytes`` times the number
    of articles it could reasonably hold (64); big exports belong in JSONL, which streams.
    """
    try:
        size = os.stat(f.path).st_size
        if size > 64 * max_bytes:
            yield Reject(
                f.rel, None, "too_large", f"{size} bytes: a .json file over 64 x max_article_bytes; use JSONL"
            )
            return
        data = Path(f.path).read_bytes()
    except OSError as exc:
        yield Reject(f.rel, None, "unreadable", _os_detail(exc))
        return
    parsed = _decode_json(data, f.rel, None)
    if isinstance(parsed, Reject):
        yield parsed
        return
    obj, encoding = parsed
    if isinstance(obj, dict):
        record = _structured(obj, f.rel, 1, encoding, max_bytes)
        # a single-article file is named by its path, like a .txt article
        yield (
            dataclasses.replace(record, article_id=f.rel)
            if isinstance(record, RawRecord) and "id" not in obj
            else record
        )
        return
    if not isinstance(obj, list):
        yield Reject(
            f.rel, None, "not_an_object", f"JSON {type(obj).__name__}, expected an object or an array"
        )
        return
    for i, item in enumerate(obj, start=1):
        if isinstance(item, dict):
            yield _structured(item, f.rel, i, encoding, max_bytes)
        else:
            yield Reject(f.rel, i, "not_an_object", f"JSON {type(item).__name__}, expected an object")


def _decode_json(data: bytes, rel: str, recno: int | None) -> tuple[Any, str] | Reject:
    """Decode bytes and parse them as JSON: (value, encoding), or the Reject saying why not."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeFailure as exc:
        return Reject(rel, recno, exc.reason, exc.detail)
    try:
        # orjson is several times faster; anything it refuses (NaN, huge integers, lone surrogates, deep
        # nesting) is left to the standard library, so what is accepted does not change.
        return orjson.loads(text), encoding
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(text), encoding
    except (ValueError, RecursionError) as exc:
        return Reject(rel, recno, "malformed_json", f"{type(exc).__name__}: {exc}"[:200])


def _jsonl_record(f: InputFile, lineno: int, line: bytes, max_bytes: int) -> RawRecord | Reject:
    """One JSONL line (as read, with its line end) -> RawRecord or Reject."""
    # Fast path: orjson validates UTF-8 itself, and JSON allows no raw control bytes, so a line it parses
    # is exactly one that decode_bytes would call UTF-8. Anything else takes the careful path. The line end
    # is JSON whitespace, so orjson reads the line as is (no copy); the careful path strips it, so that
    # error positions in reject details stay on line 1.
    try:
        obj, encoding = orjson.loads(line), "utf-8"
    except (ValueError, RecursionError):
        parsed = _decode_json(line.rstrip(b"\r\n"), f.rel, lineno)
        if isinstance(parsed, Reject):
            return parsed
        obj, encoding = parsed
    if not isinstance(obj, dict):
        return Reject(f.rel, lineno, "not_an_object", f"JSON {type(obj).__name__}, expected an object")
    return _structured(obj, f.rel, lineno, encoding, max_bytes)


class _WrongType(Exception):
    pass


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    """A string field: None/missing/blank -> None; a list of strings is joined; other types raise _WrongType."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, list) and key == "author" and all(isinstance(v, str) for v in value):
        value = ", ".join(v.strip() for v in value if v.strip())
    if not isinstance(value, str):
        raise _WrongType(f"{key} is {type(value).__name__}, expected string")
    if "\r" in value:  # _nl inlined: this runs on every field of every record
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # not value.strip(): that copies the whole body only to test it for blankness
    return value if value and not value.isspace() else None


def _record_id(obj: dict[str, Any], fallback: str) -> str:
    value = obj.get("id")
    if value is None:
        return fallback
    if isinstance(value, bool):
        raise _WrongType("id is bool, expected string or integer")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # pandas writes integer ids with missing values as floats
    if isinstance(value, str):
        return value.strip() or fallback
    raise _WrongType(f"id is {type(value).__name__}, expected string or integer")


def _published(obj: dict[str, Any]) -> tuple[str | None, bool]:
    for key in _PUBLISHED_KEYS:
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            return (value.strip() or None), False
        if isinstance(value, dt.date):  # datetime is a date too; parquet timestamps arrive as datetime
            return value.isoformat(), False
        return None, True
    return None, False


def _structured(
    obj: dict[str, Any], rel: str, recno: int, encoding: str | None, max_bytes: int
) -> RawRecord | Reject:
    """Turn one JSON object / CSV row / parquet row into a RawRecord, or a Reject saying why not."""
    try:
        article_id = _record_id(obj, f"{rel}:{recno}")
        title = _opt_str(obj, "title")
        body_key = "body" if obj.get("body") is not None else "text"
        body = _opt_str(obj, body_key)
        if body is None and body_key == "body":
            body = _opt_str(obj, "text")  # an empty body with a filled text column
        author = _opt_str(obj, "author")
        source = _opt_str(obj, "source")
        url = _opt_str(obj, "url")
    except _WrongType as exc:
        return Reject(rel, recno, "wrong_type", str(exc))
    if body is None:
        return Reject(rel, recno, "missing_text", "no body or text, or it is blank")
    # 4 bytes per character at most: only encode when the article might be over the limit.
    if len(body) * 4 > max_bytes and len(body.encode("utf-8", errors="surrogatepass")) > max_bytes:
        return Reject(rel, recno, "too_large", f"body longer than max_article_bytes {max_bytes}")
    if _NUL.search(body):
        return Reject(rel, recno, "binary", "NUL character in body")
    published, published_invalid = _published(obj)
    return RawRecord(
        article_id=article_id,
        input=rel,
        record=recno,
        kind="structured",
        text=None,
        title=title,
        body=body,
        published=published,
        author=author,
        source=source,
        url=url,
        encoding=encoding,
        published_invalid=published_invalid,
    )


def _csv_encoding(f: InputFile) -> tuple[str, str]:
    """Return (codec, encoding label): UTF-8 if the whole (decompressed) file is valid UTF-8, else cp1252.

    A streaming pre-pass: CSV rows are yielded as they are read, so the encoding must be known before
    the first row (restarting mid-file on a decode error would emit rows twice). Costs a second read.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    bom = False
    try:
        with _open_binary(f) as fh:
            first = True
            while block := fh.read(_DIGEST_BLOCK):
                if first:
                    bom, first = block.startswith(codecs.BOM_UTF8), False
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", "cp1252"
    except (OSError, *_GZIP_ERRORS):
        pass  # the reading pass reports it at the right row
    return "utf-8-sig", ("utf-8-sig" if bom else "utf-8")


def _read_csv(f: InputFile, max_bytes: int) -> Iterator[RawRecord | Reject]:
    codec, encoding = _csv_encoding(f)
    # Process-wide setting; raised so an article up to max_bytes fits in one field.
    csv.field_size_limit(max(max_bytes, 131072))
    rowno = 0
    try:
        with _open_binary(f) as raw:
            # newline="" lets the csv module see quoted line breaks; cp1252 has five undefined bytes, read
            # as latin-1 by the fallback handler so a CSV never fails to decode.
            text = io.TextIOWrapper(raw, encoding=codec, errors=FALLBACK_ERRORS, newline="")
            reader = csv.reader(text)  # not DictReader: a row's field count is checked explicitly below
            try:
                header: list[str] = []
                while not header:  # blank lines before the header are not rows (as in csv.DictReader)
                    header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Reject(f.rel, None, "malformed_csv", f"header: {exc}")
                return
            fields = [h.strip().lower() for h in header]
            last_error_line = -1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    rowno += 1
                    reason = "too_large" if "field limit" in str(exc) else "malformed_csv"
                    yield Reject(f.rel, rowno, reason, f"line {reader.line_num}: {exc}")
                    if reader.line_num == last_error_line:  # no progress: stop rather than loop
                        return
                    last_error_line = reader.line_num
                    continue
                if not row:  # blank line, not a record (as csv.DictReader does)
                    continue
                rowno += 1
                if len(row) != len(fields):
                    yield Reject(
                        f.rel,
                        rowno,
                        "malformed_csv",
                        f"line {reader.line_num}: {len(row)} fields, header has {len(fields)}",
                    )
                    continue
                obj = dict(zip(fields, row, strict=True))
                yield _structured(obj, f.rel, rowno, encoding, max_bytes)
    except _GZIP_ERRORS as exc:
        yield Reject(f.rel, rowno + 1, "truncated", f"{_os_detail(exc)} after {rowno} rows")
    except OSError as exc:
        yield Reject(f.rel, rowno + 1 if rowno else None, "unreadable", _os_detail(exc))


def _read_parquet(f: InputFile, max_bytes: int) -> Iterator[RawRecord | Reject]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rowno = 0
    try:
        pf = pq.ParquetFile(f.path)
        names = set(pf.schema_arrow.names)
        columns = [c for c in _USED_COLUMNS if c in names]
        if not columns:
            # No usable column: still one reject per row, so the rows are counted.
            for _ in range(pf.metadata.num_rows):
                rowno += 1
                yield Reject(f.rel, rowno, "missing_text", "no body or text column")
            return
        for batch in pf.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns):
            for obj in batch.to_pylist():
                rowno += 1
                yield _structured(obj, f.rel, rowno, None, max_bytes)
    except (OSError, pa.ArrowException) as exc:
        yield Reject(f.rel, rowno + 1 if rowno else None, "unreadable", _os_detail(exc)[:300])
