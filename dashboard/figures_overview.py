"""Figures and number formats for the Overview and About pages: pure functions of (data, options).

Sparklines are deliberately bare (no grid, no axis titles): the card around them carries the number,
the year, the source and the target; the sparkline only shows the direction of travel. They are SVG
drawn here (dashboard/sparkline.py says why), not plotly charts.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from dashboard.chart_style import LINE_COLOURS, MAP_SCALE, NO_DATA_GREY, directed
from dashboard.i18n import gettext as _
from dashboard.sparkline import line_from, sparkline_svg

SPARK_COLOUR = LINE_COLOURS[0]   # Okabe–Ito blue
REFERENCE_COLOUR = "#555555"     # the publisher's series, dashed
TARGET_COLOUR = LINE_COLOURS[1]  # Okabe–Ito vermillion, dotted
SPARK_HEIGHT = 120

# Target status → colour of the badge's edge (Okabe–Ito; the status is always written out too).
STATUS_COLOURS = {
    "met": "#009E73", "on track": "#0072B2", "acceleration needed": "#E69F00", "limited progress": "#D55E00",
    "deteriorating": "#CC79A7", "not met": "#000000",
}
STATUS_OTHER = "#999999"  # insufficient data, no open indicator


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", STATUS_OTHER)


# --- numbers as text (one place, so the page and its tests agree) ---------------------------------


def people(value: float) -> str:
    """Head counts: 2,217,833,000 → "2.22 billion"; 35,400,000 → "35.4 million" (formatting.people)."""
    return formatting.people(value)


def number(value: float | None, unit: str) -> str:
    """A value with its unit, short: "72.7 %", "0.92", "1.4 % of GNI p.c.", "2.22 billion people" (formatting.value)."""
    return formatting.value(value, unit)


def comparator_text(comparator: str, value: float, band: float | None, unit: str) -> str:
    """A target as a condition: "≥ 75 %", "≤ 2 % of GNI p.c.", "0.98–1.02"."""
    suffix = " %" if unit == "%" else (f" {unit}" if unit else "")
    if comparator == "between":
        return f"{value - (band or 0):,.2f}–{value + (band or 0):,.2f}{suffix}"
    sign = {">=": "≥", "<=": "≤"}.get(comparator, comparator)
    return f"{sign} {value:,.0f}{suffix}" if float(value).is_integer() else f"{sign} {value:,.2f}{suffix}"


# --- tables as HTML text --------------------------------------------------------------------------
# The pages show long tables as one HtmlBlock (HTML; dashboard/html_block.py) instead of one html.Td per cell:
# Dash 4's renderer does work per component on every store update, and a 217-row table of components
# took seconds to draw on the 2-core machine. Every value is escaped here.

TABLE_ROWS = 300  # a data-table alternative shows at most this many rows (the Data page has them all)


# Escaped short texts, kept: the tables' texts (economies' names, codes, units) recur from one request to the next.
_escaped_short = lru_cache(maxsize=1 << 15)(html.escape)
SHORT_TEXT = 160  # longer texts (a SQL result's, a note) are escaped each time: the cache holds at most ~10 MB


def escaped(text: str) -> str:
    """`text` escaped for HTML (html.escape, quotes too)."""
    return _escaped_short(text) if len(text) <= SHORT_TEXT else html.escape(text)


def esc(value) -> str:
    """Any value as text safe inside HTML ("" for missing values)."""
    if type(value) is str:  # most values: tested first
        return escaped(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def scroll_box(table: str, label: str) -> str:
    """A table (HTML) in a box of its own that scrolls sideways when the table is wider than the screen, so
    that the page never does (a phone's 390 px). The box is a named region that takes keyboard focus, so that
    it can be scrolled with the arrow keys (WCAG 2.1.1)."""
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{esc(label)}">{table}</div>'


def table_label(headers: list[str]) -> str:
    """A table's name for screen readers when it has no caption: its first columns."""
    named = ", ".join(headers[:3]) + (", …" if len(headers) > 3 else "")
    return _("Table: {columns}").format(columns=named)


def html_table(headers: list[str], rows: list[list[str]], table_id: str | None = None) -> str:
    """A table with the shared `data-table` style, in its scrolling box; `rows` hold cells that are already
    HTML-safe."""
    head = "".join(f'<th scope="col">{esc(header)}</th>' for header in headers)
    try:
        body = "".join(["<tr><td>" + "</td><td>".join(row) + "</td></tr>" if row else "<tr></tr>" for row in rows])
    except TypeError:  # a cell that is not yet text (a number): written as an f-string writes it
        body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    id_attribute = f' id="{esc(table_id)}"' if table_id else ""
    return scroll_box(f'<table class="data-table"{id_attribute}><thead><tr>{head}</tr></thead>'
                      f"<tbody>{body}</tbody></table>", table_label(headers))


def frame_table(frame: pd.DataFrame, labels: dict[str, str] | None = None, digits: int = 1) -> str:
    """A frame as an HTML table (the chart's data-table alternative), numbers formatted, text escaped."""
    if frame.empty:
        return "<p>" + esc(_("No data for this selection.")) + "</p>"  # e.g. the Gaps page's empty tables
    labels = labels or {}

    def cell(value) -> str:
        if isinstance(value, float):
            return "" if math.isnan(value) else formatting.fixed(value, digits)
        return esc(value)

    fixed = formatting.fixed_writer(digits)

    def column_cells(values: list) -> list[str]:
        """A column's cells: its texts and numbers by their exact type (one test per cell, not esc's four),
        anything else as `cell` writes it."""
        cells = []
        for value in values:
            kind = type(value)
            if kind is str:
                cells.append(escaped(value))
            elif kind is float:
                cells.append("" if value != value else fixed(value))  # NaN is not itself
            elif kind is int:
                cells.append(str(value))  # digits and a sign: nothing to escape
            else:
                cells.append(cell(value))
        return cells

    shown = frame.head(TABLE_ROWS)
    # Column by column (tolist), not itertuples: a named tuple per row cost more than the cells themselves.
    columns = [column_cells(shown.iloc[:, position].tolist()) for position in range(shown.shape[1])]
    rows = [list(row) for row in zip(*columns, strict=True)]
    table = html_table([labels.get(column, column) for column in shown.columns], rows)
    if len(frame) > TABLE_ROWS:
        table += '<p class="caption">' + esc(_("First {shown} of {total} rows; the Data page has them all.").format(
            shown=formatting.count(TABLE_ROWS), total=formatting.count(len(frame)))) + "</p>"
    return table


# --- sparklines -----------------------------------------------------------------------------------


def sparkline(series: pd.DataFrame, *, label: str, value_format: str = ",.1f", reference: pd.DataFrame | None = None,
              reference_label: str = "", target: float | None = None, target_label: str = "") -> str:
    """A small line of `series` (year, value) as SVG, optionally a dashed reference series and a dotted
    target; `value_format` formats the hover values (a Python format spec)."""
    lines = [line_from(series, label, SPARK_COLOUR)]
    if reference is not None and len(reference):
        lines.append(line_from(reference, reference_label, REFERENCE_COLOUR, width=1.5, dash="5 3"))
    return sparkline_svg(lines, height=SPARK_HEIGHT, value_format=value_format,
                         label=_("Sparkline: {label}").format(label=label), target=target,
                         target_label=target_label, target_colour=TARGET_COLOUR)


def trend_sentence(series: pd.DataFrame, label: str, fmt) -> str:
    """"<label> went from X in Y0 to Z in Y1." — the sparkline's one-sentence summary."""
    if series.empty:
        return _("No data for {subject}.").format(subject=formatting.in_sentence(label))
    first, last = series.iloc[0], series.iloc[-1]
    words = {"subject": label, "start": fmt(first["value"]), "end": fmt(last["value"]),
             "first_year": int(first["year"]), "last_year": int(last["year"])}
    if words["start"] == words["end"]:
        # "fell from 0.92 to 0.92" would contradict itself: a change smaller than the precision shown is none.
        return _("{subject} was {start} in {first_year} and still {end} in {last_year}.").format(**words)
    if last["value"] > first["value"]:
        return _("{subject} rose from {start} in {first_year} to {end} in {last_year}.").format(**words)
    return _("{subject} fell from {start} in {first_year} to {end} in {last_year}.").format(**words)


# --- the About page's coverage map ----------------------------------------------------------------


def coverage_map(counts: pd.DataFrame, total: int, first_year: int, last_year: int) -> go.Figure:
    """Choropleth of how many catalogue indicators each economy has data for in [first_year, last_year].

    `counts` has one row per economy (iso3, name, n_indicators), zeros included: an economy with no
    indicator at all is a finding, so it is coloured, not left grey. The scale runs from 0 to the best-covered
    economy (not to `total`, which no economy reaches), so differences between economies stay visible.
    """
    best = int(counts["n_indicators"].max()) if len(counts) else 1
    figure = go.Figure(go.Choropleth(
        locations=counts["iso3"], z=counts["n_indicators"], text=counts["name"], locationmode="ISO-3",
        colorscale=MAP_SCALE, zmin=0, zmax=max(best, 1), marker_line_color="white", marker_line_width=0.4,
        colorbar={"title": {"text": _("indicators")}, "thickness": 14},
        hovertemplate=("<b>%{text}</b><br>" + _("{count} of {total} indicators with data, {first}–{last}").format(
            count="%{z}", total=total, first=first_year, last=last_year) + "<extra></extra>"),
    ))
    figure.update_geos(
        showframe=False, showcoastlines=False, projection_type="natural earth", showland=True,
        landcolor=NO_DATA_GREY, showcountries=True, countrycolor="white", lataxis_range=[-58, 85],
    )
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=440,
        title={"text": _("Catalogue indicators with data, {first}–{last}").format(first=first_year, last=last_year),
               "x": 0.01, "font": {"size": 15}},
    )
    return directed(figure)


def coverage_summary(counts: pd.DataFrame, total: int, first_year: int, last_year: int) -> str:
    """One sentence: the median economy, the best and the worst covered."""
    if counts.empty:
        return _("No economy has data in these years.")
    ranked = counts.sort_values(["n_indicators", "name"], ascending=[False, True])
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    return _("Between {first} and {last} the median economy has data for {median} of {total} catalogue indicators, "
             "from {fewest} in {fewest_economy} to {most} in {most_economy}.").format(
        first=first_year, last=last_year, median=formatting.fixed(counts["n_indicators"].median(), 0), total=total,
        fewest=int(bottom["n_indicators"]), fewest_economy=bottom["name"], most=int(top["n_indicators"]),
        most_economy=top["name"])
