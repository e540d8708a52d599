"""Streaming read, parse and sketch: input split into tasks, tasks run in worker processes, heavy columns staged.

The run's inputs are cut into :class:`ReadTask` s of about ``TASK_BYTES`` (a big JSONL file into line-aligned
byte spans, small files grouped). A worker reads its task (:func:`newsdedup.io.read.read_file`), parses each
record, builds the matching text and the dedup sketches, writes the article columns to a
staging file of its own, and returns only what the rest of the run needs in memory: the light columns (ids,
times, sources, titles), the sketches, the short-line keys for boilerplate learning, the rejects.
:class:`Collector` takes the chunks in task order (so the first-wins rule for repeated ids is the same as
reading the files one after another), appends the shingle hashes to one flat file that is memory-mapped
later, and keeps the compact arrays. Peak memory is bounded by those arrays, not by the text volume.

Learned boilerplate needs the whole run: a short line is boilerplate for an outlet when enough of its articles
carry it. Chunks are parsed without it; :meth:`Collector.finish` counts the line keys of the whole run, and
only the articles that carry a learned line are stripped again and re-sketched (their staged rows rewritten).
The result is the same as parsing the whole run in memory.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import posixpath
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from newsdedup.cluster.features import StoryFeatures, story_features
from newsdedup.dedup.core import Sketches, compact_digests, sketch_texts
from newsdedup.io.read import digest_or_none, jsonl_spans, read_file
from newsdedup.io.schema import SCHEMAS
from newsdedup.model import InputFile, ParsedArticle, RawRecord, Reject
from newsdedup.params import ClusterParams, DedupParams, ParseConfig
from newsdedup.run.articles import parse_one
from newsdedup.text.boilerplate import line_keys, strip_learned
from newsdedup.text.kernels import warm_up
from newsdedup.text.normalize import matching_text

__all__ = [
    "LIGHT_COLUMNS",
    "STAGE_SCHEMA",
    "Chunk",
    "ChunkSettings",
    "Collected",
    "Collector",
    "ReadTask",
    "append_sketches",
    "article_table",
    "plan_tasks",
    "process_task",
    "read_stage",
    "run_tasks",
    "staged_features",
    "staged_rows",
    "write_stage",
]

TASK_BYTES = 4 * 1024 * 1024
TASK_MAX_FILES = 2_000

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())

# The staged article columns: the output's columns that parsing fills (all before content_hash), plus the
# matching text.
_ARTICLE_FIELDS = list(SCHEMAS["articles"].remove_metadata())
STAGE_SCHEMA = pa.schema(
    [
        *_ARTICLE_FIELDS[: [f.name for f in _ARTICLE_FIELDS].index("content_hash")],
        pa.field("match_text", pa.string()),
    ]
)
# What stays in memory for the whole run (the rest is read back from the staging files when writing).
LIGHT_COLUMNS = ["article_id", "input", "record", "source", "title", "published_at", "body_chars"]


@dataclass(frozen=True)
class ReadTask:
    """Input for one worker call: whole files, or one line-aligned span of a JSONL file."""

    index: int
    files: tuple[InputFile, ...]
    span: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class ChunkSettings:
    """What a worker needs besides its task (small and picklable)."""

    parse: ParseConfig
    dedup: DedupParams
    max_article_bytes: int
    workdir: str
    # False when the workers cannot reach ``workdir`` (a remote Dask cluster): the chunk then carries its
    # article table and the collector writes the staging file.
    stage_in_worker: bool = True
    # Hash each whole input file of a task (the ledger's content digest) while reading it: on a run with no
    # earlier ledger to compare with, nothing needs the digests before reading.
    digest_files: bool = False


@dataclass
class Chunk:
    """A task's result: the light columns and sketches of its accepted records, in input order, and its
    rejects. The full article columns are in the staging file ``path``."""

    index: int
    path: str
    light: pa.Table
    rejects: list[Reject]
    sketches: Sketches
    group_keys: list[str]  # boilerplate-learning group per row ("source:..." or "folder:...")
    key_offsets: np.ndarray  # row i's short-line key hashes are key_hashes[key_offsets[i]:key_offsets[i+1]]
    key_hashes: np.ndarray
    flags: (
        np.ndarray
    )  # (4, rows) bool: published text missing, published of a wrong type, tz assumed, no author
    removed: Counter[str] = field(default_factory=Counter)
    table: pa.Table | None = None  # the article table, when the worker did not write the staging file
    # input path -> content digest (None: unreadable), when ``ChunkSettings.digest_files``
    file_digests: dict[str, str | None] = field(default_factory=dict)


def plan_tasks(files: Sequence[InputFile], target_bytes: int = TASK_BYTES) -> list[ReadTask]:
    """Cut the inputs into tasks of about ``target_bytes``, in file order."""
    tasks: list[ReadTask] = []
    group: list[InputFile] = []
    size = 0

    def flush() -> None:
        nonlocal group, size
        if group:
            tasks.append(ReadTask(len(tasks), tuple(group)))
        group, size = [], 0

    for f in files:
        spans = jsonl_spans(f, target_bytes)
        if spans is not None:
            flush()
            for span in spans:
                tasks.append(ReadTask(len(tasks), (f,), span))
            continue
        if group and (size + f.size > target_bytes or len(group) >= TASK_MAX_FILES):
            flush()
        group.append(f)
        size += f.size
    flush()
    return tasks


def _group_key(rec: RawRecord, art: ParsedArticle) -> str:
    """Boilerplate is learned per outlet: the record's source, else the parsed one, else its input folder."""
    source = rec.source or art.source
    if source:
        return "source:" + source
    return "folder:" + (posixpath.dirname(rec.input) if rec.kind == "raw" else rec.input)


def _key_hash(key: str) -> int:
    return xxhash.xxh64_intdigest(key.encode("utf-8"))


def article_table(
    records: Sequence[RawRecord], parsed: Sequence[ParsedArticle], match: Sequence[str]
) -> pa.Table:
    """The staged article columns of parsed records."""
    return pa.table(
        {
            "article_id": pa.array([r.article_id for r in records], pa.string()),
            "input": pa.array([r.input for r in records], pa.string()),
            "record": pa.array([r.record for r in records], pa.int64()),
            "source": pa.array(
                [r.source or a.source for r, a in zip(records, parsed, strict=True)], pa.string()
            ),
            "url": pa.array([r.url for r in records], pa.string()),
            "title": pa.array([a.title for a in parsed], pa.string()),
            "author": pa.array([a.author for a in parsed], pa.string()),
            "published_at": pa.array([a.published_at for a in parsed], _TS),
            "published_raw": pa.array([a.published_raw for a in parsed], pa.string()),
            "published_tz_assumed": pa.array([a.published_tz_assumed for a in parsed], pa.bool_()),
            "location": pa.array([a.location for a in parsed], pa.string()),
            "summary": pa.array([list(a.summary) for a in parsed], _STRS),
            "body": pa.array([a.body for a in parsed], pa.string()),
            "body_chars": pa.array([len(a.body) for a in parsed], pa.int64()),
            "encoding": pa.array([r.encoding for r in records], pa.string()),
            "removed_kinds": pa.array([_kinds_list(a.removed) for a in parsed], _STRS),
            "removed_lines": pa.array([list(a.removed_lines) for a in parsed], _STRS),
            "match_text": pa.array(list(match), pa.string()),
        },
        schema=STAGE_SCHEMA,
    )


def write_stage(table: pa.Table, path: str | Path) -> None:
    """Write staged rows as an uncompressed Arrow IPC file (fast to write, memory-mapped when read back).

    Written under a temporary name and renamed: a table read earlier from ``path`` may still point into the
    old file's mapping, which must not be truncated under it."""
    tmp = f"{path}.tmp"
    with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(tmp, path)


def read_stage(path: str | Path) -> pa.Table:
    """Read a staged file back (memory-mapped: pages are read as columns are used)."""
    # not closed here: the table's buffers point into the mapping, which lives as long as they do
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def process_task(task: ReadTask, settings: ChunkSettings) -> Chunk:
    """Read, parse and sketch one task; the article columns go to a staging file in ``settings.workdir``.

    The cyclic garbage collector is paused meanwhile: a task makes many short-lived objects and no cycles
    that outlive it (reference counting frees them), and the collector's passes cost about a tenth of the
    task's time (measured: 237-259 vs 212-222 us per JSONL article)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _process_task(task, settings)
    finally:
        if enabled:
            gc.enable()


def _process_task(task: ReadTask, settings: ChunkSettings) -> Chunk:
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    # each file is hashed by the task that reads its start (a JSONL file split into spans: the first span's)
    hash_here = settings.digest_files and (task.span is None or task.span[0] == 0)
    digests: dict[str, str | None] | None = {} if hash_here else None
    for f in task.files:
        for item in read_file(
            f, max_article_bytes=settings.max_article_bytes, span=task.span, digests=digests
        ):
            if isinstance(item, RawRecord):
                records.append(item)
            else:
                rejects.append(item)
        if digests is not None and f.path not in digests:  # not a file read whole at once: read it again
            digests[f.path] = digest_or_none(f.path, f.size)
    cfg = settings.parse
    parsed = [parse_one(r, cfg.default_tz) for r in records]
    match = [matching_text(a, include_title=cfg.include_title_in_match) for a in parsed]
    table = article_table(records, parsed, match)
    path = os.path.join(settings.workdir, f"chunk-{task.index:06d}.arrow")
    if settings.stage_in_worker:
        write_stage(table, path)
    offsets = [0]
    hashes: list[int] = []
    if cfg.learned_boilerplate:
        for a in parsed:
            hashes.extend(sorted(_key_hash(k) for k in line_keys(a.body)))
            offsets.append(len(hashes))
    else:
        offsets.extend([0] * len(parsed))
    removed: Counter[str] = Counter()
    for a in parsed:
        removed.update(a.removed)
    return Chunk(
        index=task.index,
        path=path,
        light=table.select(LIGHT_COLUMNS),
        rejects=rejects,
        sketches=sketch_texts(match, settings.dedup),
        group_keys=[_group_key(r, a) for r, a in zip(records, parsed, strict=True)],
        key_offsets=np.array(offsets, dtype=np.int64),
        key_hashes=np.array(hashes, dtype=np.uint64),
        flags=np.array(
            [
                [a.published_raw is None for a in parsed],
                [r.published_invalid for r in records],
                [a.published_tz_assumed for a in parsed],
                [a.author is None for a in parsed],
            ],
            dtype=bool,
        ).reshape(4, len(parsed)),
        removed=removed,
        table=None if settings.stage_in_worker else table,
        file_digests=digests or {},
    )


def run_tasks(tasks: Sequence[ReadTask], settings: ChunkSettings, n_jobs: int) -> Iterator[Chunk]:
    """Run tasks in forked worker processes, yielding chunks in task order with a bounded number in flight
    (so memory does not grow when the consumer is slower than the workers). One task or one job: in process."""
    workers = min(n_jobs, os.cpu_count() or 1, len(tasks))
    # compiled kernels loaded (or built, on a fresh install) once here; forked workers inherit them
    warm_up(settings.dedup.scheme)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for task in tasks:
            yield process_task(task, settings)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        pending: deque[Future[Chunk]] = deque()
        todo = iter(tasks)
        for task in todo:
            pending.append(pool.submit(process_task, task, settings))
            if len(pending) >= 2 * workers:
                break
        while pending:
            chunk = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(process_task, nxt, settings))
            yield chunk


@dataclass
class Collected:
    """Everything the later steps need from the read/parse stream."""

    light: pd.DataFrame  # LIGHT_COLUMNS per accepted article, input order, RangeIndex
    sketches: Sketches  # aligned with ``light``; ``hashes`` memory-mapped from the work folder
    parts: list[tuple[str, np.ndarray]]  # staging file and the mask of its rows that were accepted
    rejects: list[Reject]
    per_file: dict[str, Counter[str]]
    stats: dict[str, Any]
    hash_path: Path  # the flat shingle-hash file behind ``sketches.hashes``
    sig_path: Path  # the signatures, row after row (read back part by part once dedup is done)
    file_digests: dict[str, str | None]  # the chunks' ``file_digests``


class Collector:
    """Consumes chunks in task order: rejects repeated and already-processed ids, keeps compact arrays."""

    def __init__(
        self,
        workdir: Path,
        known_ids: set[str] | frozenset[str],
        parse: ParseConfig,
        dedup: DedupParams,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.workdir = workdir
        self.known = known_ids
        self.parse_cfg = parse
        self.dedup = dedup
        self.on_progress = on_progress
        self.ids: set[str] = set()  # every id seen so far (accepted or not): the first one wins
        self.rejects: list[Reject] = []
        self.per_file: dict[str, Counter[str]] = {}
        self.light: list[pa.Table] = []
        self.parts: list[tuple[str, np.ndarray]] = []
        self.digests: list[np.ndarray] = []  # (rows, 2) uint64 per chunk
        self.tokens: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]
        self.n_hashes = 0
        self.hash_path = workdir / "shingles.u32"
        self.sig_path = workdir / "signatures.bin"
        self._hash_fh = open(self.hash_path, "wb")  # noqa: SIM115 - closed in finish()
        self._sig_fh = open(self.sig_path, "wb")  # noqa: SIM115
        self.known_seen: dict[str, tuple[str, int | None]] = {}
        self.group_index: dict[str, int] = {}  # boilerplate-learning group -> code
        self.group_codes: list[np.ndarray] = []
        self.key_offsets: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]
        self.key_hashes: list[np.ndarray] = []
        self.n_keys = 0
        self.flags: list[np.ndarray] = []
        self.removed: Counter[str] = Counter()
        self.file_digests: dict[str, str | None] = {}
        self.seen = 0
        self.hash_dtype: np.dtype[Any] | None = None
        self.sig_dtype: np.dtype[Any] = np.dtype(np.uint32 if dedup.scheme == "affine32" else np.uint64)

    def close(self) -> None:
        for fh in (self._hash_fh, self._sig_fh):
            if not fh.closed:
                fh.close()

    def add(self, chunk: Chunk) -> None:
        """Take one chunk (chunks must come in task order)."""
        if chunk.table is not None:
            write_stage(chunk.table, chunk.path)
            chunk.table = None
        for r in chunk.rejects:
            self._reject(r)
        self.file_digests.update(chunk.file_digests)
        ids = chunk.light.column("article_id").to_pylist()
        inputs = chunk.light.column("input").to_pylist()
        recnos = chunk.light.column("record").to_pylist()
        keep = np.ones(len(ids), dtype=bool)
        for i, (aid, inp, rec) in enumerate(zip(ids, inputs, recnos, strict=True)):
            if aid in self.ids:
                where = self._first_seen(aid, chunk.light, i)
                loc = where[0] if where[1] is None else f"{where[0]}:{where[1]}"
                self._reject(Reject(inp, rec, "duplicate_id", f"id {aid!r} first seen in {loc}"))
                keep[i] = False
                continue
            self.ids.add(aid)
            if aid in self.known:
                self.known_seen[aid] = (inp, rec)
                self._reject(
                    Reject(inp, rec, "duplicate_id", f"article_id {aid!r} was processed by an earlier run")
                )
                keep[i] = False
                continue
            counts = self.per_file.get(inp)
            if counts is None:  # (not setdefault: that would build a Counter for every row)
                counts = self.per_file[inp] = Counter()
            counts["accepted"] += 1
        self.seen += len(ids) + len(chunk.rejects)
        rows = np.flatnonzero(keep)
        sk = chunk.sketches
        if not keep.all():
            from newsdedup.dedup.core import take_sketches

            sk = take_sketches(sk, rows)
        self.parts.append((chunk.path, keep))
        self.light.append(chunk.light.filter(pa.array(keep)) if not keep.all() else chunk.light)
        self.digests.append(compact_digests(sk.digests))
        self.tokens.append(sk.tokens)
        self.hash_dtype = sk.hashes.dtype
        np.ascontiguousarray(sk.hashes).tofile(self._hash_fh)
        self.offsets.append(sk.offsets[1:] + self.n_hashes)
        self.n_hashes += int(sk.offsets[-1])
        np.ascontiguousarray(sk.signatures, dtype=self.sig_dtype).tofile(self._sig_fh)
        # boilerplate-learning keys of the kept rows
        ko, kh = chunk.key_offsets, chunk.key_hashes
        lengths = np.diff(ko)[rows]
        idx = np.repeat(ko[:-1][rows] - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(
            int(lengths.sum()), dtype=np.int64
        )
        self.key_hashes.append(kh[idx])
        self.key_offsets.append(np.cumsum(lengths) + self.n_keys)
        self.n_keys += int(lengths.sum())
        index = self.group_index
        self.group_codes.append(
            np.array(
                [index.setdefault(chunk.group_keys[i], len(index)) for i in rows.tolist()], dtype=np.int64
            )
        )
        self.flags.append(chunk.flags[:, rows])
        if keep.all():
            self.removed.update(chunk.removed)
        else:
            self.removed.update(_removed_counts(read_stage(chunk.path).filter(pa.array(keep))))
        if self.on_progress is not None:
            self.on_progress(self.seen)

    def _first_seen(self, aid: str, light: pa.Table, before: int) -> tuple[str, int | None]:
        """Where ``aid`` was first seen (a rare path: searched in what was kept, then in this chunk)."""
        if aid in self.known_seen:
            return self.known_seen[aid]
        for table in [*self.light, light.slice(0, before)]:
            hit = pc.index(table.column("article_id"), aid).as_py()
            if hit >= 0:
                return str(table.column("input")[hit].as_py()), table.column("record")[hit].as_py()
        return ("this run", None)  # pragma: no cover - every id in self.ids was kept or is in known_seen

    def _reject(self, r: Reject) -> None:
        self.rejects.append(r)
        self.per_file.setdefault(r.input, Counter())["rejected"] += 1

    def finish(self) -> Collected:
        """Close the stream: learn boilerplate over the whole run, fix the affected articles, map the hashes."""
        self.close()
        # Each list is emptied as soon as it is joined, so the run never holds a part twice for long.
        parts, self.light = self.light, []
        light = (
            pa.concat_tables(parts).to_pandas()
            if parts
            else STAGE_SCHEMA.empty_table().select(LIGHT_COLUMNS).to_pandas()
        )
        del parts
        self.ids = set()
        light["record"] = light["record"].astype("Int64")
        n = len(light)
        signatures = np.fromfile(self.sig_path, dtype=self.sig_dtype).reshape(n, self.dedup.num_perm)
        sketches = Sketches(
            digests=np.concatenate(self.digests) if self.digests else np.zeros((0, 2), dtype=np.uint64),
            tokens=np.concatenate(self.tokens) if self.tokens else np.zeros(0, dtype=np.int64),
            hashes=_map_hashes(self.hash_path, self.hash_dtype),
            offsets=np.concatenate(self.offsets),
            signatures=signatures,
        )
        self.digests, self.tokens, self.offsets = [], [], []
        flags = np.concatenate(self.flags, axis=1) if self.flags else np.zeros((4, 0), dtype=bool)
        learned_lines = 0
        if self.parse_cfg.learned_boilerplate and n:
            learned_lines, sketches = self._learn(light, sketches)
        stats: dict[str, Any] = {
            "published_missing": int(flags[0].sum()),
            "published_unparsed": int((~flags[0] & light["published_at"].isna().to_numpy()).sum()),
            "published_invalid_type": int(flags[1].sum()),
            "published_tz_assumed": int(flags[2].sum()),
            "published_ok": int(light["published_at"].notna().sum()),
            "title_missing": int((light["title"].isna() | (light["title"] == "")).sum()),
            "author_missing": int(flags[3].sum()),
            "learned_boilerplate_lines": learned_lines,
            "boilerplate_removed": dict(sorted(self.removed.items())),
        }
        self.key_hashes, self.key_offsets, self.group_codes, self.flags = [], [], [], []
        return Collected(
            light,
            sketches,
            self.parts,
            self.rejects,
            self.per_file,
            stats,
            self.hash_path,
            self.sig_path,
            self.file_digests,
        )

    def _learn(self, light: pd.DataFrame, sketches: Sketches) -> tuple[int, Sketches]:
        """Learn boilerplate lines per group over the whole run; strip and re-sketch the articles that
        carry one. Returns the number of learned (group, line) pairs and the updated sketches."""
        codes = np.concatenate(self.group_codes)
        n_groups = len(self.group_index)
        key_offsets = np.concatenate(self.key_offsets)
        key_hashes = np.concatenate(self.key_hashes) if self.key_hashes else np.zeros(0, np.uint64)
        if not len(key_hashes):
            return 0, sketches
        doc = np.repeat(np.arange(len(codes), dtype=np.int64), np.diff(key_offsets))
        combo = _combine(key_hashes, codes[doc])
        uniq, first, counts = np.unique(combo, return_index=True, return_counts=True)
        group_n = np.bincount(codes, minlength=n_groups)
        need = np.maximum(self.parse_cfg.learned_min_docs, self.parse_cfg.learned_min_fraction * group_n)
        learned = uniq[counts >= need[codes[doc[first]]]]
        if not len(learned):
            return 0, sketches
        learned_set = set(learned.tolist())
        affected = np.unique(doc[np.isin(combo, learned)])
        return len(learned), self._strip_learned(affected, codes, learned_set, sketches)

    def _strip_learned(
        self, affected: np.ndarray, codes: np.ndarray, learned: set[int], sketches: Sketches
    ) -> Sketches:
        cfg = self.parse_cfg
        starts = np.cumsum([0] + [int(k.sum()) for _, k in self.parts])
        new_match: dict[int, str] = {}
        for p, (path, keep) in enumerate(self.parts):
            lo, hi = starts[p], starts[p + 1]
            mine = affected[(affected >= lo) & (affected < hi)]
            if not len(mine):
                continue
            table = read_stage(path)
            frame = table.to_pandas()
            kept_rows = np.flatnonzero(keep)
            for g in mine.tolist():
                row = int(kept_rows[g - lo])
                art = _article_from_row(frame.iloc[row])
                lines = frozenset(
                    k for k in line_keys(art.body) if _combine_one(_key_hash(k), int(codes[g])) in learned
                )
                stripped = strip_learned(art, lines)
                dropped = len(stripped.removed_lines) - len(art.removed_lines)
                self.removed["learned"] += dropped
                text = matching_text(stripped, include_title=cfg.include_title_in_match)
                frame.at[row, "body"] = stripped.body
                frame.at[row, "body_chars"] = len(stripped.body)
                frame.at[row, "removed_kinds"] = _kinds_list(stripped.removed)
                frame.at[row, "removed_lines"] = list(stripped.removed_lines)
                frame.at[row, "match_text"] = text
                new_match[g] = text
            write_stage(pa.Table.from_pandas(frame, schema=STAGE_SCHEMA, preserve_index=False), path)
        rows = np.array(sorted(new_match), dtype=np.int64)
        fresh = sketch_texts([new_match[int(g)] for g in rows], self.dedup)
        return _replace_mapped(sketches, rows, fresh, self.hash_path, self.sig_path)


def _kinds_list(removed: dict[str, int]) -> list[str]:
    """The ``removed_kinds`` column value: "kind=lines" entries, sorted."""
    return sorted(f"{k}={v}" for k, v in removed.items())


def _parse_kinds(kinds: Sequence[str] | None) -> dict[str, int]:
    """The inverse of :func:`_kinds_list`."""
    out: dict[str, int] = {}
    for kv in kinds if kinds is not None else []:
        k, _, v = str(kv).partition("=")
        out[k] = int(v)
    return out


def _removed_counts(table: pa.Table) -> Counter[str]:
    counts: Counter[str] = Counter()
    for kinds in table.column("removed_kinds").to_pylist():
        counts.update(_parse_kinds(kinds))
    return counts


def _article_from_row(row: pd.Series) -> ParsedArticle:
    removed = _parse_kinds(row["removed_kinds"])
    ts = row["published_at"]
    return ParsedArticle(
        title=row["title"],
        author=row["author"],
        published_at=None if pd.isna(ts) else pd.Timestamp(ts).to_pydatetime(),
        published_raw=row["published_raw"],
        published_tz_assumed=bool(row["published_tz_assumed"]),
        location=row["location"],
        summary=tuple(row["summary"] if row["summary"] is not None else ()),
        body=str(row["body"]),
        source=None,
        removed=removed,
        removed_lines=tuple(row["removed_lines"] if row["removed_lines"] is not None else ()),
    )


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _combine(key_hashes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """One 64-bit key per (group, line key)."""
    with np.errstate(over="ignore"):
        return key_hashes ^ ((codes.astype(np.uint64) + np.uint64(1)) * _MIX)


def _combine_one(key_hash: int, code: int) -> int:
    return int(_combine(np.array([key_hash], dtype=np.uint64), np.array([code]))[0])


def _map_hashes(path: Path, dtype: np.dtype[Any] | None) -> np.ndarray:
    """The flat shingle-hash file, memory-mapped read-only (an empty array for an empty file)."""
    dt = dtype if dtype is not None else np.dtype(np.uint32)
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=dt)
    return np.memmap(path, dtype=dt, mode="r")


def _replace_mapped(
    base: Sketches, rows: np.ndarray, new: Sketches, path: Path, sig_path: Path | None = None
) -> Sketches:
    """``base`` with the documents at ``rows`` replaced by ``new``; the flat hash file is rewritten in one
    streaming pass (segments copied in document order)."""
    if not len(rows):
        return base
    tmp = path.with_suffix(".tmp")
    old = base.hashes
    lengths = np.diff(base.offsets).copy()
    lengths[rows] = np.diff(new.offsets)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    with open(tmp, "wb") as fh:
        pos = 0
        for j, r in enumerate(rows.tolist()):
            np.ascontiguousarray(old[base.offsets[pos] : base.offsets[r]]).tofile(fh)
            np.ascontiguousarray(new.hashes[new.offsets[j] : new.offsets[j + 1]]).tofile(fh)
            pos = r + 1
        np.ascontiguousarray(old[base.offsets[pos] :]).tofile(fh)
    del old
    os.replace(tmp, path)
    # the other arrays are the collector's own: changed in place (the signatures are most of the memory)
    digests = compact_digests(base.digests)
    digests[rows] = compact_digests(new.digests)
    base.tokens[rows] = new.tokens
    base.signatures[rows] = new.signatures
    if sig_path is not None:  # the signature file is read again when the state is written
        width = base.signatures.shape[1] * base.signatures.itemsize
        with open(sig_path, "r+b") as fh:
            for r in rows.tolist():
                fh.seek(r * width)
                fh.write(np.ascontiguousarray(base.signatures[r]).tobytes())
    return Sketches(digests, base.tokens, _map_hashes(path, base.hashes.dtype), offsets, base.signatures)


def append_sketches(base: Sketches, extra: Sketches, path: Path) -> Sketches:
    """``base`` (whose hashes are the flat file ``path``) followed by ``extra``; the extra shingle hashes are
    appended to the file, so the hashes stay memory-mapped instead of being loaded to concatenate them."""
    if not len(extra.tokens):
        return base
    with open(path, "ab") as fh:
        np.ascontiguousarray(extra.hashes, dtype=base.hashes.dtype).tofile(fh)
    return Sketches(
        digests=np.concatenate([compact_digests(base.digests), compact_digests(extra.digests)]),
        tokens=np.concatenate([base.tokens, extra.tokens]),
        hashes=_map_hashes(path, base.hashes.dtype),
        offsets=np.concatenate([base.offsets, extra.offsets[1:] + base.offsets[-1]]),
        signatures=np.concatenate([base.signatures, extra.signatures]),
    )


def staged_features(
    parts: Sequence[tuple[str, np.ndarray]], rows: np.ndarray, params: ClusterParams, threads: int = 2
) -> StoryFeatures:
    """The story features of the accepted articles at global positions ``rows`` (sorted), made from their
    staged title and matching text part by part, so only those rows' texts are held.

    Made here rather than by the read workers: only the articles clustering needs (the canonical ones) are
    featurised. Parts are featurised by ``threads`` threads (the compiled featuriser releases the GIL);
    a document's features depend on its own text only, so the result does not depend on that."""
    jobs: list[tuple[str, np.ndarray]] = []
    lo = 0
    for path, keep in parts:
        kept = np.flatnonzero(keep)
        hi = lo + len(kept)
        a, b = np.searchsorted(rows, [lo, hi])
        if b > a:
            jobs.append((path, kept[rows[a:b] - lo]))
        lo = hi

    def featurise(job: tuple[str, np.ndarray]) -> StoryFeatures:
        path, idx = job
        table = read_stage(path).select(["title", "match_text"]).take(pa.array(idx))
        return story_features(table.column(0).to_pylist(), table.column(1).to_pylist(), params)

    # Each part's vocabulary repeats most words of the others: the parts' vocabularies are merged every
    # _VOCAB_MERGE parts (kept apart, thousands of strings per part would add up to more than the features).
    pieces: list[StoryFeatures] = []
    words: list[StoryFeatures] = [StoryFeatures.empty()]
    none = StoryFeatures.empty()

    def take(f: StoryFeatures) -> None:
        nonlocal words
        pieces.append(StoryFeatures(f.indptr, f.term, f.weight, none.vocab_hash, none.vocab_term))
        words.append(StoryFeatures(none.indptr, none.term, none.weight, f.vocab_hash, f.vocab_term))
        if len(words) > _VOCAB_MERGE:
            words = [StoryFeatures.concat(words)]

    if threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for f in pool.map(featurise, jobs):
                take(f)
    else:
        for job in jobs:
            take(featurise(job))
    return StoryFeatures.concat([*pieces, *words]) if pieces else StoryFeatures.empty()


_VOCAB_MERGE = 16


def staged_rows(parts: Iterable[tuple[str, np.ndarray]], columns: Sequence[str]) -> Iterator[pa.Table]:
    """The accepted staged rows, part by part, with only ``columns``."""
    for path, keep in parts:
        table = read_stage(path).select(list(columns))
        yield table if keep.all() else table.filter(pa.array(keep))
