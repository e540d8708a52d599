"""Datelines and bylines written in other languages and wire formats (pure functions, no I/O).

:mod:`newsdedup.text.header` tries these only after its English patterns found nothing. Datelines:
``МОСКВА, 18 ноября (РИА Новости) -``, ``MADRID, 18 Nov. (EUROPA PRESS) -``, ``(ANSA) - ROMA, 18 NOV -``,
``КИЕВ, 18 ноя — РИА Новости.``, ``【新华社北京11月18日电】``, ``新华社北京11月18日电（记者 王伟）``,
``【ワシントン=共同】``, ``［東京 18日 ロイター］ -``. Bylines: ``Von``/``Par``/``Por``/``Di`` + a name,
``Автор:``/``Автори:``/``Текст:`` + a name, ``记者``/``記者``/``作者：``/``文／`` + a CJK name.
"""

from __future__ import annotations

import re

from newsdedup.text.locale_dates import LOCAL_MONTHS

__all__ = ["LOCAL_BY_PREFIX", "cjk_names", "split_local_dateline"]

_UP = r"[^\W\d_a-zß-öø-ÿ]"
_MONTH_ALT = "|".join(sorted(LOCAL_MONTHS, key=len, reverse=True))
_CAPS_PLACE = rf"{_UP}(?:{_UP}|['’.\-])+(?:[\s/](?:{_UP}(?:{_UP}|['’.\-])*|de|la|al|el|na|am))*"
_LOCAL_DATE = rf"\d{{1,2}}\.?\s*(?:de\s+)?(?i:{_MONTH_ALT})\.?(?:\s+\d{{4}})?"
_AGENCY = r"\(\s*[^\W\d_][^()\n]{0,30}\)"
_SEP = r"(?:--|[:\-–—])"

# "МОСКВА, 18 ноября (РИА Новости) -", "MADRID, 18 Nov. (EUROPA PRESS) -", "МОСКВА (РИА Новости) -"
_PLACE_DATE_AGENCY = re.compile(
    rf"^(?P<place>{_CAPS_PLACE})(?:,\s*(?P<date>{_LOCAL_DATE}))?\s*(?P<agency>{_AGENCY})?\s*{_SEP}(?:\s+|$)"
)
# "КИЕВ, 18 ноя — РИА Новости." (the agency after the dash, closed by a full stop)
_PLACE_DATE_DASH_AGENCY = re.compile(
    rf"^(?P<place>{_CAPS_PLACE}),\s*{_LOCAL_DATE}\s*[-–—]\s*[^\W\d_][^\W\d_ .]*(?:\s[^\W\d_]+){{0,3}}\.(?:\s+|$)"
    rf"|^(?P<place2>{_CAPS_PLACE}),\s*{_LOCAL_DATE}\.?\s*/[^/\n]{{2,20}}/\.?(?:\s+|$)"
)
# "(ANSA) - ROMA, 18 NOV -"
_AGENCY_FIRST = re.compile(
    rf"^\(\s*[A-Za-z][\w .&/'-]{{0,20}}\)\s*[-–—]\s*(?P<place>{_CAPS_PLACE})(?:,\s*{_LOCAL_DATE})?\s*{_SEP}(?:\s+|$)"
)
_CJK_AGENCIES = (
    "新华社|新華社|新华网|中新社|中新网|中国新闻网|人民网|央视网|央视新闻|光明网|澎湃新闻|环球网|中央社"
)
# "【新华社北京11月18日电】", "新华社北京11月18日电（记者 王伟）", "中新网上海11月18日电 (记者 李明)"
_CJK_WIRE = re.compile(
    rf"^[【\[［]?\s*(?:{_CJK_AGENCIES})\s*(?P<place>[\u4e00-\u9fff]{{2,8}}?)\s*"
    r"(?:[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日)?\s*[电電讯訊]\s*"
    r"(?:[（(]\s*(?:记者|記者)[^）)\n]{1,40}[）)])?\s*[】\]］]?\s*"
)
# "【ワシントン=共同】", "［東京 18日 ロイター］ -", "[北京 18日 ロイター]"
_JA_WIRE = re.compile(
    r"^[【\[［]\s*(?P<place>[^\s=＝】\]［［\d０-９]{1,12})\s*"
    r"(?:[=＝]\s*[^】\]］\s]{1,12}|[0-9０-９]{1,2}\s*日\s+[^】\]］\s]{1,12})\s*[】\]］]\s*(?:[-–—]\s*)?"
)


def split_local_dateline(line: str) -> tuple[str | None, str]:
    """(place, rest of the line) when the line opens with a localised or wire-format dateline, else
    (None, line)."""
    first = line[:1]
    if first in "【[［" or "\u4e00" <= first <= "\u9fff":
        for pattern in (_CJK_WIRE, _JA_WIRE):
            m = pattern.match(line)
            if m is not None:
                return m["place"], line[m.end() :].strip()
        return None, line
    if first == "(":
        m = _AGENCY_FIRST.match(line)
    else:
        m = _PLACE_DATE_DASH_AGENCY.match(line)
        if m is None:
            m = _PLACE_DATE_AGENCY.match(line)
            if m is not None and not (m["date"] or m["agency"]):
                m = None  # a bare "PLACE -" is the English pattern's to judge
    place = None if m is None else (m.groupdict().get("place") or m.groupdict().get("place2"))
    if m is None or not place or not place.isupper() or len(place) > 50:
        return None, line
    return place, line[m.end() :].strip()


#: Byline prefixes in the supported languages: a word followed by a space, or a label with a colon.
LOCAL_BY_PREFIX = re.compile(
    r"^(?:(?:von|par|por|di)\s+(?=[^\W\d_])"
    r"|(?:автор(?:ы|и|ка)?|текст|фото\s+и\s+текст|autor(?:in|es|a)?|auteur|autore)\s*[:：—–-]\s*"
    r"|(?:记者|記者|作者|撰文|文)\s*[:：/／|]?\s*)",
    re.IGNORECASE,
)
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{1,3})?")


def cjk_names(rest: str) -> str | None:
    """ "王伟" / "王伟 李明" / "山田 太郎" / "王伟、李明": CJK personal names (2-4 characters each), joined with
    ", "; None when ``rest`` is anything else."""
    rest = rest.strip(" \t　")
    if not rest or len(rest) > 30:
        return None
    parts = [p for p in re.split(r"[、，,]\s*|\s{2,}|　", rest) if p]
    if len(parts) == 1 and " " in parts[0] and not _CJK_NAME.fullmatch(parts[0]):
        parts = parts[0].split()
    if not parts or not all(_CJK_NAME.fullmatch(p) for p in parts):
        return None
    return ", ".join(parts)
