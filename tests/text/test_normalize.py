"""Matching-text normalisation: known outputs, typography-insensitivity, idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.text.normalize import matching_text, normalize_for_matching
from newsdedup.text.parse import parse_raw


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello world"),
        ("North Korea’s support", "north koreas support"),
        ("North Korea's support", "north koreas support"),
        ('“Quoted” and "quoted"', "quoted and quoted"),
        ("Asia-Pacific — region – here", "asia pacific region here"),
        ("no\u00a0break\u2009spaces\tand\nlines", "no break spaces and lines"),
        ("ÉCOLE Straße", "école strasse"),
        ("ﬁnance ＦＵＬＬ width", "finance full width"),
        ("snake_case_name", "snake case name"),
        ("12,000 troops in 2024 (U.S.)", "12000 troops in 2024 us"),
        ("   ", ""),
        ("", ""),
        ("Привет, мир!", "привет мир"),
    ],
)
def test_normalize_for_matching(text: str, expected: str) -> None:
    assert normalize_for_matching(text) == expected


def test_typographic_variants_compare_equal() -> None:
    a = "He said: “It’s over” — and left…"
    b = 'He said: "It\'s over" - and left...'
    assert normalize_for_matching(a) == normalize_for_matching(b)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_for_matching(text)
    assert normalize_for_matching(once) == once


RAW = (
    "A headline that a syndicating outlet will rewrite\n"
    "By Jane Smith\n"
    "Published: 2024-11-16T10:37:00Z\n"
    "- A summary bullet the copy may drop\n\n"
    "LONDON (Reuters) - The body sentence stays the same.\n\n"
    "Share\n"
)


def test_matching_text_is_body_only_by_default() -> None:
    article = parse_raw(RAW)
    assert matching_text(article) == "the body sentence stays the same"


def test_matching_text_can_include_title() -> None:
    article = parse_raw(RAW)
    assert matching_text(article, include_title=True) == (
        "a headline that a syndicating outlet will rewrite the body sentence stays the same"
    )


def test_matching_text_ignores_headline_rewrites() -> None:
    other = parse_raw(
        RAW.replace("A headline that a syndicating outlet will rewrite", "Completely new headline")
    )
    assert matching_text(other) == matching_text(parse_raw(RAW))


def test_short_texts_are_cached_with_the_reference_result() -> None:
    from newsdedup.text import normalize as nz

    nz._normalize_short.cache_clear()
    texts = ["Editor’s NOTE: updated", "Édition spéciale — " * 4, "This story has been updated."]
    first = [normalize_for_matching(t) for t in texts]
    again = [normalize_for_matching(t) for t in texts]
    assert first == again == [nz._normalize_python(t) for t in texts]
    assert nz._normalize_short.cache_info().hits == len(texts)
