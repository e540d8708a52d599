"""The collector, the production read path's own rules: first-wins ids across tasks, rejects with reasons,
per-file counts, and the compact arrays aligned with the accepted articles."""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from newsdedup.dedup import compact_digests, sketch_texts
from newsdedup.io.digest import file_digest
from newsdedup.io.discover import discover
from newsdedup.io.idindex import IdIndex, id_keys
from newsdedup.io.staging import read_stage, staged_rows
from newsdedup.params import DedupParams, ParseConfig
from newsdedup.run.collect import Collected, Collector, IdRule
from newsdedup.run.tasks import Chunk, ChunkSettings, ReadTask, process_task


def _body(i: int) -> str:
    return f"Report number {i} on the council meeting about the rail yard in district {i}. " * 3


def _write(path: Path, ids: list[str], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps({"id": a, "title": f"Title {a}", "body": _body(k)}) for k, a in enumerate(ids)]
    path.write_text("\n".join([*lines, *extra_lines]) + "\n")


def _chunks(tmp_path: Path) -> tuple[list[Chunk], Path]:
    """Two tasks: f1 (x1, x2, x3) and f2 (x2 again, x4, a line that is not JSON)."""
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "f1.jsonl", ["x1", "x2", "x3"])
    _write(src / "f2.jsonl", ["x2", "x4"], ("{not json",))
    files, _ = discover([src])
    work = tmp_path / "work"
    work.mkdir()
    settings = ChunkSettings(ParseConfig(), DedupParams(), 5_000_000, str(work), digest_files=True)
    return [process_task(ReadTask(i, (f,)), settings) for i, f in enumerate(files)], work


def _index(folder: Path, known: dict[str, int]) -> IdIndex:
    """An id index holding ``known`` (id -> content key) in the articles part "part-old"."""
    folder.mkdir(exist_ok=True)
    ids = sorted(known)
    IdIndex.empty().write(
        folder, id_keys(ids), np.array([known[i] for i in ids], np.uint64), ["part-old"] * len(ids)
    )
    return IdIndex.load(folder)


def _collect(
    chunks: list[Chunk], work: Path, known: IdIndex | None = None, policy: str = "reject"
) -> Collected:
    rule = IdRule(known or IdIndex.empty(), policy)
    collector = Collector(work, rule, np.dtype(np.uint32), DedupParams().num_perm)
    for chunk in chunks:
        collector.add(chunk)
    return collector.finish()


def _content_of(chunks: list[Chunk], aid: str) -> int:
    for chunk in chunks:
        ids = chunk.light.column("article_id").to_pylist()
        if aid in ids:
            return int(compact_digests(chunk.sketches.digests)[ids.index(aid), 0])
    raise KeyError(aid)


def test_the_first_id_wins_across_tasks_and_says_where_it_was_first_seen(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    got = _collect(chunks, work)
    assert got.light["article_id"].tolist() == ["x1", "x2", "x3", "x4"]
    assert got.light["input"].tolist() == ["f1.jsonl"] * 3 + ["f2.jsonl"]
    dup = [r for r in got.rejects if r.reason == "duplicate_id"]
    assert [(r.input, r.record) for r in dup] == [("f2.jsonl", 1)]
    assert dup[0].detail == "id 'x2' first seen in f1.jsonl:2"
    assert [m.tolist() for _, m in got.parts] == [[True, True, True], [False, True]]


def test_the_order_the_chunks_come_in_decides_which_copy_wins(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    got = _collect(chunks[::-1], work)
    assert got.light["article_id"].tolist() == ["x2", "x4", "x1", "x3"]
    assert got.light["input"].tolist()[0] == "f2.jsonl"


def test_ids_of_earlier_runs_are_rejected_and_a_repeat_points_at_the_first_copy(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    got = _collect(chunks, work, known=_index(tmp_path / "ids", {"x2": 1}))
    assert got.light["article_id"].tolist() == ["x1", "x3", "x4"]
    details = [r.detail for r in got.rejects if r.reason == "duplicate_id"]
    assert details == [
        "article_id 'x2' was processed by an earlier run",
        "id 'x2' first seen in f1.jsonl:2",
    ]


@pytest.mark.parametrize(
    ("policy", "same_content", "accepted", "already", "updates"),
    [
        ("update", True, ["x1", "x3", "x4"], 1, {}),
        ("update", False, ["x1", "x2", "x3", "x4"], 0, {"x2": "part-old"}),
        ("skip", False, ["x1", "x3", "x4"], 1, {}),
    ],
)
def test_ids_of_earlier_runs_follow_on_seen_id(
    tmp_path: Path,
    policy: str,
    same_content: bool,
    accepted: list[str],
    already: int,
    updates: dict[str, str],
) -> None:
    chunks, work = _chunks(tmp_path)
    content = _content_of(chunks, "x2") + (0 if same_content else 1)
    got = _collect(chunks, work, known=_index(tmp_path / "ids", {"x2": content}), policy=policy)
    assert got.light["article_id"].tolist() == accepted
    assert sum(c["already_seen"] for c in got.per_file.values()) == already
    assert got.updates == updates
    # the repeat within the run is still a duplicate_id reject pointing at the first copy
    assert [r.detail for r in got.rejects if r.reason == "duplicate_id"] == [
        "id 'x2' first seen in f1.jsonl:2"
    ]


def test_rejects_are_counted_with_reasons_and_per_file(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    got = _collect(chunks, work)
    assert Counter(r.reason for r in got.rejects) == {"malformed_json": 1, "duplicate_id": 1}
    assert got.per_file == {
        "f1.jsonl": Counter(accepted=3),
        "f2.jsonl": Counter(accepted=1, rejected=2),
    }
    # every record seen is accepted or rejected, once
    assert sum(c["accepted"] + c["rejected"] for c in got.per_file.values()) == 6


def test_the_arrays_are_aligned_with_the_accepted_articles(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    got = _collect(chunks, work)
    texts = [t for table in staged_rows(got.parts, ["match_text"]) for t in table.column(0).to_pylist()]
    assert len(texts) == len(got.light) == 4
    expected = sketch_texts(texts, DedupParams())
    loaded = got.sketches.load()
    assert np.array_equal(loaded.signatures, expected.signatures)
    assert np.array_equal(loaded.digests, compact_digests(expected.digests))
    assert np.array_equal(loaded.offsets, expected.offsets)
    assert np.array_equal(np.asarray(loaded.hashes), expected.hashes)
    assert got.flags.shape == (4, 4) and got.keys.codes.tolist() == [0, 0, 0, 1]
    assert got.keys.groups == ["folder:f1.jsonl", "folder:f2.jsonl"]
    assert got.digests == {f: file_digest(f) for f in sorted(got.digests)}
    assert len(got.digests) == 2


def test_a_chunk_from_a_remote_worker_is_staged_by_the_collector(tmp_path: Path) -> None:
    chunks, work = _chunks(tmp_path)
    table = read_stage(chunks[0].path)
    Path(chunks[0].path).unlink()
    remote = Chunk(**{**chunks[0].__dict__, "table": table})
    got = _collect([remote, chunks[1]], work)
    assert read_stage(chunks[0].path).equals(table)
    assert len(got.light) == 4


@pytest.mark.parametrize("reading_fails", [True, False])
def test_the_sketch_files_are_closed_whatever_happens(tmp_path: Path, reading_fails: bool) -> None:
    chunks, work = _chunks(tmp_path)
    collector = Collector(work, IdRule(IdIndex.empty()), np.dtype(np.uint32), DedupParams().num_perm)
    collector.add(chunks[0])
    if reading_fails:
        collector.close()
        collector.close()  # twice is fine
        files = collector.finish().sketches.files
    else:
        files = collector.finish().sketches.files
    assert files.signatures().shape == (3, DedupParams().num_perm)
