"""HTML pages, a WARC wrapping of the same pages, and a feed, through a whole run."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd

from newsdedup.params import Config, RunConfig
from newsdedup.run.pipeline import run
from tests.io.test_readers_web import RSS
from tests.io.warcs import http_response, warc_record, write_warc
from tests.text.test_html import META, PARAS, page

COLUMNS = ["title", "author", "published_at", "source", "body"]


def _pages() -> dict[str, bytes]:
    other = [p.replace("bridge", "tunnel").replace("river", "harbour") for p in reversed(PARAS)]
    second = page(title="Harbour tunnel delayed | Daily Herald", paras=other)
    return {
        "bridge": page(head=META).encode(),
        "tunnel": second.replace("<head>", "<head>" + _dated()).encode(),
    }


def _dated() -> str:
    return '<meta property="article:published_time" content="2024-03-06T08:00:00Z">'


def test_a_warc_of_the_pages_gives_the_same_articles_as_the_pages(tmp_path: Path) -> None:
    pages = _pages()
    (tmp_path / "html").mkdir()
    for name, data in pages.items():
        (tmp_path / "html" / f"{name}.html").write_bytes(data)
    records = [warc_record("warcinfo", None, b"software: test\r\n")]
    for name, data in pages.items():
        uri = f"https://herald.example/{name}"
        records += [
            warc_record("request", uri, b"GET / HTTP/1.1\r\n\r\n"),
            warc_record("response", uri, http_response(data)),
        ]
    (tmp_path / "warc").mkdir()
    write_warc(
        str(tmp_path / "warc" / "crawl.warc"), records, gz=False
    )  # uncompressed: big enough to be cut into several tasks
    (tmp_path / "warc" / "herald.rss").write_bytes(RSS)

    from_html = run([tmp_path / "html"], tmp_path / "o1", Config())
    from_warc = run([tmp_path / "warc"], tmp_path / "o2", Config())
    assert from_html.exit_code == from_warc.exit_code == 0
    a = pd.read_parquet(tmp_path / "o1" / "articles").sort_values("title").reset_index(drop=True)
    b = pd.read_parquet(tmp_path / "o2" / "articles")
    feed = b[b["input"] == "herald.rss"]
    b = b[b["input"] == "crawl.warc"].sort_values("title").reset_index(drop=True)
    pd.testing.assert_frame_equal(a[COLUMNS], b[COLUMNS])
    # the canonical link where the page has one, else the address it was fetched from (known in a WARC only)
    assert list(a["url"].fillna("-")) == ["https://herald.example/news/bridge", "-"]
    assert list(b["url"]) == ["https://herald.example/news/bridge", "https://herald.example/tunnel"]
    assert sorted(b["article_id"]) == ["https://herald.example/bridge", "https://herald.example/tunnel"]
    assert sorted(a["article_id"]) == ["bridge.html", "tunnel.html"]
    assert list(a["source"]) == ["Daily Herald", "Daily Herald"]
    assert len(feed) == 2 and set(feed["source"]) == {"Daily Herald"}

    manifest = from_warc.manifest
    assert manifest["counts"]["skipped_records"] == 3 and manifest["counts"]["rejected"] == 0
    assert manifest["record_skip_reasons"] == {"warc_not_response": 3}
    assert manifest["reject_fraction"] == 0.0
    by_file = {i["rel"]: i for i in manifest["inputs"]}
    assert by_file["crawl.warc"]["accepted"] == 2 and by_file["crawl.warc"]["skipped_records"] == 3
    written = json.loads(next((tmp_path / "o2" / "runs").glob("*.json")).read_text())
    assert written["counts"]["skipped_records"] == 3

    # the WARC cut into record-aligned read tasks gives the same articles and counts
    small = dataclasses.replace(Config(), run=RunConfig(chunk_bytes=4096))
    split = run([tmp_path / "warc"], tmp_path / "o3", small)
    assert split.manifest["steps"]["read"]["tasks"] >= 3
    c = pd.read_parquet(tmp_path / "o3" / "articles")
    c = c[c["input"] == "crawl.warc"].sort_values("title").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        b[[*COLUMNS, "url", "article_id", "record"]], c[[*COLUMNS, "url", "article_id", "record"]]
    )
    assert split.manifest["counts"]["skipped_records"] == 3
