"""What persists between scheduled runs: the input ledger and the retained article history.

Both live in the ``state`` table of the committed version, so they are committed atomically with the output
tables. ``history.parquet`` keeps, for articles within the retention period, what later runs need to relate
new articles to old ones: the MinHash signature (with scheme, seed and num_perm in the file metadata), the
matching text for exact verification of candidate pairs, the duplicate group, canonical and topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.dedup import DedupParams
from newsdedup.errors import StateError

__all__ = [
    "HISTORY_COLUMNS",
    "LAZY_COLUMNS",
    "LEDGER_COLUMNS",
    "State",
    "check_compatible",
    "history_schema",
    "history_table",
    "ledger_table",
    "load_ledger",
    "load_state",
    "read_rows",
    "signature_params",
]

LEDGER_FILE = "ledger.parquet"
HISTORY_FILE = "history.parquet"

LEDGER_COLUMNS = ["xxh3_128", "path", "rel", "root", "format", "size", "run_id"]
HISTORY_COLUMNS = [
    "article_id",
    "published_at",
    "seen_at",
    "body_len",
    "source",
    "title",
    "match_text",
    "content_hash",
    "dup_group_id",
    "canonical_id",
    "is_canonical",
    "topic_id",
]

# Read on demand, for the few history rows a run relates to: they are most of the state's bytes.
LAZY_COLUMNS = ("title", "match_text")

_LEDGER_SCHEMA = pa.schema(
    [
        ("xxh3_128", pa.string()),
        ("path", pa.string()),
        ("rel", pa.string()),
        ("root", pa.string()),
        ("format", pa.string()),
        ("size", pa.int64()),
        ("run_id", pa.string()),
    ]
)


def signature_params(params: DedupParams) -> dict[str, Any]:
    """The parameters that make two signatures comparable; persisted with every signature file."""
    return {
        "scheme": params.scheme,
        "seed": params.seed,
        "num_perm": params.num_perm,
        "shingle": params.shingle,
        "shingle_size": params.shingle_size,
    }


def check_compatible(stored: dict[str, Any], params: DedupParams, where: str) -> None:
    """Refuse to mix signatures made with other MinHash or shingling parameters."""
    wanted = signature_params(params)
    diff = {k: (stored.get(k), v) for k, v in wanted.items() if stored.get(k) != v}
    if diff:
        detail = ", ".join(f"{k}: state has {a!r}, config has {b!r}" for k, (a, b) in diff.items())
        raise StateError(
            f"the retained state in {where} was built with other MinHash parameters ({detail}); "
            "restore the old [dedup] settings, or start a new output folder (newsdedup run --full-refresh "
            "--output NEW_DIR ...)"
        )


@dataclass
class State:
    """The previous run's ledger and retained history (empty on a first run)."""

    ledger: pd.DataFrame
    history: pd.DataFrame  # HISTORY_COLUMNS without the LAZY_COLUMNS (read on demand by history_values)
    signatures: np.ndarray  # (len(history), num_perm), rows aligned with history
    known_ids: set[str] = field(default_factory=set)  # every article_id in the committed articles table
    history_path: Path | None = None

    def history_values(self, column: str, rows: np.ndarray) -> list[Any]:
        """Values of a history column (e.g. the matching text) at row positions ``rows``, in that order,
        read row group by row group so only the rows asked for are held."""
        return read_rows(self.history_path, column, rows) if self.history_path is not None else []

    @classmethod
    def empty(cls, params: DedupParams) -> State:
        dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
        return cls(
            ledger=pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS}),
            history=pd.DataFrame({c: pd.Series(dtype=object) for c in HISTORY_COLUMNS}),
            signatures=np.zeros((0, params.num_perm), dtype=dtype),
        )


def load_ledger(version: Path | None) -> pd.DataFrame:
    """The inputs recorded by a committed version (empty before the first run); all a full refresh needs."""
    path = version / "state" / LEDGER_FILE if version is not None else None
    if path is None or not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS})
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise StateError(
            f"the input ledger {path} is unreadable ({exc}); rebuild from the original inputs"
        ) from exc


def load_state(version: Path | None, params: DedupParams) -> State:
    """Read the state of a committed version folder; raises StateError when it is corrupt or incompatible."""
    if version is None:
        return State.empty(params)
    state_dir = version / "state"
    ledger_path, history_path = state_dir / LEDGER_FILE, state_dir / HISTORY_FILE
    if not ledger_path.exists() and not history_path.exists():
        return State.empty(params)
    ledger = load_ledger(version)
    try:
        schema = pq.read_schema(history_path)
        table = pq.read_table(history_path, columns=[c for c in schema.names if c not in LAZY_COLUMNS])
        ids_table = pq.read_table(version / "articles", columns=["article_id"])
    except (OSError, pa.ArrowException) as exc:
        raise StateError(
            f"state in {state_dir} is unreadable ({exc}); recover with `newsdedup run --full-refresh` into a "
            "new output folder, or restore the output folder from a backup"
        ) from exc
    meta = schema.metadata or {}
    try:
        stored = json.loads(meta[b"newsdedup.signature_params"])
    except (KeyError, ValueError) as exc:
        raise StateError(
            f"{history_path} has no signature parameters; it was not written by newsdedup"
        ) from exc
    check_compatible(stored, params, str(state_dir))
    sig_col = table.column("signature").combine_chunks()
    history = table.drop_columns(["signature"]).to_pandas()
    dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
    flat = np.asarray(sig_col.flatten().to_numpy(zero_copy_only=False), dtype=dtype)
    signatures = (
        flat.reshape(len(history), params.num_perm) if len(history) else flat.reshape(0, params.num_perm)
    )
    known = set(ids_table.column("article_id").to_pylist())
    return State(
        ledger=ledger, history=history, signatures=signatures, known_ids=known, history_path=history_path
    )


def read_rows(path: Path, column: str, rows: np.ndarray) -> list[Any]:
    """Values of ``column`` at row positions ``rows`` (any order) of a Parquet file, reading only the row
    groups that hold them."""
    out: list[Any] = [None] * len(rows)
    if not len(rows):
        return out
    pf = pq.ParquetFile(path)
    order = np.argsort(rows, kind="stable")
    sorted_rows = np.asarray(rows)[order]
    lo = 0
    for g in range(pf.metadata.num_row_groups):
        hi = lo + pf.metadata.row_group(g).num_rows
        a, b = np.searchsorted(sorted_rows, [lo, hi])
        if b > a:
            col = pf.read_row_group(g, columns=[column]).column(0)
            vals = col.take(pa.array(sorted_rows[a:b] - lo)).to_pylist()
            for k, v in zip(order[a:b].tolist(), vals, strict=True):
                out[k] = v
        lo = hi
    return out


def ledger_table(ledger: pd.DataFrame) -> pa.Table:
    """The ledger as a typed Arrow table."""
    frame = ledger[LEDGER_COLUMNS].copy()
    frame["size"] = frame["size"].astype("int64")
    return pa.Table.from_pandas(frame, schema=_LEDGER_SCHEMA, preserve_index=False)


def history_table(history: pd.DataFrame, signatures: np.ndarray, params: DedupParams) -> pa.Table:
    """The retained history with signatures as a typed Arrow table; signature parameters in its metadata."""
    value_type = pa.uint64() if signatures.dtype == np.uint64 else pa.uint32()
    n = len(history)
    sig = pa.FixedSizeListArray.from_arrays(
        pa.array(signatures.reshape(-1), type=value_type), params.num_perm
    )
    ts = pa.timestamp("us", tz="UTC")
    cols = {
        "article_id": pa.array(history["article_id"].astype(str).tolist(), pa.string()),
        "published_at": pa.array(
            pd.to_datetime(history["published_at"], utc=True).astype("datetime64[us, UTC]"), ts
        ),
        "seen_at": pa.array(pd.to_datetime(history["seen_at"], utc=True).astype("datetime64[us, UTC]"), ts),
        "body_len": pa.array(history["body_len"].astype("int64").tolist(), pa.int64()),
        "source": pa.array(history["source"].tolist(), pa.string(), from_pandas=True),
        "title": pa.array(history["title"].tolist(), pa.string(), from_pandas=True),
        "match_text": pa.array(history["match_text"].astype(str).tolist(), pa.string()),
        "content_hash": pa.array(history["content_hash"].astype(str).tolist(), pa.string()),
        "dup_group_id": pa.array(history["dup_group_id"].astype(str).tolist(), pa.string()),
        "canonical_id": pa.array(history["canonical_id"].astype(str).tolist(), pa.string()),
        "is_canonical": pa.array(history["is_canonical"].astype(bool).tolist(), pa.bool_()),
        "topic_id": pa.array(history["topic_id"].astype(str).tolist(), pa.string()),
        "signature": sig if n else pa.array([], type=pa.list_(value_type, params.num_perm)),
    }
    table = pa.table(cols)
    meta = {b"newsdedup.signature_params": json.dumps(signature_params(params), sort_keys=True).encode()}
    return table.replace_schema_metadata(meta)


def history_schema(params: DedupParams) -> pa.Schema:
    """The schema (with metadata) :func:`history_table` gives, for writing the history part by part."""
    dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in HISTORY_COLUMNS})
    return history_table(empty, np.zeros((0, params.num_perm), dtype=dtype), params).schema
