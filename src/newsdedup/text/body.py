"""The body of an article: boilerplate lines removed per kind, lines re-joined into paragraphs, the dateline
cut off the first paragraph (pure functions, no I/O).

Hard-wrapped text (most lines end near one width <= 100) is re-joined by the greedy-wrapper rule: a line that
still had room for the next line's first word ended its paragraph; when paragraphs are also blank-line
separated every single newline is a wrap. Unwrapped text: each line is a paragraph unless it stops
mid-sentence.
"""

from __future__ import annotations

import itertools

from newsdedup.text.boilerplate import MAX_BOILERPLATE_LINE, classify_line, is_related_heading
from newsdedup.text.header import looks_like_outlet, split_dateline
from newsdedup.text.lines import BULLET, BULLET_FIRST, SENTENCE_END, bullet_text, is_prose

__all__ = ["Removed", "clean_body"]


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
    if width is None and all(a.endswith(SENTENCE_END) for a, b in itertools.pairwise(lines) if a and b):
        # not wrapped, and every line followed by another ends a sentence: no line continues the one before
        # (the rules keep each line as its own paragraph)
        return [line for line in lines if line]
    blank_separated = False
    if width is not None:
        blocks = _blocks(lines)
        blank_separated = _is_blank_separated(blocks)
        if blank_separated and not any(
            c in BULLET_FIRST or c.isdecimal() or c.isspace() for c in {line[0] for line in lines if line}
        ):
            # no line may be a list item (may_be_bullet): the rules join each block into one paragraph
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
            # may_be_bullet inlined (this runs on every line of a wrapped body)
            and (line[0] in BULLET_FIRST or line[0].isdecimal() or line[0].isspace())
            and BULLET.match(line)
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
            ends_sentence = prev.endswith(SENTENCE_END)
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


class Removed:
    """Accumulates removed lines per kind."""

    __slots__ = ("counts", "lines")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lines: list[str] = []

    def add(self, kind: str, line: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.lines.append(line)


def clean_body(
    lines: list[str],
    removed: Removed,
    *,
    known_dateline: tuple[str, tuple[str | None, str]] | None = None,
) -> tuple[str | None, str]:
    """(dateline place, body text) from stripped body lines; boilerplate goes to ``removed``.

    ``known_dateline``: (a line, its :func:`split_dateline`), when the caller has tested the first line
    already."""
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    kept = _drop_boilerplate_lines(lines[start:], removed)
    paragraphs = _join_lines(kept)
    location = _cut_dateline(paragraphs, known_dateline)
    out = _drop_boilerplate_paragraphs(paragraphs, kept, removed)
    _drop_footer(out, removed)
    return location, "\n\n".join(out)


def _drop_boilerplate_lines(lines: list[str], removed: Removed) -> list[str]:
    """The lines that are not boilerplate (blank lines kept). A "Related" heading takes the list of short
    lines or list items after it, up to a blank line; a credit opened by "(" runs to the line closing it."""
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
        if in_related and (bullet_text(line) is not None or (len(line) < 120 and not is_prose(line))):
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
    return kept


def _cut_dateline(
    paragraphs: list[str], known_dateline: tuple[str, tuple[str | None, str]] | None
) -> str | None:
    """The dateline's place, cut off the first paragraph (which goes when nothing else is left of it).

    The dateline is taken from the re-joined first paragraph, so a wrapped first line keeps its full width
    for the wrap decision and a dateline alone on its line ("WASHINGTON —") is handled the same way."""
    if not paragraphs:
        return None
    if known_dateline is not None and paragraphs[0] == known_dateline[0]:
        place, rest = known_dateline[1]
    else:
        place, rest = split_dateline(paragraphs[0])
    if place is not None:
        if rest:
            paragraphs[0] = rest
        else:
            paragraphs.pop(0)
    return place


def _drop_boilerplate_paragraphs(paragraphs: list[str], kept: list[str], removed: Removed) -> list[str]:
    """The paragraphs that are not boilerplate: a joined paragraph can be boilerplate that was hard-wrapped
    over several of the ``kept`` lines."""
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
    return out


def _drop_footer(out: list[str], removed: Removed) -> None:
    """Remove trailing short lines without sentence punctuation after the last sentence (an outlet name, a
    sign-off), keeping at least one paragraph."""
    while (
        len(out) > 1
        and len(out[-1]) < 60
        and (out[-1].isupper() or looks_like_outlet(out[-1]))
        and not out[-1].endswith(SENTENCE_END)
        and len(out[-1].split()) <= 6
    ):
        removed.add("footer", out.pop())
