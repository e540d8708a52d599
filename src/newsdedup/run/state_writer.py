"""The next state, written by the write step: the retained history (its rows with signatures, and its text
file) and the input ledger.

The history keeps the previous history's retained rows (canonical changes applied), then the run's retained
articles, in that order in both files. The text file depends on nothing that dedup or clustering decide, so
it is written on a thread of its own while they run (:func:`write_history_text`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.incremental import Retention, apply_canonical_changes
from newsdedup.io.staging import SketchFiles, staged_rows
from newsdedup.io.state import (
    LEDGER_COLUMNS,
    META_COLUMNS,
    TEXT_COLUMNS,
    TEXT_SCHEMA,
    history_schema,
    history_table,
    history_write_options,
    ledger_table,
)
from newsdedup.io.store import Staging
from newsdedup.model import InputFile
from newsdedup.run.context import RunContext
from newsdedup.run.parallel import check_stop

__all__ = ["new_ledger", "write_history_text", "write_state"]

_HISTORY_BATCH = 65_536  # history rows per written batch


def write_state(
    ctx: RunContext,
    staging: Staging,
    articles: pd.DataFrame,
    signatures: SketchFiles,
    kept: Retention,
    changes: dict[str, str],
    ledger: pd.DataFrame,
) -> None:
    """History rows (retained articles with signatures, groups and topics; their text is written by
    :func:`write_history_text`) and the input ledger (the earlier runs' rows, then ``ledger``)."""
    params = ctx.config.dedup
    schema = history_schema(params)
    seen_at = ctx.seen_at

    def tables() -> Iterator[pa.Table]:
        yield from _kept_history(ctx, kept.keep_old, changes)
        for lo in range(0, len(articles), _HISTORY_BATCH):
            hi = min(lo + _HISTORY_BATCH, len(articles))
            k = kept.keep_new[lo:hi]
            sl = articles.iloc[lo:hi][k]
            sigs = signatures.signature_rows(lo, hi)[k]
            frame = sl[["article_id", "published_at", "source", "content_hash", "dup_group_id"]].assign(
                language=sl.get("language", "und"),
                seen_at=seen_at,
                body_len=sl["body_chars"],
                canonical_id=sl["canonical_id"],
                is_canonical=sl["is_canonical"],
                topic_id=sl["topic_id"],
            )
            yield history_table(frame, sigs, params)

    staging.write_table_stream("state", "history", schema, tables(), **history_write_options(schema))
    earlier = ctx.state.ledger
    joined = pd.concat([earlier, ledger], ignore_index=True) if len(earlier) else ledger
    staging.write_table("state", "ledger", ledger_table(joined))


def new_ledger(files: Sequence[InputFile], digests: dict[str, str | None], run_id: str) -> pd.DataFrame:
    """This run's inputs for the ledger; a file that could not be read has no digest and is left out, so
    the next run tries it again."""
    read = [f for f in files if digests.get(f.path) is not None]
    return pd.DataFrame(
        {
            "xxh3_128": [digests[f.path] for f in read],
            "path": [f.path for f in read],
            "rel": [f.rel for f in read],
            "root": [str(f.root) for f in read],
            "format": [f.format for f in read],
            "size": [f.size for f in read],
            "run_id": run_id,
            "fingerprint": [f.fingerprint for f in read],
        },
        columns=LEDGER_COLUMNS,
    )


def _kept_history(ctx: RunContext, keep: np.ndarray, changes: dict[str, str]) -> Iterator[pa.Table]:
    """The previous history rows at ``keep``, canonical changes applied, batch by batch from its file."""
    state = ctx.state
    for batch, lo, k in _kept_batches(state.history_path, META_COLUMNS, keep):
        frame = apply_canonical_changes(batch.to_pandas()[k].reset_index(drop=True), changes)
        sigs = state.signatures[lo : lo + batch.num_rows][k]
        yield history_table(frame, sigs, ctx.config.dedup)


def write_history_text(
    ctx: RunContext,
    staging: Staging,
    parts: Sequence[tuple[str, np.ndarray]],
    kept: Retention,
    stop: threading.Event,
) -> None:
    """The history's text file: the retained earlier rows, then the retained new articles (the order of
    the history file), read from the previous file and the staging files. Runs on a thread beside the
    dedup and cluster steps; ``stop`` set by the main thread ends it early."""

    def tables() -> Iterator[pa.Table]:
        for batch, _, k in _kept_batches(ctx.state.text_path, TEXT_COLUMNS, kept.keep_old):
            check_stop(stop)
            yield pa.Table.from_batches([batch]).filter(pa.array(k))
        lo = 0
        for staged in staged_rows(parts, TEXT_COLUMNS):
            check_stop(stop)
            hi = lo + staged.num_rows
            k = kept.keep_new[lo:hi]
            yield staged if k.all() else staged.filter(pa.array(k))
            lo = hi

    staging.write_table_stream("state", "history_text", TEXT_SCHEMA, tables())


def _kept_batches(
    path: Path | None, columns: Sequence[str], keep: np.ndarray
) -> Iterator[tuple[pa.RecordBatch, int, np.ndarray]]:
    """(batch, its first row, its rows' part of ``keep``) for the batches of a previous state file that keep
    any row; nothing when there is no file or nothing is kept."""
    if path is None or not keep.any():
        return
    lo = 0
    pf = pq.ParquetFile(path)
    present = set(pf.schema_arrow.names)  # an earlier version's file may lack later columns (language)
    for batch in pf.iter_batches(batch_size=_HISTORY_BATCH, columns=[c for c in columns if c in present]):
        k = keep[lo : lo + batch.num_rows]
        if k.any():
            yield batch, lo, k
        lo += batch.num_rows
