"""Figures as pure functions of (data, options): no database, no Dash, easy to test.

Their words are in the request's language (gettext; units through dashboard/localized.py); the economies' and
indicators' names they are given are already in it (the pages pass them through localized.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard import figures_targets as ft
from dashboard import formatting, localized
from dashboard.chart_style import (  # noqa: F401  (definition_changes_note: read as figures.… by pages and tests)
    AGGREGATE_COLOUR,
    COUNTRY_COLOURS,
    MAP_SCALE,
    NO_DATA_GREY,
    NO_SHAPE,
    NOT_IN_GROUP,
    NOT_IN_GROUP_LINE,
    definition_changes_note,
    directed,
    mark_definition_changes,
)
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _


def _short_unit(unit: str) -> str:
    return localized.short_unit(unit)


_FLAG = "%{hovertext}"  # the publisher's flag (" · estimate"), set by _flags on every trace that has them


def _flags(rows: pd.DataFrame) -> dict:
    """A trace's publisher flags as hover text (formatting.flag_note: " · estimate", "" for a normal value)."""
    if "obs_status" not in rows.columns:
        return {"hovertext": [""] * len(rows)}
    return {"hovertext": [formatting.flag_note(status) for status in rows["obs_status"].tolist()]}


def _present(value) -> bool:
    """Whether a value taken out of a frame (tolist) is there: not None, not NaN (a Python test, per value: on the
    few hundred values of a map, cheaper than pandas' notna and a filtered frame)."""
    return value is not None and value == value


def _log_colorbar(values: pd.Series | np.ndarray) -> dict:
    """Colour bar ticks at powers of ten, labelled with the real values (1k, 10k, …)."""
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    ticks = np.arange(low, high + 1)
    return {"tickvals": ticks, "ticktext": [formatting.scale_tick(10 ** tick) for tick in ticks]}


def world_map(values: pd.DataFrame, indicator_name: str, unit: str, year: int, *, log_scale: bool = False,
              members: set[str] | None = None, group_name: str | None = None) -> dict:
    """Choropleth of one indicator in one year; economies without a value stay grey ("no data").

    With `log_scale`, colours follow log10 of the value (for money and head counts spanning
    orders of magnitude); hover still shows the value itself. With `members` (a chosen group), only
    members are drawn: those with a value coloured, those without in grey ("no data"); every other
    economy is left in a paler shade, outlined, as not in the group, and the map is fitted to the members.
    A plain plotly dict: building go.Figure objects costs ~10x more, and callbacks must stay fast. The frame's
    columns are read once as lists and the rows chosen in Python: filtered frames cost more than the rest.
    """
    return map_figure(values["iso3"].tolist(), values["name"].tolist(), values["value"].tolist(),
                      values["obs_status"].tolist() if "obs_status" in values.columns else None, indicator_name,
                      unit, year, log_scale=log_scale, members=members, group_name=group_name)


def map_figure(iso3: list[str], names: list[str], numbers: list, statuses: list | None, indicator_name: str,
               unit: str, year: int, *, log_scale: bool = False, members: set[str] | frozenset[str] | None = None,
               group_name: str | None = None) -> dict:
    """world_map of the economies' columns as lists (iso3, name, value with NaN or None for none, the publisher's
    flag or None for no flags column), for a page that holds them as lists already."""
    shown = range(len(iso3)) if members is None else [at for at in range(len(iso3)) if iso3[at] in members]
    drawn = [at for at in shown if _present(numbers[at])]
    colorbar = {"title": {"text": _short_unit(unit)}, "thickness": 14}
    z = [float(numbers[at]) for at in drawn]
    if log_scale:
        drawn = [at for at in drawn if numbers[at] > 0]  # log of zero is undefined; such economies stay grey
        positive = np.array([numbers[at] for at in drawn], dtype=float)
        z = np.log10(positive).tolist()
        if len(drawn):
            ticks = _log_colorbar(positive)
            colorbar.update({"tickvals": [float(tick) for tick in ticks["tickvals"]], "ticktext": ticks["ticktext"]})
    traces = [{
        "type": "choropleth", "locations": [iso3[at] for at in drawn], "z": z, "text": [names[at] for at in drawn],
        "customdata": [float(numbers[at]) for at in drawn], "locationmode": "ISO-3", "colorscale": MAP_SCALE,
        "marker": {"line": {"color": "white", "width": 0.4}}, "colorbar": colorbar, "name": indicator_name,
        "hovertemplate": ("<b>%{text}</b><br>%{customdata:" + formatting.hover_format(unit) + "} "
                          + _short_unit(unit) + f" ({year}){_FLAG}<extra></extra>"),
        "hovertext": ([""] * len(drawn) if statuses is None
                      else [formatting.flag_note(statuses[at]) for at in drawn]),
    }]
    heading = _("{indicator}, {year}").format(indicator=indicator_name, year=year)
    title = heading
    geo = {"showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"}, "showland": True,
           "showcountries": True}
    if members is None:
        geo.update({"landcolor": NO_DATA_GREY, "countrycolor": "white", "lataxis": {"range": [-58, 85]}})
    else:
        coloured = {iso3[at] for at in drawn}
        missing = [at for at in shown if iso3[at] not in coloured]
        if missing:
            traces.append({
                "type": "choropleth", "locations": [iso3[at] for at in missing], "z": [0] * len(missing),
                "text": [names[at] for at in missing], "locationmode": "ISO-3", "name": _("No data"),
                "colorscale": [[0, NO_DATA_GREY], [1, NO_DATA_GREY]], "showscale": False,
                "marker": {"line": {"color": "white", "width": 0.4}},
                "hovertemplate": "<b>%{text}</b><br>" + _("no data for {year}").format(year=year)
                                 + "<extra></extra>",
            })
        geo.update({"landcolor": NOT_IN_GROUP, "countrycolor": NOT_IN_GROUP_LINE})
        if len(shown):
            geo["fitbounds"] = "locations"
        title = _("{title} — {group} only").format(title=title, group=group_name or _("chosen group"))
    return directed({"data": traces, "layout": {
        "margin": {"l": 0, "r": 0, "t": 30, "b": 0}, "height": 460, "geo": geo,
        "meta": {"indicator": heading, "unit": unit},  # for the downloads (chart_downloads.js)
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
    }})

def trend(series: pd.DataFrame, reference: pd.DataFrame, indicator_name: str, unit: str, *,
          aggregate: tuple[str, pd.DataFrame] | None = None, target: Mapping | None = None,
          progress: Mapping | None = None, changes: Sequence[tuple[int, str]] = (), log_y: bool = False,
          coverage: Sequence[str] | None = None) -> dict:
    """One line per chosen economy, plus the publisher's World aggregate as a dashed reference.

    `aggregate` = (label, frame of year, value, population_coverage) adds our own aggregate of the chosen
    group (or of the world) as a thick black line whose hover gives its population coverage. With a `target`
    (a row of the target table), its value is drawn as a horizontal line labelled with framework and
    deadline; with the aggregate's `progress` row too, the aggregate is projected to the deadline at its
    observed pace (the path the ETL projected) as a dashed line. `changes` (a spliced price basket's
    definition changes, data.definition_changes) are marked by labelled vertical lines. With `log_y`, the y axis
    is logarithmic (values of zero or less are then left off by plotly). `coverage`: the aggregate's
    coverage_text per row, when the caller has them already. A plain plotly dict, as world_map.
    """
    traces: list[dict] = []
    short = _short_unit(unit)
    digits = _digits(unit)
    years, numbers = series["year"].tolist(), series["value"].tolist()
    statuses = series["obs_status"].tolist() if "obs_status" in series.columns else None
    for index, (name, rows) in enumerate(_by_name(series)):
        traces.append({
            "type": "scatter", "x": [int(years[at]) for at in rows], "y": [float(numbers[at]) for at in rows],
            "name": name, "mode": "lines+markers", "marker": {"size": 4},
            "line": {"color": COUNTRY_COLOURS[index % len(COUNTRY_COLOURS)], "width": 2},
            "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:,.{digits}f}} {short}{_FLAG}<extra></extra>",
            "hovertext": [""] * len(rows) if statuses is None else [formatting.flag_note(statuses[at]) for at in rows],
        })
    drawn = len(series) + len(reference)
    if aggregate is not None and len(aggregate[1]):
        label, rows = aggregate
        traces.append({
            "type": "scatter", "x": rows["year"].astype(int).tolist(), "y": rows["value"].astype(float).tolist(),
            "name": _("{group} (our aggregate)").format(group=label), "mode": "lines+markers", "marker": {"size": 4},
            "line": {"color": AGGREGATE_COLOUR, "width": 3},
            "customdata": (list(coverage) if coverage is not None
                           else [coverage_text(value) for value in rows["population_coverage"]]),
            "hovertemplate": f"<b>{label}</b> %{{x}}: %{{y:,.{digits}f}} {short}<br>%{{customdata}}<extra></extra>",
        })
        drawn += len(rows)
        if target is not None and progress is not None:
            ahead = ft.projection(progress)
            if len(ahead) > 1:
                traces.append({
                    "type": "scatter", "x": ahead["year"].astype(int).tolist(),
                    "y": ahead["value"].astype(float).tolist(), "name": _projection_name(label, progress),
                    "mode": "lines+markers", "line": {"color": AGGREGATE_COLOUR, "width": 2, "dash": "dash"},
                    "marker": {"size": 5, "symbol": "circle-open"},
                    "hovertemplate": "<b>" + _("{group}, projected").format(group=label)
                                     + f"</b> %{{x}}: %{{y:,.{digits}f}} {short}<extra></extra>",
                })
    if len(reference):
        traces.append({
            "type": "scatter", "x": reference["year"].astype(int).tolist(),
            "y": reference["value"].astype(float).tolist(), "name": _("World (publisher's aggregate)"), "mode": "lines",
            "line": {"color": "#555555", "dash": "dash", "width": 1.5},
            "hovertemplate": f"<b>{_('World')}</b> %{{x}}: %{{y:,.{digits}f}}<extra></extra>",
        })
    layout = {
        "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "height": 400,
        "title": {"text": _("{indicator} over time").format(indicator=indicator_name), "x": 0.01,
                  "font": {"size": 15}},
        "xaxis": {"gridcolor": "#eeeeee"},
        "yaxis": {"title": {"text": localized.unit_label(unit)}, "gridcolor": "#eeeeee", "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.15}, "plot_bgcolor": "white", "hovermode": "closest",
        "shapes": [], "annotations": [], "meta": {"indicator": indicator_name, "unit": unit},
    }
    if log_y:
        layout["yaxis"].update({"type": "log", "rangemode": "normal"})
    if target is not None and drawn:
        _draw_target(layout, target, unit)
    if drawn:
        mark_definition_changes(layout, changes)
    if not drawn:
        layout["annotations"].append({"text": _("Choose countries to compare"), "showarrow": False, "x": 0.5, "y": 0.5,
                                      "xref": "paper", "yref": "paper"})
    return directed({"data": traces, "layout": layout})


def _by_name(series: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Each economy of `series` with the positions of its rows, in name order (as groupby("name", sort=True), which
    leaves missing names out), grouped in Python: a groupby and a frame per economy cost more than the trend."""
    positions: dict[str, list[int]] = {}
    for at, name in enumerate(series["name"].tolist()):
        if _present(name):
            positions.setdefault(name, []).append(at)
    return sorted(positions.items())


def _projection_name(label: str, progress: Mapping) -> str:
    """The projection's legend entry; it says where it starts when that is not our aggregate's line (the world's
    progress is measured on the publisher's own series, e.g. ITU's gender parity to 2025, while our aggregate by
    sex ends with the surveys, in 2020)."""
    basis = str(progress.get("basis") or "ours")
    if basis == "ours":
        return _("{group}: projection at the observed pace").format(group=label)
    return _("{group}: projection from the publisher's {year} value, at its observed pace").format(
        group=label, year=int(progress["latest_year"]))


def _draw_target(layout: dict, target: Mapping, unit: str) -> None:
    """The target value (or band) as a labelled horizontal line, and its deadline as a dotted vertical one."""
    value, deadline = float(target["value"]), int(target["deadline_year"])
    if target["comparator"] == "between":
        band = float(target["band"])
        layout["shapes"].append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value - band,
                                 "y1": value + band, "fillcolor": "#009E73", "opacity": 0.18, "line": {"width": 0},
                                 "layer": "below"})
    layout["shapes"].append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value, "y1": value,
                             "line": {"color": "#000000", "width": 1.5}, "name": "target"})
    layout["annotations"].append({
        "text": _("Target ({framework}): {target}").format(
            framework=localized.target_text(target.get("target_id", ""), "framework", target["framework"]),
            target=ft.target_text(target, unit)),
        "xref": "paper", "x": 0.01,
        "xanchor": "left", "yref": "y", "y": value, "yanchor": "bottom", "showarrow": False, "font": {"size": 12},
        "bgcolor": "rgba(255,255,255,0.8)"})
    layout["shapes"].append({"type": "line", "xref": "x", "x0": deadline, "x1": deadline, "yref": "paper", "y0": 0,
                             "y1": 1, "line": {"color": "#555555", "width": 1, "dash": "dot"}, "name": "deadline"})
    layout["annotations"].append({"text": _("Deadline {year}").format(year=deadline), "xref": "x", "x": deadline,
                                  "xanchor": "right",
                                  "yref": "paper", "y": 1, "yanchor": "bottom", "showarrow": False,
                                  "font": {"size": 12}})


def coverage_text(share) -> str:
    """'covering 86 % of the group's population' (or that it is unknown)."""
    if share is None or pd.isna(share):
        return _("population coverage unknown")
    return _("covering {share} of the group's population").format(share=formatting.percent(share * 100, 0))


def aggregate_summary(label: str, rows: pd.DataFrame, unit: str) -> str:
    """'Least developed countries: 31.1 % in 2024 (covering 86 % of the group's population).'"""
    if rows.empty:
        return _("{group}: no aggregate for this indicator.").format(group=label)
    latest = rows.iloc[-1]
    return _("{group} (our aggregate): {value} in {year} ({coverage}).").format(
        group=label, value=localized.value_text(latest["value"], unit), year=int(latest["year"]),
        coverage=coverage_text(latest["population_coverage"]))


def ranking(reported: pd.DataFrame, year: int) -> pd.DataFrame:
    """The economies with a value, highest first: rank (ties share one), economy, value, year of the value."""
    return pd.DataFrame(_ranking_columns(reported["name"].tolist(), reported["value"].tolist(), year))


def _ranking_columns(names: list[str], numbers: list, year: int) -> dict[str, list]:
    """`ranking`'s columns as lists."""
    numbers = [float(value) for value in numbers]
    # Highest value first, then by name (a stable sort: as sort_values on both columns); a tie shares the rank of
    # its first (rank method "min").
    order = sorted(range(len(names)), key=lambda at: (-numbers[at], names[at]))
    ranks: list[int] = []
    for place, at in enumerate(order):
        ranks.append(ranks[-1] if place and numbers[at] == numbers[order[place - 1]] else place + 1)
    return {"rank": ranks, "name": [names[at] for at in order], "value": [numbers[at] for at in order],
            "year": [int(year)] * len(order)}


def sort_ranking(ranked: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    """The ranking (`ranking`'s frame) in another order: by "value" or "name", either way; each keeps its rank.
    Names compare case-blind (casefold); ties of value go by name. Stable (ties keep the ranking's order), sorted
    in Python on the columns' lists: pandas' sorts and takes cost more on a ranking's few hundred rows."""
    return pd.DataFrame(_sorted_columns({name: ranked[name].tolist() for name in ranked.columns}, column, descending),
                        columns=ranked.columns)


def _sorted_columns(columns: dict[str, list], column: str, descending: bool) -> dict[str, list]:
    """`sort_ranking` of columns as lists."""
    keys = [str(name).casefold() for name in columns["name"]]
    if column == "name":
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    else:
        numbers = columns["value"]
        sign = -1 if descending else 1
        order = sorted(range(len(keys)), key=lambda at: (sign * numbers[at], keys[at]))
    return {name: [values[at] for at in order] for name, values in columns.items()}


def ranking_table(names: list[str], numbers: list, year: int, column: str, descending: bool) -> pd.DataFrame:
    """sort_ranking(ranking(…), column, descending) of the economies with a value as lists, in one frame of Python
    values (dtype object: the table only reads them back, and a typed frame cost twice as much to build)."""
    return pd.DataFrame(_sorted_columns(_ranking_columns(names, numbers, year), column, descending), dtype=object)


CONTEXT_THEME = "Context"


# The group filter's sections, in order, with the words put before each name ("{name}": the group's).
GROUP_TYPES = {
    "wb_region": N_("World Bank region: {name}"), "income_group": N_("Income group: {name}"),
    "m49_region": N_("UN M49 region: {name}"), "m49_subregion": N_("UN M49 subregion: {name}"),
    "ldc": N_("UN group: {name}"), "lldc": N_("UN group: {name}"), "sids": N_("UN group: {name}")}


def indicator_options(themed: pd.DataFrame) -> list[dict]:
    """Dropdown options grouped under their (primary) theme: a disabled header per theme, then its indicators.

    `themed` has indicator_id, name, theme (NULL for none: put under "Context" last), in display order, its names
    and themes in the language to show (the page passes them through localized.py; "Context" is translated here). Each
    indicator's search text is its theme, so typing a theme name lists its indicators (with search_order
    "original", the dropdown keeps this order while searching).
    """
    options: list[dict] = []
    context = _(CONTEXT_THEME)
    frame = themed.assign(theme=themed["theme"].fillna(context))
    order = list(dict.fromkeys(t for t in frame["theme"].tolist() if t != context))
    if (frame["theme"] == context).any():
        order.append(context)
    for theme in order:
        rows = frame[frame["theme"] == theme]
        # A header matches a search for its theme only: a search for an indicator's name then puts that indicator
        # first, where the arrow key lands (a disabled header there would take Enter without choosing anything).
        options.append({"label": f"— {theme} —", "value": f"theme:{theme}", "disabled": True, "search": theme})
        # The dropdown indexes label, value and search alike (every substring of every word, on each page
        # load): the name is in the label already, so `search` adds only the theme.
        options += [{"label": name, "value": indicator_id, "search": theme}
                    for indicator_id, name in zip(rows["indicator_id"].tolist(), rows["name"].tolist(), strict=True)]
    return options


def group_options(groups: pd.DataFrame, all_value: str) -> list[dict]:
    """'All economies', then each group named with its kind ('Income group: Low income'), in GROUP_TYPES order, in
    the request's language."""
    options = [{"label": _("All economies"), "value": all_value}]
    for kind, words in GROUP_TYPES.items():
        rows = groups[groups["group_type"] == kind]
        options += [{"label": _(words).format(name=localized.group_name(name)), "value": group_id}
                    for group_id, name in zip(rows["group_id"].tolist(), rows["name"].tolist(), strict=True)]
    return options


def source_caption(meta: pd.Series) -> str:
    """"Source: …" line shown under every chart: publisher, dataset, code, vintage, licence."""
    release = (_("release of {date}").format(date=pd.Timestamp(meta["vintage"]).date().isoformat())
               if pd.notna(meta["vintage"]) else _("undated release"))
    return _("Source: {attribution} ({code}), {release}. Licence: {licence}.").format(
        attribution=meta["attribution"], code=meta["source_code"], release=release, licence=meta["license"])


def off_map_note(values: pd.DataFrame) -> str:
    """Say which economies have data but no shape on the map."""
    return off_map_note_of([code for code, value in zip(values["iso3"].tolist(), values["value"].tolist(),
                                                        strict=True) if _present(value)])


def off_map_note_of(reported: list[str]) -> str:
    """off_map_note of the economies with a value, by iso3."""
    missing = [f"{localized.country_name(code, NO_SHAPE[code])} ({code})" for code in reported if code in NO_SHAPE]
    return _("Not drawn (no shape on this map): {economies}.").format(economies=", ".join(missing)) if missing \
        else ""


def _digits(unit: str) -> int:
    """Decimals shown (formatting.digits): parity ratios sit near 1, where one decimal hides the gap (0.92)."""
    return formatting.digits(unit)


def map_summary(reported: pd.DataFrame, indicator_name: str, unit: str, year: int) -> str:
    """One sentence saying what the map shows: the range and where it is highest and lowest."""
    return map_summary_of(reported["name"].tolist(), reported["value"].to_numpy(dtype=float), indicator_name, unit,
                          year)


def map_summary_of(names: list[str], numbers: np.ndarray, indicator_name: str, unit: str, year: int) -> str:
    """map_summary of the economies with a value as a list of names and an array of values."""
    name = formatting.in_sentence(indicator_name)
    if not len(names):
        return _("No economy reports {indicator} for {year}.").format(indicator=name, year=year)
    top, bottom = int(numbers.argmax()), int(numbers.argmin())  # the first economy at the highest and lowest
    return ngettext("In {year}, {indicator} ranges from {low} in {low_economy} to {high} in {high_economy} "
                    "({count} economy; median {median}).",
                    "In {year}, {indicator} ranges from {low} in {low_economy} to {high} in {high_economy} "
                    "({count} economies; median {median}).", len(names)).format(
        year=year, indicator=name, low=localized.value_text(numbers[bottom], unit), low_economy=names[bottom],
        high=localized.value_text(numbers[top], unit), high_economy=names[top], count=len(names),
        median=localized.value_text(np.median(numbers), unit))


def trend_summary(series: pd.DataFrame, indicator_name: str, unit: str) -> str:
    """One sentence per chart: each chosen economy's first and latest value."""
    if series.empty:
        return _("Choose countries to compare their trends.")
    years, numbers = series["year"].tolist(), series["value"].tolist()
    parts = []
    for name, rows in _by_name(series):
        first, last = rows[0], rows[-1]
        parts.append(f"{name} {formatting.number(numbers[first], unit)} ({years[first]}) → "
                     f"{localized.value_text(numbers[last], unit)} ({years[last]})")
    return _("{indicator}: {trends}.").format(indicator=indicator_name, trends="; ".join(parts))
