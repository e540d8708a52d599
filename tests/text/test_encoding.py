"""Tests for newsdedup.text.encoding.decode_bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.errors import NewsdedupError
from newsdedup.text import encoding
from newsdedup.text.encoding import DecodeFailure, decode_bytes

BBC = Path("/work/shared/data/bbc")

DECODES = [
    # (description, bytes, expected text, expected encoding)
    ("ascii", b"Plain news.", "Plain news.", "utf-8"),
    ("utf-8 accents", "Café £5 ’quoted’".encode(), "Café £5 ’quoted’", "utf-8"),
    ("utf-8 BOM stripped", b"\xef\xbb\xbfTitle", "Title", "utf-8-sig"),
    ("CRLF kept as is", b"Title\r\n\r\nBody\r\n", "Title\r\n\r\nBody\r\n", "utf-8"),
    ("cp1252 pound, e-acute, 0x92", b"Price \xa35, caf\xe9, it\x92s", "Price £5, café, it’s", "cp1252"),
    ("latin-1 only byte 0x81", b"Text with \x81 and \xe9", "Text with \x81 and é", "latin-1"),
    ("utf-16 with BOM", "Über news".encode("utf-16"), "Über news", "utf-16"),
    (
        "cp1251 russian",
        ("Привет мир, как дела? Это тест. " * 3).encode("cp1251"),
        "Привет мир, как дела? Это тест. " * 3,
        "cp1251",
    ),
    (
        "utf-8 with one stray cp1252 byte",
        "café ok ".encode() * 5 + b"\x92s",
        "café ok " * 5 + "’s",
        "utf-8+cp1252",
    ),
]


@pytest.mark.parametrize(("desc", "data", "text", "enc"), DECODES, ids=[d[0] for d in DECODES])
def test_decode_bytes(desc: str, data: bytes, text: str, enc: str) -> None:
    assert decode_bytes(data) == (text, enc)


FAILURES = [
    # (description, bytes, reason)
    ("zero bytes", b"", "empty"),
    ("png header with NULs", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32, "binary"),
    ("single NUL in text", b"news\x00text", "binary"),
    ("many control bytes", b"ab\x01\x02\x03\x04cd", "binary"),
    ("all high bytes", bytes(range(0x80, 0x100)) * 4, "undecodable"),
    ("BOM then invalid utf-8", b"\xef\xbb\xbfok \xff\xfe", "undecodable"),
]


@pytest.mark.parametrize(("desc", "data", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_decode_failures(desc: str, data: bytes, reason: str) -> None:
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data)
    assert info.value.reason == reason
    assert info.value.detail
    assert isinstance(info.value, NewsdedupError)


def test_fast_path_does_not_call_charset_normalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("charset-normalizer called on valid UTF-8")

    monkeypatch.setattr(encoding.charset_normalizer, "from_bytes", boom)
    assert decode_bytes("Ünïcödé news ’ok’".encode()) == ("Ünïcödé news ’ok’", "utf-8")
    assert decode_bytes(b"Price \xa35") == ("Price £5", "cp1252")  # Western path skips it too


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_raises_only_decode_failure(data: bytes) -> None:
    try:
        text, enc = decode_bytes(data)
    except DecodeFailure as exc:
        assert exc.reason in {"binary", "undecodable", "empty"}
    else:
        assert isinstance(text, str)
        assert enc


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=200))
def test_valid_utf8_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.skipif(not BBC.is_dir(), reason="shared BBC data not present")
def test_bbc_corpus_decodes_without_mojibake() -> None:
    texts = [decode_bytes(p.read_bytes())[0] for p in sorted(BBC.glob("*/*.txt"))]
    assert len(texts) == 2225
    assert sum("£" in t for t in texts) > 100
    assert not any("\ufffd" in t or "Â£" in t or "â€" in t for t in texts)
