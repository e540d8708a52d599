"""HTML main-text extractors, WARC readers and a feed parser, measured for issue #15 (inputs as they arrive).

    python benchmarks/bench_html.py --data DIR [--passes 3] [--only NAME,...] [--json OUT] [--warc] [--feeds]

Run it in a venv that has the candidates (none is a dependency of newsdedup yet):
``pip install trafilatura resiliparse readability-lxml justext htmldate fastwarc warcio feedparser``.
Each candidate is skipped with a note when its package is missing.

Data: a folder of page folders, each with ``source.html`` (the page as captured), ``expected.html`` (the
expected article extraction) and ``expected-metadata.json`` ({title, byline, publishedTime, siteName, lang, ...}),
the layout of Mozilla Readability's test pages (the copy this was run on lives in the team's shared data and
is not part of the repository). Pages whose ``source.html`` is under 5 kB are that suite's synthetic fixtures
(lorem ipsum, rtl, base-url ...): ``--subset real`` (default) leaves them out, ``--subset all`` keeps them.

Body metric (the article-extraction benchmark's own, re-implemented): tokens are ``\\w+`` runs; each page's text
becomes the *multiset* of its word 4-grams (a text of fewer than 4 tokens is one shorter shingle);
tp = sum of min(count_expected, count_extracted), fp and fn the surpluses, normalised per page so that long
pages weigh no more than short ones. Reported: ``bench_F1`` = harmonic mean of the per-page precision mean
and the per-page recall mean (how the benchmark states its F1), and the mean and median of per-page F1.
The expected text is the text of ``expected.html`` with a line break at every block element; extractors
that return HTML (readability) go through the same conversion.

Speed: each extractor runs over every page ``--passes`` times in this one process, one page at a time, from
the decoded ``str`` (the cost of decoding bytes is not counted); ms/page (wall) and cpu_ms (this process's
CPU time, steadier on a busy machine) are the median over passes of the pass mean; ``p_med`` is the median
page of the last pass. Passes are interleaved across extractors, so a change in machine load hits all alike.

Metadata: title, author, date and site name from trafilatura's ``extract_metadata``, dates from htmldate,
and a small reader of the page's own ``<meta>``/JSON-LD written here, each against ``expected-metadata.json``
(the fixtures' own values, which are Readability's choices: a byline such as "Follow Author" is counted as
is). A title matches when, normalised (NFKC, case-folded, punctuation dropped), one contains the other;
an author when the normalised strings, less a leading "by", share one containing the other; a date on the
calendar day of ``publishedTime``; a site name as a title.

``--warc`` writes the pages into a gzipped WARC with warcio's writer (warcinfo, request and response records,
plus a non-HTML response per page), then times reading the HTML responses with warcio and with fastwarc.
``--feeds`` writes an RSS 2.0 and an Atom 1.0 feed from the same pages and parses them with feedparser.
``--fragments`` feeds each ``expected.html`` (article-only HTML, like HTML inside a JSON body) to the
converters and scores what they keep of it.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmlmod
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import lxml.html

DEFAULT_DATA = os.environ.get("NEWSDEDUP_HTML_PAGES", "/work/shared/data/html_pages/test-pages")
SYNTHETIC_MAX_BYTES = 5000

# ---------------------------------------------------------------- data


@dataclass
class Page:
    name: str
    html: str
    raw: bytes
    expected: str
    meta: dict[str, Any]
    lang: str | None = None


BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
    ]
)


def html_to_text(markup: str) -> str:
    """Text of an HTML fragment with a line break around every block element (so words never fuse)."""
    if not markup or not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for el in root.iter("script", "style", "noscript", "template"):
        el.text = ""
        for child in list(el):
            el.remove(child)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    return "\n".join(line.strip() for line in re.sub(r"[ \t\r\f\v]+", " ", text).split("\n") if line.strip())


def load_pages(root: Path, subset: str) -> list[Page]:
    pages = []
    for d in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        raw = (d / "source.html").read_bytes()
        if subset == "real" and len(raw) < SYNTHETIC_MAX_BYTES:
            continue
        expected = html_to_text((d / "expected.html").read_text(encoding="utf-8"))
        meta = json.loads((d / "expected-metadata.json").read_text(encoding="utf-8"))
        html = raw.decode("utf-8", errors="replace")
        m = re.search(rb"<html[^>]*\slang=[\"']?([A-Za-z-]+)", raw[:5000], re.I)
        pages.append(Page(d.name, html, raw, expected, meta, m.group(1).decode().lower() if m else None))
    return pages


# ---------------------------------------------------------------- metric

TOKEN_RE = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = TOKEN_RE.findall(text or "")
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n])


def tp_fp_fn(expected: str, extracted: str) -> tuple[float, float, float]:
    e, x = shingles(expected), shingles(extracted)
    tp = sum((e & x).values())
    fp = sum((x - e).values())
    fn = sum((e - x).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def prf(t: tuple[float, float, float]) -> tuple[float | None, float | None, float]:
    tp, fp, fn = t
    p = 1.0 if fp == fn == 0 else (tp / (tp + fp) if tp + fp > 0 else None)
    r = 1.0 if fp == fn == 0 else (tp / (tp + fn) if tp + fn > 0 else None)
    f = 2 * p * r / (p + r) if p and r else 0.0
    return p, r, f


def summarise(scores: list[tuple[float, float, float]]) -> dict[str, float]:
    rows = [prf(t) for t in scores]
    p = statistics.mean(x[0] for x in rows if x[0] is not None)
    r = statistics.mean(x[1] for x in rows if x[1] is not None)
    f1s = [x[2] for x in rows]
    return {
        "bench_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "mean_f1": statistics.mean(f1s),
        "median_f1": statistics.median(f1s),
        "pages_below_0.5": sum(f < 0.5 for f in f1s),
    }


# ---------------------------------------------------------------- extractors

JUSTEXT_LANGS = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "ru": "Russian", "cs": "Czech", "nl": "Dutch", "pl": "Polish", "tr": "Turkish",
}  # fmt: skip


def build_extractors() -> tuple[dict[str, Callable[[Page], str]], list[str]]:
    ex: dict[str, Callable[[Page], str]] = {}
    notes = []
    try:
        import trafilatura

        def traf(**kw: Any) -> Callable[[Page], str]:
            return lambda pg: trafilatura.extract(pg.html, include_comments=False, **kw) or ""

        ex["trafilatura default"] = traf()
        ex["trafilatura favor_precision"] = traf(favor_precision=True)
        ex["trafilatura favor_recall"] = traf(favor_recall=True)
        ex["trafilatura fast (no fallback)"] = traf(fast=True)
        ex["trafilatura precision+fast"] = traf(favor_precision=True, fast=True)
        ex["trafilatura recall+fast"] = traf(favor_recall=True, fast=True)
        ex["trafilatura +comments (lib default)"] = lambda pg: trafilatura.extract(pg.html) or ""
    except ImportError as e:
        notes.append(f"trafilatura missing: {e}")
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        def resi(**kw: Any) -> Callable[[Page], str]:
            return lambda pg: extract_plain_text(HTMLTree.parse(pg.html), main_content=True, **kw)

        ex["resiliparse main_content"] = resi()
        ex["resiliparse mc, no comments/alt"] = resi(comments=False, alt_texts=False)
        ex["resiliparse mc, no comments/alt/post_meta"] = resi(
            comments=False, alt_texts=False, post_meta=False
        )
        ex["resiliparse mc, preserve_formatting"] = resi(
            preserve_formatting=True, comments=False, alt_texts=False
        )
        ex["resiliparse full page (floor)"] = lambda pg: extract_plain_text(HTMLTree.parse(pg.html))
    except ImportError as e:
        notes.append(f"resiliparse missing: {e}")
    try:
        from readability import Document

        ex["readability-lxml + text"] = lambda pg: html_to_text(Document(pg.html).summary(html_partial=True))
    except ImportError as e:
        notes.append(f"readability-lxml missing: {e}")
    try:
        import justext

        stop = {k: justext.get_stoplist(v) for k, v in JUSTEXT_LANGS.items()}

        def jt(pg: Page) -> str:
            sl = stop.get((pg.lang or "en")[:2], stop["en"])
            return "\n".join(p.text for p in justext.justext(pg.raw, sl) if not p.is_boilerplate)

        ex["justext (stoplist by <html lang>)"] = jt
    except ImportError as e:
        notes.append(f"justext missing: {e}")
    add_hybrids(ex)
    try:
        from newsdedup.text.html import extract_html

        # what the HTML reader runs: body and metadata both, so the time includes the metadata
        ex["newsdedup fast (default; +metadata)"] = lambda pg: extract_html(pg.html).body
        ex["newsdedup trafilatura (+metadata)"] = lambda pg: (
            extract_html(pg.html, extractor="trafilatura").body
        )
    except ImportError as e:
        notes.append(f"newsdedup.text.html missing: {e}")
    return ex, notes


def words(text: str) -> int:
    return len(TOKEN_RE.findall(text))


def add_hybrids(ex: dict[str, Callable[[Page], str]]) -> None:
    """Resiliparse first (fast), trafilatura only where resiliparse's answer is short (a likely miss)."""
    if "resiliparse mc, no comments/alt" not in ex or "trafilatura default" not in ex:
        return
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def resi_untitled(pg: Page) -> str:
        # resiliparse keeps the headline as the first line(s); the parser knows the title, so drop it
        tree = HTMLTree.parse(pg.html)
        title = norm(tree.title)
        out = extract_plain_text(tree, main_content=True, comments=False, alt_texts=False)
        return "\n".join(ln for ln in out.split("\n") if not (len(norm(ln)) > 10 and norm(ln) in title))

    def fallback(
        first: Callable[[Page], str], second: Callable[[Page], str], min_words: int
    ) -> Callable[[Page], str]:
        def run(pg: Page) -> str:
            out = first(pg)
            return out if words(out) >= min_words else second(pg)

        return run

    resi, traf, fast = (
        ex["resiliparse mc, no comments/alt"],
        ex["trafilatura default"],
        ex["trafilatura fast (no fallback)"],
    )
    ex["resiliparse mc, title line dropped"] = resi_untitled
    ex["hybrid resi -> traf if <100 words"] = fallback(resi, traf, 100)
    ex["hybrid resi -> traf if <250 words"] = fallback(resi, traf, 250)
    ex["hybrid resi-title -> traf if <250 words"] = fallback(resi_untitled, traf, 250)
    ex["hybrid resi-title -> traf fast if <250 w"] = fallback(resi_untitled, fast, 250)


def run_all(
    fns: dict[str, Callable[[Page], Any]], pages: list[Page], passes: int
) -> dict[str, tuple[list[Any], dict[str, float]]]:
    """Each function over every page, ``passes`` times, the passes interleaved across functions so that a
    change in machine load hits all of them alike. Returns the outputs of the first pass, and wall and CPU
    ms/page (median over passes of the pass mean; the median drops a first pass that paid one-off costs such
    as dateparser's first use) and the median page of the last pass. One untimed warm-up call each first."""
    for fn in fns.values():
        fn(pages[0])
    outs: dict[str, list[Any]] = {name: [] for name in fns}
    wall_means: dict[str, list[float]] = {name: [] for name in fns}
    cpu_means: dict[str, list[float]] = {name: [] for name in fns}
    last: dict[str, list[float]] = {}
    for k in range(passes):
        for name, fn in fns.items():
            wall, cpu = [], []
            for pg in pages:
                t0, c0 = time.perf_counter(), time.process_time()
                out = fn(pg)
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - t0)
                if k == 0:
                    outs[name].append(out if out is not None else "")
            wall_means[name].append(statistics.mean(wall))
            cpu_means[name].append(statistics.mean(cpu))
            last[name] = wall
        print(f"  pass {k + 1}/{passes} done", file=sys.stderr, flush=True)
    return {
        name: (
            outs[name],
            {
                "ms_page": 1000 * statistics.median(wall_means[name]),
                "cpu_ms_page": 1000 * statistics.median(cpu_means[name]),
                "ms_p_med": 1000 * statistics.median(last[name]),
            },
        )
        for name in fns
    }


# ---------------------------------------------------------------- metadata


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").casefold()
    return " ".join(re.findall(r"\w+", s))


def title_ok(gt: str | None, got: str | None) -> bool:
    a, b = norm(gt), norm(got)
    return bool(a and b) and (a in b or b in a)


def author_ok(gt: str | None, got: str | None) -> bool:
    a, b = (re.sub(r"^by ", "", norm(x)) for x in (gt, got))
    return bool(a and b) and (a in b or b in a)


def date_ok(gt: str | None, got: str | None) -> bool:
    return bool(gt and got) and str(got)[:10] == str(gt)[:10]


def own_meta(pg: Page) -> dict[str, str | None]:
    """The page's own <meta>, JSON-LD and <title>: what a reader with no extractor dependency would get."""
    root = lxml.html.fromstring(pg.raw)
    metas: dict[str, str] = {}
    for m in root.iter("meta"):
        k = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if k and m.get("content") and k not in metas:
            metas[k] = m.get("content").strip()
    ld: dict[str, Any] = {}
    for s in root.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(s)
        except ValueError:
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                if "@graph" in d:
                    stack.extend(d["@graph"] if isinstance(d["@graph"], list) else [d["@graph"]])
                t = d.get("@type")
                types = t if isinstance(t, list) else [t]
                if any(isinstance(x, str) and ("Article" in x or x == "Report") for x in types) and not ld:
                    ld = d

    def ld_name(v: Any) -> str | None:
        if isinstance(v, list):
            names = [ld_name(x) for x in v]
            return ", ".join(n for n in names if n) or None
        if isinstance(v, dict):
            return v.get("name")
        return v if isinstance(v, str) else None

    titles = root.xpath("//title/text()")
    return {
        "title": ld.get("headline") or metas.get("og:title") or metas.get("twitter:title") or (titles[0] if titles else None),
        "author": ld_name(ld.get("author")) or metas.get("author") or metas.get("article:author") or metas.get("parsely-author"),
        "date": ld.get("datePublished") or metas.get("article:published_time") or metas.get("datepublished") or metas.get("date") or metas.get("parsely-pub-date"),
        "site": metas.get("og:site_name") or ld_name(ld.get("publisher")) or metas.get("application-name"),
    }  # fmt: skip


def metadata_readers() -> dict[str, Callable[[Page], dict[str, str | None]]]:
    readers: dict[str, Callable[[Page], dict[str, str | None]]] = {"own <meta>/JSON-LD": own_meta}
    try:
        from newsdedup.text.html import extract_html

        def ours(pg: Page) -> dict[str, str | None]:
            a = extract_html(pg.html)
            return {"title": a.title, "author": a.author, "date": a.published, "site": a.site_name}

        readers["newsdedup extract_html (+body)"] = ours
    except ImportError:
        pass
    try:
        from trafilatura import bare_extraction
        from trafilatura.metadata import extract_metadata

        def traf_meta(pg: Page) -> dict[str, str | None]:
            d = extract_metadata(pg.html)
            return {"title": d.title, "author": d.author, "date": d.date, "site": d.sitename}

        readers["trafilatura extract_metadata"] = traf_meta

        def traf_bare(pg: Page) -> dict[str, str | None]:
            # one call for body and metadata, as an HTML reader would make it
            d = bare_extraction(pg.html, with_metadata=True, include_comments=False, fast=True)
            if d is None:
                return {"title": None, "author": None, "date": None, "site": None}
            return {"title": d.title, "author": d.author, "date": d.date, "site": d.sitename}

        readers["trafilatura bare_extraction fast+meta"] = traf_bare
    except ImportError:
        pass
    try:
        from htmldate import find_date

        readers["htmldate original, extensive"] = lambda pg: {"date": find_date(pg.html, original_date=True)}
        readers["htmldate original, fast"] = lambda pg: {
            "date": find_date(pg.html, original_date=True, extensive_search=False)
        }
    except ImportError:
        pass
    return readers


def bench_metadata(pages: list[Page], passes: int) -> list[dict[str, Any]]:
    rows = []
    checks = {"title": ("title", title_ok), "author": ("byline", author_ok), "date": ("publishedTime", date_ok),
              "site": ("siteName", title_ok)}  # fmt: skip
    for name, (outs, timing) in run_all(metadata_readers(), pages, passes).items():  # type: ignore[arg-type]
        row: dict[str, Any] = {"reader": name, **timing}
        for key, (gt_key, ok) in checks.items():
            if key not in outs[0]:
                continue
            have = [(pg.meta.get(gt_key), o.get(key)) for pg, o in zip(pages, outs, strict=True)]  # type: ignore[union-attr]
            have = [(g, x) for g, x in have if g]
            row[key] = f"{sum(ok(g, x) for g, x in have)}/{len(have)}"
        rows.append(row)
    gl = [(pg.meta.get("lang"), pg.lang) for pg in pages if pg.meta.get("lang")]
    rows.append(
        {"reader": "<html lang> (regex)", "lang": f"{sum(g.lower() == (x or '') for g, x in gl)}/{len(gl)}"}
    )
    return rows


# ---------------------------------------------------------------- WARC


def write_warc(pages: list[Page], path: Path, copies: int, gz: bool) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "bench_html.py"}))
        html_type = [("Content-Type", "text/html; charset=utf-8")]
        for c in range(copies):
            for pg in pages:
                uri = f"https://example.org/{c}/{pg.name}/"
                req = StatusAndHeaders(
                    f"GET /{c}/{pg.name}/ HTTP/1.1", [("Host", "example.org")], is_http_request=True
                )
                w.write_record(w.create_warc_record(uri, "request", http_headers=req))
                hdr = StatusAndHeaders("200 OK", html_type, protocol="HTTP/1.1")
                w.write_record(
                    w.create_warc_record(uri, "response", payload=io.BytesIO(pg.raw), http_headers=hdr)
                )
                img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                png = io.BytesIO(b"\x89PNG" * 64)
                w.write_record(
                    w.create_warc_record(uri + "logo.png", "response", payload=png, http_headers=img)
                )
                n += 1
    return n


def read_warcio(path: Path, keep: bool) -> list[tuple[str, Any]]:
    """HTML responses as (target URI, payload or its length); everything else is skipped."""
    from warcio.archiveiterator import ArchiveIterator

    out: list[tuple[str, Any]] = []
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response" or "html" not in (
                rec.http_headers.get_header("Content-Type") or ""
            ):
                continue
            body = rec.content_stream().read()
            out.append((rec.rec_headers.get_header("WARC-Target-URI"), body if keep else len(body)))
    return out


def read_fastwarc(path: Path, keep: bool) -> list[tuple[str, Any]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out: list[tuple[str, Any]] = []
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, auto_decode="all"):
            if "html" not in (rec.http_content_type or ""):
                continue
            body = rec.reader.read()
            out.append((rec.headers["WARC-Target-URI"], body if keep else len(body)))
    return out


def bench_warc(pages: list[Page], passes: int, copies: int) -> None:
    try:
        import fastwarc  # noqa: F401
        import warcio  # noqa: F401
    except ImportError as e:
        print(f"\nWARC: skipped ({e})")
        return
    expected = [(f"https://example.org/{c}/{pg.name}/", pg.raw) for c in range(copies) for pg in pages]
    with tempfile.TemporaryDirectory() as tmp:
        for gz in (True, False):
            path = Path(tmp) / ("pages.warc.gz" if gz else "pages.warc")
            n = write_warc(pages, path, copies, gz)
            size = path.stat().st_size / 1e6
            print(f"\nWARC {path.name}: {n} HTML responses (+{n} PNG responses, {n} requests, 1 warcinfo), "
                  f"{size:.1f} MB on disk")  # fmt: skip
            for name, fn in (("warcio", read_warcio), ("fastwarc", read_fastwarc)):
                same = fn(path, True) == expected
                ts = []
                for _ in range(passes):
                    t0 = time.perf_counter()
                    got = fn(path, False)
                    ts.append(time.perf_counter() - t0)
                t = statistics.median(ts)
                print(f"  {name:<9} {len(got):>5} HTML records {t:6.2f} s {len(got) / t:7.0f} HTML rec/s "
                      f"{(3 * n + 1) / t:7.0f} rec/s {size / t:6.1f} MB/s  payloads identical: {same}")  # fmt: skip


# ---------------------------------------------------------------- feeds


def write_feeds(pages: list[Page]) -> tuple[bytes, bytes]:
    base = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    items, entries = [], []
    for i, pg in enumerate(pages):
        title = htmlmod.escape(pg.meta.get("title") or pg.name)
        summary = htmlmod.escape(f"<p>{pg.meta.get('excerpt') or ''}</p><script>alert(1)</script>")
        body = pg.expected.replace("]]>", "]] >")
        when = base.replace(minute=i % 60, hour=(12 + i // 60) % 24)
        pub = format_datetime(when) if i % 10 else "not a date"
        items.append(f"<item><title>{title}</title><link>https://example.org/{pg.name}/</link>"
                     f"<guid>urn:page:{pg.name}</guid><pubDate>{pub}</pubDate><description>{summary}</description>"
                     f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>")  # fmt: skip
        entries.append(f"<entry><title>{title}</title><link href=\"/{pg.name}/\"/><id>urn:page:{pg.name}</id>"
                       f"<published>{when.isoformat()}</published><updated>{when.isoformat()}</updated>"
                       f"<summary type=\"html\">{summary}</summary></entry>")  # fmt: skip
    rss = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
           f"<link>https://example.org/</link><description>d</description>{''.join(items)}</channel></rss>")  # fmt: skip
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xml:base="https://example.org/"><title>t</title><id>urn:feed</id>'
            f"<updated>{base.isoformat()}</updated>{''.join(entries)}</feed>")  # fmt: skip
    return rss.encode(), atom.encode()


def bench_feeds(pages: list[Page], passes: int) -> None:
    try:
        import feedparser
    except ImportError as e:
        print(f"\nFeeds: skipped ({e})")
        return
    rss, atom = write_feeds(pages)
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
           b'<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title></item></channel></rss>')  # fmt: skip
    print(f"\nFeeds (feedparser {feedparser.__version__}), {len(pages)} items each:")
    for name, doc in (("RSS 2.0", rss), ("Atom 1.0", atom)):
        ts = []
        for _ in range(passes):
            t0 = time.perf_counter()
            d = feedparser.parse(io.BytesIO(doc))
            ts.append(time.perf_counter() - t0)
        t = statistics.median(ts)
        e = d.entries
        dated = sum(x.get("published_parsed") is not None for x in e)
        script = sum("<script" in (x.get("summary") or "") for x in e)
        content = sum(bool(x.get("content")) for x in e)
        print(f"  {name:<9} entries={len(e)} bozo={d.bozo} dated={dated} summaries with <script>={script} "
              f"with content={content} links[0]={e[0].get('link')!r}  {len(e) / t:7.0f} items/s")  # fmt: skip
    d = feedparser.parse(io.BytesIO(xxe))
    print(
        f"  external entity: title={d.feed.get('title')!r} bozo={d.bozo} ({type(d.get('bozo_exception')).__name__})"
    )


# ---------------------------------------------------------------- fragments


def bench_fragments(root: Path, pages: list[Page]) -> None:
    """HTML inside a record's text field: each page's ``expected.html`` (an article-only fragment) as input,
    scored against its own text, so the question is what each converter loses on an already-clean body."""
    frags = [(pg, (root / pg.name / "expected.html").read_text(encoding="utf-8")) for pg in pages]
    fns: dict[str, Callable[[str], str]] = {
        "lxml block-aware text (= the reference, 1.0 by construction)": html_to_text
    }
    try:
        import trafilatura

        fns["trafilatura.extract(fragment)"] = lambda h: trafilatura.extract(h, include_comments=False) or ""
        fns["trafilatura.extract(<html><body>+fragment)"] = lambda h: (
            trafilatura.extract(f"<html><body>{h}</body></html>", include_comments=False) or ""
        )
    except ImportError:
        pass
    try:
        from resiliparse.extract.html2text import extract_plain_text

        fns["resiliparse extract_plain_text"] = lambda h: extract_plain_text(h)
        fns["resiliparse main_content=True"] = lambda h: extract_plain_text(h, main_content=True)
    except ImportError:
        pass
    try:
        from newsdedup.text.html import fragment_to_text

        fns["newsdedup fragment_to_text"] = fragment_to_text
    except ImportError:
        pass
    print("\nHTML fragments (article-only HTML, as found in a JSON body):")
    for name, fn in fns.items():
        outs = [fn(h) for _, h in frags]
        s = summarise([tp_fp_fn(pg.expected, o) for (pg, _), o in zip(frags, outs, strict=True)])
        empty = sum(not o.strip() for o in outs)
        print(
            f"  {name:<44} bench_F1={s['bench_f1']:.3f} meanF1={s['mean_f1']:.3f} empty={empty}/{len(outs)}"
        )


# ---------------------------------------------------------------- newsdedup's own readers


def _warc_bytes(rec_type: str, uri: str, block: bytes) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-01T12:00:00Z\r\n"
            f"Content-Type: application/http; msgtype={rec_type}\r\nContent-Length: {len(block)}\r\n\r\n")  # fmt: skip
    return gzip.compress(head.encode() + block + b"\r\n\r\n")


def bench_newsdedup_inputs(root: Path, pages: list[Page]) -> None:
    """The pages read by newsdedup as .html files and as one .warc.gz (with a request and an image response per
    page): the same articles? And HTML inside a JSON body: two copies of each article, one with tags."""
    from newsdedup.io.discover import discover
    from newsdedup.io.readers import read_file
    from newsdedup.io.readers.records import structured_record
    from newsdedup.model import RawRecord
    from newsdedup.run.articles import parse_one
    from newsdedup.text.normalize import matching_text

    def parsed(path: Path) -> tuple[dict[str, Any], Counter[str], float]:
        files, _ = discover([path])
        out, skipped = {}, Counter[str]()
        t0 = time.perf_counter()
        for f in files:
            for item in read_file(f):
                if isinstance(item, RawRecord):
                    out[
                        (item.url or item.article_id).split("/")[-2 if item.url else 0].removesuffix(".html")
                    ] = parse_one(item, "UTC")
                else:
                    skipped[item.reason] += 1
        return out, skipped, time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "html").mkdir()
        warc = []
        for pg in pages:
            (Path(tmp) / "html" / f"{pg.name}.html").write_bytes(pg.raw)
            uri = f"https://example.org/{pg.name}/"
            warc.append(_warc_bytes("request", uri, b"GET / HTTP/1.1\r\n\r\n"))
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            warc.append(_warc_bytes("response", uri, http + pg.raw))
            png = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG"
            warc.append(_warc_bytes("response", uri + "logo.png", png))
        (Path(tmp) / "crawl.warc.gz").write_bytes(b"".join(warc))
        html, _, t_html = parsed(Path(tmp) / "html")
        crawl, skipped, t_warc = parsed(Path(tmp) / "crawl.warc.gz")
    fields = ("title", "author", "published_at", "source", "body", "language_hint")
    same = {k: sum(getattr(html[n], k) == getattr(crawl[n], k) for n in html) for k in fields}
    url = sum(html[n].url == crawl[n].url for n in html)
    warc_dated = sum(html[n].published_at is None and crawl[n].published_at is not None for n in html)
    print(f"\nnewsdedup readers: {len(html)} .html pages ({t_html:.1f} s), {len(crawl)} WARC pages ({t_warc:.1f} s), "
          f"WARC records skipped {dict(skipped)}")  # fmt: skip
    print("  fields equal, .html vs WARC: " + ", ".join(f"{k} {v}/{len(html)}" for k, v in same.items())
          + f", url {url}/{len(html)} (a relative canonical link resolves against the WARC's URI only); "
          f"pages with no date of their own, dated by the WARC-Date: {warc_dated}")  # fmt: skip
    sims, raw_sims = [], []
    for pg in pages:
        tagged = (root / pg.name / "expected.html").read_text(encoding="utf-8")
        plain = pg.expected.replace("\n", "\n\n")
        texts = []
        for body in (tagged, plain):
            rec = structured_record({"title": "t", "body": body}, "x.jsonl", 1, "utf-8", 10**8)
            assert isinstance(rec, RawRecord)
            texts.append(matching_text(parse_one(rec, "UTC"), include_title=False))
        a, b = shingles(texts[0]), shingles(texts[1])
        sims.append(sum((a & b).values()) / max(1, sum((a | b).values())))
        a = shingles(tagged)
        raw_sims.append(sum((a & b).values()) / max(1, sum((a | b).values())))
    print(f"  HTML in a JSON body: word-4-gram Jaccard of the tagged copy's and the plain copy's matching text, "
          f"mean {statistics.mean(sims):.3f} (median {statistics.median(sims):.3f}; "
          f"tags kept as text: {statistics.mean(raw_sims):.3f})")  # fmt: skip


# ---------------------------------------------------------------- main


@dataclass
class Result:
    name: str
    scores: list[tuple[float, float, float]] = field(default_factory=list)
    timing: dict[str, float] = field(default_factory=dict)
    outs: list[str] = field(default_factory=list)


def print_versions() -> None:
    from importlib import metadata

    vs = []
    for dist in ("trafilatura", "resiliparse", "readability-lxml", "justext", "htmldate", "lxml", "fastwarc",
                 "warcio", "feedparser"):  # fmt: skip
        try:
            vs.append(f"{dist}=={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            vs.append(f"{dist} (missing)")
    print(f"Python {sys.version.split()[0]}; " + ", ".join(vs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(DEFAULT_DATA))
    ap.add_argument("--subset", choices=["real", "all"], default="real")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated substrings of extractor names")
    ap.add_argument(
        "--json", type=Path, help="write per-page scores and outputs here (keep it out of the repo)"
    )
    ap.add_argument("--no-body", action="store_true")
    ap.add_argument("--no-meta", action="store_true")
    ap.add_argument("--warc", action="store_true")
    ap.add_argument("--warc-copies", type=int, default=4)
    ap.add_argument("--feeds", action="store_true")
    ap.add_argument("--fragments", action="store_true")
    ap.add_argument(
        "--newsdedup-inputs", action="store_true", help="newsdedup's .html and WARC readers agree?"
    )
    args = ap.parse_args()
    print_versions()
    pages = load_pages(args.data, args.subset)
    print(f"{len(pages)} pages ({args.subset}) from {args.data}; {args.passes} passes")
    results = []
    if not args.no_body:
        extractors, notes = build_extractors()
        for n in notes:
            print("note:", n)
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        print(f"\n{'extractor / config':<44} {'bench_F1':>8} {'P':>6} {'R':>6} {'meanF1':>7} {'medF1':>6} "
              f"{'<0.5':>4} {'ms/page':>8} {'cpu_ms':>7} {'p_med':>6}")  # fmt: skip
        chosen = {k: v for k, v in extractors.items() if not wanted or any(w in k for w in wanted)}
        for name, (outs, timing) in run_all(chosen, pages, args.passes).items():
            r = Result(
                name, [tp_fp_fn(pg.expected, o) for pg, o in zip(pages, outs, strict=True)], timing, outs
            )
            s = summarise(r.scores)
            print(f"{name:<44} {s['bench_f1']:8.3f} {s['precision']:6.3f} {s['recall']:6.3f} {s['mean_f1']:7.3f} "
                  f"{s['median_f1']:6.3f} {s['pages_below_0.5']:4d} {timing['ms_page']:8.2f} "
                  f"{timing['cpu_ms_page']:7.2f} {timing['ms_p_med']:6.2f}")  # fmt: skip
            results.append(r)
    if not args.no_meta:
        print("\nMetadata (matches / pages where the fixture has a value):")
        for row in bench_metadata(pages, args.passes):
            ms = (
                f"{row['ms_page']:7.2f} ms/page {row['cpu_ms_page']:6.2f} CPU"
                if "ms_page" in row
                else " " * 26
            )
            cols = "  ".join(f"{k}={row[k]}" for k in ("title", "author", "date", "site", "lang") if k in row)
            print(f"  {row['reader']:<38} {ms}  {cols}")
    if args.warc:
        bench_warc(pages, args.passes, args.warc_copies)
    if args.feeds:
        bench_feeds(pages, args.passes)
    if args.fragments:
        bench_fragments(args.data, pages)
    if args.newsdedup_inputs:
        bench_newsdedup_inputs(args.data, pages)
    if args.json:
        dump = {r.name: {"timing": r.timing, "pages": {pg.name: {"f1": prf(t)[2], "out": o}
                for pg, t, o in zip(pages, r.scores, r.outs, strict=True)}} for r in results}  # fmt: skip
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
