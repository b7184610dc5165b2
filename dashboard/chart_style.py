"""What every chart shares: the palette, the shapes the world map lacks, and the marks of a spliced series'
definition changes. Its own module so that figures.py and the per-page figure modules import it, not each other."""

from __future__ import annotations

from collections.abc import Sequence

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

