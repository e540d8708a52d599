"""Synthetic news-like corpus with known answers, for benchmarks and end-to-end quality tests.

A *story* (one event) has a few topical words (people, places, an organisation, key nouns). Each story
has 1-4 *original* articles written independently (same story label, different dup groups), and each
original has 0-k *syndicated copies* with realistic edits (new headline, trimmed ending, 1-5% of words
changed, an update note, another outlet's layout, published minutes to hours later). Filler text is
drawn from an embedded vocabulary with Zipf-like frequencies; word sampling is vectorised with numpy so
a million ~3 KB articles stream to disk in minutes with bounded memory.

`generate(config)` yields `SynthArticle`s; `write_corpus(out_dir, config, fmt=...)` writes them plus the
ground truth:

    OUT/data/articles-00000.jsonl[.gz]   fmt="jsonl": id, title, body, published_at, author, source, url
    OUT/raw/<outlet>/<shard>/<slug>.txt  fmt="txt": one raw file per article in its outlet's layout
    OUT/labels.csv                       id, dup_group, story (id = record id, or path relative to OUT/raw)
    OUT/fields.jsonl                     fmt="txt" only: the fields a parser should extract from each file

fields.jsonl conventions, per file: `title`; `author` as printed ("A and B" for two writers, null for
the "plain" layout, which credits nobody); `published_at` in UTC as "YYYY-MM-DDTHH:MM:SSZ"; `location` the
dateline place as printed without agency or date ("BRUSSELS, Belgium" in the seed layout, "LONDON" in
wire/tv/plain, null for "wrapped", which has no dateline); `body_first_sentence` (after the dateline)
and `body_last_sentence` (before any footer) as single-spaced text, so hard-wrapped lines are joined.

Txt layouts (LAYOUTS): "seed" (the real raw layout: headline twice, author line, "18 Nov 2024, 14:55
GMT+10", "- " summary bullets, "CITY, Country: " dateline, share footer), "wire" ("Headline | Outlet",
"By NAME, Outlet", "Published: ...Z", "CITY (Agency) - ", reporting credit and copyright footer), "tv"
("Updated 10:37 AM PST, Saturday November 16, 2024", "CITY, Nov 16 (Agency) -- ", "Advertisement" and
"Related: ..." lines), "wrapped" (72 columns, "Written by", "November 16, 2024 10:37 PM EST", newsletter
footer) and "plain" (one line per paragraph, "Posted 16/11/2024 10:37 GMT", "CITY — ", no author).
About 20% of files use CRLF, ~15% cp1252 (when representable) and ~5% a UTF-8 BOM.

The corpus lives in a subfolder so that running the job on it never ingests the answer files.
Command line: `python -m newsdedup.synth --n 20000 --out DIR --format jsonl|txt [--gzip] [--seed 0]`.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import gzip as gzip_module
import io
import json
import os
import re
import sys
import textwrap
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsdedup.errors import ConfigError, NewsdedupError

__all__ = ["LAYOUTS", "SynthArticle", "SynthConfig", "generate", "main", "write_corpus"]

# ---------------------------------------------------------------------------------------------------
# Vocabulary. Function words are listed roughly by real frequency; content words are built from base
# lists plus regular inflections (about 1,800 words), and ~1,000 invented names, real cities and
# organisations serve as topical words.


def _words(text: str) -> list[str]:
    return text.split()


_FUNCTION = _words("""
the of to and a in that for on with as at by from it is was be has have had are were will would
its their his her they he she we this an but not or after about more than also who which been
over into up out new one two could can all some other when there if what while under before
during against between because only no any most such these those them our many where about
said since through so may should until much just very both each several another among without
""")

# Frequent news words first, in rough frequency order; they keep high Zipf ranks.
_TOP_CONTENT = _words("""
said year government people percent million officials time state president minister country week
police city report police court police company market health month police public police new first
last day former national local security home police group members world official years told plan
""")

_NOUNS = _words("""
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

_VERBS = _words("""
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

_ADJECTIVES = _words("""
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

_ADVERBS = _words("""
already again also almost away back currently earlier early later likely nearly now often once
quickly recently sharply still together yesterday today tonight widely
""")

_NUMBERS = _words("""
three four five six seven eight nine ten dozen hundred thousand billion 12 15 20 24 30 40 50 100 200
250 500 1,000 2,000 10,000 2023 2024 2025
""")

# Words that give each section its flavour; a story draws most of its key nouns from its section.
_SECTIONS: dict[str, list[str]] = {
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

_FIRST_NAMES = _words("""
Mark Anna James Maria Robert Elena David Sarah Michael Laura Thomas Olga Peter Julia Daniel Sofia
Andrew Fatima Ahmed Chen Wei Priya Rahul Kenji Yuki Ines José Lucía Rafael Zoë Chloé René Søren Ingrid
Lars Astrid Paweł Agnieszka Tomasz Kateryna Oleksandr Dmitri Irina Amara Kwame Ngozi Tunde Aisha Omar
Leila Hassan Nadia Carlos Gabriela Diego Valentina Mateo Camila Liam Noah Emma Olivia Grace Henry Jack
Charlotte Amelia Oliver George Isla Freya Finn Siobhán Declan Niamh Seán Hamish Morag Rhys Bethan
Malik Jamal Keisha Tyrone Dolores Rosa Min-jun Ji-woo Hiroshi Akira Mei Lin Arjun Ananya Vikram Deepa
""")

_LAST_NAMES = _words("""
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
_PLACES: list[tuple[str, str]] = [
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

_ORG_KINDS = """
Ministry|Council|Commission|Authority|Agency|Institute|Federation|Union|Bank|Group|Party|Foundation
""".strip().split("|")
_ORG_TOPICS = _words("""
Finance Health Transport Energy Education Defence Trade Water Housing Labour Agriculture Justice
Science Fisheries Tourism Culture Veterans Aviation Mining Shipping
""")


# Irregular forms the simple rules below would get wrong.
_IRREGULAR: dict[str, list[str]] = {
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
_UNCOUNTABLE = frozenset(
    _words(
        """
aid cash damage data evidence finance food growth guidance health heat housing inflation information
justice labour media peace presence relief research safety science security software status traffic
violence water weather
"""
    )
)


def _inflect_noun(w: str) -> str:
    if w in _UNCOUNTABLE:
        return w
    if w in _IRREGULAR:
        return _IRREGULAR[w][0]
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        return w[:-1] + "ies"
    return w + "s"


def _inflect_verb(w: str) -> list[str]:
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("e"):
        ed, ing = w + "d", w[:-1] + "ing"
    elif w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        ed, ing = w[:-1] + "ied", w + "ing"
    else:
        ed, ing = w + "ed", w + "ing"
    return [_inflect_noun(w), ed, ing]


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


@dataclass(frozen=True)
class _Vocab:
    """Token tables shared by every generator; built once per process (see `_vocab`)."""

    n_function: int
    n_words: int  # function + content words; entities follow
    table: np.ndarray  # object array of strings, index = variant * n_base + base
    n_base: int
    function_lut: np.ndarray  # uniform integer in [0, _LUT_SIZE) -> function-word base index (Zipf)
    content_lut: np.ndarray  # same for content words (already offset by n_function)
    section_idx: dict[str, np.ndarray]
    person_idx: np.ndarray
    place_idx: np.ndarray  # base index of the Title-case city name
    org_idx: np.ndarray
    said: int
    bytes_per_token: float


_LUT_SIZE = 1 << 18

# Variants of each base token, so a whole article is one fancy-index into `table`.
_PLAIN, _CAP, _COMMA, _PERIOD, _QOPEN, _QCLOSE = range(6)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Build the token tables; deterministic (no randomness beyond a fixed-seed shuffle)."""
    function = _unique(_FUNCTION)
    content_base = [*_NOUNS, *_ADJECTIVES, *_ADVERBS, *_NUMBERS, *_VERBS]
    derived = [_inflect_noun(n) for n in _NOUNS] + [f for v in _VERBS for f in _inflect_verb(v)]
    for words in _SECTIONS.values():
        content_base.extend(words)
    fixed = np.random.default_rng(20241116)
    tail = _unique([w for w in content_base + derived if w not in _TOP_CONTENT and w not in function])
    order = fixed.permutation(len(tail))
    content = _unique([*_TOP_CONTENT, *(tail[i] for i in order)])
    content = [w for w in content if w not in function]
    words = function + content
    people = _unique(
        f"{_FIRST_NAMES[i % len(_FIRST_NAMES)]} {_LAST_NAMES[j]}"
        for i, j in zip(
            fixed.permutation(len(_FIRST_NAMES) * 8),
            fixed.integers(0, len(_LAST_NAMES), len(_FIRST_NAMES) * 8),
            strict=True,
        )
    )
    places = [city.title() if city.upper() == city else city for city, _ in _PLACES]
    orgs = _unique(f"{k} of {t}" if k == "Ministry" else f"{t} {k}" for k in _ORG_KINDS for t in _ORG_TOPICS)
    entities = people + places + orgs
    base = words + entities
    n_base = len(base)
    caps = [w[0].upper() + w[1:] for w in base]
    table = np.array(
        [*base, *caps, *(w + "," for w in base), *(w + "." for w in base), *("“" + c for c in caps)]
        + [w + ",”" for w in base],
        dtype=object,
    )
    index = {w: i for i, w in enumerate(words)}

    def zipf_lut(n: int, offset: float) -> np.ndarray:
        # A quantised inverse CDF: sampling is one integer draw and one lookup, no binary search.
        cdf = np.cumsum(1.0 / (np.arange(n) + offset))
        grid = (np.arange(_LUT_SIZE) + 0.5) / _LUT_SIZE
        return np.minimum(np.searchsorted(cdf / cdf[-1], grid), n - 1).astype(np.int64)

    ne = len(words)
    vocab = _Vocab(
        n_function=len(function),
        n_words=ne,
        table=table,
        n_base=n_base,
        function_lut=zipf_lut(len(function), 1.5),
        content_lut=len(function) + zipf_lut(len(content), 8.0),
        section_idx={s: np.array([index[w] for w in ws if w in index]) for s, ws in _SECTIONS.items()},
        person_idx=np.arange(ne, ne + len(people)),
        place_idx=np.arange(ne + len(people), ne + len(people) + len(places)),
        org_idx=np.arange(ne + len(people) + len(places), n_base),
        said=index["said"],
        bytes_per_token=1.0,
    )
    # Calibrate bytes per token once with a throwaway generator so article lengths hit mean_bytes.
    story = _make_story(np.random.default_rng(0), vocab, 0, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    bodies = _bodies(np.random.default_rng(1), vocab, [story] * 50, [400] * 50, short=False)
    text = "\n\n".join("\n\n".join(b) for b in bodies)
    n_words = text.count(" ") + text.count("\n\n") + 1
    return dataclasses.replace(vocab, bytes_per_token=len(text.encode()) / n_words)


# ---------------------------------------------------------------------------------------------------
# Outlets and layouts.

LAYOUTS: tuple[str, ...] = ("seed", "wire", "tv", "wrapped", "plain")


@dataclass(frozen=True)
class _Outlet:
    name: str
    slug: str
    domain: str
    layout: str
    utc_offset_h: float  # the zone its timestamps are printed in
    tz_label: str  # how the layout prints that zone
    agency: str  # dateline credit for wire/tv layouts
    jsonl_footer: str  # boilerplate that outlet's export leaves at the end of the body ("" for none)

    @property
    def tz(self) -> dt.timezone:
        return dt.timezone(dt.timedelta(hours=self.utc_offset_h))


_OUTLETS: tuple[_Outlet, ...] = (
    _Outlet(
        "Pacific Herald Network", "pacific-herald", "pacificherald.example", "seed", 10, "GMT+10", "", ""
    ),
    _Outlet("Asia Daily Wire", "asia-daily-wire", "asiadailywire.example", "seed", 8, "GMT+8", "", ""),
    _Outlet("Continental Post", "continental-post", "continentalpost.example", "seed", 1, "GMT+1", "", ""),
    _Outlet(
        "Meridian Wire",
        "meridian-wire",
        "meridianwire.example",
        "wire",
        0,
        "Z",
        "Meridian",
        "© 2024 Meridian Wire. All rights reserved.",
    ),
    _Outlet(
        "Harbour Financial",
        "harbour-financial",
        "harbourfinancial.example",
        "wire",
        0,
        "Z",
        "HF",
        "© 2024 Harbour Financial. All rights reserved.",
    ),
    _Outlet("Coastline News", "coastline-news", "coastlinenews.example", "tv", -8, "PST", "CN", ""),
    _Outlet("Summit Press", "summit-press", "summitpress.example", "tv", -8, "PST", "SP", ""),
    _Outlet(
        "The Evening Ledger",
        "evening-ledger",
        "eveningledger.example",
        "wrapped",
        -5,
        "EST",
        "",
        "Sign up for our newsletter",
    ),
    _Outlet("Northern Gazette", "northern-gazette", "northerngazette.example", "wrapped", -5, "EST", "", ""),
    _Outlet("Capital Daily", "capital-daily", "capitaldaily.example", "plain", 0, "GMT", "", ""),
    _Outlet("The Morning Standard", "morning-standard", "morningstandard.example", "plain", 0, "GMT", "", ""),
)

_OUTLET_BY_NAME = {o.name: o for o in _OUTLETS}

_UPDATE_NOTES = (
    "This story has been updated.",
    "This story has been updated with additional reporting.",
    "Editor’s note: An earlier version of this story misstated the date of the meeting.",
    "Editor’s note: This article was updated to include a response from officials.",
)
_TITLE_PREFIXES = ("UPDATE 1-", "UPDATE 2-", "Exclusive: ", "Live: ", "Analysis: ", "WATCH: ")


# ---------------------------------------------------------------------------------------------------
# Config and records.


@dataclass(frozen=True)
class SynthConfig:
    """What corpus to generate; every field is validated on construction."""

    n_articles: int = 1000
    seed: int = 0
    mean_bytes: int = 3000
    dup_rate: float = 0.5  # fraction of articles that are syndicated copies
    originals_per_story: tuple[int, int] = (1, 4)
    span_days: float = 7.0
    start: str = "2024-11-10T00:00:00Z"
    short: bool = False  # short=True: title + 1-2 paragraphs

    def __post_init__(self) -> None:
        if not isinstance(self.n_articles, int) or self.n_articles < 1:
            raise ConfigError(f"n_articles must be >= 1, got {self.n_articles!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"seed must be an integer >= 0, got {self.seed!r}")
        if not isinstance(self.mean_bytes, int) or not 200 <= self.mean_bytes <= 1_000_000:
            raise ConfigError(f"mean_bytes must be in [200, 1000000], got {self.mean_bytes!r}")
        if not 0.0 <= self.dup_rate <= 0.95:
            raise ConfigError(f"dup_rate must be in [0.0, 0.95], got {self.dup_rate!r}")
        lo_hi = self.originals_per_story
        if len(lo_hi) != 2 or not 1 <= lo_hi[0] <= lo_hi[1] <= 50:
            raise ConfigError(f"originals_per_story must be (lo, hi) with 1 <= lo <= hi <= 50, got {lo_hi!r}")
        if not 0.0 < self.span_days <= 3650.0:
            raise ConfigError(f"span_days must be in (0, 3650], got {self.span_days!r}")
        self.start_datetime()  # raises on a bad value

    def start_datetime(self) -> dt.datetime:
        """Return `start` as an aware UTC datetime (ConfigError when unparseable or naive)."""
        try:
            value = dt.datetime.fromisoformat(self.start.replace("Z", "+00:00"))
        except (ValueError, AttributeError) as exc:
            raise ConfigError(f"start must be an ISO datetime with offset, got {self.start!r}") from exc
        if value.tzinfo is None:
            raise ConfigError(f"start must include a UTC offset, got {self.start!r}")
        return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class SynthArticle:
    """One generated article with its ground truth (`dup_group`, `story`)."""

    id: str
    title: str
    body: str  # paragraphs joined by a blank line; no dateline, no boilerplate
    author: str  # "" when the outlet credits nobody; "A and B" for two writers
    source: str
    url: str
    published_at: dt.datetime  # aware, in the outlet's zone, whole minutes
    dup_group: str
    story: str
    layout: str
    path: str  # relative path of the .txt file when written as txt
    location: str  # dateline city, e.g. "BRUSSELS"
    country: str
    section: str
    is_copy: bool


@dataclass(frozen=True)
class _Story:
    sid: int
    section: str
    place: int  # index into _PLACES
    persons: np.ndarray  # base indices of its people (attributions quote them)
    topical: np.ndarray  # base indices mixed into the filler; always _N_TOPICAL long
    centre: dt.datetime


_SECTION_NAMES = sorted(_SECTIONS)
_N_PERSONS = 3
_N_TOPICAL = 21


def _make_story(rng: np.random.Generator, v: _Vocab, sid: int, centre: dt.datetime) -> _Story:
    """Draw a story's section, dateline place and topical words (one uniform draw, no rejection)."""
    u = rng.random(12)
    section = _SECTION_NAMES[int(u[0] * len(_SECTION_NAMES))]
    sec = v.section_idx[section]
    persons = v.person_idx[(u[1:4] * len(v.person_idx)).astype(np.int64)]
    place = int(u[4] * len(_PLACES))
    extra_places = v.place_idx[(u[5:7] * len(v.place_idx)).astype(np.int64)]
    org = v.org_idx[int(u[7] * len(v.org_idx))]
    nouns = np.concatenate(
        [sec[(u[8:12] * len(sec)).astype(np.int64)], v.n_function + rng.integers(150, 1500, 3)]
    )
    # Key nouns appear more often than names, and the dateline place often.
    topical = np.concatenate([nouns, nouns, persons, [v.place_idx[place]] * 2, extra_places, [org]])
    return _Story(sid, section, place, persons, topical.astype(np.int64), centre)


def _bodies(
    rng: np.random.Generator, v: _Vocab, stories: Sequence[_Story], n_tokens: Sequence[int], *, short: bool
) -> list[list[str]]:
    """Return the paragraphs of one fresh body per (story, target word count), sampled in one batch.

    Everything is drawn for the whole batch at once (numpy call overhead would otherwise dominate):
    sentences of 12-30 words, paragraphs of 2-5 sentences (1-2 paragraphs in short mode), Zipf
    filler with ~9% of words from the story's topical set, commas, and "..., said Name." attributions.
    """
    n_art = len(stories)
    if short:
        n_sent = rng.integers(2, 7, n_art)
    else:
        n_sent = np.maximum(2, np.rint(np.asarray(n_tokens, dtype=np.float64) / 21.0)).astype(np.int64)
    total_sent = int(n_sent.sum())
    per_sent = rng.integers(12, 31, (2, total_sent))
    slen = per_sent[0]
    ends = np.cumsum(slen)
    starts = ends - slen
    n = int(ends[-1])
    topical_rows = np.stack([s.topical for s in stories])
    person_rows = np.stack([s.persons for s in stories])
    sent_owner = np.repeat(np.arange(n_art), n_sent)
    tok_owner = np.repeat(sent_owner, slen)
    u = rng.random((4, n))
    draw = rng.integers(0, _LUT_SIZE, n)
    # Never two function words in a row, and a sentence ends on a content word.
    is_fn = u[0] < 0.42
    is_fn[1:] &= ~is_fn[:-1]
    is_fn[ends - 1] = False
    base = np.where(is_fn, v.function_lut[draw], v.content_lut[draw])
    topical = u[1] < 0.09
    base[topical] = topical_rows[tok_owner[topical], (u[2][topical] * _N_TOPICAL).astype(np.int64)]
    variant = np.where((u[3] < 0.05) & ~is_fn, _COMMA, _PLAIN)
    variant[starts] = _CAP
    variant[ends - 1] = _PERIOD
    # Attribution: "... word, said Name." and sometimes a quoted sentence.
    r = rng.random((3, total_sent))
    att = r[0] < 0.18
    e = ends[att]
    base[e - 1] = person_rows[sent_owner[att], (r[1][att] * _N_PERSONS).astype(np.int64)]
    base[e - 2] = v.said
    variant[e - 2] = _PLAIN
    quoted = r[2][att] < 0.5
    base[e - 3] = np.where(is_fn[e - 3], v.content_lut[draw[e - 2]], base[e - 3])
    variant[e - 3] = np.where(quoted, _QCLOSE, _COMMA)
    variant[starts[att][quoted]] = _QOPEN
    tokens = v.table[variant * v.n_base + base].tolist()
    # Paragraph boundaries, as sentence counts within each article.
    par_len = (per_sent[1] % 4 + 2).tolist()
    ends_l = ends.tolist()
    out: list[list[str]] = []
    s0 = 0
    for k in n_sent.tolist():
        s_end = s0 + k
        cuts: list[int] = []
        s = s0
        while s < s_end:
            s = min(s_end, s + par_len[s])
            cuts.append(ends_l[s - 1])
        if short and len(cuts) > 2:
            cuts = [cuts[0], cuts[-1]]
        a = ends_l[s0 - 1] if s0 else 0
        pars: list[str] = []
        for b in cuts:
            pars.append(" ".join(tokens[a:b]))
            a = b
        out.append(pars)
        s0 = s_end
    return out


def _titles(rng: np.random.Generator, v: _Vocab, stories: Sequence[_Story]) -> list[str]:
    """Return one headline per story: 6-11 words opening with a topical word, no final period."""
    lengths = rng.integers(6, 12, len(stories))
    ends = np.cumsum(lengths)
    n = int(ends[-1])
    owner = np.repeat(np.arange(len(stories)), lengths)
    draw = rng.integers(0, _LUT_SIZE, n)
    u = rng.random((2, n))
    base = np.where(u[0] < 0.3, v.function_lut[draw], v.content_lut[draw])
    topical = u[1] < 0.3
    topical[ends - lengths] = True
    topical_rows = np.stack([s.topical for s in stories])
    base[topical] = topical_rows[owner[topical], (u[0][topical] * _N_TOPICAL).astype(np.int64)]
    base[ends - 1] = v.content_lut[draw[ends - 1]]
    words = v.table[base].tolist()
    out: list[str] = []
    a = 0
    for b in ends.tolist():
        first = words[a]
        out.append(first[0].upper() + first[1:] + " " + " ".join(words[a + 1 : b]))
        a = b
    return out


def _content_words(rng: np.random.Generator, v: _Vocab, n: int) -> list[str]:
    return [str(w) for w in v.table[v.content_lut[rng.integers(0, _LUT_SIZE, n)]].tolist()]


def _edit_words(rng: np.random.Generator, v: _Vocab, paragraphs: list[str], rate: float) -> list[str]:
    """Substitute, insert or delete about `rate` of the words (only bare words, so sentences stay intact)."""
    # Paragraph breaks ride along inside tokens like "end.\n\nNext", which are never edited.
    words = "\n\n".join(paragraphs).split(" ")
    n_edits = int(rng.binomial(len(words), rate))
    if n_edits == 0:
        return paragraphs
    positions = np.unique(rng.integers(0, len(words), n_edits))[::-1]
    ops = rng.integers(0, 3, len(positions)).tolist()
    fresh = _content_words(rng, v, len(positions))
    for pos, op, new in zip(positions.tolist(), ops, fresh, strict=True):
        w = words[pos]
        if not w.isalpha() or w[0].isupper():
            continue
        if op == 0:
            words[pos] = new
        elif op == 1:
            words.insert(pos, new)
        else:
            del words[pos]
    return " ".join(words).split("\n\n")


def _minutes(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(title: str) -> str:
    return _NON_SLUG.sub("-", title.lower()).strip("-")[:48].rstrip("-")


@dataclass
class _Original:
    story: _Story
    n_copies: int
    outlets: list[int]  # outlet index per article of the group, original first
    n_tokens: int
    time: dt.datetime


_BATCH_STORIES = 256


def generate(config: SynthConfig) -> Iterator[SynthArticle]:
    """Yield `config.n_articles` articles; the same config always yields the same articles in order.

    Stories are planned and their bodies sampled in batches of 256 stories; articles are shuffled
    within windows of 2,048, so copies are not adjacent to their originals but memory stays bounded.
    """
    v = _vocab()
    rng = np.random.default_rng([config.seed, 1])
    start = config.start_datetime()
    span = dt.timedelta(days=config.span_days)
    copies_mean = config.dup_rate / (1.0 - config.dup_rate)
    lo, hi = config.originals_per_story
    token_target = config.mean_bytes / v.bytes_per_token
    staff_pool = v.table[v.person_idx].tolist()
    authors = {
        o.slug: [str(staff_pool[i]) for i in rng.permutation(len(staff_pool))[:12].tolist()] for o in _OUTLETS
    }
    window: list[SynthArticle] = []
    emitted = 0
    sid = 0
    gid = 0
    while emitted < config.n_articles:
        # Plan a batch of stories: originals, copy counts, outlets, lengths and times.
        plan: list[_Original] = []
        planned = 0
        while len(plan) < _BATCH_STORIES * 2 and emitted + planned < config.n_articles:
            centre = start + span * float(rng.random())
            story = _make_story(rng, v, sid, centre)
            sid += 1
            n_orig = int(rng.integers(lo, hi + 1))
            # Overdispersed copy counts (negative binomial, r=0.5): most originals have none, a few many.
            if copies_mean > 0:
                copies = np.minimum(40, rng.negative_binomial(0.5, 0.5 / (0.5 + copies_mean), n_orig))
            else:
                copies = np.zeros(n_orig, dtype=np.int64)
            sizes = np.clip(rng.lognormal(-0.06, 0.35, n_orig), 0.25, 4.0) * token_target
            offsets = np.clip(rng.normal(0.0, 4.0, n_orig), -24.0, 24.0)
            for k in range(n_orig):
                t0 = min(max(centre + dt.timedelta(hours=float(offsets[k])), start), start + span)
                outlets = rng.permutation(len(_OUTLETS)).tolist()
                plan.append(_Original(story, int(copies[k]), outlets, int(sizes[k]), t0))
                planned += 1 + int(copies[k])
        bodies = _bodies(rng, v, [p.story for p in plan], [p.n_tokens for p in plan], short=config.short)
        titles = _titles(rng, v, [p.story for p in plan])
        for orig, paragraphs, title in zip(plan, bodies, titles, strict=True):
            if emitted >= config.n_articles:
                break
            story = orig.story
            city, country = _PLACES[story.place]
            author = ""
            for k in range(orig.n_copies + 1):
                if emitted >= config.n_articles:
                    break
                outlet = _OUTLETS[orig.outlets[k % len(_OUTLETS)]]
                staff = authors[outlet.slug]
                if k == 0:
                    body_pars, headline, t = paragraphs, title, orig.time
                    author = staff[int(rng.integers(len(staff)))]
                    if outlet.layout == "tv" and rng.random() < 0.5:
                        author = f"{author} and {staff[int(rng.integers(len(staff)))]}"
                    by = author
                else:
                    body_pars, headline = _copy_edits(rng, v, story, paragraphs, title, config.short)
                    t = orig.time + dt.timedelta(minutes=2 + float(rng.exponential(90.0)))
                    by = author if rng.random() < 0.5 else staff[int(rng.integers(len(staff)))]
                local = _minutes(t).astimezone(outlet.tz)
                slug = _slug(headline) or "article"
                n = emitted
                window.append(
                    SynthArticle(
                        id=f"syn-{n:07d}",
                        title=headline,
                        body="\n\n".join(body_pars),
                        author="" if outlet.layout == "plain" else by,
                        source=outlet.name,
                        url=f"https://www.{outlet.domain}/{story.section}/{local:%Y/%m/%d}/{slug}-{n}",
                        published_at=local,
                        dup_group=f"g{gid:07d}",
                        story=f"s{story.sid:07d}",
                        layout=outlet.layout,
                        path=f"{outlet.slug}/{n // 1000:04d}/{slug}-{n:07d}.txt",
                        location=city,
                        country=country,
                        section=story.section,
                        is_copy=k > 0,
                    )
                )
                emitted += 1
                if len(window) >= 2048:
                    for i in rng.permutation(len(window)).tolist():
                        yield window[i]
                    window.clear()
            gid += 1
    for i in rng.permutation(len(window)).tolist():
        yield window[i]


def _copy_edits(
    rng: np.random.Generator, v: _Vocab, story: _Story, paragraphs: list[str], title: str, short: bool
) -> tuple[list[str], str]:
    """Return (paragraphs, headline) of a syndicated copy: trimmed ending, word edits, update note."""
    pars = list(paragraphs)
    u = rng.random(6)
    if not short and len(pars) >= 5 and u[0] < 0.45:
        pars = pars[: -(1 if u[0] < 0.35 else 2)]
    # Mostly light edits (1-2%), sometimes up to 5%.
    pars = _edit_words(rng, v, pars, 0.01 + 0.04 * float(u[1] ** 3))
    if u[2] < 0.3 and not short:
        pars.append(_UPDATE_NOTES[int(u[3] * len(_UPDATE_NOTES))])
    if u[4] < 0.4:
        headline = _titles(rng, v, [story])[0]
    elif u[4] < 0.6:
        headline = _TITLE_PREFIXES[int(u[5] * len(_TITLE_PREFIXES))] + title
    else:
        words = title.split(" ")
        words[1 + int(u[5] * (len(words) - 1))] = _content_words(rng, v, 1)[0]
        headline = " ".join(words)
    return pars, headline


# ---------------------------------------------------------------------------------------------------
# Rendering raw .txt layouts. Each returns the file text and the fields a parser should recover.


def _sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    for w in paragraph.split(" "):
        cur.append(w)
        if w.endswith((".", ".”")):
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def _utc_z(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _h12(t: dt.datetime) -> str:
    return f"{(t.hour % 12) or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def _render_txt(a: SynthArticle, rng: np.random.Generator) -> tuple[str, dict[str, str | None]]:
    pars = a.body.split("\n\n")
    t = a.published_at
    outlet = _OUTLET_BY_NAME[a.source]
    loc: str | None = a.location
    author: str | None = a.author or None
    lines: list[str]
    if a.layout == "seed":
        bullets = [f"- {_sentences(p)[0].rstrip('.')}" for p in pars[:3]]
        stamp = f"{t:%d %b %Y, %H:%M} {outlet.tz_label}"
        place = f"{a.location}, {a.country}"
        loc = place
        lines = [a.title, a.title, a.author, stamp, *bullets, f"{place}: {pars[0]}", *pars[1:]]
        lines += ["Share article:", "Share", "Tweet"]
        text = "\n".join(lines)  # the seed file has no final newline
    elif a.layout == "wire":
        editors = rng.choice(_LAST_NAMES, size=2, replace=False)
        lines = [f"{a.title} | {a.source}", f"By {a.author}, {a.source}", f"Published: {_utc_z(t)}", ""]
        lines += [f"{a.location} ({outlet.agency}) - {pars[0]}"]
        for p in pars[1:]:
            lines += ["", p]
        lines += ["", f"(Reporting by {a.author}; Editing by {editors[0]} and {editors[1]})"]
        lines += [f"© {t.year} {a.source}. All rights reserved.", ""]
        text = "\n".join(lines)
    elif a.layout == "tv":
        stamp = f"Updated {_h12(t)} {outlet.tz_label}, {t:%A} {t:%B} {t.day}, {t.year}"
        lines = [a.title, f"By {a.author}", stamp, ""]
        lines += [f"{a.location}, {t:%b} {t.day} ({outlet.agency}) -- {pars[0]}", ""]
        for i, p in enumerate(pars[1:], start=1):
            if i % 3 == 1:
                lines += ["Advertisement", ""]
            lines += [p, ""]
            if i == 2:
                lines += [f"Related: {_related_title(rng)}", ""]
        text = "\n".join(lines)
    elif a.layout == "wrapped":
        lines = [
            a.title,
            "",
            f"Written by {a.author}",
            f"{t:%B} {t.day}, {t.year} {_h12(t)} {outlet.tz_label}",
            "",
        ]
        loc = None
        for p in pars:
            lines += [textwrap.fill(p, width=72, break_long_words=False, break_on_hyphens=False), ""]
        lines += ["Sign up for our newsletter", ""]
        text = "\n".join(lines)
    else:  # plain
        lines = [
            a.title,
            f"Posted {t:%d/%m/%Y %H:%M} {outlet.tz_label}",
            f"{a.location} — {pars[0]}",
            *pars[1:],
        ]
        lines += ["Follow us on Twitter", ""]
        author = None
        text = "\n".join(lines)
    fields: dict[str, str | None] = {
        "id": a.path,
        "title": a.title,
        "author": author,
        "published_at": _utc_z(t),
        "location": loc,
        "body_first_sentence": _sentences(pars[0])[0],
        "body_last_sentence": _sentences(pars[-1])[-1],
    }
    return text, fields


def _related_title(rng: np.random.Generator) -> str:
    words = _content_words(rng, _vocab(), int(rng.integers(5, 9)))
    return words[0].capitalize() + " " + " ".join(words[1:])


def _encode_txt(text: str, rng: np.random.Generator) -> bytes:
    """Encode like a mixed archive: mostly UTF-8, some cp1252 (when representable), CRLF, a few BOMs."""
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    r = rng.random()
    if r < 0.15:
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    elif r < 0.2:
        return b"\xef\xbb\xbf" + text.encode()
    return text.encode()


# ---------------------------------------------------------------------------------------------------
# Writing.


def _replace_into(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def write_corpus(
    out_dir: Path, config: SynthConfig, *, fmt: str = "jsonl", gzip: bool = False, shard_size: int = 100_000
) -> dict[str, int]:
    """Write the corpus and its ground truth under `out_dir`; return counts and byte totals.

    jsonl goes to `out_dir/data/articles-NNNNN.jsonl[.gz]` (`shard_size` records each), txt to
    `out_dir/raw/...`; `labels.csv` (and `fields.jsonl` for txt) are written last, via a temporary name.
    """
    if fmt not in ("jsonl", "txt"):
        raise ConfigError(f"fmt must be 'jsonl' or 'txt', got {fmt!r}")
    if gzip and fmt != "jsonl":
        raise ConfigError("gzip is only supported with fmt='jsonl'")
    if not isinstance(shard_size, int) or shard_size < 1:
        raise ConfigError(f"shard_size must be >= 1, got {shard_size!r}")
    out_dir = Path(out_dir)
    data_dir = out_dir / ("raw" if fmt == "txt" else "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([config.seed, 2])
    labels_tmp = out_dir / "labels.csv.tmp"
    fields_tmp = out_dir / "fields.jsonl.tmp"
    counts = {"articles": 0, "copies": 0, "files": 0, "bytes": 0, "dup_groups": 0, "stories": 0}
    stories: set[str] = set()  # every group has exactly one original, so groups need no set
    made_dirs: set[Path] = set()
    with (
        labels_tmp.open("w", encoding="utf-8", newline="") as labels_fh,
        fields_tmp.open("w", encoding="utf-8") if fmt == "txt" else io.StringIO() as fields_fh,
    ):
        labels = csv.writer(labels_fh, lineterminator="\n")
        labels.writerow(["id", "dup_group", "story"])
        shard: _Shard | None = None
        for a in generate(config):
            if fmt == "jsonl":
                if shard is None or shard.count >= shard_size:
                    if shard is not None:
                        counts["bytes"] += shard.close()
                    name = f"articles-{counts['files']:05d}.jsonl" + (".gz" if gzip else "")
                    shard = _Shard(data_dir / name, gzip)
                    counts["files"] += 1
                shard.add(_jsonl_line(a))
                labels.writerow([a.id, a.dup_group, a.story])
            else:
                text, fields = _render_txt(a, rng)
                raw = _encode_txt(text, rng)
                path = data_dir / a.path
                if path.parent not in made_dirs:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made_dirs.add(path.parent)
                path.write_bytes(raw)
                counts["files"] += 1
                counts["bytes"] += len(raw)
                fields_fh.write(json.dumps(fields, ensure_ascii=False) + "\n")
                labels.writerow([a.path, a.dup_group, a.story])
            counts["articles"] += 1
            counts["copies"] += a.is_copy
            counts["dup_groups"] += not a.is_copy
            stories.add(a.story)
        if shard is not None:
            counts["bytes"] += shard.close()
    if fmt == "txt":
        _replace_into(fields_tmp, out_dir / "fields.jsonl")
    _replace_into(labels_tmp, out_dir / "labels.csv")
    counts["stories"] = len(stories)
    return counts


_JSON = json.JSONEncoder(ensure_ascii=False)


def _jsonl_line(a: SynthArticle) -> str:
    outlet = _OUTLET_BY_NAME[a.source]
    body = a.body + ("\n\n" + outlet.jsonl_footer if outlet.jsonl_footer else "")
    record = {
        "id": a.id,
        "title": a.title,
        "body": body,
        "published_at": a.published_at.isoformat(),
        "author": a.author or None,
        "source": a.source,
        "url": a.url,
    }
    return _JSON.encode(record) + "\n"


@dataclass
class _Shard:
    """One jsonl shard written through a temporary name; lines are buffered and written in blocks."""

    path: Path
    gz: bool
    count: int = 0
    size: int = 0
    _buf: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        self._raw = self._tmp.open("wb")
        # mtime=0 and no file name in the header keep gzip output byte-identical across runs.
        self._fh = (
            gzip_module.GzipFile(filename="", mode="wb", fileobj=self._raw, compresslevel=1, mtime=0)
            if self.gz
            else self._raw
        )

    def add(self, line: str) -> None:
        self._buf.append(line)
        self.count += 1
        if len(self._buf) >= 512:
            self._flush()

    def _flush(self) -> None:
        data = "".join(self._buf).encode()
        self._fh.write(data)
        self.size += len(data)
        self._buf.clear()

    def close(self) -> int:
        """Finish the shard, move it into place and return its size on disk."""
        self._flush()
        if self.gz:
            self._fh.close()
        self._raw.close()
        _replace_into(self._tmp, self.path)
        return self.path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; prints a one-line summary and returns an exit code."""
    parser = argparse.ArgumentParser(prog="python -m newsdedup.synth", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--gzip", action="store_true", help="gzip the jsonl shards")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--short", action="store_true", help="title + 1-2 paragraphs per article")
    parser.add_argument("--mean-bytes", type=int, default=3000)
    parser.add_argument("--dup-rate", type=float, default=0.5)
    parser.add_argument("--span-days", type=float, default=7.0)
    parser.add_argument("--shard-size", type=int, default=100_000)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        config = SynthConfig(
            n_articles=args.n,
            seed=args.seed,
            mean_bytes=args.mean_bytes,
            dup_rate=args.dup_rate,
            span_days=args.span_days,
            short=args.short,
        )
        counts = write_corpus(args.out, config, fmt=args.format, gzip=args.gzip, shard_size=args.shard_size)
    except (NewsdedupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    secs = time.perf_counter() - began
    mb = counts["bytes"] / 1e6
    print(
        f"wrote {counts['articles']} articles ({counts['copies']} copies, {counts['dup_groups']} dup groups, "
        f"{counts['stories']} stories) in {counts['files']} files, {mb:.1f} MB, to {args.out} "
        f"in {secs:.1f}s ({counts['articles'] / max(secs, 1e-9):.0f} articles/s, {mb / max(secs, 1e-9):.1f} MB/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
