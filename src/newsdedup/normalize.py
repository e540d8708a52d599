"""Matching text: the canonical form of an article used for duplicate detection and clustering (pure).

Display fields (title, body) keep their typography; only the matching form unifies it, so that two copies
differing in curly vs straight quotes, dashes, no-break spaces, case or punctuation compare equal.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdedup.parse import ParsedArticle

__all__ = ["matching_text", "normalize_for_matching"]

# Apostrophes are deleted rather than turned into spaces so "Korea's" and "Korea’s" both become "koreas"
# (and "don't" stays one token).
_APOSTROPHES = "’‘`´ʼʹ′"
# One byte translation table lowers A-Z and turns ASCII punctuation into spaces (bytes >= 0x80, i.e. the
# UTF-8 of non-ASCII word characters, pass through): several times faster than a regex substitution.
# Punctuation that sits next to a space or inside a token (.,;:!?"() and apostrophes) is deleted instead,
# so "12,000" -> "12000", "U.S." -> "us", and few double spaces are left for bytes.replace to collapse
# (cheaper than " ".join(text.split())).
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (chr(c).isalnum() or c >= 128) else 32 for c in range(256)
)
_ASCII_DELETE = b"'.,;:!?\"()"
_ASCII_BYTES = bytes(range(128))


def normalize_for_matching(text: str) -> str:
    """NFKC, casefold, quotes/dashes/nbsp unified, punctuation removed, whitespace collapsed. Idempotent.

    Returns lower-case words (letters/digits of any script) separated by single spaces. Apostrophes and
    ASCII .,;:!?"() are deleted rather than spaced ("Korea’s" == "Koreas", "12,000" == "12000", "U.S." ==
    "us"); other punctuation, dashes and symbols separate words.
    """
    if not text.isascii():
        text = _fold_non_ascii(unicodedata.normalize("NFKC", text))
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE, _ASCII_DELETE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" ").decode("utf-8", "surrogatepass")


def _fold_non_ascii(text: str) -> str:
    """Casefold the non-ASCII characters, delete apostrophes, turn other non-word characters into spaces.

    str.casefold() walks the Unicode database for every character of a long text; doing it once per distinct
    non-ASCII character with str.replace is several times faster (ASCII is lowered by the byte table later).
    Casefolding is context-free, so the result equals NFKC(casefold(NFKC(x))) before punctuation removal.
    """
    pending = _distinct_non_ascii(text)
    for _ in range(4):  # a folded character can introduce new ones (e.g. "İ" -> "i" + combining dot)
        if not pending:
            break
        introduced: set[str] = set()
        renormalize = False
        for ch in pending:
            if ch in _APOSTROPHES:
                text = text.replace(ch, "")
            elif not ch.isalnum():  # Python's \w is isalnum() plus "_": non-word characters become spaces
                text = text.replace(ch, " ")
            else:
                folded = ch.casefold()
                if folded != ch:
                    text = text.replace(ch, folded)
                    introduced.update(c for c in folded if not c.isascii())
                    renormalize = renormalize or not unicodedata.is_normalized("NFKC", folded)
        if renormalize:
            text = unicodedata.normalize("NFKC", text)
            introduced = _distinct_non_ascii(text)  # composition may have produced other characters
        pending = {c for c in introduced if c in _APOSTROPHES or not c.isalnum() or c.casefold() != c}
    return text


def _distinct_non_ascii(text: str) -> set[str]:
    # deleting every ASCII byte from the UTF-8 leaves just the non-ASCII characters: fast, C-level
    raw = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return set(raw.decode("utf-8", "surrogatepass"))


def matching_text(article: ParsedArticle, *, include_title: bool = False) -> str:
    """The normalised text used for duplicate detection and clustering.

    It is the body only: the dateline and boilerplate are already gone from ``article.body``. The summary
    bullets are excluded because outlets add or drop them independently of the story (they restate the
    body), and the title is excluded by default because syndicated copies routinely rewrite the headline
    while keeping the body; ``include_title=True`` prepends it for short texts (e.g. title + one-line
    description records) where the body alone is too little evidence.
    """
    body = normalize_for_matching(article.body)
    if include_title and article.title:
        title = normalize_for_matching(article.title)
        return f"{title} {body}".strip()
    return body
