"""The report page: a Jinja2 template with autoescaping (every value from articles is escaped), the charts
as inline SVG, no script and a Content-Security-Policy that forbids scripts, so the page works offline and
nothing taken from the data can run.

Links are made only of ``http``/``https`` urls; any other url (``javascript:``, ``data:``, relative) is
shown as text.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from newsdedup.report import charts, gather

__all__ = ["render_html", "safe_url"]

_TOP_SOURCES = 20


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) url with a host, else None (never a link)."""
    if not isinstance(url, str) or any(c in url for c in "\x00\r\n\t"):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _percent(value: object) -> str:
    return f"{float(value) * 100:.1f}%" if isinstance(value, int | float) else ""


def _number(value: object, digits: int = 3) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "" if value is None else str(value)


def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_url=safe_url, percent=_percent, number=_number)
    return env


def _rate_charts(rates: dict[str, Any]) -> dict[str, str]:
    out = {}
    top = rates["per_source"][:_TOP_SOURCES]
    if top:
        out["per_source"] = charts.bar_chart(
            [r["source"] for r in top],
            [r["rate"] for r in top],
            xlabel="share of the source's articles that are duplicates",
            title=f"Duplicate rate per source (the {len(top)} with most articles)",
        )
    days = [r for r in rates["per_day"] if r["day"] != gather.NO_DATE]
    if days:
        out["per_day"] = charts.line_chart(
            [r["day"] for r in days],
            {"duplicate rate": [r["rate"] for r in days]},
            ylabel="duplicate rate",
            title="Duplicate rate per day of publication (UTC)",
        )
    return out


def _topic_chart(report: dict[str, Any]) -> str | None:
    timeline = report["topic_timeline"]
    if not timeline["days"]:
        return None
    names = {t["topic_id"]: f"T{i + 1} {t['label'] or ''}" for i, t in enumerate(report["topics"])}
    series = {names[t]: counts for t, counts in timeline["series"].items() if t in names}
    return charts.line_chart(
        timeline["days"], series, ylabel="articles per day", title="The largest topics over time"
    )


def _run_charts(runs: list[dict[str, Any]]) -> dict[str, str]:
    if not runs:
        return {}
    labels = [str(r["run_id"])[:15] for r in runs]
    steps = list(dict.fromkeys(s for r in runs for s in r["steps"]))
    seconds = {s: [r["steps"].get(s, {}).get("seconds") or 0 for r in runs] for s in steps}
    memory = {s: [r["steps"].get(s, {}).get("peak_rss_mb") or 0 for r in runs] for s in steps}
    return {
        "seconds": charts.stacked_bars(labels, seconds, ylabel="seconds", title="Time per step, last runs"),
        "memory": charts.line_chart(
            labels, memory, ylabel="peak RSS (MB)", title="Peak memory at the end of each step, last runs"
        ),
    }


def render_html(report: dict[str, Any]) -> str:
    """The page of ``report`` (as :func:`newsdedup.report.build.build_report` returns it)."""
    svg = {
        **{f"rate_{k}": v for k, v in _rate_charts(report["duplicate_rates"]).items()},
        **{f"run_{k}": v for k, v in _run_charts(report["runs"]).items()},
    }
    topic = _topic_chart(report)
    if topic:
        svg["topics"] = topic
    template = _environment().from_string(
        files("newsdedup.report").joinpath("template.html.j2").read_text(encoding="utf-8")
    )
    # the SVG is matplotlib's output (its writer escapes every text) and goes in as markup
    return template.render(r=report, svg={k: Markup(v) for k, v in svg.items()})
