"""Read tasks: planning (JSONL spans, grouped small files) and what one task gives back."""

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from newsdedup.dedup import sketch_texts
from newsdedup.io.digest import file_digest
from newsdedup.io.discover import discover
from newsdedup.io.readers import read_file
from newsdedup.io.staging import STAGE_SCHEMA, read_stage
from newsdedup.model import RawRecord, Reject
from newsdedup.params import DedupParams, ParseConfig
from newsdedup.run.tasks import LIGHT_COLUMNS, ChunkSettings, ReadTask, key_hash, plan_tasks, process_task
from newsdedup.text.boilerplate import line_keys


def _jsonl(path: Path, n: int) -> None:
    lines = []
    for i in range(n):
        if i % 7 == 3:
            lines.append("")  # blank lines are not records
        if i % 11 == 5:
            lines.append("{not json")
        lines.append(
            json.dumps({"id": f"a{i}", "title": f"Story {i}", "body": f"Body number {i}. " * (i % 5 + 1)})
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def _items(item: RawRecord | Reject) -> tuple[str, int | None, str]:
    if isinstance(item, RawRecord):
        return ("rec", item.record, item.article_id)
    return ("rej", item.record, item.reason)


@pytest.mark.parametrize("target", [64, 300, 1000, 10**9])
def test_jsonl_spans_read_exactly_the_whole_file(tmp_path: Path, target: int) -> None:
    _jsonl(tmp_path / "f.jsonl", 60)
    files, _ = discover([tmp_path])
    whole = [_items(i) for i in read_file(files[0])]
    tasks = plan_tasks(files, target)
    parts = [_items(i) for t in tasks for f in t.files for i in read_file(f, span=t.span)]
    assert parts == whole
    if target < 1000:
        assert len(tasks) > 3 and all(t.span is not None for t in tasks)


def test_small_files_are_grouped_in_file_order(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("Headline\n\nBody text of the story. " * 20)
    files, _ = discover([tmp_path])
    tasks = plan_tasks(files, 1500)
    assert [f for t in tasks for f in t.files] == files
    assert 1 < len(tasks) < 5


def test_jsonl_spans_and_grouped_files_keep_file_order_and_task_numbers(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\nBody text of the story. " * 20)
    _jsonl(tmp_path / "b.jsonl", 60)
    (tmp_path / "c.txt").write_text("Headline\n\nBody text of the story. " * 20)
    files, _ = discover([tmp_path])
    tasks = plan_tasks(files, 300)
    assert [t.index for t in tasks] == list(range(len(tasks)))
    assert tasks[0].files == (files[0],) and tasks[0].span is None
    assert tasks[-1].files == (files[2],) and tasks[-1].span is None
    assert all(t.files == (files[1],) and t.span is not None for t in tasks[1:-1])


def _settings(tmp_path: Path, **kw: object) -> ChunkSettings:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    defaults: dict[str, object] = {
        "parse": ParseConfig(),
        "dedup": DedupParams(),
        "max_article_bytes": 5_000_000,
        "workdir": str(work),
    }
    return ChunkSettings(**{**defaults, **kw})  # type: ignore[arg-type]


def test_a_task_stages_its_articles_and_returns_the_light_columns_and_sketches(tmp_path: Path) -> None:
    rows = [
        {"id": "x1", "title": "One", "body": "First body line.\n\nShare this article", "author": "A"},
        {"id": "x2", "title": "Two", "body": "Second body.", "published_at": [5]},  # a list: wrong type
        {"id": "x3", "title": "Three", "body": "Third body.", "published_at": "2024-05-01 10:00"},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "f.jsonl").write_text("\n".join([*map(json.dumps, rows), "{bad"]) + "\n")
    files, _ = discover([tmp_path / "in"])
    settings = _settings(tmp_path, digest_files=True)
    chunk = process_task(ReadTask(7, tuple(files)), settings)
    assert chunk.index == 7 and chunk.path.endswith("chunk-000007.arrow")
    assert chunk.light.column_names == LIGHT_COLUMNS
    assert chunk.light.column("article_id").to_pylist() == ["x1", "x2", "x3"]
    staged = read_stage(chunk.path)
    assert staged.schema == STAGE_SCHEMA and staged.num_rows == 3 and chunk.table is None
    assert [r.reason for r in chunk.rejects] == ["malformed_json"]
    expected = sketch_texts(staged.column("match_text").to_pylist(), settings.dedup)
    assert np.array_equal(chunk.sketches.signatures, expected.signatures)
    # flags: published missing, of a wrong type, time zone assumed, no author
    assert chunk.flags.tolist() == [
        [True, True, False],
        [False, True, False],
        [False, False, True],
        [False, True, True],
    ]
    assert chunk.removed["share"] == 1
    bodies = staged.column("body").to_pylist()
    for i, body in enumerate(bodies):
        keys = chunk.key_hashes[chunk.key_offsets[i] : chunk.key_offsets[i + 1]].tolist()
        assert keys == sorted(key_hash(k) for k in line_keys(body))
    assert chunk.group_keys == ["folder:f.jsonl"] * 3
    assert chunk.file_digests == {files[0].path: file_digest(files[0].path)}


def test_a_task_for_a_remote_worker_carries_its_table(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Headline\n\nBody text of the story.\n")
    files, _ = discover([tmp_path / "in"])
    chunk = process_task(ReadTask(0, tuple(files)), _settings(tmp_path, stage_in_worker=False))
    assert isinstance(chunk.table, pa.Table) and chunk.table.num_rows == 1
    assert not Path(chunk.path).exists()
    assert chunk.file_digests == {}
