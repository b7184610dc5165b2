"""The Scatter page's figure: one indicator against another for a year, one point per economy.

Pure functions of (rows, options), like dashboard/figures.py: points coloured by region or income group, sized
by population, log or linear per axis, a chosen group's members drawn over the others (which fade), and an
ordinary least-squares line, which describes the cloud and estimates nothing causal. The texts are in the
request's language (gettext; groups through dashboard/localized.py): English outside a request. Axis names come
in already translated; units come in English (their ids) and are written in the request's language here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from dashboard import formatting, i18n, localized
from dashboard.chart_style import AGGREGATE_COLOUR, COUNTRY_COLOURS, directed
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _


@dataclass(frozen=True)
class ColourBy:
    column: str  # in the rows (dashboard/queries/scatter.py)
    label: str  # an English msgid, translated where it is shown
    order: tuple[str, ...]  # the groups' English names (localized.GROUP_NAMES)
    colours: tuple[str, ...]


# Regions in the Okabe-Ito colours; income groups from orange (low) to dark blue (high), an order a reader
# with any common colour-vision deficiency still sees.
COLOUR_BY = {
    "region": ColourBy("wb_region", N_("World Bank region"), (
        "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean", "Middle East & North Africa",
        "North America", "South Asia", "Sub-Saharan Africa"), tuple(COUNTRY_COLOURS)),
    "income": ColourBy("income_group", N_("Income group"), (
        "Low income", "Lower middle income", "Upper middle income", "High income"),
        ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")),
}
OTHER = N_("Not classified")
FADED = 0.15  # the opacity of economies outside a chosen group
LARGEST_POINT = 46  # px across, for the most populous economy; area is proportional to population
SMALLEST_POINT = 5  # px, also the size of an economy whose population is not known


@dataclass(frozen=True)
class Axis:
    name: str  # in the request's language
    unit: str  # the catalogue's English unit (formatting picks precision by it)
    log: bool


def _category(english: str) -> str:
    """A region or income group (or OTHER), named in the request's language."""
    return _(OTHER) if english == OTHER else localized.group_name(english)


def in_sentence(name: str) -> str:
    """An indicator's name inside a sentence: formatting.in_sentence's lower case is English's rule; the names in
    other languages are kept as the catalogue writes them."""
    return formatting.in_sentence(name) if i18n.current() is i18n.DEFAULT else name


def _unit(unit: str) -> str:
    """The unit as written after a number, in the request's language ("%", "points", "US$")."""
    return formatting.short_unit(unit) if i18n.current() is i18n.DEFAULT else localized.short_unit(unit)


@dataclass(frozen=True)
class Fit:
    """y = intercept + slope·x on the axes as drawn (log10 of the values on a log axis)."""
    slope: float
    intercept: float
    r2: float
    n: int


Rows = pd.DataFrame | dict[str, list]  # the page's rows (dashboard/queries/scatter.py), or their columns as lists


def columns_of(rows: Rows) -> dict[str, list]:
    """The rows' columns as Python lists, from a frame or as they are. The page converts its frame once and every
    builder reads lists: pandas' filters and astype on a couple of hundred rows cost more than the points."""
    return {column: rows[column].tolist() for column in rows.columns} if isinstance(rows, pd.DataFrame) else rows


def _length(columns: dict[str, list]) -> int:
    return len(next(iter(columns.values()), []))


def _subset(columns: dict[str, list], keep: list[bool]) -> dict[str, list]:
    return {column: [value for value, kept in zip(values, keep, strict=True) if kept]
            for column, values in columns.items()}


def plottable(rows: Rows, x: Axis, y: Axis) -> tuple[dict[str, list], dict[str, list]]:
    """(rows drawn, rows left out), as columns: a log axis cannot draw zero or a negative value."""
    columns = columns_of(rows)
    if not (x.log or y.log):
        return columns, {column: [] for column in columns}
    keep = [(not x.log or px > 0) and (not y.log or py > 0)
            for px, py in zip(columns["x"], columns["y"], strict=True)]
    return _subset(columns, keep), _subset(columns, [not kept for kept in keep])


def least_squares(rows: Rows, x: Axis, y: Axis) -> Fit | None:
    """Ordinary least squares of y on x over the rows drawn, on the axes' scales; None under three points or
    when x does not vary."""
    columns = columns_of(rows)
    xs, ys = np.asarray(columns["x"], dtype=float), np.asarray(columns["y"], dtype=float)
    xs, ys = (np.log10(xs) if x.log else xs), (np.log10(ys) if y.log else ys)
    if len(xs) < 3 or float(np.ptp(xs)) == 0:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = float(((ys - (intercept + slope * xs)) ** 2).sum())
    total = float(((ys - ys.mean()) ** 2).sum())
    return Fit(float(slope), float(intercept), 1 - residual / total if total else 0.0, len(xs))


def _fit_line(fit: Fit, columns: dict[str, list], x: Axis, y: Axis) -> dict:
    low, high = float(min(columns["x"])), float(max(columns["x"]))
    grid = np.geomspace(low, high, 60) if x.log else np.linspace(low, high, 60)
    drawn = fit.intercept + fit.slope * (np.log10(grid) if x.log else grid)
    return {"type": "scatter", "mode": "lines", "name": _("Least-squares fit (descriptive)"),
            "x": grid.tolist(), "y": (10 ** drawn if y.log else drawn).tolist(),
            "line": {"color": AGGREGATE_COLOUR, "width": 1.5, "dash": "dash"}, "hoverinfo": "skip"}


def population_texts(columns: dict[str, list]) -> list[str | None]:
    """Each point's population as read (formatting.people), None where it is not known: the hover and the table
    both show it, so the page computes it once (the column "population_text") and both read that."""
    given = columns.get("population_text")
    if given is not None:
        return given
    return [None if formatting.missing(value) else formatting.people(float(value)) for value in columns["population"]]


def _sizes(population: list, largest: float) -> list[float]:
    """Point diameters with area proportional to population (the smallest size when it is not known)."""
    sizes = []
    for value in population:
        if formatting.missing(value) or largest <= 0:
            sizes.append(SMALLEST_POINT)
        else:
            sizes.append(max(SMALLEST_POINT, LARGEST_POINT * math.sqrt(float(value) / largest)))
    return sizes


def _label(name: str) -> str:
    """An indicator's name at the start of a hover line (English as before; elsewhere as the catalogue writes it:
    str.capitalize would lower-case its acronyms)."""
    return in_sentence(name).capitalize() if i18n.current() is i18n.DEFAULT else name


def _hover(x: Axis, y: Axis) -> str:
    return ("<b>%{text}</b><br>" + f"{_label(x.name)}: " + "%{customdata[0]}<br>"
            + f"{_label(y.name)}: " + "%{customdata[1]}<br>"
            + _("Population: {population}").format(population="%{customdata[2]}")
            + "<extra>%{fullData.name}</extra>")


UNFITTED = Fit(0.0, 0.0, 0.0, -1)  # scatter's default `fit`: not given, so computed there


def scatter(rows: Rows, x: Axis, y: Axis, year: int, colour_by: str, *,
            members: set[str] | frozenset[str] | None = None, group_name: str = "",
            fit: Fit | None = UNFITTED) -> dict:
    """The scatter as a plain plotly dict: a trace per colour category (the legend), the fit on top.

    With `members`, the group's economies are drawn opaque with a dark outline, the others faded. `fit`: the
    least_squares of the rows drawn, when the caller has it already."""
    colours = COLOUR_BY[colour_by]
    drawn, _dropped = plottable(rows, x, y)
    known_population = [float(value) for value in drawn["population"] if not formatting.missing(value)]
    largest = max(known_population) if known_population else 0.0
    categories = [*colours.order, OTHER]
    palette = dict(zip(categories, [*colours.colours, "#777777"], strict=False))
    # The points as Python lists, split by category once: a frame sliced per category (filter, astype, itertuples)
    # cost more than the points themselves (docs/serving.md, "Answer costs: text columns and Scatter").
    known = set(colours.order)
    category = [value if value in known else OTHER for value in drawn[colours.column]]
    columns = {column: drawn[column]
               for column in ("x", "y", "name", "iso3", "x_year", "y_year", "population", "population_year")}
    columns["population_text"] = population_texts(drawn)
    traces = []
    hover = _hover(x, y)
    value_text = _value_text()  # chosen once: a point's hover has two values
    for english in categories:
        at = [position for position, of in enumerate(category) if of == english]
        if not at:
            continue
        part = {column: [values[position] for position in at] for column, values in columns.items()}
        name = _category(english)
        inside = [members is None or code in members for code in part["iso3"]]
        traces.append({
            "type": "scatter", "mode": "markers", "name": name, "x": [float(value) for value in part["x"]],
            "y": [float(value) for value in part["y"]], "text": part["name"], "ids": part["iso3"],
            "customdata": [[f"{value_text(px, x.unit)} ({int(px_year)})", f"{value_text(py, y.unit)} ({int(py_year)})",
                            _people(people, people_year)]
                           for px, px_year, py, py_year, people, people_year in zip(
                               part["x"], part["x_year"], part["y"], part["y_year"], part["population_text"],
                               part["population_year"], strict=True)],
            "hovertemplate": hover,
            "marker": {"color": palette[english], "size": _sizes(part["population"], largest), "sizemode": "diameter",
                       "opacity": [0.85 if inside_group else FADED for inside_group in inside],
                       "line": {"color": [AGGREGATE_COLOUR if members is not None and inside_group else "white"
                                          for inside_group in inside], "width": 1}},
            "legendgroup": name, "showlegend": members is None,
        })
        if members is not None:  # plotly's legend copies a trace's first point, which may be a faded one
            traces.append({"type": "scatter", "mode": "markers", "name": name, "x": [None], "y": [None],
                           "legendgroup": name, "hoverinfo": "skip",
                           "marker": {"color": palette[english], "size": 10, "opacity": 0.85}})
    if fit is UNFITTED:
        fit = least_squares(drawn, x, y)
    if fit is not None:
        traces.append(_fit_line(fit, drawn, x, y))
    heading = _("{y} against {x}, {year}").format(y=y.name, x=x.name, year=year)
    title = heading
    if members is not None:
        title += "<br><sub>" + _("{group} highlighted").format(group=group_name) + "</sub>"
    return directed({"data": traces, "layout": {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "meta": {"indicator": heading,
                 "unit": f"x: {x.unit}; y: {y.unit}"},  # read by the downloads (assets/chart_downloads.js)
        "xaxis": {"title": {"text": _axis_title(x)}, "type": "log" if x.log else "linear", "zeroline": False},
        "yaxis": {"title": {"text": _axis_title(y)}, "type": "log" if y.log else "linear", "zeroline": False},
        # Under the plot, across: beside it, the legend took most of a phone's width.
        "legend": {"title": {"text": _(colours.label), "side": "top"}, "itemsizing": "constant", "orientation": "h",
                   "x": 0, "xanchor": "left", "y": -0.16, "yanchor": "top"},
        "hovermode": "closest", "margin": {"l": 60, "r": 10, "t": 70 if members is not None else 50, "b": 40},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "height": 600,
    }})


def _axis_title(axis: Axis) -> str:
    if axis.log:
        return _("{name} ({unit}, log scale)").format(name=axis.name, unit=_unit(axis.unit))
    return f"{axis.name} ({_unit(axis.unit)})"


def _value_text() -> Callable[[float, str], str]:
    """How a value is written with its unit in the request's language."""
    return formatting.value if i18n.current() is i18n.DEFAULT else localized.value_text


def _people(text: str | None, year) -> str:
    """A point's population (population_texts) and its year, for the hover."""
    return _("not known") if text is None else f"{text} ({int(year)})"


def fallback_note(rows: Rows, year: int, window: int) -> str:
    """Which values are not of the chosen year (each economy's latest of the `window` years before)."""
    if window == 0:
        return _("Only values for {year} itself are used.").format(year=year)
    columns = columns_of(rows)
    older = sum(1 for x_year, y_year in zip(columns["x_year"], columns["y_year"], strict=True)
                if x_year < year or y_year < year)
    count = _length(columns)
    lead = _("Where an economy has no value for {year}, its latest value from {first}–{last} is used instead; the "
             "table gives each value's year.").format(year=year, first=year - window, last=year - 1)
    if not older:
        return lead + " " + _("Every point here is from {year}.").format(year=year)
    return lead + " " + ngettext("{older} of {count} point uses such an earlier value.",
                                 "{older} of {count} points use such an earlier value.", count).format(
        older=formatting.count(older), count=formatting.count(count))


def dropped_note(dropped: Rows) -> str:
    names = columns_of(dropped)["name"]
    if not names:
        return ""
    listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return ngettext("Not drawn on the log scale (zero or negative value): {count} economy ({names}).",
                    "Not drawn on the log scale (zero or negative value): {count} economies ({names}).",
                    len(names)).format(count=formatting.count(len(names)), names=listed)


def fit_caption(fit: Fit | None, x: Axis, y: Axis) -> str:
    """What the dashed line is, with its slope and R²: a description of these points, not an estimate of an
    effect (a correlation across economies says nothing about what would happen in any one of them)."""
    if fit is None:
        return _("Too few points for a fitted line.")
    slope = _slope(fit.slope)
    slope = {(False, False): slope, (True, False): _("{slope} per tenfold x").format(slope=slope),
             (False, True): _("{slope} (log10 of y)").format(slope=slope),
             (True, True): _("{slope} (log10 of y per log10 of x)").format(slope=slope)}[(x.log, y.log)]
    return _("The dashed line is an ordinary least-squares fit over the {count} economies drawn (slope {slope}, "
             "R² {r2}): a descriptive fit of these points, not a causal estimate.").format(
        count=formatting.count(fit.n), slope=slope, r2=formatting.fixed(fit.r2, 2))


def _slope(value: float) -> str:
    """Three significant digits, as Python's ",.3g" writes them in English; the locale's separators otherwise."""
    if i18n.current() is i18n.DEFAULT:
        return f"{value:,.3g}"
    return format_decimal(value, format="@@@", locale=i18n.current().code) if abs(value) < 1000 else \
        formatting.fixed(value, 0)


def summary(rows: Rows, x: Axis, y: Axis, year: int, fit: Fit | None) -> str:
    """One sentence: how many economies, and how y moves with x across them."""
    count = _length(columns_of(rows))
    if not count:
        return _("No economy reports both {x} and {y} for {year} or the years just before.").format(
            x=in_sentence(x.name), y=in_sentence(y.name), year=year)
    text = ngettext("{count} economy reports both for {year} (or just before).",
                    "{count} economies report both for {year} (or just before).", count).format(
        count=formatting.count(count), year=year)
    if fit is not None:
        strength = "close" if fit.r2 >= 0.5 else "loose" if fit.r2 >= 0.2 else "none"
        text += " " + _(TREND_SENTENCES[(fit.slope > 0, strength)]).format(
            x=in_sentence(x.name), y=in_sentence(y.name), r2=formatting.fixed(fit.r2, 2))
    return text


# How y moves with x, as whole sentences (the words agree with each other in every language): (slope > 0, fit).
TREND_SENTENCES = {
    (True, "close"): N_("Across them, {y} tends to be higher where {x} is higher, with a close fit (R² {r2})."),
    (True, "loose"): N_("Across them, {y} tends to be higher where {x} is higher, with a loose fit (R² {r2})."),
    (True, "none"): N_("Across them, {y} tends to be higher where {x} is higher, with hardly any fit (R² {r2})."),
    (False, "close"): N_("Across them, {y} tends to be lower where {x} is higher, with a close fit (R² {r2})."),
    (False, "loose"): N_("Across them, {y} tends to be lower where {x} is higher, with a loose fit (R² {r2})."),
    (False, "none"): N_("Across them, {y} tends to be lower where {x} is higher, with hardly any fit (R² {r2})."),
}


def table(rows: Rows, x: Axis, y: Axis, colour_by: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The chart's rows as shown (values formatted to their unit's precision) and the column labels."""
    colours = COLOUR_BY[colour_by]
    columns = columns_of(rows)
    named: dict[object, str] = {}  # a few categories, named once each
    for value in columns[colours.column]:
        if value not in named:
            named[value] = _category(OTHER if value is None or value != value else value)  # None/NaN: not classified
    shown = {
        "name": columns["name"], "iso3": columns["iso3"],
        "category": [named[value] for value in columns[colours.column]],
        "x": [formatting.number(value, x.unit) for value in columns["x"]],
        "x_year": [int(year) for year in columns["x_year"]],
        "y": [formatting.number(value, y.unit) for value in columns["y"]],
        "y_year": [int(year) for year in columns["y_year"]],
        "population": [text or "" for text in population_texts(columns)],
    }
    # One block of Python objects, not a typed frame: the data-table alternative (components.data_table) reads
    # each column back as a list, and typing eight columns of strings cost several times building the block.
    block = np.empty((_length(columns), len(shown)), dtype=object)
    for position, values in enumerate(shown.values()):
        block[:, position] = values
    frame = pd.DataFrame(block, columns=list(shown), dtype=object, copy=False)
    labels = {"name": _("Economy"), "iso3": _("Code"), "category": _(colours.label),
              "x": f"{x.name} ({_unit(x.unit)})", "x_year": _("Year (x)"),
              "y": f"{y.name} ({_unit(y.unit)})", "y_year": _("Year (y)"), "population": _("Population")}
    return frame, labels
