"""Character n-gram shingles for Chinese and Japanese near-duplicates (issue #16): which n separates copies.

    PYTHONPATH=src python benchmarks/bench_cjk_shingles.py [--data ../shared/data/multilingual] [--copies 20]

Hand-written zh and ja news articles (~600 characters, written for this project) and:
- near copies: one hand-edited copy per article (words replaced, a clause dropped, a byline added), and
  ``--copies`` seeded machine-edited copies at 5% and at 10% of characters changed (as difflib counts), made of
  the edits copy desks make: a 2-4 character word swapped, a short clause dropped, a stock phrase or byline
  inserted, a figure changed;
- rewrites: the same event told by another outlet (zh_a/zh_a_rw, ja_a/ja_a_rw), which must not be merged;
- distinct stories: every pair of different hand-written articles, and (with ``--data``) every pair of the 65
  Japanese WMT reference translations (real news, shared/data/multilingual).
Texts go through the project's ``normalize_for_matching``; shingles are character n-grams of the normalised
text (spaces included, as ``shingle="char"``) for n = 2..5, and whitespace word 5-grams (the default) for
comparison. Prints Jaccard and containment: min / 5th percentile / median of near copies, values of
rewrites, max / 99th percentile of distinct pairs, against the defaults threshold 0.5, containment 0.8.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import random
import statistics
from pathlib import Path

from newsdedup.text.normalize import normalize_for_matching

ARTICLES: dict[str, str] = {
    "zh_a": (
        "国家统计局11月18日发布数据显示，10月份国民经济延续恢复向好态势，主要指标总体平稳。数据显示，10月份全国规模以上工业增加值同比增长5.3%，"
        "比上月加快0.2个百分点；从环比看，工业增加值比上月增长0.41%。分三大门类看，采矿业增加值同比增长4.6%，制造业增长5.5%，电力、热力、燃气及"
        "水生产和供应业增长3.9%。\n消费方面，10月份社会消费品零售总额达到4.5万亿元，同比增长4.8%，增速为今年以来最高。其中，家用电器和音像器材类"
        "零售额增长39.2%，通讯器材类增长8.9%。国家统计局新闻发言人表示，以旧换新政策效果持续显现，带动相关商品销售明显加快。\n投资方面，1至10月份全国"
        "固定资产投资同比增长3.4%，其中制造业投资增长9.3%，基础设施投资增长4.3%，房地产开发投资下降10.3%。发言人指出，当前外部环境不确定性仍然较多，"
        "国内有效需求仍显不足，经济持续回升向好的基础还需巩固。下阶段，要加大宏观政策逆周期调节力度，扩大国内需求，推动经济实现质的有效提升和量的合理增长。"
        "\n就业形势总体稳定，10月份全国城镇调查失业率为5.0%，比上月下降0.1个百分点。"
    ),
    "zh_a_rw": (
        "据国家统计局周一公布的最新数据，中国10月经济表现好于预期。当月规模以上工业增加值较去年同期上升5.3%，增幅较9月扩大0.2个百分点，其中制造业"
        "增长5.5%，采矿业增长4.6%。\n受家电以旧换新补贴推动，10月社会消费品零售总额同比增长4.8%，创下年内最快增速，家电类商品销售额大增近四成。\n"
        "不过，房地产仍是拖累经济的主要因素。前十个月房地产开发投资同比减少10.3%，全国固定资产投资仅增长3.4%。分析人士认为，尽管一系列刺激措施开始见效，"
        "但内需疲弱的局面尚未根本扭转，明年仍需要更有力的财政政策支持。\n统计局发言人在新闻发布会上承认，外部环境依然复杂严峻，经济回升的基础仍不稳固。"
        "他同时表示，10月城镇调查失业率降至5.0%，就业保持总体稳定。"
    ),
    "zh_b": (
        "中央气象台11月18日继续发布寒潮蓝色预警。受强冷空气影响，18日至21日，我国中东部地区将自北向南先后出现大风降温天气，气温普遍下降8至12摄氏度，"
        "内蒙古中东部、东北地区南部、华北北部等地的部分地区降温幅度可达14摄氏度以上。\n气象专家介绍，此次寒潮过程影响范围广、降温幅度大，并伴有明显的"
        "雨雪天气。预计东北地区东部和内蒙古东北部将出现中到大雪，局地有暴雪，积雪深度可达10厘米以上。华北、黄淮等地最低气温零度线将南压至淮河一带。\n"
        "受大风天气影响，渤海、黄海、东海将先后出现8至9级大风，阵风可达10级。交通运输部门提醒，部分高速公路可能因降雪结冰临时封闭，过往车辆应提前了解"
        "路况信息，减速慢行。\n中央气象台建议，相关地区应做好防寒保暖和设施农业防冻工作，注意防范雨雪冰冻天气对交通运输、电力供应等方面的不利影响。"
        "老人、儿童和患有心脑血管疾病的人群要减少外出，及时增添衣物。北京市气象台预计，北京20日白天最高气温仅有3摄氏度，夜间最低气温将降至零下6摄氏度，"
        "为今年入冬以来最低。"
    ),
    "zh_c": (
        "国内一家大型科技企业18日在深圳宣布，未来三年将投入200亿元，用于人工智能芯片和大模型的研发，并计划在上海、杭州、成都新建三个研发中心，预计新增"
        "研发岗位5000个。\n公司董事长在发布会上表示，人工智能正在进入规模化应用的新阶段，算力已成为核心竞争力。公司将坚持自主研发，力争在两年内推出"
        "性能达到国际先进水平的训练芯片，同时加强与高校和科研院所的合作，联合培养高端人才。\n根据公司公布的三季度财报，报告期内营业收入为856亿元，"
        "同比增长12.6%；净利润为73亿元，同比增长18.2%。其中，云计算业务收入同比增长31%，成为增长最快的板块。研发投入占营业收入的比重达到14.5%，"
        "创历史新高。\n业内人士分析认为，随着美国对高端芯片出口管制不断收紧，国内企业加快自主研发步伐已成为必然选择。不过，芯片研发周期长、投入大、"
        "风险高，企业能否在短期内取得突破仍有待观察。受消息提振，该公司股价当日上涨6.3%，带动半导体板块整体走强，全天成交额超过千亿元。"
    ),
    "zh_d": (
        "记者从当地应急管理部门获悉，11月18日凌晨3时许，一辆载有42名乘客的长途客车在沪昆高速公路湖南邵阳段发生侧翻事故，造成2人死亡、15人受伤，"
        "其中3人伤势较重。事故发生后，当地迅速启动应急预案，公安、消防、医疗等部门立即赶赴现场开展救援。\n据了解，该客车由广州开往贵阳，事发时当地"
        "正在下雨，路面湿滑，能见度较低。目击者称，客车在通过一处弯道时突然失控，撞上护栏后侧翻在应急车道内。消防救援人员经过一个多小时的紧张救援，"
        "将被困人员全部救出。\n目前，受伤人员已被送往附近医院救治，伤情稳定的乘客已由当地政府安排食宿并陆续转运。事故造成该路段双向交通中断近五个小时，"
        "上午8时许恢复通行。\n湖南省交通运输厅随后发出通知，要求各地立即开展道路运输安全隐患排查，重点加强对长途客运车辆和驾驶人的管理，严禁超速、"
        "超员和疲劳驾驶。事故具体原因正在进一步调查中，涉事客运公司负责人已被警方控制。"
    ),
    "ja_a": (
        "政府は18日の臨時閣議で、物価高対策を柱とする新たな総合経済対策を決定した。国と地方の歳出に財政投融資などを加えた事業規模は39兆円程度となり、"
        "このうち国の一般会計からの支出は13兆9000億円程度を見込む。政府は裏付けとなる今年度の補正予算案を編成し、臨時国会に提出する方針だ。\n"
        "対策には、住民税が非課税となっている低所得世帯に対し、1世帯あたり3万円を給付することが盛り込まれた。子育て世帯には子ども1人あたり2万円を"
        "加算する。また、来年1月から3月までの電気・ガス料金の補助を再開するほか、年末までとしていたガソリン価格の抑制策も段階的に縮小しながら継続する。\n"
        "首相は閣議後の記者会見で「賃金の上昇が物価の上昇を上回る経済を実現することが最も重要だ」と強調した。そのうえで、半導体や人工知能の分野に"
        "2030年度までに10兆円以上の公的支援を行う枠組みを新たに設けることも明らかにした。\n一方、野党からは「規模ありきで、本当に必要な人に支援が"
        "届くのか疑問だ」との批判も出ている。専門家の間でも、財政の悪化を懸念する声が根強く、今後の国会審議では財源のあり方が大きな焦点となりそうだ。"
    ),
    "ja_a_rw": (
        "政府は18日、物価高への対応を中心とした経済対策を閣議決定した。財政支出は13兆9000億円程度で、民間の支出なども含めた事業規模は約39兆円に上る。\n"
        "住民税の非課税世帯には1世帯3万円を支給し、子どもがいる世帯には1人2万円を上乗せする。冬場の電気代やガス代の負担を抑えるため、1月から3カ月間は"
        "補助を再び実施する。ガソリン補助金は年明け以降、徐々に縮小する。\n記者会見した首相は「物価上昇を上回る賃上げを定着させたい」と述べ、対策の"
        "早期実行に意欲を示した。AIや半導体産業への大規模な支援策も打ち出した。\nただ、野党は「ばらまきだ」と反発しており、財政規律の緩みを指摘する"
        "エコノミストも少なくない。補正予算案の国会審議では、財源の確保策が論点になる見通しだ。"
    ),
    "ja_b": (
        "気象庁によると、強い台風21号は18日午後3時現在、沖縄県の南大東島の南南西約200キロの海上を1時間に20キロの速さで北へ進んでいる。中心の気圧は"
        "960ヘクトパスカル、中心付近の最大風速は40メートル、最大瞬間風速は60メートルで、中心から半径130キロ以内では風速25メートル以上の暴風となっている。\n"
        "台風は今後、進路を次第に北東に変え、19日夜から20日にかけて九州南部や四国にかなり接近し、上陸するおそれがある。気象庁は、九州南部では19日に"
        "予想される最大風速が35メートルに達し、猛烈なしけとなると見込んでいる。また、台風周辺の暖かく湿った空気の影響で、西日本の太平洋側を中心に雷を"
        "伴った非常に激しい雨が降る見込みで、19日正午までの24時間に予想される雨量は、多いところで九州南部300ミリ、四国250ミリとなっている。\n"
        "気象庁は、暴風や高波、土砂災害、低い土地の浸水、河川の増水や氾濫に厳重に警戒するよう呼びかけている。航空各社は19日に鹿児島空港や宮崎空港を"
        "発着する便を中心に100便以上の欠航を決めたほか、JR九州も一部の在来線で計画運休を実施する予定だ。鹿児島県内の自治体では、18日夕方から避難所を"
        "開設し、早めの避難を呼びかけている。"
    ),
    "ja_c": (
        "トヨタ自動車は18日、北米で計画している電気自動車の生産について、当初の計画を一部見直すと発表した。米国ケンタッキー州の工場で2025年に始める"
        "予定だった新型の多目的スポーツ車の生産開始を、2026年以降に延期する。米国内で電気自動車の販売の伸びが鈍化していることや、充電設備の整備の遅れ"
        "などを踏まえた判断だという。\n一方で、ハイブリッド車の需要は北米で堅調に推移していることから、同工場ではハイブリッド車の生産能力を年間5万台"
        "増強する。また、ノースカロライナ州で建設中の電池工場については、予定どおり来年から稼働させる方針で、投資額を約140億ドルに引き上げる。\n"
        "記者会見した北米事業の責任者は「お客様の選択肢を広げるマルチパスウェイの戦略は変わらない。市場の変化に柔軟に対応していく」と説明した。\n"
        "電気自動車をめぐっては、米国の大手メーカーも相次いで投資計画の縮小や延期を打ち出しており、業界全体で戦略の見直しが進んでいる。市場関係者の"
        "間では、米国の政策の行方が今後の需要を大きく左右するとの見方も出ている。同社の株価は発表後、前日比1.8%高で取引を終えた。"
    ),
}
REWRITES = [("zh_a", "zh_a_rw"), ("ja_a", "ja_a_rw")]
# hand edits (old, new) as a copy desk makes them; "" appends the new text as a byline
HAND_EDITS: dict[str, list[tuple[str, str]]] = {
    "zh_a": [
        ("国家统计局11月18日发布数据显示", "国家统计局18日公布的数据显示"),
        ("主要指标总体平稳", "主要指标保持平稳"),
        ("比上月加快0.2个百分点", "增速较上月加快0.2个百分点"),
        ("增速为今年以来最高", "为年内最高增速"),
        ("国家统计局新闻发言人表示", "统计局发言人说"),
        ("就业形势总体稳定，", ""),
        ("", "（记者 张伟）"),
    ],
    "zh_b": [
        ("中央气象台11月18日继续发布", "中央气象台18日发布"),
        ("气象专家介绍", "专家表示"),
        ("过往车辆应提前了解路况信息，减速慢行。", "司机朋友出行前请关注路况。"),
        ("", "（完）"),
    ],
    "zh_c": [
        ("国内一家大型科技企业18日在深圳宣布", "一家国内科技巨头周一在深圳表示"),
        ("联合培养高端人才", "共同培养人才"),
        ("业内人士分析认为", "有分析人士指出"),
        ("全天成交额超过千亿元。", ""),
        ("", "责任编辑：李娜"),
    ],
    "zh_d": [
        ("记者从当地应急管理部门获悉", "据当地应急管理部门消息"),
        ("造成2人死亡、15人受伤", "事故已造成2死15伤"),
        ("目击者称", "据目击者介绍"),
        ("上午8时许恢复通行。", "目前已恢复通行。"),
        ("", "（新华社记者 王磊）"),
    ],
    "ja_a": [
        ("政府は18日の臨時閣議で", "政府は18日、臨時閣議で"),
        ("このうち国の一般会計からの支出は", "うち国の支出は"),
        ("と強調した", "と述べた"),
        ("専門家の間でも、", "経済学者の間でも、"),
        ("", "（共同）"),
    ],
    "ja_b": [
        ("気象庁によると、", ""),
        ("猛烈なしけとなると見込んでいる", "大しけとなる見込みだ"),
        ("航空各社は", "日本航空と全日空は"),
        ("", "【気象班】"),
    ],
    "ja_c": [
        ("トヨタ自動車は18日、", "トヨタ自動車は18日夕、"),
        ("と説明した", "と話した"),
        ("同社の株価は発表後、前日比1.8%高で取引を終えた。", ""),
        ("", "（ニューヨーク支局）"),
    ],
}
INSERTS = {
    "zh": ["据悉，", "记者了解到，", "（完）", "责任编辑：王明", "另据报道，", "新华社消息，"],
    "ja": ["なお、", "関係者によると、", "（共同）", "【経済部】", "これに先立ち、", "政府関係者は、"],
}


def hand_copy(key: str) -> str:
    text = ARTICLES[key]
    for old, new in HAND_EDITS[key]:
        text = text.replace(old, new, 1) if old else f"{text}\n{new}"
    return text


def changed(a: str, b: str) -> float:
    return 1.0 - difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def machine_copy(key: str, target: float, rng: random.Random) -> str:
    lang = key[:2]
    text = ARTICLES[key]
    donors = "".join(v for k, v in ARTICLES.items() if k[:2] == lang and k != key)
    while changed(ARTICLES[key], text) < target:
        op = rng.choices(["swap", "drop", "insert", "digit"], weights=[5, 2, 2, 1])[0]
        if op == "swap":  # a word replaced by another of the same length
            n = rng.randint(2, 4)
            i, j = rng.randrange(len(text) - n), rng.randrange(len(donors) - n)
            text = text[:i] + donors[j : j + n] + text[i + n :]
        elif op == "drop":  # a short clause (between punctuation) dropped
            cuts = [i for i, ch in enumerate(text) if ch in "，、。,"]
            spans = [(a, b) for a, b in itertools.pairwise(cuts) if 4 <= b - a <= 20]
            if spans:
                a, b = rng.choice(spans)
                text = text[:a] + text[b:]
        elif op == "insert":
            i = rng.choice([i + 1 for i, ch in enumerate(text) if ch in "。\n"] + [len(text)])
            text = text[:i] + rng.choice(INSERTS[lang]) + text[i:]
        else:
            digits = [i for i, ch in enumerate(text) if ch.isdigit()]
            if digits:
                i = rng.choice(digits)
                text = text[:i] + str((int(text[i]) + rng.randint(1, 9)) % 10) + text[i + 1 :]
    return text


def lang_of(text: str) -> str:
    return "ja" if any("\u3040" <= ch <= "\u30ff" for ch in text) else "zh"


def shingles(text: str, kind: str, n: int) -> set[str]:
    norm = normalize_for_matching(text)
    if kind == "word":
        toks = norm.split()
        return {" ".join(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))}
    return {norm[i : i + n] for i in range(max(1, len(norm) - n + 1))}


def sims(a: str, b: str, kind: str, n: int) -> tuple[float, float]:
    sa, sb = shingles(a, kind, n), shingles(b, kind, n)
    inter = len(sa & sb)
    return inter / len(sa | sb), inter / min(len(sa), len(sb))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=20)
    args = ap.parse_args()
    rng = random.Random(16)
    bases = [k for k in ARTICLES if not k.endswith("_rw")]
    near: dict[str, list[tuple[str, str]]] = {"hand": [], "5%": [], "10%": []}
    edit_share: dict[str, list[float]] = {k: [] for k in near}
    for key in bases:
        copy = hand_copy(key)
        near["hand"].append((ARTICLES[key], copy))
        edit_share["hand"].append(changed(ARTICLES[key], copy))
        for label, target in (("5%", 0.05), ("10%", 0.10)):
            for _ in range(args.copies):
                copy = machine_copy(key, target, rng)
                near[label].append((ARTICLES[key], copy))
                edit_share[label].append(changed(ARTICLES[key], copy))
    distinct = {
        "hand": [
            (ARTICLES[a], ARTICLES[b])
            for a, b in itertools.combinations(ARTICLES, 2)
            if a[:2] == b[:2] and (a, b) not in REWRITES
        ]
    }
    if args.data:
        refs = []
        for line in (args.data / "wmt_news_en.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            refs.append(f"{rec['ref_title']}\n{rec['ref_text']}")
        distinct["wmt-ja"] = list(itertools.combinations(refs, 2))
        print(f"wmt-ja: {len(refs)} docs, median {statistics.median(map(len, refs)):.0f} chars")
    print("articles: " + ", ".join(f"{k} {len(v)}" for k, v in ARTICLES.items()) + " characters")
    print(
        "characters changed (difflib): "
        + ", ".join(
            f"{k} median {statistics.median(v):.3f} [{min(v):.3f}-{max(v):.3f}]"
            for k, v in edit_share.items()
        )
    )
    words = [len(normalize_for_matching(ARTICLES[k]).split()) for k in bases]
    print(f"whitespace tokens per article after normalisation: {words}")
    print(
        f"\n{'shingles':<9}{'near: J min/p5/med':>22}{'C min':>7}{'rewrites J (C)':>24}"
        f"{'distinct: J max/p99':>22}{'C max':>7}{'wmt-ja J max (C max)':>22}"
    )
    for kind, n in [("word", 5), ("char", 2), ("char", 3), ("char", 4), ("char", 5)]:
        nj = [sims(a, b, kind, n) for pairs in near.values() for a, b in pairs]
        jn = [j for j, _ in nj]
        rw = [sims(ARTICLES[a], ARTICLES[b], kind, n) for a, b in REWRITES]
        dj = [sims(a, b, kind, n) for a, b in distinct["hand"]]
        line = (
            f"{kind}{n:<5}{min(jn):10.3f}/{pct(jn, 0.05):.3f}/{statistics.median(jn):.3f}"
            f"{min(c for _, c in nj):7.3f}"
            f"  {'  '.join(f'{j:.2f} ({c:.2f})' for j, c in rw):>24}"
            f"{max(j for j, _ in dj):14.3f}/{pct([j for j, _ in dj], 0.99):.3f}{max(c for _, c in dj):7.3f}"
        )
        if "wmt-ja" in distinct:
            wj = [sims(a, b, kind, n) for a, b in distinct["wmt-ja"]]
            line += f"{max(j for j, _ in wj):14.3f} ({max(c for _, c in wj):.3f})"
        print(line)
        per = "  ".join(
            f"{lab} {lang} J min {min(sims(a, b, kind, n)[0] for a, b in pairs if lang_of(a) == lang):.3f}"
            for lab, pairs in near.items()
            for lang in ("zh", "ja")
        )
        print(f"{'':<9}{per}")


if __name__ == "__main__":
    main()
