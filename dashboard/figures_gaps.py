"""Figures and one-sentence summaries for the Gaps page, as pure functions of (data, options).

No database and no Dash here: the page queries the measures tables and passes frames in (economies and groups
already named in the request's language, dashboard/localized.py), so every builder can be checked on a small
hand-made frame. The interface texts go through gettext: English outside a request, the request's language in one.

Speed: each callback must answer within ~100 ms on a 2-core machine. Building go.Figure objects
validates every property (15–20 ms a figure) and pandas costs milliseconds per operation on frames of
a few dozen rows, so the builders turn each frame into plain records once and return plotly figure
*dicts* (which dcc.Graph takes as they are). The tests validate every builder's output with
go.Figure(figure), which raises on any invalid property.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import formatting, i18n
from dashboard.chart_style import LINE_COLOURS, directed
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.rows import plain as _plain
from dashboard.rows import plain_records as records

PARITY_BAND = (0.98, 1.02)  # ITU's parity band for a ratio of two rates (docs/methodology.md)
COVERAGE_THRESHOLD = 0.5  # group_aggregate leaves the value empty below this population coverage
NO_VALUE_GREY = "#8c8c8c"
BAND_FILL = "rgba(0, 158, 115, 0.18)"  # Okabe–Ito bluish green, light
GRID = "#eeeeee"


@dataclass(frozen=True)
class Gap:
    """One kind of gap: which breakdown it compares and which derived indicators measure it."""

    # The texts are English msgids (N_), translated where they are shown: module-level, they exist before any
    # request says which language to show.
    key: str
    label: str  # for the control
    phrase: str  # the label inside a sentence ("Internet use, women and men: …")
    dimension: str  # the observation column that holds the breakdown: sex or area
    pair: tuple[str, str]  # (usually less connected, usually more connected): the ratio is first ÷ second
    names: dict[str, str]  # legend labels
    nouns: dict[str, str]  # in sentences: "54 % of women", "58 % of rural residents"
    shares: dict[str, str]  # "{share} of women": the share phrase whole, as each language builds it
    colours: dict[str, str]
    symbols: dict[str, str]
    parity_indicator: str
    gap_indicator: str
    ratio_label: str
    gap_label: str
    below: str  # what a ratio under the band means
    by: str  # "By sex": the breakdown's source lead
    no_survey: str  # "{economy}: no survey by sex"


GAPS: dict[str, Gap] = {
    "gender": Gap(
        key="gender", label=N_("Women and men"), phrase=N_("women and men"), dimension="sex", pair=("female", "male"),
        names={"female": N_("Women"), "male": N_("Men")}, nouns={"female": N_("women"), "male": N_("men")},
        shares={"female": N_("{share} of women"), "male": N_("{share} of men")},
        colours={"female": "#D55E00", "male": "#0072B2"}, symbols={"female": "circle", "male": "diamond"},
        parity_indicator="internet_gender_parity", gap_indicator="internet_gender_gap",
        ratio_label=N_("Gender parity score (women ÷ men)"),
        gap_label=N_("Gender gap (men − women), percentage points"),
        below=N_("women less connected than men"), by=N_("By sex"), no_survey=N_("{economy}: no survey by sex")),
    "urban_rural": Gap(
        key="urban_rural", label=N_("Urban and rural"), phrase=N_("urban and rural"), dimension="area",
        pair=("rural", "urban"), names={"rural": N_("Rural"), "urban": N_("Urban")},
        nouns={"rural": N_("rural residents"), "urban": N_("urban residents")},
        shares={"rural": N_("{share} of rural residents"), "urban": N_("{share} of urban residents")},
        colours={"rural": "#009E73", "urban": "#CC79A7"}, symbols={"rural": "circle", "urban": "diamond"},
        parity_indicator="internet_rural_urban_ratio", gap_indicator="internet_urban_rural_gap",
        ratio_label=N_("Rural ÷ urban Internet use"),
        gap_label=N_("Urban–rural gap (urban − rural), percentage points"),
        below=N_("rural residents less connected than urban ones"), by=N_("By area"),
        no_survey=N_("{economy}: no survey by area")),
}
STATUS_STYLE = {  # colour and symbol both differ, so the status reads without colour vision
    "below": (N_("Below the parity band"), "#D55E00", "circle"),
    "within": (N_("Within the band (0.98–1.02)"), "#009E73", "square"),
    "above": (N_("Above the band"), "#0072B2", "diamond"),
}


# --- helpers ----------------------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return formatting.percent(100 * share, 0)


def _one(value: float) -> str:
    """A share in percent to one decimal ("54.2 %", "54,2 %" in French)."""
    return formatting.percent(value, 1)


def _ratio(value: float) -> str:
    return formatting.fixed(value, 2)


def _span(years: list[int]) -> str:
    return "" if not years else str(min(years)) if min(years) == max(years) else f"{min(years)}–{max(years)}"


def year_span(years) -> str:
    """"2016–2020" (or "2019" for one year; "" for none) from any iterable of years."""
    return _span([int(year) for year in (_plain(value) for value in years) if year is not None])


Rows = pd.DataFrame | list[dict]  # a query's rows, as a frame or already as plain dicts (dashboard.rows)


def rows_of(rows: Rows) -> list[dict]:
    """Rows as plain dicts, from a frame or as they are: a caller passing one frame to several builders converts it
    once."""
    return records(rows) if isinstance(rows, pd.DataFrame) else rows


def table_frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """Rows (tuples of plain values) as a frame of Python objects for the data-table alternative
    (components.data_table, which reads each column back as a list): one block, no type inference per column,
    several times cheaper to build than a typed frame. The values are unchanged (None and NaN both show empty);
    not for sorting or arithmetic."""
    block = np.empty((len(rows), len(columns)), dtype=object)
    if rows:
        block[:] = rows
    return pd.DataFrame(block, columns=columns, dtype=object, copy=False)


def _figure(traces: list[dict], heading: str, height: int, *, note: str | None = None, **layout) -> dict:
    """A plotly figure dict with this page's common layout; `note` is written across an empty chart."""
    axis = {"gridcolor": GRID, "zeroline": False}
    settings = {"margin": {"l": 55, "r": 15, "t": 40, "b": 40}, "legend": {"orientation": "h", "y": -0.18},
                "xaxis": {}, "yaxis": {}}
    settings.update(layout)
    for key in [key for key in settings if key.startswith(("xaxis", "yaxis"))]:
        settings[key] = {**axis, **settings[key]}
    settings.update(height=height, plot_bgcolor="white", hovermode="closest",
                    title={"text": heading, "x": 0.01, "font": {"size": 14}, **settings.get("title", {})})
    if note:
        settings["annotations"] = [*settings.get("annotations", []), {
            "text": note, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
            "font": {"size": 13, "color": "#555555"}}]
    return directed({"data": traces, "layout": settings})


def _by_year(rows: list[dict], gap: Gap) -> dict[int, dict[str, float]]:
    """{year: {category: value}} for the years in which both sides of the gap have a value."""
    years: dict[int, dict[str, float]] = {}
    for row in rows:
        if row["value"] is not None:
            years.setdefault(int(row["year"]), {})[row["category"]] = float(row["value"])
    return {year: values for year, values in years.items() if all(side in values for side in gap.pair)}


def _years_list(years: list[int]) -> str:
    """2016, 2017, 2018, 2020 → "2016–2018 and 2020"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    return parts[0] if len(parts) == 1 else _("{years} and {last}").format(years=", ".join(parts[:-1]),
                                                                            last=parts[-1])


# --- (a) group series: ours and the publisher's ---------------------------------------------------------------


def no_value_years(rows: pd.DataFrame | list[dict]) -> list[tuple[int, float]]:
    """(year, population coverage) for each year our aggregate leaves empty (coverage under the threshold)."""
    rows = records(rows) if isinstance(rows, pd.DataFrame) else rows
    empty: dict[int, float] = {}
    for row in rows:
        if row["value"] is None:
            coverage = row["population_coverage"] or 0.0
            empty[int(row["year"])] = min(coverage, empty.get(int(row["year"]), coverage))
    return sorted(empty.items())


def group_series(rows: Rows, gap: Gap, group_name: str) -> dict:
    """Our population-weighted aggregate for each side of the gap, per year.

    `rows`: year, category, value (NULL below 50 % coverage), population_coverage, n_countries, n_members.
    Years without a value are drawn as grey crosses along the foot of the chart, so the gap in the
    record is visible and its coverage is in the hover.
    """
    data = sorted(rows_of(rows), key=lambda row: row["year"])
    traces = []
    for category in gap.pair:
        part = [row for row in data if row["category"] == category and row["value"] is not None]
        traces.append({
            "type": "scatter", "x": [row["year"] for row in part], "y": [row["value"] for row in part],
            "name": _("{side} (our aggregate)").format(side=_(gap.names[category])), "mode": "lines+markers",
            "line": {"color": gap.colours[category], "width": 2},
            "marker": {"size": 8, "symbol": gap.symbols[category]},
            "customdata": [[100 * row["population_coverage"], row["n_countries"], row["n_members"]] for row in part],
            "hovertemplate": _("{side} {year}: {value}<br>population coverage {coverage} ({count} of {members} "
                               "economies)").format(side=f"<b>{_(gap.names[category])}</b>", year="%{x}",
                                                    value="%{y:.1f} %", coverage="%{customdata[0]:.0f} %",
                                                    count="%{customdata[1]}", members="%{customdata[2]}")
            + "<extra></extra>",
        })
    empty = no_value_years(data)
    if empty:
        traces.append({
            "type": "scatter", "x": [year for year, _coverage in empty], "y": [2] * len(empty),
            "name": _("No value: coverage under {threshold}").format(threshold=_pct(COVERAGE_THRESHOLD)),
            "mode": "markers",
            "marker": {"symbol": "x-thin-open", "size": 10, "color": NO_VALUE_GREY,
                       "line": {"width": 2, "color": NO_VALUE_GREY}},
            "customdata": [100 * coverage for _year, coverage in empty],
            "hovertemplate": _("{year}: no value; population coverage {coverage} (under {threshold})").format(
                year="%{x}", coverage="%{customdata:.0f} %", threshold=_pct(COVERAGE_THRESHOLD))
            + "<extra></extra>",
        })
    years = [row["year"] for row in data]
    has_value = any(row["value"] is not None for row in data)
    note = (_("No data for {group}").format(group=group_name) if not data else None if has_value
            else _("No year reaches {threshold} population coverage").format(threshold=_pct(COVERAGE_THRESHOLD)))
    return _figure(traces, _("Internet use, {gap}: {group} (our aggregate)").format(gap=_(gap.phrase),
                                                                                   group=group_name), 380,
                   note=note, yaxis={"title": {"text": _("% of population")}, "range": [0, 100]},
                   xaxis={"dtick": 1} if years and max(years) - min(years) <= 12 else {})


def coverage_note(rows: Rows, group_name: str) -> str:
    """Say which years have no value and why (an aggregate shows its coverage: docs/methodology.md)."""
    if len(rows) == 0:
        return _("No economy in {group} reports this breakdown.").format(group=group_name)
    empty = no_value_years(rows)
    if not empty:
        return ""
    low, high = min(coverage for _year, coverage in empty), max(coverage for _year, coverage in empty)
    coverage = _pct(high) if math.isclose(low, high, abs_tol=0.005) else f"{_pct(low)}–{_pct(high)}"
    return _("No value for {years}: the economies reporting cover only {coverage} of the population of {group}, "
             "under the {threshold} needed for an aggregate (crosses along the foot of the chart).").format(
        years=_years_list([year for year, _coverage in empty]), coverage=coverage, group=group_name,
        threshold=_pct(COVERAGE_THRESHOLD))


def series_summary(rows: Rows, gap: Gap, group_name: str) -> str:
    low, high = gap.pair
    data = rows_of(rows)
    both = _by_year(data, gap)
    if not both:
        if not data:
            return _("Our aggregates have no data on {gap} for {group}.").format(gap=_(gap.phrase), group=group_name)
        best = max(row["population_coverage"] or 0.0 for row in data)
        return _("Our aggregate has no value for {group} in any year: the economies that report {gap} separately "
                 "cover at most {coverage} of its population.").format(group=group_name, gap=_(gap.phrase),
                                                                      coverage=_pct(best))
    year = max(both)
    latest = both[year]
    coverage = min(row["population_coverage"] for row in data if row["year"] == year)
    return _("In {year}, {low} and {high} in {group} used the Internet by our aggregate (ratio {ratio}; "
             "population coverage {coverage}).").format(
        year=year, low=_(gap.shares[low]).format(share=_one(latest[low])),
        high=_(gap.shares[high]).format(share=_one(latest[high])), group=group_name,
        ratio=_ratio(latest[low] / latest[high]), coverage=_pct(coverage))


def published_series(rows: Rows, gap: Gap, edition: str) -> dict:
    """ITU's own aggregates (one edition): each side of the gap, solid for the chosen group, dotted for World.

    `rows`: group_code, group_name, year, category, value; the chosen group's rows first.
    """
    data = rows_of(rows)
    traces = []
    for position, code in enumerate(dict.fromkeys(row["group_code"] for row in data)):
        for category in gap.pair:
            part = sorted((row for row in data if row["group_code"] == code and row["category"] == category),
                          key=lambda row: row["year"])
            if not part:
                continue
            name = _("{side}, {group} (ITU)").format(side=_(gap.names[category]), group=part[0]["group_name"])
            traces.append({
                "type": "scatter", "x": [row["year"] for row in part], "y": [row["value"] for row in part],
                "name": name, "mode": "lines+markers",
                "line": {"color": gap.colours[category], "width": 2, "dash": "solid" if position == 0 else "dot"},
                "marker": {"size": 7, "symbol": gap.symbols[category]},
                "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:.1f}} %<extra></extra>",
            })
    return _figure(traces, _("ITU's published aggregates ({edition})").format(edition=edition), 380,
                   note=None if data else _("ITU publishes no such aggregate"),
                   yaxis={"title": {"text": _("% of population")}, "range": [0, 100]}, xaxis={"dtick": 1})


def published_summary(rows: Rows, gap: Gap, edition: str) -> str:
    data = rows_of(rows)
    if not data:
        return _("ITU's {edition} publishes no aggregate of {gap} for this group.").format(edition=edition,
                                                                                           gap=_(gap.phrase))
    first = data[0]
    both = _by_year([row for row in data if row["group_code"] == first["group_code"]], gap)
    low, high = gap.pair
    if not both:
        return _("ITU's {edition} has no year with both {low} and {high}.").format(
            edition=edition, low=_(gap.nouns[low]), high=_(gap.nouns[high]))
    year = max(both)
    value_low, value_high = both[year][low], both[year][high]
    return _("ITU's {edition} (the publisher's own figures): in {year}, {low} and {high} in {group} used the "
             "Internet (ratio {ratio}).").format(
        edition=edition, year=year, low=_(gap.shares[low]).format(share=formatting.percent(value_low, 0)),
        high=_(gap.shares[high]).format(share=formatting.percent(value_high, 0)), group=first["group_name"],
        ratio=_ratio(value_low / value_high))


# --- (b) country parity scores ----------------------------------------------------------------------------------


def parity_status(value: float) -> str:
    low, high = PARITY_BAND
    return "below" if value < low else "above" if value > high else "within"


def _present(rows: Rows) -> list[dict]:
    """Members with a value, sorted by value then name."""
    present = [row for row in rows_of(rows) if row["value"] is not None]
    return sorted(present, key=lambda row: (row["value"], row["name"]))


def parity_dots(rows: Rows, gap: Gap, group_name: str, group_value: dict | None = None) -> dict:
    """One dot per member with a value (its latest survey, the year in the label), the parity band shaded.

    `rows`: iso3, name, year, value (members without a value are left out here; the table lists them).
    `group_value`: our group's own ratio {year, value}, drawn as a dashed line when there is one.
    """
    present = _present(rows)
    labels = [f"{row['name']} ({int(row['year'])})" for row in present]
    low, high = PARITY_BAND
    shapes = [
        {"type": "rect", "xref": "x", "yref": "paper", "x0": low, "x1": high, "y0": 0, "y1": 1,
         "fillcolor": BAND_FILL, "line": {"width": 0}, "layer": "below"},
        {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
         "line": {"color": "#009E73", "width": 1}},
    ]
    band = _("parity band {low}–{high}").format(low=_ratio(low), high=_ratio(high))
    annotations = [{"text": band + " ", "x": low, "y": 1, "xref": "x", "yref": "paper",
                    "xanchor": "right", "yanchor": "top", "showarrow": False, "font": {"size": 11}}]
    if group_value is not None and group_value.get("value") is not None:
        value = float(group_value["value"])
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0, "y1": 1,
                       "line": {"color": "#000000", "dash": "dash", "width": 1.5}})
        annotations.append({"text": " " + _("{group} (our aggregate, {year}): {value}").format(
                                group=group_name, year=int(group_value["year"]), value=_ratio(value)),
                            "x": value, "y": 0, "xref": "x", "yref": "paper", "xanchor": "left",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 11}})
    traces = []
    for status, (name, colour, symbol) in STATUS_STYLE.items():
        part = [(row, label) for row, label in zip(present, labels, strict=True)
                if parity_status(row["value"]) == status]
        if not part:
            continue
        traces.append({
            "type": "scatter", "x": [row["value"] for row, _label in part], "y": [label for _row, label in part],
            "name": _(name), "mode": "markers", "customdata": [row["iso3"] for row, _label in part],
            "marker": {"color": colour, "symbol": symbol, "size": 9, "line": {"width": 0.5, "color": "white"}},
            "hovertemplate": "<b>%{y}</b>: %{x:.2f}<extra></extra>",
        })
    values = [row["value"] for row in present]
    top, bottom = 95, 30
    plot_height = max(200, 17 * len(present))
    height = plot_height + top + bottom
    # The legend sits between the title and the x ticks (drawn on top: the list can be long), placed in
    # pixels converted to the paper coordinates plotly wants.
    return _figure(
        traces, _("{ratio}: members of {group}, latest survey year").format(ratio=_(gap.ratio_label),
                                                                             group=group_name), height,
        note=None if present else _("No member of {group} has survey data").format(group=group_name),
        shapes=shapes, annotations=annotations,
        xaxis={"range": [min([*values, low]) - 0.03, max([*values, high]) + 0.03], "side": "top"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": labels, "tickfont": {"size": 10},
               "automargin": True, "range": [-0.7, max(len(present), 1) - 0.3]},
        legend={"orientation": "h", "y": 1 + 28 / plot_height, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin={"l": 10, "r": 15, "t": top, "b": bottom},
        title={"y": 1 - 8 / height, "yanchor": "top"}, meta={"unit": "ratio"})  # the downloads name the unit


def parity_summary(rows: Rows, gap: Gap, group_name: str) -> str:
    present = _present(rows)
    if not present:
        return ngettext("The one member of {group} has no survey data on {gap}.",
                        "None of the {count} members of {group} has survey data on {gap}.", len(rows)).format(
            count=formatting.count(len(rows)), group=group_name, gap=_(gap.phrase))
    status = dict.fromkeys(STATUS_STYLE, 0)
    for row in present:
        status[parity_status(row["value"])] += 1
    lowest = present[0]
    return ngettext("{present} of {count} member of {group} has a survey value (latest survey years {years}): "
                    "{within} within the parity band, {below} below it ({meaning}) and {above} above; lowest "
                    "{lowest} ({value} in {year}).",
                    "{present} of {count} members of {group} have a survey value (latest survey years {years}): "
                    "{within} within the parity band, {below} below it ({meaning}) and {above} above; lowest "
                    "{lowest} ({value} in {year}).", len(rows)).format(
        present=formatting.count(len(present)), count=formatting.count(len(rows)), group=group_name,
        years=year_span(row["year"] for row in present), within=formatting.count(status["within"]),
        below=formatting.count(status["below"]), meaning=_(gap.below), above=formatting.count(status["above"]),
        lowest=lowest["name"], value=_ratio(lowest["value"]), year=int(lowest["year"]))


def parity_table(rows: Rows) -> pd.DataFrame:
    """Every member, with "no data" written out where there is no survey value."""
    present = _present(rows)
    missing = sorted((row for row in rows_of(rows) if row["value"] is None), key=lambda row: row["name"])
    return table_frame(
        [(row["name"], row["iso3"], str(int(row["year"])), formatting.fixed(row["value"], 3),
          _(STATUS_STYLE[parity_status(row["value"])][0])) for row in present]
        + [(row["name"], row["iso3"], "", _("no data"), "") for row in missing],
        ["name", "iso3", "year", "value", "status"])


# --- (c) gap against income -----------------------------------------------------------------------------------


def gap_vs_income(rows: Rows, gap: Gap, year_label: str) -> dict:
    """Gap in points against GNI per capita (log scale), one colour per World Bank region.

    `rows`: iso3, name, wb_region, year, gap, gni.
    """
    data = rows_of(rows)
    labelled = len(data) <= 25  # few points: name them on the chart
    traces = []
    no_region = _("No region")
    regions = sorted({row["wb_region"] or no_region for row in data})
    for index, region in enumerate(regions):
        part = [row for row in data if (row["wb_region"] or no_region) == region]
        traces.append({
            "type": "scatter", "x": [row["gni"] for row in part], "y": [row["gap"] for row in part], "name": region,
            "mode": "markers+text" if labelled else "markers", "text": [row["name"] for row in part],
            "textposition": "top center", "textfont": {"size": 10}, "customdata": [row["year"] for row in part],
            "marker": {"color": LINE_COLOURS[index % len(LINE_COLOURS)], "size": 9, "opacity": 0.85,
                       "line": {"width": 0.5, "color": "white"}},
            "hovertemplate": _("{economy} ({year}): gap {gap} points; GNI per capita US$ {gni}").format(
                economy="<b>%{text}</b>", year="%{customdata}", gap="%{y:.1f}", gni="%{x:,.0f}") + "<extra></extra>",
        })
    ticks = [200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000]
    return _figure(
        traces, _("{gap} against GNI per capita, {year}").format(gap=_(gap.gap_label), year=year_label), 460,
        note=None if data else _("No economy has both values"),
        shapes=[{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
                 "line": {"color": "#555555", "width": 1}}],
        xaxis={"title": {"text": _("GNI per capita, Atlas method (current US$, log scale)")}, "type": "log",
               "tickvals": ticks, "ticktext": [formatting.fixed(tick, 0) for tick in ticks]},
        yaxis={"title": {"text": _("Gap (percentage points)")}},
        legend={"orientation": "h", "y": -0.22})


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank (as pandas' rank(method="average"))."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def rank_correlation(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (Pearson's on ranks); NaN when either side is constant."""
    rx, ry = _ranks(x), _ranks(y)
    mean_x, mean_y = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mean_x) ** 2 for a in rx)
    var_y = sum((b - mean_y) ** 2 for b in ry)
    return cov / math.sqrt(var_x * var_y) if var_x and var_y else float("nan")


def scatter_summary(rows: Rows, gap: Gap, year_label: str) -> str:
    data = rows_of(rows)
    if len(data) < 3:
        return _("Too few economies ({count}) have both the gap and GNI per capita for {year}.").format(
            count=formatting.count(len(data)), year=year_label)
    rho = rank_correlation([row["gap"] for row in data], [row["gni"] for row in data])
    sentence = (N_("Across {count} economies ({year}), the gap is larger where incomes are lower (rank correlation "
                   "{rho}); the widest is {economy} at {gap} points ({widest_year}).") if rho < -0.1 else
                N_("Across {count} economies ({year}), the gap is larger where incomes are higher (rank correlation "
                   "{rho}); the widest is {economy} at {gap} points ({widest_year}).") if rho > 0.1 else
                N_("Across {count} economies ({year}), the gap is not clearly related to income (rank correlation "
                   "{rho}); the widest is {economy} at {gap} points ({widest_year})."))
    widest = max(data, key=lambda row: row["gap"])
    return _(sentence).format(count=formatting.count(len(data)), year=year_label, rho=_ratio(rho),
                              economy=widest["name"], gap=formatting.fixed(widest["gap"], 1),
                              widest_year=int(widest["year"]))


# --- (d) chosen countries over time ---------------------------------------------------------------------------


def country_trend(totals: Rows, breakdown: Rows, gap: Gap) -> dict:
    """Each chosen economy's total Internet use as a line, its survey values by breakdown as markers.

    `totals`: iso3, name, year, value; `breakdown`: iso3, name, year, category, value.
    """
    lines, points = rows_of(totals), rows_of(breakdown)
    traces = []
    names = sorted({row["name"] for row in lines} | {row["name"] for row in points})
    for index, name in enumerate(names):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        line = sorted((row for row in lines if row["name"] == name), key=lambda row: row["year"])
        traces.append({
            "type": "scatter", "x": [row["year"] for row in line], "y": [row["value"] for row in line],
            "name": _("{economy}: all").format(economy=name), "mode": "lines", "legendgroup": name,
            "line": {"color": colour, "width": 1.5},
            "hovertemplate": _("{economy}, everyone {year}: {value}").format(
                economy=f"<b>{name}</b>", year="%{x}", value="%{y:.1f} %") + "<extra></extra>"})
        for category in gap.pair:
            part = [row for row in points if row["name"] == name and row["category"] == category]
            if not part:
                continue
            filled = category == gap.pair[1]
            traces.append({
                "type": "scatter", "x": [row["year"] for row in part], "y": [row["value"] for row in part],
                "name": _("{economy}: {who}").format(economy=name, who=_(gap.nouns[category])), "mode": "markers",
                "legendgroup": name,
                "marker": {"color": colour if filled else "white", "size": 10, "symbol": gap.symbols[category],
                           "line": {"color": colour, "width": 2}},
                "hovertemplate": _("{economy}, {who} {year}: {value}").format(
                    economy=f"<b>{name}</b>", who=_(gap.nouns[category]), year="%{x}", value="%{y:.1f} %")
                + "<extra></extra>"})
    return _figure(traces, _("Chosen economies: Internet use over time, with {gap} where surveyed").format(
                       gap=_(gap.phrase)), 420,
                   note=None if names else _("Choose countries to compare"),
                   yaxis={"title": {"text": _("% of population")}, "range": [0, 100]})


def country_summary(totals: Rows, breakdown: Rows, gap: Gap) -> str:
    lines, points = rows_of(totals), rows_of(breakdown)
    if not lines and not points:
        return _("Choose countries to see their Internet use over time and their survey values by breakdown.")
    low, high = gap.pair
    parts = []
    for name in sorted({row["name"] for row in lines} | {row["name"] for row in points}):
        both = _by_year([row for row in points if row["name"] == name], gap)
        if not both:
            parts.append(_(gap.no_survey).format(economy=name))
            continue
        year = max(both)
        parts.append(_("{economy} {year}: {low} {low_value}, {high} {high_value}").format(
            economy=name, year=year, low=_(gap.nouns[low]), low_value=_one(both[year][low]),
            high=_(gap.nouns[high]), high_value=_one(both[year][high])))
    return _("{parts}.").format(parts=_("; ").join(parts))


# --- (e) inequality across countries --------------------------------------------------------------------------


def inequality(rows: pd.DataFrame) -> dict:
    """Gini on the left; Theil with its between- and within-region parts stacked on the right.

    `rows`: year, n_countries, gini, theil, theil_between, theil_within.
    """
    data = sorted(records(rows), key=lambda row: row["year"])
    years = [row["year"] for row in data]
    traces = [{
        "type": "scatter", "x": years, "y": [row["gini"] for row in data], "name": _("Gini"),
        "mode": "lines+markers",
        "line": {"color": "#0072B2", "width": 2}, "marker": {"size": 4},
        "customdata": [row["n_countries"] for row in data],
        "hovertemplate": _("Gini {year}: {value} ({count} economies)").format(
            year="%{x}", value="%{y:.3f}", count="%{customdata}") + "<extra></extra>",
    }]
    for column, english, colour in (("theil_between", N_("Theil: between regions"), "#E69F00"),
                                    ("theil_within", N_("Theil: within regions"), "#56B4E9")):
        name = _(english)
        traces.append({
            "type": "scatter", "x": years, "y": [row[column] for row in data], "name": name, "mode": "lines",
            "stackgroup": "theil", "line": {"color": colour, "width": 1}, "fillcolor": colour,
            "xaxis": "x2", "yaxis": "y2", "hovertemplate": f"{name} %{{x}}: %{{y:.3f}}<extra></extra>"})
    panels = ((_("Gini (population-weighted)"), 0.225), (_("Theil index: between and within regions"), 0.775))
    titles = [{"text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "center",
               "yanchor": "bottom", "showarrow": False, "font": {"size": 14}} for text, x in panels]
    return _figure(
        traces, "", 400, note=None if data else _("No inequality measures in this database"),
        annotations=titles, legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
        xaxis={"domain": [0, 0.45], "anchor": "y"},
        yaxis={"title": {"text": _("Gini (0 = equal)")}, "rangemode": "tozero", "anchor": "x"},
        xaxis2={"domain": [0.55, 1], "anchor": "y2"},
        yaxis2={"title": {"text": _("Theil T")}, "rangemode": "tozero", "anchor": "x2"})


def inequality_direction(rows: pd.DataFrame, tolerance: float = 0.01) -> str:
    """"narrowing", "widening" or "roughly unchanged", from the first and the last Gini ("unknown": < 2 years)."""
    gini = [row["gini"] for row in sorted(records(rows), key=lambda row: row["year"]) if row["gini"] is not None]
    if len(gini) < 2:
        return "unknown"
    change = gini[-1] - gini[0]
    return "narrowing" if change < -tolerance else "widening" if change > tolerance else "roughly unchanged"


# One whole sentence per direction (the verb agrees with it in every language); {since} is "" or " (0.41 in 2015)".
INEQUALITY_SENTENCES = {
    "narrowing": N_("The divide in Internet use between countries is narrowing: the population-weighted Gini fell "
                    "from {first} in {first_year} to {last} in {last_year}{since}."),
    "widening": N_("The divide in Internet use between countries is widening: the population-weighted Gini rose "
                   "from {first} in {first_year} to {last} in {last_year}{since}."),
    "roughly unchanged": N_("The divide in Internet use between countries is roughly unchanged: the "
                            "population-weighted Gini moved from {first} in {first_year} to {last} in "
                            "{last_year}{since}."),
}


def inequality_summary(rows: pd.DataFrame) -> str:
    valid = [row for row in sorted(records(rows), key=lambda row: row["year"]) if row["gini"] is not None]
    direction = inequality_direction(rows)
    if direction == "unknown":
        return _("Too few years of data to say whether the divide between countries is narrowing.")
    first, last = valid[0], valid[-1]
    earlier = [row for row in valid if row["year"] <= last["year"] - 5]
    since = (" " + _("({value} in {year})").format(value=_ratio(earlier[-1]["gini"]), year=earlier[-1]["year"])
             if earlier and earlier[-1]["year"] != first["year"] else "")
    share = (_("Differences between regions make up {share} of the Theil index in {year}.").format(
        share=_pct(last["theil_between"] / last["theil"]), year=last["year"])
        if last.get("theil") and last.get("theil_between") is not None else "")
    sentence = _(INEQUALITY_SENTENCES[direction]).format(first=_ratio(first["gini"]), first_year=first["year"],
                                                         last=_ratio(last["gini"]), last_year=last["year"],
                                                         since=since)
    if not share:
        return sentence
    if i18n.current() is i18n.DEFAULT:  # English as before: one sentence, the share after a comma
        return f"{sentence[:-1]}, and {share[0].lower()}{share[1:]}"
    return f"{sentence} {share}"


# --- source lines and the data-table alternative --------------------------------------------------------------


def source_line(sources: pd.DataFrame, lead: str | None = None) -> str:
    """"Source: attribution — dataset (release of …; licence …)" for each row of the `source` table given;
    `lead` (already translated) replaces "Source"."""
    lead = lead or _("Source")
    rows = records(sources)
    if not rows:
        return _("{lead}: not recorded in this database.").format(lead=lead)
    parts = []
    for row in rows:
        if row["vintage"] is not None:
            parts.append(_("{attribution} — {dataset} (release of {date}; licence {licence})").format(
                attribution=row["attribution"], dataset=row["dataset"],
                date=pd.Timestamp(row["vintage"]).date().isoformat(), licence=row["license"]))
        else:
            parts.append(_("{attribution} — {dataset} (undated release; licence {licence})").format(
                attribution=row["attribution"], dataset=row["dataset"], licence=row["license"]))
    return _("{lead}: {sources}.").format(lead=lead, sources=_("; ").join(parts))
