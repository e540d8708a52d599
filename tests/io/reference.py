"""A plain reference for reader tests: read a run's files in order and reject repeated ids, first wins.

The production rule lives in `newsdedup.run.stream.Collector.add` (which also rejects ids processed by an
earlier run); this copy lets reader tests see a whole run's outcomes, with the same reject detail, without
running the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from newsdedup.io.readers import DEFAULT_MAX_ARTICLE_BYTES, read_file
from newsdedup.model import InputFile, RawRecord, Reject


def read_all(
    files: Sequence[InputFile], *, max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[RawRecord | Reject]:
    """Read files in order and reject duplicate ids across the whole run (first wins)."""
    return reject_duplicate_ids(
        item for f in files for item in read_file(f, max_article_bytes=max_article_bytes)
    )


def reject_duplicate_ids(items: Iterable[RawRecord | Reject]) -> Iterator[RawRecord | Reject]:
    """Pass items through, turning a record whose article_id was seen earlier into a ``duplicate_id`` reject."""
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
