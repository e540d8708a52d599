"""Read tasks: the run's inputs cut into pieces, and the work one worker does on one piece.

The inputs are cut into :class:`ReadTask` s of about ``TASK_BYTES`` (a big JSONL file into line-aligned byte
spans, a big WARC file into record-aligned ones, small files grouped). A worker reads its task, parses each record, builds the matching text and the
dedup sketches, stages the article columns in a file of its own, and returns a :class:`Chunk` with only what
the rest of the run needs in memory: the light columns (ids, times, sources, titles), the sketches, the
short-line keys for boilerplate learning, the rejects. Peak memory is then bounded by those, not by the text
volume. Chunks are put together in task order by :class:`newsdedup.run.collect.Collector`.
"""

from __future__ import annotations

import gc
import os
import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyarrow as pa
import xxhash

from newsdedup.dedup import Sketches, sketch_texts
from newsdedup.io.digest import digest_or_none
from newsdedup.io.readers import DEFAULT_PLAN, FieldPlan, file_spans, read_file, scan_jsonl, splittable
from newsdedup.io.staging import write_stage
from newsdedup.model import InputFile, MapFn, ParsedArticle, RawRecord, Reject, serial_map
from newsdedup.params import DedupParams, ParseConfig
from newsdedup.run.articles import article_table, parse_one, with_derived_id
from newsdedup.run.langid import article_language
from newsdedup.run.parallel import thread_map
from newsdedup.text.boilerplate import line_keys
from newsdedup.text.normalize import matching_text

__all__ = [
    "LIGHT_COLUMNS",
    "Chunk",
    "ChunkSettings",
    "ReadTask",
    "group_key",
    "key_hash",
    "plan_tasks",
    "process_task",
]

TASK_BYTES = 4 * 1024 * 1024
TASK_MAX_FILES = 2_000

#: What stays in memory for the whole run (the rest is read back from the staging files when writing).
LIGHT_COLUMNS = ["article_id", "input", "record", "source", "title", "published_at", "body_chars", "language"]


@dataclass(frozen=True)
class ReadTask:
    """Input for one worker call: whole files, or one span of a JSONL file (lines) or WARC file (records)."""

    index: int
    files: tuple[InputFile, ...]
    span: tuple[int, int, int] | None = None
    # the file's content digest, when planning already read the whole file (a remote JSONL file's first span)
    digest: str | None = None


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
    # how records without an id are named (InputConfig.id_from)
    id_from: tuple[str, ...] = ("path",)
    # where a structured record's fields are (compiled from InputConfig's preset and fields)
    plan: FieldPlan = DEFAULT_PLAN
    # where an article's source comes from (InputConfig.source_from)
    source_from: tuple[str, ...] = ("field", "headline")
    # threads a worker shingles and signs its task's texts on (the compiled kernels release the GIL)
    threads: int = 1


@dataclass(frozen=True)
class Chunk:
    """A task's result: the light columns and sketches of its accepted records, in input order, and its
    rejects. The full article columns are in the staging file ``path`` (or in ``table``, for the collector
    to stage, when the worker could not)."""

    index: int
    path: str
    light: pa.Table
    rejects: list[Reject]
    sketches: Sketches
    group_keys: list[str]  # boilerplate-learning group per row ("source:..." or "folder:...")
    key_offsets: np.ndarray  # row i's short-line key hashes are key_hashes[key_offsets[i]:key_offsets[i+1]]
    key_hashes: np.ndarray
    # (4, rows) bool, one row per flag: published text missing, published of a wrong type, time zone
    # assumed, no author
    flags: np.ndarray
    removed: Counter[str] = field(default_factory=Counter)  # boilerplate lines removed, per kind
    table: pa.Table | None = None
    # input path -> content digest (None: unreadable), when ``ChunkSettings.digest_files``
    file_digests: dict[str, str | None] = field(default_factory=dict)


def plan_tasks(
    files: Sequence[InputFile], target_bytes: int = TASK_BYTES, map_fn: MapFn = serial_map
) -> list[ReadTask]:
    """Cut the inputs into tasks of about ``target_bytes``, in file order.

    A big remote JSONL file is cut where a local one would be, from one read of it in order that also
    hashes it; ``map_fn`` runs those reads (the read step passes the engine's workers, so the file's bytes
    go there, not to this process). A local file is cut here with a seek per span."""
    remote = [f for f in files if f.fs is not None and splittable(f, target_bytes)]
    scans = map_fn(partial(scan_jsonl, target_bytes=target_bytes), remote)
    scanned = dict(zip((f.path for f in remote), scans, strict=True))
    tasks: list[ReadTask] = []
    group: list[InputFile] = []
    size = 0
    for f in files:
        spans, digest = scanned[f.path] if f.path in scanned else (file_spans(f, target_bytes), None)
        full = bool(group) and (size + f.size > target_bytes or len(group) >= TASK_MAX_FILES)
        if group and (spans is not None or full):
            tasks.append(ReadTask(len(tasks), tuple(group)))
            group, size = [], 0
        if spans is not None:
            for span in spans:
                tasks.append(ReadTask(len(tasks), (f,), span, digest if span[0] == 0 else None))
            continue
        group.append(f)
        size += f.size
    if group:
        tasks.append(ReadTask(len(tasks), tuple(group)))
    return tasks


def group_key(rec: RawRecord, art: ParsedArticle) -> str:
    """Boilerplate is learned per outlet: the record's source, else the parsed one, else its input folder."""
    source = rec.source or art.source
    if source:
        return "source:" + source
    return "folder:" + (posixpath.dirname(rec.input) if rec.kind == "raw" else rec.input)


def key_hash(key: str) -> int:
    """The 64-bit hash a short-line key travels as (from the workers to the learning step)."""
    return xxhash.xxh64_intdigest(key.encode("utf-8"))


def process_task(task: ReadTask, settings: ChunkSettings) -> Chunk:
    """Read, parse and sketch one task; the article columns go to a staging file in ``settings.workdir``.

    The cyclic garbage collector is paused meanwhile: a task makes many short-lived objects and no cycles
    that outlive it (reference counting frees them), and the collector's passes over them are a noticeable
    share of the task's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _process_task(task, settings)
    finally:
        if enabled:
            gc.enable()


def _read_task(
    task: ReadTask, settings: ChunkSettings
) -> tuple[list[RawRecord], list[Reject], dict[str, str | None] | None]:
    """The task's records and rejects, and the digests of its files when this task hashes them."""
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    # each file is hashed by the task that reads its start (a JSONL file split into spans: the first span's);
    # a remote file always, since discovery never hashes one (see run/discover_step.py)
    first = task.span is None or task.span[0] == 0
    hash_here = first and (settings.digest_files or any(f.fs is not None for f in task.files))
    digests: dict[str, str | None] | None = {} if hash_here else None
    taken: dict[str, str | None] = {}  # URL ids given in this task (see with_derived_id)
    for f in task.files:
        for item in read_file(
            f,
            max_article_bytes=settings.max_article_bytes,
            span=task.span,
            digests=digests,
            plan=settings.plan,
        ):
            if isinstance(item, RawRecord):
                records.append(item if item.has_id else with_derived_id(item, settings.id_from, taken))
            else:
                rejects.append(item)
        if digests is not None and f.path not in digests:  # not a file read whole at once: read it again
            if task.digest is not None:
                digests[f.path] = task.digest
            elif settings.digest_files or f.fs is not None:
                digests[f.path] = digest_or_none(f.path, f.size, f.fs)
    return records, rejects, digests


def _line_key_hashes(parsed: Sequence[ParsedArticle], learn: bool) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, hashes) of the articles' short-line keys, sorted per article; none when not learning."""
    offsets = [0]
    hashes: list[int] = []
    if learn:
        for a in parsed:
            hashes.extend(sorted(key_hash(k) for k in line_keys(a.body)))
            offsets.append(len(hashes))
    else:
        offsets.extend([0] * len(parsed))
    return np.array(offsets, dtype=np.int64), np.array(hashes, dtype=np.uint64)


def _process_task(task: ReadTask, settings: ChunkSettings) -> Chunk:
    records, rejects, digests = _read_task(task, settings)
    cfg = settings.parse
    parsed = [parse_one(r, cfg.default_tz, cfg.html_extractor, dayfirst=cfg.dayfirst) for r in records]
    match = [matching_text(a, include_title=cfg.include_title_in_match) for a in parsed]
    languages = [article_language(a.title, a.body, a.language_hint) for a in parsed]
    table = article_table(records, parsed, match, languages, settings.source_from)
    path = os.path.join(settings.workdir, f"chunk-{task.index:06d}.arrow")
    if settings.stage_in_worker:
        write_stage(table, path)
    offsets, hashes = _line_key_hashes(parsed, cfg.learned_boilerplate)
    removed: Counter[str] = Counter()
    for a in parsed:
        removed.update(a.removed)
    flags = [
        [a.published_raw is None for a in parsed],
        [r.published_invalid for r in records],
        [a.published_tz_assumed for a in parsed],
        [a.author is None for a in parsed],
    ]
    return Chunk(
        index=task.index,
        path=path,
        light=table.select(LIGHT_COLUMNS),
        rejects=rejects,
        sketches=sketch_texts(match, settings.dedup, map_fn=thread_map(settings.threads)),
        group_keys=[group_key(r, a) for r, a in zip(records, parsed, strict=True)],
        key_offsets=offsets,
        key_hashes=hashes,
        flags=np.array(flags, dtype=bool).reshape(4, len(parsed)),
        removed=removed,
        table=None if settings.stage_in_worker else table,
        file_digests=digests or {},
    )
