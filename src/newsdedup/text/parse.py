"""Raw article text -> fields (pure functions, no I/O).

`parse_raw` reads a whole raw-layout file: a header (headline, optional repeated headline, author, timestamp,
summary bullets, outlet/section noise), a body (optionally opening with a dateline such as
"LONDON (Reuters) -") and a footer of boilerplate. `parse_record` applies the same text repair and body
cleaning to an export record whose fields are already separated.

Header rule: the first non-empty line is the headline (a bare kicker such as "Breaking News" before it is
skipped; a repeat of it is collapsed). The header then runs over author/timestamp/bullet/short noise lines and
ends at the first line that reads like prose (>= 60 chars or >= 6 words, or a short sentence) or opens with a
dateline. A prose line followed within three lines by a byline or timestamp is a standfirst (removed, counted).

Body rule: boilerplate lines are removed per kind; lines are re-joined into paragraphs. Hard-wrapped text
(most lines end near one width <= 100) is re-joined by the greedy-wrapper rule: a line that still had room
for the next line's first word ended its paragraph; when paragraphs are also blank-line separated every
single newline is a wrap. Unwrapped text: each line is a paragraph unless it stops mid-sentence. The dateline
is then cut from the first paragraph into ``location``.

Zone rule: see `newsdedup.text.dates` (a timestamp without a zone is read in ``default_tz`` and flagged
``published_tz_assumed``).
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from datetime import datetime

import ftfy
import numpy as np

from newsdedup.model import ParsedArticle
from newsdedup.text.boilerplate import MAX_BOILERPLATE_LINE, classify_line, is_related_heading
from newsdedup.text.dates import looks_like_timestamp, parse_timestamp, resolve_zone, strip_date_prefix
from newsdedup.text.kernels import SCAN_AMPERSAND, scan_text
from newsdedup.text.normalize import normalize_for_matching

__all__ = ["parse_raw", "parse_record", "repair_text"]


# ---------------------------------------------------------------------------------------------- text repair

# Typical UTF-8-read-as-cp1252/latin-1 sequences ("Ã©", "â€™", "Â£"): repair_text first tests for "Ã", "Â",
# "â€", "ï»¿" with plain `in` (much faster than a regex alternation), then confirms the byte-pair shape so
# real text such as "SÃO PAULO" does not pay for ftfy.
_MOJIBAKE = re.compile("[ÃÂ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|ï»¿")
_C1 = re.compile("[\x80-\x9f]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False)


def repair_text(text: str) -> str:
    """BOM/NUL/control characters removed (\\n and \\t kept), CRLF/CR -> LF, mojibake and HTML entities fixed.

    ftfy is slow, so it only runs when typical mojibake markers are present; typography is kept.
    """
    if text.isprintable():
        # No CR, line separator or control character is printable (nor a surrogate, BOM or noncharacter), so
        # only mojibake and entities can need a repair: one C-level test settles the typical short field.
        if "&" not in text and (
            text.isascii() or not ("Ã" in text or "Â" in text or "â€" in text or "ï»¿" in text)
        ):
            return text
        return _repair_text_steps(text)
    if len(text) >= _SCAN_MIN_CHARS:
        # one compiled pass tells whether any repair applies (article bodies almost never need one), instead
        # of a regex search and several substring scans over the whole text
        flags = scan_text(np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8))
        if not flags & ~SCAN_AMPERSAND:
            if flags and _ENTITY.search(text):
                text = _CONTROL.sub("", html.unescape(text))
            return text
    return _repair_text_steps(text)


# Texts shorter than this skip the scan kernel (its fixed cost exceeds the scans it saves).
_SCAN_MIN_CHARS = 200


def _repair_text_steps(text: str) -> str:
    """:func:`repair_text` step by step (the reference; short texts and texts that need a repair)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if (
        not text.isascii()
        and ("Ã" in text or "Â" in text or "â€" in text or "ï»¿" in text)
        and _MOJIBAKE.search(text)
    ):
        text = _fix_mojibake(text)
    if _CONTROL.search(text):
        if not text.isascii() and _C1.search(text):
            text = _fix_mojibake(text)  # C1 controls are cp1252 punctuation decoded as latin-1
        text = _CONTROL.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
        text = _CONTROL.sub("", text)
    return text


def _fix_mojibake(text: str) -> str:
    try:
        return ftfy.fix_text(text, _FTFY_CONFIG)
    except Exception:  # ftfy on adversarial input: repair is best effort, parsing must go on
        return text


# ------------------------------------------------------------------------------------------------- headline

_KICKER = re.compile(
    r"(?:breaking(?:\s+news)?|exclusive|live(?:\s+updates)?|just\s+in|developing(?:\s+story)?|update[ds]?|opinion"
    r"|analysis|news|top\s+stories?|latest(?:\s+news)?)\s*[:!|]?",
    re.IGNORECASE,
)
_TITLE_SUFFIX = re.compile(r"^(?P<head>.+?)\s+(?P<sep>\||-|–|—|::)\s+(?P<suffix>[^|\-–—]+?)\s*$")
# After " - " a single word is more often a speaker ("... - Blair") than an outlet, unless it is one of these.
_ONE_WORD_OUTLETS = frozenset(
    """
    reuters bloomberg ap afp cnn bbc politico axios forbes vox slate wired fortune newsweek time variety deadline
    euronews xinhua npr abc nbc cbs fox yahoo huffpost mashable techcrunch engadget gizmodo salon quartz insider
    guardian independent telegraph economist ft wsj nyt dpa ansa efe kyodo tass ria yonhap bernama pti ians
    aljazeera reuters.com
    """.split()  # noqa: SIM905
)
_TITLE_SEPS = (" | ", " - ", " – ", " — ", " :: ")
_SMALL_WORDS = frozenset(
    {"of", "the", "and", "for", "on", "in", "at", "de", "la", "le", "&", "y", "du", "el"}
)
_OUTLET_TOKEN = re.compile(r"[A-Z][\w'’.&!-]*|[A-Z0-9]{2,}|\w+\.(?:com|org|net|co\.uk|in|ie|au)")


def _looks_like_outlet(s: str) -> bool:
    """Short, Title Case, no sentence punctuation: "BBC News", "Reuters", "The Guardian", "Daily Herald"."""
    words = s.split()
    if not 1 <= len(words) <= 5 or len(s) > 40 or any(ch in s for ch in ',;:?"“”()'):
        return False
    if s.endswith(".") and not re.search(r"\.(?:com|org|net|co\.uk|in|ie|au)$", s, re.IGNORECASE):
        return False
    if re.search(r"\d", s) and not re.fullmatch(r"[A-Z][\w.&-]*\d[\w.&-]*(?:\s[A-Z][\w.&-]*)*", s):
        return False
    for i, w in enumerate(words):
        if w.lower() in _SMALL_WORDS and i > 0:
            continue
        if not _OUTLET_TOKEN.fullmatch(w):
            return False
    return True


def _split_title(line: str) -> tuple[str, str | None]:
    """("Headline", "Outlet") when the line ends with an outlet suffix, else (line, None)."""
    # _TITLE_SEPS tested one by one (keep in sync): a generator over them costs more than the tests
    if not (" | " in line or " - " in line or " – " in line or " — " in line or " :: " in line):
        return line, None
    m = _TITLE_SUFFIX.match(line)
    if not m:
        return line, None
    head, sep, suffix = m["head"].strip(), m["sep"], m["suffix"].strip()
    if not _looks_like_outlet(suffix):
        return line, None
    if sep != "|":
        # "X - Y" inside a headline is common ("Biden - Trump talks", "Taxes must be trusted - Kennedy"):
        # demand a real headline on the left, and a multi-word or well-known one-word outlet on the right
        if len(head.split()) < 3:
            return line, None
        if " " not in suffix and suffix.lower() not in _ONE_WORD_OUTLETS and "." not in suffix:
            return line, None
    return head, suffix


def _same_text(a: str, b: str) -> bool:
    # cheap length test first: this runs on every header line
    return abs(len(a) - len(b)) <= 8 and normalize_for_matching(a) == normalize_for_matching(b)


# ----------------------------------------------------------------------------------------------- author line

_BY_PREFIX = re.compile(
    r"^(?:(?:written|reported|words|story|text|posted|authored|compiled)\s+by|by|author(?:s)?\s*:|byline\s*:)\s*[:\-]?\s*",
    re.IGNORECASE,
)
_PARTICLES = frozenset(
    {"de", "da", "di", "do", "dos", "das", "du", "del", "della", "der", "den", "van", "von", "la", "le", "ter",
     "ten", "bin", "ibn", "bint", "al", "el", "y", "st.", "mac", "ben", "abu"}
)  # fmt: skip
# Letter classes that work beyond ASCII (Python's re has no \p{Lu}): _UP is "a letter that is not an
# ASCII/Latin-1 lower-case letter"; callers confirm case with str.isupper() where it matters.
_L = r"[^\W\d_]"
_UP = r"[^\W\d_a-zß-öø-ÿ]"
_LOW = r"[^\W\d_A-ZÀ-ÖØ-Þ]"
_NAME_TOKEN = re.compile(
    r"(?:(?:al|el|ad|as|ash|at|an|bin|ben|abu)-)?"
    rf"(?:{_UP}(?:{_LOW}|['’])*(?:{_UP}{_LOW}+)?(?:-{_L}(?:{_LOW}|['’])+)*\.?|{_UP}\.(?:{_UP}\.)*|{_UP}(?:{_UP}|['’-])+)"
    r"(?:,?\s(?:Jr|Sr|II|III|IV)\.?)?"
)
_NOT_NAME_WORDS = frozenset(
    """
    the news breaking world politics business sport sports tech technology health science opinion
    live update updates exclusive analysis herald times post daily tribune journal press reuters
    associated agency network media online today weekly gazette telegraph guardian independent
    chronicle observer express mail star sun globe report review magazine channel tv radio staff
    editor editorial editors correspondent desk wire service sources insider team bureau reporter
    reporters writer writers contributor newsroom international national local latest top stories
    story home us uk europe asia africa america economy markets finance money culture entertainment
    lifestyle travel climate environment weather crime law education nation region video photos
    share tweet email print advertisement related more read published updated posted monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july august
    september october november december by and in on at of for with from government minister
    president police
    east west north south middle central latin united states kingdom new hong kong wall street premier league
    pacific atlantic arab gulf coast city county state district capital breaking live special report
""".split()  # noqa: SIM905
)


def _clean_name(name: str) -> str:
    name = name.strip(" \t,;:-–—|·•")
    if name.isupper() and any(c.isalpha() for c in name):
        # "BY JOHN SMITH": give the display name its usual casing; Mc/Mac prefixes and particles kept sensible
        parts = []
        for tok in name.split():
            low = tok.lower()
            if low in _PARTICLES or low == "and":
                parts.append(low)
                continue
            t = "-".join(p.capitalize() for p in tok.split("-"))
            t = re.sub(r"^(Al|El|Bin|Abu)-", lambda m: m[1].lower() + "-", t)
            t = re.sub(r"^(Mc)([a-z])", lambda m: m[1] + m[2].upper(), t)
            t = re.sub(r"^(O['’])([a-z])", lambda m: m[1] + m[2].upper(), t)
            parts.append(t)
        name = " ".join(parts)
    return name


_NOT_IN_NAMES = frozenset(',;:!?"“”()[]|/@#&0123456789')


def _is_name(s: str, *, strict: bool = True) -> bool:
    """A person's name: 2-4 capitalised tokens (particles de/van/al- allowed), no sentence punctuation."""
    s = s.strip()
    if not s or len(s) > 60 or not _NOT_IN_NAMES.isdisjoint(s):
        return False
    if s.endswith(".") and not re.search(r"\b[A-Z]\.$|\b(?:Jr|Sr)\.$", s):
        return False
    tokens = s.split()
    n_real = 0
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in _PARTICLES and 0 < i < len(tokens) - 1:
            continue
        if low in _NOT_NAME_WORDS and (strict or low in ("and", "the", "by", "of")):
            return False
        if not _NAME_TOKEN.fullmatch(tok):
            return False
        n_real += 1
    return 2 <= n_real <= 4 and len(tokens) <= 6


def _names(s: str, *, strict: bool = False) -> str | None:
    """Validate "A", "A and B", "A, B and C" as names; return them as written (normalised casing)."""
    parts = [p for p in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", s.strip()) if p]
    if not parts or not all(_is_name(p, strict=strict) for p in parts):
        return None
    return _clean_name(s)


_HARD_SEP = re.compile(r"\s[|·•]\s")
_AUTHOR_SPLIT = re.compile(r"\s+(?:\||·|•|—|–|-{1,2})\s+|\s*\|\s*")


def _author_from_line(line: str, title: str | None) -> tuple[str | None, str | None]:
    """(author, trailing text such as a timestamp) when the line is a byline, else (None, None)."""
    if len(line) > 120:
        return None, None
    name, tail, not_title = _byline(line)
    if name is None or (not_title is not None and title and _same_text(not_title, title)):
        return None, None
    return name, tail


@functools.lru_cache(maxsize=4096)
def _byline(line: str) -> tuple[str | None, str | None, str | None]:
    """:func:`_author_from_line` without the title: (author, tail, text that must not be the headline).

    Cached: a corpus repeats its bylines (an outlet's staff), and the name tests are a regex per word."""
    m = _BY_PREFIX.match(line)
    if m:
        rest = line[m.end() :].strip()
        if not rest:
            return None, None, None
        # "By NAME on DATE", "By NAME | Published ...", "By NAME, OUTLET", "By NAME and NAME"
        tail: str | None = None
        on = re.search(r"\s+(?:on|at|updated|published)\s+", rest, re.IGNORECASE)
        if on and looks_like_timestamp(rest[on.end() :]):
            rest, tail = rest[: on.start()], rest[on.end() :]
        pieces = _AUTHOR_SPLIT.split(rest, maxsplit=1)
        if len(pieces) == 2:
            rest, tail = pieces[0], pieces[1] if tail is None else tail
        if "," in rest and " and " not in rest.split(",", 1)[1]:
            rest, extra = rest.split(",", 1)
            if tail is None and looks_like_timestamp(extra):
                tail = extra.strip()
        name = _names(rest)
        return (name, tail, None) if name else (None, None, None)
    # "NAME | OUTLET", "NAME, OUTLET" or a bare name line under the headline; never a sentence
    pieces = _AUTHOR_SPLIT.split(line, maxsplit=1)
    head = pieces[0].strip()
    if len(pieces) == 2 or "," in head:
        cand, after = head, ""
        if "," in head and " and " not in head:
            cand, after = (x.strip() for x in head.split(",", 1))
        if after and not (
            _looks_like_outlet(after) or looks_like_timestamp(after) or len(after.split()) <= 3
        ):
            return None, None, None  # "Mittal Steel, one of the world's largest steel producers, ..."
        if len(pieces) == 2 and _prose(pieces[1]) and not looks_like_timestamp(pieces[1]):
            return None, None, None
        if _is_name(cand):
            return _clean_name(cand), pieces[1].strip() if len(pieces) == 2 else None, cand
        return None, None, None
    name = _names(head, strict=True) if " and " in head or " & " in head else None
    if name is None and _is_name(head):
        name = _clean_name(head)
    return name, None, head


# -------------------------------------------------------------------------------------------------- dateline

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PL = rf"(?:{_L}|['’.\-])"  # a letter or the punctuation place names use
_CAPS_PLACE = rf"{_UP}(?:{_UP}|['’.\-])+(?:\s(?:{_UP}(?:{_UP}|['’.\-])*|de|la|al|el))*"
_REGION = rf"(?!{_MONTH}\s*\d){_UP}{_PL}+(?:\s(?:(?:of|de|del|la|le|du|da|and|the)\s)?{_UP}{_PL}+){{0,3}}"
_TITLE_PLACE = rf"{_UP}(?:{_LOW}|['’.\-])+(?:\s{_UP}(?:{_LOW}|['’.\-])+){{0,2}}"
_DATE_PART = rf"(?:,\s*{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)"
_AGENCY = r"(?:\(\s*[A-Za-z][\w .&/'-]{0,30}\))"
_SEP = r"(?:--|[:\-–—])"
_DATELINE = re.compile(
    rf"^(?P<place>{_CAPS_PLACE}(?:,\s(?:{_REGION}))?){_DATE_PART}?\s*{_AGENCY}?\s*{_SEP}(?:\s+|$)"
    rf"|^(?P<place2>{_TITLE_PLACE},\s{_REGION}){_DATE_PART}?\s*{_AGENCY}?\s*{_SEP}(?:\s+|$)"
    rf"|^(?P<place3>{_TITLE_PLACE}){_DATE_PART}?\s*{_AGENCY}\s*{_SEP}(?:\s+|$)"
)
_NOT_PLACES = frozenset(
    {"BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION", "NOTE", "CORRECTION",
     "VIDEO", "PHOTOS", "READ MORE", "EDITOR'S NOTE", "EDITOR’S NOTE", "WARNING", "FILE", "UPDATE 1", "Q", "A"}
)  # fmt: skip


def _dateline(line: str) -> tuple[str | None, str]:
    """(place, rest of the line) when the line opens with a dateline, else (None, line)."""
    if len(line) < 3 or not line[0].isupper():
        return None, line
    head = line[:90]
    # cheap pre-checks before the big pattern: a dateline has a separator and a caps word, comma or agency
    if not (line[1].isupper() or "," in head or "(" in head) or not (
        ":" in head or "-" in head or "—" in head or "–" in head
    ):
        return None, line
    m = _DATELINE.match(line)
    if not m:
        return None, line
    if m["place"] and not m["place"].split(",", 1)[0].isupper():
        return None, line
    place = (m["place"] or m["place2"] or m["place3"] or "").strip()
    if (
        not place
        or place.upper() in _NOT_PLACES
        or len(place) > 50
        # at least two letters; the first two characters settle it for nearly every place, sparing the count
        or (not place[:2].isalpha() and sum(c.isalpha() for c in place) < 2)
    ):
        return None, line
    rest = line[m.end() :].strip()
    if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'("):
        return None, line
    return place, rest


# ---------------------------------------------------------------------------------------------- body layout

_BULLET = re.compile(r"^\s*(?:[-•*–—▪●◦·]|\d{1,2}[.)])\s+(?=\S)")
_SENTENCE_END = tuple(".!?:\"”’')]…")


# What a _BULLET match can start with (\s and \d are str.isspace / str.isdecimal in `re`): testing the first
# character skips the regex on the great majority of lines.
_BULLET_FIRST = frozenset("-•*–—▪●◦·")


def _may_be_bullet(line: str) -> bool:
    return bool(line) and (line[0] in _BULLET_FIRST or line[0].isdecimal() or line[0].isspace())


def _bullet_text(line: str) -> str | None:
    if not _may_be_bullet(line):
        return None
    m = _BULLET.match(line)
    if not m or m.group(0).strip()[0].isdigit():
        return None
    return line[m.end() :].strip()


def _prose(line: str) -> bool:
    """Does the line read like body text (rather than a header/noise line)?"""
    spaces = line.count(" ")
    return len(line) >= 60 or spaces >= 5 or (spaces >= 2 and line.endswith((".", "!", "?", "”", '"')))


def _first_word_len(line: str) -> int:
    """``len(line.split(" ", 1)[0])`` without copying the rest of the line."""
    cut = line.find(" ")
    return len(line) if cut < 0 else cut


def _wrap_width(lines: list[str]) -> int | None:
    """The fixed width the text was hard-wrapped at, or None when it was not wrapped."""
    lengths = [len(s) for s in lines if s]
    if len(lengths) < 4:
        return None
    width = max(lengths)
    if width > 100 or width < 30:
        return None
    near = sum(1 for n in lengths if n >= width - 15)
    return width if near >= 0.4 * len(lengths) else None


def _join_lines(lines: list[str]) -> list[str]:
    """Group stripped body lines (blank = "") into paragraphs, re-joining hard-wrapped lines.

    Wrapped text: a greedy wrapper breaks a line only when the next word does not fit, so a line that had
    room for the next line's first word ended its paragraph. Unwrapped text: every line is a paragraph unless
    it stops mid-sentence and the next line starts in lower case.
    """
    if all(not (a and b) for a, b in itertools.pairwise(lines)):
        # no line follows a non-blank one (the usual export body: one line per paragraph): nothing to re-join,
        # and the rules of _rejoin would keep every line as its own paragraph
        return [line for line in lines if line]
    return _rejoin(lines)


def _rejoin(lines: list[str]) -> list[str]:
    """:func:`_join_lines` by its rules (any lines); two common layouts are settled without going line by
    line (tests check that the rules give the same)."""
    width = _wrap_width(lines)
    if width is None and all(a.endswith(_SENTENCE_END) for a, b in itertools.pairwise(lines) if a and b):
        # not wrapped, and every line followed by another ends a sentence: no line continues the one before
        # (the rules keep each line as its own paragraph)
        return [line for line in lines if line]
    blank_separated = False
    if width is not None:
        blocks = _blocks(lines)
        blank_separated = _is_blank_separated(blocks)
        if blank_separated and not any(
            c in _BULLET_FIRST or c.isdecimal() or c.isspace() for c in {line[0] for line in lines if line}
        ):
            # no line may be a list item (_may_be_bullet): the rules join each block into one paragraph
            return [" ".join(b) for b in blocks]
    return _rejoin_rules(lines, width, blank_separated)


def _blocks(lines: list[str]) -> list[list[str]]:
    """The runs of non-blank lines."""
    return [list(run) for nonblank, run in itertools.groupby(lines, key=bool) if nonblank]


def _is_blank_separated(blocks: list[list[str]]) -> bool:
    """Wrapped text whose paragraphs are separated by blank lines (most blocks have several lines): a single
    newline inside a block is then always a wrap, which settles the cases the width rule cannot (a sentence
    that ends right at the margin)."""
    return len(blocks) >= 2 and 2 * sum(len(b) > 1 for b in blocks) >= len(blocks)


def _rejoin_rules(lines: list[str], width: int | None, blank_separated: bool) -> list[str]:
    """:func:`_rejoin` line by line: ``width`` from :func:`_wrap_width`, ``blank_separated`` from
    :func:`_is_blank_separated` (False when the text is not wrapped)."""
    bound = width or 0
    if width is not None:
        # Lines continued in lower case bound the true width from above: the wrapper could not fit the next
        # word, so width < len(prev) + 1 + len(word). That bound decides sentence-final lines.
        bound = min(
            (len(a) + _first_word_len(b) for a, b in itertools.pairwise(lines) if a and b and b[0].islower()),
            default=width,
        )
        bound = max(width, bound)
    paragraphs: list[str] = []
    current: list[str] = []
    prev = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            prev = ""
            continue
        if (
            current
            # _may_be_bullet inlined (this runs on every line of a wrapped body)
            and (line[0] in _BULLET_FIRST or line[0].isdecimal() or line[0].isspace())
            and _BULLET.match(line)
            and (width is None or len(prev) + 1 + _first_word_len(line) <= width)
        ):
            # a list item starts its own paragraph (unless a wrapper pushed a dash onto this line)
            paragraphs.append(" ".join(current))
            current = []
        elif current:
            if blank_separated:
                current.append(line)
                prev = line
                continue
            lower_start = line[0].islower()
            ends_sentence = prev.endswith(_SENTENCE_END)
            if width is not None:
                if lower_start:
                    join = True
                elif ends_sentence:
                    join = len(prev) + 1 + _first_word_len(line) > bound
                else:  # mid-sentence: a wrap, unless the line is a short subheading
                    join = len(prev) > width // 2
            else:
                # a long line stopping mid-sentence was wrapped; a short one is a subheading
                join = not ends_sentence and (lower_start or len(prev) >= 40)
            if join:
                current.append(line)
                prev = line
                continue
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        prev = line
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


class _Removed:
    """Accumulates removed lines per kind."""

    __slots__ = ("counts", "lines")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lines: list[str] = []

    def add(self, kind: str, line: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.lines.append(line)


def _clean_body(
    lines: list[str],
    removed: _Removed,
    *,
    find_dateline: bool = True,
    known_dateline: tuple[str, tuple[str | None, str]] | None = None,
) -> tuple[str | None, str]:
    """(dateline place, body text) from stripped body lines; boilerplate goes to ``removed``.

    ``known_dateline``: (a line, its :func:`_dateline`), when the caller has tested the first line already."""
    location: str | None = None
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    lines = lines[start:]

    kept: list[str] = []
    in_related = False
    open_credit = False
    for line in lines:
        if not line:
            in_related = False
            kept.append(line)
            continue
        if open_credit:
            removed.add("credit", line)
            open_credit = ")" not in line
            continue
        if in_related and (_bullet_text(line) is not None or (len(line) < 120 and not _prose(line))):
            removed.add("related", line)
            continue
        in_related = False
        # the lines are stripped: the length and lower-case tests classify_line starts with are made here,
        # sparing a call for most content lines
        kind = classify_line(line) if len(line) <= MAX_BOILERPLATE_LINE and not line[0].islower() else None
        if kind is None:
            kept.append(line)
            continue
        removed.add(kind, line)
        if kind == "related" and is_related_heading(line):
            in_related = True
        elif kind == "credit" and line.startswith("(") and ")" not in line:
            open_credit = True

    paragraphs = _join_lines(kept)
    # the dateline is taken from the re-joined first paragraph, so a wrapped first line keeps its full width
    # for the wrap decision and a dateline alone on its line ("WASHINGTON —") is handled the same way
    if find_dateline and paragraphs:
        if known_dateline is not None and paragraphs[0] == known_dateline[0]:
            place, rest = known_dateline[1]
        else:
            place, rest = _dateline(paragraphs[0])
        if place is not None:
            location = place
            if rest:
                paragraphs[0] = rest
            else:
                paragraphs.pop(0)
    # a joined paragraph can be boilerplate that was hard-wrapped over several lines
    out: list[str] = []
    # a paragraph that is one kept line was classified already, and a long one is content (classify_line's
    # length rule): testing the length first spares hashing the long paragraphs
    single = {line for line in kept if len(line) <= MAX_BOILERPLATE_LINE}
    for para in paragraphs:
        kind = None if len(para) > MAX_BOILERPLATE_LINE or para in single else classify_line(para)
        if kind is None:
            out.append(para)
        else:
            removed.add(kind, para)
    # trailing short lines without sentence punctuation after the last sentence: outlet name / sign-off
    while (
        len(out) > 1
        and len(out[-1]) < 60
        and (out[-1].isupper() or _looks_like_outlet(out[-1]))
        and not out[-1].endswith(_SENTENCE_END)
        and len(out[-1].split()) <= 6
    ):
        removed.add("footer", out.pop())
    return location, "\n\n".join(out)


# ------------------------------------------------------------------------------------------------ public API


def parse_raw(text: str, *, default_tz: str = "UTC") -> ParsedArticle:
    """Parse a whole raw-layout article file (header + body + footer) into its fields.

    Never raises on any text; an unknown ``default_tz`` raises ConfigError.
    """
    resolve_zone(default_tz)
    text = repair_text(text) if isinstance(text, str) else ""
    lines = list(map(str.strip, text.split("\n")))
    removed = _Removed()
    n = len(lines)
    i = 0
    while i < n and not lines[i]:
        i += 1
    # a bare kicker ("Breaking News") above the headline is not the headline
    if i < n and _KICKER.fullmatch(lines[i]):
        j = i + 1
        while j < n and not lines[j]:
            j += 1
        if j < n:
            removed.add("header", lines[i])
            i = j
    if i >= n:
        return _empty(removed)
    title, source = _split_title(lines[i])
    raw_title = lines[i]
    i += 1

    author: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    tz_assumed = False
    published_prefix = ""
    summary: list[str] = []
    header_seen_fields = False

    def take_timestamp(candidate: str) -> bool:
        nonlocal published_at, published_raw, tz_assumed, published_prefix
        if not looks_like_timestamp(candidate):  # the cheap rejection first: most header lines are not dates
            return False
        prefix, rest = strip_date_prefix(candidate)
        dt, assumed = parse_timestamp(rest, default_tz)
        if dt is None:
            return False
        # the first timestamp wins, except that "Published" beats an earlier "Updated"
        if published_at is None or (published_prefix.startswith(("updated", "last", "modified"))
                                    and prefix.startswith(("published", "first", "posted"))):  # fmt: skip
            published_at, published_raw, tz_assumed, published_prefix = dt, rest, assumed, prefix
        return True

    # a repeated headline line (same words, any case/quotes/spacing, with or without the outlet suffix)
    title_keys = {normalize_for_matching(title), normalize_for_matching(raw_title)}
    body_start = n
    known_dateline: tuple[str, tuple[str | None, str]] | None = None
    while i < n:
        line = lines[i]
        if not line:
            i += 1
            continue
        if (
            abs(len(line) - len(title)) <= 8 or abs(len(line) - len(raw_title)) <= 8
        ) and normalize_for_matching(line) in title_keys:
            i += 1
            continue
        if (
            len(line) > len(title)
            and line[:8].casefold() == title[:8].casefold()
            and normalize_for_matching(_split_title(line)[0]) in title_keys
        ):
            i += 1
            continue
        bullet = _bullet_text(line)
        if bullet is not None:
            summary.append(bullet)
            i += 1
            # wrapped bullet: indented or lower-case continuation lines belong to it
            while i < n and lines[i] and _bullet_text(lines[i]) is None and lines[i][0].islower():
                summary[-1] = f"{summary[-1]} {lines[i]}"
                i += 1
            continue
        found = _dateline(line)
        if found[0] is not None:
            body_start = i
            known_dateline = (line, found)
            break
        if not _HARD_SEP.search(line) and take_timestamp(line):
            header_seen_fields = True
            i += 1
            continue
        if author is None:
            name, tail = _author_from_line(line, title)
            if name is not None:
                author = name
                header_seen_fields = True
                if tail:
                    for part in _AUTHOR_SPLIT.split(tail):
                        take_timestamp(part.strip())
                i += 1
                continue
        elif _BY_PREFIX.match(line) and _author_from_line(line, title)[0]:
            removed.add("header", line)  # a second byline (e.g. photographer) in the header
            i += 1
            continue
        # "Published: X | Updated: Y" or "Name · date" combined on one line
        parts = _AUTHOR_SPLIT.split(line)
        if len(parts) > 1 and any([take_timestamp(p.strip()) for p in parts]):  # a list: every part is tried
            header_seen_fields = True
            i += 1
            continue
        kind = classify_line(line)
        if kind is not None:
            removed.add(kind, line)
            i += 1
            continue
        if _prose(line):
            if not header_seen_fields and _standfirst(lines, i, title):
                removed.add("standfirst", line)
                i += 1
                continue
            body_start = i
            break
        removed.add("header", line)  # outlet name, section, "Breaking News", ...
        i += 1

    location, body = _clean_body(lines[body_start:], removed, known_dateline=known_dateline)
    return ParsedArticle(
        title=title or None,
        author=author,
        published_at=published_at,
        published_raw=published_raw,
        published_tz_assumed=tz_assumed,
        location=location,
        summary=tuple(summary),
        body=body,
        source=source,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )


def _standfirst(lines: list[str], i: int, title: str | None) -> bool:
    """Is the prose line at i a standfirst, i.e. followed within three lines by a byline or timestamp?"""
    seen = 0
    for line in lines[i + 1 :]:
        if not line:
            continue
        seen += 1
        if seen > 3 or _prose(line):
            return False
        # a bare name is not enough here: a short subheading after the first paragraph would look like one
        if looks_like_timestamp(line) or (
            (_BY_PREFIX.match(line) or "|" in line) and _author_from_line(line, title)[0]
        ):
            return True
    return False


def _empty(removed: _Removed) -> ParsedArticle:
    return ParsedArticle(
        title=None,
        author=None,
        published_at=None,
        published_raw=None,
        published_tz_assumed=False,
        location=None,
        summary=(),
        body="",
        source=None,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )


def parse_record(
    *,
    title: str | None,
    body: str,
    published: str | None = None,
    author: str | None = None,
    default_tz: str = "UTC",
) -> ParsedArticle:
    """Parse a structured record (JSONL/CSV/Parquet) whose fields are given.

    Still repairs text, splits an outlet suffix off the title, parses the timestamp, extracts a dateline into
    location, moves leading bullet lines into the summary, removes boilerplate lines and re-joins hard-wrapped
    lines in the body.
    """
    resolve_zone(default_tz)
    source: str | None = None
    clean_title: str | None = None
    if isinstance(title, str):
        t = " ".join(repair_text(title).split())
        if t:
            clean_title, source = _split_title(t)
    clean_author: str | None = None
    if isinstance(author, str):
        a = " ".join(repair_text(author).split())
        m = _BY_PREFIX.match(a)
        a = a[m.end() :].strip() if m else a
        clean_author = _clean_name(a) or None
    published_at: datetime | None = None
    published_raw: str | None = None
    assumed = False
    if isinstance(published, str) and published.strip():
        _, published_raw = strip_date_prefix(" ".join(repair_text(published).split()))
        published_at, assumed = parse_timestamp(published_raw, default_tz)
    text = repair_text(body) if isinstance(body, str) else ""
    lines = list(map(str.strip, text.split("\n")))
    summary: list[str] = []
    k = 0
    while k < len(lines) and (not lines[k] or _bullet_text(lines[k]) is not None):
        if lines[k]:
            summary.append(_bullet_text(lines[k]) or "")
        k += 1
    if not summary:
        k = 0
    removed = _Removed()
    location, clean_body = _clean_body(lines[k:], removed)
    return ParsedArticle(
        title=clean_title,
        author=clean_author,
        published_at=published_at,
        published_raw=published_raw or None,
        published_tz_assumed=assumed if published_at is not None else False,
        location=location,
        summary=tuple(summary),
        body=clean_body,
        source=source,
        removed=removed.counts,
        removed_lines=tuple(removed.lines),
    )
