"""Records held in memory (a data frame, dicts) -> one JSONL file the job's JSONL reader reads back.

The library's :func:`newsdedup.process` runs the real job on records a caller holds, through this file: one
JSON object a line, timestamps as ISO 8601 (with their offset when they have one), missing values as null.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

__all__ = ["as_records", "json_value", "write_jsonl"]


def as_records(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """The rows of a data frame (columns as keys), or the mappings of an iterable, one at a time."""
    if isinstance(data, pd.DataFrame):
        columns = [str(c) for c in data.columns]
        return (dict(zip(columns, row, strict=True)) for row in data.itertuples(index=False, name=None))
    return data


def json_value(value: Any) -> Any:
    """A JSON-ready form of a value pandas or numpy hands out (NaN/NaT/None -> None)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return json_value(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.ndarray | tuple):
        return [json_value(v) for v in value.tolist()] if isinstance(value, np.ndarray) else list(value)
    return value


def write_jsonl(records: Iterable[Mapping[str, Any]], path: str | Path) -> int:
    """Write ``records`` to ``path`` as JSONL (temp name, then rename); returns how many were written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    n = 0
    with open(tmp, "wb") as fh:
        for rec in records:
            row = {str(k): json_value(v) for k, v in rec.items()}
            fh.write(orjson.dumps(row, default=json_value, option=orjson.OPT_SERIALIZE_NUMPY))
            fh.write(b"\n")
            n += 1
    os.replace(tmp, path)
    return n
