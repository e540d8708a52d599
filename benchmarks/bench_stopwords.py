"""Stop-word lists shipped as wheels (issue #16): size, core function-word recall and corpus coverage.

    python benchmarks/bench_stopwords.py --data ../shared/data/multilingual

Needs ``pip install stopwordsiso stop-words`` beside it (neither is a project dependency).
- core recall: share of ~25 hand-picked function words per language (articles, prepositions, conjunctions,
  pronouns, auxiliaries; particles for ja/zh) found in the list;
- top-40 coverage: share of the 40 most frequent tokens of real news text in the list (WMT de/ru/uk sources,
  fr reference translations; tokens from a plain letters-only regex, lower-cased), and the top tokens missed;
- suspicious entries: news content words that a list would drop from topic keywords.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

CORE = {
    "de": "der die das und in zu den von mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach wird bei",
    "fr": "le la les de des du et en un une est que qui dans pour pas sur au avec il elle ce se par plus ont été aux",
    "es": "el la los las de del y en un una que por con para se es al lo su como más pero sus le ha fue",
    "it": "il la le di del della e in un una che per con non si è al alla dei da sono ha anche gli nel",
    "pt": "o a os as de do da dos das e em no na um uma que para com não por se é ao mais foi pela",
    "ru": "и в не на что с по он как это к из а но о его за от для то же было у бы так она",
    "uk": "і в не на що з у до як це та за від його а але для по про вже бути ж й ми",
    "zh": "的 了 在 是 和 也 有 就 不 都 与 及 对 而 被 将 这 个 中 于 我们 他们 一个 已经 没有",
    "ja": "の に は を た が で て と し れ さ も な い から まで など こと これ それ です ます ある する いる",
}
# words news topics are made of: a list containing them removes them from keywords
CONTENT = {
    "de": "jahr jahre prozent regierung millionen deutschland euro zeit menschen land stadt gut neue",
    "fr": "ans année gouvernement millions france euros pays ville président police premier nouveau",
    "es": "año años gobierno millones españa euros país ciudad presidente policía nuevo primer",
    "it": "anno anni governo milioni italia euro paese città presidente polizia nuovo primo",
    "pt": "ano anos governo milhões brasil euros país cidade presidente polícia novo primeiro",
    "ru": "год года правительство млн россия рублей страны города президент полиция новый первый",
    "uk": "рік року уряд млн україна гривень країни міста президент поліція новий перший",
    "zh": "年 月 日 中国 政府 公司 经济 国家 发展 工作 问题 时间",
    "ja": "年 月 日 日本 政府 会社 経済 首相 東京 時間 問題 発表",
}
TOKEN = re.compile(r"[^\W\d_]+")


def lists() -> dict[str, dict[str, set[str]]]:
    out: dict[str, dict[str, set[str]]] = {}
    try:
        import stopwordsiso

        out["stopwordsiso"] = {
            lang: set(stopwordsiso.stopwords(lang)) for lang in CORE if stopwordsiso.has_lang(lang)
        }
    except ImportError:
        pass
    try:
        from stop_words import get_stop_words

        out["stop-words"] = {lang: set(get_stop_words(lang)) for lang in CORE}
    except ImportError:
        pass
    return out


def corpus_tokens(data: Path) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for lang in ("de", "ru", "uk"):
        path = data / f"wmt_news_{lang}.jsonl"
        if path.exists():
            c: Counter[str] = Counter()
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                c.update(TOKEN.findall(f"{rec['title']} {rec['text']}".lower()))
            counts[lang] = c
    path = data / "wmt_news_de.jsonl"
    if path.exists():
        c = Counter()
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            c.update(TOKEN.findall(f"{rec['ref_title']} {rec['ref_text']}".lower().replace("’", "'")))
        counts["fr"] = c
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    corpora = corpus_tokens(args.data) if args.data else {}
    for name, per_lang in lists().items():
        print(f"\n## {name}")
        print(
            f"{'lang':<5}{'size':>6}{'core':>7}{'top40':>7}  missed core / missed top-40 / content words in list"
        )
        for lang in CORE:
            words = per_lang.get(lang)
            if words is None:
                print(f"{lang:<5}  (no list)")
                continue
            core = CORE[lang].split()
            missed_core = [w for w in core if w not in words]
            top = "    -"
            missed_top: list[str] = []
            if lang in corpora:
                top_words = [w for w, _ in corpora[lang].most_common(40)]
                missed_top = [w for w in top_words if w not in words]
                top = f"{1 - len(missed_top) / 40:7.3f}"
            content = [w for w in CONTENT[lang].split() if w in words]
            print(
                f"{lang:<5}{len(words):>6}{1 - len(missed_core) / len(core):7.3f}{top}  "
                f"{' '.join(missed_core) or '-'} / {' '.join(missed_top) or '-'} / {' '.join(content) or '-'}"
            )


if __name__ == "__main__":
    main()
