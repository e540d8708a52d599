"""dateparser as the fallback for localised timestamps (issue #16): what it parses, the zone it gives, the cost.

    python benchmarks/bench_dateparser.py [--repeat 5]

Needs ``pip install dateparser`` beside it (not a project dependency). Each case is a header line as it
appears in raw articles, its language and the UTC instant a reader would take from it (no zone written:
the outlet's local zone, given as ``tz``). Prints per case the result of ``dateparser.parse`` with the
language given (``languages=[lang]``), with the language and the zone abbreviation mapped beforehand by a
tiny table (``MEZ`` -> ``+0100``, what a fast path would do), and with no language (autodetection); then the
milliseconds per call (warm, CPU time, median of ``--repeat`` runs) and the first-call cost. Then the same
cases through the project's own parser (``newsdedup.text.dates.parse_timestamp``: the month/zone tables with
dateparser behind them, the case's zone as ``default_tz``) and through the configured fallback alone
(``newsdedup.text.locale_dates.parse_with_dateparser``), right answers and microseconds per call.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import UTC

# (text, language, local zone when none is written, expected UTC instant)
CASES: list[tuple[str, str, str, str]] = [
    ("18. November 2024, 14:55 MEZ", "de", "Europe/Berlin", "2024-11-18T13:55"),
    ("Montag, 18. November 2024, 14:55 Uhr", "de", "Europe/Berlin", "2024-11-18T13:55"),
    ("18.11.2024, 14:55 Uhr", "de", "Europe/Berlin", "2024-11-18T13:55"),
    ("18 ноября 2024, 14:55 МСК", "ru", "Europe/Moscow", "2024-11-18T11:55"),
    ("18 ноября 2024 г., 14:55", "ru", "Europe/Moscow", "2024-11-18T11:55"),
    ("18 листопада 2024, 14:55", "uk", "Europe/Kyiv", "2024-11-18T12:55"),
    ("2024年11月18日 14時55分 JST", "ja", "Asia/Tokyo", "2024-11-18T05:55"),
    ("2024年11月18日 14:55", "ja", "Asia/Tokyo", "2024-11-18T05:55"),
    ("2024年11月18日 14:55", "zh", "Asia/Shanghai", "2024-11-18T06:55"),
    ("2024年11月18日14时55分", "zh", "Asia/Shanghai", "2024-11-18T06:55"),
    ("2024-11-18 14:55 北京时间", "zh", "Asia/Shanghai", "2024-11-18T06:55"),
    ("18 novembre 2024 à 14h55", "fr", "Europe/Paris", "2024-11-18T13:55"),
    ("lundi 18 novembre 2024 à 14h55 (heure de Paris)", "fr", "Europe/Paris", "2024-11-18T13:55"),
    ("18 de noviembre de 2024, 14:55 CET", "es", "Europe/Madrid", "2024-11-18T13:55"),
    ("18/11/2024 14:55 h", "es", "Europe/Madrid", "2024-11-18T13:55"),
    ("18 novembre 2024, ore 14:55", "it", "Europe/Rome", "2024-11-18T13:55"),
    ("18 de novembro de 2024, 14h55", "pt", "America/Sao_Paulo", "2024-11-18T17:55"),
    ("18 de novembro de 2024 às 14:55 BRT", "pt", "America/Sao_Paulo", "2024-11-18T17:55"),
    ("11/05/2024 2:30 PM EST", "en", "America/New_York", "2024-11-05T19:30"),
]
# local abbreviations a fast path would map before parsing (fixed offsets, as written)
LOCAL_ZONES = {
    "MEZ": "+0100",
    "MESZ": "+0200",
    "МСК": "+0300",
    "JST": "+0900",
    "CET": "+0100",
    "BRT": "-0300",
    "北京时间": "+0800",
    "(heure de Paris)": "",
}


def run(dp: object, text: str, lang: str | None, tz: str, premap: bool) -> str:
    if premap:
        for k, v in LOCAL_ZONES.items():
            text = text.replace(k, v)
        text = re.sub(r"(\d)\s*時\s*(\d\d)\s*分", r"\1:\2", text)
    settings = {
        "TIMEZONE": tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "MDY" if lang == "en" else "DMY",
    }
    kwargs = {"languages": [lang]} if lang else {}
    res = dp.parse(text, settings=settings, **kwargs)  # type: ignore[attr-defined]
    return "None" if res is None else res.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def per_call_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.process_time()
        for _ in range(20):
            fn()
        runs.append((time.process_time() - t0) / 20 * 1000)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t0 = time.process_time()
    import dateparser

    t1 = time.process_time()
    run(dateparser, CASES[0][0], "de", "Europe/Berlin", False)
    t2 = time.process_time()
    print(f"dateparser {dateparser.__version__}: import {t1 - t0:.2f} s, first parse {t2 - t1:.2f} s (CPU)")
    modes = [("lang", True, False), ("lang+map", True, True), ("auto", False, False)]
    ok = dict.fromkeys([m for m, _, _ in modes], 0)
    cost: dict[str, list[float]] = {m: [] for m, _, _ in modes}
    print(f"{'text':<48}{'want':>17}" + "".join(f"{m:>19}{'ms':>6}" for m, _, _ in modes))
    for text, lang, tz, want in CASES:
        row = f"{text:<48}{want:>17}"
        for mode, with_lang, premap in modes:
            lng = lang if with_lang else None
            got = run(dateparser, text, lng, tz, premap)
            ms = per_call_ms(lambda t=text, la=lng, z=tz, p=premap: run(dateparser, t, la, z, p), args.repeat)
            ok[mode] += got == want
            cost[mode].append(ms)
            row += f"{(got if got != want else 'ok'):>19}{ms:6.2f}"
        print(row)
    print(
        "right: "
        + ", ".join(f"{m} {ok[m]}/{len(CASES)}" for m in ok)
        + "; median ms: "
        + ", ".join(f"{m} {statistics.median(cost[m]):.2f}" for m in cost)
    )


def project(repeat: int) -> None:
    """The project's parser (tables, dateparser behind) and its configured dateparser fallback on CASES."""
    from zoneinfo import ZoneInfo

    from newsdedup.text.dates import parse_timestamp
    from newsdedup.text.locale_dates import parse_with_dateparser

    def fmt(dt: object) -> str:
        return "None" if dt is None else dt.strftime("%Y-%m-%dT%H:%M")  # type: ignore[attr-defined]

    ok = {"tables": 0, "fallback": 0}
    cost: dict[str, list[float]] = {"tables": [], "fallback": []}
    for text, _lang, tz, want in CASES:
        calls = {
            "tables": lambda t=text, z=tz: parse_timestamp(t, z)[0],
            "fallback": lambda t=text, z=tz: parse_with_dateparser(t, ZoneInfo(z))[0],
        }
        row = f"{text:<48}{want:>17}"
        for mode, fn in calls.items():
            got = fmt(fn())
            ok[mode] += got == want
            cost[mode].append(per_call_ms(fn, repeat) * 1000)
            row += f"{(got if got != want else 'ok'):>19}{cost[mode][-1]:9.1f}us"
        print(row)
    print(
        "project: "
        + ", ".join(f"{m} {ok[m]}/{len(CASES)} right, median {statistics.median(cost[m]):.1f} us" for m in ok)
    )


if __name__ == "__main__":
    main()
    project(5)
