"""Per-language text rules of story clustering: stop words, elisions, and tokens for unspaced scripts.

Stop words come from two maintained lists that ship in their wheels (no download at run time): stopwordsiso
(ISO 639-1 codes) and stop-words, merged per language. English keeps scikit-learn's list, the one the job
has always used, so English features and keywords do not change. A document whose language is unknown
(None, ``und``) or has no list is treated as English, as before languages were known.

Chinese, Japanese and Thai are written without spaces between words, so a whitespace token is a whole
clause. Without a segmenter (no dictionary or model at run time), their runs of characters become
overlapping character n-grams (``cjk_tokens``): Han runs (Chinese, Japanese kanji) and Thai runs give
bigrams; in Japanese, hiragana runs (particles and inflections) separate words and katakana runs
(loanwords, foreign names) are kept whole. The keywords of such a story are its most distinctive n-grams,
merged into the longer runs they form in the story's headlines (``merge_ngrams``).

French, Italian and Catalan elide articles and prepositions before a vowel (``l'``, ``d'``, ``dell'``,
``qu'``). Matching text deletes apostrophes (``l'homme`` -> ``lhomme``), so ``split_elisions`` spaces the
elided word off in the raw text before it is normalised for the features.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import stop_words
import stopwordsiso

from newsdedup.cluster.stop_words import ENGLISH_STOP_WORDS
from newsdedup.text.normalize import normalize_many

__all__ = [
    "NGRAM_LANGUAGES",
    "base_language",
    "cjk_tokens",
    "elided_text",
    "elides",
    "has_unspaced_script",
    "language_key",
    "merge_ngrams",
    "split_elisions",
    "stop_words_for",
]

#: Languages whose words are not separated by spaces: their runs of characters become n-grams.
NGRAM_LANGUAGES = frozenset({"zh", "ja", "th"})

# stop-words names its lists by English language name.
_STOP_WORDS_NAMES = {
    "ar": "arabic", "bg": "bulgarian", "ca": "catalan", "cs": "czech", "da": "danish", "nl": "dutch",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "gu": "gujarati", "he": "hebrew",
    "hi": "hindi", "hu": "hungarian", "id": "indonesian", "it": "italian", "ja": "japanese", "ko": "korean",
    "ms": "malaysian", "no": "norwegian", "fa": "persian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sk": "slovak", "es": "spanish", "sv": "swedish", "tr": "turkish",
    "uk": "ukrainian", "vi": "vietnamese", "zh": "chinese",
}  # fmt: skip

#: Elided words (before an apostrophe) per language: spaced off so the word after them stands alone.
_ELISIONS = {
    "fr": ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"),
    "it": (
        "l", "d", "c", "s", "un", "dell", "dall", "nell", "sull", "all", "coll", "dev", "quell", "quest",
        "sant", "tutt", "bell", "nient",
    ),
    "ca": ("l", "d", "s", "m", "t", "n"),
}  # fmt: skip
_APOSTROPHES = "'’‘ʼ`´"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HIRAGANA = "\u3041-\u309f"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_THAI = "\u0e00-\u0e7f"
_UNSPACED = re.compile(f"[{_HAN}{_HIRAGANA}{_KATAKANA}{_THAI}]")
# A run of one script: Han, katakana, hiragana or Thai characters.
_RUN = re.compile(f"([{_HAN}]+)|([{_KATAKANA}]+)|([{_HIRAGANA}]+)|([{_THAI}]+)")


def language_key(language: str | None) -> str:
    """The language whose rules apply to a document: its ISO 639-1 code when stop words are known for it,
    else ``en`` (unknown, ``und`` or a language without a list: the behaviour before languages were known)."""
    if not isinstance(language, str):
        return "en"
    code = base_language(language)
    return code if code in _known_languages() else "en"


def base_language(language: str) -> str:
    """A language tag reduced to its lower-case primary code (``zh-TW`` -> ``zh``; ``""`` stays ``""``)."""
    return language.strip().lower().replace("_", "-").split("-")[0]


@functools.cache
def _known_languages() -> frozenset[str]:
    return frozenset(stopwordsiso.langs()) | frozenset(_STOP_WORDS_NAMES) | {"en"}


@functools.cache
def stop_words_for(language: str) -> frozenset[str]:
    """The stop words of a language (a ``language_key``) as matching-text tokens (casefolded, apostrophes
    deleted; a multi-word entry gives each of its words): scikit-learn's list for English, the union of
    stopwordsiso's and stop-words' lists otherwise, plus the language's elided words."""
    if language == "en":
        return frozenset(ENGLISH_STOP_WORDS)
    words: set[str] = set(stopwordsiso.stopwords(language)) if stopwordsiso.has_lang(language) else set()
    if language in _STOP_WORDS_NAMES:
        words |= set(stop_words.get_stop_words(_STOP_WORDS_NAMES[language]))
    words |= set(_ELISIONS.get(language, ()))
    tokens = {t for w in normalize_many(sorted(words)) for t in w.split()}
    if language in NGRAM_LANGUAGES:
        tokens |= {w for w in words if len(w) == 1}  # single characters: see cjk_tokens
    return frozenset(tokens)


def elides(language: str | None) -> bool:
    """Whether the language elides articles and prepositions with an apostrophe (French, Italian, Catalan)."""
    return language_key(language) in _ELISIONS


def elided_text(match_text: str, body: str | None, language: str | None) -> str:
    """The matching text of an article with its elisions spaced off, made again from its ``body`` (the
    matching text has lost the apostrophes); unchanged when the language does not elide, the body has no
    elision, or the matching text is not the body's (then it is returned as it is)."""
    if not body or not elides(language):
        return match_text
    plain, split = normalize_many([body, split_elisions(body, language)])
    if plain == split or not match_text.endswith(plain):
        return match_text
    return match_text[: len(match_text) - len(plain)] + split  # keeps a headline put before the body


def split_elisions(text: str, language: str | None) -> str:
    """``text`` with each elided word and its apostrophe spaced off (``l'homme`` -> ``l homme``) in the
    languages that elide (French, Italian, Catalan); other texts unchanged."""
    pattern = _elision_pattern(language_key(language))
    return text if pattern is None else pattern.sub(r"\1 ", text)


@functools.cache
def _elision_pattern(language: str) -> re.Pattern[str] | None:
    words = _ELISIONS.get(language)
    if words is None:
        return None
    alt = "|".join(sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"\b((?:{alt})[{_APOSTROPHES}])(?=\w)", re.IGNORECASE)


def has_unspaced_script(text: str) -> bool:
    """Whether ``text`` has characters of a script written without spaces (Han, kana, Thai)."""
    return not text.isascii() and _UNSPACED.search(text) is not None


def cjk_tokens(text: str, language: str) -> str:
    """Matching text with its runs of unspaced scripts replaced by n-gram tokens (space-separated).

    Han runs give their character bigrams (a run of one character stays as it is, and is too short to be a
    term), except bigrams that are stop words of ``language`` or made of two single-character stop words;
    katakana runs stay whole; hiragana runs are dropped in Japanese (particles, inflections) and give
    bigrams otherwise; Thai runs give character trigrams. Other words are unchanged.
    """
    if not has_unspaced_script(text):
        return text
    stop = stop_words_for(language_key(language))
    japanese = language_key(language) == "ja"

    def runs(m: re.Match[str]) -> str:
        han, kata, hira, thai = m.groups()
        if kata is not None:
            return f" {kata} "
        if hira is not None:
            return " " if japanese else " " + " ".join(_ngrams(hira, 2, stop)) + " "
        if thai is not None:
            return " " + " ".join(_ngrams(thai, 3, stop)) + " "
        return " " + " ".join(_ngrams(han, 2, stop)) + " "

    return " ".join(_RUN.sub(runs, text).split())


def _ngrams(run: str, n: int, stop: frozenset[str]) -> list[str]:
    if len(run) <= n:
        return [run]
    grams = (run[i : i + n] for i in range(len(run) - n + 1))
    return [g for g in grams if g not in stop and not all(c in stop for c in g)]


def merge_ngrams(words: Sequence[str], top_n: int, texts: Sequence[str]) -> list[str]:
    """Keywords of a story in an unspaced script: its ranked n-gram keywords merged into the runs they form
    in the story's ``texts`` (its headlines, say). A stretch of a text whose every n-gram is a keyword is a
    run (``习近`` + ``近平`` -> ``习近平``); an n-gram is replaced by the run it is part of in the most texts
    (ties: the shorter, then the first alphabetically), listed at the place of its best part. Runs are read
    from the texts, so they never join two n-grams by accident of a shared character. N-grams in no run
    stay as they are; words of other scripts pass unchanged. Returns the first ``top_n``.
    """
    rank = {w for w in words if 2 <= len(w) <= 3 and has_unspaced_script(w)}
    seen: dict[str, int] = {}  # run -> texts it is in
    grams_of: dict[str, list[str]] = {}
    for text in texts:
        for run, grams in set(_keyword_runs(text, rank)):
            seen[run] = seen.get(run, 0) + 1
            grams_of[run] = list(grams)
    part_of: dict[str, str] = {}
    for run in sorted(seen, key=lambda r: (-seen[r], len(r), r)):
        for g in grams_of[run]:
            part_of.setdefault(g, run)
    out: list[str] = []
    for w in words:
        w = part_of.get(w, w)
        if w not in out:
            out.append(w)
        if len(out) == top_n:
            break
    return out


def _keyword_runs(text: str, rank: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The maximal stretches of ``text`` made of two or more overlapping keyword n-grams, with them."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for n in (2, 3):
        i = 0
        while i <= len(text) - n:
            grams: list[str] = []
            j = i
            while j <= len(text) - n and text[j : j + n] in rank:
                grams.append(text[j : j + n])
                j += 1
            if len(grams) > 1:
                found.append((text[i : j + n - 1], tuple(grams)))
            i = j + 1 if grams else i + 1
    return found
