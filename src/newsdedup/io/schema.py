"""Arrow schemas of the output tables, and the conversion of pandas frames to typed Arrow tables.

Every column has a fixed type (timestamps are UTC, lists are list<string>, ids are strings), so
``pd.read_parquet`` gives the same dtypes on every run. The README documents each column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ADDED_ARTICLE_COLUMNS",
    "ADDED_TOPIC_COLUMNS",
    "SCHEMAS",
    "SCHEMA_VERSION",
    "arrow_schema",
    "to_arrow",
]

SCHEMA_VERSION = "1"

#: Articles columns added after the first release, with how a part written without them is filled.
#: "has_body" is derived from body_chars, "language" identified from the text, "extra" is null (see
#: run/write_step.py).
ADDED_ARTICLE_COLUMNS = ("extra", "has_body", "language")

#: Topics columns added after the first release: null in a table written without them (api.load, the report,
#: and the next run, which gives such topics a theme when they gain articles).
ADDED_TOPIC_COLUMNS = ("theme_id",)

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("article_id", pa.string()),
            ("input", pa.string()),
            ("record", pa.int64()),
            ("source", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("author", pa.string()),
            ("published_at", _TS),
            ("published_raw", pa.string()),
            ("published_tz_assumed", pa.bool_()),
            ("location", pa.string()),
            ("summary", _STRS),
            ("body", pa.string()),
            ("body_chars", pa.int64()),
            ("encoding", pa.string()),
            ("removed_kinds", _STRS),
            ("removed_lines", _STRS),
            ("content_hash", pa.string()),
            ("dup_group_id", pa.string()),
            ("canonical_id", pa.string()),
            ("is_canonical", pa.bool_()),
            ("dup_similarity", pa.float64()),
            ("dup_method", pa.string()),
            ("canonical_reason", pa.string()),
            ("topic_id", pa.string()),
            ("version", pa.int64()),
            ("run_id", pa.string()),
            # filled by parsing, like the columns before content_hash (staged with them)
            ("extra", pa.string()),
            ("has_body", pa.bool_()),
            ("language", pa.string()),
        ]
    ),
    "topics": pa.schema(
        [
            ("topic_id", pa.string()),
            ("label", pa.string()),
            ("keywords", _STRS),
            ("size", pa.int64()),
            ("n_sources", pa.int64()),
            ("representative_id", pa.string()),
            ("first_published", _TS),
            ("last_published", _TS),
            ("run_id", pa.string()),
            # added with themes: null in a topics table written before them (see ADDED_TOPIC_COLUMNS)
            ("theme_id", pa.string()),
        ]
    ),
    "themes": pa.schema(
        [
            ("theme_id", pa.string()),
            ("label", pa.string()),
            ("keywords", _STRS),
            ("n_topics", pa.int64()),
            ("n_articles", pa.int64()),
            ("language", pa.string()),
            ("first_published", _TS),
            ("last_published", _TS),
            ("run_id", pa.string()),
        ]
    ),
    "duplicates": pa.schema(
        [
            ("article_id", pa.string()),
            ("canonical_id", pa.string()),
            ("dup_group_id", pa.string()),
            ("similarity", pa.float64()),
            ("estimated_similarity", pa.float64()),
            ("method", pa.string()),
            ("run_id", pa.string()),
        ]
    ),
    "rejects": pa.schema(
        [
            ("input", pa.string()),
            ("record", pa.int64()),
            ("reason", pa.string()),
            ("detail", pa.string()),
            ("run_id", pa.string()),
        ]
    ),
}


def to_arrow(name: str, df: pd.DataFrame, metadata: Mapping[str, Any] | None = None) -> pa.Table:
    """Convert ``df`` to the fixed schema of table ``name``, with newsdedup metadata attached.

    Missing columns raise KeyError (a programming error); extra columns are dropped.
    """
    import pandas as pd  # here: the schemas alone (a run with nothing new) need no pandas

    schema = SCHEMAS[name]
    frame = pd.DataFrame(index=range(len(df)))
    for fld in schema:
        col = df[fld.name].reset_index(drop=True) if len(df) else pd.Series([], dtype=object)
        if pa.types.is_timestamp(fld.type):
            frame[fld.name] = pd.to_datetime(col, utc=True).astype("datetime64[us, UTC]")
        elif pa.types.is_list(fld.type):
            frame[fld.name] = pd.Series([list(v) if v is not None else [] for v in col], dtype=object)
        elif pa.types.is_integer(fld.type):
            # nullable integers survive the round trip as pandas Int64, not float64
            frame[fld.name] = pd.Series(col.tolist(), dtype="Int64")
        else:
            frame[fld.name] = col
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta.update({b"newsdedup.schema_version": SCHEMA_VERSION.encode(), b"newsdedup.table": name.encode()})
    for key, value in (metadata or {}).items():
        meta[f"newsdedup.{key}".encode()] = json.dumps(value, default=str, sort_keys=True).encode()
    return table.replace_schema_metadata(meta)


def arrow_schema(name: str, metadata: Mapping[str, Any] | None = None) -> pa.Schema:
    """The schema :func:`to_arrow` gives table ``name`` (pandas dtypes and newsdedup metadata included), for
    writers that build the table part by part."""
    import pandas as pd

    empty = pd.DataFrame({f.name: pd.Series([], dtype=object) for f in SCHEMAS[name]})
    return to_arrow(name, empty, metadata).schema
