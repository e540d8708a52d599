"""The generator's word lists: function words by rough real frequency, content words (nouns, verbs,
adjectives, adverbs, numbers), section flavour words, names, dateline places and organisation parts, and the
irregular or uncountable forms the inflection rules need. Data only; `vocab.py` builds the token tables."""

from __future__ import annotations

__all__ = [
    "ADJECTIVES",
    "ADVERBS",
    "FIRST_NAMES",
    "FUNCTION",
    "IRREGULAR",
    "LAST_NAMES",
    "NOUNS",
    "NUMBERS",
    "ORG_KINDS",
    "ORG_TOPICS",
    "PLACES",
    "SECTIONS",
    "TOP_CONTENT",
    "UNCOUNTABLE",
    "VERBS",
]


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION = _words("""
the of to and a in that for on with as at by from it is was be has have had are were will would
its their his her they he she we this an but not or after about more than also who which been
over into up out new one two could can all some other when there if what while under before
during against between because only no any most such these those them our many where about
said since through so may should until much just very both each several another among without
""")

# Frequent news words first, in rough frequency order; they keep high Zipf ranks.
TOP_CONTENT = _words("""
said year government people percent million officials time state president minister country week
police city report police court police company market health month police public police new first
last day former national local security home police group members world official years told plan
""")

NOUNS = _words("""
account action activity address adviser agency agreement aid aircraft airport alliance ally amount
analyst announcement answer appeal approach area army arrest article assembly attack attempt audience
authority average award balance ballot bank base basis battle bid bill board body bond border branch
brand bridge budget building business cabinet camp campaign candidate capital card career case cash
cause centre century chair challenge champion chance change charge charity chief child choice church
citizen claim class climate club coach coalition coast code colleague college commission committee
community comment concern condition conference conflict congress contract control cost council count
county crash crew crime crisis critic crowd culture currency customer damage data deal death debate
debt decade decision defence deficit delay demand department deputy design detail development device
director disease dispute district doctor document dollar donor draft drought economy editor effort
election electricity emergency employee energy engineer enquiry environment estimate event evidence
exchange executive expert export factory failure family farm farmer fee festival figure film finance
fire firm flight flood focus food force forecast fund future game gas goal growth guard guest guidance
harbour head hearing heat hospital hotel house household housing idea impact income increase industry
inflation information injury inquiry interest interview investment investor island issue job judge
jury justice labour land law lawmaker lawyer leader league lease level licence loan lockdown loss
majority manager march margin market match mayor measure media meeting member message mine ministry
minority mission model moment motion movement museum nation network newspaper night note number
nurse offer office operation opinion opposition order organisation owner package panel parent park
parliament part partner party passenger patient payment peace pension period permit plant platform
player pledge point policy poll port position post power premier presence pressure price prison
problem process producer product programme project property proposal protest province purchase quarter
question race rail rally range rate reason recession record reform region regulator release relief
remark rent request research resident resource response result return revenue review right risk road
route rule ruling safety salary sale scandal scheme school science season seat sector senate service
session settlement share shift shortage side site situation society source speaker speech spokesman
spokeswoman sport squad staff stage stake standard statement station status step stock storm strategy
street strike student study summit supply support surplus survey suspect system talk target tariff tax
teacher team technology tenant term territory test theatre threat ticket tournament trade traffic
treaty trend trial trip troop truck union unit university value vehicle verdict victim victory view
village violence visit voter vote wage war warning water wave weapon weather website witness worker
""")

VERBS = _words("""
accept accuse add agree allow announce appear approve arrive ask attend avoid back ban believe block
boost call cancel celebrate change charge claim close collect combine complete confirm consider
continue convince cover create cut decide declare defend delay deliver demand deny describe destroy
discuss dismiss double downplay drop earn ease elect end ensure expand expect explain extend face fail
fear file finish follow force form gain handle help hope ignore improve include increase intend
introduce invest invite join launch lead list look lower maintain manage mark meet miss move name need
note offer open oppose order outline pass plan play pledge point post praise prepare present press
prevent produce promise propose protect prove provide publish push question raise reach receive
recover reduce reject release remain remove repeat replace report request require resolve respond
restore resume return reveal review rise rule save secure seek serve settle share sign spark spend
start stay step stop struggle submit suggest support surge suspend target test threaten track trigger
turn urge visit vote wait want warn watch welcome win work worry
""")

ADJECTIVES = _words("""
able active annual available average basic big broad central certain chief civil clear close common
complete critical current daily dangerous direct domestic early eastern economic emergency entire
environmental european external fair federal final financial fiscal foreign formal free full general
global good great heavy high historic huge human illegal important independent industrial initial
international key large late legal likely limited little local long low main major medical military
modern narrow national natural northern official old open political popular possible powerful private
public quick rapid real recent regional remote rural serious senior sharp short significant similar
slow small social southern special stable strong sudden temporary tough total urban usual various
vital western wide young
""")

ADVERBS = _words("""
already again also almost away back currently earlier early later likely nearly now often once
quickly recently sharply still together yesterday today tonight widely
""")

NUMBERS = _words("""
three four five six seven eight nine ten dozen hundred thousand billion 12 15 20 24 30 40 50 100 200
250 500 1,000 2,000 10,000 2023 2024 2025
""")

# Words that give each section its flavour; a story draws most of its key nouns from its section.
SECTIONS: dict[str, list[str]] = {
    "politics": _words(
        "ballot coalition senate parliament minister vote election campaign opposition lawmaker "
        "bill reform cabinet referendum candidate poll mandate speaker caucus veto"
    ),
    "business": _words(
        "shares profit revenue merger tariff inflation investor earnings dividend bank market "
        "stock bond lender factory retailer supplier quarter forecast acquisition"
    ),
    "sport": _words(
        "match tournament coach squad striker goal season league championship final trophy "
        "stadium fans injury transfer captain referee semifinal medal title"
    ),
    "science": _words(
        "researchers study species telescope vaccine genome climate laboratory experiment "
        "satellite fossil planet trial molecule emissions ocean glacier virus data sample"
    ),
    "technology": _words(
        "software startup chip network platform app users data cloud device smartphone "
        "algorithm privacy outage hackers encryption battery robot browser update"
    ),
    "world": _words(
        "troops ceasefire border refugees embassy sanctions summit treaty envoy protesters "
        "talks aid rebels militia diplomats capital province convoy negotiations humanitarian"
    ),
    "health": _words(
        "hospital patients doctors nurses outbreak clinic surgery cancer treatment drug "
        "waiting ward infection vaccine screening pharmacy diabetes therapy diagnosis care"
    ),
}

FIRST_NAMES = _words("""
Mark Anna James Maria Robert Elena David Sarah Michael Laura Thomas Olga Peter Julia Daniel Sofia
Andrew Fatima Ahmed Chen Wei Priya Rahul Kenji Yuki Ines José Lucía Rafael Zoë Chloé René Søren Ingrid
Lars Astrid Paweł Agnieszka Tomasz Kateryna Oleksandr Dmitri Irina Amara Kwame Ngozi Tunde Aisha Omar
Leila Hassan Nadia Carlos Gabriela Diego Valentina Mateo Camila Liam Noah Emma Olivia Grace Henry Jack
Charlotte Amelia Oliver George Isla Freya Finn Siobhán Declan Niamh Seán Hamish Morag Rhys Bethan
Malik Jamal Keisha Tyrone Dolores Rosa Min-jun Ji-woo Hiroshi Akira Mei Lin Arjun Ananya Vikram Deepa
""")

LAST_NAMES = _words("""
Besser Rutte Holloway Marsh Okafor Mensah Petrov Ivanova Kowalski Nowak Schmidt Müller Fischer Weber
Dubois Lefèvre Moreau García Fernández López Martínez Rossi Bianchi Ricci Silva Santos Costa Oliveira
Nakamura Tanaka Sato Kim Park Lee Chen Wang Zhang Liu Singh Sharma Patel Gupta Khan Hussain Rahman
Ahmed Haddad Nasser Cohen Levi Friedman O’Brien O’Connor McCarthy Murphy Kelly Walsh Byrne Campbell
Stewart MacLeod Fraser Davies Evans Hughes Morgan Thompson Whitaker Pennington Ashworth Caldwell
Greer Harlow Jensen Nielsen Andersen Larsen Johansson Lindqvist Virtanen Korhonen Novák Horváth
Kovač Popescu Dimitrov Yilmaz Demir Mwangi Otieno Abebe Banda Dlamini Nkosi Adeyemi Eze Boateng
Reyes Cruz Morales Vargas Castillo Romero Álvarez Herrera Navarro Ortega Delgado Suárez Quintero
""")

# (CITY as a dateline prints it, country or state). A few are not representable in cp1252 on purpose.
PLACES: list[tuple[str, str]] = [
    ("BRUSSELS", "Belgium"),
    ("LONDON", "United Kingdom"),
    ("PARIS", "France"),
    ("BERLIN", "Germany"),
    ("MADRID", "Spain"),
    ("ROME", "Italy"),
    ("LISBON", "Portugal"),
    ("DUBLIN", "Ireland"),
    ("WARSAW", "Poland"),
    ("ŁÓDŹ", "Poland"),
    ("PRAGUE", "Czech Republic"),
    ("VIENNA", "Austria"),
    ("ZÜRICH", "Switzerland"),
    ("STOCKHOLM", "Sweden"),
    ("OSLO", "Norway"),
    ("HELSINKI", "Finland"),
    ("KYIV", "Ukraine"),
    ("ATHENS", "Greece"),
    ("ISTANBUL", "Turkey"),
    ("CAIRO", "Egypt"),
    ("NAIROBI", "Kenya"),
    ("LAGOS", "Nigeria"),
    ("ACCRA", "Ghana"),
    ("JOHANNESBURG", "South Africa"),
    ("ADDIS ABABA", "Ethiopia"),
    ("DUBAI", "United Arab Emirates"),
    ("RIYADH", "Saudi Arabia"),
    ("NEW DELHI", "India"),
    ("MUMBAI", "India"),
    ("KARACHI", "Pakistan"),
    ("DHAKA", "Bangladesh"),
    ("BEIJING", "China"),
    ("SHANGHAI", "China"),
    ("HONG KONG", "China"),
    ("TOKYO", "Japan"),
    ("OSAKA", "Japan"),
    ("SEOUL", "South Korea"),
    ("TAIPEI", "Taiwan"),
    ("MANILA", "Philippines"),
    ("JAKARTA", "Indonesia"),
    ("SINGAPORE", "Singapore"),
    ("BANGKOK", "Thailand"),
    ("HANOI", "Vietnam"),
    ("SYDNEY", "Australia"),
    ("MELBOURNE", "Australia"),
    ("AUCKLAND", "New Zealand"),
    ("WASHINGTON", "District of Columbia"),
    ("NEW YORK", "New York"),
    ("CHICAGO", "Illinois"),
    ("LOS ANGELES", "California"),
    ("SAN FRANCISCO", "California"),
    ("HOUSTON", "Texas"),
    ("MIAMI", "Florida"),
    ("SEATTLE", "Washington"),
    ("BOSTON", "Massachusetts"),
    ("TORONTO", "Canada"),
    ("OTTAWA", "Canada"),
    ("MONTRÉAL", "Canada"),
    ("MEXICO CITY", "Mexico"),
    ("BOGOTÁ", "Colombia"),
    ("LIMA", "Peru"),
    ("SANTIAGO", "Chile"),
    ("BUENOS AIRES", "Argentina"),
    ("SÃO PAULO", "Brazil"),
]

ORG_KINDS = """
Ministry|Council|Commission|Authority|Agency|Institute|Federation|Union|Bank|Group|Party|Foundation
""".strip().split("|")
ORG_TOPICS = _words("""
Finance Health Transport Energy Education Defence Trade Water Housing Labour Agriculture Justice
Science Fisheries Tourism Culture Veterans Aviation Mining Shipping
""")


# Irregular forms the simple inflection rules (vocab.py) would get wrong.
IRREGULAR: dict[str, list[str]] = {
    "crisis": ["crises"],
    "analysis": ["analyses"],
    "child": ["children"],
    "seek": ["seeks", "sought", "seeking"],
    "win": ["wins", "won", "winning"],
    "lead": ["leads", "led", "leading"],
    "meet": ["meets", "met", "meeting"],
    "cut": ["cuts", "cut", "cutting"],
    "spend": ["spends", "spent", "spending"],
    "rise": ["rises", "rose", "rising"],
    "stop": ["stops", "stopped", "stopping"],
    "plan": ["plans", "planned", "planning"],
    "drop": ["drops", "dropped", "dropping"],
    "ban": ["bans", "banned", "banning"],
    "spark": ["sparks", "sparked", "sparking"],
    "step": ["steps", "stepped", "stepping"],
    "submit": ["submits", "submitted", "submitting"],
    "turn": ["turns", "turned", "turning"],
    "set": ["sets", "set", "setting"],
}


# Mass nouns that read wrong in the plural.
UNCOUNTABLE = frozenset(
    _words(
        """
aid cash damage data evidence finance food growth guidance health heat housing inflation information
justice labour media peace presence relief research safety science security software status traffic
violence water weather
"""
    )
)
