"""What every chart shares: the palette, the shapes the world map lacks, and the marks of a spliced series'
definition changes. Its own module so that figures.py and the per-page figure modules import it, not each other."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard import i18n

# Colour-blind-safe: viridis for continuous maps, Okabe–Ito for lines.
MAP_SCALE = "Viridis"
LINE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
NO_DATA_GREY = "#d9d9d9"
NOT_IN_GROUP = "#f7f7f7"  # economies outside a chosen group: paler than "no data", outlined
NOT_IN_GROUP_LINE = "#b0b0b0"
AGGREGATE_COLOUR = "#000000"  # the group (or world) aggregate and its projection; countries use the others
COUNTRY_COLOURS = [colour for colour in LINE_COLOURS if colour != AGGREGATE_COLOUR]
# Shapes plotly's world topojson lacks; data for them is said to be off the map, not dropped.
NO_SHAPE = {"XKX": "Kosovo"}

CHANGE_COLOUR = "#CC79A7"  # definition changes of a spliced series (dash-dot vertical lines)


def mark_definition_changes(layout: dict, changes: Sequence[tuple[int, str]], *, first: int | None = None,
                            last: int | None = None) -> None:
    """A labelled dash-dot vertical line between the last year of a basket definition and the first of the next
    ("5 GB from 2025"), for each change of a spliced series within [first, last]; added to a plotly layout."""
    for year, label in changes:
        if (first is not None and year < first) or (last is not None and year > last):
            continue
        x = year - 0.5
        layout.setdefault("shapes", []).append({
            "type": "line", "name": f"definition change {year}", "xref": "x", "x0": x, "x1": x, "yref": "paper",
            "y0": 0, "y1": 1, "line": {"color": CHANGE_COLOUR, "width": 1.5, "dash": "dashdot"}})
        layout.setdefault("annotations", []).append({
            "name": f"definition change {year}", "text": label, "xref": "x", "x": x, "xanchor": "right",
            "yref": "paper", "y": 1, "yanchor": "top", "textangle": -90, "showarrow": False,
            "font": {"size": 10, "color": "#8B3A6B"}})


def definition_changes_note(changes: Sequence[tuple[int, str]]) -> str:
    """The sentence under a chart or table of a spliced series: its definition changes ('' when none)."""
    if not changes:
        return ""
    return ("The basket changed definition: " + ", ".join(label for _, label in changes)
            + " (dash-dot lines on the chart); values across a change are not comparable.")



# --- right to left ------------------------------------------------------------------------------------------------
# plotly.js has no right-to-left mode: what our code places on a side for reading (the title, a chart's legend, the
# colour bar) is mirrored here for a right-to-left locale, the one place that decides it. The axes are not: time runs
# to the right in the UN's Arabic statistics too (assets/i18n.css keeps the charts' SVG left to right), so neither are
# the notes placed on the data (a target's line, a deadline, a subplot's title): mirrored, they met the deadline's.
_FLIP = {"left": "right", "right": "left"}
# plotly's defaults for what it places when the figure does not say (its layout reference): a vertical legend sits
# just right of the plot (x 1.02), a horizontal one at the plot's left edge (x 0), both anchored by their left side;
# a colour bar sits at 1.02, anchored left.
_LEGEND_X = {"h": 0.0, "v": 1.02}
_COLORBAR_X = 1.02
_NOTE_LINE = 16  # px: a line of a note's 12 px text


def _mirrored(placed: dict, default_x: float, default_anchor: str = "left") -> dict:
    """A copy of a legend or colour bar with its x mirrored across the middle and its anchor
    flipped (an "auto" or "center" anchor is symmetric already)."""
    anchor = placed.get("xanchor", default_anchor)
    return {**placed, "x": round(1 - placed.get("x", default_x), 6), "xanchor": _FLIP.get(anchor, anchor)}


# Traces that draw a colour bar unless told not to (showscale False), whether or not they say how.
_SCALED = {"choropleth", "heatmap", "contour"}


def _mirrored_trace(trace: dict) -> dict:
    if isinstance(trace.get("colorbar"), dict) or (trace.get("type") in _SCALED and trace.get("showscale", True)):
        trace = {**trace, "colorbar": _mirrored(trace.get("colorbar") or {}, _COLORBAR_X)}
    marker = trace.get("marker")
    if isinstance(marker, dict) and isinstance(marker.get("colorbar"), dict):
        trace = {**trace, "marker": {**marker, "colorbar": _mirrored(marker["colorbar"], _COLORBAR_X)}}
    return trace


def _above_plot(note: dict) -> bool:
    return note.get("yref") == "paper" and note.get("y", 0) >= 1 and note.get("yanchor") == "bottom"


def mirrored_layout(layout: dict) -> dict:
    """A plotly layout with its side placements mirrored (see above); a copy, the given one is left alone."""
    layout = dict(layout)
    title = layout.get("title")
    if isinstance(title, dict) and "x" in title:  # plotly centres a title with no x: nothing to mirror then
        auto = "left" if title["x"] <= 1 / 3 else "right" if title["x"] >= 2 / 3 else "center"  # plotly's "auto"
        title_anchor = title.get("xanchor", "auto").replace("auto", auto)
        layout["title"] = {**title, "x": round(1 - title["x"], 6), "xanchor": _FLIP.get(title_anchor, title_anchor)}
        if "y" not in title and any(_above_plot(note) for note in layout.get("annotations") or []):
            # A note over the plot (a deadline's, at the right end of time) shared the title's corner: the title
            # goes to the top of a margin made a line taller.
            layout["title"] = {"y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 6}, **layout["title"]}
            margin = layout.get("margin") or {}
            layout["margin"] = {**margin, "t": margin.get("t", 100) + _NOTE_LINE}
    legend = layout.get("legend")
    # A map's legend sits on the ocean west of the Americas, a place on the map rather than a reading order (on the
    # right it would cover Oceania); the server-drawn preview (dashboard/map_preview.py) puts it there too.
    if "geo" not in layout and (isinstance(legend, dict) or layout.get("showlegend") is not False):
        legend = legend if isinstance(legend, dict) else {}
        layout["legend"] = _mirrored(legend, _LEGEND_X["h" if legend.get("orientation") == "h" else "v"])
    coloraxis = layout.get("coloraxis")
    if isinstance(coloraxis, dict) and isinstance(coloraxis.get("colorbar"), dict):
        layout["coloraxis"] = {**coloraxis, "colorbar": _mirrored(coloraxis["colorbar"], _COLORBAR_X)}
    # A hover box of several lines reads from the right (its default aligns each line left).
    layout["hoverlabel"] = {"align": "right", **layout.get("hoverlabel", {})}
    return layout


def directed(figure):
    """`figure` (a plotly dict or go.Figure) placed for the request's reading direction: unchanged, the same
    object, in a left-to-right locale; a mirrored copy in a right-to-left one (`mirrored_layout`, and each
    trace's colour bar). Every figure module passes what it returns through here."""
    if i18n.current().direction != "rtl":
        return figure
    if isinstance(figure, go.Figure):
        return go.Figure(directed(figure.to_plotly_json()))
    return {**figure, "data": [_mirrored_trace(trace) for trace in figure.get("data", [])],
            "layout": mirrored_layout(figure.get("layout") or {})}
