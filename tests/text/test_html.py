"""Tests for newsdedup.text.html: page extraction and metadata, fragments, detection, on hand-made pages."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from newsdedup.text.html import (
    decode_html,
    extract_html,
    fragment_to_text,
    has_html_tags,
    looks_like_html_page,
    parse_html,
    text_of_markup,
)

PARAS = [
    "The city council approved the construction of a new bridge over the river on Tuesday evening, "
    "after a debate that lasted more than four hours and drew hundreds of residents to the town hall.",
    "Supporters said the bridge would cut commuting times for thousands of people who now drive through "
    "the congested centre, while opponents warned about the cost and the damage to the wetlands nearby.",
    "The mayor said construction would begin in the spring and take about three years, with the first "
    "lanes opening to traffic before the end of the second year if the weather allowed it.",
] * 4  # long enough for the fast extractor to keep its own answer


def page(
    *,
    head: str = "",
    byline: str = "",
    lang: str = "en-GB",
    paras: list[str] = PARAS,
    title: str = "Council approves bridge | Daily Herald",
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        '<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
        '<li><a href="/sport">Sport</a></li></ul></nav>'
        f"<article><h1>Council approves bridge</h1>{byline}{body}</article>"
        '<footer><p>Copyright 2024 Daily Herald. All rights reserved.</p><a href="/privacy">Privacy</a></footer>'
        "<script>var tracking = 1;</script></body></html>"
    )


META = (
    '<meta property="og:title" content="Council approves new bridge">'
    '<meta property="og:site_name" content="Daily Herald">'
    '<meta property="article:published_time" content="2024-03-05T18:30:00+01:00">'
    '<meta name="author" content="Jane Doe">'
    '<link rel="canonical" href="https://herald.example/news/bridge">'
)
JSON_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"},'
    '{"@type": "NewsArticle", "headline": "Bridge approved after long debate", "datePublished": '
    '"2024-03-04T09:00:00Z", "author": [{"@type": "Person", "name": "John Roe"}, {"name": "Ann Poe"}],'
    '"publisher": {"@type": "Organization", "name": "Herald Group"}}]}</script>'
)


@pytest.mark.parametrize("extractor", ["fast", "trafilatura"])
def test_page_fields_from_its_own_meta(extractor: str) -> None:
    got = extract_html(page(head=META), extractor=extractor)
    assert got.title == "Council approves new bridge"
    assert got.site_name == "Daily Herald"
    assert got.published == "2024-03-05T18:30:00+01:00"
    assert got.author == "Jane Doe"
    assert got.url == "https://herald.example/news/bridge"
    assert got.language == "en-GB"
    lines = got.body.split("\n")
    assert lines[0] == PARAS[0] and len(lines) == len(PARAS)  # headline, menu, footer and script left out


def test_json_ld_comes_before_meta_and_relative_canonical_is_resolved() -> None:
    head = JSON_LD + '<link rel="canonical" href="/news/bridge?x=1">'
    got = extract_html(page(head=head), base_url="https://herald.example/a/b")
    assert got.title == "Bridge approved after long debate"
    assert got.published == "2024-03-04T09:00:00Z"
    assert got.author == "John Roe, Ann Poe"
    assert got.site_name == "Herald Group"
    assert got.url == "https://herald.example/news/bridge?x=1"
    assert extract_html(page(head=head)).url is None  # relative, and no address to resolve it against


def test_fallbacks_title_tag_byline_and_htmldate() -> None:
    byline = '<p class="byline">By <span class="author">Mary Major</span></p>'
    got = extract_html(page(head='<meta name="date" content="2023-11-02">', byline=byline, lang="fr"))
    assert got.title == "Council approves bridge | Daily Herald"
    assert got.author == "Mary Major"
    assert got.published == "2023-11-02"
    assert got.language == "fr"
    assert got.site_name is None and got.url is None
    dated = page(byline='<time datetime="2022-06-07">7 June 2022</time>')
    assert extract_html(dated).published == "2022-06-07"  # no <meta> date: htmldate's quick search


def test_short_page_falls_back_to_trafilatura() -> None:
    short = page(head=META, paras=PARAS[:2])
    got = extract_html(short)
    assert PARAS[0] in got.body and PARAS[1] in got.body
    assert "Copyright" not in got.body and "Home" not in got.body


def test_parse_html_gives_an_article() -> None:
    art = parse_html(page(head=META), default_tz="UTC")
    assert art.title == "Council approves new bridge"
    assert art.source == "Daily Herald" and art.url == "https://herald.example/news/bridge"
    assert art.published_at is not None and art.published_at.isoformat() == "2024-03-05T17:30:00+00:00"
    assert art.language_hint == "en-GB" and art.author == "Jane Doe"
    assert art.body.split("\n\n") == PARAS
    # a page without a date takes the one given (a WARC record's); its title suffix names the outlet
    art = parse_html(page(), published="2024-01-02T03:04:05Z")
    assert art.published_at is not None and art.published_at.isoformat() == "2024-01-02T03:04:05+00:00"
    assert art.title == "Council approves bridge" and art.source == "Daily Herald"


def test_unknown_extractor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown HTML extractor"):
        extract_html(page(), extractor="readability")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", True),
        ("\n  <!-- saved --> <html lang='en'><body>x", True),
        ("<HTML>\n<body>", True),
        ("Headline\n\n<p>body</p>", False),
        ("<htmlish> is not a tag we know", False),
        ("", False),
    ],
)
def test_looks_like_html_page(text: str, expected: bool) -> None:
    assert looks_like_html_page(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>x</p>", True),
        ("a<br/>b", True),
        ("a <br>", True),
        ("text</div>", True),
        ("a <!-- c --> b", True),
        ("if a < b and c > d", False),
        ("3<4 and x<=y", False),
        ("no markup at all", False),
        ("email <jane@example.org>", False),
        ("if x<y then z", False),
        ("<P CLASS='x'>caps</P>", True),
        ("a <custom-tag> only", False),
    ],
)
def test_has_html_tags(text: str, expected: bool) -> None:
    assert has_html_tags(text) is expected


def test_fragment_to_text() -> None:
    frag = (
        "<p>One &amp; two</p><p>Three <b>four</b><br>five</p><script>alert(1)</script><ul><li>six</li></ul>"
    )
    assert fragment_to_text(frag) == "One & two\n\nThree four\n\nfive\n\nsix"
    assert text_of_markup(frag) == fragment_to_text(frag)
    assert text_of_markup("plain, 3 < 4") == "plain, 3 < 4"
    assert text_of_markup("<p> </p>") is None
    assert text_of_markup(None) is None


def test_decode_html_by_meta_charset() -> None:
    data = '<html><head><meta charset="windows-1252"></head><body>café</body></html>'.encode("cp1252")
    assert decode_html(data) == (data.decode("cp1252"), "windows-1252")
    assert decode_html(b"<html><meta charset=utf-8>") is None  # UTF-8 is the caller's first try anyway
    assert decode_html(b'<html><meta charset="no-such-codec">') is None
    assert decode_html(b"<html><body>none declared") is None


# ---------------------------------------------------------------- the shared pages (skipped when absent)

PAGES = Path(os.environ.get("NEWSDEDUP_HTML_PAGES", "/work/shared/data/html_pages/test-pages"))
SAMPLE_EVERY = 4  # a quarter of the real pages keeps this test fast; the benchmark runs them all


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    toks = re.findall(r"\w+", text)
    return Counter(tuple(toks[i : i + 4]) for i in range(max(1, len(toks) - 3)) if toks[i : i + 4])


def _expected_text(markup: str) -> str:
    # the benchmark's reference text (benchmarks/bench_html.py html_to_text): a line break at every block
    import lxml.html

    root = lxml.html.fromstring(markup)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in {"p", "div", "br", "li", "h1", "h2", "h3", "h4",
                                                          "blockquote", "td", "tr", "section", "article"}:  # fmt: skip
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return root.text_content()


@pytest.mark.skipif(not PAGES.is_dir(), reason="shared html_pages data absent")
def test_body_f1_on_a_sample_of_real_pages() -> None:
    dirs = sorted(d for d in PAGES.iterdir() if (d / "source.html").is_file())
    real = [d for d in dirs if (d / "source.html").stat().st_size >= 5000][::SAMPLE_EVERY]
    precision, recall = [], []
    for d in real:
        got = extract_html((d / "source.html").read_bytes().decode("utf-8", "replace")).body
        e, x = _shingles(_expected_text((d / "expected.html").read_text(encoding="utf-8"))), _shingles(got)
        tp, fp, fn = sum((e & x).values()), sum((x - e).values()), sum((e - x).values())
        precision.append(tp / (tp + fp) if tp + fp else 0.0)
        recall.append(tp / (tp + fn) if tp + fn else 0.0)
    p, r = sum(precision) / len(real), sum(recall) / len(real)
    assert len(real) >= 20
    assert 2 * p * r / (p + r) >= 0.93
