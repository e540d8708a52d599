"""Timestamps written in other languages: month names, CJK dates, local zone names, and dateparser behind them.

Pure functions, no I/O; :mod:`newsdedup.text.dates` calls these only after its English patterns found nothing,
so English lines never pay for them. The fast path is tables: month names (full, genitive and abbreviated) in
German, French, Spanish, Italian, Portuguese, Russian and Ukrainian, ``2024年11月18日`` (Chinese, Japanese) and
``2024년 11월 18일`` (Korean) dates, and local spellings of times (``14h55``, ``14時55分``, ``下午2:55``).
dateparser is a fallback for a line that reads as a localised date the tables do not cover; it is configured
to work offline and deterministically: the languages above only (no language detection), absolute dates only
(no "yesterday" resolved against the clock), day, month and year required (no year taken from today).

Zone rule: a local zone name is honoured as written (MEZ is +01:00, МСК +03:00, 北京时间 +08:00); a name
that stands for a place (``heure de Paris``, ``hora peninsular``) follows that place's daylight saving.
Ambiguous abbreviations: CST is US Central (-06:00) unless the line is written in Chinese characters, where it
is China Standard Time (+08:00); IST is India (+05:30), as in the English table.

Relative words ("heute", "вчера", "昨天") have no anchor in a raw file (no reference time is given to the
parser), so a line made of them is not a timestamp and ``published_at`` stays null.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "LOCAL_LANGUAGES",
    "find_local_zone",
    "is_us_zone",
    "local_date",
    "local_time_text",
    "looks_like_local_timestamp",
    "parse_with_dateparser",
]

#: The languages of the month tables, and the only ones dateparser is allowed to try.
LOCAL_LANGUAGES: tuple[str, ...] = ("de", "fr", "es", "it", "pt", "ru", "uk", "zh", "ja", "en")

_MONTH_NAMES: dict[int, str] = {
    1: "januar jänner jan januari janvier janv enero ene gennaio gen janeiro января январь янв січня січень січ",
    2: "februar feber feb février fevrier févr fevr febrero febbraio fevereiro fev февраля февраль фев лютого "
    "лютий лют",
    3: "märz maerz mär mrz mars marzo mar março marco марта март мар березня березень бер",
    4: "april apr avril avr abril abr aprile апреля апрель апр квітня квітень квіт кві",
    5: "mai mayo may maggio mag maio мая май травня травень трав тра",
    6: "juni jun juin junio giugno giu junho июня июнь июн червня червень черв чер",
    7: "juli jul juillet juil julio luglio lug julho июля июль июл липня липень лип",
    8: "august aug août aout agosto ago августа август авг серпня серпень серп сер",
    9: "september sep sept septembre septiembre setiembre set settembre setembro сентября сентябрь сен сент "
    "вересня вересень вер",
    10: "oktober okt octobre oct octubre ottobre ott outubro out октября октябрь окт жовтня жовтень жовт жов",
    11: "november nov novembre noviembre novembro ноября ноябрь ноя нояб листопада листопад лист лис",
    12: "dezember dez décembre decembre déc dec diciembre dic dicembre dezembro декабря декабрь дек грудня "
    "грудень груд гру",
}
LOCAL_MONTHS: dict[str, int] = {name: mo for mo, names in _MONTH_NAMES.items() for name in names.split()}
# Month names of one language whose news is written in one zone: a date in those words with no zone written
# is read there (de/fr/it share Central European rules). Spanish and Portuguese are written on two continents,
# and a name two languages share (nov, mar, set) says nothing: those keep parse.default_tz.
_LANGUAGE_ZONE_MONTHS: dict[str, str] = {
    "Europe/Berlin": "januar jänner februar feber märz maerz mrz juni juli oktober okt dezember dez janvier janv "
    "février fevrier févr fevr mars avril avr juin juillet juil août aout septembre octobre décembre decembre déc "
    "novembre gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre",
    "Europe/Moscow": "января январь февраля февраль марта март апреля апрель мая май июня июнь июля июль августа "
    "август сентября сентябрь октября октябрь ноября ноябрь декабря декабрь янв фев апр июн июл авг сен сент "
    "окт ноя нояб дек",
    "Europe/Kyiv": "січня січень лютого лютий березня березень квітня квітень травня травень червня червень "
    "липня липень серпня серпень вересня вересень жовтня жовтень листопада листопад грудня грудень",
}
_MONTH_ZONE: dict[str, str] = {
    name: zone for zone, names in _LANGUAGE_ZONE_MONTHS.items() for name in names.split()
}
# German/French/Italian words beside a month name English shares ("18. November 2024, 14:55 Uhr")
_CET_HINT = re.compile(
    r"\d\.\s*(?:april|august|september|november)|(?<!\w)(?:uhr|um|am|à|ore|alle|montag|dienstag|mittwoch"
    r"|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunedì|martedì"
    r"|mercoledì|giovedì|venerdì|sabato|domenica)(?!\w)",
    re.IGNORECASE,
)
_KANA = re.compile(r"[\u3040-\u30ff]|時|午後|午前")
_HANZI_CN = re.compile(r"[时发间点后]|北京|下午|上午")
_LETTER = r"[^\W\d_]"

# "18. November 2024", "le 1er novembre 2024", "18 de noviembre de 2024", "18 ноября 2024 г."
# A month is any word here, checked against LOCAL_MONTHS afterwards: a regex alternation of ~200 names is
# tried at every position and costs far more than a set lookup per candidate.
# "18. November 2024", "le 1er novembre 2024", "18 de noviembre de 2024", "18 ноября 2024 г."
_NAMED = re.compile(
    rf"(?<![\w])(?P<d>\d{{1,2}})(?:er|º|°)?\.?\s*(?:de\s+|di\s+)?(?P<mon>{_LETTER}{{3,10}})\.?(?!{_LETTER}),?\s*"
    rf"(?:de\s+|del\s+)?(?P<y>\d{{4}})(?!\d)(?:\s*(?:г\.|года|г(?!{_LETTER})|р\.|року|р(?!{_LETTER})))?",
    re.IGNORECASE,
)
# "2024年11月18日", "2024 年 11 月 18 日", "2024년 11월 18일"
_CJK_DATE = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<mo>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?(?!\d)")
# a cheap test that a line holds a localised date at all (month name beside a number, or a CJK date)
_CJK_ANY = re.compile(r"\d{4}\s*[年년]|\d\s*[月월]")
_WORD_BY_NUMBER = re.compile(
    rf"(?<![\w])\d{{1,2}}(?:er|º|°)?\.?\s*(?:de\s+|di\s+)?({_LETTER}{{3,10}})(?!{_LETTER})"
    rf"|(?<!{_LETTER})({_LETTER}{{3,10}})\.?\s+(?=\d{{1,2}}(?!\d))"  # the number left for the next match
)


_NOT_WORD = str.maketrans(".,;:()", "      ")


def _has_local_date(line: str) -> bool:
    if not line.isascii() and ("年" in line or "月" in line or "년" in line or "월" in line):
        return _CJK_ANY.search(line) is not None
    if LOCAL_MONTHS.keys().isdisjoint(line.lower().translate(_NOT_WORD).split()):
        return False  # no month word at all: most lines stop here, before any regex
    return any((m[1] or m[2]).lower() in LOCAL_MONTHS for m in _WORD_BY_NUMBER.finditer(line))


_FULLWIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")
# local spellings of hh:mm -> "hh:mm" (with "pm"/"am" for 午後/下午/오후 and 午前/上午/오전)
_LOCAL_HM = re.compile(r"(?<![\d:])(\d{1,2})\s*(?:h|時|时|点|點|시)\s*(\d{1,2})\s*(?:min|分|분)?(?![\d:])")
_LOCAL_H = re.compile(r"(?<![\d:])(\d{1,2})\s*(?:時|时|点|點|시)(?!\s*\d)")
_PM_WORDS = re.compile(r"(?:午後|下午|晚上|오후)\s*(\d{1,2}(?::\d{2})?)")
_AM_WORDS = re.compile(r"(?:午前|上午|早上|오전)\s*(\d{1,2}(?::\d{2})?)")


def _fixed(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


# written local zone names -> fixed offsets (as written, like the English table)
_LOCAL_FIXED: dict[str, tzinfo] = {
    "MEZ": _fixed(1), "MESZ": _fixed(2), "OEZ": _fixed(2), "OESZ": _fixed(3), "WEZ": UTC, "WESZ": _fixed(1),
    "HNEC": _fixed(1), "HAEC": _fixed(2), "HEC": _fixed(1), "HEEC": _fixed(2),
    "МСК": _fixed(3), "мск": _fixed(3), "по московскому времени": _fixed(3), "по Москве": _fixed(3),
    "KST": _fixed(9), "JST": _fixed(9), "日本時間": _fixed(9), "東京時間": _fixed(9), "한국시간": _fixed(9),
    "北京时间": _fixed(8), "北京時間": _fixed(8), "香港时间": _fixed(8), "香港時間": _fixed(8),
    "台北时间": _fixed(8), "台北時間": _fixed(8), "HKT": _fixed(8),
    "WIB": _fixed(7), "WITA": _fixed(8), "WIT": _fixed(9), "BRT": _fixed(-3), "BRST": _fixed(-2),
    "ART": _fixed(-3), "horário de Brasília": _fixed(-3), "hora de Brasília": _fixed(-3),
}  # fmt: skip
# names of a place's time: daylight saving follows the place
_LOCAL_REGION: dict[str, str] = {
    "heure de Paris": "Europe/Paris", "heure française": "Europe/Paris", "hora peninsular": "Europe/Madrid",
    "hora de Madrid": "Europe/Madrid", "ora italiana": "Europe/Rome", "hora de Lisboa": "Europe/Lisbon",
    "deutscher Zeit": "Europe/Berlin", "за київським часом": "Europe/Kyiv", "по киевскому времени": "Europe/Kyiv",
}  # fmt: skip
_LOCAL_ZONE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(z) for z in sorted((*_LOCAL_FIXED, *_LOCAL_REGION), key=len, reverse=True))
    + r")(?![\w])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CST = re.compile(r"(?<![A-Za-z])CST(?![A-Za-z])")
_US_ZONES = frozenset(
    "EST EDT CST CDT MST MDT PST PDT AKST AKDT HST ET CT MT PT".split()  # noqa: SIM905
)
_US_ZONE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(_US_ZONES, key=len, reverse=True)) + r")(?![A-Za-z])"
)


def local_date(s: str) -> tuple[tuple[int, int, int], str, str | None] | None:
    """((year, month, day), the text with the date cut out, the zone its language implies or None) for a
    localised date, or None.

    The implied zone is read when no zone is written: the month name's language (see _LANGUAGE_ZONE_MONTHS);
    for a CJK date, kana or 時/午後 say Japan (Asia/Tokyo), simplified characters (时, 发布, 下午) China
    (Asia/Shanghai), Hangul Korea (Asia/Seoul)."""
    m = next((c for c in _NAMED.finditer(s) if c["mon"].lower() in LOCAL_MONTHS), None)
    if m is not None:
        name = m["mon"].lower()
        month, zone = LOCAL_MONTHS[name], _MONTH_ZONE.get(name)
        if zone is None and name in ("april", "august", "september", "november") and _CET_HINT.search(s):
            zone = "Europe/Berlin"
    else:
        m = _CJK_DATE.search(s)
        if m is None:
            return None
        month, zone = int(m["mo"]), _cjk_zone(s)
    return (int(m["y"]), month, int(m["d"])), s[: m.start()] + " " + s[m.end() :], zone


def _cjk_zone(s: str) -> str | None:
    if "년" in s:
        return "Asia/Seoul"
    if _HANZI_CN.search(s):
        return "Asia/Shanghai"
    if _KANA.search(s):
        return "Asia/Tokyo"
    return None


def local_time_text(rest: str) -> str:
    """``rest`` with local time spellings rewritten to what the English time pattern reads (``14:55``,
    ``2:55 pm``), full-width digits made ASCII."""
    rest = rest.translate(_FULLWIDTH)
    rest = _LOCAL_HM.sub(r"\1:\2", rest)
    rest = _LOCAL_H.sub(r"\1:00", rest)
    if "午" in rest or "下" in rest or "上" in rest or "早" in rest or "晚" in rest or "오" in rest:
        rest = _PM_WORDS.sub(lambda m: _ampm(m[1], "pm"), rest)
        rest = _AM_WORDS.sub(lambda m: _ampm(m[1], "am"), rest)
    return rest


def _ampm(hm: str, marker: str) -> str:
    return f" {hm if ':' in hm else hm + ':00'} {marker} "


def find_local_zone(rest: str, line: str) -> tuple[tzinfo | None, str | None]:
    """(fixed tz or None, region zone name or None) for a local zone name in ``rest`` (what is left of
    ``line`` once the date is cut); CST in a line of Chinese characters is China Standard Time."""
    m = _LOCAL_ZONE.search(rest)
    if m is not None:
        name = m.group(0)
        if name in _LOCAL_REGION:
            return None, _LOCAL_REGION[name]
        return _LOCAL_FIXED[name], None
    if _CJK.search(line) and _CST.search(rest):
        return _fixed(8), None
    return None, None


def is_us_zone(rest: str) -> bool:
    """Does ``rest`` name a US zone (EST, PDT, ET, ...)? Numeric dates there are written month first."""
    return _US_ZONE.search(rest) is not None


_FILLER = frozenset(
    """
    montag dienstag mittwoch donnerstag freitag samstag sonntag am um uhr den stand veröffentlicht aktualisiert
    zuletzt erstellt geändert datum lundi mardi mercredi jeudi vendredi samedi dimanche le la à publié mis jour
    modifié heure de paris française le publiée lunes martes miércoles jueves viernes sábado domingo el las
    publicado actualizado hora peninsular madrid lunedì martedì mercoledì giovedì venerdì sabato domenica ore
    alle il pubblicato aggiornato italiana segunda terça quarta quinta sexta feira às as em atualizado horário
    brasília lisboa понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье
    пн вт ср чт пт сб вс года опубликовано обновлено дата по московскому времени москве понеділок вівторок
    середа четвер пʼятниця п'ятниця субота неділя року опубліковано оновлено за київським часом киевскому
    deutscher zeit min
    mon tue wed thu fri sat sun at on the of published updated posted first last modified date time am pm
    """.split()  # noqa: SIM905
)
_UNICODE_WORD = re.compile(rf"{_LETTER}{{2,}}")
# CJK characters a timestamp line may hold besides the date: weekdays, zone names, "published"/"updated"
_CJK_FILLER = re.compile(
    r"[年月日時时分秒点點午前後后上下晚早曜周週星期一二三四五六七天（）()]|北京|香港|台北|日本|東京|时间|時間"
    r"|发布|發布|更新|公開|配信|来源|來源|最終"
)
_CJK_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def looks_like_local_timestamp(line: str) -> bool:
    """A line that is essentially a localised date (the rule of ``looks_like_timestamp``: at most one word
    that is not a date word), e.g. "Montag, 18. November 2024, 14:55 Uhr" or "发布时间：2024年11月18日"."""
    if len(line) > 90 or not _has_local_date(line):
        return False
    others = 0
    for word in _UNICODE_WORD.findall(line):
        low = word.lower()
        if (
            low not in _FILLER
            and low not in LOCAL_MONTHS
            and word not in _LOCAL_FIXED
            and not _CJK_WORD.match(word)
        ):
            others += 1
            if others > 1:
                return False
    if _CJK_WORD.search(line):
        leftover = _CJK_FILLER.sub("", line)
        if len(_CJK_WORD.findall(leftover)) > 3:
            return False
    return True


@lru_cache(maxsize=1)
def _dateparser() -> tuple[Any, dict[str, Any]]:
    import dateparser  # imported on first use: most runs never reach the fallback

    settings = {
        "PARSERS": ["absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }
    return dateparser, settings


def parse_with_dateparser(
    s: str, default_tz: tzinfo, *, dayfirst: bool = True
) -> tuple[datetime | None, bool]:
    """The fallback: (UTC datetime or None, zone assumed) from dateparser, offline and deterministic (see the
    module docstring); a zone the tables know is applied first, as dateparser does not know local names.
    Numbers are read month first when the line names a US zone or ``dayfirst`` is false, as the tables do."""
    fixed, region = find_local_zone(s, s)
    if fixed is not None or region is not None:
        s = _LOCAL_ZONE.sub(" ", s)
    dp, settings = _dateparser()
    if is_us_zone(s) or not dayfirst:
        settings = {**settings, "DATE_ORDER": "MDY"}
    try:
        dt = dp.parse(local_time_text(s), languages=list(LOCAL_LANGUAGES), settings=settings)
    except (ValueError, OverflowError, TypeError, KeyError, IndexError, AttributeError):
        return None, False
    if dt is None:
        return None, False
    try:
        if dt.tzinfo is not None:
            return dt.astimezone(UTC), False
        if fixed is not None:
            return dt.replace(tzinfo=fixed).astimezone(UTC), False
        if region is not None:
            return dt.replace(tzinfo=ZoneInfo(region)).astimezone(UTC), False
        return dt.replace(tzinfo=default_tz).astimezone(UTC), True
    except (ValueError, OverflowError):
        return None, False
