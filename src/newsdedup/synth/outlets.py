"""The invented outlets: name, web domain, the raw .txt layout each writes, its time zone and boilerplate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["LAYOUTS", "OUTLETS", "OUTLET_BY_NAME", "Outlet"]

LAYOUTS: tuple[str, ...] = ("seed", "wire", "tv", "wrapped", "plain")


@dataclass(frozen=True)
class Outlet:
    """A publisher: how it names, dates, credits and pads its articles."""

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
        """The zone its timestamps are printed in."""
        return dt.timezone(dt.timedelta(hours=self.utc_offset_h))


OUTLETS: tuple[Outlet, ...] = (
    Outlet("Pacific Herald Network", "pacific-herald", "pacificherald.example", "seed", 10, "GMT+10", "", ""),
    Outlet("Asia Daily Wire", "asia-daily-wire", "asiadailywire.example", "seed", 8, "GMT+8", "", ""),
    Outlet("Continental Post", "continental-post", "continentalpost.example", "seed", 1, "GMT+1", "", ""),
    Outlet(
        "Meridian Wire",
        "meridian-wire",
        "meridianwire.example",
        "wire",
        0,
        "Z",
        "Meridian",
        "© 2024 Meridian Wire. All rights reserved.",
    ),
    Outlet(
        "Harbour Financial",
        "harbour-financial",
        "harbourfinancial.example",
        "wire",
        0,
        "Z",
        "HF",
        "© 2024 Harbour Financial. All rights reserved.",
    ),
    Outlet("Coastline News", "coastline-news", "coastlinenews.example", "tv", -8, "PST", "CN", ""),
    Outlet("Summit Press", "summit-press", "summitpress.example", "tv", -8, "PST", "SP", ""),
    Outlet(
        "The Evening Ledger",
        "evening-ledger",
        "eveningledger.example",
        "wrapped",
        -5,
        "EST",
        "",
        "Sign up for our newsletter",
    ),
    Outlet("Northern Gazette", "northern-gazette", "northerngazette.example", "wrapped", -5, "EST", "", ""),
    Outlet("Capital Daily", "capital-daily", "capitaldaily.example", "plain", 0, "GMT", "", ""),
    Outlet("The Morning Standard", "morning-standard", "morningstandard.example", "plain", 0, "GMT", "", ""),
)


OUTLET_BY_NAME = {o.name: o for o in OUTLETS}
