"""Read what the report shows from an output folder: the current version's tables, its run manifests, the
latest run's outcome and the retained matching texts; write the report. The only module of the report that
touches files.

When ``newsdedup.load(output_dir)`` (the public API) exists, :func:`load_output` can take its tables from
there; the manifests, the latest outcome and the retained texts stay read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.config import config_from_dict
from newsdedup.errors import ConfigError, InputError, StateError
from newsdedup.incremental import DUP_COLUMNS
from newsdedup.io.schema import SCHEMAS
from newsdedup.io.store import OutputStore
from newsdedup.params import DedupParams

__all__ = [
    "ARTICLE_COLUMNS",
    "OutputData",
    "load_output",
    "read_bodies",
    "read_match_texts",
]

# Everything of the articles table but the bodies: those are read for the few articles the report shows.
ARTICLE_COLUMNS = (
    "article_id",
    "source",
    "url",
    "title",
    "published_at",
    "body_chars",
    *DUP_COLUMNS,
    "topic_id",
    "run_id",
)


@dataclass
class OutputData:
    """The tables and records of one output folder the report is computed from."""

    output: Path
    version: str
    folder: Path
    articles: pd.DataFrame
    topics: pd.DataFrame
    duplicates: pd.DataFrame
    rejects: pd.DataFrame
    manifests: list[dict[str, Any]] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    params: DedupParams = field(default_factory=DedupParams)
    themes: pd.DataFrame = field(default_factory=lambda: _empty("themes"))


def _empty(name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    names = columns or tuple(f.name for f in SCHEMAS[name])
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in names})


def _read(folder: Path, name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    path = folder / name
    if not any(path.glob("*.parquet")):
        return _empty(name, columns)
    have = set(pq.read_schema(next(iter(sorted(path.glob("*.parquet"))))).names)
    wanted = [c for c in (columns or tuple(f.name for f in SCHEMAS[name])) if c in have]
    try:
        return pd.read_parquet(path, columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        raise StateError(f"cannot read {name} in {folder}: {exc}") from exc


def _manifests(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((folder / "runs").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot read run manifest {path}: {exc}") from exc
        if isinstance(data, dict):
            out.append(data)
    return sorted(out, key=lambda m: str(m.get("run_id", "")))


def _params(manifests: list[dict[str, Any]]) -> DedupParams:
    """The dedup parameters of the latest run (the defaults when it recorded none the config accepts)."""
    if not manifests:
        return DedupParams()
    try:
        return config_from_dict({"dedup": manifests[-1].get("config", {}).get("dedup", {})}).dedup
    except ConfigError:
        return DedupParams()


def load_output(output: Path) -> OutputData:
    """The current version of ``output``: its tables (articles without bodies) and run manifests."""
    if not output.is_dir():
        raise InputError(f"no such output folder: {output}")
    store = OutputStore(output)
    current = store.current()
    if current is None:
        raise InputError(f"{output} has no committed run yet: nothing to report")
    manifests = _manifests(current)
    return OutputData(
        output=output,
        version=current.name,
        folder=current,
        articles=_read(current, "articles", ARTICLE_COLUMNS),
        topics=_read(current, "topics"),
        duplicates=_read(current, "duplicates"),
        rejects=_read(current, "rejects"),
        manifests=manifests,
        last_run=store.last_run(),
        params=_params(manifests),
        themes=_read(current, "themes"),
    )


def read_match_texts(data: OutputData, ids: list[str]) -> pd.DataFrame:
    """The retained matching texts (``state/history_text.parquet``: the articles of the retention window)
    of the articles ``ids``, as article_id and match_text; none when the version has no such file."""
    path = data.folder / "state" / "history_text.parquet"
    if not ids or not path.exists():
        return pd.DataFrame(
            {"article_id": pd.Series([], dtype=object), "match_text": pd.Series([], dtype=object)}
        )
    try:
        return pd.read_parquet(
            path, columns=["article_id", "match_text"], filters=[("article_id", "in", sorted(ids))]
        )
    except (OSError, pa.ArrowException) as exc:
        raise StateError(f"cannot read {path}: {exc}") from exc


def read_bodies(data: OutputData, ids: list[str]) -> dict[str, str]:
    """The bodies of the articles ``ids`` (those the report shows side by side), from the same version."""
    if not ids:
        return {}
    path = data.folder / "articles"
    frame = pd.read_parquet(path, columns=["article_id", "body"], filters=[("article_id", "in", sorted(ids))])
    return {
        str(a): str(b) if isinstance(b, str) else ""
        for a, b in zip(frame["article_id"], frame["body"], strict=True)
    }
