"""The batch job: read -> parse -> dedup -> cluster -> write, each step timed and counted.

:func:`run` is the one entry point the CLI and the cron job call. The stages themselves are pure functions in
their own modules (``read``, ``parse``, ``normalize``, ``dedup``, ``cluster``); this module only wires them,
counts what goes in and out, and hands the tables to the output store.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import itertools
import logging
import os
import platform
import shutil
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup import __version__
from newsdedup.cluster import TOPIC_COLUMNS, StoryFeatures, cluster_stories, story_features
from newsdedup.config import config_to_dict
from newsdedup.dedup.core import Sketches, digests_hex, find_duplicates, sketch_texts
from newsdedup.failpoints import failpoint
from newsdedup.incremental import effective_time, reconcile_duplicates, reconcile_topics, related_history
from newsdedup.io.read import digest_or_none, discover
from newsdedup.io.schema import SCHEMA_VERSION, arrow_schema, to_arrow
from newsdedup.io.state import (
    LEDGER_COLUMNS,
    META_COLUMNS,
    TEXT_COLUMNS,
    TEXT_SCHEMA,
    State,
    history_schema,
    history_table,
    history_write_options,
    ledger_table,
    load_ledger,
    load_state,
)
from newsdedup.io.store import OutputStore, Staging
from newsdedup.model import InputFile, Reject, Skipped
from newsdedup.params import Config
from newsdedup.run.progress import Progress
from newsdedup.run.steps import StepLog
from newsdedup.run.stream import (
    STAGE_SCHEMA,
    Chunk,
    ChunkSettings,
    Collector,
    append_sketches,
    plan_tasks,
    run_tasks,
    staged_features,
    staged_rows,
)

logger = logging.getLogger(__name__)

__all__ = ["EXIT_OK", "EXIT_TOO_MANY_REJECTS", "RunResult", "run"]

EXIT_OK = 0
EXIT_TOO_MANY_REJECTS = 65

# Inside the staging version: staged article columns, shingle hashes; removed before the commit.
WORK_DIR = "_work"
_HISTORY_BATCH = 65_536  # history rows per written batch
# The articles columns filled by dedup, clustering and the run (the others come from parsing).
_RUN_COLUMNS = (
    "content_hash",
    "dup_group_id",
    "canonical_id",
    "is_canonical",
    "dup_similarity",
    "dup_method",
    "canonical_reason",
    "topic_id",
    "run_id",
)


@dataclass
class RunResult:
    """What a run did: its id, where it wrote, counts, and the exit code the CLI should use."""

    run_id: str
    output: Path
    status: str  # "committed" | "nothing_new"
    exit_code: int
    counts: dict[str, int] = field(default_factory=dict)
    reject_fraction: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)


def _new_run_id() -> str:
    # Run ids name runs, not data: a UTC timestamp sorts runs in order; article, group and topic ids are
    # derived from content and never from it.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "newsdedup": __version__}
    for name in ("datasketch", "scikit-learn", "pandas", "pyarrow", "numpy", "scipy", "ftfy", "xxhash"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def pipeline_metadata(config: Config) -> dict[str, Any]:
    """Parameters recorded in every table's Parquet metadata."""
    d = config.dedup
    return {
        "newsdedup_version": __version__,
        "minhash": {"scheme": d.scheme, "seed": d.seed, "num_perm": d.num_perm},
        "dedup": config_to_dict(config)["dedup"],
        "cluster": config_to_dict(config)["cluster"],
    }


@dataclass
class _Inputs:
    files: list[InputFile]
    skipped: list[Skipped]
    # path -> content digest (None: unreadable). Empty until the read step when ``digest_in_read``.
    digests: dict[str, str | None]
    digest_in_read: bool = False


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


def run(
    inputs: Sequence[str | Path],
    output: str | Path,
    config: Config,
    *,
    full_refresh: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Run the whole job on ``inputs`` into the output folder ``output``; returns what happened.

    ``progress`` shows a live count while records are read (the CLI passes one that is active only on an
    interactive terminal).

    Incremental by default: inputs whose content was processed by an earlier run on the same output are
    skipped, and new articles are related to the retained history (see :mod:`newsdedup.incremental`).
    ``full_refresh`` rebuilds everything from the recorded inputs plus ``inputs``.

    Raises LockHeldError when another run holds the output's lock, InputError for a missing input path,
    StateError for unreadable or incompatible state. Rejected records never raise: they are counted and written.

    Process-wide effects: on glibc, malloc arenas are capped at two (see :func:`_cap_malloc_arenas`); the
    objects that exist when the run starts are left out of garbage collection while it lasts (see
    :func:`_heap_frozen`).
    """
    _cap_malloc_arenas()
    with _heap_frozen():
        return _run(inputs, output, config, full_refresh=full_refresh, progress=progress)


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Move the objects that exist now (the imported libraries: about 200,000) out of the collector's
    reach until the block ends.

    A full collection walks every tracked object. During a run over 20,000 files one came from the run's
    own objects and spent 120-140 ms walking the libraries' (10 ms with them frozen, measured). Objects
    frozen here are still freed by reference counting; only cycles among them wait for the block's end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run(
    inputs: Sequence[str | Path],
    output: str | Path,
    config: Config,
    *,
    full_refresh: bool,
    progress: Progress | None,
) -> RunResult:
    store = OutputStore(output)
    run_id = _new_run_id()
    steps = StepLog()
    started = datetime.now(UTC)
    with store.lock():
        store.check_layout()
        store.recover()
        previous = store.current()
        incremental = config.state.incremental and not full_refresh
        state = load_state(previous, config.dedup) if incremental else State.empty(config.dedup)
        with steps.step("discover") as s:
            files, skipped = discover(list(inputs))
            if full_refresh and previous is not None:
                files = _with_recorded_inputs(files, load_ledger(previous))
            seen = set(state.ledger["xxh3_128"]) if incremental else set()
            digests: dict[str, str | None] = {}
            already: list[InputFile] = []
            if seen:  # the files earlier runs processed are skipped: their digests are needed now
                digests = {f.path: digest_or_none(f.path, f.size) for f in files}
                already = [f for f in files if digests[f.path] in seen]
                files = [f for f in files if digests[f.path] not in seen]
            # else nothing to compare with: the read workers hash the files as they read them (a first run
            # over many small files then reads each once; 0.12 s of 0.26 s discovery over 20,000 files)
            s.n_out = len(files)
            s.extra.update(skipped=len(skipped), already_processed=len(already))
        if incremental and previous is not None and not files:
            logger.info("nothing new: all %d input file(s) were processed by earlier runs", len(already))
            return RunResult(run_id=run_id, output=Path(output), status="nothing_new", exit_code=EXIT_OK)
        staging = store.begin(run_id)
        with _engine(config) as engine:
            job = _Job(
                staging, config, steps, run_id, started, state, incremental, full_refresh, engine, progress
            )
            result = job.run(_Inputs(files, skipped, digests, digest_in_read=not seen), already)
        failpoint("before_commit")
        store.commit(staging)
        return result


_M_ARENA_MAX = -8  # glibc mallopt parameter


@functools.cache
def _cap_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; returns whether it was done (False off glibc).

    glibc gives threads that allocate at the same time arenas of their own (up to eight per core) and keeps
    memory freed in them for reuse. With the run's threads (clustering, featurising, writing) that retained
    memory raised the peak: at 100k articles 810 MB with the default, 713 MB with MALLOC_ARENA_MAX=2 and 681 MB
    with this call (one run each), at the same speed. Two arenas still let two threads allocate
    without waiting on each other."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def _engine(config: Config) -> AbstractContextManager[Any]:
    """The Dask engine for ``engine = "dask"``; for the local engine, nothing to set up."""
    if config.run.engine == "dask":
        from newsdedup.run.dask_engine import DaskEngine

        return DaskEngine(config.run.scheduler, n_workers=config.run.n_jobs)
    return nullcontext(None)


def _with_recorded_inputs(files: list[InputFile], ledger: pd.DataFrame) -> list[InputFile]:
    """Add the inputs recorded by earlier runs (those still on disk) to the discovered ones, for a full refresh."""
    have = {f.path for f in files}
    out = list(files)
    for row in ledger.itertuples(index=False):
        path = Path(str(row.path))
        if str(path) in have:
            continue
        if not path.is_file():
            logger.warning("recorded input %s is gone; its articles are not in the refreshed output", path)
            continue
        out.append(
            InputFile(
                path=str(path),
                rel=str(row.rel),
                root=Path(str(row.root)),
                format=str(row.format),
                size=path.stat().st_size,
            )
        )
        have.add(str(path))
    return sorted(out, key=lambda f: f.rel)


class _Job:
    """One run's steps over the staged version; each method is one step of the table of contents."""

    def __init__(
        self,
        staging: Staging,
        config: Config,
        steps: StepLog,
        run_id: str,
        started: datetime,
        state: State,
        incremental: bool,
        full_refresh: bool,
        engine: Any = None,
        progress: Progress | None = None,
    ) -> None:
        self.engine = engine
        self.progress = progress or Progress(enabled=False)
        self.staging = staging
        self.config = config
        self.steps = steps
        self.run_id = run_id
        self.started = started
        self.state = state
        self.incremental = incremental
        self.full_refresh = full_refresh
        self.seen_at = pd.Timestamp(started)
        self.sketches: Sketches | None = None
        self.parts: list[tuple[str, np.ndarray]] = []
        self.rejects: list[Reject] = []
        self.per_file: dict[str, Counter[str]] = {}
        self.former_canonicals: dict[str, tuple[float, float, str]] = {}
        self.meta = pipeline_metadata(config)

    def run(self, inputs: _Inputs, already: list[InputFile]) -> RunResult:
        self.inputs = inputs
        self.workdir = self.staging.path / WORK_DIR
        self.workdir.mkdir()
        try:
            arts = self.parse(self.read(inputs.files))
            failpoint("after_parse")
            self.retention(arts)
            # The history's text file depends on nothing that dedup or clustering decide: it is written
            # meanwhile, on the core they leave idle. Leaving the block waits for it, also after an error.
            stop = threading.Event()
            with ThreadPoolExecutor(max_workers=1) as background:
                text = background.submit(self._write_history_text, stop)
                try:
                    dups, changes = self.dedup(arts)
                    failpoint("after_dedup")
                    topics, merges = self.cluster(arts, changes)
                    self.write(arts, dups, topics, self.rejects, changes, text)
                except BaseException:
                    stop.set()
                    raise
            failpoint("after_write")
        finally:
            # the staged article columns are in the output tables now; nothing of the work folder is kept
            self.sketches = None
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.finish(
            inputs, already, len(arts), self.rejects, self.per_file, arts, dups, topics, merges
        )

    # -- read --------------------------------------------------------------------------------------
    def read(self, files: Sequence[InputFile]) -> Collector:
        """Read, parse and sketch the inputs in chunks (worker processes, or the engine's workers)."""
        with self.steps.step("read", n_in=len(files)) as s:
            settings = ChunkSettings(
                parse=self.config.parse,
                dedup=self.config.dedup,
                max_article_bytes=self.config.input.max_article_bytes,
                workdir=str(self.workdir),
                digest_files=self.inputs.digest_in_read,
            )
            tasks = plan_tasks(files, self.config.run.chunk_bytes)
            collector = Collector(
                self.workdir,
                self.state.known_ids,
                self.config.parse,
                self.config.dedup,
                on_progress=lambda n: self.progress.update("reading records", n),
            )
            chunks: Iterable[Chunk] = (
                self.engine.chunks(tasks, settings)
                if self.engine is not None
                else run_tasks(tasks, settings, self.config.run.n_jobs)
            )
            try:
                for chunk in chunks:
                    collector.add(chunk)
            finally:
                collector.close()
            self.progress.clear()
            s.n_out = collector.seen - len(collector.rejects)
            s.extra["rejected"] = len(collector.rejects)
            s.extra["tasks"] = len(tasks)
        return collector

    # -- parse -------------------------------------------------------------------------------------
    def parse(self, collector: Collector) -> pd.DataFrame:
        """Finish parsing over the whole run (learned boilerplate); returns the light article frame."""
        with self.steps.step("parse", n_in=collector.seen - len(collector.rejects)) as s:
            col = collector.finish()
            self.inputs.digests.update(col.file_digests)
            arts = col.light
            self.sketches = col.sketches
            self.parts = col.parts
            self.hash_path = col.hash_path
            self.sig_path = col.sig_path
            self.rejects = col.rejects
            self.per_file = col.per_file
            arts["content_hash"] = digests_hex(col.sketches.digests)
            s.n_out = len(arts)
            stats = col.stats
            s.extra.update({k: stats[k] for k in ("published_missing", "published_tz_assumed")})
            s.details.update(stats)
        return arts

    # -- dedup -------------------------------------------------------------------------------------
    def dedup(self, arts: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
        """Fill the duplicate columns of ``arts``; returns the duplicates rows and canonical changes."""
        params = self.config.dedup
        with self.steps.step("dedup", n_in=len(arts)) as s:
            mine = self.sketches
            assert mine is not None, "parse runs before dedup"
            new_docs = _dedup_docs(arts)
            hist = self.state.history
            related = np.zeros(0, dtype=np.int64)
            if len(hist) and len(arts):
                related = related_history(
                    hist,
                    self.state.signatures,
                    mine.signatures,
                    arts["content_hash"],
                    self.t_new,
                    params,
                    self.config.state.dedup_window_days,
                )
            old = hist.iloc[related]
            # new articles first, then the related history: the history's shingle hashes are appended to the
            # run's memory-mapped hash file (find_duplicates does not depend on row order)
            union = (
                pd.concat(
                    [
                        new_docs,
                        pd.DataFrame(
                            {
                                "article_id": old["article_id"],
                                "published_at": pd.to_datetime(old["published_at"], utc=True),
                                "body_len": old["body_len"],
                                "source": old["source"],
                            }
                        ),
                    ],
                    ignore_index=True,
                )
                if len(old)
                else new_docs
            )
            old_sketches = sketch_texts(self.state.history_values("match_text", related), params)
            sketches = append_sketches(mine, old_sketches, self.hash_path)
            banding = self.engine.candidates(params) if self.engine is not None else None
            result = find_duplicates(union, params, sketches=sketches, candidates=banding)
            # the sketches are done with: the signatures are read back from their file for the state
            self.sketches = None
            del mine, sketches
            est = pd.Series(
                result.duplicates["estimated_similarity"].to_numpy() if len(result.duplicates) else [],
                index=result.duplicates["article_id"].to_numpy() if len(result.duplicates) else [],
                dtype=float,
            )
            rec = reconcile_duplicates(result.assignments, est, old, arts["article_id"])
            new = rec.new.reset_index(drop=True)
            if not new["article_id"].equals(arts["article_id"]):  # rows in another order: align by id
                new = new.set_index("article_id").loc[arts["article_id"]].reset_index()
            arts["dup_group_id"] = new["dup_group_id"].to_numpy()
            arts["canonical_id"] = new["canonical_id"].to_numpy()
            arts["is_canonical"] = new["is_canonical"].astype(bool).to_numpy()
            arts["dup_similarity"] = new["dup_similarity"].astype(float).to_numpy()
            arts["dup_method"] = new["method"].to_numpy()
            arts["canonical_reason"] = new["canonical_reason"].to_numpy()
            nc = rec.new[~rec.new["is_canonical"].astype(bool)]
            dups = pd.DataFrame(
                {
                    "article_id": nc["article_id"],
                    "canonical_id": nc["canonical_id"],
                    "dup_group_id": nc["dup_group_id"],
                    "similarity": nc["dup_similarity"],
                    "estimated_similarity": nc["estimated_similarity"],
                    "method": nc["method"],
                }
            ).reset_index(drop=True)
            if rec.former_canonicals:
                # earlier canonicals that lost to a new article are duplicates now
                hist_group = hist.set_index("article_id")["dup_group_id"]
                extra = pd.DataFrame(
                    [
                        {
                            "article_id": aid,
                            "canonical_id": rec.canonical_changes[str(hist_group[aid])],
                            "dup_group_id": str(hist_group[aid]),
                            "similarity": sim,
                            "estimated_similarity": est_sim,
                            "method": method,
                        }
                        for aid, (sim, est_sim, method) in sorted(rec.former_canonicals.items())
                    ]
                )
                dups = pd.concat([dups, extra], ignore_index=True)
            self.former_canonicals = rec.former_canonicals
            s.n_out = int(arts["is_canonical"].sum())
            s.extra.update(
                duplicates=len(dups), history_related=len(old), canonical_changes=len(rec.canonical_changes)
            )
            s.extra.update(
                {k: result.stats[k] for k in ("exact_dups", "candidate_pairs") if k in result.stats}
            )
            s.details.update(result.stats)
        return dups, rec.canonical_changes

    # -- cluster -----------------------------------------------------------------------------------
    def cluster(self, arts: pd.DataFrame, changes: dict[str, str]) -> tuple[pd.DataFrame, list[list[str]]]:
        """Fill ``arts['topic_id']``; returns the full topics table of the new version and merge candidates."""
        with self.steps.step("cluster", n_in=int(arts["is_canonical"].sum()) if len(arts) else 0) as s:
            hist = _apply_canonical_changes(self.state.history, changes)
            canon_mask = arts["is_canonical"].to_numpy()
            canon_new = arts.loc[
                canon_mask, ["article_id", "title", "published_at", "source", "dup_group_id"]
            ]
            # articles per duplicate group (history included), counted on integer codes
            groups_all = pd.concat([hist["dup_group_id"], arts["dup_group_id"]], ignore_index=True)
            codes, _ = pd.factorize(groups_all)
            per_group = np.bincount(codes)
            del groups_all
            window_rows = np.zeros(0, dtype=np.int64)
            if len(hist) and len(canon_new):
                # the times of retention(): hist has the state's rows in the state's order
                t_old, t_new = self.t_old, self.t_new[canon_mask]
                w = pd.Timedelta(days=self.config.state.topic_window_days)
                keep = (
                    hist["is_canonical"].astype(bool)
                    & (t_old >= t_new.min() - w)
                    & (t_old <= t_new.max() + w)
                )
                keep &= ~hist["article_id"].isin(set(changes.values()))
                window_rows = np.flatnonzero(keep.to_numpy())
            window_old = hist.iloc[window_rows]
            old_titles = self.state.history_values("title", window_rows)
            docs = pd.concat(
                [
                    pd.DataFrame(
                        {
                            "article_id": window_old["article_id"],
                            "title": old_titles,
                            "published_at": pd.to_datetime(window_old["published_at"], utc=True),
                            "source": window_old["source"],
                        }
                    ),
                    pd.DataFrame(
                        {
                            "article_id": canon_new["article_id"],
                            "title": canon_new["title"],
                            "published_at": canon_new["published_at"],
                            "source": canon_new["source"],
                        }
                    ),
                ],
                ignore_index=True,
            )
            # story features of the new canonicals (from their staged text) and of the history window
            # (usually few) are made here from the retained matching text
            features = StoryFeatures.concat(
                [
                    story_features(
                        old_titles, self.state.history_values("match_text", window_rows), self.config.cluster
                    ),
                    staged_features(
                        self.parts, np.flatnonzero(canon_mask), self.config.cluster, self.config.run.n_jobs
                    ),
                ]
            )
            n_hist = len(hist)
            docs["group_size"] = np.concatenate(
                [per_group[codes[window_rows]], per_group[codes[n_hist + np.flatnonzero(canon_mask)]]]
            ).astype(np.int64)
            del codes
            with ThreadPoolExecutor(max_workers=self.config.run.n_jobs) as pool:
                union_topic, desc = cluster_stories(
                    docs, self.config.cluster, features=features, map_fn=lambda f, xs: list(pool.map(f, xs))
                )
            union_topic.index = docs["article_id"].to_numpy()
            old_topic = hist.set_index("article_id")["topic_id"] if len(hist) else pd.Series(dtype=object)
            final, merges = reconcile_topics(union_topic, old_topic)
            topic_of = {aid: final[str(t)] for aid, t in union_topic.items()}
            # a new article that became the canonical of an earlier group keeps that group's topic
            old_group_topic = hist.drop_duplicates("dup_group_id").set_index("dup_group_id")["topic_id"]
            for group, canon in changes.items():
                topic_of[canon] = str(old_group_topic[group])
            canon_topic = {**old_topic.astype(str).to_dict(), **topic_of}
            arts["topic_id"] = arts["canonical_id"].map(canon_topic)
            topics = self._topics_table(arts, desc, union_topic, final)
            s.n_out = len(topics)
            s.extra["topic_merge_candidates"] = len(merges)
        return topics, merges

    def _topics_table(
        self, arts: pd.DataFrame, desc: pd.DataFrame, union_topic: pd.Series, final: dict[str, str]
    ) -> pd.DataFrame:
        """Previous topics, with every topic that gained articles in this run described afresh."""
        prev_topics = self.state_topics()
        touched = arts["topic_id"].unique()
        # description of a final topic: the clustering topic with most members mapped to it
        counts = union_topic.astype(str).value_counts()
        fm = pd.DataFrame({"u": list(final.keys()), "f": list(final.values())}, dtype=object)
        fm["c"] = fm["u"].map(counts).fillna(0).to_numpy(dtype=np.int64)
        # per final topic, the clustering topic with the most members (ties: the larger id)
        fm = fm.sort_values(["f", "c", "u"], ascending=[True, False, False], kind="stable")
        best = fm.drop_duplicates("f").set_index("f")["u"]
        members = arts[["article_id", "topic_id", "published_at", "source"]]
        previous = self.previous_article_columns()
        if len(previous):
            # (without a previous version every member's topic is touched: nothing to filter)
            members = pd.concat([previous, members], ignore_index=True)
            members = members[members["topic_id"].isin(touched)]
        # typed before grouping: an object column would make the aggregations fall back to Python loops
        members = members.assign(published_at=pd.to_datetime(members["published_at"], utc=True))
        grouped = members.groupby("topic_id")
        sources = members.dropna(subset=["source"])
        agg = pd.DataFrame(
            {
                "size": grouped.size(),
                "n_sources": sources[sources["source"] != ""].groupby("topic_id")["source"].nunique(),
                "first_published": grouped["published_at"].min(),
                "last_published": grouped["published_at"].max(),
            }
        )
        agg["n_sources"] = agg["n_sources"].fillna(0).astype("int64")
        # the description (label, keywords, representative) from clustering, else from the previous version
        text_cols = ["label", "keywords", "representative_id"]
        source_desc = desc.set_index("topic_id")[text_cols]
        tids = agg.index.to_numpy(dtype=object)
        chosen = best.reindex(tids).to_numpy(dtype=object)
        picked = source_desc.reindex(chosen)
        cols = {c: picked[c].to_numpy(dtype=object).copy() for c in text_cols}
        if len(prev_topics):
            missing = picked["label"].isna().to_numpy()
            prev_desc = prev_topics.set_index("topic_id")[text_cols].reindex(tids)
            for c in text_cols:
                cols[c][missing] = prev_desc[c].to_numpy(dtype=object)[missing]
        fresh_desc = pd.DataFrame(cols, index=tids)
        fresh = pd.DataFrame(
            {
                "topic_id": tids,
                "label": fresh_desc["label"].fillna("").to_numpy(dtype=object),
                "keywords": [
                    list(k) if isinstance(k, list | np.ndarray) else [] for k in fresh_desc["keywords"]
                ],
                "size": agg["size"].to_numpy(dtype=np.int64),
                "n_sources": agg["n_sources"].to_numpy(dtype=np.int64),
                "representative_id": fresh_desc["representative_id"].fillna("").to_numpy(dtype=object),
                "first_published": agg["first_published"].to_numpy(),
                "last_published": agg["last_published"].to_numpy(),
                "run_id": self.run_id,
            },
            columns=[*TOPIC_COLUMNS, "run_id"],
        )
        kept = prev_topics[~prev_topics["topic_id"].isin(touched)] if len(prev_topics) else prev_topics
        out = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
        return out.sort_values(["size", "topic_id"], ascending=[False, True]).reset_index(drop=True)

    def state_topics(self) -> pd.DataFrame:
        if not self.incremental or self.staging.previous is None:
            return pd.DataFrame(columns=[*TOPIC_COLUMNS, "run_id"])
        parts = self.staging.previous_parts("topics")
        return pd.read_parquet(parts[0]) if parts else pd.DataFrame(columns=[*TOPIC_COLUMNS, "run_id"])

    def previous_article_columns(self) -> pd.DataFrame:
        cols = ["article_id", "topic_id", "published_at", "source"]
        parts = self.staging.previous_parts("articles") if self.incremental else []
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        return pd.read_parquet(parts[0].parent, columns=cols)

    # -- write -------------------------------------------------------------------------------------
    def retention(self, arts: pd.DataFrame) -> None:
        """The effective times of the new articles and the history (``t_new``, ``t_old``: also the dedup and
        topic windows' times), and which of both the next state retains (``keep_old``, ``keep_new``).

        Retention is measured from the newest article time the state has seen, not the wall clock, so
        re-running old data keeps what it needs."""
        hist = self.state.history
        self.t_new = t_new = effective_time(arts["published_at"], self.seen_at)
        self.t_old = t_old = (
            effective_time(hist["published_at"], hist["seen_at"]) if len(hist) else t_new.iloc[0:0]
        )
        newest = pd.concat([t_old, t_new]).max() if len(t_old) + len(t_new) else None
        retention = pd.Timedelta(days=self.config.state.retention_days)
        self.keep_old = (t_old >= newest - retention).to_numpy() if newest is not None else np.zeros(0, bool)
        self.keep_new = (t_new >= newest - retention).to_numpy() if newest is not None else np.zeros(0, bool)
        self.retained = int(self.keep_old.sum() + self.keep_new.sum())

    def write(
        self,
        arts: pd.DataFrame,
        dups: pd.DataFrame,
        topics: pd.DataFrame,
        rejects: list[Reject],
        changes: dict[str, str],
        history_text: Future[None],
    ) -> None:
        with self.steps.step("write", n_in=len(arts)) as s:
            arts["run_id"] = self.run_id
            dups = dups.assign(run_id=self.run_id)
            st = self.staging
            rewritten = 0
            if self.incremental:
                rewritten += self._carry_over_with_changes(
                    "articles", changes, lambda f, c: _fix_article_rows(f, c, self.former_canonicals)
                )
                rewritten += self._carry_over_with_changes("duplicates", changes, _fix_duplicate_rows)
                st.carry_over("rejects")
            st.carry_over("runs")
            # The big writes (the run's articles, in one file per thread, and the history in state) read the
            # staged parts and compress in Arrow's C++ code, which releases the GIL: side by side they use
            # every core.
            threads = max(1, self.config.run.n_jobs)
            files = _article_files(self.parts, threads)
            with ThreadPoolExecutor(max_workers=threads) as pool:
                # the articles files first: they are the longer jobs, so the shorter one fills the gaps
                writes = [
                    pool.submit(self._write_articles, arts, lo, hi, f"part-{self.run_id}" + suffix)
                    for (lo, hi), suffix in zip(files, _part_suffixes(len(files)), strict=True)
                ]
                writes.append(pool.submit(self._write_state, arts, changes))
                for w in writes:
                    w.result()
            history_text.result()
            st.write_table("duplicates", f"part-{self.run_id}", to_arrow("duplicates", dups, self.meta))
            st.write_table(
                "rejects",
                f"part-{self.run_id}",
                to_arrow("rejects", _rejects_frame(rejects, self.run_id), self.meta),
            )
            st.write_table("topics", "topics", to_arrow("topics", topics, self.meta))
            s.n_out = len(arts)
            s.extra["rewritten_parts"] = rewritten

    def _carry_over_with_changes(self, table: str, changes: dict[str, str], fix: Any) -> int:
        """Hard-link the previous parts of ``table``; parts holding a group whose canonical changed are
        rewritten with the new canonical instead. Returns the number of rewritten parts."""
        affected: list[Path] = []
        if changes:
            for part in self.staging.previous_parts(table):
                groups = pq.read_table(part, columns=["dup_group_id"]).column("dup_group_id").to_pylist()
                if set(groups) & set(changes):
                    affected.append(part)
        self.staging.carry_over(table, exclude={p.name for p in affected})
        for part in affected:
            frame = pd.read_parquet(part)
            fixed = fix(frame, changes)
            self.staging.write_table(table, part.stem, to_arrow(table, fixed, self.meta))
        return len(affected)

    def _write_articles(self, arts: pd.DataFrame, first: int, end: int, name: str) -> None:
        """One file of the run's articles: the staged parts ``first:end``, their parse columns joined with
        the dedup and topic columns, written staged part by staged part so only one is in memory."""
        schema = arrow_schema("articles", self.meta)
        parse_cols = [c for c in STAGE_SCHEMA.names if c != "match_text"]

        def tables() -> Iterator[pa.Table]:
            lo = sum(int(keep.sum()) for _, keep in self.parts[:first])
            for staged in staged_rows(self.parts[first:end], parse_cols):
                hi = lo + staged.num_rows
                sl = arts.iloc[lo:hi]
                cols = {name: staged.column(name) for name in parse_cols}
                for name in _RUN_COLUMNS:
                    typ = schema.field(name).type
                    cols[name] = (
                        pa.repeat(pa.scalar(self.run_id, typ), len(sl))
                        if name == "run_id"
                        else pa.array(sl[name], typ, from_pandas=True)
                    )
                yield pa.table([cols[f.name] for f in schema], schema=schema)
                lo = hi

        self.staging.write_table_stream("articles", name, schema, tables())

    def _write_state(self, arts: pd.DataFrame, changes: dict[str, str]) -> None:
        """History rows (retained articles with signatures, groups and topics; their text is written by
        ``_write_history_text``) and the input ledger."""
        params = self.config.dedup
        schema = history_schema(params)
        sig_dtype = np.dtype(np.uint32 if params.scheme == "affine32" else np.uint64)
        row_bytes = params.num_perm * sig_dtype.itemsize

        def tables() -> Iterator[pa.Table]:
            yield from self._kept_history(self.keep_old, changes)
            for lo in range(0, len(arts), _HISTORY_BATCH):
                hi = min(lo + _HISTORY_BATCH, len(arts))
                k = self.keep_new[lo:hi]
                sl = arts.iloc[lo:hi][k]
                sigs = np.fromfile(
                    self.sig_path, dtype=sig_dtype, count=(hi - lo) * params.num_perm, offset=lo * row_bytes
                ).reshape(hi - lo, params.num_perm)[k]
                frame = sl[["article_id", "published_at", "source", "content_hash", "dup_group_id"]].assign(
                    seen_at=self.seen_at,
                    body_len=sl["body_chars"],
                    canonical_id=sl["canonical_id"],
                    is_canonical=sl["is_canonical"],
                    topic_id=sl["topic_id"],
                )
                yield history_table(frame, sigs, params)

        self.staging.write_table_stream("state", "history", schema, tables(), **history_write_options(schema))
        new_ledger = self._new_ledger()
        ledger = (
            pd.concat([self.state.ledger, new_ledger], ignore_index=True)
            if len(self.state.ledger)
            else new_ledger
        )
        self.staging.write_table("state", "ledger", ledger_table(ledger))

    def _new_ledger(self) -> pd.DataFrame:
        """This run's inputs for the ledger; a file that could not be read has no digest and is left out, so
        the next run tries it again."""
        files = [f for f in self.inputs.files if self.inputs.digests.get(f.path) is not None]
        return pd.DataFrame(
            {
                "xxh3_128": [self.inputs.digests[f.path] for f in files],
                "path": [f.path for f in files],
                "rel": [f.rel for f in files],
                "root": [str(f.root) for f in files],
                "format": [f.format for f in files],
                "size": [f.size for f in files],
                "run_id": self.run_id,
            },
            columns=LEDGER_COLUMNS,
        )

    def _kept_history(self, keep: np.ndarray, changes: dict[str, str]) -> Iterator[pa.Table]:
        """The previous history rows at ``keep``, canonical changes applied, batch by batch from its file."""
        for batch, lo, k in _kept_batches(self.state.history_path, META_COLUMNS, keep):
            frame = _apply_canonical_changes(batch.to_pandas()[k].reset_index(drop=True), changes)
            sigs = self.state.signatures[lo : lo + batch.num_rows][k]
            yield history_table(frame, sigs, self.config.dedup)

    def _write_history_text(self, stop: threading.Event) -> None:
        """The history's text file: the retained earlier rows, then the retained new articles (the order of
        the history file), read from the previous file and the staging files. Runs in a thread beside the
        dedup and cluster steps; ``stop`` set by the main thread ends it early."""

        def tables() -> Iterator[pa.Table]:
            for batch, _, k in _kept_batches(self.state.text_path, TEXT_COLUMNS, self.keep_old):
                _check(stop)
                yield pa.Table.from_batches([batch]).filter(pa.array(k))
            lo = 0
            for staged in staged_rows(self.parts, TEXT_COLUMNS):
                _check(stop)
                hi = lo + staged.num_rows
                k = self.keep_new[lo:hi]
                yield staged if k.all() else staged.filter(pa.array(k))
                lo = hi

        self.staging.write_table_stream("state", "history_text", TEXT_SCHEMA, tables())

    # -- manifest ----------------------------------------------------------------------------------
    def finish(
        self,
        inputs: _Inputs,
        already: list[InputFile],
        n_accepted: int,
        rejects: list[Reject],
        per_file: dict[str, Counter[str]],
        arts: pd.DataFrame,
        dups: pd.DataFrame,
        topics: pd.DataFrame,
        merges: list[list[str]],
    ) -> RunResult:
        n_rejected = len(rejects)
        n_seen = n_accepted + n_rejected
        reject_fraction = n_rejected / n_seen if n_seen else 0.0
        exit_code = (
            EXIT_TOO_MANY_REJECTS if reject_fraction > self.config.input.max_reject_fraction else EXIT_OK
        )
        old_topics = set(self.state.history["topic_id"])
        counts = {
            "files": len(inputs.files),
            "skipped_files": len(inputs.skipped),
            "already_processed_files": len(already),
            "records_seen": n_seen,
            "accepted": n_accepted,
            "rejected": n_rejected,
            "articles": len(arts),
            "canonical": int(arts["is_canonical"].sum()) if len(arts) else 0,
            "duplicates": len(dups),
            "dup_groups": int(arts["dup_group_id"].nunique()) if len(arts) else 0,
            "topics": len(topics),
            "new_topics": int(arts.loc[~arts["topic_id"].isin(old_topics), "topic_id"].nunique())
            if len(arts)
            else 0,
            "retained_history": self.retained,
        }
        manifest: dict[str, Any] = {
            "run_id": self.run_id,
            "schema_version": SCHEMA_VERSION,
            "started_at": self.started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "status": "committed",
            "exit_code": exit_code,
            "mode": "full_refresh"
            if self.full_refresh
            else "incremental"
            if self.incremental
            else "snapshot",
            "output": str(self.staging.path.parent.parent),
            "argv": sys.argv,
            "host": platform.node(),
            "pid": os.getpid(),
            "inputs": [
                {
                    "path": f.path,
                    "id_root": str(f.root),
                    "rel": f.rel,
                    "format": f.format,
                    "size": f.size,
                    "xxh3_128": inputs.digests.get(f.path),
                    "records_seen": per_file[f.rel]["accepted"] + per_file[f.rel]["rejected"],
                    "accepted": per_file[f.rel]["accepted"],
                    "rejected": per_file[f.rel]["rejected"],
                }
                for f in inputs.files
            ],
            "already_processed": [{"path": f.path, "xxh3_128": inputs.digests.get(f.path)} for f in already],
            "skipped": [{"path": k.path, "reason": k.reason} for k in inputs.skipped],
            "counts": counts,
            "reject_reasons": dict(sorted(Counter(r.reason for r in rejects).items())),
            "reject_fraction": round(reject_fraction, 6),
            "topic_merge_candidates": merges,
            "steps": self.steps.as_dict(),
            "config": config_to_dict(self.config),
            "parameters": self.meta,
            "versions": _package_versions(),
        }
        self.staging.write_json("runs", f"{self.run_id}.json", manifest)
        return RunResult(
            run_id=self.run_id,
            output=self.staging.path.parent.parent,
            status="committed",
            exit_code=exit_code,
            counts=counts,
            reject_fraction=reject_fraction,
            manifest=manifest,
        )


def _dedup_docs(arts: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": arts["article_id"],
            "published_at": arts["published_at"],
            "body_len": arts["body_chars"],
            "source": arts["source"],
        }
    )


def _article_files(parts: Sequence[tuple[str, np.ndarray]], files: int) -> list[tuple[int, int]]:
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


def _part_suffixes(n: int) -> list[str]:
    """File name suffixes of a run's articles files: none for one file, else -0000, -0001, ..."""
    return [""] if n == 1 else [f"-{k:04d}" for k in range(n)]


def _kept_batches(
    path: Path | None, columns: Sequence[str], keep: np.ndarray
) -> Iterator[tuple[pa.RecordBatch, int, np.ndarray]]:
    """(batch, its first row, its rows' part of ``keep``) for the batches of a previous state file that keep
    any row; nothing when there is no file or nothing is kept."""
    if path is None or not keep.any():
        return
    lo = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_HISTORY_BATCH, columns=list(columns)):
        k = keep[lo : lo + batch.num_rows]
        if k.any():
            yield batch, lo, k
        lo += batch.num_rows


class _Stopped(Exception):
    """A background writer was told to stop (the main thread failed)."""


def _check(stop: threading.Event) -> None:
    if stop.is_set():
        raise _Stopped


def _apply_canonical_changes(frame: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    """Rows of groups whose canonical changed point at the new canonical (which is not among them)."""
    if not changes or not len(frame):
        return frame
    frame = frame.copy()
    hit = frame["dup_group_id"].isin(set(changes))
    frame.loc[hit, "canonical_id"] = frame.loc[hit, "dup_group_id"].map(changes)
    frame.loc[hit, "is_canonical"] = False
    return frame


def _fix_article_rows(
    frame: pd.DataFrame, changes: dict[str, str], former: dict[str, tuple[float, float, str]]
) -> pd.DataFrame:
    hit = frame["dup_group_id"].isin(set(changes))
    was_canon = hit & frame["is_canonical"].astype(bool)
    frame = _apply_canonical_changes(frame, changes)
    default = (float("nan"), float("nan"), "near")
    ids = frame.loc[was_canon, "article_id"].astype(str)
    frame.loc[was_canon, "dup_similarity"] = [former.get(a, default)[0] for a in ids]
    frame.loc[was_canon, "dup_method"] = [former.get(a, default)[2] for a in ids]
    frame.loc[hit, "canonical_reason"] = "canonical moved to a later-run article by the canonical rule"
    return frame


def _fix_duplicate_rows(frame: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    hit = frame["dup_group_id"].isin(set(changes))
    frame = frame.copy()
    frame.loc[hit, "canonical_id"] = frame.loc[hit, "dup_group_id"].map(changes)
    return frame
