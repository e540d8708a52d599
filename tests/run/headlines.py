"""A small hand-made headline-only corpus (an aggregator export: title, url, publisher, timestamp, no body)
with known duplicates and stories.

Duplicates: the same headline listed under two publishers for one URL, and the same headline syndicated
with an outlet suffix, are copies of the first listing; a rewrite of a headline ("X to buy Y" / "X buys Y
for $1bn") is not a copy.
"""

from __future__ import annotations

import csv
from pathlib import Path

# (title, url, publisher, timestamp in epoch milliseconds, category, story)
HEADLINES: list[tuple[str, str, str, str, str, str]] = [
    (
        "Larkin Foods to buy Greenvale Grocers",
        "https://reuters.example.com/larkin-greenvale",
        "Reuters",
        "1715600000000",
        "b",
        "merger",
    ),
    (
        "Larkin Foods buys Greenvale Grocers for $1bn",
        "https://www.bbc.example.co.uk/news/larkin",
        "BBC News",
        "1715601000000",
        "b",
        "merger",
    ),
    (
        "Larkin Foods to buy Greenvale Grocers",
        "https://reuters.example.com/larkin-greenvale",
        "Yahoo News",
        "1715602000000",
        "b",
        "merger",
    ),
    (
        "Larkin Foods to buy Greenvale Grocers - Daily Herald",
        "https://herald.example.com/larkin",
        "",
        "1715603000000",
        "b",
        "merger",
    ),
    (
        "Storm Ingrid floods Greystone homes",
        "https://coastal.example.com/storm",
        "Coastal Courier",
        "1715610000000",
        "e",
        "storm",
    ),
    (
        "Hundreds evacuated as Storm Ingrid hits Greystone",
        "https://metro.example.com/ingrid",
        "Metro Post",
        "1715611000000",
        "e",
        "storm",
    ),
    (
        "Storm Ingrid: Greystone residents count the cost",
        "https://valley.example.com/ingrid",
        "Valley Times",
        "1715612000000",
        "e",
        "storm",
    ),
    (
        "Dunmore nurses walk out over pay",
        "https://metro.example.com/nurses",
        "Metro Post",
        "1715620000000",
        "h",
        "strike",
    ),
    (
        "Nurses at Dunmore General strike for second day",
        "https://valley.example.com/strike",
        "Valley Times",
        "1715621000000",
        "h",
        "strike",
    ),
    (
        "Dunmore hospital strike enters second day",
        "https://coastal.example.com/dunmore",
        "Coastal Courier",
        "1715622000000",
        "h",
        "strike",
    ),
    (
        "Ridgeford tram line opens to passengers",
        "https://metro.example.com/tram",
        "Metro Post",
        "1715630000000",
        "t",
        "tram",
    ),
    (
        "First passengers ride new Ridgeford tram",
        "https://valley.example.com/tram",
        "Valley Times",
        "1715631000000",
        "t",
        "tram",
    ),
]

#: Row numbers (1-based) of each duplicate group with more than one member; every other row is alone.
DUP_GROUPS = [{1, 3, 4}]


def write_headlines_csv(path: Path) -> Path:
    """The corpus as an aggregator's CSV export (header: TITLE,URL,PUBLISHER,TIMESTAMP,CATEGORY)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["TITLE", "URL", "PUBLISHER", "TIMESTAMP", "CATEGORY"])
        writer.writerows(row[:5] for row in HEADLINES)
    return path
