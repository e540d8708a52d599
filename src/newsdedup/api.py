"""The job from Python: :func:`run` (what the ``newsdedup run`` command calls), :func:`load` (a run's tables
back as data frames) and :func:`process` (records in memory -> the same tables, through the same job).

These sit above the run layer and add no stage of their own: :func:`process` writes the records to a
temporary JSONL file, runs :func:`newsdedup.run.pipeline.run` into a temporary output folder and loads the
tables back, so what it returns is what the command gives on the same records.

Example::

    >>> import pandas as pd, newsdedup
    >>> df = pd.DataFrame({"id": ["a", "b"], "title": ["Rates rise", "Rates rise"],
    ...                    "body": ["The bank raised rates by half a point on Tuesday."] * 2})
    >>> result = newsdedup.process(df)
    >>> result.articles[["article_id", "dup_group_id", "is_canonical"]]   # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdedup.config import ConfigLike, as_config
from newsdedup.errors import InputError
from newsdedup.io.schema import ADDED_TOPIC_COLUMNS, SCHEMAS, arrow_schema
from newsdedup.io.store import OutputStore
from newsdedup.run.manifest import RunResult
from newsdedup.run.pipeline import run as run_pipeline
from newsdedup.run.progress import Progress

if TYPE_CHECKING:  # the tables are data frames; pandas loads with the run's steps, or with load()
    import pandas as pd

__all__ = ["ConfigLike", "Result", "RunResult", "load", "process", "run"]

TABLE_NAMES = ("articles", "topics", "themes", "duplicates", "rejects")
RECORDS_FILE = "records.jsonl"


@dataclass(eq=False)
class Result:
    """A run's tables as data frames, with the columns and dtypes of the Parquet tables (see the README's
    Output tables), and the manifest of the run that made them. (Compare tables with
    ``pandas.testing.assert_frame_equal``; ``==`` on two results is identity.)"""

    articles: pd.DataFrame
    topics: pd.DataFrame
    duplicates: pd.DataFrame
    rejects: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    #: the coarse level above topics (empty for an output written before themes)
    themes: pd.DataFrame = field(default_factory=lambda: _empty("themes"))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name))}" for name in TABLE_NAMES)
        return f"Result({sizes}, run_id={self.manifest.get('run_id')!r})"


def _progress(progress: bool | Progress | None) -> Progress:
    if isinstance(progress, Progress):
        return progress
    return Progress(enabled=progress is not False)


def run(
    inputs: str | Path | Sequence[str | Path],
    output: str | Path,
    config: ConfigLike = None,
    *,
    full_refresh: bool = False,
    progress: bool | Progress | None = None,
) -> RunResult:
    """Run the whole job on ``inputs`` (files, folders or globs) into the output folder ``output``, as the
    ``newsdedup run`` command does; returns what happened (run id, status, counts, exit code, manifest).

    ``progress``: a live progress line per step on an interactive terminal (None or True: when stderr is a
    terminal; False: never). Incremental by default, like the command; ``full_refresh`` rebuilds from the
    recorded inputs plus ``inputs``. Raises the library's errors (LockHeldError, InputError, ConfigError,
    StateError); rejected records never raise, they are counted and written.

    >>> newsdedup.run(["feeds/"], "out/")            # doctest: +SKIP
    >>> newsdedup.load("out/").topics.head()          # doctest: +SKIP
    """
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return run_pipeline(
        paths, Path(output), as_config(config), full_refresh=full_refresh, progress=_progress(progress)
    )


def _empty(name: str) -> pd.DataFrame:
    """Table ``name`` with no rows and the dtypes a Parquet read gives it."""
    return arrow_schema(name).empty_table().to_pandas()


def load(output: str | Path) -> Result:
    """The committed version of the output folder ``output`` as data frames (a table with no rows is an
    empty frame with the table's columns); raises InputError when nothing was committed there yet.

    >>> result = newsdedup.load("out/")                                     # doctest: +SKIP
    >>> result.articles.groupby("dup_group_id").size().sort_values()      # doctest: +SKIP
    """
    store = OutputStore(output)
    if store.current() is None:
        raise InputError(f"no committed run in {output}")
    frames = {}
    for name in TABLE_NAMES:
        frame = store.read_table(name)
        if frame is not None and name == "topics":
            for column in ADDED_TOPIC_COLUMNS:  # a table written before the column existed
                if column not in frame.columns:
                    frame[column] = None
        frames[name] = _empty(name) if frame is None else frame[[f.name for f in SCHEMAS[name]]]
    return Result(**frames, manifest=store.manifest() or {})


def process(
    records: pd.DataFrame | Iterable[Mapping[str, Any]],
    config: ConfigLike = None,
    *,
    progress: bool | Progress | None = None,
) -> Result:
    """Run the whole job on records held in memory and return its tables.

    ``records``: a data frame or dicts with the fields of a JSONL input: ``title``, ``body`` (or ``text``),
    and optionally ``id``, ``published_at`` (ISO 8601 text or timestamps), ``source``, ``url``, ``author``.
    They go through the same steps as ``newsdedup run`` (parse, boilerplate, dedup, cluster) in a temporary
    output folder, so the tables equal the command's on the same records except ``input`` (here always
    ``records.jsonl``; a record without an id is named ``records.jsonl:<line>``) and ``run_id``.

    >>> result = newsdedup.process(pd.read_json("feed.jsonl", lines=True))         # doctest: +SKIP
    >>> result.articles.query("not is_canonical")[["title", "canonical_id"]]      # doctest: +SKIP
    """
    from newsdedup.io.records_out import as_records, write_jsonl

    cfg = as_config(config)
    with tempfile.TemporaryDirectory(prefix="newsdedup-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        write_jsonl(as_records(records), folder / RECORDS_FILE)
        output = Path(tmp) / "out"
        run_pipeline([folder / RECORDS_FILE], output, cfg, progress=_progress(progress))
        return load(output)
