"""Step 4, dedup: the run's articles grouped with each other and with the related retained history.

The history rows related to the new articles (:func:`~newsdedup.incremental.related_history`) are sketched
from their retained matching text and appended after the new articles; one duplicate search runs on both;
its groups are mapped back onto the earlier group ids (:mod:`newsdedup.incremental.duplicates`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsdedup.dedup import DedupResult, Sketches, find_duplicates, sketch_texts
from newsdedup.incremental import (
    dup_columns,
    duplicates_table,
    estimated_similarity,
    reconcile_duplicates,
    related_history,
    union_docs,
)
from newsdedup.io.staging import SketchFiles
from newsdedup.params import DedupParams
from newsdedup.run.budget import block_pairs
from newsdedup.run.context import RunContext
from newsdedup.run.engines import Engine
from newsdedup.run.parallel import thread_map
from newsdedup.run.read_step import Parsed

__all__ = ["Deduped", "dedup_step", "with_history"]


@dataclass(frozen=True)
class Deduped:
    """The dedup columns of the run's articles (``columns``: DUP_COLUMNS, aligned with the articles), its
    duplicates rows, and what changes for earlier rows: group id -> new canonical (``changes``), former
    canonical -> (similarity, estimated similarity, method) to it (``former_canonicals``)."""

    columns: pd.DataFrame
    duplicates: pd.DataFrame
    changes: dict[str, str]
    former_canonicals: dict[str, tuple[float, float, str]]


def dedup_step(ctx: RunContext, parsed: Parsed, t_new: pd.Series, engine: Engine) -> Deduped:
    """Find the duplicates among the new articles (times ``t_new``) and the related history."""
    arts = parsed.articles
    with ctx.steps.step("dedup", n_in=len(arts)) as s:
        old, result = _search(ctx, parsed, t_new, engine)
        rec = reconcile_duplicates(
            result.assignments, estimated_similarity(result.duplicates), old, arts["article_id"]
        )
        columns = dup_columns(rec.new, arts["article_id"])
        dups = duplicates_table(rec, ctx.state.history)
        s.n_out = int(columns["is_canonical"].sum())
        s.extra.update(
            duplicates=len(dups), history_related=len(old), canonical_changes=len(rec.canonical_changes)
        )
        s.extra.update({k: result.stats[k] for k in ("exact_dups", "candidate_pairs") if k in result.stats})
        s.details.update(result.stats)
    return Deduped(columns, dups, rec.canonical_changes, rec.former_canonicals)


def _search(
    ctx: RunContext, parsed: Parsed, t_new: pd.Series, engine: Engine
) -> tuple[pd.DataFrame, DedupResult]:
    """The related history rows, and the duplicate search over the new articles followed by them.

    The sketches are loaded here and let go on return: the signatures are most of the run's memory, and the
    later steps read them back from their file."""
    params = ctx.config.dedup
    hist = ctx.state.history
    arts = parsed.articles
    mine = parsed.sketches.load()
    related = np.zeros(0, dtype=np.int64)
    if len(hist) and len(arts):
        related = related_history(
            hist,
            ctx.state.signatures,
            mine.signatures,
            arts["content_hash"],
            t_new,
            params,
            ctx.config.state.dedup_window_days,
        )
    if parsed.updates:  # an earlier version of an article updated in this run is not compared with it
        related = related[~hist["article_id"].iloc[related].isin(parsed.updates).to_numpy()]
    old = hist.iloc[related]
    # new articles first, then the related history (find_duplicates does not depend on row order)
    threads = thread_map(ctx.config.run.n_jobs)
    earlier = sketch_texts(ctx.state.history_values("match_text", related), params, map_fn=threads)
    sketches = with_history(mine, earlier, parsed.sketches.files, params)
    del mine
    result = find_duplicates(
        union_docs(arts, old),
        params,
        sketches=sketches,
        candidates=engine.candidates(params),
        verify=engine.verifier(),
        map_fn=threads,
        progress=ctx.progress.advance,
        block_pairs=block_pairs(ctx.config.run),
    )
    ctx.progress.clear()
    return old, result


def with_history(mine: Sketches, earlier: Sketches, files: SketchFiles, params: DedupParams) -> Sketches:
    """``mine`` (whose hashes and signatures are the files of ``files``) followed by ``earlier``: the small
    arrays joined by :meth:`Sketches.concat`, the earlier shingle hashes and signatures appended to the
    files, so both stay memory-mapped instead of being loaded to join them."""
    if not len(earlier.tokens):
        return mine
    hashes = files.append_hashes(earlier.hashes)
    signatures = files.append_signatures(earlier.signatures)
    light = [
        dataclasses.replace(s, hashes=s.hashes[:0], signatures=s.signatures[:0]) for s in (mine, earlier)
    ]
    joined = Sketches.concat(light, params)
    return dataclasses.replace(joined, hashes=hashes, signatures=signatures)
