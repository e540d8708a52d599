"""Plain data passed between the layers (an input file, a raw record, a reject, a parsed article) and the
shape of the ``map_fn`` through which the run layer lends the pure stages its threads.

Frozen dataclasses with slots and no behaviour; the layers that make them (``io`` for the first three,
``text`` for the parsed article) and the layers that consume them import them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

__all__ = ["InputFile", "MapFn", "ParsedArticle", "RawRecord", "Reject", "Skipped", "serial_map"]


class MapFn(Protocol):
    """How a pure stage runs independent pieces of work: ``map_fn(fn, items)`` returns
    ``[fn(item) for item in items]`` in order. The stages take one as an argument; only the run layer makes
    parallel ones (threads), so the stages themselves never start a thread or a process."""

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]: ...


def serial_map(fn: Callable[[Any], Any], items: Sequence[Any], /) -> list[Any]:
    """The default :class:`MapFn`: one item after another, in this thread."""
    return [fn(item) for item in items]


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file to read."""

    # absolute; a str, not a Path: building a Path per file was a third of discovery over 20,000 files
    path: str
    rel: str  # relative to its input root, "/" separated
    root: Path
    format: str  # "txt" | "jsonl" | "json" | "csv" | "parquet"
    size: int


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
    kind: str  # "raw" | "structured"
    text: str | None  # for kind == "raw"
    title: str | None
    body: str | None
    published: str | None
    author: str | None
    source: str | None
    url: str | None
    encoding: str | None
    published_invalid: bool  # a published value was present but of the wrong type
    has_id: bool = True  # False: the record had no id and article_id is "<input>:<record>" for now
    summary: str | None = None  # a mapped summary field (structured records)
    location: str | None = None  # a mapped location field (structured records)
    extra: str | None = None  # the record's unmapped top-level keys as a JSON object (structured records)


@dataclass(frozen=True, slots=True)
class Reject:
    """One record (or whole file, record None) that cannot be used, with a reason from REJECT_REASONS."""

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
