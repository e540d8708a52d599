"""The lines of an article's header: headline and outlet suffix, byline (author names), dateline.

Pure functions, no I/O. Each recogniser takes one stripped line; :mod:`newsdedup.text.parse` decides, line by
line, where the header ends.
"""

from __future__ import annotations

import functools
import re

from newsdedup.text.dates import looks_like_timestamp
from newsdedup.text.header_local import LOCAL_BY_PREFIX, cjk_names, split_local_dateline
from newsdedup.text.lines import is_prose
from newsdedup.text.normalize import normalize_for_matching

__all__ = [
    "AUTHOR_SPLIT",
    "BY_PREFIX",
    "HARD_SEP",
    "KICKER",
    "author_from_line",
    "clean_name",
    "has_by_prefix",
    "looks_like_outlet",
    "split_dateline",
    "split_title",
]


# ------------------------------------------------------------------------------------------------- headline

KICKER = re.compile(
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
_SMALL_WORDS = frozenset(
    {"of", "the", "and", "for", "on", "in", "at", "de", "la", "le", "&", "y", "du", "el"}
)
_OUTLET_TOKEN = re.compile(r"[A-Z][\w'’.&!-]*|[A-Z0-9]{2,}|\w+\.(?:com|org|net|co\.uk|in|ie|au)")


def looks_like_outlet(s: str) -> bool:
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


def split_title(line: str) -> tuple[str, str | None]:
    """("Headline", "Outlet") when the line ends with an outlet suffix, else (line, None)."""
    # the separators _TITLE_SUFFIX allows, with their spaces, tested one by one (keep in sync with it): a
    # generator over them costs more than the tests
    if not (" | " in line or " - " in line or " – " in line or " — " in line or " :: " in line):
        return line, None
    m = _TITLE_SUFFIX.match(line)
    if not m:
        return line, None
    head, sep, suffix = m["head"].strip(), m["sep"], m["suffix"].strip()
    if not looks_like_outlet(suffix):
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

BY_PREFIX = re.compile(
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


def clean_name(name: str) -> str:
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
    return clean_name(s)


HARD_SEP = re.compile(r"\s[|·•]\s")
AUTHOR_SPLIT = re.compile(r"\s+(?:\||·|•|—|–|-{1,2})\s+|\s*\|\s*")


def author_from_line(line: str, title: str | None) -> tuple[str | None, str | None]:
    """(author, trailing text such as a timestamp) when the line is a byline, else (None, None)."""
    if len(line) > 120:
        return None, None
    name, tail, not_title = _byline(line)
    if name is None or (not_title is not None and title and _same_text(not_title, title)):
        return None, None
    return name, tail


@functools.lru_cache(maxsize=4096)
def _byline(line: str) -> tuple[str | None, str | None, str | None]:
    """:func:`author_from_line` without the title: (author, tail, text that must not be the headline).

    Cached: a corpus repeats its bylines (an outlet's staff), and the name tests are a regex per word."""
    m = BY_PREFIX.match(line)
    if m:
        rest = line[m.end() :].strip()
        if not rest:
            return None, None, None
        # "By NAME on DATE", "By NAME | Published ...", "By NAME, OUTLET", "By NAME and NAME"
        tail: str | None = None
        on = re.search(r"\s+(?:on|at|updated|published)\s+", rest, re.IGNORECASE)
        if on and looks_like_timestamp(rest[on.end() :]):
            rest, tail = rest[: on.start()], rest[on.end() :]
        pieces = AUTHOR_SPLIT.split(rest, maxsplit=1)
        if len(pieces) == 2:
            rest, tail = pieces[0], pieces[1] if tail is None else tail
        if "," in rest and " and " not in rest.split(",", 1)[1]:
            rest, extra = rest.split(",", 1)
            if tail is None and looks_like_timestamp(extra):
                tail = extra.strip()
        name = _names(rest)
        return (name, tail, None) if name else (None, None, None)
    m = LOCAL_BY_PREFIX.match(line)
    if m:
        found = _local_byline(line[m.end() :].strip())
        if found[0] is not None:
            return found
    # "NAME | OUTLET", "NAME, OUTLET" or a bare name line under the headline; never a sentence
    pieces = AUTHOR_SPLIT.split(line, maxsplit=1)
    head = pieces[0].strip()
    if len(pieces) == 2 or "," in head:
        cand, after = head, ""
        if "," in head and " and " not in head:
            cand, after = (x.strip() for x in head.split(",", 1))
        if after and not (looks_like_outlet(after) or looks_like_timestamp(after) or len(after.split()) <= 3):
            return None, None, None  # "Mittal Steel, one of the world's largest steel producers, ..."
        if len(pieces) == 2 and is_prose(pieces[1]) and not looks_like_timestamp(pieces[1]):
            return None, None, None
        if _is_name(cand):
            return clean_name(cand), pieces[1].strip() if len(pieces) == 2 else None, cand
        return None, None, None
    name = _names(head, strict=True) if " and " in head or " & " in head else None
    if name is None and _is_name(head):
        name = clean_name(head)
    return name, None, head


def has_by_prefix(line: str) -> bool:
    """Does the line open with a byline prefix ("By", "Von", "Автор:", "记者", ...)?"""
    return BY_PREFIX.match(line) is not None or LOCAL_BY_PREFIX.match(line) is not None


def _local_byline(rest: str) -> tuple[str | None, str | None, str | None]:
    """:func:`_byline` after a byline prefix in another language ("Von", "Par", "Автор:", "记者"): the name,
    a tail after "|"/"," (an outlet or a timestamp), or (None, None, None)."""
    tail: str | None = None
    pieces = AUTHOR_SPLIT.split(rest, maxsplit=1)
    if len(pieces) == 2:
        rest, tail = pieces
    if "," in rest:
        head, extra = (x.strip() for x in rest.split(",", 1))
        if looks_like_timestamp(extra) or looks_like_outlet(extra) or len(extra.split()) <= 2:
            rest, tail = head, tail or extra
    name = cjk_names(rest) or _names(rest)
    return (name, tail, None) if name else (None, None, None)


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


def split_dateline(line: str) -> tuple[str | None, str]:
    """(place, rest of the line) when the line opens with a dateline, else (None, line)."""
    if len(line) < 3:
        return None, line
    first = line[0]
    if not first.isupper():
        # wire formats that open with a bracket or an agency in CJK characters, "(ANSA) - ROMA, 18 NOV -"
        if first in "(【[［" or "\u4e00" <= first <= "\u9fff":
            return split_local_dateline(line)
        return None, line
    head = line[:90]
    # cheap pre-checks before the big pattern: a dateline has a separator and a caps word, comma or agency
    if not (line[1].isupper() or "," in head or "(" in head) or not (
        ":" in head or "-" in head or "—" in head or "–" in head or ("/" in head and not head.isascii())
    ):
        return None, line
    m = _DATELINE.match(line)
    if not m:
        return split_local_dateline(line)  # "МОСКВА, 18 ноября (РИА Новости) -", "MADRID, 18 Nov. (EFE) -"
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
