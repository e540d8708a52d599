"""Raw .txt files in each outlet's layout, and the fields a parser should recover from each.

Layouts (LAYOUTS): "seed" (the real raw layout: headline twice, author line, "18 Nov 2024, 14:55
GMT+10", "- " summary bullets, "CITY, Country: " dateline, share footer), "wire" ("Headline | Outlet",
"By NAME, Outlet", "Published: ...Z", "CITY (Agency) - ", reporting credit and copyright footer), "tv"
("Updated 10:37 AM PST, Saturday November 16, 2024", "CITY, Nov 16 (Agency) -- ", "Advertisement" and
"Related: ..." lines), "wrapped" (72 columns, "Written by", "November 16, 2024 10:37 PM EST", newsletter
footer) and "plain" (one line per paragraph, "Posted 16/11/2024 10:37 GMT", "CITY — ", no author).
About 20% of files use CRLF, ~15% cp1252 (when representable) and ~5% a UTF-8 BOM.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

import numpy as np

from newsdedup.synth.config import SynthArticle
from newsdedup.synth.outlets import OUTLET_BY_NAME, Outlet
from newsdedup.synth.prose import content_words
from newsdedup.synth.vocab import vocab
from newsdedup.synth.words import LAST_NAMES

__all__ = ["encode_txt", "render_txt"]

# A layout: (article, its paragraphs, its outlet, rng) -> (file text, location as printed, author as printed)
_Layout = Callable[[SynthArticle, list[str], Outlet, np.random.Generator], tuple[str, str | None, str | None]]


def render_txt(a: SynthArticle, rng: np.random.Generator) -> tuple[str, dict[str, str | None]]:
    """Return the text of the article's file in its outlet's layout, and the fields a parser should find."""
    pars = a.body.split("\n\n")
    text, location, author = _LAYOUTS[a.layout](a, pars, OUTLET_BY_NAME[a.source], rng)
    fields: dict[str, str | None] = {
        "id": a.path,
        "title": a.title,
        "author": author,
        "published_at": _utc_z(a.published_at),
        "location": location,
        "body_first_sentence": _sentences(pars[0])[0],
        "body_last_sentence": _sentences(pars[-1])[-1],
    }
    return text, fields


def _seed(
    a: SynthArticle, pars: list[str], outlet: Outlet, rng: np.random.Generator
) -> tuple[str, str | None, str | None]:
    t = a.published_at
    bullets = [f"- {_sentences(p)[0].rstrip('.')}" for p in pars[:3]]
    stamp = f"{t:%d %b %Y, %H:%M} {outlet.tz_label}"
    place = f"{a.location}, {a.country}"
    lines = [a.title, a.title, a.author, stamp, *bullets, f"{place}: {pars[0]}", *pars[1:]]
    lines += ["Share article:", "Share", "Tweet"]
    return "\n".join(lines), place, a.author or None  # the seed file has no final newline


def _wire(
    a: SynthArticle, pars: list[str], outlet: Outlet, rng: np.random.Generator
) -> tuple[str, str | None, str | None]:
    t = a.published_at
    editors = rng.choice(LAST_NAMES, size=2, replace=False)
    lines = [f"{a.title} | {a.source}", f"By {a.author}, {a.source}", f"Published: {_utc_z(t)}", ""]
    lines += [f"{a.location} ({outlet.agency}) - {pars[0]}"]
    for p in pars[1:]:
        lines += ["", p]
    lines += ["", f"(Reporting by {a.author}; Editing by {editors[0]} and {editors[1]})"]
    lines += [f"© {t.year} {a.source}. All rights reserved.", ""]
    return "\n".join(lines), a.location, a.author or None


def _tv(
    a: SynthArticle, pars: list[str], outlet: Outlet, rng: np.random.Generator
) -> tuple[str, str | None, str | None]:
    t = a.published_at
    stamp = f"Updated {_h12(t)} {outlet.tz_label}, {t:%A} {t:%B} {t.day}, {t.year}"
    lines = [a.title, f"By {a.author}", stamp, ""]
    lines += [f"{a.location}, {t:%b} {t.day} ({outlet.agency}) -- {pars[0]}", ""]
    for i, p in enumerate(pars[1:], start=1):
        if i % 3 == 1:
            lines += ["Advertisement", ""]
        lines += [p, ""]
        if i == 2:
            lines += [f"Related: {_related_title(rng)}", ""]
    return "\n".join(lines), a.location, a.author or None


def _wrapped(
    a: SynthArticle, pars: list[str], outlet: Outlet, rng: np.random.Generator
) -> tuple[str, str | None, str | None]:
    t = a.published_at
    lines = [
        a.title,
        "",
        f"Written by {a.author}",
        f"{t:%B} {t.day}, {t.year} {_h12(t)} {outlet.tz_label}",
        "",
    ]
    for p in pars:
        lines += [textwrap.fill(p, width=72, break_long_words=False, break_on_hyphens=False), ""]
    lines += ["Sign up for our newsletter", ""]
    return "\n".join(lines), None, a.author or None  # no dateline


def _plain(
    a: SynthArticle, pars: list[str], outlet: Outlet, rng: np.random.Generator
) -> tuple[str, str | None, str | None]:
    t = a.published_at
    lines = [
        a.title,
        f"Posted {t:%d/%m/%Y %H:%M} {outlet.tz_label}",
        f"{a.location} — {pars[0]}",
        *pars[1:],
    ]
    lines += ["Follow us on Twitter", ""]
    return "\n".join(lines), a.location, None  # credits nobody


_LAYOUTS: dict[str, _Layout] = {"seed": _seed, "wire": _wire, "tv": _tv, "wrapped": _wrapped, "plain": _plain}


def _sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    for w in paragraph.split(" "):
        cur.append(w)
        if w.endswith((".", ".”")):
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def _utc_z(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _h12(t: dt.datetime) -> str:
    return f"{(t.hour % 12) or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def _related_title(rng: np.random.Generator) -> str:
    words = content_words(rng, vocab(), int(rng.integers(5, 9)))
    return words[0].capitalize() + " " + " ".join(words[1:])


def encode_txt(text: str, rng: np.random.Generator) -> bytes:
    """Encode like a mixed archive: mostly UTF-8, some cp1252 (when representable), CRLF, a few BOMs."""
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    r = rng.random()
    if r < 0.15:
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    elif r < 0.2:
        return b"\xef\xbb\xbf" + text.encode()
    return text.encode()
