"""Every article id an output folder holds, as a sorted on-disk index a run searches without loading it.

Scheduled runs ask two questions of every record they read: was this id seen before, and with the same
content? Holding every earlier id in memory would make each run's cost grow with the age of the output, so
the index lives in three memory-mapped arrays in the version's ``state/`` folder, sorted by key:

    ids_key.npy      uint64  xxh3-64 of the article id (the sort key)
    ids_content.npy  uint64  the first 8 bytes of the article's content hash (xxh3-128), to tell a
                             correction (same id, other text) from a re-delivery
    ids_part.npy     uint32  which Parquet part of the ``articles`` table holds the row (index into
                             ``ids_parts.json``), so an update rewrites only the parts it touches

A lookup is a binary search per id on the mapped keys, so a run touches a few pages per id it asks about;
merging a run's ids streams the old arrays block by block into new files. Two different ids collide on a
64-bit key with a probability of about n / 2**64 per new id (5e-12 with 100 million ids held).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import xxhash

__all__ = ["IdIndex", "Lookup", "content_keys", "id_keys"]

KEY_FILE = "ids_key.npy"
CONTENT_FILE = "ids_content.npy"
PART_FILE = "ids_part.npy"
PARTS_FILE = "ids_parts.json"
_BLOCK = 1 << 20


def id_keys(ids: Sequence[str]) -> np.ndarray:
    """The index key of each article id (xxh3-64 of its UTF-8 bytes)."""
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(i.encode("utf-8", "surrogatepass")) for i in ids),
        dtype=np.uint64,
        count=len(ids),
    )


def content_keys(content_hash_hex: Sequence[str]) -> np.ndarray:
    """The content column's value for xxh3-128 content hashes written as hex: their first 8 bytes read as
    a little-endian uint64, the first word of :func:`newsdedup.dedup.compact_digests`."""
    raw = bytes.fromhex("".join(h[:16] for h in content_hash_hex))
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64)


@dataclass(frozen=True)
class Lookup:
    """What the index says about a batch of ids, aligned with the batch.

    found: the id is held; content: its stored content key (0 where not found); part: the name of the
    ``articles`` part that holds it (None where not found)."""

    found: np.ndarray
    content: np.ndarray
    part: list[str | None]


class IdIndex:
    """The id index of one committed version (empty before the first run or in an older state)."""

    def __init__(self, keys: np.ndarray, content: np.ndarray, part: np.ndarray, parts: list[str]) -> None:
        self.keys, self.content, self.part, self.parts = keys, content, part, parts

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def empty(cls) -> IdIndex:
        return cls(np.zeros(0, np.uint64), np.zeros(0, np.uint64), np.zeros(0, np.uint32), [])

    @classmethod
    def exists(cls, state_dir: Path | None) -> bool:
        return state_dir is not None and (state_dir / KEY_FILE).exists()

    @classmethod
    def load(cls, state_dir: Path | None) -> IdIndex:
        """Map the index of ``state_dir`` (read-only); empty when there is none."""
        if not cls.exists(state_dir):
            return cls.empty()
        assert state_dir is not None
        arrays = [np.load(state_dir / f, mmap_mode="r") for f in (KEY_FILE, CONTENT_FILE, PART_FILE)]
        parts = json.loads((state_dir / PARTS_FILE).read_text(encoding="utf-8"))
        return cls(arrays[0], arrays[1], arrays[2], list(parts))

    @classmethod
    def from_articles(cls, articles_dir: Path) -> IdIndex:
        """An index built in memory from an ``articles`` table's parts (article_id, content_hash): for a
        state written before the index existed; the run that reads it writes the index."""
        keys, content, part, parts = [], [], [], []
        for i, path in enumerate(sorted(articles_dir.glob("*.parquet"))):
            table = pq.read_table(path, columns=["article_id", "content_hash"])
            keys.append(id_keys(table.column("article_id").to_pylist()))
            content.append(content_keys(table.column("content_hash").to_pylist()))
            part.append(np.full(table.num_rows, i, dtype=np.uint32))
            parts.append(path.stem)
        if not keys:
            return cls.empty()
        k, c, p = np.concatenate(keys), np.concatenate(content), np.concatenate(part)
        order = np.argsort(k, kind="stable")
        k, last = _last_of_each(k[order])
        return cls(k, c[order][last], p[order][last], parts)

    def lookup(self, keys: np.ndarray) -> Lookup:
        """Search ``keys`` (any order)."""
        if not len(self.keys) or not len(keys):
            return Lookup(np.zeros(len(keys), bool), np.zeros(len(keys), np.uint64), [None] * len(keys))
        pos = np.searchsorted(self.keys, keys)
        pos_in = np.minimum(pos, len(self.keys) - 1)
        found = np.asarray(self.keys[pos_in] == keys) & (pos < len(self.keys))
        content = np.where(found, self.content[pos_in], 0).astype(np.uint64)
        part_idx = np.asarray(self.part[pos_in])
        part = [self.parts[int(p)] if f else None for p, f in zip(part_idx, found, strict=True)]
        return Lookup(found, content, part)

    def write(self, state_dir: Path, keys: np.ndarray, content: np.ndarray, part: Sequence[str]) -> None:
        """Write this index with the entries (``keys``, ``content``, ``part`` names) set into ``state_dir``:
        an entry whose key is held replaces the held content and part; the others are inserted in order.
        The old arrays are streamed block by block, so memory holds the new entries and one block."""
        names = list(self.parts)
        slot = {n: i for i, n in enumerate(names)}
        for n in part:
            if n not in slot:
                slot[n] = len(names)
                names.append(n)
        order = np.argsort(keys, kind="stable")
        keys, content = keys[order], content[order]
        part_idx = np.fromiter((slot[part[i]] for i in order), dtype=np.uint32, count=len(order))
        keys, last = _last_of_each(keys)
        content, part_idx = content[last], part_idx[last]
        held = self.lookup(keys).found if len(self.keys) else np.zeros(len(keys), bool)
        self._merge(state_dir, keys, content, part_idx, held)
        tmp = state_dir / (PARTS_FILE + ".tmp")
        tmp.write_text(json.dumps(names), encoding="utf-8")
        os.replace(tmp, state_dir / PARTS_FILE)

    def _merge(
        self, state_dir: Path, keys: np.ndarray, content: np.ndarray, part: np.ndarray, held: np.ndarray
    ) -> None:
        """Stream the old arrays into new files block by block: held keys get the new content and part in
        place, new keys are inserted in order."""
        new = ~held
        n_out = len(self.keys) + int(new.sum())
        outs = {
            f: np.lib.format.open_memmap(state_dir / (f + ".tmp"), mode="w+", dtype=dt, shape=(n_out,))
            for f, dt in ((KEY_FILE, np.uint64), (CONTENT_FILE, np.uint64), (PART_FILE, np.uint32))
        }
        upd = np.searchsorted(self.keys, keys[held]) if held.any() else np.zeros(0, np.int64)
        ins = np.searchsorted(self.keys, keys[new]) if len(self.keys) else np.zeros(int(new.sum()), np.int64)
        for a in range(0, len(self.keys), _BLOCK):
            b = min(a + _BLOCK, len(self.keys))
            dest = np.arange(a, b) + np.searchsorted(ins, np.arange(a, b), side="right")
            block_content, block_part = np.array(self.content[a:b]), np.array(self.part[a:b])
            lo, hi = np.searchsorted(upd, [a, b])
            block_content[upd[lo:hi] - a] = content[held][lo:hi]
            block_part[upd[lo:hi] - a] = part[held][lo:hi]
            outs[KEY_FILE][dest] = self.keys[a:b]
            outs[CONTENT_FILE][dest] = block_content
            outs[PART_FILE][dest] = block_part
        dest_new = ins + np.arange(len(ins))
        outs[KEY_FILE][dest_new] = keys[new]
        outs[CONTENT_FILE][dest_new] = content[new]
        outs[PART_FILE][dest_new] = part[new]
        for f, arr in outs.items():
            arr.flush()
            os.replace(state_dir / (f + ".tmp"), state_dir / f)


def _last_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``keys`` without repeats, and the position of each one's last occurrence."""
    if not len(keys):
        return keys, np.zeros(0, np.int64)
    last = np.flatnonzero(np.append(keys[1:] != keys[:-1], True))
    return keys[last], last
