"""Writing a generated corpus to disk with its ground truth (labels.csv, and fields.jsonl for .txt)."""

from __future__ import annotations

import csv
import gzip as gzip_module
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import numpy as np

from newsdedup.errors import ConfigError
from newsdedup.synth.config import SynthArticle, SynthConfig
from newsdedup.synth.outlets import OUTLET_BY_NAME
from newsdedup.synth.render import encode_txt, render_txt
from newsdedup.synth.stories import generate

__all__ = ["write_corpus"]


def _replace_into(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def write_corpus(
    out_dir: Path, config: SynthConfig, *, fmt: str = "jsonl", gzip: bool = False, shard_size: int = 100_000
) -> dict[str, int]:
    """Write the corpus and its ground truth under `out_dir`; return counts and byte totals.

    jsonl goes to `out_dir/data/articles-NNNNN.jsonl[.gz]` (`shard_size` records each), txt to
    `out_dir/raw/...`; `labels.csv` (and `fields.jsonl` for txt) are written last, via a temporary name.
    """
    _check_arguments(fmt, gzip, shard_size)
    out_dir = Path(out_dir)
    data_dir = out_dir / ("raw" if fmt == "txt" else "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    labels_tmp = out_dir / "labels.csv.tmp"
    fields_tmp = out_dir / "fields.jsonl.tmp"
    counts = {"articles": 0, "copies": 0, "files": 0, "bytes": 0, "dup_groups": 0, "stories": 0}
    stories: set[str] = set()  # every group has exactly one original, so groups need no set
    with (
        labels_tmp.open("w", encoding="utf-8", newline="") as labels_fh,
        fields_tmp.open("w", encoding="utf-8") if fmt == "txt" else io.StringIO() as fields_fh,
    ):
        labels = csv.writer(labels_fh, lineterminator="\n")
        labels.writerow(["id", "dup_group", "story", *(["language"] if config.languages else [])])
        files: _Files = (
            _TxtFiles(data_dir, np.random.default_rng([config.seed, 2]), fields_fh, counts)
            if fmt == "txt"
            else _JsonlShards(data_dir, gzip, shard_size, counts)
        )
        for a in generate(config):
            row = [files.write(a), a.dup_group, a.story]
            labels.writerow([*row, a.language] if config.languages else row)
            counts["articles"] += 1
            counts["copies"] += a.is_copy
            counts["dup_groups"] += not a.is_copy
            stories.add(a.story)
        files.close()
    if fmt == "txt":
        _replace_into(fields_tmp, out_dir / "fields.jsonl")
    _replace_into(labels_tmp, out_dir / "labels.csv")
    counts["stories"] = len(stories)
    return counts


def _check_arguments(fmt: str, gzip: bool, shard_size: int) -> None:
    if fmt not in ("jsonl", "txt"):
        raise ConfigError(f"fmt must be 'jsonl' or 'txt', got {fmt!r}")
    if gzip and fmt != "jsonl":
        raise ConfigError("gzip is only supported with fmt='jsonl'")
    if not isinstance(shard_size, int) or shard_size < 1:
        raise ConfigError(f"shard_size must be >= 1, got {shard_size!r}")


class _Files(Protocol):
    def write(self, a: SynthArticle) -> str:
        """Write one article; return its id in labels.csv."""
        ...

    def close(self) -> None:
        """Finish the last file."""
        ...


class _TxtFiles:
    """One raw file per article in its outlet's layout and a mixed encoding; its fields go to fields.jsonl."""

    def __init__(self, data_dir: Path, rng: np.random.Generator, fields_fh: IO[str], counts: dict[str, int]):
        self.data_dir = data_dir
        self.rng = rng
        self.fields_fh = fields_fh
        self.counts = counts
        self.made_dirs: set[Path] = set()

    def write(self, a: SynthArticle) -> str:
        text, fields = render_txt(a, self.rng)
        raw = encode_txt(text, self.rng)
        path = self.data_dir / a.path
        if path.parent not in self.made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(path.parent)
        path.write_bytes(raw)
        self.counts["files"] += 1
        self.counts["bytes"] += len(raw)
        self.fields_fh.write(json.dumps(fields, ensure_ascii=False) + "\n")
        return a.path

    def close(self) -> None:
        pass


class _JsonlShards:
    """JSONL shards of `shard_size` records each, optionally gzipped."""

    def __init__(self, data_dir: Path, gz: bool, shard_size: int, counts: dict[str, int]):
        self.data_dir = data_dir
        self.gz = gz
        self.shard_size = shard_size
        self.counts = counts
        self.shard: _Shard | None = None

    def write(self, a: SynthArticle) -> str:
        if self.shard is None or self.shard.count >= self.shard_size:
            self.close()
            name = f"articles-{self.counts['files']:05d}.jsonl" + (".gz" if self.gz else "")
            self.shard = _Shard(self.data_dir / name, self.gz)
            self.counts["files"] += 1
        self.shard.add(_jsonl_line(a))
        return a.id

    def close(self) -> None:
        if self.shard is not None:
            self.counts["bytes"] += self.shard.close()
            self.shard = None


_JSON = json.JSONEncoder(ensure_ascii=False)


def _jsonl_line(a: SynthArticle) -> str:
    outlet = OUTLET_BY_NAME[a.source]
    body = a.body + ("\n\n" + outlet.jsonl_footer if outlet.jsonl_footer else "")
    record = {
        "id": a.id,
        "title": a.title,
        "body": body,
        "published_at": a.published_at.isoformat(),
        "author": a.author or None,
        "source": a.source,
        "url": a.url,
    }
    return _JSON.encode(record) + "\n"


@dataclass
class _Shard:
    """One jsonl shard written through a temporary name; lines are buffered and written in blocks."""

    path: Path
    gz: bool
    count: int = 0
    size: int = 0
    _buf: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        self._raw = self._tmp.open("wb")
        # mtime=0 and no file name in the header keep gzip output byte-identical across runs.
        self._fh = (
            gzip_module.GzipFile(filename="", mode="wb", fileobj=self._raw, compresslevel=1, mtime=0)
            if self.gz
            else self._raw
        )

    def add(self, line: str) -> None:
        self._buf.append(line)
        self.count += 1
        if len(self._buf) >= 512:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._buf).encode()
        self._fh.write(data)
        self.size += len(data)
        self._buf.clear()

    def close(self) -> int:
        """Finish the shard, move it into place and return its size on disk."""
        self._flush()
        if self.gz:
            self._fh.close()
        self._raw.close()
        _replace_into(self._tmp, self.path)
        return self.path.stat().st_size
