"""Explore: a world map of one indicator in one year, and trends for chosen countries.

All state lives in the URL (?indicator=…&year=…&countries=NOR,NGA): the layout is built from
the query parameters, and every change is written back with history.replaceState so that a
copied link reproduces the view without re-rendering the page.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, data, figures
from dashboard.url_state import ExploreState, default_year, encode_state, parse_state
from indicators import catalogue

dash.register_page(__name__, path="/explore", name="Explore", title="Explore · Digital divide indicators")

def _year_marks(years: list[int]) -> dict:
    first, last = min(years), max(years)
    # Round years every five, but none crowding the first and last labels.
    step = 5 if last - first <= 40 else 10
    margin = max(3, (last - first) // 12)
    marks = {year: str(year) for year in range(first - first % step + step, last, step)
             if year - first >= margin and last - year >= margin}
    marks.update({first: str(first), last: str(last)})
    return {year: {"label": label} for year, label in sorted(marks.items())}


def _slider_props(indicator_id: str) -> tuple[int, int, dict]:
    years = data.year_coverage(indicator_id)["year"].astype(int).tolist()
    return min(years), max(years), _year_marks(years)


def _log_scale(indicator_id: str) -> bool:
    """Money and head counts are mapped on a log scale (the catalogue's units.yaml says which)."""
    entry = catalogue().indicators.get(indicator_id)
    return entry is not None and entry.unit.map_scale == "log"


def layout(**query) -> html.Main:
    try:
        indicators = data.indicators()
        known = set(data.countries()["iso3"])
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    state, notices = parse_state(query, indicators["indicator_id"].tolist(), data.year_coverage, known)
    first, last, marks = _slider_props(state.indicator)
    country_options = [{"label": f"{row.name} ({row.iso3})", "value": row.iso3}
                       for row in data.countries().itertuples()]
    return components.page(
        "Explore an indicator",
        "Pick an indicator, a year and countries to compare. The address bar keeps the view, so a copied "
        "link reproduces it.",
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label("Indicator", htmlFor="explore-indicator"),
                dcc.Dropdown(id="explore-indicator", clearable=False, value=state.indicator,
                             options=[{"label": row.name, "value": row.indicator_id}
                                      for row in indicators.itertuples()]),
            ]),
            html.Div(className="control control-wide", children=[
                html.Label("Year", htmlFor="explore-year"),
                dcc.Slider(id="explore-year", min=first, max=last, step=1, value=state.year, marks=marks,
                           tooltip={"placement": "bottom", "always_visible": True}),
            ]),
        ]),
        html.Section(className="chart", children=[
            components.graph("explore-map"),
            html.P(id="explore-map-summary", className="summary", **{"aria-live": "polite"}),
            html.P(id="explore-map-note", className="caption"),
            html.P(id="explore-map-source", className="caption source"),
            html.Details(className="table-alternative", children=[
                html.Summary("Show the data as a table (ranked)"), html.Div(id="explore-map-table")]),
        ]),
        html.Section(className="chart", children=[
            html.Div(className="control", children=[
                html.Label("Countries to compare", htmlFor="explore-countries"),
                dcc.Dropdown(id="explore-countries", multi=True, value=list(state.countries),
                             options=country_options, placeholder="Type a country name…"),
            ]),
            components.graph("explore-trend"),
            html.P(id="explore-trend-summary", className="summary", **{"aria-live": "polite"}),
            html.P(id="explore-trend-source", className="caption source"),
            html.Details(className="table-alternative", children=[
                html.Summary("Show the data as a table"), html.Div(id="explore-trend-table")]),
        ]),
        dcc.Store(id="explore-query"),
        notices=notices, page_id="explore",
    )


@callback(
    Output("explore-year", "min"), Output("explore-year", "max"), Output("explore-year", "marks"),
    Output("explore-year", "value"),
    Input("explore-indicator", "value"), State("explore-year", "value"),
    prevent_initial_call=True,
)
def update_year_range(indicator_id: str, year: int | None):
    """A new indicator brings its own years; keep the chosen year when that indicator has it."""
    first, last, marks = _slider_props(indicator_id)
    if year is None or not first <= year <= last:
        year = default_year(data.year_coverage(indicator_id))
    return first, last, marks, year


@callback(
    Output("explore-map", "figure"), Output("explore-map-source", "children"), Output("explore-map-note", "children"),
    Output("explore-map-summary", "children"), Output("explore-map-table", "children"),
    Output("explore-trend", "figure"), Output("explore-trend-source", "children"),
    Output("explore-trend-summary", "children"), Output("explore-trend-table", "children"),
    Output("explore-query", "data"),
    Input("explore-indicator", "value"), Input("explore-year", "value"), Input("explore-countries", "value"),
)
def update_charts(indicator_id: str, year: int, countries: list[str] | None):
    meta = data.indicators().set_index("indicator_id").loc[indicator_id]
    codes = tuple(countries or ())
    values = data.map_values(indicator_id, int(year))
    caption = figures.source_caption(meta)
    reported = values.dropna(subset=["value"])
    note = f"{len(reported)} of {len(values)} economies report a value for {year}; grey means no data. "
    note += figures.off_map_note(values)
    series = data.series(indicator_id, codes)
    world = data.published_world(indicator_id)
    ranked = reported.sort_values("value", ascending=False)[["name", "iso3", "value"]]
    state = ExploreState(indicator_id, int(year), codes)
    return (
        figures.world_map(values, meta["name"], meta["unit"], int(year), log_scale=_log_scale(indicator_id)),
        caption, note, figures.map_summary(reported, meta["name"], meta["unit"], int(year)),
        components.data_table(ranked, {"name": "Economy", "iso3": "Code", "value": meta["unit"]}),
        figures.trend(series, world, meta["name"], meta["unit"]), caption,
        figures.trend_summary(series, meta["name"], meta["unit"]),
        components.data_table(series[["name", "year", "value"]], {"name": "Economy", "year": "Year",
                                                                  "value": meta["unit"]}),
        encode_state(state),
    )


components.url_writer("explore-query")
