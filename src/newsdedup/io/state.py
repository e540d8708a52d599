"""What persists between scheduled runs: the input ledger and the retained article history.

Both live in the ``state`` table of the committed version, so they are committed atomically with the output
tables. ``history.parquet`` keeps, for articles within the retention period, what later runs need to relate
new articles to old ones: the MinHash signature (with scheme, seed and num_perm in the file metadata), the
duplicate group, canonical and topic. ``history_text.parquet`` holds their titles and matching texts (for
exact verification of candidate pairs and for clustering), row for row: most of the state's bytes, read
only for the rows a run relates to, and written while the run clusters, since nothing in it depends on that.
``themes.parquet`` keeps every theme's centroid (its heaviest terms as words, with their weights), which new
stories are compared with (:mod:`newsdedup.incremental.themes`); absent from states written before themes.
States written before the split keep the text columns in ``history.parquet``; they are read from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.errors import StateError
from newsdedup.io.idindex import IdIndex
from newsdedup.params import DedupParams

if TYPE_CHECKING:
    import pandas as pd

    from newsdedup.cluster.themes import Centroids

__all__ = [
    "HISTORY_COLUMNS",
    "HISTORY_TEXT_FILE",
    "LAZY_COLUMNS",
    "LEDGER_COLUMNS",
    "META_COLUMNS",
    "TEXT_COLUMNS",
    "TEXT_SCHEMA",
    "State",
    "check_compatible",
    "history_schema",
    "history_table",
    "history_write_options",
    "ledger_table",
    "load_ledger",
    "load_state",
    "load_themes",
    "read_ledger",
    "read_rows",
    "signature_params",
    "themes_table",
]

LEDGER_FILE = "ledger.parquet"
HISTORY_FILE = "history.parquet"
HISTORY_TEXT_FILE = "history_text.parquet"
THEMES_FILE = "themes.parquet"
_THEMES_SCHEMA = pa.schema(
    [
        ("theme_id", pa.string()),
        ("language", pa.string()),
        ("weight", pa.float64()),
        ("day", pa.float64()),
        ("terms", pa.list_(pa.string())),
        ("values", pa.list_(pa.float32())),
    ]
)

# fingerprint: a remote input's listed version (ETag, ...), null for a local file; absent from ledgers
# written before remote inputs (filled with nulls when read)
LEDGER_COLUMNS = ["xxh3_128", "path", "rel", "root", "format", "size", "run_id", "fingerprint"]
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
    "language",  # absent from states written before languages were recorded: read as "und"
]

# Read on demand, for the few history rows a run relates to: they are most of the state's bytes. They are
# kept in their own file (HISTORY_TEXT_FILE), with the article id.
LAZY_COLUMNS = ("title", "match_text")
TEXT_COLUMNS = ["article_id", *LAZY_COLUMNS]
# The columns of HISTORY_FILE, besides the signature.
META_COLUMNS = [c for c in HISTORY_COLUMNS if c not in LAZY_COLUMNS]
TEXT_SCHEMA = pa.schema([(c, pa.string()) for c in TEXT_COLUMNS])

_LEDGER_SCHEMA = pa.schema(
    [
        ("xxh3_128", pa.string()),
        ("path", pa.string()),
        ("rel", pa.string()),
        ("root", pa.string()),
        ("format", pa.string()),
        ("size", pa.int64()),
        ("run_id", pa.string()),
        ("fingerprint", pa.string()),
    ]
)


def signature_params(params: DedupParams) -> dict[str, Any]:
    """The parameters that make two signatures comparable; persisted with every signature file.

    ``shingling`` records how each kind of text was shingled: "spaced" (scripts with spaces between words)
    and "dense" (Chinese, Japanese, Thai, ...: texts with at least ``dense_share`` of their characters in
    those scripts), each as "<kind>:<size>", with the word-equivalent rule of dense texts."""
    from newsdedup.dedup.sketches import DENSE_CHARS_PER_WORD, DENSE_LANGUAGES, DENSE_SHARE

    dense = (
        f"{params.shingle}:{params.shingle_size}"
        if params.dense_shingle == "same"
        else f"{params.dense_shingle}:{params.dense_shingle_size}"
    )
    return {
        "scheme": params.scheme,
        "seed": params.seed,
        "num_perm": params.num_perm,
        "shingle": params.shingle,
        "shingle_size": params.shingle_size,
        "shingling": {
            "spaced": f"{params.shingle}:{params.shingle_size}",
            "dense": dense,
            "dense_languages": list(DENSE_LANGUAGES),
            "dense_share": DENSE_SHARE if params.dense_shingle != "same" else None,
            "dense_chars_per_word": DENSE_CHARS_PER_WORD if params.dense_shingle != "same" else None,
        },
    }


# Written by versions before per-script shingling, which shingled every text as ``shingle`` says: their
# English (and other spaced-script) signatures are the same as now, so such a state is accepted; its few
# dense-script texts are shingled again from their matching text whenever a run verifies them.
_OPTIONAL = ("shingling",)


def check_compatible(stored: dict[str, Any], params: DedupParams, where: str) -> None:
    """Refuse to mix signatures made with other MinHash or shingling parameters."""
    wanted = signature_params(params)
    diff = {
        k: (stored.get(k), v)
        for k, v in wanted.items()
        if stored.get(k) != v and not (k in _OPTIONAL and k not in stored)
    }
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
    history: pd.DataFrame  # META_COLUMNS (the LAZY_COLUMNS are read on demand by history_values)
    signatures: np.ndarray  # (len(history), num_perm), rows aligned with history
    ids: IdIndex = field(default_factory=IdIndex.empty)  # every article id the output holds
    history_path: Path | None = None
    text_path: Path | None = None  # the file with TEXT_COLUMNS (history_path itself in older states)
    themes: Centroids = field(default_factory=lambda: _centroids().empty())  # every theme's centroid

    def history_values(self, column: str, rows: np.ndarray) -> list[Any]:
        """Values of a text column of the history (title, match_text) at row positions ``rows``, in that
        order, read row group by row group so only the rows asked for are held."""
        if self.text_path is None:
            return [None] * len(rows)
        try:
            return read_rows(self.text_path, column, rows)
        except (OSError, pa.ArrowException) as exc:
            raise StateError(_unreadable(self.text_path.parent, exc)) from exc

    @classmethod
    def empty(cls, params: DedupParams) -> State:
        import pandas as pd

        dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
        return cls(
            ledger=pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS}),
            history=pd.DataFrame({c: pd.Series(dtype=object) for c in META_COLUMNS}),
            signatures=np.zeros((0, params.num_perm), dtype=dtype),
        )


def read_ledger(version: Path | None) -> pa.Table | None:
    """The ledger table of a committed version as stored (None before the first run), without pandas: a
    run that finds nothing new needs only this."""
    path = version / "state" / LEDGER_FILE if version is not None else None
    if path is None or not path.exists():
        return None
    try:
        with pq.ParquetFile(path) as f:  # not pq.read_table: its dataset layer imports pandas
            return f.read()
    except (OSError, pa.ArrowException) as exc:
        raise StateError(
            f"the input ledger {path} is unreadable ({exc}); rebuild from the original inputs"
        ) from exc


def load_ledger(version: Path | None) -> pd.DataFrame:
    """The inputs recorded by a committed version (empty before the first run); all a full refresh needs."""
    import pandas as pd

    table = read_ledger(version)
    if table is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS})
    ledger = table.to_pandas()
    for column in LEDGER_COLUMNS:  # a ledger written by an earlier version lacks the newer columns
        if column not in ledger.columns:
            ledger[column] = None
    return ledger


def load_state(version: Path | None, params: DedupParams) -> State:
    """Read the state of a committed version folder; raises StateError when it is corrupt or incompatible."""
    if version is None:
        return State.empty(params)
    state_dir = version / "state"
    ledger_path, history_path = state_dir / LEDGER_FILE, state_dir / HISTORY_FILE
    if not ledger_path.exists() and not history_path.exists():
        return State.empty(params)
    ledger = load_ledger(version)
    text_path = state_dir / HISTORY_TEXT_FILE
    if not text_path.exists():  # written before the text columns had a file of their own
        text_path = history_path
    try:
        schema = pq.read_schema(history_path)
        table = pq.read_table(history_path, columns=[c for c in schema.names if c not in LAZY_COLUMNS])
        text_rows = pq.ParquetFile(text_path).metadata.num_rows
        missing = [c for c in TEXT_COLUMNS if c not in pq.read_schema(text_path).names]
    except (OSError, pa.ArrowException) as exc:
        raise StateError(_unreadable(state_dir, exc)) from exc
    if missing or text_rows != table.num_rows:
        problem = f"no column {missing[0]!r}" if missing else f"{text_rows} rows for {table.num_rows}"
        raise StateError(_unreadable(state_dir, f"{text_path.name} has {problem}"))
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
    if "language" not in history:  # a state written before languages were recorded
        history["language"] = "und"
    dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
    flat = np.asarray(sig_col.flatten().to_numpy(zero_copy_only=False), dtype=dtype)
    signatures = (
        flat.reshape(len(history), params.num_perm) if len(history) else flat.reshape(0, params.num_perm)
    )
    try:
        ids = (
            IdIndex.load(state_dir)
            if IdIndex.exists(state_dir)
            else IdIndex.from_articles(version / "articles")
        )
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise StateError(_unreadable(state_dir, exc)) from exc
    return State(
        ledger=ledger,
        history=history,
        signatures=signatures,
        ids=ids,
        history_path=history_path,
        text_path=text_path,
        themes=load_themes(state_dir),
    )


def load_themes(state_dir: Path) -> Centroids:
    """The theme centroids kept in ``state_dir`` (none in a state written before themes)."""
    centroids = _centroids()
    path = state_dir / THEMES_FILE
    if not path.exists():
        return centroids.empty()
    try:
        t = pq.read_table(path).to_pydict()
    except (OSError, pa.ArrowException) as exc:
        raise StateError(_unreadable(state_dir, exc)) from exc
    return centroids.from_terms(t["theme_id"], t["terms"], t["values"], t["language"], t["weight"], t["day"])


def _centroids() -> type[Centroids]:
    """The theme centroids' class, imported when a state is made or read: the clustering modules it lives
    with are not loaded by a run that finds nothing new."""
    from newsdedup.cluster.themes import Centroids

    return Centroids


def themes_table(c: Centroids) -> pa.Table:
    """Theme centroids as the typed Arrow table of ``themes.parquet`` (a row's terms heaviest first)."""
    rows = [c.row_terms(i) for i in range(len(c))]
    return pa.table(
        {
            "theme_id": pa.array([str(t) for t in c.ids.tolist()], pa.string()),
            "language": pa.array(c.language, pa.string()),
            "weight": pa.array(c.weight, pa.float64()),
            "day": pa.array(c.day, pa.float64()),
            "terms": pa.array([r[0] for r in rows], pa.list_(pa.string())),
            "values": pa.array([r[1] for r in rows], pa.list_(pa.float32())),
        },
        schema=_THEMES_SCHEMA,
    )


def _unreadable(state_dir: Path, why: object) -> str:
    return (
        f"state in {state_dir} is unreadable ({why}); recover with `newsdedup run --full-refresh` into a "
        "new output folder, or restore the output folder from a backup"
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
    """History rows (META_COLUMNS of ``history``) with their signatures as a typed Arrow table; the signature
    parameters in its metadata. Built column by column, without per-row Python objects: the carried-over
    rows of every run and the new ones both come through here."""
    value_type = pa.uint64() if signatures.dtype == np.uint64 else pa.uint32()
    n = len(history)
    ts = pa.timestamp("us", tz="UTC")

    def strings(name: str) -> pa.Array:
        return pa.array(history[name], pa.string(), from_pandas=True)

    def times(name: str) -> pa.Array:
        import pandas as pd

        return pa.array(pd.to_datetime(history[name], utc=True).astype("datetime64[us, UTC]"), ts)

    cols = {
        "article_id": strings("article_id"),
        "published_at": times("published_at"),
        "seen_at": times("seen_at"),
        "body_len": pa.array(history["body_len"].astype("int64"), pa.int64()),
        "source": strings("source"),
        "content_hash": strings("content_hash"),
        "dup_group_id": strings("dup_group_id"),
        "canonical_id": strings("canonical_id"),
        "is_canonical": pa.array(history["is_canonical"].astype(bool), pa.bool_()),
        "topic_id": strings("topic_id"),
        "language": strings("language") if "language" in history else pa.array(["und"] * n, pa.string()),
        "signature": pa.FixedSizeListArray.from_arrays(
            pa.array(np.ascontiguousarray(signatures).reshape(-1), type=value_type), params.num_perm
        )
        if n
        else pa.array([], type=pa.list_(value_type, params.num_perm)),
    }
    table = pa.table(cols)
    meta = {b"newsdedup.signature_params": json.dumps(signature_params(params), sort_keys=True).encode()}
    return table.replace_schema_metadata(meta)


def history_write_options(schema: pa.Schema) -> dict[str, Any]:
    """Parquet writer options for the history: the signature column is random numbers, so it is written
    plainly (no dictionary, no compression: both cost time and gain nothing on it)."""
    names = [f.name for f in schema]
    return {
        "compression": {n: ("none" if n == "signature" else "zstd") for n in names},
        "use_dictionary": [n for n in names if n != "signature"],
    }


def history_schema(params: DedupParams) -> pa.Schema:
    """The schema (with metadata) :func:`history_table` gives, for writing the history part by part."""
    dtype = np.uint64 if params.scheme in ("affine64", "legacy") else np.uint32
    import pandas as pd

    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in META_COLUMNS})
    return history_table(empty, np.zeros((0, params.num_perm), dtype=dtype), params).schema
