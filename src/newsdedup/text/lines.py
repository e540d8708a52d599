"""The shape of one stripped line, shared by the header and body rules: list item, prose, sentence end."""

from __future__ import annotations

import re

__all__ = ["BULLET", "BULLET_FIRST", "SENTENCE_END", "bullet_text", "is_prose", "may_be_bullet"]

#: A list item: a dash or bullet sign, or a number of one or two digits with "." or ")", then a space.
BULLET = re.compile(r"^\s*(?:[-•*–—▪●◦·]|\d{1,2}[.)])\s+(?=\S)")
#: What a sentence (or a quotation closing one) ends with.
SENTENCE_END = tuple(".!?:\"”’')]…")

#: What a BULLET match can start with (\s and \d are str.isspace / str.isdecimal in `re`): testing the first
#: character skips the regex on the great majority of lines.
BULLET_FIRST = frozenset("-•*–—▪●◦·")


def may_be_bullet(line: str) -> bool:
    """Can the line be a list item (its first character allows a :data:`BULLET` match)?"""
    return bool(line) and (line[0] in BULLET_FIRST or line[0].isdecimal() or line[0].isspace())


def bullet_text(line: str) -> str | None:
    """The text of a dash or bullet-sign list item, or None (a numbered item is not a summary bullet)."""
    if not may_be_bullet(line):
        return None
    m = BULLET.match(line)
    if not m or m.group(0).strip()[0].isdigit():
        return None
    return line[m.end() :].strip()


def is_prose(line: str) -> bool:
    """Does the line read like body text (rather than a header/noise line)?"""
    spaces = line.count(" ")
    return (
        len(line) >= 60
        or spaces >= 5
        or (spaces >= 2 and line.endswith((".", "!", "?", "”", '"')))
        # a CJK sentence has no spaces: its full-width end mark says it is one
        or (len(line) >= 8 and line.endswith(("。", "！", "？", "」", "”")) and not line.isascii())
    )
