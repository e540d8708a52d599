"""Tests for the web readers: HTML pages, WARC archives, RSS/Atom feeds, and HTML inside record fields."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from newsdedup.io.discover import discover
from newsdedup.io.readers import RECORD_SKIP_REASONS, file_spans, read_file
from newsdedup.model import RawRecord, Reject
from newsdedup.run.articles import parse_one
from tests.io.warcs import http_response, warc_record, write_warc
from tests.text.test_html import META, PARAS, page


def _read(path: Path) -> list[RawRecord | Reject]:
    files, skipped = discover([path])
    assert skipped == []
    return [item for f in files for item in read_file(f)]


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["a.html", "a.htm", "a.html.gz", "a.htm.gz", "a.txt"])
def test_an_html_page_is_one_html_record_whatever_its_name(tmp_path: Path, name: str) -> None:
    data = page(head=META).encode()
    _write(tmp_path / "in" / name, gzip.compress(data) if name.endswith(".gz") else data)
    [rec] = _read(tmp_path / "in")
    assert isinstance(rec, RawRecord)
    assert (rec.kind, rec.article_id, rec.record, rec.url) == ("html", name, None, None)
    art = parse_one(rec, "UTC")
    assert art.title == "Council approves new bridge" and art.source == "Daily Herald"
    assert art.url == "https://herald.example/news/bridge" and art.body.split("\n\n") == PARAS


def test_a_plain_txt_article_stays_raw(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", b"Headline <b>bold</b>\n\nBody text with <html> in it.\n")
    [rec] = _read(tmp_path)
    assert isinstance(rec, RawRecord) and rec.kind == "raw"


def test_html_page_rejects(tmp_path: Path) -> None:
    _write(tmp_path / "e" / "blank.html", b"  \n ")
    assert [r.reason for r in _read(tmp_path / "e") if isinstance(r, Reject)] == ["empty"]
    _write(tmp_path / "b" / "big.html", page().encode())
    files, _ = discover([tmp_path / "b"])
    [rej] = list(read_file(files[0], max_article_bytes=1000))
    assert isinstance(rej, Reject) and rej.reason == "too_large"
    _write(tmp_path / "t" / "cut.html.gz", gzip.compress(page().encode())[:-20])
    assert [r.reason for r in _read(tmp_path / "t") if isinstance(r, Reject)] == ["truncated"]


def test_html_page_in_a_legacy_charset(tmp_path: Path) -> None:
    markup = page(paras=["Le café coûte 2 €, dit-il. " * 20]).replace(
        'charset="utf-8"', 'charset="windows-1252"'
    )
    _write(tmp_path / "a.html", markup.encode("cp1252"))
    [rec] = _read(tmp_path)
    assert isinstance(rec, RawRecord) and rec.encoding == "windows-1252"
    assert "Le café coûte 2 €" in parse_one(rec, "UTC").body


def _crawl() -> list[bytes]:
    html = page(head=META).encode()
    undated = page(title="Second story").encode()
    return [
        warc_record("warcinfo", None, b"software: test\r\n"),
        warc_record("request", "http://www.herald.example/news/bridge/", b"GET / HTTP/1.1\r\n\r\n"),
        warc_record("response", "http://www.herald.example/news/bridge/", http_response(html)),
        warc_record("response", "http://herald.example/logo.png", http_response(b"\x89PNG", "image/png")),
        warc_record(
            "response", "http://herald.example/old", http_response(b"", status="301 Moved Permanently")
        ),
        warc_record("metadata", "http://herald.example/news/bridge/", b"via: x\r\n"),
        warc_record(
            "response",
            "https://herald.example/second?utm_source=x",
            http_response(undated, "application/xhtml+xml"),
            date="2024-02-03T04:05:06Z",
        ),
    ]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_pages_and_skipped_records(tmp_path: Path, name: str) -> None:
    write_warc(str(tmp_path / name), _crawl(), gz=name.endswith(".gz"))
    items = _read(tmp_path)
    pages = [i for i in items if isinstance(i, RawRecord)]
    skipped = [(i.record, i.reason) for i in items if isinstance(i, Reject)]
    assert skipped == [
        (1, "warc_not_response"),
        (2, "warc_not_response"),
        (4, "warc_not_html"),
        (5, "warc_http_status"),
        (6, "warc_not_response"),
    ]
    assert {r for _, r in skipped} <= RECORD_SKIP_REASONS
    assert [(p.article_id, p.record, p.kind, p.published) for p in pages] == [
        ("https://herald.example/news/bridge", 3, "html", "2024-03-01T12:00:00Z"),
        ("https://herald.example/second", 7, "html", "2024-02-03T04:05:06Z"),
    ]
    first, second = (parse_one(p, "UTC") for p in pages)
    assert first.published_at is not None and first.published_at.isoformat() == "2024-03-05T17:30:00+00:00"
    assert first.url == "https://herald.example/news/bridge" and first.body.split("\n\n") == PARAS
    # no date in the page: the WARC-Date; no canonical link: the target URI
    assert second.published_at is not None and second.published_at.isoformat() == "2024-02-03T04:05:06+00:00"
    assert second.url is None and pages[1].url == "https://herald.example/second?utm_source=x"


def test_a_file_with_no_warc_record_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path / "x.warc", b"this is not a WARC file\n")
    assert [(r.record, r.reason) for r in _read(tmp_path) if isinstance(r, Reject)] == [
        (None, "malformed_warc")
    ]


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Daily Herald</title><link>https://herald.example/</link><language>en-gb</language>
<item><title>Council approves new &lt;b&gt;bridge&lt;/b&gt;</title>
<link>https://www.herald.example/news/bridge?utm_source=rss</link><guid>urn:herald:1</guid>
<author>jane@herald.example (Jane Doe)</author><pubDate>Fri, 01 Mar 2024 12:30:00 +0100</pubDate>
<description>&lt;p&gt;Short summary.&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>The council voted.</p><p>Work starts in May.</p><script>alert(1)</script>]]></content:encoded>
</item>
<item><title>No link here</title><guid isPermaLink="false">urn:herald:2</guid><pubDate>not a date</pubDate>
<description>Plain text summary &amp; more.</description></item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://herald.example/"><title>Herald Atom</title>
<id>urn:feed</id><updated>2024-03-02T00:00:00Z</updated>
<entry><title>Bridge opens</title><link href="/news/open"/><id>urn:e1</id>
<author><name>John Roe</name></author><updated>2024-03-02T10:00:00Z</updated>
<published>2024-03-02T09:00:00+02:00</published><summary type="html">&lt;p&gt;It opened.&lt;/p&gt;</summary></entry>
</feed>
"""


def test_rss_items_are_records(tmp_path: Path) -> None:
    _write(tmp_path / "herald.rss", RSS)
    first, second = _read(tmp_path)
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.article_id == "https://herald.example/news/bridge"
    assert first.url == "https://www.herald.example/news/bridge?utm_source=rss"
    assert (first.title, first.author, first.source) == (
        "Council approves new bridge",
        "Jane Doe",
        "Daily Herald",
    )
    assert first.published == "2024-03-01T11:30:00+00:00"
    assert first.body == "The council voted.\n\nWork starts in May."  # content over summary, script dropped
    assert first.language_hint == "en-gb" and parse_one(first, "UTC").language_hint == "en-gb"
    assert (second.article_id, second.record, second.url) == ("urn:herald:2", 2, None)
    assert second.published == "not a date" and second.body == "Plain text summary & more."


def test_atom_entries_are_records(tmp_path: Path) -> None:
    _write(tmp_path / "herald.atom", ATOM)
    [entry] = _read(tmp_path)
    assert isinstance(entry, RawRecord)
    assert (entry.article_id, entry.url) == (
        "https://herald.example/news/open",
        "https://herald.example/news/open",
    )
    assert (entry.title, entry.author, entry.source) == ("Bridge opens", "John Roe", "Herald Atom")
    assert entry.published == "2024-03-02T07:00:00+00:00" and entry.body == "It opened."


def test_xml_that_is_not_a_feed_is_skipped(tmp_path: Path) -> None:
    _write(
        tmp_path / "sitemap.xml", b'<?xml version="1.0"?>\n<urlset><url><loc>https://x/</loc></url></urlset>'
    )
    [item] = _read(tmp_path)
    assert isinstance(item, Reject) and item.reason == "not_a_feed" and item.reason in RECORD_SKIP_REASONS
    _write(tmp_path / "f" / "feed.xml", RSS)
    assert len([i for i in _read(tmp_path / "f") if isinstance(i, RawRecord)]) == 2


def test_html_in_record_fields_becomes_text(tmp_path: Path) -> None:
    plain = {"id": "a", "title": "Council approves bridge", "body": "\n\n".join(PARAS)}
    tagged = {
        "id": "b",
        "title": "Council approves <em>bridge</em>",
        "body": "<div>" + "".join(f"<p>{p.replace(',', ',<br>', 1)}</p>" for p in PARAS) + "</div>",
    }
    lines = b"".join(json.dumps(o).encode() + b"\n" for o in (plain, tagged))
    _write(tmp_path / "a.jsonl", lines)
    a, b = _read(tmp_path)
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    assert b.title == a.title
    pa, pb = parse_one(a, "UTC"), parse_one(b, "UTC")
    assert pa.body.split() == pb.body.split()  # the same words: the two copies match
    _write(tmp_path / "m" / "only.jsonl", json.dumps({"id": "c", "body": "<p> </p><br>"}).encode() + b"\n")
    [rej] = _read(tmp_path / "m")
    assert isinstance(rej, Reject) and rej.reason == "missing_text"


@pytest.mark.parametrize("gz", [False, True])
def test_a_big_warc_is_read_in_record_aligned_spans(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(str(path), _crawl() * 3, gz=gz)  # the same records three times: later copies are other records
    [f] = discover([path])[0]
    assert file_spans(f, f.size) is None
    spans = file_spans(f, 1500)
    assert spans is not None and len(spans) > 2
    assert spans[0][0] == 0 and spans[-1][1] == f.size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    whole = list(read_file(f))
    parts = [item for span in spans for item in read_file(f, span=span)]
    assert parts == whole and len(whole) == 21
    assert [i.record for i in whole] == list(range(1, 22))
