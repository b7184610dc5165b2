"""Targets page figures and texts, as pure functions of (data, options): no database, no Dash.

A target row (from the `target` table) is a mapping with comparator, value, band, met_threshold, bound,
deadline_year and pace; a progress row (from `target_progress`) carries base/latest year and value, the observed
and required compound rates, status, projected year, pace and the projected path. The measure, the pace and the
path are computed once, in etl/measures/progress.py; this module only draws what the ETL wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard import formatting
from dashboard.chart_style import LINE_COLOURS, NO_DATA_GREY, NO_SHAPE, directed, mark_definition_changes
from dashboard.rows import num, records

# Every status the ETL writes (etl/measures/status_rules.py STATUSES), best first, and "no data" for economies
# with no row. Okabe–Ito colours (colour-blind safe); text always goes with them.
STATUSES = ("met", "on track", "acceleration needed", "limited progress", "deteriorating", "not met",
            "insufficient data", "no open indicator")
NO_DATA = "no data"
STATUS_COLOURS = {
    "met": "#009E73",                  # bluish green
    "on track": "#56B4E9",             # sky blue
    "acceleration needed": "#F0E442",  # yellow
    "limited progress": "#E69F00",     # orange
    "deteriorating": "#D55E00",        # vermillion
    "not met": "#CC79A7",              # reddish purple
    "insufficient data": "#8C8C8C",    # mid grey
    "no open indicator": "#BBBBBB",
    NO_DATA: NO_DATA_GREY,
}
# Black text reads on every one of these swatches (contrast ≥ 5:1, the vermillion being the lowest).
STATUS_TEXT = {status: "#000000" for status in STATUS_COLOURS}
CHART_FROM = 2005  # the trend chart starts here; its table lists every year


def pace_kind(target: Mapping, row: Mapping | None = None) -> str:
    """How the observed rate applies, as the ETL wrote it (etl/measures/progress.pace_kind): the row's own kind
    ('shortfall', 'growth' or 'linear', the last for an unbounded target from a value <= 0), else the target's."""
    kind = row.get("pace") if row is not None else None
    return kind if isinstance(kind, str) else str(target.get("pace") or "shortfall")


def projection(row: Mapping) -> pd.DataFrame:
    """The path the ETL projected from the row's latest value at its observed pace (target_progress.projection_years
    and projection_values, etl/measures/progress.projection): empty when there is nothing to project."""
    years, values = row.get("projection_years"), row.get("projection_values")
    if not isinstance(years, list | tuple | np.ndarray) or not isinstance(values, list | tuple | np.ndarray):
        years, values = [], []
    return pd.DataFrame({"year": pd.Series([int(year) for year in years], dtype="int64"),
                         "value": pd.Series([float(value) for value in values], dtype="float64")})


# --- texts -----------------------------------------------------------------------------------------


# Targets on a ratio are a band of ±0.02 around parity, judged to the third decimal (as the status badges
# write them): at two decimals a fall from 0.925 to 0.920 would read "0.92, from 0.92" beside "deteriorating".
TARGET_RATIO_DIGITS = 3


def fmt(value, unit: str = "", digits: int | None = None) -> str:
    """A number for reading, to its unit's precision (formatting.digits): shares 1 decimal, prices in % of GNI 2,
    ratios 3 (TARGET_RATIO_DIGITS); "—" if none."""
    number = num(value)
    if number is None:
        return "—"
    if digits is None:  # 0–1 indices as the status badges write them (status_rules.fmt_value): 0.427, not 0.43
        digits = TARGET_RATIO_DIGITS if unit == "ratio" or unit.startswith("index") else formatting.digits(unit)
    suffix = "%" if unit.startswith("%") else ""
    return f"{number:,.{digits}f}{suffix}"


def fmt_distance(value, unit: str) -> str:
    """Distance still to go: percentage points for shares and % of GNI, the unit's own digits otherwise."""
    number = num(value)
    if number is None:
        return "—"
    if unit == "% of monthly GNI per capita":
        return f"{number:,.2f} pp"
    if unit.startswith("%"):
        return f"{number:,.1f} pp"
    return f"{number:,.{TARGET_RATIO_DIGITS if unit == 'ratio' else formatting.digits(unit)}f}"


def target_text(target: Mapping, unit: str) -> str:
    """'at least 75% by 2025', 'at least 95% (goal 100%) by 2030', '0.98–1.02 by 2030', 'at most 2% by 2025'."""
    value, deadline = float(target["value"]), int(target["deadline_year"])
    digits = 2 if unit == "ratio" else 0 if unit.startswith("%") else None  # None: the unit's own (an index's 0.500)
    if target["comparator"] == "between":
        band = float(target["band"])
        return f"between {fmt(value - band, unit, digits)} and {fmt(value + band, unit, digits)} by {deadline}"
    if target["comparator"] == "<=":
        return f"at most {fmt(value, unit, digits)} by {deadline}"
    threshold = num(target.get("met_threshold"))
    if threshold is not None and threshold != value:
        return f"{fmt(value, unit, digits)} by {deadline} (scored as met at {fmt(threshold, unit, digits)})"
    return f"at least {fmt(value, unit, digits)} by {deadline}"


def projected_text(row: Mapping) -> str:
    """When the target is reached at the observed pace, in words."""
    status = row.get("status")
    year = num(row.get("status_year")) if num(row.get("status_year")) is not None else num(row.get("projected_year"))
    if status == "met":
        return f"met in {int(year)}" if year is not None else "met"
    if status == "not met":
        return "deadline passed"
    if status in ("insufficient data", "no open indicator", NO_DATA):
        return "—"
    year = num(row.get("projected_year"))
    if year is None:
        return "not at the current pace"
    return str(int(year))


def projected_sentence(row: Mapping) -> str:
    """The card's line on when the target is reached."""
    when = projected_text(row)
    if when.startswith("met"):
        return f"Target {when}."
    if when == "deadline passed":
        return "The deadline has passed."
    if when == "—":
        return "No projection."
    if when == "not at the current pace":
        return "Not reached at the observed pace."
    return f"Reached in {when} at the observed pace."


def pace_label(target: Mapping, kind: str, unit: str) -> str:
    """What the rates on the page measure, as progress towards the target (positive = towards it)."""
    if kind == "linear":
        return f"Change per year, {unit}"
    if kind == "growth":
        return "Growth per year, % (compound)"
    if target["comparator"] == "<=":
        return "Fall in the value per year, % (compound)"
    if target["comparator"] == "between":
        return "Share of the distance to the band closed per year, % (compound)"
    return f"Share of the shortfall to {fmt(target['bound'], unit, 0)} closed per year, % (compound)"


def towards(rate, kind: str) -> float | None:
    """A rate as 'progress per year' in %: shortfall rates are negative when closing, so their sign flips."""
    number = num(rate)
    if number is None:
        return None
    if kind == "linear":
        return number
    return -100 * number if kind == "shortfall" else 100 * number


def status_badge_style(status: str) -> dict:
    return {"background": STATUS_COLOURS.get(status, NO_DATA_GREY), "color": STATUS_TEXT.get(status, "#000"),
            "padding": "0.1rem 0.5rem", "borderRadius": "3px", "fontWeight": 600, "border": "1px solid #555",
            "display": "inline-block"}


# --- figures (plain plotly dicts: building go.Figure objects costs ~10x more, and callbacks must stay fast) ---

AXIS = {"gridcolor": "#eeeeee", "zeroline": False}
FONT_TITLE = {"size": 15}


def empty_figure(message: str, height: int = 320) -> dict:
    return directed({"data": [], "layout": {
        "height": height, "plot_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                         "font": {"size": 14}}],
    }})


def _hline(y: float, text: str, *, dash: str = "solid", width: float = 1.5, below: bool = False
           ) -> tuple[dict, dict]:
    shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"color": "#000000", "width": width, "dash": dash}}
    note = {"text": text, "xref": "paper", "x": 0.01, "xanchor": "left", "yref": "y", "y": y, "showarrow": False,
            "yanchor": "top" if below else "bottom", "font": {"size": 12}}
    return shape, note


def target_chart(series: pd.DataFrame, row: Mapping | None, target: Mapping, *, scope_name: str, unit: str,
                 indicator_name: str, extra: tuple[str, pd.DataFrame, Mapping | None] | None = None,
                 changes: Sequence[tuple[int, str]] = ()) -> dict:
    """The scope's series over time with the target, the deadline and a dashed projection at the observed pace.

    `series` has year, value and optionally population_coverage; `extra` = (name, series, progress row) adds a
    second scope (a chosen group) with its own projection. `changes` (a spliced price basket's definition
    changes) are marked by labelled vertical lines inside the years shown.
    """
    if series.empty and (extra is None or extra[1].empty):
        return empty_figure(f"No {scope_name} series for {formatting.in_sentence(indicator_name)}")
    ratio = unit == "ratio"
    digits = 3 if ratio or unit.startswith("index") else 1  # a 0–1 index read to 0.1 would hide its change
    level = 0 if unit.startswith("%") else None  # the target lines: "75%", an index's "0.500"
    short = "%" if unit.startswith("%") else f" {unit}"
    traces: list[dict] = []
    lines = [(scope_name, series, row, LINE_COLOURS[0])]
    if extra is not None:
        lines.append((extra[0], extra[1], extra[2], LINE_COLOURS[1]))
    years: list[int] = []
    for name, frame, progress_row, colour in lines:
        shown = frame[frame["year"] >= CHART_FROM]
        years += [int(year) for year in frame["year"]]
        if "population_coverage" in shown:
            coverage = [f"population coverage {c:.0%}" if pd.notna(c) else "" for c in shown["population_coverage"]]
        else:
            coverage = ["the publisher's series"] * len(shown)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": shown["year"].astype(int).tolist(),
            "y": shown["value"].astype(float).tolist(), "customdata": coverage,
            "line": {"color": colour, "width": 2.5}, "marker": {"size": 5},
            "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:,.{digits}f}}{short}<br>%{{customdata}}<extra></extra>",
        })
        if progress_row is None:
            continue
        ahead = projection(progress_row)
        if len(ahead) > 1:
            traces.append({
                "type": "scatter", "mode": "lines+markers", "name": f"{name}: projection at the observed pace",
                "x": ahead["year"].tolist(), "y": ahead["value"].tolist(),
                "line": {"color": colour, "width": 2, "dash": "dash"}, "marker": {"size": 5, "symbol": "circle-open"},
                "hovertemplate": f"<b>{name}, projected</b> %{{x}}: %{{y:,.{digits}f}}{short}<extra></extra>",
            })
            years.append(int(ahead["year"].iloc[-1]))
        base_year, base_value = num(progress_row.get("base_year")), num(progress_row.get("base_value"))
        if base_year is not None and base_value is not None:
            traces.append({
                "type": "scatter", "mode": "markers", "name": f"{name}: base year {int(base_year)}",
                "x": [int(base_year)], "y": [base_value],
                "marker": {"size": 12, "symbol": "diamond-open", "color": colour, "line": {"width": 2}},
                "hovertemplate": f"<b>{name}, base</b> %{{x}}: %{{y:,.{digits}f}}{short}<extra></extra>",
            })
    value, deadline = float(target["value"]), int(target["deadline_year"])
    shapes, notes = [], []
    if target["comparator"] == "between":
        band = float(target["band"])
        shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value - band,
                       "y1": value + band, "fillcolor": "#009E73", "opacity": 0.18, "line": {"width": 0},
                       "layer": "below"})
        notes.append({"text": f"Target band {value - band:.2f}–{value + band:.2f}", "xref": "paper", "x": 0.01,
                      "xanchor": "left", "yref": "y", "y": value + band, "yanchor": "bottom", "showarrow": False})
    else:
        threshold = num(target.get("met_threshold"))
        word = "at most" if target["comparator"] == "<=" else "goal" if threshold is not None else "at least"
        shape, note = _hline(value, f"Target: {word} {fmt(value, unit, level)}")
        shapes.append(shape)
        notes.append(note)
        if threshold is not None and threshold != value:
            shape, note = _hline(threshold, f"scored as met at {fmt(threshold, unit, level)}", dash="dot", width=1,
                                 below=True)
            shapes.append(shape)
            notes.append(note)
    shapes.append({"type": "line", "xref": "x", "x0": deadline, "x1": deadline, "yref": "paper", "y0": 0, "y1": 1,
                   "line": {"color": "#555555", "width": 1, "dash": "dot"}})
    notes.append({"text": f"Deadline {deadline}", "xref": "x", "x": deadline, "xanchor": "right", "yref": "paper",
                  "y": 1, "yanchor": "bottom", "showarrow": False})
    first = max(CHART_FROM, min(years)) if years else CHART_FROM
    last = max(deadline, *years) if years else deadline
    changed: dict = {}
    mark_definition_changes(changed, changes, first=first + 1, last=last)
    shapes += changed.get("shapes", [])
    notes += changed.get("annotations", [])
    yaxis = {**AXIS, "title": {"text": unit}}
    if not ratio:
        top = max([value, *[t for trace in traces for t in trace["y"] if t is not None]])
        yaxis["range"] = [0, top * 1.08]
    return directed({"data": traces, "layout": {
        "height": 420, "margin": {"l": 55, "r": 20, "t": 40, "b": 40}, "plot_bgcolor": "white",
        "hovermode": "closest", "showlegend": True,
        "title": {"text": f"{indicator_name}: {scope_name} against the target", "x": 0.01, "font": FONT_TITLE},
        "xaxis": {**AXIS, "range": [first - 0.5, last + 1.5], "dtick": 5},
        "yaxis": yaxis, "legend": {"orientation": "h", "y": -0.12}, "shapes": shapes, "annotations": notes,
    }})


def group_rates_chart(groups: pd.DataFrame, target: Mapping, unit: str, *, highlight: str | None = None) -> dict:
    """A dumbbell per group: the pace required from the base year to meet the target by the deadline (open
    diamond) against the pace observed (dot coloured by status); the status is also written in the label.

    `groups` has group_id, name, status, required_rate, observed_rate, base_value, latest_value (one row per
    group, first on top). Rates are shown as progress per year in % (positive = towards the target).
    """
    if groups.empty:
        return empty_figure("No group has a value for this indicator")
    rows = records(groups)
    kinds = {pace_kind(target, row) for row in rows}
    kind = "linear" if "linear" in kinds else kinds.pop()
    labels = [f"{'▶ ' if row['group_id'] == highlight else ''}{row['name']} · {row['status']}" for row in rows]
    required = [towards(row["required_rate"], kind) for row in rows]
    observed = [towards(row["observed_rate"], kind) for row in rows]
    xs, ys = [], []
    for label, low, high in zip(labels, required, observed, strict=True):
        if low is not None and high is not None:
            xs += [low, high, None]
            ys += [label, label, None]
    traces = [
        {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "line": {"color": "#999999", "width": 2},
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "mode": "markers", "name": "Required pace (from the base year)",
         "x": required, "y": labels,
         "marker": {"symbol": "diamond-open", "size": 11, "color": "#000000", "line": {"width": 2}},
         "hovertemplate": "%{y}<br>required %{x:,.1f} per year<extra></extra>"},
    ]
    for status in STATUSES:
        picked = [i for i, row in enumerate(rows) if row["status"] == status and observed[i] is not None]
        if not picked:
            continue
        traces.append({
            "type": "scatter", "mode": "markers", "name": f"Observed pace: {status}",
            "x": [observed[i] for i in picked], "y": [labels[i] for i in picked],
            "marker": {"symbol": "circle", "size": 12, "color": STATUS_COLOURS[status],
                       "line": {"color": "#333333", "width": 1}},
            "hovertemplate": "%{y}<br>observed %{x:,.1f} per year<extra></extra>",
        })
    height = max(300, 170 + 34 * len(rows))
    plot_height = height - 40 - 130  # the legend sits a fixed 60 px under the axis title, whatever the height
    return directed({"data": traces, "layout": {
        "height": height, "margin": {"l": 10, "r": 20, "t": 40, "b": 130},
        "plot_bgcolor": "white", "hovermode": "closest", "showlegend": True,
        "title": {"text": "Required against observed pace, by group", "x": 0.01, "font": FONT_TITLE},
        "xaxis": {**AXIS, "title": {"text": pace_label(target, kind, unit)}, "zeroline": True,
                  "zerolinecolor": "#555555", "rangemode": "tozero"},
        "yaxis": {"automargin": True, "categoryorder": "array", "categoryarray": labels[::-1],
                  "autorange": True},
        "legend": {"orientation": "h", "y": -60 / plot_height, "yanchor": "top", "x": 0},
    }})


Rows = pd.DataFrame | list[dict]  # rows as a frame, or already as dicts (dashboard.rows.records)


def rows_of(rows: Rows) -> list[dict]:
    return records(rows) if isinstance(rows, pd.DataFrame) else rows


def status_map(countries: Rows, title: str, *, fit: bool = False) -> dict:
    """Choropleth of each economy's status: one trace per status (a categorical legend), grey = no data.

    `countries` has iso3, name, status (NO_DATA where the economy has no row), latest_year_text, latest_text and
    projected (texts for the hover). With `fit`, the map zooms to the economies listed (a chosen group).
    """
    traces = []
    every = rows_of(countries)
    for status in (*STATUSES, NO_DATA):
        rows = [row for row in every if row["status"] == status]
        if not rows:
            continue
        colour = STATUS_COLOURS[status]
        hover = [f"<b>{row['name']}</b><br>{status}"
                 + (f"<br>latest {row['latest_year_text']}: {row['latest_text']}" if row["latest_year_text"] else "")
                 + (f"<br>projected: {row['projected']}" if row["projected"] not in ("", "—") else "")
                 for row in rows]
        traces.append({
            "type": "choropleth", "locationmode": "ISO-3", "locations": [row["iso3"] for row in rows],
            "z": [1] * len(rows), "name": f"{status} ({len(rows)})", "colorscale": [[0, colour], [1, colour]],
            "showscale": False, "showlegend": True, "text": hover, "hovertemplate": "%{text}<extra></extra>",
            "marker": {"line": {"color": "white", "width": 0.4}},
        })
    return directed({"data": traces, "layout": {
        "height": 460, "margin": {"l": 0, "r": 0, "t": 30, "b": 0},
        "title": {"text": title, "x": 0.01, "font": FONT_TITLE},
        "geo": {"showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"},
                "showland": True, "landcolor": NO_DATA_GREY, "showcountries": True, "countrycolor": "white",
                **({"fitbounds": "locations"} if fit else {"lataxis": {"range": [-58, 85]}})},
        "legend": {"title": {"text": "Status (economies)"}, "x": 0.0, "y": 0.05,
                   "bgcolor": "rgba(255,255,255,0.85)"},
    }})


def status_counts(statuses: Iterable) -> pd.DataFrame:
    """Economies per status, in the order of STATUSES (then 'no data'); statuses nobody has are left out (and
    missing ones are not counted). Counted in plain Python: value_counts cost more than the rest of a map."""
    counts = Counter(status for status in statuses if isinstance(status, str))
    order = [status for status in (*STATUSES, NO_DATA) if status in counts]
    total = sum(counts.values())
    return pd.DataFrame({"status": order, "economies": [counts[s] for s in order],
                         "share": [counts[s] / total for s in order]})


def off_map(countries: Rows) -> str:
    """Economies with a status but no shape on the map (Kosovo), named rather than dropped."""
    return "; ".join(f"{NO_SHAPE[row['iso3']]} ({row['iso3']}): {row['status']}" for row in rows_of(countries)
                     if row["iso3"] in NO_SHAPE and row["status"] != NO_DATA)


# --- summaries -------------------------------------------------------------------------------------


def chart_summary(row: Mapping | None, target: Mapping, scope_name: str, unit: str, indicator_name: str) -> str:
    """One sentence: where the scope stands, its status and when the target is reached at the observed pace."""
    if row is None or num(row.get("latest_value")) is None:
        return f"No {scope_name} value for {formatting.in_sentence(indicator_name)}: progress cannot be assessed."
    latest = f"{fmt(row['latest_value'], unit)} in {int(row['latest_year'])}"
    base = ""
    if num(row.get("base_year")) is not None and int(row["base_year"]) != int(row["latest_year"]):
        base = f" (from {fmt(row['base_value'], unit)} in {int(row['base_year'])})"
    status = row["status"]
    label = row.get("status_text") if isinstance(row.get("status_text"), str) else status
    text = f"{scope_name}: {latest}{base}; target {target_text(target, unit)}; status: {label}"
    if status in ("met", "not met") or row.get("deadline_passed") is True:
        return text + "."
    when = projected_text(row)
    if when == "—":
        return text + "."
    if when == "not at the current pace":
        return text + "; at the observed pace the target is not reached."
    return text + f"; at the observed pace the target is reached in {when}."


def groups_summary(groups: pd.DataFrame, type_name: str) -> str:
    if groups.empty:
        return f"None of the {type_name} has a value for this indicator."
    counts = status_counts(groups["status"])
    parts = [f"{row.economies} {row.status}" for row in counts.itertuples()]
    return f"{len(groups)} groups ({type_name}): " + ", ".join(parts) + "."


def map_summary(counts: pd.DataFrame, where: str) -> str:
    if counts.empty:
        return f"No economy {where} has data for this target."
    total = int(counts["economies"].sum())
    parts = [f"{row.economies} {row.status}" for row in counts.itertuples()]
    return f"Of {total} economies {where}: " + ", ".join(parts) + "."
