"""Putting the read chunks together in task order: the first-wins id rule, counts, and the compact arrays.

:class:`Collector` takes the chunks in task order, so the first-wins rule for repeated ids gives what reading
the files one after another gives. It stages a chunk's article table when the worker could not, rejects
repeated and already-processed ids (:class:`IdRule`), counts what was accepted and rejected per input file,
appends the accepted articles' shingle hashes and signatures to the sketch files
(:class:`~newsdedup.io.staging.SketchWriter`), and keeps the compact per-article arrays: the light columns,
digests, word counts, offsets, the short-line keys for boilerplate learning and the parse flags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from newsdedup.dedup import Sketches, compact_digests, take_sketches
from newsdedup.io.idindex import IdIndex, id_keys
from newsdedup.io.readers import RECORD_SKIP_REASONS
from newsdedup.io.staging import STAGE_SCHEMA, SketchFiles, SketchWriter, read_stage, write_stage
from newsdedup.model import Reject
from newsdedup.run.articles import removed_counts
from newsdedup.run.tasks import LIGHT_COLUMNS, Chunk

__all__ = ["Collected", "Collector", "IdRule", "LineKeys", "StagedSketches"]


@dataclass(frozen=True)
class StagedSketches:
    """The run's sketches: digests, word counts and shingle offsets in memory, hashes and signatures in the
    sketch files. :meth:`load` makes the :class:`~newsdedup.dedup.Sketches` the dedup step needs."""

    digests: np.ndarray  # (n, 2) uint64, see compact_digests
    tokens: np.ndarray
    offsets: np.ndarray
    files: SketchFiles

    def load(self) -> Sketches:
        """The sketches with the hashes and the signatures memory-mapped from their files."""
        return Sketches(self.digests, self.tokens, self.files.hashes(), self.offsets, self.files.signatures())


@dataclass(frozen=True)
class LineKeys:
    """The accepted articles' short-line keys (hashed) and boilerplate-learning groups, in article order."""

    groups: list[str]  # group name per code
    codes: np.ndarray  # group code per article
    offsets: np.ndarray  # article i's key hashes are hashes[offsets[i]:offsets[i+1]]
    hashes: np.ndarray


@dataclass(frozen=True)
class Collected:
    """Everything the later steps need from the read: the accepted articles in input order, their sketches,
    staged parts, keys and flags; the rejects and per-file counts; the input files' digests."""

    light: pd.DataFrame  # LIGHT_COLUMNS per accepted article, input order, RangeIndex
    sketches: StagedSketches
    parts: list[tuple[str, np.ndarray]]  # staging file and the mask of its rows that were accepted
    keys: LineKeys
    flags: np.ndarray  # (4, n) bool: see Chunk.flags
    removed: Counter[str]  # boilerplate lines removed per kind (before learning)
    rejects: list[Reject]
    per_file: dict[str, Counter[str]]  # input -> {"accepted": n, "rejected": n, "already_seen": n}
    digests: dict[str, str | None]  # input path -> content digest (None: unreadable)
    updates: dict[str, str]  # id of an accepted new version of an earlier article -> the part holding it
    # records that are no articles (RECORD_SKIP_REASONS: a WARC's requests ...), per reason; per_file counts
    # them as "skipped"
    skipped_records: Counter[str] = field(default_factory=Counter)


class IdRule:
    """The rules for article ids. Within a run the first record of an id wins: a later one (accepted or not)
    is a ``duplicate_id`` reject. A record whose id an earlier run holds (``known``, the output's id index)
    follows ``on_seen_id`` (:class:`~newsdedup.params.InputConfig`): "update" skips it as already seen when
    its content is the same and accepts it as a new version otherwise, "skip" always skips it, "reject"
    rejects it as ``duplicate_id``."""

    def __init__(self, known: IdIndex, on_seen_id: str = "reject") -> None:
        self.known = known
        self.policy = on_seen_id
        self.seen: set[str] = set()  # every id seen so far (accepted or not): the first one wins
        self.known_seen: dict[str, tuple[str, int | None]] = {}  # an earlier run's id -> where it came again
        self.updates: dict[str, str] = {}  # id of an accepted new version -> the part of its earlier one

    def admit(
        self, light: pa.Table, kept: Sequence[pa.Table], content: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, list[Reject]]:
        """(accepted rows, rows skipped as already seen, rejects of the others) of a chunk's ``light``
        table; ``content``: the rows' content keys; ``kept``: the rows accepted before (searched only to say
        where a repeated id was first seen)."""
        ids = light.column("article_id").to_pylist()
        inputs = light.column("input").to_pylist()
        recnos = light.column("record").to_pylist()
        found = self.known.lookup(id_keys(ids)) if len(self.known) else None
        keep = np.ones(len(ids), dtype=bool)
        already = np.zeros(len(ids), dtype=bool)
        rejects: list[Reject] = []
        for i, (aid, inp, rec) in enumerate(zip(ids, inputs, recnos, strict=True)):
            if aid in self.seen:
                where, line = self._first_seen(aid, [*kept, light.slice(0, i)])
                loc = where if line is None else f"{where}:{line}"
                rejects.append(Reject(inp, rec, "duplicate_id", f"id {aid!r} first seen in {loc}"))
                keep[i] = False
                continue
            self.seen.add(aid)
            if found is None or not found.found[i]:
                continue
            self.known_seen[aid] = (inp, rec)
            if self.policy == "reject":
                rejects.append(
                    Reject(inp, rec, "duplicate_id", f"article_id {aid!r} was processed by an earlier run")
                )
                keep[i] = False
            elif self.policy == "skip" or found.content[i] == content[i]:
                keep[i], already[i] = False, True
            else:
                self.updates[aid] = str(found.part[i])
        return keep, already, rejects

    def _first_seen(self, aid: str, tables: Sequence[pa.Table]) -> tuple[str, int | None]:
        """Where ``aid`` was first seen (a rare path: searched in what was kept, then in this chunk)."""
        if aid in self.known_seen:
            return self.known_seen[aid]
        for table in tables:
            hit = pc.index(table.column("article_id"), aid).as_py()
            if hit >= 0:
                return str(table.column("input")[hit].as_py()), table.column("record")[hit].as_py()
        return ("this run", None)  # pragma: no cover - every seen id was kept or is in known_seen


class _KeyLog:
    """The boilerplate-learning keys of the accepted rows, chunk after chunk."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # group -> code
        self.codes: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]
        self.hashes: list[np.ndarray] = []
        self.n = 0

    def add(self, chunk: Chunk, rows: np.ndarray) -> None:
        ko, kh = chunk.key_offsets, chunk.key_hashes
        lengths = np.diff(ko)[rows]
        idx = np.repeat(ko[:-1][rows] - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(
            int(lengths.sum()), dtype=np.int64
        )
        self.hashes.append(kh[idx])
        self.offsets.append(np.cumsum(lengths) + self.n)
        self.n += int(lengths.sum())
        index = self.index
        self.codes.append(
            np.array(
                [index.setdefault(chunk.group_keys[i], len(index)) for i in rows.tolist()], dtype=np.int64
            )
        )

    def finish(self) -> LineKeys:
        return LineKeys(
            groups=list(self.index),
            codes=np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int64),
            offsets=np.concatenate(self.offsets),
            hashes=np.concatenate(self.hashes) if self.hashes else np.zeros(0, dtype=np.uint64),
        )


class Collector:
    """Consumes chunks in task order (see the module docstring); :meth:`finish` returns :class:`Collected`."""

    def __init__(
        self,
        workdir: Path,
        ids: IdRule,
        sig_dtype: np.dtype[Any],
        num_perm: int,
        digests: dict[str, str | None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.ids = ids
        self.files = SketchWriter(workdir, sig_dtype, num_perm)
        self.keys = _KeyLog()
        self.on_progress = on_progress
        self.seen = 0  # records seen, accepted or rejected
        self.rejects: list[Reject] = []
        self.skipped_records: Counter[str] = Counter()
        self.per_file: dict[str, Counter[str]] = {}
        self.removed: Counter[str] = Counter()
        self.digests: dict[str, str | None] = dict(digests or {})
        # per chunk: light table, (staging file, accepted mask), digests, word counts, offsets, flags
        self.light: list[pa.Table] = []
        self.parts: list[tuple[str, np.ndarray]] = []
        self.arrays: dict[str, list[np.ndarray]] = {
            "digests": [],
            "tokens": [],
            "offsets": [np.zeros(1, dtype=np.int64)],
            "flags": [],
        }

    def add(self, chunk: Chunk) -> None:
        """Take one chunk (chunks must come in task order)."""
        if chunk.table is not None:
            write_stage(chunk.table, chunk.path)
        self.digests.update(chunk.file_digests)
        content = compact_digests(chunk.sketches.digests)[:, 0]
        keep, already, id_rejects = self.ids.admit(chunk.light, self.light, content)
        for r in [*chunk.rejects, *id_rejects]:
            if r.reason in RECORD_SKIP_REASONS:
                self.skipped_records[r.reason] += 1
                self.per_file.setdefault(r.input, Counter())["skipped"] += 1
                continue
            self.rejects.append(r)
            self.per_file.setdefault(r.input, Counter())["rejected"] += 1
        if already.any():
            skipped = chunk.light.filter(pa.array(already)).column("input")
            for counted in pc.value_counts(skipped).to_pylist():
                self.per_file.setdefault(counted["values"], Counter())["already_seen"] += counted["counts"]
        self.seen += len(keep) + len(chunk.rejects)
        rows = np.flatnonzero(keep)
        everything = bool(keep.all())
        light = chunk.light if everything else chunk.light.filter(pa.array(keep))
        for counted in pc.value_counts(light.column("input")).to_pylist():
            self.per_file.setdefault(counted["values"], Counter())["accepted"] += counted["counts"]
        sk = chunk.sketches if everything else take_sketches(chunk.sketches, rows)
        self.parts.append((chunk.path, keep))
        self.light.append(light)
        shift = self.files.append(sk.hashes, sk.signatures)
        self.arrays["digests"].append(compact_digests(sk.digests))
        self.arrays["tokens"].append(sk.tokens)
        self.arrays["offsets"].append(sk.offsets[1:] + shift)
        self.arrays["flags"].append(chunk.flags[:, rows])
        self.keys.add(chunk, rows)
        if everything:
            self.removed.update(chunk.removed)
        else:
            self.removed.update(removed_counts(read_stage(chunk.path).filter(pa.array(keep))))
        if self.on_progress is not None:
            self.on_progress(self.seen)

    def close(self) -> None:
        """Close the sketch files (also when reading failed)."""
        self.files.close()

    def finish(self) -> Collected:
        """Close the stream and join what was collected; each list is emptied as soon as it is joined, so the
        run never holds a part twice for long."""
        files = self.files.close()
        tables, self.light = self.light, []
        light = (
            pa.concat_tables(tables).to_pandas()
            if tables
            else STAGE_SCHEMA.empty_table().select(LIGHT_COLUMNS).to_pandas()
        )
        del tables
        self.ids.seen.clear()
        light["record"] = light["record"].astype("Int64")
        arrays, self.arrays = self.arrays, {}
        sketches = StagedSketches(
            digests=_joined(arrays["digests"], np.zeros((0, 2), dtype=np.uint64)),
            tokens=_joined(arrays["tokens"], np.zeros(0, dtype=np.int64)),
            offsets=np.concatenate(arrays["offsets"]),
            files=files,
        )
        return Collected(
            light=light,
            sketches=sketches,
            parts=self.parts,
            keys=self.keys.finish(),
            flags=np.concatenate(arrays["flags"], axis=1)
            if arrays["flags"]
            else np.zeros((4, 0), dtype=bool),
            removed=self.removed,
            rejects=self.rejects,
            per_file=self.per_file,
            digests=self.digests,
            updates=self.ids.updates,
            skipped_records=self.skipped_records,
        )


def _joined(arrays: list[np.ndarray], empty: np.ndarray) -> np.ndarray:
    return np.concatenate(arrays) if arrays else empty
