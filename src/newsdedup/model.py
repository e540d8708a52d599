"""Plain data passed between the layers (an input file, a raw record, a reject, a parsed article), the
shape of the ``map_fn`` through which the run layer lends the pure stages its threads, and of the
``progress`` callback through which the stages report how far they are.

Frozen dataclasses with slots and no behaviour; the layers that make them (``io`` for the first three,
``text`` for the parsed article) and the layers that consume them import them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "InputFile",
    "MapFn",
    "ParsedArticle",
    "ProgressFn",
    "RawRecord",
    "Reject",
    "Skipped",
    "map_with_progress",
    "no_progress",
    "serial_map",
]


class MapFn(Protocol):
    """How a pure stage runs independent pieces of work: ``map_fn(fn, items)`` returns
    ``[fn(item) for item in items]`` in order. The stages take one as an argument; only the run layer makes
    parallel ones (threads), so the stages themselves never start a thread or a process."""

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]: ...


def serial_map(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
    """The default :class:`MapFn`: one item after another, in this thread."""
    return [fn(item) for item in items]


class ProgressFn(Protocol):
    """How a pure stage reports progress: ``progress(step, done, total)`` adds ``done`` finished units
    (documents, rows, pairs) to ``step`` and ``total`` to the units it has to do. Both are increments, so
    pieces of work that finish in other threads may report on their own; the run layer's receiver adds
    them up (and shows them on a terminal). The default, :func:`no_progress`, does nothing."""

    def __call__(self, step: str, done: int, total: int, /) -> None: ...


def no_progress(step: str, done: int, total: int, /) -> None:
    """The default :class:`ProgressFn`: reports nothing."""


def _units(item: Any) -> int:
    """How many units a piece of work holds: rows of a slice, a ``(start, stop)`` pair, a range or an
    array of indices; else 1."""
    if isinstance(item, slice):
        return max(0, (item.stop or 0) - (item.start or 0))
    if isinstance(item, tuple) and len(item) == 2 and all(isinstance(v, int) for v in item):
        return max(0, item[1] - item[0])
    if isinstance(item, range) or (hasattr(item, "__len__") and hasattr(item, "dtype")):
        return len(item)
    return 1


def map_with_progress(map_fn: MapFn, progress: ProgressFn, step: str) -> MapFn:
    """``map_fn`` that reports to ``progress`` under ``step``: the units of all items when a map starts,
    and each item's units when it finishes (see :func:`_units`). The results are ``map_fn``'s."""
    if progress is no_progress:
        return map_fn

    def mapped(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
        progress(step, 0, sum(_units(item) for item in items))

        def one(item: Any) -> Any:
            out = fn(item)
            progress(step, _units(item), 0)
            return out

        return map_fn(one, items)

    return mapped


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file to read."""

    # absolute; a str, not a Path: building a Path per file was a third of discovery over 20,000 files
    path: str  # a remote input's full URL ("s3://bucket/key")
    rel: str  # relative to its input root, "/" separated
    root: Path | str  # a remote input's root is its URL (a str)
    format: str  # "txt" | "jsonl" | "json" | "csv" | "parquet" | "html" | "warc" | "feed"
    size: int
    # a remote input's fsspec filesystem (picklable; None for a local file) and what identifies the version
    # listed (ETag, ...), which lets a later run know an unchanged object without reading it
    fs: Any = field(default=None, repr=False, compare=False)
    fingerprint: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path found under the inputs but not read; `path` is relative to its input root like `InputFile.rel`."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One usable record: a whole raw-layout article (kind "raw") or already split fields ("structured")."""

    article_id: str
    input: str  # InputFile.rel
    record: int | None  # line/row number, None for .txt
    kind: str  # "raw" | "structured" | "html"
    text: str | None  # for kind == "raw" and "html"
    title: str | None
    body: str | None
    published: str | None
    author: str | None
    source: str | None
    url: str | None
    encoding: str | None
    published_invalid: bool  # a published value was present but of the wrong type
    has_id: bool = True  # False: the record had no id and article_id is "<input>:<record>" for now
    # kind "html": text is a whole HTML page, parsed by the text layer; url its address when known (WARC)
    language_hint: str | None = None  # a language the input declares (a feed's <language>), BCP 47
    summary: str | None = None  # a mapped summary field (structured records)
    location: str | None = None  # a mapped location field (structured records)
    extra: str | None = None  # the record's unmapped top-level keys as a JSON object (structured records)


@dataclass(frozen=True, slots=True)
class Reject:
    """One record (or whole file, record None) that cannot be used, with a reason from REJECT_REASONS; or,
    with a reason from RECORD_SKIP_REASONS, one that is no article (a WARC request record ...), skipped."""

    input: str
    record: int | None
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """The fields recovered from one article; ``body`` paragraphs are separated by a blank line.

    ``removed`` kinds: the `classify_line` kinds (share, copyright, credit, related, advertisement, subscribe,
    image, tags, navigation) plus "header" (outlet/section/kicker lines), "standfirst", "footer" (a trailing
    outlet-name line) and "learned" (added by `strip_learned`).
    """

    title: str | None
    author: str | None
    published_at: datetime | None  # tz-aware, UTC
    published_raw: str | None  # timestamp text as found, without a "Published:" prefix
    published_tz_assumed: bool  # True when the text had no zone and default_tz was applied
    location: str | None  # dateline place, e.g. "BRUSSELS, Belgium" / "LONDON"
    summary: tuple[str, ...]  # bullet lines, bullet marker stripped
    body: str
    source: str | None  # outlet found in a title suffix ("Headline | Outlet"), else None
    removed: dict[str, int] = field(default_factory=dict)  # boilerplate kind -> lines removed
    removed_lines: tuple[str, ...] = ()
    url: str | None = None  # the page's canonical URL (HTML pages), preferred over the record's
    language_hint: str | None = None  # a language the input declares (<html lang>), BCP 47 as written
