"""Hand-written news in German, French, Russian, Chinese and Japanese: three stories per language, three
articles per story (different wording, as different outlets would write them), as (title, body) pairs."""

from __future__ import annotations

DE = [
    [
        (
            "Hochwasser in Passau: Donau erreicht Rekordpegel",
            "Die Donau hat in Passau am Dienstag einen Pegel von zwölf Metern erreicht. Die Feuerwehr "
            "evakuierte die Altstadt, und das Technische Hilfswerk baute Sandsäcke entlang des Ufers auf. "
            "Der Bürgermeister sprach von der schwersten Flut seit Jahrzehnten.",
        ),
        (
            "Passauer Altstadt nach Donau-Flut evakuiert",
            "In Passau mussten die Bewohner der Altstadt ihre Häuser verlassen, weil die Donau über die "
            "Ufer trat. Feuerwehr und Hilfswerk stapelten Sandsäcke, der Pegel stieg auf zwölf Meter. "
            "Der Bürgermeister rief den Katastrophenfall aus.",
        ),
        (
            "Rekordflut: Donau-Pegel in Passau bei zwölf Metern",
            "Die Flut in Passau hat einen Rekord erreicht: Der Pegel der Donau lag bei zwölf Metern. Die "
            "Altstadt wurde evakuiert, Sandsäcke der Feuerwehr schützten das Ufer, und der Bürgermeister "
            "bat um Hilfe des Bundes.",
        ),
    ],
    [
        (
            "Bundesliga: Freiburg schlägt Leverkusen mit 3:1",
            "Der SC Freiburg hat Bayer Leverkusen im Schwarzwald-Stadion mit 3:1 besiegt. Der Stürmer "
            "erzielte zwei Tore, der Trainer lobte die Abwehr. Leverkusen verliert damit die Tabellenführung.",
        ),
        (
            "Freiburg siegt gegen Tabellenführer Leverkusen",
            "Mit einem 3:1 gegen Leverkusen hat Freiburg den Tabellenführer gestürzt. Zwei Tore des "
            "Stürmers entschieden das Spiel im Schwarzwald-Stadion, und der Trainer war mit der Abwehr "
            "zufrieden.",
        ),
        (
            "Leverkusen verliert in Freiburg die Tabellenführung",
            "Bayer Leverkusen ist nach der 1:3-Niederlage beim SC Freiburg nicht mehr Tabellenführer. Der "
            "Freiburger Stürmer traf doppelt, das Schwarzwald-Stadion feierte den Trainer und die Abwehr.",
        ),
    ],
    [
        (
            "Bahnstreik legt Fernverkehr lahm",
            "Die Lokführergewerkschaft hat zu einem Streik bei der Deutschen Bahn aufgerufen. Der "
            "Fernverkehr steht bundesweit still, Pendler warten an den Bahnhöfen. Die Gewerkschaft fordert "
            "höhere Löhne und kürzere Schichten.",
        ),
        (
            "Lokführergewerkschaft streikt: Pendler stranden an Bahnhöfen",
            "Wegen des Streiks der Lokführergewerkschaft steht der Fernverkehr der Bahn still. An den "
            "Bahnhöfen warten Pendler auf Ersatzbusse. Die Gewerkschaft verlangt höhere Löhne und kürzere "
            "Schichten.",
        ),
        (
            "Deutsche Bahn: Streik der Lokführergewerkschaft",
            "Der Streik der Lokführergewerkschaft trifft den Fernverkehr der Deutschen Bahn. Pendler "
            "suchen Alternativen, die Bahnhöfe sind voll. Die Gewerkschaft will höhere Löhne und kürzere "
            "Schichten durchsetzen.",
        ),
    ],
]

FR = [
    [
        (
            "Incendie de forêt dans l'Hérault : des milliers d'hectares brûlés",
            "L'incendie qui s'est déclaré dans l'Hérault a déjà détruit trois mille hectares de forêt. Les "
            "pompiers luttent contre les flammes avec des canadairs, et l'évacuation d'un village a été "
            "ordonnée par la préfecture.",
        ),
        (
            "Hérault : les pompiers face à l'incendie, un village évacué",
            "Dans l'Hérault, les pompiers et leurs canadairs combattent un incendie qui a ravagé trois "
            "mille hectares. La préfecture a ordonné l'évacuation d'un village menacé par les flammes.",
        ),
        (
            "L'incendie de l'Hérault a ravagé trois mille hectares de forêt",
            "Trois mille hectares de forêt sont partis en fumée dans l'Hérault. Les canadairs des pompiers "
            "survolent les flammes, et la préfecture a fait évacuer un village d'agriculteurs.",
        ),
    ],
    [
        (
            "Réforme des retraites : l'Assemblée adopte le texte",
            "L'Assemblée nationale a adopté la réforme des retraites après un débat de deux semaines. Les "
            "syndicats dénoncent le report de l'âge légal, et l'opposition annonce un recours devant le "
            "Conseil constitutionnel.",
        ),
        (
            "Retraites : les syndicats contre le vote de l'Assemblée",
            "Les syndicats ont dénoncé le vote de l'Assemblée nationale sur la réforme des retraites, qui "
            "repousse l'âge légal. L'opposition saisira le Conseil constitutionnel.",
        ),
        (
            "L'opposition saisit le Conseil constitutionnel sur les retraites",
            "Après l'adoption de la réforme des retraites par l'Assemblée, l'opposition a saisi le Conseil "
            "constitutionnel. Les syndicats appellent à manifester contre le report de l'âge légal.",
        ),
    ],
    [
        (
            "Tour de France : victoire d'étape dans les Alpes",
            "Le coureur français a remporté l'étape alpine du Tour de France à l'Alpe d'Huez. Il a attaqué "
            "dans l'ascension finale et a pris le maillot jaune au leader slovène.",
        ),
        (
            "Alpe d'Huez : le Français prend le maillot jaune",
            "À l'Alpe d'Huez, un coureur français a gagné l'étape du Tour de France. Son attaque dans "
            "l'ascension lui a permis de prendre le maillot jaune au Slovène.",
        ),
        (
            "Le maillot jaune change d'épaules à l'Alpe d'Huez",
            "Le leader slovène du Tour de France a perdu le maillot jaune à l'Alpe d'Huez, où le coureur "
            "français a remporté l'étape grâce à une attaque dans l'ascension.",
        ),
    ],
]

RU = [
    [
        (
            "В Москве открылась новая линия метро",
            "В Москве в понедельник открылась новая линия метро. Мэр города заявил, что на линии пять "
            "станций, и что она соединит северные районы с центром. Пассажиры уже проехали по новой ветке.",
        ),
        (
            "Мэр открыл новую линию метро в Москве",
            "Новая линия московского метро из пяти станций соединила северные районы с центром. Мэр "
            "открыл ветку в понедельник, первые пассажиры проехали по ней утром.",
        ),
        (
            "Пять новых станций метро соединили север Москвы с центром",
            "Пассажиры метро в Москве получили пять новых станций: линия соединила северные районы и центр. "
            "По словам мэра, строительство ветки заняло три года.",
        ),
    ],
    [
        (
            "Сборная России по хоккею выиграла турнир",
            "Сборная России по хоккею выиграла турнир в Санкт-Петербурге, обыграв в финале команду Швеции "
            "со счетом 4:2. Тренер похвалил вратаря, который отразил все броски в третьем периоде.",
        ),
        (
            "Хоккеисты обыграли Швецию в финале турнира",
            "В финале хоккейного турнира в Санкт-Петербурге сборная обыграла Швецию 4:2. Вратарь отразил "
            "все броски в третьем периоде, тренер доволен командой.",
        ),
        (
            "Победа над Швецией принесла хоккеистам турнир",
            "Российские хоккеисты стали победителями турнира в Санкт-Петербурге: в финале команда обыграла "
            "Швецию. Тренер отметил игру вратаря в третьем периоде.",
        ),
    ],
    [
        (
            "Центробанк повысил ключевую ставку",
            "Центральный банк повысил ключевую ставку до шестнадцати процентов. Регулятор объяснил решение "
            "ростом инфляции, что на рынке ожидали. Аналитики считают, что ставка останется высокой.",
        ),
        (
            "Ключевая ставка выросла до шестнадцати процентов",
            "Регулятор поднял ключевую ставку до шестнадцати процентов из-за инфляции. На рынке решение "
            "центрального банка ожидали, аналитики прогнозируют высокую ставку и дальше.",
        ),
        (
            "Инфляция заставила Центробанк поднять ставку",
            "Из-за ускорения инфляции центральный банк поднял ключевую ставку. Аналитики на рынке считают, "
            "что высокая ставка сохранится, регулятор готов к новым решениям.",
        ),
    ],
]

ZH = [
    [
        (
            "台风袭击广东沿海 数万人紧急转移",
            "强台风周二登陆广东沿海，带来狂风暴雨。当地政府紧急转移了数万名居民，渔船全部回港避风。"
            "气象台发布红色预警，提醒市民不要外出。",
        ),
        (
            "广东发布台风红色预警 渔船回港避风",
            "气象台针对登陆广东的强台风发布红色预警。沿海渔船已全部回港，政府紧急转移数万居民，"
            "暴雨造成部分道路积水。",
        ),
        (
            "强台风登陆广东 沿海居民转移",
            "受强台风影响，广东沿海地区狂风暴雨。政府已紧急转移数万名居民，气象台的红色预警仍在生效，"
            "渔船停止出海。",
        ),
    ],
    [
        (
            "中国女排夺得世界杯冠军",
            "中国女排在世界杯决赛中以三比一战胜巴西队，夺得冠军。主教练赛后表示，队员们在关键时刻"
            "发挥出色，主攻手拿下全场最高分。",
        ),
        (
            "女排三比一击败巴西 捧起世界杯",
            "世界杯决赛，中国女排三比一击败巴西队夺冠。主攻手全场得分最高，主教练称赞队员在关键分上的表现。",
        ),
        (
            "世界杯决赛：中国女排战胜巴西夺冠",
            "中国女排战胜巴西队，获得世界杯冠军。决赛中主攻手表现出色，主教练说这是全队共同努力的结果。",
        ),
    ],
    [
        (
            "人民银行下调存款准备金率",
            "人民银行宣布降准，下调存款准备金率零点五个百分点，释放长期资金约一万亿元。分析人士认为，"
            "降准有助于稳定经济增长。",
        ),
        (
            "人民银行降准 释放长期资金一万亿元",
            "人民银行决定降低存款准备金率，预计释放长期资金一万亿元。分析人士表示，降准将支持经济增长。",
        ),
        (
            "降准零点五个百分点 支持经济增长",
            "存款准备金率下调零点五个百分点后，银行体系将获得约一万亿元长期资金。人民银行称此举为了"
            "稳定经济增长。",
        ),
    ],
]

JA = [
    [
        (
            "東京で大雪、交通機関に乱れ",
            "東京都心で十センチの積雪を観測し、電車の運休や高速道路の通行止めが相次いだ。気象庁は"
            "路面の凍結に注意するよう呼びかけている。",
        ),
        (
            "都心で積雪十センチ　電車が運休",
            "大雪の影響で東京の電車は運休が続き、高速道路も通行止めとなった。気象庁によると都心の"
            "積雪は十センチに達した。",
        ),
        (
            "大雪で高速道路が通行止め　気象庁が凍結に注意",
            "東京都心の大雪により、高速道路の通行止めと電車の運休が発生した。気象庁は凍結への注意を"
            "呼びかけた。",
        ),
    ],
    [
        (
            "日本代表、ワールドカップ予選で勝利",
            "サッカー日本代表はワールドカップ予選でオーストラリアに二対零で勝利した。フォワードが"
            "二得点を挙げ、監督は守備を評価した。",
        ),
        (
            "オーストラリアに快勝　フォワードが二得点",
            "ワールドカップ予選で日本代表がオーストラリアを二対零で下した。フォワードの二得点で勝利し、"
            "監督は守備陣をたたえた。",
        ),
        (
            "予選でオーストラリア撃破　日本代表の監督が守備を称賛",
            "日本代表の監督は、オーストラリアに勝利したワールドカップ予選の守備を称賛した。"
            "フォワードが二得点を決めた。",
        ),
    ],
    [
        (
            "日銀が金融政策を維持",
            "日本銀行は金融政策決定会合で大規模な金融緩和の維持を決めた。総裁は記者会見で、"
            "物価目標の達成にはなお時間がかかると述べた。",
        ),
        (
            "日銀総裁、金融緩和の維持を説明",
            "金融政策決定会合の後、日本銀行の総裁は記者会見で金融緩和を維持する理由を説明した。"
            "物価目標の達成には時間が必要だという。",
        ),
        (
            "金融緩和を継続　日本銀行が決定会合",
            "日本銀行は決定会合で金融緩和の継続を決定した。総裁は物価目標の達成について記者会見で"
            "慎重な見方を示した。",
        ),
    ],
]

#: Two stories in different languages that share names and numbers: a German match report (Bayern München
#: beat Real Madrid 3:1, Kane scored twice) and a Russian transfer story (Real Madrid wants Kane and Musiala
#: from Bayern München for 150 million); short texts in which the shared names and numbers weigh heavily.
MIXED = {
    "de": [
        (
            "Bayern München schlägt Real Madrid 3:1, Kane trifft doppelt",
            "Bayern München hat Real Madrid in der Champions League 3:1 besiegt. Harry Kane traf zweimal, "
            "Jamal Musiala einmal; Vinicius verkürzte für Real Madrid. 75000 Zuschauer in der Allianz Arena.",
        ),
        (
            "Champions League: Kane schießt Bayern zum 3:1 gegen Real",
            "Mit zwei Toren von Harry Kane und einem von Jamal Musiala gewann Bayern München 3:1 gegen Real "
            "Madrid. Vinicius traf für Real. Die Allianz Arena war mit 75000 Zuschauern ausverkauft.",
        ),
    ],
    "ru": [
        (
            "Real Madrid хочет купить Kane и Musiala у Bayern München за 150 миллионов",
            "Real Madrid готовит предложение Bayern München: 150 миллионов евро за Harry Kane и Jamal "
            "Musiala. Vinicius может покинуть Real Madrid. Переговоры пройдут в Champions League паузу.",
        ),
        (
            "Трансфер: Real Madrid предложит 150 миллионов за Kane и Musiala",
            "По данным прессы, Real Madrid предложит Bayern München 150 миллионов евро за Harry Kane и Jamal "
            "Musiala, а Vinicius уйдет из клуба. Решение ожидается летом.",
        ),
    ],
}
