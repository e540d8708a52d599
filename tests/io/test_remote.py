"""Remote inputs (io/remote.py and the remote branches of discovery, the readers and digests) against a local
S3 server (tests/s3server.py): every answer must equal the one for the same files on local disk."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import pandas as pd
import pytest

from newsdedup.errors import InputError, UnsupportedOutputError
from newsdedup.io import remote
from newsdedup.io.digest import digest_or_none, file_digest
from newsdedup.io.discover import discover
from newsdedup.io.readers import jsonl_spans, read_file, scan_jsonl
from newsdedup.model import InputFile
from tests.s3server import S3, s3_server  # noqa: F401  (the fixture)


def _line(i: int) -> bytes:
    return b'{"id": "a%d", "title": "T%d", "body": "body of article %d %s"}\n' % (i, i, i, b"x" * (i % 7))


def _corpus(root: Path) -> Path:
    """A small tree of every format, with a hidden file, an unsupported one and a blank line."""
    (root / "herald").mkdir(parents=True)
    (root / "herald" / "one.txt").write_bytes(b"Title one\n\nBody one.\r\nMore.\n")
    (root / "herald" / "two.txt").write_bytes(b"Title two\n\nBody two.\n")
    (root / "herald" / ".hidden.txt").write_bytes(b"x")
    (root / "herald" / "notes.doc").write_bytes(b"x")
    lines = b"".join(_line(i) for i in range(60)) + b"\n" + _line(60)
    (root / "feed.jsonl").write_bytes(lines)
    (root / "feed2.jsonl.gz").write_bytes(gzip.compress(_line(99)))
    (root / "rows.csv").write_bytes(b"id,title,body\nc1,CT,csv body\n")
    (root / "one.json").write_bytes(b'{"title": "J", "body": "json body"}')
    pd.DataFrame({"id": ["p1"], "body": ["parquet body"]}).to_parquet(root / "rows.parquet")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, s3_server: S3) -> tuple[Path, str, S3]:  # noqa: F811
    local = _corpus(tmp_path_factory.mktemp("corpus") / "c")
    s3_server.upload_tree(local, s3_server.bucket("io-tests"), "corpus")
    return local, "s3://io-tests/corpus", s3_server


def _key(files: list[InputFile]) -> list[tuple[str, str, int]]:
    return [(f.rel, f.format, f.size) for f in files]


def test_discovery_of_a_prefix_matches_the_local_tree(corpus: tuple[Path, str, S3]) -> None:
    local, url, s3 = corpus
    want, want_skipped = discover([local])
    got, got_skipped = discover([url + "/"], s3.options)
    assert _key(got) == _key(want)
    assert got_skipped == want_skipped  # hidden and unsupported files, by the same rules
    assert all(f.path == f"{url}/{f.rel}" and f.fs is not None and f.fingerprint for f in got)
    assert all(f.fs is None and f.fingerprint is None for f in want)


def test_glob_and_single_file(corpus: tuple[Path, str, S3]) -> None:
    local, url, s3 = corpus
    got, _ = discover([url + "/*.jsonl"], s3.options)
    assert [(f.rel, f.format) for f in got] == [("feed.jsonl", "jsonl")]
    got, _ = discover([url + "/**/*.txt"], s3.options)
    assert [f.rel for f in got] == ["herald/one.txt", "herald/two.txt"]
    got, _ = discover([url + "/herald/one.txt"], s3.options)
    assert [(f.rel, f.size) for f in got] == [("one.txt", (local / "herald" / "one.txt").stat().st_size)]


@pytest.mark.parametrize("path", ["/nothing/", "/*.xml", "-missing/a.txt"])
def test_missing_remote_input_is_an_input_error(corpus: tuple[Path, str, S3], path: str) -> None:
    _, url, s3 = corpus
    with pytest.raises(InputError):
        discover([url + path], s3.options)


def test_every_reader_gives_the_local_answer(corpus: tuple[Path, str, S3]) -> None:
    local, url, s3 = corpus
    want, _ = discover([local])
    got, _ = discover([url], s3.options)
    assert len(got) == len(want) == 7
    for lf, rf in zip(want, got, strict=True):
        ld: dict[str, str | None] = {}
        rd: dict[str, str | None] = {}
        assert list(read_file(rf, digests=rd)) == list(read_file(lf, digests=ld)), rf.rel
        assert list(rd.values()) == list(ld.values())  # a .txt file's digest, from the bytes read
        assert digest_or_none(rf.path, rf.size, rf.fs) == file_digest(lf.path)


def test_spans_and_digest_from_one_read_match_the_local_planner(corpus: tuple[Path, str, S3]) -> None:
    local, url, s3 = corpus
    (lf,) = [f for f in discover([local])[0] if f.rel == "feed.jsonl"]
    (rf,) = [f for f in discover([url], s3.options)[0] if f.rel == "feed.jsonl"]
    for target in (100, 333, 1000, rf.size - 1):
        spans, digest = scan_jsonl(rf, target)
        assert spans == jsonl_spans(lf, target), target
        assert digest == file_digest(lf.path)
        assert spans is not None
        records = [r for span in spans for r in read_file(rf, span=span)]
        assert records == list(read_file(lf)), target


def test_a_span_is_read_with_range_requests(
    corpus: tuple[Path, str, S3], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the last span of a remote file fetches about that span, not the object."""
    _, url, s3 = corpus
    monkeypatch.setattr(remote, "REMOTE_BLOCK", 256)
    (rf,) = [f for f in discover([url], s3.options)[0] if f.rel == "feed.jsonl"]
    spans = jsonl_spans(rf, 500)
    assert spans is not None and len(spans) > 4
    start, end, _ = spans[-1]
    with remote.open_input(rf) as fh:
        fh.seek(start)
        fh.read(end - start)
        fetched = fh.raw.cache.total_requested_bytes  # type: ignore[attr-defined]
    assert end - start <= fetched < end - start + 2 * 256 < rf.size


def test_input_files_pickle_with_their_filesystem(corpus: tuple[Path, str, S3]) -> None:
    """A worker process receives the InputFile pickled and opens the object itself."""
    _, url, s3 = corpus
    (rf,) = [f for f in discover([url], s3.options)[0] if f.rel == "rows.csv"]
    back = pickle.loads(pickle.dumps(rf))
    assert back == rf and back.fingerprint == rf.fingerprint
    assert list(read_file(back)) == list(read_file(rf))


def test_http_url_of_a_single_file(corpus: tuple[Path, str, S3]) -> None:
    """An http(s) URL names one file (the local S3 server serves objects at path-style URLs)."""
    pytest.importorskip("aiohttp")
    local, _, s3 = corpus
    s3.put("io-tests", "public/feed.jsonl", (local / "feed.jsonl").read_bytes(), public=True)
    url = f"{s3.endpoint}/io-tests/public/feed.jsonl"
    (rf,) = discover([url])[0]
    (lf,) = [f for f in discover([local])[0] if f.rel == "feed.jsonl"]
    assert (rf.path, rf.rel, rf.size) == (url, "feed.jsonl", lf.size)
    assert list(read_file(rf)) == list(read_file(lf))


def test_file_urls_are_local_paths(corpus: tuple[Path, str, S3]) -> None:
    local, _, _ = corpus
    want = discover([local])[0]
    got = discover([f"file://{local}"])[0]
    assert got == want and all(f.fs is None for f in got)
    assert remote.local_path("file:///tmp/x") == "/tmp/x"


@pytest.mark.parametrize("output", ["s3://bucket/out", "gs://b/o", "s3:/bucket/out", "https://h/x"])
def test_remote_output_is_refused(output: str) -> None:
    with pytest.raises(UnsupportedOutputError, match="aws s3 sync"):
        remote.check_output_location(output)


@pytest.mark.parametrize(("output", "want"), [("out", "out"), ("file:///tmp/o", "/tmp/o"), ("C:/x", "C:/x")])
def test_local_outputs_pass(output: str, want: str) -> None:
    assert str(remote.check_output_location(output)) == str(Path(want))


def test_secret_storage_options_are_redacted() -> None:
    got = remote.redact_storage_options(
        {
            "endpoint_url": "http://h",
            "key": "AKIA",
            "secret": "s",
            "client_kwargs": {"aws_session_token": "t"},
        }
    )
    assert got == {
        "endpoint_url": "http://h",
        "key": "***",
        "secret": "***",
        "client_kwargs": {"aws_session_token": "***"},
    }


def test_gzip_stream_of_a_remote_file(corpus: tuple[Path, str, S3]) -> None:
    _, url, s3 = corpus
    (rf,) = [f for f in discover([url], s3.options)[0] if f.rel == "feed2.jsonl.gz"]
    with remote.open_input(rf) as fh:
        assert fh.read() == _line(99)
