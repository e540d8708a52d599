"""URL normalisation for ids: spellings of one address agree, different addresses stay different."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.text.urls import normalize_url

SAME = [
    ("https://www.Example.com/news/a-story/", "https://example.com/news/a-story"),
    ("http://example.com/news/a-story?utm_source=x&utm_medium=y", "https://example.com/news/a-story"),
    ("https://example.com:443/news/a-story#comments", "https://example.com/news/a-story"),
    ("https://example.com/a?b=2&a=1&fbclid=zz", "https://example.com/a?a=1&b=2"),
    ("  https://EXAMPLE.com  ", "https://example.com/"),
]


@pytest.mark.parametrize(("url", "expected"), SAME)
def test_spellings_of_one_address_agree(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a?id=1", "https://example.com/a?id=2"),
        ("https://example.com/a", "https://example.org/a"),
        ("https://example.com:8080/a", "https://example.com/a"),
        ("https://news.example.com/a", "https://example.com/a"),
    ],
)
def test_different_addresses_stay_different(a: str, b: str) -> None:
    assert normalize_url(a) != normalize_url(b)


@pytest.mark.parametrize("text", ["not a url", "ftp://example.com/x", "mailto:a@b.c", "http://[::1", ""])
def test_anything_else_is_kept_as_written(text: str) -> None:
    assert normalize_url(text) == text.strip()


@given(st.text())
def test_idempotent_and_never_raises(text: str) -> None:
    once = normalize_url(text)
    assert normalize_url(once) == once
