"""Boilerplate lines: fixed patterns (share buttons, copyright, wire credits, ...) and per-source learned lines.

Pure functions, no I/O. `classify_line` names the kind of a boilerplate line so the parser can count what it
removed per kind; `line_keys` and `learn_from_keys` find lines that recur across many articles of one source
(footers the patterns do not know), and `strip_learned` removes them from a parsed article.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from newsdedup.model import ParsedArticle
from newsdedup.text.boilerplate_local import LOCAL_KIND_PATTERNS, LOCAL_START_PREFIXES, LOCAL_START_WORDS
from newsdedup.text.normalize import normalize_for_matching

__all__ = [
    "MAX_BOILERPLATE_LINE",
    "classify_line",
    "is_related_heading",
    "learn_from_keys",
    "line_keys",
    "strip_learned",
]

_SOCIAL = r"(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram|instagram|tiktok|threads|youtube|bluesky|email|e-mail)"
_SHARE_WORD = r"(?:share|tweet|email|e-mail|print|copy\s+link|pin|save|facebook|twitter|linkedin|whatsapp|reddit|pinterest|telegram|messenger|comment|comments)"

# One pattern per kind, each anchored at the start of a stripped line. Order matters: first match wins.
_KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "share",
        rf"(?:{_SHARE_WORD}[\s:|,·•/]*){{1,8}}$"
        rf"|share\s+(?:this|article|this\s+article|this\s+story|the\s+story|story|on\s+{_SOCIAL}|via\s+\w+)\b.{{0,40}}$"
        rf"|(?:follow|like|find)\s+(?:us|\w+(?:\s+\w+)?)\s+on\s+{_SOCIAL}\b.{{0,80}}$"
        r"|click\s+(?:here\s+)?to\s+(?:share|tweet|email|print)\b.{0,60}$",
    ),
    (
        "copyright",
        r"(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4}|copyright\s*(?:©|\(c\))\s*\w)[^\n]{0,160}$"
        r"|copyright\s*$|all\s+rights\s+reserved\b[^\n]{0,60}$",
    ),
    (
        "credit",
        r"\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|translation)\s+by\b[^\n]{0,240}$",
    ),
    (
        "related",
        r"(?:related(?:\s+(?:articles?|stories|content|coverage|news|reading|links?|topics?))?|read\s+more|read\s+also"
        r"|also\s+read|see\s+also|more\s+on\s+this(?:\s+story)?|recommended(?:\s+(?:reading|stories|for\s+you))?"
        r"|you\s+may\s+also\s+like|you\s+might\s+also\s+like|further\s+reading|more\s+stories|must\s+read"
        r"|don'?t\s+miss|trending(?:\s+now)?|most\s+read|popular\s+now|more\s+from\s+[A-Z][^\n]{0,40})"
        r"\s*(?:(?:[:›»>|]|-{1,2}|[–—])(?:\s*[^\n]{0,200})?)?$",
    ),
    (
        "advertisement",
        r"(?:advertisement|advertising|sponsored(?:\s+content)?|ad|paid\s+content|promoted(?:\s+content)?"
        r"|(?:story|article)\s+continues\s+below(?:\s+(?:this\s+)?(?:ad|advertisement))?"
        r"|continue\s+reading(?:\s+(?:below|the\s+main\s+story))?|scroll\s+to\s+continue(?:\s+with\s+content)?)"
        r"\s*[:.]?$",
    ),
    (
        "subscribe",
        r"(?:sign\s+up|subscribe|register\s+(?:now|for\s+free|here)|already\s+a\s+subscriber"
        r"|become\s+a\s+(?:member|subscriber)|support\s+(?:our|independent)\s+journalism"
        r"|get\s+(?:our|the)\s[^\n]{0,60}newsletter|join\s+our\s[^\n]{0,60}newsletter|newsletter\b)[^\n]{0,160}$",
    ),
    (
        "image",
        r"(?:image|media|video)\s+(?:caption|source|copyright)\b[^\n]{0,200}$"
        r"|(?:photo|photos|image|images|picture|pictures|photograph|pictured|file\s+photo|graphic|illustration"
        r"|video)(?:\s+(?:credit|courtesy|source))?\s*[:|/][^\n]{0,200}$"
        r"|\(?\s*(?:photo|image|picture)s?\s+(?:by|credit|courtesy)\b[^\n]{0,160}$"
        r"|\((?:ap|afp|reuters|epa|getty)\s+photo\b[^\n]{0,160}$"
        r"|getty\s+images\.?$",
    ),
    ("tags", r"(?:tags?|topics?|filed\s+under|categories|category|keywords|more\s+about)\s*:[^\n]{0,300}$"),
    (
        "navigation",
        r"(?:back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|listen\s+to\s+this\s+article|\d+\s+min(?:ute)?s?\s+read"
        r"|reading\s+time\s*:[^\n]{0,20}|view\s+comments|show\s+comments|leave\s+a\s+comment|add\s+a\s+comment"
        r"|join\s+the\s+(?:conversation|discussion)|comments?\s*\(\d+\)|\d+\s+comments?|click\s+here\b[^\n]{0,100}"
        r"|watch\s*:?\s*|listen\s*:?\s*|loading\.*|more\s*\.{0,3})$",
    ),
)
# "Contains" rules are checked only after a cheap substring test: a leading `.{0,160}` in the combined
# pattern would make every content line pay for backtracking.
_CONTAINS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("rights reserved", "copyright", re.compile(r"\ball\s+rights\s+reserved\b", re.IGNORECASE)),
    (
        "contributed",
        "credit",
        re.compile(
            r"\bcontributed\s+(?:to\s+)?(?:this\s+)?(?:report|reporting|story|article)\.?\)?$", re.IGNORECASE
        ),
    ),
    ("newsletter", "subscribe", re.compile(r"\b(?:sign\s+up|subscribe)\b.*\bnewsletters?\b", re.IGNORECASE)),
    (
        "/",
        "image",
        re.compile(
            r"\s/\s*(?:getty\s+images|afp|reuters|ap(?:\s+photo)?|epa|shutterstock|alamy|bloomberg)"
            r"(?:\s+via\s+getty\s+images)?\)?\.?$",
            re.IGNORECASE,
        ),
    ),
)
_CONTAINS_MAX = 200
_COMBINED = re.compile(
    "|".join(f"(?P<{kind}>(?:{pat}))" for kind, pat in _KIND_PATTERNS),
    re.IGNORECASE,
)
# the same kinds in the other supported languages (text/boilerplate_local.py), in the same order; tried only
# for a line whose first word (first characters, in CJK) can open one, so English lines never pay for them
_COMBINED_LOCAL = re.compile(
    "|".join(
        f"(?P<{kind}>(?:{LOCAL_KIND_PATTERNS[kind]}))"
        for kind, _ in _KIND_PATTERNS
        if kind in LOCAL_KIND_PATTERNS
    ),
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"(?:related(?:\s+\w+)?|read\s+more|read\s+also|also\s+read|see\s+also|more\s+on\s+this(?:\s+story)?"
    r"|recommended(?:\s+\w+)*|you\s+m(?:ay|ight)\s+also\s+like|further\s+reading|more\s+stories|must\s+read"
    r"|trending(?:\s+now)?|most\s+read|popular\s+now|more\s+from\s+[^\n]{1,40})\s*[:›»>]?\s*$",
    re.IGNORECASE,
)
# First words that can open a pattern above. Checking the first word against this set is much cheaper than
# running the combined case-insensitive pattern on every content line (keep in sync with the patterns).
_START_WORDS = frozenset(
    """
    share tweet email e-mail print copy pin save facebook twitter x linkedin whatsapp reddit
    pinterest telegram messenger comment comments follow like find click copyright all reporting
    additional writing editing compiled research translation related read also see more recommended
    you further must don't don’t dont trending most popular advertisement advertising sponsored ad
    paid promoted story article continue scroll sign subscribe register already become support get
    join newsletter newsletters image media video photo photos images picture pictures photograph
    pictured file graphic illustration getty tags tag topics topic filed categories category
    keywords back skip listen reading view show leave add watch loading instagram tiktok threads
    youtube bluesky
    """.split()  # noqa: SIM905
)
_START_CHARS = frozenset("©(0123456789")
_START_CHARS_PATTERNS = (_COMBINED,)
_START_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    **{w: (_COMBINED_LOCAL,) for w in LOCAL_START_WORDS},
    **{w: (_COMBINED, _COMBINED_LOCAL) if w in LOCAL_START_WORDS else (_COMBINED,) for w in _START_WORDS},
}
_WORD_TRIM = ":.!,;|-–—›»>…"
#: A boilerplate line is short; a longer line is content whatever it starts with.
MAX_BOILERPLATE_LINE = 260


def classify_line(line: str) -> str | None:
    """Return the boilerplate kind of one line ("share", "copyright", "credit", "related", "advertisement",
    "subscribe", "image", "tags", "navigation"), or None when it is content.

    Lines longer than a few hundred characters or starting in lower case are always content.
    """
    s = line.strip()
    # a line starting in lower case continues a sentence (often a hard-wrapped one): content
    if not s or len(s) > MAX_BOILERPLATE_LINE or s[0].islower():
        return None
    # one lookup gives the patterns a first word can open (English, the other languages, or both)
    patterns = (
        _START_CHARS_PATTERNS
        if s[0] in _START_CHARS
        else _START_PATTERNS.get(s.split(None, 1)[0].lower().rstrip(_WORD_TRIM))
    )
    if patterns is None and s[0] >= "\u3040" and s.startswith(LOCAL_START_PREFIXES):
        patterns = (_COMBINED_LOCAL,)  # CJK lines have no first word: their first characters are tested
    for pattern in patterns or ():
        m = pattern.match(s)
        if m is not None:
            return m.lastgroup
    if len(s) <= _CONTAINS_MAX:
        low = s.lower()
        for needle, kind, pattern in _CONTAINS:
            if needle in low and pattern.search(s):
                return kind
    return None


def is_related_heading(line: str) -> bool:
    """True for a bare "Related:" / "Read more" heading, after which a list of other headlines follows."""
    return _RELATED_HEADING.fullmatch(line.strip()) is not None


#: Learned boilerplate is a short line (a footer, a promo, a credit); long paragraphs are article text and
#: are not even considered, which keeps learning cheap on long articles.
MAX_LEARNED_LINE = 300


def line_keys(body: str) -> frozenset[str]:
    """Normalised keys of the body's short lines, the candidates for learned boilerplate."""
    keys = {normalize_for_matching(line) for line in body.split("\n") if 0 < len(line) <= MAX_LEARNED_LINE}
    keys.discard("")
    return frozenset(keys)


def learn_from_keys(
    keys_by_group: Mapping[str, Sequence[frozenset[str]]], *, min_docs: int = 5, min_fraction: float = 0.3
) -> dict[str, frozenset[str]]:
    """Per group (input folder or source), the learned boilerplate: the line keys that recur in at least
    ``min_docs`` articles and in at least ``min_fraction`` of the group's articles.

    ``keys_by_group`` holds one :func:`line_keys` set per article (computed where the articles are parsed), so
    a line (up to MAX_LEARNED_LINE characters) is compared after `normalize_for_matching` and counted once
    per article. Groups smaller than ``min_docs`` learn nothing, so a handful of syndicated copies of one
    story cannot erase each other's text.
    """
    if min_docs < 1:
        raise ValueError(f"min_docs must be >= 1, got {min_docs}")
    if not 0.0 <= min_fraction <= 1.0:
        raise ValueError(f"min_fraction must be in [0.0, 1.0], got {min_fraction}")
    learned: dict[str, frozenset[str]] = {}
    for group, key_sets in keys_by_group.items():
        counts: Counter[str] = Counter()
        for keys in key_sets:
            counts.update(keys)
        need = max(min_docs, min_fraction * len(key_sets))
        learned[group] = frozenset(k for k, c in counts.items() if c >= need)
    return learned


def strip_learned(article: ParsedArticle, lines: frozenset[str]) -> ParsedArticle:
    """Remove learned boilerplate lines from the body; counted as kind "learned"."""
    if not lines or not article.body:
        return article
    kept: list[str] = []
    dropped: list[str] = []
    for para in article.body.split("\n\n"):
        if len(para) <= MAX_LEARNED_LINE and normalize_for_matching(para) in lines:
            dropped.append(para)
        else:
            kept.append(para)
    if not dropped:
        return article
    removed = dict(article.removed)
    removed["learned"] = removed.get("learned", 0) + len(dropped)
    return dataclasses.replace(
        article,
        body="\n\n".join(kept),
        removed=removed,
        removed_lines=(*article.removed_lines, *dropped),
    )
