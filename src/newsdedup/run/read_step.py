"""Steps 2 and 3, read and parse: the inputs read, parsed and sketched in tasks, then boilerplate learned
over the whole run.

The read step runs the tasks on the engine and puts their chunks together in task order
(:class:`~newsdedup.run.collect.Collector`); the parse step learns the outlets' boilerplate over the whole
run, strips it from the articles that carry it (:mod:`newsdedup.run.learn`), and counts what parsing found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from newsdedup.dedup import digests_hex
from newsdedup.failpoints import failpoint
from newsdedup.io.readers import compile_plan
from newsdedup.model import Reject
from newsdedup.run.collect import Collected, Collector, IdRule, StagedSketches
from newsdedup.run.context import RunContext
from newsdedup.run.discover_step import Found
from newsdedup.run.engines import Engine
from newsdedup.run.learn import learn_boilerplate
from newsdedup.run.tasks import ChunkSettings, ReadTask, plan_tasks

__all__ = ["Parsed", "parse_step", "read_step"]


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class Parsed:
    """The run's accepted articles, parsed, in input order, and what was rejected.

    ``articles``: the light columns plus ``content_hash``; the other article columns are staged in ``parts``
    (staging file, mask of its accepted rows); ``sketches``: the dedup sketches, aligned with ``articles``;
    ``digests``: every input file's content digest (None: unreadable); ``updates``: ids accepted as new
    versions of earlier articles -> the ``articles`` part holding the earlier version."""

    articles: pd.DataFrame
    sketches: StagedSketches
    parts: list[tuple[str, np.ndarray]]
    rejects: list[Reject]
    per_file: dict[str, Counter[str]]
    digests: dict[str, str | None]
    updates: dict[str, str]
    skipped_records: Counter[str] = field(default_factory=Counter)  # no articles, per reason (see Collected)

    @property
    def already_seen(self) -> int:
        """Records skipped because an earlier run holds their id (see ``input.on_seen_id``)."""
        return sum(c["already_seen"] for c in self.per_file.values())


def read_step(
    ctx: RunContext, found: Found, workdir: Path, engine: Engine, reading: Callable[[], None] = _nothing
) -> Collected:
    """Read, parse and sketch the input files in tasks on the engine's workers; collect them in task order.

    ``reading`` is called as each chunk arrives, when the workers are all started (the pipeline then starts
    preparing the later steps on a thread)."""
    config = ctx.config
    with ctx.steps.step("read", n_in=len(found.files)) as s:
        settings = ChunkSettings(
            parse=config.parse,
            dedup=config.dedup,
            max_article_bytes=config.input.max_article_bytes,
            workdir=str(workdir),
            digest_files=found.digest_in_read,
            id_from=config.input.id_from,
            plan=compile_plan(config.input.field_candidates()),
            source_from=config.input.source_from,
            threads=config.run.n_jobs,
        )
        tasks = plan_tasks(found.files, config.run.chunk_bytes, partial(engine.map, spill_dir=str(workdir)))
        sig_dtype = np.dtype(np.uint32 if config.dedup.scheme == "affine32" else np.uint64)
        collector = Collector(
            workdir,
            IdRule(ctx.state.ids, config.input.on_seen_id),
            sig_dtype,
            config.dedup.num_perm,
            digests=found.digests,
        )
        sizes = {t.index: _task_bytes(t) for t in tasks}
        total, done = sum(sizes.values()), 0
        try:
            for chunk in engine.chunks(tasks, settings):
                reading()
                collector.add(chunk)
                failpoint("read_task_done")
                done += sizes.get(chunk.index, 0)
                ctx.progress.update("reading KB", done >> 10, total >> 10, f"{collector.seen:,} records")
        finally:
            collector.close()
        ctx.progress.clear()
        collected = collector.finish()
        if config.input.unsupported == "reject":
            collected.rejects.extend(
                Reject(p, None, "unsupported_extension", "no reader for this file name's format")
                for p in found.unsupported
            )
        s.n_out = len(collected.light)
        s.extra["rejected"] = len(collected.rejects)
        s.extra["tasks"] = len(tasks)
    return collected


def parse_step(ctx: RunContext, collected: Collected) -> Parsed:
    """Learn boilerplate over the whole run and strip it where found; count what parsing found."""
    light = collected.light
    with ctx.steps.step("parse", n_in=len(light)) as s:
        learned = learn_boilerplate(collected, ctx.config.parse, ctx.config.dedup)
        articles = light.assign(content_hash=digests_hex(learned.sketches.digests))
        stats = _parse_stats(light, collected.flags)
        stats["learned_boilerplate_lines"] = learned.lines
        stats["boilerplate_removed"] = dict(sorted(learned.removed.items()))
        s.n_out = len(articles)
        s.extra.update({k: stats[k] for k in ("published_missing", "published_tz_assumed")})
        s.details.update(stats)
    return Parsed(
        articles,
        learned.sketches,
        collected.parts,
        collected.rejects,
        collected.per_file,
        collected.digests,
        collected.updates,
        collected.skipped_records,
    )


def _parse_stats(light: pd.DataFrame, flags: np.ndarray) -> dict[str, Any]:
    """How many articles had or lacked a parsed time, title and author (see Chunk.flags)."""
    return {
        "published_missing": int(flags[0].sum()),
        "published_unparsed": int((~flags[0] & light["published_at"].isna().to_numpy()).sum()),
        "published_invalid_type": int(flags[1].sum()),
        "published_tz_assumed": int(flags[2].sum()),
        "published_ok": int(light["published_at"].notna().sum()),
        "title_missing": int((light["title"].isna() | (light["title"] == "")).sum()),
        "author_missing": int(flags[3].sum()),
    }


def _task_bytes(task: ReadTask) -> int:
    """The input bytes a read task covers (its span of a file, or its whole files)."""
    if task.span is not None:
        return max(0, task.span[1] - task.span[0])
    return sum(f.size for f in task.files)
