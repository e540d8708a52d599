"""Dev script: story clustering on synthetic look-alike events, with no timestamps.

Each kind of event (earthquake, workplace shooting, acquisition by one buyer, celebrity rehab, plane crash,
flood, factory fire, data breach, ...) happens twice, years or countries apart: the same template with
different names, places, numbers and dates. Several outlets write each event up independently: every fact
is told in one of several wordings, the outlet picks a few of the kind's background sentences (shared by
both events of the kind: rescue teams, aftershocks, analysts' comments), a quote from a name of the event,
and orders the middle of the story its own way. Records carry no timestamp, so only the text separates the
two events of a kind. Labels: the event.

It prints B-cubed F1 of ``cluster_stories`` (default config, or ``--set entity_weight=0`` for the features
before entity terms) beside the scikit-learn TF-IDF + average-link baseline tuned on the set itself, and
optionally the same on BASIL without dates.

Usage: python benchmarks/eval_lookalike.py [--events-per-kind 2] [--outlets 4] [--seeds 0,1,2]
       [--set entity_weight=0] [--basil /work/shared/data] [--no-written-dates]

The first sentence of most write-ups dates the event (``on March 3, 2021``): when published_at is missing
that date stands in for it (``text.dates.written_date``); ``--no-written-dates`` drops the years so only
the text tells the events apart.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_cluster
from eval_cluster import baseline, basil

from newsdedup.cluster import cluster_stories
from newsdedup.metrics import bcubed_prf
from newsdedup.params import ClusterParams
from newsdedup.text.normalize import normalize_for_matching as norm

FIRST = [
    "Maria",
    "James",
    "Ahmed",
    "Elena",
    "Viktor",
    "Sofia",
    "Daniel",
    "Aisha",
    "Carlos",
    "Yuki",
    "Omar",
    "Ingrid",
    "Rafael",
    "Priya",
    "Tomasz",
    "Lena",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Novak",
    "Haddad",
    "Tanaka",
    "Brennan",
    "Kowalski",
    "Iyer",
    "Dubois",
    "Schmidt",
    "Reyes",
    "Petrov",
    "Mensah",
    "Larsen",
]
PLACES = [
    ("Izmir", "Turkey"), ("Valparaiso", "Chile"), ("Sendai", "Japan"), ("Mendoza", "Argentina"),
    ("Tabriz", "Iran"), ("Cebu", "Philippines"), ("Pokhara", "Nepal"), ("Arequipa", "Peru"),
    ("Ohio", "United States"), ("Leeds", "Britain"), ("Lyon", "France"), ("Gdansk", "Poland"),
    ("Porto", "Portugal"), ("Durban", "South Africa"), ("Recife", "Brazil"), ("Perth", "Australia"),
]  # fmt: skip
FIRMS = [
    "Halvorsen Logistics",
    "Brightwater Foods",
    "Castellan Motors",
    "Orinoco Software",
    "Tessaro Chemicals",
    "Kestrel Air",
    "Vantor Bank",
    "Lumiq Systems",
    "Redfern Mining",
    "Calder Textiles",
    "Novacrest Pharma",
    "Ashgrove Energy",
]
CELEBS = [
    "Dylan Rourke",
    "Selena Marquez",
    "Jonah Whitfield",
    "Tara Lindgren",
    "Marco Bellini",
    "Keisha Morgan",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
OUTLETS = ["Daily Ledger", "Morning Wire", "Global Post", "City Herald", "Evening Standard", "News Desk"]

# A kind: titles, facts (each in several wordings), background sentences shared by both events.
# Slots: {city} {country} {name} {name2} {firm} {firm2} {celeb} {n1} {n2} {n3} {x} {day} {month} {year}.
KINDS: dict[str, dict[str, list[Any]]] = {
    "quake": {
        "titles": ["Magnitude {x} earthquake strikes near {city}, {n1} dead",
                   "Deadly quake hits {country}, killing at least {n1}",
                   "{country} earthquake: death toll rises to {n1}"],
        "facts": [["A magnitude {x} earthquake struck near {city}, {country} on {month} {day}, {year}, killing at least {n1} people.",
                   "At least {n1} people were killed when a {x}-magnitude quake hit the region around {city} in {country} on {month} {day}.",
                   "The earthquake, measured at magnitude {x}, shook {city} early on {month} {day}, {year}; the death toll stands at {n1}."],
                  ["More than {n2} people were injured and hundreds of buildings collapsed, officials said.",
                   "Officials said {n2} people were hurt and many buildings were reduced to rubble.",
                   "Hospitals treated {n2} injured people as collapsed buildings blocked the streets."],
                  ["\"We are doing everything we can,\" said {name}, the head of {country}'s disaster agency.",
                   "{name}, who leads the national disaster agency, said rescuers were working through the night.",
                   "According to {name} of the disaster agency, search teams had reached every district of {city}."],
                  ["The quake's epicentre was {n3} kilometres from {city} at a shallow depth, the geological survey said.",
                   "Seismologists placed the epicentre some {n3} km outside {city}."]],
        "background": ["Rescue teams searched through the rubble for survivors as aftershocks continued.",
                       "Thousands of residents spent the night outdoors, fearing further aftershocks.",
                       "The government declared a state of emergency and sent the army to help.",
                       "International aid agencies offered assistance and sent search and rescue teams.",
                       "Power lines were cut and several roads were blocked by landslides.",
                       "Schools were closed and makeshift shelters set up in parks and stadiums.",
                       "The region sits on an active fault line and has suffered strong earthquakes before."],
    },
    "shooting": {
        "titles": ["Gunman kills {n1} at {firm} offices in {city}",
                   "{n1} dead in workplace shooting at {firm}",
                   "Shooting at {firm} in {city} leaves {n1} dead"],
        "facts": [["A gunman opened fire at the offices of {firm} in {city} on {month} {day}, {year}, killing {n1} people.",
                   "{n1} employees of {firm} were shot dead at the company's {city} headquarters on {month} {day}.",
                   "Police say {n1} people died when a man opened fire inside {firm}'s building in {city}."],
                  ["The suspect, identified as {name2}, a former employee, was arrested at the scene.",
                   "Police named the suspected shooter as {name2}, who had been dismissed by the company.",
                   "{name2}, a former worker at the firm, was taken into custody, police said."],
                  ["\"This is a dark day for our city,\" said police chief {name}.",
                   "Police chief {name} said officers arrived within minutes of the first call.",
                   "{name}, the local police chief, told reporters the motive was still unclear."],
                  ["{n2} other people were wounded and taken to hospital.",
                   "Another {n2} people were injured in the attack, officials said."]],
        "background": ["Witnesses described hearing several shots before employees fled the building.",
                       "The area was sealed off and nearby schools were placed on lockdown.",
                       "Investigators were searching the suspect's home for clues to a motive.",
                       "The shooting renewed calls for stricter gun laws.",
                       "Counsellors were made available to employees and families of the victims.",
                       "A vigil for the victims was planned for the weekend."],
    },
    "acquisition": {
        "titles": ["{firm} to buy {firm2} for ${n1} million",
                   "{firm} agrees ${n1}m takeover of {firm2}",
                   "{firm} strikes deal to acquire {firm2}"],
        "facts": [["{firm} said on {month} {day}, {year} it would buy {firm2} for ${n1} million in cash.",
                   "{firm} agreed to acquire {firm2} in a deal valued at ${n1} million, the companies said on {month} {day}.",
                   "In a ${n1} million deal announced on {month} {day}, {firm} will take over {firm2}."],
                  ["The price represents a premium of {n2} percent to {firm2}'s closing share price.",
                   "The offer values {firm2} at a {n2}% premium to its last close.",
                   "Shareholders of {firm2} will receive a {n2} percent premium."],
                  ["\"This acquisition strengthens our position,\" said {name}, chief executive of {firm}.",
                   "{firm} chief executive {name} said the deal would expand the company's reach.",
                   "{name}, who runs {firm}, called the takeover a natural fit."],
                  ["{firm2}, based in {city}, employs about {n3} people.",
                   "The {city}-based company has around {n3} employees."]],
        "background": ["The deal is expected to close later in the year, subject to regulatory approval.",
                       "Analysts said the acquisition would give the buyer a larger share of the market.",
                       "Shares of the target company rose sharply in early trading after the announcement.",
                       "The boards of both companies have approved the transaction.",
                       "The buyer said it expected cost savings within two years.",
                       "Bankers advised both sides on the deal."],
    },
    "rehab": {
        "titles": ["{celeb} enters rehab facility",
                   "{celeb} checks into rehab, representative says",
                   "Singer {celeb} seeks treatment at rehab centre"],
        "facts": [["{celeb} has checked into a rehabilitation facility in {city}, a representative said on {month} {day}, {year}.",
                   "A spokesperson for {celeb} confirmed on {month} {day} that the star had entered rehab in {city}.",
                   "{celeb} is receiving treatment at a rehab centre near {city}, {name} told reporters."],
                  ["The {n1}-year-old star cancelled {n2} upcoming concerts.",
                   "{celeb}, {n1}, postponed {n2} shows on the tour.",
                   "The singer, aged {n1}, called off {n2} tour dates."],
                  ["\"We ask for privacy at this time,\" said {name}, the singer's publicist.",
                   "Publicist {name} asked fans and the media to respect the family's privacy.",
                   "{name}, a spokesperson, said the singer was grateful for the support of fans."]],
        "background": ["Fans flooded social media with messages of support.",
                       "The star has spoken openly in the past about struggles with addiction.",
                       "Ticket holders will be offered refunds, the promoter said.",
                       "Tabloids had reported on erratic behaviour in recent months.",
                       "The record label said it fully supported the decision to seek help."],
    },
    "crash": {
        "titles": ["Plane crash near {city} kills {n1}",
                   "{n1} dead as passenger plane crashes in {country}",
                   "Airliner crashes on approach to {city} airport"],
        "facts": [["A passenger plane operated by {firm} crashed near {city}, {country} on {month} {day}, {year}, killing {n1} people.",
                   "{n1} people died when a {firm} jet came down on approach to {city} on {month} {day}.",
                   "All {n1} people aboard a {firm} flight were killed in a crash outside {city}."],
                  ["The aircraft was carrying {n2} passengers and {n3} crew.",
                   "There were {n2} passengers and {n3} crew members on board.",
                   "Officials said {n2} passengers and a crew of {n3} were on the flight."],
                  ["\"Our thoughts are with the families,\" said {name}, chief executive of {firm}.",
                   "{firm} chief executive {name} said the airline was cooperating with investigators.",
                   "{name} of {firm} said the pilot had thousands of hours of flying experience."]],
        "background": ["Investigators recovered the flight data recorders from the wreckage.",
                       "The weather at the time of the crash was poor, with low cloud and rain.",
                       "Emergency crews rushed to the site and put out the fire.",
                       "Relatives gathered at the airport waiting for news.",
                       "The aviation authority opened an inquiry into the cause of the crash."],
    },
    "flood": {
        "titles": ["Floods in {country} kill {n1}",
                   "Heavy rain brings deadly floods to {city}",
                   "{country} floods: thousands evacuated as death toll reaches {n1}"],
        "facts": [["Floods caused by days of heavy rain have killed at least {n1} people around {city}, {country}, officials said on {month} {day}, {year}.",
                   "At least {n1} people have died in flooding in and around {city} after torrential rain, authorities said on {month} {day}.",
                   "The death toll from floods in {country} rose to {n1} on {month} {day}, with {city} worst hit."],
                  ["More than {n2} people were evacuated from their homes.",
                   "Some {n2} residents have been forced to leave their homes.",
                   "Authorities evacuated {n2} people from low-lying areas."],
                  ["\"The water came up so fast,\" said {name}, a resident of {city}.",
                   "{name}, the regional governor, said more rain was forecast.",
                   "Governor {name} appealed for help from the national government."]],
        "background": ["Rivers burst their banks and submerged farmland and villages.",
                       "Rescue workers used boats to reach people stranded on rooftops.",
                       "Forecasters warned that more heavy rain was expected in the coming days.",
                       "Roads and bridges were washed away, cutting off several towns.",
                       "Experts say climate change is making extreme rainfall more frequent."],
    },
    "fire": {
        "titles": ["Fire at {firm} factory in {city} kills {n1}",
                   "{n1} workers die in {city} factory blaze",
                   "Blaze rips through {firm} plant"],
        "facts": [["A fire at a {firm} factory in {city}, {country} killed {n1} workers on {month} {day}, {year}.",
                   "{n1} people died when fire swept through the {firm} plant in {city} on {month} {day}.",
                   "The blaze at {firm}'s {city} factory left {n1} workers dead, officials said."],
                  ["About {n2} firefighters battled the flames for hours.",
                   "It took {n2} firefighters most of the night to bring the fire under control.",
                   "Some {n2} firefighters were sent to the scene."],
                  ["\"Safety rules were ignored,\" said union leader {name}.",
                   "{name}, a union official, said workers had complained about blocked exits.",
                   "Labour minister {name} ordered an inquiry into safety at the plant."]],
        "background": ["Witnesses said thick black smoke could be seen for miles.",
                       "Workers said the emergency exits were locked when the fire broke out.",
                       "The cause of the fire is under investigation.",
                       "Families of the victims gathered outside the factory gates.",
                       "The company said it would compensate the families of those who died."],
    },
    "breach": {
        "titles": ["{firm} says hackers stole data of {n1} million customers",
                   "Data breach at {firm} hits {n1}m users",
                   "{firm} discloses massive cyber attack"],
        "facts": [["{firm} said on {month} {day}, {year} that hackers had stolen personal data of {n1} million customers.",
                   "The personal details of {n1} million {firm} customers were stolen in a cyber attack, the company disclosed on {month} {day}.",
                   "Hackers gained access to records of {n1} million people, {firm} said."],
                  ["The attack went undetected for {n2} days, the company said.",
                   "Intruders had access to the systems for {n2} days before it was discovered.",
                   "It took {n2} days to detect the breach."],
                  ["\"We deeply regret this incident,\" said {name}, chief executive of {firm}.",
                   "{firm} chief executive {name} apologised to customers.",
                   "{name}, who heads {firm}, said the company had hired outside security experts."]],
        "background": ["Names, addresses and phone numbers were among the data taken.",
                       "The company said no payment card details were compromised.",
                       "Regulators said they were looking into the breach.",
                       "Security experts advised customers to change their passwords.",
                       "Shares of the company fell after the disclosure."],
    },
}  # fmt: skip


def _events(rng: random.Random, kind: str, count: int) -> list[dict[str, str]]:
    """``count`` events of one kind: distinct places, people, firms and numbers (an acquisition: one buyer)."""
    places = rng.sample(PLACES, count)
    firms = rng.sample(FIRMS, count + 1)
    celebs = rng.sample(CELEBS, count)
    people = rng.sample([f"{a} {b}" for a in FIRST for b in LAST], 2 * count)
    out = []
    for e in range(count):
        firm, firm2 = (firms[0], firms[e + 1]) if kind == "acquisition" else (firms[e], firms[e + 1])
        out.append({
            "city": places[e][0], "country": places[e][1], "firm": firm, "firm2": firm2,
            "name": people[2 * e], "name2": people[2 * e + 1], "celeb": celebs[e],
            "n1": str(rng.randint(8, 95)), "n2": str(rng.randint(12, 400)), "n3": str(rng.randint(3, 60)),
            "x": f"{rng.randint(58, 79) / 10:.1f}", "day": str(rng.randint(1, 28)),
            "month": rng.choice(MONTHS), "year": str(rng.randint(2009, 2024)),
        })  # fmt: skip
    return out


def _article(rng: random.Random, kind: str, ev: dict[str, str], outlet: str) -> tuple[str, str]:
    spec = KINDS[kind]
    title = rng.choice(spec["titles"]).format(**ev)
    facts = [rng.choice(variants).format(**ev) for variants in spec["facts"]]
    back = rng.sample(spec["background"], k=min(len(spec["background"]), rng.randint(3, 5)))
    middle = facts[1:] + back
    rng.shuffle(middle)
    paras = [facts[0], *middle, f"({outlet} reporting)"]
    return title, "\n\n".join(paras)


_FULL_DATE = re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2}), \d{4}")


def lookalike(
    seed: int, events_per_kind: int = 2, outlets: int = 4, written_dates: bool = True
) -> tuple[pd.DataFrame, list[str]]:
    """The look-alike set: docs (article_id, title, body, match_text, no published_at) and event labels.
    ``written_dates=False`` drops the year of every written date (``March 3``), so no body gives a date."""
    rng = random.Random(seed)
    rows, labels = [], []
    for kind in KINDS:
        for e, ev in enumerate(_events(rng, kind, events_per_kind)):
            for o in range(outlets):
                outlet = OUTLETS[o % len(OUTLETS)]
                title, body = _article(rng, kind, ev, outlet)
                rows.append({"article_id": f"{kind}-{e}-{o}-{seed}", "title": title, "body": body,
                             "source": outlet.lower().replace(" ", ""), "group_size": 1})  # fmt: skip
                labels.append(f"{kind}-{e}")
    docs = pd.DataFrame(rows)
    if not written_dates:
        docs["body"] = docs["body"].map(lambda b: _FULL_DATE.sub(r"\1 \2", b))
    docs["match_text"] = docs["body"].map(norm)
    docs["published_at"] = pd.to_datetime(pd.Series([None] * len(docs)), utc=True)
    return docs, labels


#: the baseline's distance cuts: eval_cluster's, and stricter ones (look-alike events need them)
eval_cluster.BASELINE_CUTS = (0.2, 0.3, 0.4, *eval_cluster.BASELINE_CUTS)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events-per-kind", type=int, default=2)
    ap.add_argument("--outlets", type=int, default=4)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--set", action="append", default=[], help="ClusterParams override, e.g. entity_weight=0")
    ap.add_argument("--basil", type=Path, default=None, help="data dir: also BASIL without dates")
    ap.add_argument("--no-written-dates", action="store_true", help="no year in the bodies' dates")
    args = ap.parse_args()
    over = {k: float(v) for k, v in (kv.split("=") for kv in args.set)}
    params = replace(ClusterParams(), **over)
    sets = {
        f"lookalike seed {s}": lookalike(
            int(s), args.events_per_kind, args.outlets, not args.no_written_dates
        )
        for s in args.seeds.split(",")
    }
    if args.basil is not None:
        docs, labels = basil(args.basil, None)
        sets["basil full, dated"] = (docs, labels)
        sets["basil full, no dates"] = (docs.assign(published_at=pd.NaT), labels)
    print(f"params: {params}")
    ours, base = [], []
    for name, (docs, labels) in sets.items():
        topic, topics = cluster_stories(docs, params)
        p, r, f = bcubed_prf(topic.tolist(), labels)
        cut, bp, br, bf = baseline(docs, labels)
        print(
            f"{name:24s} ours F1 {f:.3f} P{p:.2f} R{r:.2f} k{len(topics):<4d}  baseline F1 {bf:.3f} P{bp:.2f} R{br:.2f} d{cut:.2f}"
        )
        if name.startswith("lookalike"):
            ours.append(f)
            base.append(bf)
    if ours:
        print(
            f"lookalike mean            ours F1 {sum(ours) / len(ours):.3f}  baseline F1 {sum(base) / len(base):.3f}"
        )


if __name__ == "__main__":
    main()
