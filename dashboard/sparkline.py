"""Sparklines drawn as SVG on the server: a line of a series, optionally a dashed reference line and a
dotted target line, the first and last year below.

The Overview's four sparklines were plotly charts, which made the site's first page load and start
plotly.js (1.4 MB) to draw four small lines. As SVG they come with the layout: no script to run, visible
with the page. Hovering a point shows its year and value (an SVG <title>); the card's summary sentence and
data table say the same in words and numbers. Every text in the SVG is escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import pandas as pd

from dashboard import formatting, i18n
from dashboard.i18n import gettext as _

WIDTH = 260  # the viewBox's width, about a card's; the SVG scales to its card
MARGIN = {"left": 18, "right": 18, "top": 8, "bottom": 22}
HOVER_RADIUS = 6  # the invisible circle around each point that shows its <title>
PADDING = 0.08  # above and below the lines, as a share of the value range


@dataclass(frozen=True)
class Line:
    """One series to draw: years and values in order, its name (in the hover text) and its look."""

    years: list[int]
    values: list[float]
    name: str
    colour: str
    width: float = 2.0
    dash: str | None = None  # an SVG stroke-dasharray


def line_from(frame: pd.DataFrame, name: str, colour: str, *, width: float = 2.0, dash: str | None = None) -> Line:
    """A Line from a frame with `year` and `value`, without the years that have no value."""
    rows = frame[frame["value"].notna()].sort_values("year")  # not dropna(subset=…): the same rows, cheaper
    return Line([int(year) for year in rows["year"]], [float(value) for value in rows["value"]], name, colour,
                width, dash)


_FIXED_SPEC = re.compile(r",?\.(\d)f")


def _hover_value(value: float, value_format: str) -> str:
    """A hover value by its Python format spec, in the request's locale for a fixed-point spec (",.2f")."""
    spec = _FIXED_SPEC.fullmatch(value_format)
    if spec is None or i18n.current() is i18n.DEFAULT:
        return format(value, value_format)
    return formatting.fixed(value, int(spec.group(1)))


def sparkline_svg(lines: list[Line], *, height: int, value_format: str, label: str,
                  target: float | None = None, target_label: str = "", target_colour: str = "#D55E00") -> str:
    """The SVG markup. `lines[0]` is the main series (its latest point is marked); `value_format` is a
    Python format spec for the hover values (",.2f"); `label` names the chart for screen readers."""
    if target is not None and target != target:  # NaN: a target without a value is not drawn
        target = None
    drawn = [line for line in lines if line.years]
    years = [year for line in drawn for year in line.years]
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" height="{height}" role="img" font-family="sans-serif" font-size="11"')
    if not years:
        nothing = escape(_("no data"))
        return (f'{head} aria-label="{escape(label)}: {nothing}"><text x="{WIDTH / 2}" y="{height / 2}" '
                f'text-anchor="middle" fill="#555555">{nothing}</text></svg>')
    first, last = min(years), max(years)
    values = [value for line in drawn for value in line.values] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    pad = (high - low) * PADDING or abs(high) * PADDING or 1.0
    low, high = low - pad, high + pad
    left, right = MARGIN["left"], WIDTH - MARGIN["right"]
    top, bottom = MARGIN["top"], height - MARGIN["bottom"]

    def x(year: float) -> float:
        return left + (right - left) * ((year - first) / (last - first) if last > first else 0.5)

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    parts = [f'{head} aria-label="{escape(label)}, {first}–{last}">']
    if target is not None:
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="{target_colour}" stroke-width="1.2" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{left}" y="{y(target) - 3:.1f}" fill="{target_colour}">{escape(target_label)}</text>')
    for line in reversed(drawn):  # the main series last, on top
        points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in zip(line.years, line.values, strict=True))
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" stroke-width="{line.width}"'
                     f'{dash} stroke-linejoin="round"/>')
    main = drawn[0] if drawn[0] is lines[0] else None
    if main is not None:
        parts.append(f'<circle cx="{x(main.years[-1]):.1f}" cy="{y(main.values[-1]):.1f}" r="3.5" '
                     f'fill="{main.colour}"/>')
    for line in drawn:
        for year, value in zip(line.years, line.values, strict=True):
            parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="{HOVER_RADIUS}" fill="transparent">'
                         f"<title>{escape(line.name)} {year}: {_hover_value(value, value_format)}</title></circle>")
    parts.append(f'<text x="{left}" y="{height - 6}" fill="#444444">{first}</text>')
    if last > first:
        parts.append(f'<text x="{right}" y="{height - 6}" text-anchor="end" fill="#444444">{last}</text>')
    parts.append("</svg>")
    return "".join(parts)
