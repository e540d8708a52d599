"""The report's charts as inline SVG, drawn with matplotlib's object API (no pyplot, no global backend).

Why matplotlib SVG: the page needs no JavaScript and no network (an SVG element is the whole chart, a few
tens of kB, where plotly inlines a multi-MB script), the library is long maintained, and its SVG writer
escapes text, so labels taken from articles (sources, topic labels) stay text. Text is kept as ``<text>``
(``svg.fonttype = none``: smaller, selectable), maths parsing is off (a ``$`` in a headline is a dollar),
and ids and metadata are fixed so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["bar_chart", "line_chart", "stacked_bars"]

_STYLE: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "newsdedup-report",
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_WIDTH = 7.5
_MAX_LABEL = 40


def short(text: str, limit: int = _MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters for an axis or legend."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with mpl.rc_context(_STYLE):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    # the XML prolog and doctype are for a standalone file, not for an element inside a page
    return re.sub(r"^.*?(<svg\b)", r"\1", text, count=1, flags=re.S)


def _figure(height: float) -> Figure:
    with mpl.rc_context(_STYLE):
        return Figure(figsize=(_WIDTH, height), layout="constrained")


def bar_chart(labels: Sequence[str], values: Sequence[Any], *, xlabel: str, title: str) -> str:
    """Horizontal bars, first label at the top."""
    with mpl.rc_context(_STYLE):
        fig = _figure(0.8 + 0.22 * max(len(labels), 1))
        ax = fig.add_subplot()
        pos = list(range(len(labels)))
        ax.barh(pos, values, color="#4C78A8")
        ax.set_yticks(pos, [short(str(lab)) for lab in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left")
        return _svg(fig)


def line_chart(
    x: Sequence[str], series: Mapping[str, Sequence[Any]], *, ylabel: str, title: str, marker: str = "o"
) -> str:
    """One line per series over the categories ``x`` (dates as strings), legend outside on the right."""
    with mpl.rc_context(_STYLE):
        fig = _figure(3.2)
        ax = fig.add_subplot()
        pos = list(range(len(x)))
        for name, values in series.items():
            ax.plot(pos, list(values), marker=marker, markersize=3, linewidth=1.4, label=short(name))
        _category_axis(ax, x)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
        if len(series) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        return _svg(fig)


def stacked_bars(x: Sequence[str], series: Mapping[str, Sequence[Any]], *, ylabel: str, title: str) -> str:
    """Bars over the categories ``x``, one stacked segment per series."""
    with mpl.rc_context(_STYLE):
        fig = _figure(3.2)
        ax = fig.add_subplot()
        pos = list(range(len(x)))
        bottom = [0.0] * len(x)
        for name, values in series.items():
            vals = [float(v or 0) for v in values]
            ax.bar(pos, vals, bottom=bottom, label=short(name), width=0.7)
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
        _category_axis(ax, x)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        return _svg(fig)


def _category_axis(ax: Axes, x: Sequence[str], most: int = 14) -> None:
    """Category ticks, thinned to at most ``most`` labels, slanted."""
    step = max(1, -(-len(x) // most))
    ticks = list(range(0, len(x), step))
    ax.set_xticks(ticks, [short(str(x[i]), 22) for i in ticks], rotation=30, ha="right")
