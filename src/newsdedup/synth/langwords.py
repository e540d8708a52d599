"""Word lists of the multilingual mode (written for this project): per language, function words, content
words (news vocabulary, most frequent first) and names. Chinese and Japanese words are listed with spaces
between them here and written without spaces."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DENSE", "WORDS", "LangWords"]


@dataclass(frozen=True)
class LangWords:
    function: tuple[str, ...]
    content: tuple[str, ...]
    names: tuple[str, ...]


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Languages written without spaces between words.
DENSE = frozenset({"zh", "ja"})

WORDS: dict[str, LangWords] = {
    "de": LangWords(
        _w(
            "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an "
            "werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war "
            "haben nur oder aber vor zur bis mehr durch man sein wurde sei"
        ),
        _w(
            "Regierung Stadt Jahr Prozent Millionen Euro Land Menschen Polizei Bericht Minister Kanzler Gesetz "
            "Unternehmen Markt Preise Wahl Partei Bundestag Gericht Urteil Schule Kinder Eltern Woche Monat "
            "Zukunft Projekt Plan Kosten Haushalt Steuern Energie Strom Gas Wasser Klima Wetter Sturm Regen "
            "Verkehr Bahn Straße Flughafen Unfall Feuerwehr Einsatz Krankenhaus Ärzte Patienten Forschung "
            "Studie Ergebnis Zahl Anteil Anstieg Rückgang Entscheidung Debatte Kritik Vorschlag Antrag "
            "Mehrheit Opposition Bürgermeister Rathaus Gemeinde Bürger Anwohner Mitarbeiter Gewerkschaft "
            "Streik Lohn Arbeit Wirtschaft Export Industrie Handel Bank Zinsen Inflation Wohnung Miete Bau "
            "Brücke Hafen Verein Spiel Trainer Mannschaft Saison Sieg Niederlage Tor Polizisten Ermittlungen "
            "beschlossen angekündigt erklärt gefordert gestiegen gesunken geplant eröffnet kritisiert "
            "bestätigt neue hohe große wichtige öffentliche deutliche weitere erste letzte schwierige"
        ),
        _w(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz Koch Richter Klein Wolf"
        ),
    ),
    "fr": LangWords(
        _w(
            "le la les de des du et en un une à dans pour qui que sur par au aux avec ne pas plus ce cette "
            "il elle ils sont est a été ont se son sa ses leur mais ou comme aussi très après avant selon"
        ),
        _w(
            "gouvernement ville année pourcentage millions euros pays habitants police rapport ministre "
            "président loi entreprise marché prix élection parti assemblée tribunal jugement école enfants "
            "parents semaine mois avenir projet plan coût budget impôts énergie électricité gaz eau climat "
            "météo tempête pluie circulation train route aéroport accident pompiers intervention hôpital "
            "médecins patients recherche étude résultat chiffre part hausse baisse décision débat critique "
            "proposition majorité opposition maire mairie commune citoyens riverains salariés syndicat grève "
            "salaire travail économie exportations industrie commerce banque taux inflation logement loyer "
            "chantier pont port club match entraîneur équipe saison victoire défaite but enquête "
            "annoncé adopté expliqué demandé augmenté diminué prévu ouvert critiqué confirmé nouvelle "
            "grande importante publique nette nouvelle première dernière difficile"
        ),
        _w(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel"
        ),
    ),
    "es": LangWords(
        _w(
            "el la los las de del y en un una a por para con que se no su sus al es son fue ha han más "
            "como pero o este esta entre sobre también muy tras según desde hasta cuando"
        ),
        _w(
            "gobierno ciudad año por ciento millones euros país vecinos policía informe ministro presidente "
            "ley empresa mercado precios elecciones partido congreso tribunal sentencia escuela niños padres "
            "semana mes futuro proyecto plan coste presupuesto impuestos energía electricidad gas agua clima "
            "tiempo tormenta lluvia tráfico tren carretera aeropuerto accidente bomberos hospital médicos "
            "pacientes investigación estudio resultado cifra parte subida bajada decisión debate críticas "
            "propuesta mayoría oposición alcalde ayuntamiento municipio ciudadanos trabajadores sindicato "
            "huelga salario trabajo economía exportaciones industria comercio banco tipos inflación vivienda "
            "alquiler obras puente puerto club partido entrenador equipo temporada victoria derrota gol "
            "anunció aprobó explicó pidió aumentó bajó previsto abrió criticó confirmó nueva grande importante "
            "pública clara primera última difícil"
        ),
        _w("García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Díaz"),
    ),
    "ru": LangWords(
        _w(
            "и в не на что с по как к из у за от о это для до же но его её их они она он было были "
            "также уже при после более так или ещё который которые этого этом"
        ),
        _w(
            "правительство город год процентов миллионов рублей страна жители полиция доклад министр "
            "президент закон компания рынок цены выборы партия дума суд решение школа дети родители неделя "
            "месяц будущее проект план стоимость бюджет налоги энергия электричество газ вода климат погода "
            "буря дождь движение поезд дорога аэропорт авария спасатели больница врачи пациенты исследование "
            "результат число доля рост снижение обсуждение критика предложение большинство оппозиция мэр "
            "администрация горожане сотрудники профсоюз забастовка зарплата работа экономика экспорт "
            "промышленность торговля банк ставка инфляция жильё аренда строительство мост порт клуб матч "
            "тренер команда сезон победа поражение гол расследование объявил одобрил заявил потребовал вырос "
            "снизился планирует открыл раскритиковал подтвердил новый большой важный общественный первый "
            "последний сложный"
        ),
        _w("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков"),
    ),
    "zh": LangWords(
        _w("的 了 在 是 和 也 将 对 与 为 从 到 被 等 并 已 中 上 这 该 其 而 及 就 都 但"),
        _w(
            "政府 城市 今年 百分之 万元 国家 居民 警方 报告 部长 主席 法律 公司 市场 价格 选举 会议 法院 "
            "判决 学校 儿童 家长 本周 本月 未来 项目 计划 成本 预算 税收 能源 电力 天然气 用水 气候 天气 "
            "暴雨 交通 铁路 公路 机场 事故 消防 医院 医生 患者 研究 结果 数据 比例 增长 下降 决定 讨论 "
            "批评 建议 多数 代表 市长 市政府 社区 市民 员工 工会 工资 工作 经济 出口 工业 贸易 银行 利率 "
            "通胀 住房 租金 施工 大桥 港口 俱乐部 比赛 教练 球队 赛季 胜利 调查 宣布 批准 表示 要求 "
            "增加 减少 开通 完成 确认 新的 重要 公共 明显 首次 最后 困难 发展 改革 安全 服务 企业 投资"
        ),
        _w("王伟 李娜 张强 刘洋 陈静 杨军 赵磊 黄敏 周涛 吴芳 徐明 孙丽"),
    ),
    "ja": LangWords(
        _w("の に は を が で と も から まで へ や より など として について による ため こと"),
        _w(
            "政府 市 今年 パーセント 万円 国 住民 警察 報告書 大臣 首相 法律 会社 市場 価格 選挙 政党 国会 "
            "裁判所 判決 学校 子ども 保護者 今週 今月 将来 計画 費用 予算 税金 エネルギー 電力 ガス 水道 "
            "気候 天気 大雨 交通 鉄道 道路 空港 事故 消防 病院 医師 患者 研究 結果 数字 割合 増加 減少 "
            "決定 議論 批判 提案 多数 野党 市長 市役所 地域 市民 社員 労働組合 賃金 仕事 経済 輸出 産業 "
            "貿易 銀行 金利 物価 住宅 家賃 工事 橋 港 チーム 試合 監督 選手 シーズン 勝利 調査 発表した "
            "承認した 述べた 求めた 増えた 減った 予定 開業 確認した 新しい 重要な 公共 大きな 初めて "
            "最後 難しい 安全 サービス 企業 投資"
        ),
        _w("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田"),
    ),
}
