"""Boilerplate classification (table of lines with known kinds) and learned per-source boilerplate."""

from __future__ import annotations

import pytest

from newsdedup.text.boilerplate import (
    classify_line,
    is_related_heading,
    learn_from_keys,
    line_keys,
    strip_learned,
)
from newsdedup.text.parse import parse_raw

LINES: list[tuple[str, str | None]] = [
    ("Share", "share"),
    ("Tweet", "share"),
    ("Share article:", "share"),
    ("Share this", "share"),
    ("Share Tweet Email", "share"),
    ("Follow us on Twitter", "share"),
    ("Follow us on Instagram @example", "share"),
    ("Like us on Facebook", "share"),
    ("© 2024 Daily Herald", "copyright"),
    ("(c) 2024 Example Media Group", "copyright"),
    ("Copyright 2024 NBC Universal. All rights reserved.", "copyright"),
    ("All rights reserved.", "copyright"),
    ("The Daily Herald 2024. All rights reserved.", "copyright"),
    ("(Reporting by Jane Smith; Editing by Mark Potter)", "credit"),
    ("Additional reporting by Tom Lee in Paris", "credit"),
    ("Associated Press writer Ana Torres contributed to this report.", "credit"),
    ("Related: Council delays vote on parking fees", "related"),
    ("Read more: Why prices keep rising", "related"),
    ("READ MORE", "related"),
    ("See also: Timeline of the crisis", "related"),
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Sign up for our newsletter", "subscribe"),
    ("Subscribe to our daily briefing", "subscribe"),
    ("Get the best of our journalism: sign up for the morning newsletter", "subscribe"),
    ("Photo: Firefighters at work / Getty Images", "image"),
    ("Image caption, Rescue teams worked overnight", "image"),
    ("(Photo by John Doe/AFP via Getty Images)", "image"),
    ("Rescuers search the rubble on Monday. / Reuters", "image"),
    ("Topics: Greece, Wildfires", "tags"),
    ("Back to top", "navigation"),
    ("3 min read", "navigation"),
    # content that merely starts with or contains a boilerplate word
    ("Share prices fell sharply on Monday after the results were published.", None),
    ("Copyright law was at the heart of the case, the judge said.", None),
    ("Related industries also suffered, analysts said.", None),
    ("Read more about the policy on the ministry website, officials urged.", None),
    ("Advertisements for the product were banned in 2019.", None),
    ("Photographers gathered outside the court.", None),
    ("NATO and the European Union are intensifying diplomatic efforts.", None),
    ("subscribe to the idea that markets always recover", None),
    ("", None),
]


@pytest.mark.parametrize(("line", "kind"), LINES)
def test_classify_line(line: str, kind: str | None) -> None:
    assert classify_line(line) == kind


def test_long_lines_are_content() -> None:
    assert classify_line("Share " + "words " * 80) is None


def test_related_heading() -> None:
    assert is_related_heading("READ MORE:")
    assert is_related_heading("Related stories")
    assert not is_related_heading("Read more: Why prices keep rising")


def _article(body: str) -> str:
    return f"Headline number one\nBy Jane Smith\n\n{body}\n"


def _learn_from_bodies(
    bodies_by_group: dict[str, list[str]], *, min_docs: int = 5, min_fraction: float = 0.3
) -> dict[str, frozenset[str]]:
    """Learn from whole bodies: line_keys where the articles are parsed, learn_from_keys over them."""
    return learn_from_keys(
        {g: [line_keys(b) for b in bodies] for g, bodies in bodies_by_group.items()},
        min_docs=min_docs,
        min_fraction=min_fraction,
    )


def test_learn_boilerplate_finds_recurring_lines_per_group() -> None:
    footer = "The Herald is an independent paper owned by its readers."
    herald = [f"Story {i} happened on day {i} in the town.\n\n{footer}" for i in range(6)]
    herald += ["A different story with no footer at all."] * 0 + ["Unique text about the harbour."]
    other = [f"Other outlet story {i}.\n\nSome shared quote line." for i in range(3)]
    learned = _learn_from_bodies({"herald": herald, "other": other}, min_docs=5, min_fraction=0.3)
    assert learned["herald"] == frozenset({"the herald is an independent paper owned by its readers"})
    assert learned["other"] == frozenset()  # 3 articles < min_docs: nothing learned


def test_learn_boilerplate_respects_min_fraction() -> None:
    bodies = ["Recurring promo line."] * 5 + [f"Body {i}." for i in range(20)]
    assert _learn_from_bodies({"g": bodies}, min_docs=5, min_fraction=0.3)["g"] == frozenset()
    assert _learn_from_bodies({"g": bodies}, min_docs=5, min_fraction=0.2)["g"] == frozenset(
        {"recurring promo line"}
    )


def test_learn_boilerplate_validates_parameters() -> None:
    with pytest.raises(ValueError, match="min_docs"):
        _learn_from_bodies({}, min_docs=0)
    with pytest.raises(ValueError, match="min_fraction"):
        _learn_from_bodies({}, min_fraction=1.5)


def test_strip_learned_removes_and_counts() -> None:
    article = parse_raw(
        _article("The vote passed on Tuesday.\n\nThe Herald — independent since 1901.\n\nTurnout was low.")
    )
    stripped = strip_learned(article, frozenset({"the herald independent since 1901"}))
    assert stripped.body == "The vote passed on Tuesday.\n\nTurnout was low."
    assert stripped.removed["learned"] == 1
    assert stripped.removed_lines[-1] == "The Herald — independent since 1901."
    assert strip_learned(article, frozenset()) is article
    assert strip_learned(article, frozenset({"no such line"})) is article


@pytest.mark.parametrize(("start", "kind"), [("Tags: ", "tags"), ("Filed under: ", "tags")])
def test_lines_longer_than_the_limit_are_content(start: str, kind: str) -> None:
    # body.clean_body skips classify_line for such lines; this is the rule that makes that exact
    from newsdedup.text.boilerplate import MAX_BOILERPLATE_LINE

    short = (start + "Ann Lee, Bo Chan" * 20)[:MAX_BOILERPLATE_LINE]
    assert classify_line(short) == kind
    assert classify_line(short + " and Cy Dee") is None
