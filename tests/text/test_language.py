"""Language identification rules (text/language.py) with a stub model: scripts, English, und, code mapping."""

from __future__ import annotations

import pytest

from newsdedup.text.language import (
    UNDETERMINED,
    dense_script_share,
    identify_language,
    iso639_1,
    script_language,
)


class Stub:
    """A model that answers a fixed code and score and counts its calls."""

    def __init__(self, code: str, score: float) -> None:
        self.code, self.score, self.calls = code, score, 0

    def __call__(self, text: str) -> tuple[str, float]:
        self.calls += 1
        return self.code, self.score


ZH = "国家统计局十一月十八日发布数据显示，十月份国民经济延续恢复向好态势，主要指标总体平稳。"
JA = "東京都は十八日、新型コロナウイルスの感染者が新たに確認されたと発表した。"
KO = "서울시는 18일 새로운 버스 노선을 다음 달부터 운행한다고 밝혔다 시민들의 반응이 좋다"
TH = "กรุงเทพมหานครประกาศเปิดเส้นทางรถไฟฟ้าสายใหม่ในเดือนหน้าเพื่อแก้ปัญหาการจราจร"
EN = "The council said on Tuesday that it would raise the toll on the bridge from January."


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (JA, "ja"), (KO, "ko"), (TH, "th"), (EN, "en")])
def test_scripts_and_english_are_decided_without_the_model(text: str, lang: str) -> None:
    model = Stub("de", 0.99)
    assert identify_language(text, model) == lang
    assert model.calls == 0


def test_other_languages_go_to_the_model_and_low_scores_are_und() -> None:
    text = "Der Stadtrat hat am Donnerstag den Bau einer neuen Straßenbahnlinie beschlossen."
    assert identify_language(text, Stub("de", 0.9)) == "de"
    assert identify_language(text, Stub("de", 0.3)) == UNDETERMINED
    assert identify_language(text, None) == UNDETERMINED


@pytest.mark.parametrize("text", ["", "12.11.2024 14:55", "AAPL +2.3% NVDA -1.1%", "© 2024", "NATO EU USA"])
def test_too_few_letters_is_und(text: str) -> None:
    model = Stub("en", 1.0)
    assert identify_language(text, model) == UNDETERMINED
    assert model.calls == 0


def test_english_words_in_another_script_do_not_make_english() -> None:
    text = (
        "Газета The Wall Street Journal сообщает, что власти города создают отряды для патрулирования улиц."
    )
    assert identify_language(text, Stub("ru", 0.9)) == "ru"


def test_only_the_first_500_characters_are_read() -> None:
    model = Stub("de", 0.9)
    assert identify_language("Guten Morgen und willkommen zurück. " * 15 + ZH * 20, model) == "de"


@pytest.mark.parametrize(
    ("code", "iso"),
    [
        ("__label__de", "de"),
        ("zh-Hant", "zh"),
        ("yue", "zh"),
        ("wuu", "zh"),
        ("arz", "ar"),
        ("ceb", "und"),
        ("", "und"),
        (None, "und"),
        ("pt_BR", "pt"),
    ],
)
def test_model_codes_map_to_iso639_1(code: str | None, iso: str) -> None:
    assert iso639_1(code) == iso


def test_han_with_kana_is_japanese_and_dense_share() -> None:
    assert script_language(JA, len(JA)) == "ja"
    assert script_language(ZH, len(ZH)) == "zh"
    assert script_language(EN, len(EN)) is None
    assert dense_script_share(EN) == 0.0
    assert dense_script_share(ZH) > 0.8
    assert 0.2 < dense_script_share("Apple 公司 发布 新款 iPhone 手机") < 0.8


def test_few_english_function_words_and_no_foreign_ones_is_english() -> None:
    prose = (
        "Currency earned avoids winning patients health the ordered publish his spend defences of treaty "
        "patients state continue devices introduce spend plan similar allows young announcements year missed"
    )
    model = Stub("fr", 0.9)
    assert identify_language(prose, model) == "en" and model.calls == 0
    mixed = "Die Regierung der Stadt hat the plan für den Hafen mit großer Mehrheit beschlossen und gefeiert"
    assert identify_language(mixed, Stub("de", 0.9)) == "de"
