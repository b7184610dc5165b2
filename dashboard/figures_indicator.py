"""Figures of the Indicator page: the map of who reports in a year, and the editions of a publisher's world
aggregate with the revision between them. Plain plotly dicts and frames; every number goes through
dashboard/formatting.py, every word through gettext (the names given are already in the request's language)."""

from __future__ import annotations

import pandas as pd

from dashboard import formatting, localized
from dashboard.chart_style import LINE_COLOURS, NO_DATA_GREY, directed
from dashboard.i18n import gettext as _

REPORTS_COLOUR = "#0072B2"


def edition_label(row) -> str:
    """An edition named by its publisher and release month: "ITU, Nov 2024 edition" (or its source id when the
    file states no date)."""
    vintage = row["vintage"]
    if pd.isna(vintage):
        return f"{row['publisher']}, {row['source_id']}"
    return _("{publisher}, {month} edition").format(publisher=row["publisher"], month=formatting.month(vintage))


def reporters_map(economies: list[str], reporting: set[str], year: int) -> dict:
    """Economies (iso3 codes, in the order the map lists them) with a value in `year` in one colour, the others
    grey: a plain choropleth that dashboard/map_preview.py draws on the server as a small SVG (no plotly.js
    needed for it)."""
    def trace(codes: list[str], name: str, colour: str) -> dict:
        return {"type": "choropleth", "locationmode": "ISO-3", "locations": codes,
                "z": [1] * len(codes), "name": name, "colorscale": [[0, colour], [1, colour]],
                "showscale": False, "showlegend": True, "marker": {"line": {"color": "white", "width": 0.4}}}

    return directed({"data": [trace([code for code in economies if code in reporting],
                                    _("value for {year}").format(year=year), REPORTS_COLOUR),
                              trace([code for code in economies if code not in reporting], _("no value"),
                                    NO_DATA_GREY)],
            "layout": {"height": 300, "margin": {"l": 0, "r": 0, "t": 4, "b": 0},
                       "geo": {"landcolor": NO_DATA_GREY, "countrycolor": "white",
                               "lataxis": {"range": [-58, 85]}, "projection": {"type": "natural earth"}},
                       "legend": {"title": {"text": _("Economies, {year}").format(year=year)}}}})


def editions_figure(rows: pd.DataFrame, indicator_name: str, unit: str) -> dict:
    """One line per edition of a publisher's world aggregate (rows of queries.indicator.world_editions for
    one publisher), oldest edition dashed, the newest solid."""
    traces = []
    editions = list(dict.fromkeys(rows["source_id"]))
    digits = formatting.digits(unit)
    short = localized.short_unit(unit)
    for index, source_id in enumerate(editions):
        edition = rows[rows["source_id"] == source_id]
        label = edition_label(edition.iloc[0])
        newest = index == len(editions) - 1
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": label,
            "x": edition["year"].astype(int).tolist(), "y": edition["value"].astype(float).tolist(),
            "line": {"color": LINE_COLOURS[index % len(LINE_COLOURS)], "width": 2.5 if newest else 2,
                     "dash": "solid" if newest else "dash"},
            "marker": {"size": 4},
            "hovertemplate": f"<b>{label}</b> %{{x}}: %{{y:,.{digits}f}} {short}<extra></extra>",
        })
    publisher = rows["publisher"].iloc[0]
    group = rows["group_name"].iloc[0]
    title = _("{indicator}, {group} ({publisher}): each edition").format(indicator=indicator_name, group=group,
                                                                        publisher=publisher)
    return directed({"data": traces, "layout": {
        "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "height": 360,
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "xaxis": {"gridcolor": "#eeeeee"},
        "yaxis": {"title": {"text": localized.unit_label(unit)}, "gridcolor": "#eeeeee"},
        "legend": {"orientation": "h", "y": -0.15}, "plot_bgcolor": "white", "hovermode": "x unified",
        "meta": {"indicator": title, "unit": unit},
    }})


def revision_table(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Year × edition values, formatted, and the revision from the oldest to the newest edition for each year
    both give (in points for shares)."""
    editions = list(dict.fromkeys(rows["source_id"]))
    labels = {source_id: edition_label(rows[rows["source_id"] == source_id].iloc[0]) for source_id in editions}
    wide = rows.pivot_table(index="year", columns="source_id", values="value", aggfunc="first")
    wide = wide.reindex(columns=editions)
    first, last = labels[editions[0]], labels[editions[-1]]
    table = pd.DataFrame({_("Year"): [str(int(year)) for year in wide.index]})
    for source_id in editions:
        table[labels[source_id]] = [localized.value_text(value, unit) for value in wide[source_id]]
    table[_("Revision, {first} → {last}").format(first=first, last=last)] = [
        formatting.change(new - old, unit) if not (formatting.missing(new) or formatting.missing(old)) else "—"
        for old, new in zip(wide[editions[0]], wide[editions[-1]], strict=True)]
    return table


def revision_summary(rows: pd.DataFrame, indicator_name: str, unit: str) -> str:
    """One sentence: the largest revision between the oldest and the newest edition, and of the last year both
    give."""
    editions = list(dict.fromkeys(rows["source_id"]))
    old = rows[rows["source_id"] == editions[0]].set_index("year")["value"]
    new = rows[rows["source_id"] == editions[-1]].set_index("year")["value"]
    both = (new - old).dropna()
    first, last = edition_label(rows[rows["source_id"] == editions[0]].iloc[0]), \
        edition_label(rows[rows["source_id"] == editions[-1]].iloc[0])
    group = rows["group_name"].iloc[0]
    if both.empty:
        return _("The {first} and {last} share no year of {group}'s {indicator}.").format(
            first=first, last=last, group=group, indicator=formatting.in_sentence(indicator_name))
    year = int(both.index.max())
    biggest = int(both.abs().idxmax())
    return _("{group}, {indicator}: for {year}, the {first} gave {old} and the {last} {new} ({change}); the largest "
             "revision is for {largest_year} ({largest}).").format(
        group=group, indicator=formatting.in_sentence(indicator_name), year=year, first=first,
        old=localized.value_text(old[year], unit), last=last, new=localized.value_text(new[year], unit),
        change=formatting.change(both[year], unit), largest_year=biggest,
        largest=formatting.change(both[biggest], unit))
