"""HTML -> article fields: the main text of a page, its title, author, publication date, canonical URL, site
name and language hint, and the plain text of an HTML fragment (HTML found inside a record's text field).

Pure text work: every function takes a decoded ``str`` (or, for :func:`decode_html`, the bytes already read)
and does no I/O. Extractors (``parse.html_extractor``):

- ``"fast"`` (the default): resiliparse's main-content extraction, with the headline line(s) it keeps dropped
  (the title is a field of its own); a page where that yields fewer than :data:`FALLBACK_MIN_WORDS` words
  (a likely miss: a short article, or a layout the heuristic does not know) goes to trafilatura (fast mode).
- ``"trafilatura"``: trafilatura alone (with its fallback extractors), slower.

Metadata comes from the page's own ``<meta>`` tags and JSON-LD first; the date, when they have none, from
htmldate (its quick search); the author, when they have none, from a byline in the markup, else (with the
``"trafilatura"`` extractor only: it costs about as much as the fast extraction) from trafilatura's author
search.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import unescape
from typing import Any
from urllib.parse import urljoin

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import DocumentNode, HTMLTree

from newsdedup.model import ParsedArticle
from newsdedup.params import HTML_EXTRACTORS
from newsdedup.text.parse import parse_record

__all__ = [
    "EXTRACTORS",
    "FALLBACK_MIN_WORDS",
    "HtmlArticle",
    "decode_html",
    "extract_html",
    "fragment_to_text",
    "has_html_tags",
    "looks_like_html_page",
    "parse_html",
    "text_of_markup",
]

EXTRACTORS = HTML_EXTRACTORS
FALLBACK_MIN_WORDS = 250  # below this, the fast extractor's answer is a likely miss: ask trafilatura

# '<' (or '</') followed by the name of an HTML element, or '<!--': what makes a record's text field HTML.
# Known names only, so that plain text such as "if x<y then" is not taken for markup (and cut).
# fmt: off
_TAG_NAMES = frozenset([
    "a", "abbr", "article", "aside", "audio", "b", "blockquote", "body", "br", "button", "caption",
    "center", "cite", "code", "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "font",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "iframe",
    "img", "input", "ins", "label", "li", "link", "main", "mark", "meta", "nav", "noscript", "ol", "p",
    "picture", "pre", "q", "s", "script", "section", "small", "source", "span", "strike", "strong",
    "style", "sub", "sup", "svg", "table", "tbody", "td", "th", "thead", "time", "title", "tr", "u", "ul",
    "video", "wbr",
])
# fmt: on
_TAG = re.compile(r"<(?:/?([A-Za-z][A-Za-z0-9]*)(?=[\s/>]|$)|!--|!doctype)", re.IGNORECASE)
_PAGE_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_WORD = re.compile(r"\w+")
_DATE_KEYS = ("article:published_time", "datepublished", "og:published_time", "publishdate", "pubdate",
              "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date")  # fmt: skip
_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "byl", "dc.creator")
_BYLINE_SELECTORS = ('[itemprop="author"] [itemprop="name"]', '[itemprop="author"]', 'a[rel="author"]',
                     '[class*="byline"] [class*="author"]', '[class*="byline"]', '[class*="author-name"]')  # fmt: skip
_BY = re.compile(r"(?:by|par|von|por|di|door)\s+", re.IGNORECASE)
_ARTICLE_TYPES = ("Article", "Report", "BlogPosting", "Posting")


@dataclass(frozen=True, slots=True)
class HtmlArticle:
    """What one HTML page says about itself; ``body`` has one paragraph per line."""

    body: str
    title: str | None
    author: str | None
    published: str | None  # as found (ISO 8601 or YYYY-MM-DD)
    url: str | None  # canonical URL, absolute
    site_name: str | None
    language: str | None  # <html lang>, as written ("en-GB")


def looks_like_html_page(text: str) -> bool:
    """Does ``text`` start like an HTML page (``<!DOCTYPE html`` or ``<html``, after blanks and comments)?"""
    return _PAGE_START.match(text[:4096]) is not None


def has_html_tags(text: str) -> bool:
    """Does ``text`` hold markup: a '<' followed by an HTML element's name? Cheap when it has no '<' at all."""
    if "<" not in text:
        return False
    for m in _TAG.finditer(text):
        name = m.group(1)
        if name is None or name.lower() in _TAG_NAMES:
            return True
    return False


def decode_html(data: bytes) -> tuple[str, str] | None:
    """Bytes of a page decoded by the charset its ``<meta>`` declares, when it is not UTF-8: (text, charset);
    None when the page declares none, or one that is unknown or fails (the caller then uses its general
    decoder)."""
    m = _CHARSET.search(data[:8192])
    if m is None:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name.replace("-", "").replace("_", "") in ("utf8", "utf16", "utf32"):
        return None
    try:
        return data.decode(name), name
    except (LookupError, UnicodeDecodeError):
        return None


def fragment_to_text(markup: str) -> str:
    """The plain text of an HTML fragment (an article body with tags): every block on a paragraph of its own
    (separated by a blank line), entities decoded, scripts, styles and image alt texts left out."""
    text = extract_plain_text(markup, alt_texts=False, links=False, list_bullets=False)
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _norm(s: str | None) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", s or "").casefold()))


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _metas(html: str) -> dict[str, str]:
    """<meta> property/name/itemprop -> content, first one wins, keys case-folded. Read with a regex: walking
    the parsed tree's meta nodes costs several times more."""
    out: dict[str, str] = {}
    for tag in _META.finditer(html):
        attrs = {k.lower(): v for k, v in _ATTR.findall(tag.group(1))}
        key = (
            (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip("'\" ").lower()
        )
        content = _clean(unescape(attrs.get("content", "").strip("'\"")))
        if key and content and key not in out:
            out[key] = content
    return out


def _ld_nodes(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        d = stack.pop(0)
        if isinstance(d, list):
            stack.extend(d)
        elif isinstance(d, dict):
            yield d
            graph = d.get("@graph")
            if graph is not None:
                stack.extend(graph if isinstance(graph, list) else [graph])


def _json_ld(doc: DocumentNode) -> dict[str, Any]:
    """The page's first JSON-LD object of an article type, or {}."""
    for script in doc.query_selector_all('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in _ld_nodes(data):
            t = node.get("@type")
            types = t if isinstance(t, list) else [t]
            if any(isinstance(x, str) and any(a in x for a in _ARTICLE_TYPES) for x in types):
                return node
    return {}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    return _clean(value)


def _first(*values: Any) -> str | None:
    for v in values:
        got = _clean(v)
        if got:
            return got
    return None


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        url = urljoin(base, url) if base and base.startswith(("http://", "https://")) else url
    return url if url.startswith(("http://", "https://")) else None


def _author(metas: dict[str, str], ld: dict[str, Any]) -> str | None:
    author = _ld_name(ld.get("author")) or _first(*(metas.get(k) for k in _AUTHOR_KEYS))
    # article:author is often a profile URL, not a name
    return None if author is None or author.startswith(("http://", "https://")) else author


def _title_lines_dropped(text: str, titles: tuple[str | None, ...]) -> str:
    """``text`` without the lines that repeat the page's title (the extractor keeps the headline)."""
    normed = [t for t in (_norm(x) for x in titles) if t]
    kept = []
    for line in text.split("\n"):
        n = _norm(line)
        if not (len(n) > 10 and any(n in t for t in normed)):
            kept.append(line)
    return "\n".join(kept)


def _trafilatura_text(html: str, *, fast: bool) -> str:
    import trafilatura  # imported on first use: a run that never meets a page does not pay for it

    return trafilatura.extract(html, include_comments=False, fast=fast) or ""


def _body(html: str, tree: HTMLTree, extractor: str, titles: tuple[str | None, ...]) -> str:
    """The page's main text, one paragraph per line, without the headline lines the extractors keep."""
    if extractor == "trafilatura":
        text = _title_lines_dropped(_trafilatura_text(html, fast=False), titles)
    else:
        text = _title_lines_dropped(
            extract_plain_text(tree, main_content=True, comments=False, alt_texts=False, list_bullets=False),
            titles,
        )
        if len(_WORD.findall(text)) < FALLBACK_MIN_WORDS:
            text = _title_lines_dropped(_trafilatura_text(html, fast=True), titles) or text
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _fallback_date(html: str) -> str | None:
    from htmldate import find_date

    try:
        return find_date(html, original_date=True, extensive_search=False)
    except (ValueError, TypeError):
        return None


def _byline(doc: DocumentNode) -> str | None:
    """The author named in the page's markup: a rel=author link, an itemprop=author, a byline element."""
    for selector in _BYLINE_SELECTORS:
        el = doc.query_selector(selector)
        text = _clean(el.text) if el is not None else None
        if text and len(text) <= 100:
            m = _BY.match(text)
            return text[m.end() :].strip() or None if m else text
    return None


def _fallback_author(html: str) -> str | None:
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html

    tree = load_html(html)
    return _clean(extract_author(tree)) if tree is not None else None


def extract_html(html: str, *, extractor: str = "fast", base_url: str | None = None) -> HtmlArticle:
    """The article fields of one HTML page. ``base_url`` (the page's own address, when known) makes a relative
    canonical link absolute."""
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown HTML extractor {extractor!r}; expected one of {EXTRACTORS}")
    tree = HTMLTree.parse(html)
    doc = tree.document
    if doc is None:  # not even an empty document came out of the parser
        return HtmlArticle("", None, None, None, None, None, None)
    metas = _metas(html)
    ld = _json_ld(doc)
    page_title = _clean(tree.title)
    title = _first(ld.get("headline"), metas.get("og:title"), metas.get("twitter:title"), page_title)
    body = _body(html, tree, extractor, (title, page_title))
    published = _first(ld.get("datePublished"), *(metas.get(k) for k in _DATE_KEYS)) or _fallback_date(html)
    author = _author(metas, ld) or _byline(doc)
    if (
        author is None and extractor == "trafilatura"
    ):  # its author search costs as much as the fast extraction
        author = _fallback_author(html)
    canonical = doc.query_selector('link[rel="canonical"]')
    url = _absolute(_first(canonical.getattr("href") if canonical else None, metas.get("og:url")), base_url)
    site = _first(metas.get("og:site_name"), _ld_name(ld.get("publisher")), metas.get("application-name"))
    root = doc.query_selector("html")
    lang = _clean(root.getattr("lang") or root.getattr("xml:lang")) if root is not None else None
    return HtmlArticle(
        body=body,
        title=title,
        author=author,
        published=published,
        url=url,
        site_name=site,
        language=lang.replace("_", "-") if lang else None,
    )


def text_of_markup(value: str | None) -> str | None:
    """A record's text field with its HTML converted to text (see :func:`fragment_to_text`) when it holds
    tags; unchanged otherwise. None when nothing but markup was there."""
    if value is None or not has_html_tags(value):
        return value
    return fragment_to_text(value) or None


def parse_html(
    html: str,
    *,
    extractor: str = "fast",
    default_tz: str = "UTC",
    published: str | None = None,
    base_url: str | None = None,
    dayfirst: bool = True,
) -> ParsedArticle:
    """Parse one HTML page into an article: extracted as :func:`extract_html` says, then cleaned like a
    structured record's fields (:func:`~newsdedup.text.parse.parse_record`). ``published`` (e.g. a WARC
    record's date) is used when the page gives no date; ``base_url`` is the page's address, when known."""
    page = extract_html(html, extractor=extractor, base_url=base_url)
    article = parse_record(
        title=page.title,
        # one paragraph per line from the extractors; a blank line keeps them apart through the body cleaning
        body=page.body.replace("\n", "\n\n"),
        published=page.published or published,
        author=page.author,
        default_tz=default_tz,
        dayfirst=dayfirst,
    )
    return replace(
        article,
        source=page.site_name or article.source,
        url=page.url,
        language_hint=page.language,
    )
