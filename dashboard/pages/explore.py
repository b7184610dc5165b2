"""Explore: a world map of one indicator in one year, ranked, and trends for chosen countries.

A group filter (?group=ldc) narrows the map and the ranking to the group's members and draws the group's
own aggregate, with its population coverage, on the trend chart; an indicator with a target gets the target
line and the aggregate's projection at its observed pace.

All state lives in the URL (?indicator=…&year=…&group=…&countries=NOR,NGA): the layout is built from
the query parameters with the view drawn (components.fill; the world map also as a server-drawn picture
until plotly has drawn it), and every change is redrawn by one callback and written back with
history.replaceState so that a copied link reproduces the view without re-rendering the page.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, data, figures, formatting
from dashboard import figures_targets as ft
from dashboard.address_query import AddressQuery
from dashboard.callbacks import PREVENT, checked, codes, number, text
from dashboard.queries import common
from dashboard.queries import explore as queries
from dashboard.staged import StagedDropdown
from dashboard.url_state import ALL_GROUPS, ExploreState, default_year, encode_state, parse_state
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
    years = queries.year_coverage(indicator_id)["year"].astype(int).tolist()
    return min(years), max(years), _year_marks(years)


def _log_scale(indicator_id: str) -> bool:
    """Money and head counts are mapped on a log scale (the catalogue's units.yaml says which)."""
    entry = catalogue().indicators.get(indicator_id)
    return entry is not None and entry.unit.map_scale == "log"


@data.per_version
def _dropdown_options() -> tuple[list[dict], list[dict], list[dict]]:
    """The indicator, group and country options (~25 ms to build, the same for every view)."""
    return (figures.indicator_options(queries.indicator_themes()),
            figures.group_options(common.country_groups(), ALL_GROUPS),
            [{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in common.countries().itertuples()])


@data.per_version
def _indicator_metas() -> pd.DataFrame:
    return common.indicators().set_index("indicator_id")


def layout(**query) -> html.Main:
    try:
        indicators = common.indicators()
        known = set(common.countries()["iso3"])
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    groups = common.country_groups()
    state, notices = parse_state(query, indicators["indicator_id"].tolist(), queries.year_coverage, known,
                                 set(groups["group_id"]))
    first, last, marks = _slider_props(state.indicator)
    indicator_options, group_options, country_options = _dropdown_options()
    page = components.page(
        "Explore an indicator",
        "Pick an indicator, a year and countries to compare. The address bar keeps the view, so a copied "
        "link reproduces it.",
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label("Indicator", htmlFor="explore-indicator"),
                StagedDropdown(id="explore-indicator", clearable=False, value=state.indicator, search_order="original",
                             options=indicator_options, maxHeight=360),
            ]),
            html.Div(className="control", children=[
                html.Label("Economies shown", htmlFor="explore-group"),
                StagedDropdown(id="explore-group", clearable=False, value=state.group or ALL_GROUPS,
                             options=group_options, search_order="original",
                             maxHeight=360),
            ]),
            html.Div(className="control control-wide", children=[
                html.Label("Year", htmlFor="explore-year"),
                dcc.Slider(id="explore-year", min=first, max=last, step=1, value=state.year, marks=marks,
                           tooltip={"placement": "bottom", "always_visible": True}),
            ]),
        ]),
        html.Section(className="chart", children=[
            html.Div(className="map-and-ranking", children=[
                html.Div(className="map-column", children=[
                    components.graph("explore-map", preview=True),
                    html.P(id="explore-map-summary", className="summary", **{"aria-live": "polite"}),
                    html.P(id="explore-map-note", className="caption"),
                    html.P(id="explore-map-source", className="caption source"),
                    html.Details(className="table-alternative", children=[
                        html.Summary("Show the data as a table (ranked)"), html.Div(id="explore-map-table")]),
                ]),
                html.Div(className="ranking-column", children=[
                    html.H2("Ranking", id="explore-ranking-title", className="chart-title"),
                    html.Div(id="explore-ranking", className="ranking", tabIndex="0", role="region",
                             **{"aria-labelledby": "explore-ranking-title"}),
                ]),
            ]),
        ]),
        html.Section(className="chart", children=[
            html.Div(className="control", children=[
                html.Label("Countries to compare", htmlFor="explore-countries"),
                StagedDropdown(id="explore-countries", multi=True, value=list(state.countries),
                             options=country_options, placeholder="Type a country name…"),
            ]),
            components.graph("explore-trend"),
            html.P(id="explore-trend-summary", className="summary", **{"aria-live": "polite"}),
            html.P(id="explore-trend-source", className="caption source"),
            html.Details(className="table-alternative", children=[
                html.Summary("Show the data as a table"), html.Div(id="explore-trend-table")]),
        ]),
        AddressQuery(id="explore-query"),
        notices=notices, page_id="explore",
    )
    view = update_charts(state.indicator, state.year, state.group or ALL_GROUPS, list(state.countries))
    return components.fill(page, dict(zip(VIEW_PARTS, view, strict=True)))


def _indicator_ids() -> set[str]:
    return set(_indicator_metas().index)


def _group_ids() -> set[str]:
    return {ALL_GROUPS, *common.country_groups()["group_id"]}


@callback(
    Output("explore-year", "min"), Output("explore-year", "max"), Output("explore-year", "marks"),
    Output("explore-year", "value"),
    Input("explore-indicator", "value"), State("explore-year", "value"),
    prevent_initial_call=True,
)
@checked(text(known=_indicator_ids, default=PREVENT), number(1000, 3000))
def update_year_range(indicator_id: str, year: int | None):
    """A new indicator brings its own years; keep the chosen year when that indicator has it."""
    first, last, marks = _slider_props(indicator_id)
    if year is None or not first <= year <= last:
        year = default_year(queries.year_coverage(indicator_id))
    return first, last, marks, year


def _target_view(indicator_id: str, scope_id: str) -> tuple[dict | None, dict | None]:
    """The indicator's target most relevant to the scope (one set on the scope itself, else a world one, the
    latest deadline first) and the scope's progress row towards it."""
    targets = ft.records(queries.indicator_targets(indicator_id))
    if not targets:
        return None, None
    own = [t for t in targets if t["scope"] == scope_id]
    worldwide = [t for t in targets if t["scope"] in ("world", "each_country")]
    target = (own or sorted(worldwide, key=lambda t: -int(t["deadline_year"])) or targets)[0]
    rows = ft.records(queries.target_progress_row(target["target_id"], scope_id))
    return target, rows[0] if rows else None


def update_charts(indicator_id: str, year: int, group: str | None, countries: list[str] | None) -> tuple:
    """The whole view (VIEW_PARTS, in order): map, ranking, trend, their texts and tables, the address."""
    metas = _indicator_metas()
    if indicator_id not in metas.index:  # a theme header or a stale value: nothing to draw
        raise dash.exceptions.PreventUpdate
    meta = metas.loc[indicator_id]
    if year is None:  # a wrong one, from a hand-made request (dashboard.callbacks)
        year = default_year(queries.year_coverage(indicator_id))
    groups = common.country_groups()
    names = dict(zip(groups["group_id"].tolist(), groups["name"].tolist(), strict=True))
    group_id = group if group in names else None
    group_name = names.get(group_id, "")
    codes = tuple(countries or ())
    values = queries.map_values(indicator_id, int(year))
    members = set(common.group_members(group_id)["iso3"]) if group_id else None
    shown = values if members is None else values[values["iso3"].isin(members)]
    caption = figures.source_caption(meta)
    reported = shown.dropna(subset=["value"])
    unit = meta["unit"]
    if members is None:
        note = f"{len(reported)} of {len(values)} economies report a value for {year}; grey means no data. "
        lead = ""
    else:
        note = (f"{len(reported)} of the {len(shown)} members of {group_name} report a value for {year}; grey "
                "means no data, and economies outside the group are left pale. ")
        lead = f"Showing the {len(shown)} members of {group_name} only. "
    note += figures.off_map_note(shown)
    ranked = reported.sort_values("value", ascending=False)[["name", "iso3", "value"]]
    ranking = figures.ranking(reported, int(year))
    ranking_caption = (f"{len(ranking)} economies{' in ' + group_name if group_id else ''} with a value for "
                       f"{year}, highest first ({unit}).")
    digits = formatting.digits(unit)
    series = queries.series(indicator_id, codes)
    world = queries.published_world(indicator_id)
    scope_id = group_id or "world"
    scope_label = group_name or "World"
    aggregate = queries.group_series(indicator_id, scope_id)
    target, progress = _target_view(indicator_id, scope_id)
    changes = common.definition_changes(indicator_id)
    note = figures.definition_changes_note(changes)
    trend_text = figures.trend_summary(series, meta["name"], unit)
    trend_text += " " + figures.aggregate_summary(scope_label, aggregate, unit)
    if target is not None:
        trend_text += " " + ft.chart_summary(progress, target, scope_label, unit, meta["name"])
    trend_rows = pd.concat([
        series[["name", "year", "value"]].assign(coverage=""),
        pd.DataFrame({"name": f"{scope_label} (our aggregate)", "year": aggregate["year"].tolist(),
                      "value": aggregate["value"].astype(float).tolist(),
                      "coverage": [figures.coverage_text(v) for v in aggregate["population_coverage"]]}),
    ], ignore_index=True)
    state = ExploreState(indicator_id, int(year), codes, group_id)
    return (
        figures.world_map(values, meta["name"], unit, int(year), log_scale=_log_scale(indicator_id),
                          members=members, group_name=group_name),
        caption, note, lead + figures.map_summary(reported, meta["name"], unit, int(year)),
        components.data_table(ranked, {"name": "Economy", "iso3": "Code", "value": unit}, digits),
        [html.P(ranking_caption, className="caption"),
         components.data_table(ranking, {"rank": "Rank", "name": "Economy", "value": "Value", "year": "Year"},
                               digits)],
        figures.trend(series, world, meta["name"], unit, aggregate=(scope_label, aggregate), target=target,
                      progress=progress, changes=changes),
        caption + (f" Target: {target['source_url']}" if target is not None else "") + (f" {note}" if note else ""),
        trend_text,
        components.data_table(trend_rows, {"name": "Economy or group", "year": "Year", "value": unit,
                                           "coverage": "Population coverage"}, digits),
        encode_state(state),
    )


# The outputs of update_charts, in its order. The layout holds the view the address asks for (components.fill),
# its map drawn on the server until plotly draws it, so no callback runs at load.
VIEW_PARTS = [("explore-map", "figure"), ("explore-map-source", "children"), ("explore-map-note", "children"),
              ("explore-map-summary", "children"), ("explore-map-table", "children"),
              ("explore-ranking", "children"),
              ("explore-trend", "figure"), ("explore-trend-source", "children"),
              ("explore-trend-summary", "children"), ("explore-trend-table", "children"),
              ("explore-query", "data")]
callback(*[Output(*part) for part in VIEW_PARTS],
         Input("explore-indicator", "value"), Input("explore-year", "value"), Input("explore-group", "value"),
         Input("explore-countries", "value"), prevent_initial_call=True)(
    checked(text(known=_indicator_ids, default=PREVENT), number(1000, 3000), text(known=_group_ids, default=ALL_GROUPS),
            codes())(update_charts))
