"""The Parquet reader: one article per row, read in small batches of the columns the record rules use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

from newsdedup.io.readers.base import open_input, os_detail
from newsdedup.io.readers.fields import DEFAULT_PLAN, FieldPlan, plan_for_columns
from newsdedup.io.readers.records import structured_record
from newsdedup.model import InputFile, RawRecord, Reject

__all__ = ["read_parquet"]

_BATCH_ROWS = 256


def read_parquet(
    f: InputFile, max_bytes: int, plan: FieldPlan = DEFAULT_PLAN
) -> Iterator[RawRecord | Reject]:
    """A Parquet file's rows (record = row number); a file that cannot be read is one "unreadable" reject.
    Every column is read: the unmapped ones go to ``extra``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rowno = 0
    try:
        # a remote file is read through a file object: pyarrow asks for the footer and the column chunks only
        with nullcontext(f.path) if f.fs is None else open_input(f) as source:
            pf = pq.ParquetFile(source)
            plan = plan_for_columns(plan, pf.schema_arrow.names, fold_case=False)  # once per file
            if not (plan.body or plan.title):
                # No usable column: still one reject per row, so the rows are counted.
                for _ in range(pf.metadata.num_rows):
                    rowno += 1
                    yield Reject(f.rel, rowno, "missing_text", "no body, text or title column")
                return
            for batch in pf.iter_batches(batch_size=_BATCH_ROWS):
                for obj in batch.to_pylist():
                    rowno += 1
                    yield structured_record(obj, f.rel, rowno, None, max_bytes, plan)
    except (OSError, pa.ArrowException) as exc:
        yield Reject(f.rel, rowno + 1 if rowno else None, "unreadable", os_detail(exc)[:300])
