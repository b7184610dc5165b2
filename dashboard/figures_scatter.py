"""The Scatter page's figure: one indicator against another for a year, one point per economy.

Pure functions of (rows, options), like dashboard/figures.py: points coloured by region or income group, sized
by population, log or linear per axis, a chosen group's members drawn over the others (which fade), and an
ordinary least-squares line, which describes the cloud and estimates nothing causal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import formatting
from dashboard.chart_style import AGGREGATE_COLOUR, COUNTRY_COLOURS


@dataclass(frozen=True)
class ColourBy:
    column: str  # in the rows (dashboard/queries/scatter.py)
    label: str
    order: tuple[str, ...]
    colours: tuple[str, ...]


# Regions in the Okabe-Ito colours; income groups from orange (low) to dark blue (high), an order a reader
# with any common colour-vision deficiency still sees.
COLOUR_BY = {
    "region": ColourBy("wb_region", "World Bank region", (
        "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean", "Middle East & North Africa",
        "North America", "South Asia", "Sub-Saharan Africa"), tuple(COUNTRY_COLOURS)),
    "income": ColourBy("income_group", "Income group", (
        "Low income", "Lower middle income", "Upper middle income", "High income"),
        ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")),
}
OTHER = "Not classified"
FADED = 0.15  # the opacity of economies outside a chosen group
LARGEST_POINT = 46  # px across, for the most populous economy; area is proportional to population
SMALLEST_POINT = 5  # px, also the size of an economy whose population is not known


@dataclass(frozen=True)
class Axis:
    name: str
    unit: str
    log: bool


@dataclass(frozen=True)
class Fit:
    """y = intercept + slope·x on the axes as drawn (log10 of the values on a log axis)."""
    slope: float
    intercept: float
    r2: float
    n: int


def plottable(rows: pd.DataFrame, x: Axis, y: Axis) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows drawn, rows left out): a log axis cannot draw zero or a negative value."""
    keep = pd.Series(True, index=rows.index)
    if x.log:
        keep &= rows["x"] > 0
    if y.log:
        keep &= rows["y"] > 0
    return rows[keep], rows[~keep]


def least_squares(rows: pd.DataFrame, x: Axis, y: Axis) -> Fit | None:
    """Ordinary least squares of y on x over the rows drawn, on the axes' scales; None under three points or
    when x does not vary."""
    xs = np.log10(rows["x"].astype(float)) if x.log else rows["x"].astype(float)
    ys = np.log10(rows["y"].astype(float)) if y.log else rows["y"].astype(float)
    if len(rows) < 3 or float(np.ptp(xs)) == 0:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = float(((ys - (intercept + slope * xs)) ** 2).sum())
    total = float(((ys - ys.mean()) ** 2).sum())
    return Fit(float(slope), float(intercept), 1 - residual / total if total else 0.0, len(rows))


def _fit_line(fit: Fit, rows: pd.DataFrame, x: Axis, y: Axis) -> dict:
    low, high = float(rows["x"].min()), float(rows["x"].max())
    grid = np.geomspace(low, high, 60) if x.log else np.linspace(low, high, 60)
    drawn = fit.intercept + fit.slope * (np.log10(grid) if x.log else grid)
    return {"type": "scatter", "mode": "lines", "name": "Least-squares fit (descriptive)",
            "x": grid.tolist(), "y": (10 ** drawn if y.log else drawn).tolist(),
            "line": {"color": AGGREGATE_COLOUR, "width": 1.5, "dash": "dash"}, "hoverinfo": "skip"}


def _sizes(population: list, largest: float) -> list[float]:
    """Point diameters with area proportional to population (the smallest size when it is not known)."""
    sizes = []
    for value in population:
        if formatting.missing(value) or largest <= 0:
            sizes.append(SMALLEST_POINT)
        else:
            sizes.append(max(SMALLEST_POINT, LARGEST_POINT * math.sqrt(float(value) / largest)))
    return sizes


def _hover(x: Axis, y: Axis) -> str:
    return ("<b>%{text}</b><br>" + f"{formatting.in_sentence(x.name).capitalize()}: " + "%{customdata[0]}<br>"
            + f"{formatting.in_sentence(y.name).capitalize()}: " + "%{customdata[1]}<br>"
            + "Population: %{customdata[2]}<extra>%{fullData.name}</extra>")


def scatter(rows: pd.DataFrame, x: Axis, y: Axis, year: int, colour_by: str, *,
            members: set[str] | None = None, group_name: str = "") -> dict:
    """The scatter as a plain plotly dict: a trace per colour category (the legend), the fit on top.

    With `members`, the group's economies are drawn opaque with a dark outline, the others faded."""
    colours = COLOUR_BY[colour_by]
    drawn, _ = plottable(rows, x, y)
    largest = float(drawn["population"].max()) if drawn["population"].notna().any() else 0.0
    categories = [*colours.order, OTHER]
    palette = dict(zip(categories, [*colours.colours, "#777777"], strict=False))
    # The points as Python lists, split by category once: a frame sliced per category (filter, astype, itertuples)
    # cost more than the points themselves (docs/serving.md, "Answer costs: text columns and Scatter").
    known = set(colours.order)
    category = [value if value in known else OTHER for value in drawn[colours.column].tolist()]
    columns = {column: drawn[column].tolist()
               for column in ("x", "y", "name", "iso3", "x_year", "y_year", "population", "population_year")}
    traces = []
    for name in categories:
        at = [position for position, of in enumerate(category) if of == name]
        if not at:
            continue
        part = {column: [values[position] for position in at] for column, values in columns.items()}
        inside = [members is None or code in members for code in part["iso3"]]
        traces.append({
            "type": "scatter", "mode": "markers", "name": name, "x": [float(value) for value in part["x"]],
            "y": [float(value) for value in part["y"]], "text": part["name"], "ids": part["iso3"],
            "customdata": [[_value(px, x.unit, px_year), _value(py, y.unit, py_year), _people(people, people_year)]
                           for px, px_year, py, py_year, people, people_year in zip(
                               part["x"], part["x_year"], part["y"], part["y_year"], part["population"],
                               part["population_year"], strict=True)],
            "hovertemplate": _hover(x, y),
            "marker": {"color": palette[name], "size": _sizes(part["population"], largest), "sizemode": "diameter",
                       "opacity": [0.85 if inside_group else FADED for inside_group in inside],
                       "line": {"color": [AGGREGATE_COLOUR if members is not None and inside_group else "white"
                                          for inside_group in inside], "width": 1}},
            "legendgroup": name, "showlegend": members is None,
        })
        if members is not None:  # plotly's legend copies a trace's first point, which may be a faded one
            traces.append({"type": "scatter", "mode": "markers", "name": name, "x": [None], "y": [None],
                           "legendgroup": name, "hoverinfo": "skip",
                           "marker": {"color": palette[name], "size": 10, "opacity": 0.85}})
    fit = least_squares(drawn, x, y)
    if fit is not None:
        traces.append(_fit_line(fit, drawn, x, y))
    title = f"{y.name} against {x.name}, {year}"
    if members is not None:
        title += f"<br><sub>{group_name} highlighted</sub>"
    return {"data": traces, "layout": {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "meta": {"indicator": f"{y.name} against {x.name}, {year}",
                 "unit": f"x: {x.unit}; y: {y.unit}"},  # read by the downloads (assets/chart_downloads.js)
        "xaxis": {"title": {"text": _axis_title(x)}, "type": "log" if x.log else "linear", "zeroline": False},
        "yaxis": {"title": {"text": _axis_title(y)}, "type": "log" if y.log else "linear", "zeroline": False},
        # Under the plot, across: beside it, the legend took most of a phone's width.
        "legend": {"title": {"text": colours.label, "side": "top"}, "itemsizing": "constant", "orientation": "h",
                   "x": 0, "xanchor": "left", "y": -0.16, "yanchor": "top"},
        "hovermode": "closest", "margin": {"l": 60, "r": 10, "t": 70 if members is not None else 50, "b": 40},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "height": 600,
    }}


def _axis_title(axis: Axis) -> str:
    return f"{axis.name} ({formatting.short_unit(axis.unit)}{', log scale' if axis.log else ''})"


def _value(value: float, unit: str, year: int) -> str:
    return f"{formatting.value(value, unit)} ({int(year)})"


def _people(value, year) -> str:
    return "not known" if formatting.missing(value) else f"{formatting.people(float(value))} ({int(year)})"


def fallback_note(rows: pd.DataFrame, year: int, window: int) -> str:
    """Which values are not of the chosen year (each economy's latest of the `window` years before)."""
    if window == 0:
        return f"Only values for {year} itself are used."
    older = rows[(rows["x_year"] < year) | (rows["y_year"] < year)]
    lead = (f"Where an economy has no value for {year}, its latest value from {year - window}–{year - 1} is used "
            "instead; the table gives each value's year.")
    if older.empty:
        return lead + f" Every point here is from {year}."
    return lead + f" {len(older)} of {len(rows)} points use such an earlier value."


def dropped_note(dropped: pd.DataFrame) -> str:
    if dropped.empty:
        return ""
    names = ", ".join(dropped["name"].head(5).tolist()) + (", …" if len(dropped) > 5 else "")
    return f"Not drawn on the log scale (zero or negative value): {len(dropped)} economies ({names})."


def fit_caption(fit: Fit | None, x: Axis, y: Axis) -> str:
    """What the dashed line is, with its slope and R²: a description of these points, not an estimate of an
    effect (a correlation across economies says nothing about what would happen in any one of them)."""
    if fit is None:
        return "Too few points for a fitted line."
    scale = {(False, False): "", (True, False): " per tenfold x", (False, True): " (log10 of y)",
             (True, True): " (log10 of y per log10 of x)"}[(x.log, y.log)]
    return (f"The dashed line is an ordinary least-squares fit over the {fit.n} economies drawn (slope "
            f"{fit.slope:,.3g}{scale}, R² {fit.r2:.2f}): a descriptive fit of these points, not a causal estimate.")


def summary(rows: pd.DataFrame, x: Axis, y: Axis, year: int, fit: Fit | None) -> str:
    """One sentence: how many economies, and how y moves with x across them."""
    if rows.empty:
        return f"No economy reports both {formatting.in_sentence(x.name)} and {formatting.in_sentence(y.name)} " \
               f"for {year} or the years just before."
    text = f"{len(rows)} economies report both for {year} (or just before)."
    if fit is not None:
        direction = "higher" if fit.slope > 0 else "lower"
        strength = "a close" if fit.r2 >= 0.5 else "a loose" if fit.r2 >= 0.2 else "hardly any"
        text += (f" Across them, {formatting.in_sentence(y.name)} tends to be {direction} where "
                 f"{formatting.in_sentence(x.name)} is higher, with {strength} fit (R² {fit.r2:.2f}).")
    return text


def table(rows: pd.DataFrame, x: Axis, y: Axis, colour_by: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The chart's rows as shown (values formatted to their unit's precision) and the column labels."""
    colours = COLOUR_BY[colour_by]
    frame = pd.DataFrame({
        "name": rows["name"], "iso3": rows["iso3"], "category": rows[colours.column].fillna(OTHER),
        "x": [formatting.number(value, x.unit) for value in rows["x"]], "x_year": rows["x_year"].astype(int),
        "y": [formatting.number(value, y.unit) for value in rows["y"]], "y_year": rows["y_year"].astype(int),
        "population": ["" if formatting.missing(value) else formatting.people(float(value))
                       for value in rows["population"]],
    })
    labels = {"name": "Economy", "iso3": "Code", "category": colours.label,
              "x": f"{x.name} ({formatting.short_unit(x.unit)})", "x_year": "Year (x)",
              "y": f"{y.name} ({formatting.short_unit(y.unit)})", "y_year": "Year (y)", "population": "Population"}
    return frame, labels
