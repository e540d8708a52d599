"""Language identification of an article (pure): cheap rules first, a statistical model for the rest.

:func:`identify_language` returns an ISO 639-1 code, or ``und`` when the text is too short or the answer is
uncertain. In order:

0. When the first :data:`QUICK_CHARS` characters are ASCII and pass rules 2 and 4 on their own: ``en``.
1. At most :data:`MAX_CHARS` characters of the text are looked at (the model's accuracy is flat beyond a few
   hundred characters, its cost is not).
2. Fewer than :data:`MIN_LETTERS` letters (ASCII letters and non-ASCII characters): ``und`` (numbers,
   tickers, URLs have no language).
3. Script counts decide the languages with a script of their own, without the model: kana -> ``ja``, Han
   without kana -> ``zh``, Hangul -> ``ko``, Thai -> ``th`` (when that script is at least
   :data:`SCRIPT_SHARE` of the letters).
4. English function words (a list that shares no frequent word with other Latin-script languages) at least
   :data:`ENGLISH_RATIO` of the words, or :data:`ENGLISH_MIN_RATIO` with no frequent function word of another
   language -> ``en``: English, the bulk of most feeds, seldom reaches the model.
5. The model (a callable given by the caller, which loads it: this module does no I/O): its top answer, mapped
   to ISO 639-1 (``yue``/``wuu`` -> ``zh``, ...), or ``und`` when its score is under :data:`MIN_SCORE` or the
   language has no two-letter code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "ENGLISH_MIN_RATIO",
    "ENGLISH_RATIO",
    "MAX_CHARS",
    "MIN_LETTERS",
    "MIN_SCORE",
    "QUICK_CHARS",
    "SCRIPT_SHARE",
    "UNDETERMINED",
    "LanguageModel",
    "dense_char_count",
    "dense_script_share",
    "identify_language",
    "iso639_1",
    "may_have_scripts",
    "script_language",
    "strip_dense",
]

#: The value of an article whose language is not known with confidence.
UNDETERMINED = "und"
#: Characters of the text looked at.
MAX_CHARS = 500
#: English is tried first on this many characters when they are all ASCII (the rest of the rules then read
#: MAX_CHARS): most articles are decided there.
QUICK_CHARS = 200
#: Fewer letters than this: ``und``.
MIN_LETTERS = 20
#: The model's answers scoring under this are ``und``.
MIN_SCORE = 0.5
#: Share of English function words among the words at or above which a text is English without the model.
ENGLISH_RATIO = 0.10
#: ... or at least this share with no function word of another language among the words.
ENGLISH_MIN_RATIO = 0.03
#: Share of the letters a script needs to decide the language by itself.
SCRIPT_SHARE = 0.3

#: text -> (language code as the model names it, score in [0, 1])
LanguageModel = Callable[[str], tuple[str, float]]

# Frequent English words that are not frequent words of another Latin-script language ("in", "a", "an",
# "to", "on", "was", "will", "also", "die" ... are left out: German, Italian, Spanish, Polish, French use them).
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "that",
        "with",
        "from",
        "by",
        "this",
        "which",
        "said",
        "have",
        "has",
        "had",
        "been",
        "were",
        "they",
        "their",
        "its",
        "would",
        "who",
        "but",
        "not",
        "his",
        "her",
        "she",
        "he",
        "it",
        "is",
        "are",
        "be",
        "there",
        "about",
        "after",
        "than",
        "when",
        "more",
        "into",
        "over",
        "what",
    ]
)
# Frequent function words of other languages that are not English words.
_FOREIGN = frozenset(
    [
        "der",
        "und",
        "ist",
        "nicht",
        "das",
        "ein",
        "eine",
        "dem",
        "zu",
        "mit",
        "sich",
        "le",
        "les",
        "des",
        "et",
        "est",
        "une",
        "du",
        "dans",
        "pour",
        "el",
        "los",
        "las",
        "del",
        "y",
        "que",
        "por",
        "para",
        "il",
        "di",
        "che",
        "della",
        "sono",
        "os",
        "da",
        "não",
        "um",
        "uma",
        "het",
        "een",
        "van",
        "en",
        "og",
        "och",
        "är",
        "ja",
        "nie",
        "się",
        "że",
        "jest",
        "ve",
        "bir",
        "bu",
        "ile",
        "și",
        "în",
        "je",
        "se",
        "na",
        "za",
        "od",
        "и",
        "в",
        "не",
        "на",
        "что",
        "с",
        "по",
        "как",
        "из",
        "у",
        "за",
        "от",
        "о",
        "это",
        "для",
        "та",
        "що",
        "як",
        "з",
        "до",
    ]
)
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# The UTF-8 lead bytes (and second bytes) of Thai, Lao, Myanmar, Hangul Jamo, Khmer, kana, Han, Hangul
# syllables, compatibility ideographs, half-width kana and the supplementary Han planes: a superset test on bytes,
# much faster than a character class on str (text in Latin, Cyrillic, ... and typographic punctuation skips it).
_NOT_LONG_LEADS = bytes(b for b in range(256) if not 0xE0 <= b <= 0xF4)
_SCRIPT_BYTES = re.compile(
    rb"[\xe3-\xed]|\xe0[\xb8-\xbb]|\xe1[\x80-\x87\x9e\x9f]|\xef[\xa4-\xab\xbd\xbe]|\xf0[\xa0-\xaf]"
)
# Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar.
_DENSE = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\U00020000-\U0002fa1f]"
)

# Model codes without an ISO 639-1 form that stand for a language that has one.
_ALIASES = {"yue": "zh", "wuu": "zh", "cmn": "zh", "gan": "zh", "arz": "ar", "ary": "ar", "zh-hant": "zh"}


def iso639_1(code: str | None) -> str:
    """A model's language code as ISO 639-1 (``zh-Hant`` -> ``zh``, ``__label__de`` -> ``de``); ``und`` for
    no code or a language without a two-letter code."""
    if not code:
        return UNDETERMINED
    code = code.strip().lower().replace("_", "-").removeprefix("--label--")
    if code in _ALIASES:
        return _ALIASES[code]
    base = code.split("-")[0]
    base = _ALIASES.get(base, base)
    return base if len(base) == 2 and base.isalpha() else UNDETERMINED


def _letters(text: str) -> int:
    """ASCII letters plus non-ASCII characters (non-ASCII punctuation counts too: a bound that matters only
    near MIN_LETTERS), by C-level byte operations: this runs on every article."""
    ascii_part = text.encode("ascii", "ignore")
    return len(ascii_part.translate(None, _ASCII_NON_LETTERS)) + len(text) - len(ascii_part)


def script_language(text: str, letters: int) -> str | None:
    """``ja``/``zh``/``ko``/``th`` when one of those scripts has :data:`SCRIPT_SHARE` of ``letters``, else
    None. Kana marks Japanese (which also writes Han); Han without kana is Chinese."""
    if text.isascii() or letters <= 0 or not may_have_scripts(text.encode("utf-8", "surrogatepass")):
        return None
    least = SCRIPT_SHARE * letters
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    if kana + han >= least and kana >= 0.05 * (kana + han):
        return "ja"
    if han >= least:
        return "zh"
    if len(_HANGUL.findall(text)) >= least:
        return "ko"
    if len(_THAI.findall(text)) >= least:
        return "th"
    return None


def may_have_scripts(data: bytes) -> bool:
    """False when UTF-8 ``data`` certainly holds no character of the scripts :func:`script_language` and
    :func:`dense_script_share` count (True: it may)."""
    # the lead bytes of 3- and 4-byte characters; only E2 (punctuation, symbols: U+2000-2FFF) -> none
    if not data.translate(None, _NOT_LONG_LEADS).strip(b"\xe2"):
        return False
    return _SCRIPT_BYTES.search(data) is not None


def dense_script_share(text: str) -> float:
    """The share of a text's non-space characters in scripts written without spaces between words (Han,
    kana, Thai, Lao, Khmer, Myanmar); 0.0 for ASCII text."""
    if text.isascii() or not may_have_scripts(text.encode("utf-8", "surrogatepass")):
        return 0.0
    chars = len(text) - text.count(" ")
    return len(_DENSE.findall(text)) / chars if chars else 0.0


def dense_char_count(text: str) -> int:
    """The number of characters of ``text`` in dense scripts (see :func:`dense_script_share`)."""
    return 0 if text.isascii() else len(_DENSE.findall(text))


def strip_dense(text: str) -> str:
    """``text`` with its dense-script characters replaced by spaces."""
    return text if text.isascii() else _DENSE.sub(" ", text)


def _is_english(text: str) -> bool:
    """English by function words: at least ENGLISH_RATIO of the words, or at least ENGLISH_MIN_RATIO with no
    frequent function word of another language (text with few function words, e.g. headline-like prose)."""
    words = text.lower().split()  # words of every script count in the denominator
    if not words:
        return False
    hits = sum(map(_ENGLISH.__contains__, words))
    if hits >= ENGLISH_RATIO * len(words):
        return True
    return hits >= ENGLISH_MIN_RATIO * len(words) and not any(map(_FOREIGN.__contains__, words))


def identify_language(text: str, model: LanguageModel | None) -> str:
    """The language of ``text`` as ISO 639-1, or ``und`` (see the module docstring for the rules).

    ``model`` answers what the rules leave open; None answers ``und`` for those."""
    head = text[:QUICK_CHARS]
    if head.isascii() and _letters(head) >= MIN_LETTERS and _is_english(head):
        return "en"  # the common case, on a shorter sample
    sample = text[:MAX_CHARS]
    letters = _letters(sample)
    if letters < MIN_LETTERS:
        return UNDETERMINED
    by_script = script_language(sample, letters)
    if by_script is not None:
        return by_script
    if _is_english(sample):
        return "en"
    if model is None:
        return UNDETERMINED
    code, score = model(" ".join(sample.split()))
    return iso639_1(code) if score >= MIN_SCORE else UNDETERMINED
