"""Step 6, write: the new version's tables and state, in the staging version.

The previous version's parts are carried over (hard links), those holding a group whose canonical changed
rewritten (:func:`~newsdedup.incremental.fix_article_rows`). The big writes (the run's articles, in one file
per thread, and the history in state) read the staged parts and compress in Arrow's C++ code, which releases
the GIL: side by side they use every core. The history's text file was written meanwhile, on its own thread.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.incremental import DUP_COLUMNS, Retention, fix_article_rows, fix_duplicate_rows
from newsdedup.io.idindex import content_keys, id_keys
from newsdedup.io.schema import ADDED_ARTICLE_COLUMNS, arrow_schema, to_arrow
from newsdedup.io.staging import STAGE_SCHEMA, staged_rows
from newsdedup.io.state import themes_table
from newsdedup.io.store import Staging
from newsdedup.model import Reject
from newsdedup.run.cluster_step import Clustered
from newsdedup.run.context import RunContext
from newsdedup.run.dedup_step import Deduped
from newsdedup.run.discover_step import Found
from newsdedup.run.langid import article_language
from newsdedup.run.parallel import thread_map
from newsdedup.run.read_step import Parsed
from newsdedup.run.state_writer import new_ledger, write_state

__all__ = ["article_files", "part_suffixes", "write_step"]

# The articles columns filled by dedup, clustering and the run (the others come from parsing).
_RUN_COLUMNS = ("content_hash", *DUP_COLUMNS, "topic_id", "version", "run_id")


def write_step(
    ctx: RunContext,
    staging: Staging,
    parsed: Parsed,
    deduped: Deduped,
    clustered: Clustered,
    kept: Retention,
    history_text: Future[None],
    found: Found,
) -> None:
    """Write every table of the new version and the next state into ``staging``; ``history_text``: the
    history's text file being written meanwhile; ``found``: the input files, for the ledger."""
    arts = pd.concat([parsed.articles, deduped.columns, clustered.topic_id], axis=1)
    with ctx.steps.step("write", n_in=len(arts)) as s:
        rewritten, earlier = _carry_over(ctx, staging, deduped, parsed.updates)
        arts["version"] = arts["article_id"].map(earlier).fillna(0).astype(np.int64) + 1
        threads = max(1, ctx.config.run.n_jobs)
        files = article_files(parsed.parts, threads)
        write = partial(_write_articles, ctx, staging, arts, parsed.parts)
        names = [f"part-{ctx.run_id}" + suffix for suffix in part_suffixes(len(files))]
        # the articles files first: they are the longer jobs, so the shorter one fills the gaps
        writes: list[Callable[[], None]] = [
            partial(write, lo, hi, name) for (lo, hi), name in zip(files, names, strict=True)
        ]
        ctx.progress.advance("writing articles", 0, len(arts))
        writes.append(partial(_write_id_index, ctx, staging, arts, _file_of_rows(parsed.parts, files, names)))
        ledger = new_ledger(found.files, parsed.digests, ctx.run_id)
        sig_files = parsed.sketches.files
        writes.append(partial(write_state, ctx, staging, arts, sig_files, kept, deduped.changes, ledger))
        thread_map(threads)(_call, writes)
        ctx.progress.clear()
        history_text.result()
        dups = deduped.duplicates.assign(run_id=ctx.run_id)
        staging.write_table("duplicates", f"part-{ctx.run_id}", to_arrow("duplicates", dups, ctx.meta))
        rejects = to_arrow("rejects", _rejects_frame(parsed.rejects, ctx.run_id), ctx.meta)
        staging.write_table("rejects", f"part-{ctx.run_id}", rejects)
        staging.write_table("topics", "topics", to_arrow("topics", clustered.topics, ctx.meta))
        staging.write_table("themes", "themes", to_arrow("themes", clustered.themes, ctx.meta))
        staging.write_table("state", "themes", themes_table(clustered.theme_centroids))
        s.n_out = len(arts)
        s.extra["rewritten_parts"] = rewritten


def _call(fn: Callable[[], None]) -> None:
    fn()


def _carry_over(
    ctx: RunContext, staging: Staging, deduped: Deduped, updates: dict[str, str]
) -> tuple[int, dict[str, int]]:
    """Carry the previous version's parts over (incremental runs: articles, duplicates, rejects; every run:
    the manifests). Parts holding a group whose canonical changed, or the earlier version of an article
    updated in this run, are rewritten. Returns the number of parts rewritten and the updated articles'
    earlier version numbers."""
    rewritten, earlier = 0, dict[str, int]()
    if ctx.incremental:
        changes, former = deduped.changes, deduped.former_canonicals
        fix_articles = partial(fix_article_rows, former=former)
        n, earlier = _carry_over_with_changes(ctx, staging, "articles", changes, fix_articles, updates)
        rewritten += n
        rewritten += _carry_over_with_changes(
            ctx, staging, "duplicates", changes, fix_duplicate_rows, updates
        )[0]
        staging.carry_over("rejects")
    staging.carry_over("runs")
    return rewritten, earlier


def _affected_parts(
    staging: Staging, table: str, changes: dict[str, str], update_parts: set[str]
) -> list[Path]:
    """The previous parts of ``table`` to rewrite: those holding a changed group, those holding an earlier
    version of an updated article (a duplicates part shares its run's prefix with the articles files), and
    every articles part written before one of its columns existed (``version``, ADDED_ARTICLE_COLUMNS)."""
    affected = []
    parts = staging.previous_parts(table)
    # a rewrite adds the missing columns to every part at once: when the oldest part has them, every part has
    migrate = table == "articles" and bool(parts) and _lacks_columns(parts[0])
    for part in parts:
        if any(u == part.stem or u.startswith(part.stem + "-") for u in update_parts) or (
            migrate and _lacks_columns(part)
        ):
            affected.append(part)
        elif changes:
            groups = pq.read_table(part, columns=["dup_group_id"]).column("dup_group_id").to_pylist()
            if set(groups) & set(changes):
                affected.append(part)
    return affected


def _lacks_columns(part: Path) -> bool:
    """An articles part written before one of the columns added since the first release."""
    names = set(pq.read_schema(part).names)
    return any(c not in names for c in ("version", *ADDED_ARTICLE_COLUMNS))


def _fill_added_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """An old articles part's rows with the columns added since: ``version`` 1, ``extra`` null,
    ``has_body`` from ``body_chars``, the ``language`` identified from its title and body."""
    if "version" not in frame.columns:
        frame["version"] = np.int64(1)
    if "extra" not in frame.columns:
        frame["extra"] = None
    if "has_body" not in frame.columns:
        frame["has_body"] = frame["body_chars"].fillna(0).astype(np.int64) > 0
    if "language" not in frame.columns:
        frame["language"] = [
            article_language(t, b or "") for t, b in zip(frame["title"], frame["body"], strict=True)
        ]
    return frame


def _carry_over_with_changes(
    ctx: RunContext,
    staging: Staging,
    table: str,
    changes: dict[str, str],
    fix: Callable[[pd.DataFrame, dict[str, str]], pd.DataFrame],
    updates: dict[str, str],
) -> tuple[int, dict[str, int]]:
    """Hard-link the previous parts of ``table``; the affected ones (:func:`_affected_parts`) are rewritten
    with the new canonicals and without the earlier versions of updated articles. Returns the number of
    rewritten parts and the version numbers of the earlier versions dropped."""
    affected = _affected_parts(staging, table, changes, set(updates.values()))
    staging.carry_over(table, exclude={p.name for p in affected})
    earlier: dict[str, int] = {}
    for part in affected:
        frame = fix(pd.read_parquet(part), changes)
        if table == "articles":
            frame = _fill_added_columns(frame)
        gone = frame["article_id"].isin(updates).to_numpy()
        if table == "articles" and gone.any():
            earlier.update(zip(frame["article_id"][gone], frame["version"][gone].astype(int), strict=True))
        staging.write_table(table, part.stem, to_arrow(table, frame[~gone], ctx.meta))
    return len(affected), earlier


def _file_of_rows(
    parts: Sequence[tuple[str, np.ndarray]], files: Sequence[tuple[int, int]], names: Sequence[str]
) -> list[str]:
    """The articles file each accepted article is written to (files hold ranges of staged parts)."""
    out: list[str] = []
    for (lo, hi), name in zip(files, names, strict=True):
        out.extend([name] * sum(int(keep.sum()) for _, keep in parts[lo:hi]))
    return out


def _write_id_index(ctx: RunContext, staging: Staging, arts: pd.DataFrame, files: list[str]) -> None:
    """The next version's id index: the previous one with this run's articles set (see io.idindex)."""
    keys = id_keys(arts["article_id"].tolist())
    content = content_keys(arts["content_hash"].tolist())
    ctx.state.ids.write(staging.path / "state", keys, content, files)


def _write_articles(
    ctx: RunContext,
    staging: Staging,
    arts: pd.DataFrame,
    parts: Sequence[tuple[str, np.ndarray]],
    first: int,
    end: int,
    name: str,
) -> None:
    """One file of the run's articles: the staged parts ``first:end``, their parse columns joined with
    the dedup and topic columns, written staged part by staged part so only one is in memory."""
    schema = arrow_schema("articles", ctx.meta)
    parse_cols = [c for c in STAGE_SCHEMA.names if c != "match_text"]
    run_id = ctx.run_id

    def tables() -> Iterator[pa.Table]:
        lo = sum(int(keep.sum()) for _, keep in parts[:first])
        for staged in staged_rows(parts[first:end], parse_cols):
            hi = lo + staged.num_rows
            sl = arts.iloc[lo:hi]
            cols = {name: staged.column(name) for name in parse_cols}
            for name in _RUN_COLUMNS:
                typ = schema.field(name).type
                cols[name] = (
                    pa.repeat(pa.scalar(run_id, typ), len(sl))
                    if name == "run_id"
                    else pa.array(sl[name], typ, from_pandas=True)
                )
            yield pa.table([cols[f.name] for f in schema], schema=schema)
            ctx.progress.advance("writing articles", staged.num_rows, 0)  # the part is written
            lo = hi

    staging.write_table_stream("articles", name, schema, tables())


def article_files(parts: Sequence[tuple[str, np.ndarray]], files: int) -> list[tuple[int, int]]:
    """Cut the staged parts into at most ``files`` runs of consecutive parts with about equal rows, one
    articles file each (in order, so the files read one after another give the input order)."""
    rows = np.cumsum([int(keep.sum()) for _, keep in parts])
    if len(parts) < 2 or files < 2:
        return [(0, len(parts))]
    total = int(rows[-1])
    # part boundaries closest to equal shares of the rows
    cuts = sorted({int(np.searchsorted(rows, total * k / files)) + 1 for k in range(1, files)} - {len(parts)})
    bounds = [0, *[c for c in cuts if 0 < c < len(parts)], len(parts)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def part_suffixes(n: int) -> list[str]:
    """File name suffixes of a run's articles files: none for one file, else -0000, -0001, ..."""
    return [""] if n == 1 else [f"-{k:04d}" for k in range(n)]


def _rejects_frame(rejects: Sequence[Reject], run_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "input": [r.input for r in rejects],
            "record": pd.array([r.record for r in rejects], dtype="Int64"),
            "reason": [r.reason for r in rejects],
            "detail": [r.detail for r in rejects],
            "run_id": run_id,
        }
    )
