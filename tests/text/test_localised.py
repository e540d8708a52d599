"""Dates, datelines, bylines and boilerplate written in other languages (issue 16): hand-computed answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdedup.errors import ConfigError
from newsdedup.params import ParseConfig
from newsdedup.text.boilerplate import classify_line
from newsdedup.text.dates import looks_like_timestamp, parse_timestamp
from newsdedup.text.header import author_from_line, split_dateline
from newsdedup.text.locale_dates import parse_with_dateparser
from newsdedup.text.parse import parse_raw, parse_record

DATA = Path(__file__).parent / "data" / "localised"


def _utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# (text, default_tz, expected UTC instant, zone assumed)
LOCAL_TIMESTAMPS: list[tuple[str, str, datetime | None, bool]] = [
    ("18. November 2024, 14:55 MEZ", "UTC", _utc(2024, 11, 18, 13, 55), False),
    ("18. Juli 2024, 14:55 MESZ", "UTC", _utc(2024, 7, 18, 12, 55), False),
    ("Montag, 18. November 2024, 14:55 Uhr", "UTC", _utc(2024, 11, 18, 13, 55), True),  # German: CET
    ("18.11.2024, 14:55 Uhr", "Europe/Berlin", _utc(2024, 11, 18, 13, 55), True),
    ("Veröffentlicht am 18. November 2024 um 14:55 Uhr", "UTC", _utc(2024, 11, 18, 13, 55), True),
    ("18 ноября 2024, 14:55 МСК", "UTC", _utc(2024, 11, 18, 11, 55), False),
    ("18 ноября 2024 г., 14:55", "UTC", _utc(2024, 11, 18, 11, 55), True),  # Russian: Moscow
    ("Опубликовано: 18 ноя 2024, 14:55", "UTC", _utc(2024, 11, 18, 11, 55), True),
    ("18 листопада 2024, 14:55", "UTC", _utc(2024, 11, 18, 12, 55), True),  # Ukrainian: Kyiv
    ("2024年11月18日 14時55分 JST", "UTC", _utc(2024, 11, 18, 5, 55), False),
    ("2024年11月18日 午後2時55分", "UTC", _utc(2024, 11, 18, 5, 55), True),  # Japanese: Tokyo
    ("2024年11月18日 14:55 北京时间", "UTC", _utc(2024, 11, 18, 6, 55), False),
    ("发布时间：2024年11月18日14时55分", "UTC", _utc(2024, 11, 18, 6, 55), True),  # simplified: Shanghai
    ("2024年11月18日 下午2:55", "UTC", _utc(2024, 11, 18, 6, 55), True),
    ("２０２４年１１月１８日 １４：５５ JST", "UTC", _utc(2024, 11, 18, 5, 55), False),  # full-width digits
    ("2024-11-18 14:55 北京时间", "UTC", _utc(2024, 11, 18, 6, 55), False),
    ("2024年11月18日 14:55 CST", "UTC", _utc(2024, 11, 18, 6, 55), False),  # CST in Chinese: China
    ("2024년 11월 18일 14:55 KST", "UTC", _utc(2024, 11, 18, 5, 55), False),
    ("le 18 novembre 2024 à 14h55", "UTC", _utc(2024, 11, 18, 13, 55), True),
    ("lundi 1er juillet 2024 à 8h05 (heure de Paris)", "UTC", _utc(2024, 7, 1, 6, 5), False),
    ("18 de noviembre de 2024, 14:55 CET", "UTC", _utc(2024, 11, 18, 13, 55), False),
    ("18 de noviembre de 2024, 14:55", "Europe/Madrid", _utc(2024, 11, 18, 13, 55), True),  # es: default_tz
    ("18 novembre 2024 ore 14:55", "UTC", _utc(2024, 11, 18, 13, 55), True),
    ("18 de novembro de 2024 às 14h55", "America/Sao_Paulo", _utc(2024, 11, 18, 17, 55), True),
    ("18 de novembro de 2024 às 14:55 BRT", "UTC", _utc(2024, 11, 18, 17, 55), False),
    ("18 Nov. 2024 14:55", "UTC", _utc(2024, 11, 18, 14, 55), True),
    ("32 ноября 2024", "UTC", None, False),
    ("heute, 14:55 Uhr", "UTC", None, False),  # relative words: no reference time, no date
]


@pytest.mark.parametrize(("text", "tz", "expected", "assumed"), LOCAL_TIMESTAMPS)
def test_localised_timestamps(text: str, tz: str, expected: datetime | None, assumed: bool) -> None:
    assert parse_timestamp(text, tz) == (expected, assumed)


@pytest.mark.parametrize(
    "line",
    ["Montag, 18. November 2024, 14:55 Uhr", "18 ноября 2024, 14:55 МСК", "发布时间：2024年11月18日 14:55",
     "le 18 novembre 2024 à 14h55", "18 de noviembre de 2024, 14:55 CET", "2024年11月18日 14時55分 JST"],
)  # fmt: skip
def test_localised_lines_look_like_timestamps(line: str) -> None:
    assert looks_like_timestamp(line)


@pytest.mark.parametrize(
    "line",
    ["Die Regierung hat am 18. November 2024 beschlossen, das Gesetz zu ändern",
     "Президент подписал указ 18 ноября 2024 года о новых мерах",
     "国务院总理在2024年11月18日主持召开国务院常务会议部署经济工作"],
)  # fmt: skip
def test_sentences_with_dates_are_not_timestamps(line: str) -> None:
    assert not looks_like_timestamp(line)


# (text, dayfirst, expected): a US zone says month first; otherwise the setting; an impossible order never wins
NUMERIC_ORDER: list[tuple[str, bool, datetime]] = [
    ("11/05/2024 2:30 PM EST", True, _utc(2024, 11, 5, 19, 30)),
    ("11/05/2024 2:30 PM PT", True, _utc(2024, 11, 5, 22, 30)),
    ("11/05/2024 14:30 GMT", True, _utc(2024, 5, 11, 14, 30)),
    ("11/05/2024 14:30 GMT", False, _utc(2024, 11, 5, 14, 30)),
    ("11/05/2024 14:30 CET", False, _utc(2024, 11, 5, 13, 30)),
    ("25/05/2024 14:30 EST", True, _utc(2024, 5, 25, 19, 30)),  # month first impossible
    ("05/25/2024 14:30 GMT", True, _utc(2024, 5, 25, 14, 30)),  # day first impossible
]


@pytest.mark.parametrize(("text", "dayfirst", "expected"), NUMERIC_ORDER)
def test_numeric_order_follows_zone_then_setting(text: str, dayfirst: bool, expected: datetime) -> None:
    assert parse_timestamp(text, dayfirst=dayfirst)[0] == expected


def test_dayfirst_reaches_raw_and_record_parsers() -> None:
    raw = "Headline of the story\nBy John Smith\n05/06/2024 10:00 GMT\n\nThe body of the story starts here."
    assert parse_raw(raw).published_at == _utc(2024, 6, 5, 10)
    assert parse_raw(raw, dayfirst=False).published_at == _utc(2024, 5, 6, 10)
    rec = parse_record(title="T", body="B", published="05/06/2024 10:00 GMT", dayfirst=False)
    assert rec.published_at == _utc(2024, 5, 6, 10)


def test_dayfirst_setting_is_validated() -> None:
    assert ParseConfig(dayfirst=False).dayfirst is False
    with pytest.raises(ConfigError, match="dayfirst must be true or false"):
        ParseConfig(dayfirst="yes")  # type: ignore[arg-type]


def test_dateparser_fallback_reads_what_the_tables_do_not() -> None:
    # month first in Spanish ("noviembre 18 de 2024") is not in our tables: dateparser reads it
    assert parse_timestamp("noviembre 18 de 2024, 14:55", "Europe/Madrid") == (
        _utc(2024, 11, 18, 13, 55),
        True,
    )
    assert parse_with_dateparser("18 ноя 2024 14:55 МСК", UTC) == (_utc(2024, 11, 18, 11, 55), False)
    assert parse_with_dateparser("вчера в 14:55", UTC) == (None, False)  # relative: never against the clock
    # the fallback follows the numeric-order rule of the tables
    assert parse_with_dateparser("11/05/2024 2:30 PM EST", UTC)[0] == _utc(2024, 11, 5, 19, 30)
    assert parse_with_dateparser("11/05/2024 14:30", UTC, dayfirst=False)[0] == _utc(2024, 11, 5, 14, 30)
    assert parse_with_dateparser("11/05/2024 14:30", UTC)[0] == _utc(2024, 5, 11, 14, 30)


DATELINES: list[tuple[str, str | None, str]] = [
    ("МОСКВА, 18 ноября (РИА Новости) - Президент заявил.", "МОСКВА", "Президент заявил."),
    ("МОСКВА, 18 ноября. /ТАСС/. Выставка открылась.", "МОСКВА", "Выставка открылась."),
    ("КИЕВ, 18 ноя — РИА Новости. Власти заявили.", "КИЕВ", "Власти заявили."),
    ("(ANSA) - ROMA, 18 NOV - Il governo ha approvato.", "ROMA", "Il governo ha approvato."),
    ("【新华社北京11月18日电】世界卫生组织发布报告。", "北京", "世界卫生组织发布报告。"),
    ("新华社北京11月18日电（记者 王伟）世界卫生组织发布报告。", "北京", "世界卫生组织发布报告。"),
    ("【ワシントン=共同】米政府は発表した。", "ワシントン", "米政府は発表した。"),
    ("［東京 18日 ロイター］ - 日経平均は反発した。", "東京", "日経平均は反発した。"),
    ("BERLIN (dpa) - Die Regierung hat.", "BERLIN", "Die Regierung hat."),
    ("Berlin (dpa) - Die Regierung hat.", "Berlin", "Die Regierung hat."),
    ("PARIS (AFP) - Le gouvernement a.", "PARIS", "Le gouvernement a."),
    ("MADRID, 18 Nov. (EUROPA PRESS) - El Gobierno ha.", "MADRID", "El Gobierno ha."),
    ("Москва, 18 ноября. Президент заявил.", None, "Москва, 18 ноября. Президент заявил."),
    ("(Reuters) said the minister - and left.", None, "(Reuters) said the minister - and left."),
]


@pytest.mark.parametrize(("line", "place", "rest"), DATELINES)
def test_localised_datelines(line: str, place: str | None, rest: str) -> None:
    assert split_dateline(line) == (place, rest)


BYLINES: list[tuple[str, str | None]] = [
    ("Von Anna Schmidt", "Anna Schmidt"),
    ("Von Anna Schmidt, dpa", "Anna Schmidt"),
    ("Par Jean Dupont", "Jean Dupont"),
    ("Por María López", "María López"),
    ("Di Mario Rossi", "Mario Rossi"),
    ("Автор: Иван Петров", "Иван Петров"),
    ("记者 王伟", "王伟"),
    ("記者 山田太郎", "山田太郎"),
    ("作者：李明、王伟", "李明, 王伟"),
    ("Von Miller", "Von Miller"),  # a one-word rest is no name: the line is read as a bare name
    ("Par exemple, le gouvernement a décidé de", None),
]


@pytest.mark.parametrize(("line", "author"), BYLINES)
def test_localised_bylines(line: str, author: str | None) -> None:
    assert author_from_line(line, "Some headline of the article")[0] == author


def test_record_author_prefix_goes_only_before_a_name() -> None:
    assert parse_record(title="T", body="B", author="Von Anna Schmidt").author == "Anna Schmidt"
    assert parse_record(title="T", body="B", author="Von Miller").author == "Von Miller"


BOILERPLATE: list[tuple[str, str | None]] = [
    ("Artikel teilen", "share"), ("Folgen Sie uns auf Facebook", "share"), ("Alle Rechte vorbehalten.", "copyright"),
    ("Lesen Sie auch: Die Bahn streikt", "related"), ("Anzeige", "advertisement"), ("Foto: dpa", "image"),
    ("Partager sur Facebook", "share"), ("Lire aussi : Le budget", "related"), ("Tous droits réservés", "copyright"),
    ("Abonnez-vous à notre newsletter", "subscribe"), ("Compartir en Facebook Twitter", "share"),
    ("Lee también: El Gobierno", "related"), ("Todos los derechos reservados", "copyright"),
    ("Suscríbete a nuestro boletín", "subscribe"), ("Leggi anche: Il governo", "related"),
    ("© RIPRODUZIONE RISERVATA", "copyright"), ("Leia também: O governo", "related"), ("Compartilhe", "share"),
    ("Поделиться", "share"), ("Читайте также: Путин", "related"), ("Все права защищены", "copyright"),
    ("Подписывайтесь на нас в Telegram", "share"), ("Поділитися", "share"), ("Читайте також: Київ", "related"),
    ("分享到：微信 微博", "share"), ("相关阅读：国务院常务会议", "related"), ("版权所有 新华网", "copyright"),
    ("责任编辑：张三", "credit"), ("関連記事：首相が会見", "related"), ("無断転載を禁じます", "copyright"),
    ("Teilen Sie Ihre Meinung mit uns, sagte er.", None), ("编辑部认为这个问题需要讨论。", None),
    ("Themen der Woche sind klar und wichtig", None), ("Abbonati al nostro giornale per sostenere", "subscribe"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "kind"), BOILERPLATE)
def test_localised_boilerplate(line: str, kind: str | None) -> None:
    assert classify_line(line) == kind


EXPECTED: dict[str, dict[str, str | None]] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_localised_raw_articles(name: str) -> None:
    """Hand-written raw articles in the seed's layout: the UTC instant, byline, dateline and a body without
    them or the footer boilerplate."""
    want = EXPECTED[name]
    article = parse_raw((DATA / name).read_text(encoding="utf-8"))
    assert article.published_at is not None
    assert article.published_at.isoformat() == want["published_at"]
    assert article.author == want["author"]
    assert article.location == want["location"]
    assert article.body.startswith(str(want["body_start"]))
    assert article.body.endswith(str(want["body_end"]))
    for line in article.removed_lines:
        assert line not in article.body
