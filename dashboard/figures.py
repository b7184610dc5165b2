"""Figures as pure functions of (data, options): no database, no Dash, easy to test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

# Colour-blind-safe: viridis for continuous maps, Okabe–Ito for lines.
MAP_SCALE = "Viridis"
LINE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
NO_DATA_GREY = "#d9d9d9"
# Shapes plotly's world topojson lacks; data for them is said to be off the map, not dropped.
NO_SHAPE = {"XKX": "Kosovo"}


def _short_unit(unit: str) -> str:
    return "%" if unit.startswith("%") else unit


def _log_colorbar(values: pd.Series) -> dict:
    """Colour bar ticks at powers of ten, labelled with the real values (1k, 10k, …)."""
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    ticks = np.arange(low, high + 1)
    return {"tickvals": ticks, "ticktext": [f"{10 ** tick:,.0f}" if tick < 3 else _si(10 ** tick) for tick in ticks]}


def _si(number: float) -> str:
    for divisor, suffix in ((1e12, "T"), (1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if number >= divisor:
            return f"{number / divisor:,.0f}{suffix}"
    return f"{number:,.0f}"


def world_map(values: pd.DataFrame, indicator_name: str, unit: str, year: int, *, log_scale: bool = False
              ) -> go.Figure:
    """Choropleth of one indicator in one year; economies without a value stay grey ("no data").

    With `log_scale`, colours follow log10 of the value (for money and head counts spanning
    orders of magnitude); hover still shows the value itself.
    """
    with_data = values.dropna(subset=["value"])
    colorbar = {"title": {"text": _short_unit(unit)}, "thickness": 14}
    z = with_data["value"]
    if log_scale:
        with_data = with_data[with_data["value"] > 0]  # log of zero is undefined; such economies stay grey
        z = np.log10(with_data["value"])
        if len(with_data):
            colorbar.update(_log_colorbar(with_data["value"]))
    figure = go.Figure(go.Choropleth(
        locations=with_data["iso3"],
        z=z,
        text=with_data["name"],
        customdata=with_data["value"],
        locationmode="ISO-3",
        colorscale=MAP_SCALE,
        marker_line_color="white",
        marker_line_width=0.4,
        colorbar=colorbar,
        hovertemplate="<b>%{text}</b><br>%{customdata:,.1f} " + _short_unit(unit) + f" ({year})<extra></extra>",
    ))
    figure.update_geos(
        showframe=False, showcoastlines=False, projection_type="natural earth",
        showland=True, landcolor=NO_DATA_GREY, showcountries=True, countrycolor="white",
        lataxis_range=[-58, 85],
    )
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=460,
        title={"text": f"{indicator_name}, {year}", "x": 0.01, "font": {"size": 15}},
    )
    return figure


def trend(series: pd.DataFrame, reference: pd.DataFrame, indicator_name: str, unit: str) -> go.Figure:
    """One line per chosen economy, plus the publisher's World aggregate as a dashed reference."""
    figure = go.Figure()
    for index, (name, rows) in enumerate(series.groupby("name", sort=True)):
        figure.add_trace(go.Scatter(
            x=rows["year"], y=rows["value"], name=name, mode="lines+markers",
            line={"color": LINE_COLOURS[index % len(LINE_COLOURS)], "width": 2}, marker={"size": 4},
            hovertemplate=f"<b>{name}</b> %{{x}}: %{{y:,.1f}}<extra></extra>",
        ))
    if len(reference):
        figure.add_trace(go.Scatter(
            x=reference["year"], y=reference["value"], name="World (publisher's aggregate)", mode="lines",
            line={"color": "#555555", "dash": "dash", "width": 1.5},
            hovertemplate="<b>World</b> %{x}: %{y:,.1f}<extra></extra>",
        ))
    figure.update_layout(
        margin={"l": 50, "r": 10, "t": 30, "b": 40}, height=380,
        title={"text": f"{indicator_name} over time", "x": 0.01, "font": {"size": 15}},
        yaxis_title=unit, xaxis_title=None, legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white", hovermode="closest",
    )
    figure.update_xaxes(gridcolor="#eeeeee")
    figure.update_yaxes(gridcolor="#eeeeee", rangemode="tozero")
    if not len(series) and not len(reference):
        figure.add_annotation(text="Choose countries to compare", showarrow=False, x=0.5, y=0.5,
                              xref="paper", yref="paper")
    return figure


def source_caption(meta: pd.Series) -> str:
    """"Source: …" line shown under every chart: publisher, dataset, code, vintage, licence."""
    release = (f"release of {pd.Timestamp(meta['vintage']).date().isoformat()}" if pd.notna(meta["vintage"])
               else "undated release")
    return f"Source: {meta['attribution']} ({meta['source_code']}), {release}. Licence: {meta['license']}."


def off_map_note(values: pd.DataFrame) -> str:
    """Say which economies have data but no shape on the map."""
    present = values.dropna(subset=["value"])
    missing = [f"{NO_SHAPE[code]} ({code})" for code in present["iso3"] if code in NO_SHAPE]
    return f"Not drawn (no shape on this map): {', '.join(missing)}." if missing else ""


def map_summary(reported: pd.DataFrame, indicator_name: str, unit: str, year: int) -> str:
    """One sentence saying what the map shows: the range and where it is highest and lowest."""
    if reported.empty:
        return f"No economy reports {indicator_name.lower()} for {year}."
    top, bottom = reported.loc[reported["value"].idxmax()], reported.loc[reported["value"].idxmin()]
    short = _short_unit(unit)
    return (f"In {year}, {indicator_name.lower()} ranges from {bottom['value']:,.1f} {short} in {bottom['name']} "
            f"to {top['value']:,.1f} {short} in {top['name']} ({len(reported)} economies; median "
            f"{reported['value'].median():,.1f}).")


def trend_summary(series: pd.DataFrame, indicator_name: str, unit: str) -> str:
    """One sentence per chart: each chosen economy's first and latest value."""
    if series.empty:
        return "Choose countries to compare their trends."
    short = _short_unit(unit)
    parts = []
    for name, rows in series.groupby("name", sort=True):
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(f"{name} {first['value']:,.1f} ({first['year']}) → {last['value']:,.1f} {short} ({last['year']})")
    return f"{indicator_name}: " + "; ".join(parts) + "."
