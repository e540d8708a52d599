"""Tests for newsdedup.io.readers: decoding per format, quarantine reasons, reconciliation per file."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.io.discover import SKIP_REASONS, discover
from newsdedup.io.readers import REJECT_REASONS, read_file
from newsdedup.model import InputFile, RawRecord, Reject
from tests.hostile import ACCEPTED, expected_per_file, write_hostile_corpus
from tests.io.reference import read_all


def _outcomes(root: Path | str, max_bytes: int = 5_000_000) -> list[str]:
    files, _ = discover([root])
    return [
        ACCEPTED if isinstance(item, RawRecord) else item.reason
        for item in read_all(files, max_article_bytes=max_bytes)
    ]


def _only(tmp_path: Path, name: str, data: bytes, max_bytes: int = 5_000_000) -> list[RawRecord | Reject]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    files, skipped = discover([tmp_path])
    assert skipped == []
    return list(read_all(files, max_article_bytes=max_bytes))


def _jsonl(*objs: object) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


CASES = [
    # (description, file name, bytes, max_article_bytes, expected outcomes in record order)
    ("empty file", "a.txt", b"", 100, ["empty"]),
    ("whitespace-only file", "a.txt", b" \r\n\t\n ", 100, ["empty"]),
    ("BOM-only file (decodes to nothing)", "a.txt", b"\xef\xbb\xbf", 100, ["empty"]),
    ("BOM and Unicode spaces only", "a.txt", "\ufeff\u00a0\u2003\n".encode(), 100, ["empty"]),
    ("binary png", "a.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 100, ["binary"]),
    ("too large txt", "a.txt", b"x" * 101, 100, ["too_large"]),
    ("txt exactly at the limit", "a.txt", b"x" * 100, 100, [ACCEPTED]),
    ("undecodable", "a.txt", bytes(range(0x80, 0x100)) * 2, 1000, ["undecodable"]),
    ("cp1252 txt", "a.txt", "£5, it’s café".encode("cp1252"), 100, [ACCEPTED]),
    ("utf-8 BOM txt", "a.txt", b"\xef\xbb\xbfTitle\n\nBody", 100, [ACCEPTED]),
    ("CRLF txt", "a.txt", b"Title\r\n\r\nBody\r\n", 100, [ACCEPTED]),
    ("malformed JSON line", "a.jsonl", b'{"body": "x"\n{"body": "y"}\n', 100, ["malformed_json", ACCEPTED]),
    ("JSON list and number", "a.jsonl", b"[1]\n3\n", 100, ["not_an_object", "not_an_object"]),
    ("title of wrong type", "a.jsonl", _jsonl({"title": [1], "body": "b"}), 100, ["wrong_type"]),
    ("body of wrong type", "a.jsonl", _jsonl({"body": {"p": 1}}), 100, ["wrong_type"]),
    ("id of wrong type", "a.jsonl", _jsonl({"id": [1], "body": "b"}), 100, ["wrong_type"]),
    ("missing body and title", "a.jsonl", _jsonl({"author": "a"}), 100, ["missing_text"]),
    ("title, no body: headline-only", "a.jsonl", _jsonl({"title": "t"}), 100, [ACCEPTED]),
    ("empty body and title", "a.jsonl", _jsonl({"title": "", "body": ""}), 100, ["missing_text"]),
    ("blank body", "a.jsonl", _jsonl({"body": " \u00a0\n\t\u2003"}), 100, ["missing_text"]),
    (
        "duplicate id in one file",
        "a.jsonl",
        _jsonl({"id": 1, "body": "a"}, {"id": "1", "body": "b"}),
        100,
        [ACCEPTED, "duplicate_id"],
    ),
    ("deeply nested JSON", "a.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n", 10**6, ["malformed_json"]),
    (
        "JSON line too long, next read",
        "a.jsonl",
        _jsonl({"body": "x" * 300}, {"body": "ok"}),
        100,
        ["too_large", ACCEPTED],
    ),
    ("JSON line with NUL", "a.jsonl", b'{"body": "x"}\x00\n', 100, ["binary"]),
    ("JSON body with escaped NUL", "a.jsonl", b'{"body": "x\\u0000y"}\n', 100, ["binary"]),
    ("blank jsonl lines not records", "a.jsonl", b"\n\r\n" + _jsonl({"body": "b"}) + b"\n", 100, [ACCEPTED]),
    (
        "truncated gz",
        "a.jsonl.gz",
        gzip.compress(_jsonl({"body": "a"}, {"body": "b"}))[:-6],
        100,
        [ACCEPTED, ACCEPTED, "truncated"],
    ),
    ("not gzip at all", "a.jsonl.gz", b"plain text, not gzip\n", 100, ["truncated"]),
    (
        "malformed CSV row",
        "a.csv",
        b"id,body\n1,a\n2,b,extra\n3\n4,d\n",
        100,
        [ACCEPTED, "malformed_csv", "malformed_csv", ACCEPTED],
    ),
    (
        "CSV field over the limit",
        "a.csv",
        b"id,body\n1," + b"y" * 200_000 + b"\n2,ok\n",
        150_000,
        ["too_large", ACCEPTED],
    ),
    ("CSV blank lines before header", "a.csv", b"\n\r\nid,body\n\n1,x\n", 100, [ACCEPTED]),
    ("CSV gz", "a.csv.gz", gzip.compress(b"ID, Body ,Title\n1,a,t\n"), 100, [ACCEPTED]),
    ("corrupt parquet", "a.parquet", b"PAR1garbagePAR1", 100, ["unreadable"]),
]


@pytest.mark.parametrize(("desc", "name", "data", "max_bytes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_table(
    tmp_path: Path, desc: str, name: str, data: bytes, max_bytes: int, expected: list[str]
) -> None:
    items = _only(tmp_path, name, data, max_bytes)
    assert [ACCEPTED if isinstance(i, RawRecord) else i.reason for i in items] == expected
    for item in items:
        if isinstance(item, Reject):
            assert item.reason in REJECT_REASONS
            assert item.detail


def test_hostile_corpus_reconciles_per_file(tmp_path: Path) -> None:
    expected = write_hostile_corpus(tmp_path / "corpus")
    files, skipped = discover([tmp_path / "corpus"])
    per_file: dict[str, list[str]] = defaultdict(list)
    for item in read_all(files):
        per_file[item.input].append(ACCEPTED if isinstance(item, RawRecord) else item.reason)
    assert dict(per_file) == expected_per_file()
    outcomes = Counter(o for seq in per_file.values() for o in seq)
    assert outcomes[ACCEPTED] == expected["accepted"]
    assert sum(outcomes.values()) == expected["accepted"] + expected["rejected"]
    assert len(skipped) == expected["skipped"]
    for reason, n in Counter(s.reason for s in skipped).items():
        assert reason in SKIP_REASONS
        assert expected[reason] == n
    for reason, n in outcomes.items():
        if reason != ACCEPTED:
            assert expected[reason] == n


def test_hostile_corpus_records_carry_fields(tmp_path: Path) -> None:
    write_hostile_corpus(tmp_path)
    files, _ = discover([tmp_path])
    got = {r.article_id: r for r in read_all(files) if isinstance(r, RawRecord)}
    assert got["txt/cp1252.txt"].encoding == "cp1252"
    assert got["txt/cp1252.txt"].text == "Prices rise to £5\n\nIt’s a café story.\n"
    assert got["txt/bom.txt"].text == "BOM title\n\nBOM body.\n"
    assert got["txt/crlf.txt"].text == "CRLF title\n\nCRLF body line one.\nLine two.\n"
    assert got["txt/good.txt"].kind == "raw" and got["txt/good.txt"].record is None
    assert got["c"].body == "café costs £5, it’s fine" and got["c"].encoding == "cp1252"
    assert got["p"].published is None and got["p"].published_invalid
    assert got["j1"].published == "2024-11-18" and not got["j1"].published_invalid
    assert got["7"].kind == "structured"
    assert got["jsonl/articles.jsonl:2"].body == "Body from the text field."
    assert got["csv/rows.csv:2"].record == 2
    assert got["c5"].body == "Line one.\nLine two."
    assert got["w1"].body == "Costs £5 – it’s dear" and got["w1"].encoding == "cp1252"
    assert got["101"].published == "2024-11-18T04:55:00"
    assert got["parquet/good.parquet:3"].title == "Parquet three"


def test_duplicate_id_across_two_files_first_wins(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(_jsonl({"id": "x", "body": "first"}))
    (tmp_path / "b.csv").write_bytes(b"id,body\nx,second\ny,other\n")
    items = list(read_all(discover([tmp_path])[0]))
    assert [(type(i).__name__, i.input) for i in items] == [
        ("RawRecord", "a.jsonl"),
        ("Reject", "b.csv"),
        ("RawRecord", "b.csv"),
    ]
    dup = items[1]
    assert isinstance(dup, Reject) and dup.reason == "duplicate_id" and "a.jsonl:1" in dup.detail


def test_ids_for_records_without_id(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_bytes(_jsonl({"id": "k", "body": "1"}, {"body": "2"}, {"body": "3"}))
    ids = [r.article_id for r in read_all(discover([tmp_path])[0]) if isinstance(r, RawRecord)]
    assert ids == ["k", "sub/a.jsonl:2", "sub/a.jsonl:3"]
    ids = [r.article_id for r in read_all(discover([tmp_path / "sub"])[0]) if isinstance(r, RawRecord)]
    assert ids == ["k", "a.jsonl:2", "a.jsonl:3"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_permission_denied_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "secret.jsonl"
    path.write_bytes(_jsonl({"body": "x"}))
    path.chmod(0)
    try:
        assert _outcomes(tmp_path) == ["unreadable"]
    finally:
        path.chmod(0o644)


def test_file_deleted_after_discovery_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("t\n\nb\n")
    files, _ = discover([tmp_path])
    (tmp_path / "a.txt").unlink()
    items = list(read_file(files[0]))
    assert [(type(i), getattr(i, "reason", None)) for i in items] == [(Reject, "unreadable")]


def test_parquet_streams_batches_and_numbers_rows(tmp_path: Path) -> None:
    n = 700  # more than one 256-row batch
    ids: list[int | None] = [i if i % 3 else None for i in range(n)]
    table = pa.table({"id": pa.array(ids, pa.int64()), "text": [f"body {i}" for i in range(n)]})
    pq.write_table(table, tmp_path / "big.parquet", row_group_size=300)
    recs = [r for r in read_all(discover([tmp_path])[0]) if isinstance(r, RawRecord)]
    assert len(recs) == n
    assert [r.record for r in recs] == list(range(1, n + 1))
    assert recs[0].article_id == "big.parquet:1" and recs[1].article_id == "1"


def test_parquet_wrong_type_and_no_text_column(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["a", "b"], "title": [1, 2], "body": ["x", "y"]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"headline": ["h"]}), tmp_path / "b.parquet")  # no column is mapped
    assert _outcomes(tmp_path) == ["wrong_type", "wrong_type", "missing_text"]


def test_csv_in_cp1252_is_decoded_whole(tmp_path: Path) -> None:
    # UTF-8-looking first rows, a cp1252 byte much later: the pre-pass picks cp1252 for the whole file.
    rows = b"".join(b"%d,plain row %d\n" % (i, i) for i in range(5000))
    (tmp_path / "a.csv").write_bytes(b"id,body\n" + rows + b"x,\xa35 \x92quoted\x92\n")
    recs = [r for r in read_all(discover([tmp_path])[0]) if isinstance(r, RawRecord)]
    assert len(recs) == 5001
    assert recs[-1].body == "£5 ’quoted’" and recs[-1].encoding == "cp1252"


def test_read_file_streams(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(_jsonl({"body": "1"}, {"body": "2"}))
    f = discover([tmp_path])[0][0]
    it = read_file(f)
    first = next(it)
    assert isinstance(first, RawRecord) and first.body == "1"
    assert isinstance(f, InputFile) and f.size == (tmp_path / "a.jsonl").stat().st_size


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), fmt=st.sampled_from(["a.txt", "a.jsonl", "a.csv", "a.jsonl.gz"]))
def test_read_file_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / fmt
    path.write_bytes(data)
    files, _ = discover([path])
    for item in read_file(files[0], max_article_bytes=200):
        assert isinstance(item, RawRecord | Reject)
        if isinstance(item, Reject):
            assert item.reason in REJECT_REASONS


def test_gz_content_written_by_helper_is_valid() -> None:
    # guards the hostile corpus: its good .gz member really decompresses
    with gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(b'{"a": 1}\n'))) as fh:
        assert fh.read() == b'{"a": 1}\n'


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.csv"])
def test_permission_error_on_open_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Runs as root too (where chmod 0 does not stop reads): the module's open() and os.open fail.
    import newsdedup.io.remote as opener_mod

    (tmp_path / name).write_bytes(b"id,body\n1,x\n" if name.endswith("csv") else _jsonl({"body": "x"}))
    files, _ = discover([tmp_path])

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(opener_mod, "open", denied, raising=False)  # jsonl and csv files: open_input
    monkeypatch.setattr(os, "open", denied)  # .txt files are opened by descriptor
    items = list(read_file(files[0]))
    assert [(i.reason, i.record) for i in items if isinstance(i, Reject)] == [("unreadable", None)]
    assert len(items) == 1


@pytest.mark.parametrize(
    ("description", "content", "expected"),
    [
        ("one object without id: named by its path", b'{"title": "T", "body": "B."}', [("one.json", None)]),
        ("one object with id", b'{"id": "x1", "body": "B."}', [("x1", None)]),
        (
            "array of objects, a non-object and a text-less one",
            b'[{"id": "a", "body": "A."}, 5, {"id": "c"}]',
            [("a", None), ("reject", "not_an_object"), ("reject", "missing_text")],
        ),
        ("not JSON", b"{nope", [("reject", "malformed_json")]),
        ("a bare string", b'"text"', [("reject", "not_an_object")]),
    ],
)
def test_json_files(
    tmp_path: Path, description: str, content: bytes, expected: list[tuple[str, str | None]]
) -> None:
    (tmp_path / "one.json").write_bytes(content)
    files, _ = discover([tmp_path])
    got = [
        (item.article_id, None) if isinstance(item, RawRecord) else ("reject", item.reason)
        for item in read_file(files[0])
    ]
    assert got == expected, description


@pytest.mark.parametrize(("grown_to", "expected"), [(150, "accepted"), (5000, "too_large")])
def test_txt_file_that_grows_after_the_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown_to: int, expected: str
) -> None:
    """The file is read by its size at the stat; what was appended since is read on, up to the limit."""
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\n" + "x" * (grown_to - 10))
    real_fstat = os.fstat

    class _Stat:
        def __init__(self, st: os.stat_result) -> None:
            self.st_size = 40  # as if the file had 40 bytes when it was opened
            self.st_mode = st.st_mode

    monkeypatch.setattr(os, "fstat", lambda fd: _Stat(real_fstat(fd)))
    [item] = list(read_file(discover([path])[0][0], max_article_bytes=1000))
    if expected == "accepted":
        assert isinstance(item, RawRecord) and item.text == path.read_text()
    else:
        assert isinstance(item, Reject) and item.reason == "too_large"
