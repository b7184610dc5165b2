"""Gaps: women and men, rural and urban residents — by group over time, by country, against income —
and whether the divide in Internet use between countries is narrowing.

All state lives in the URL (?gap=gender&group=ldc&countries=BRA,MOZ&year=2019): layout(**query) builds
the view from it, charts included (components.fill), with a notice for anything it cannot use; the
canonical query goes back to the address bar with history.replaceState (dashboard/address_query.py), and
the callbacks redraw on a change only. The page only filters the measures tables
(group_aggregate, published_aggregate, observation, inequality); nothing heavy is computed here.
"""

from __future__ import annotations

from typing import Final

import dash
import pandas as pd
from dash import Input, Output, State, callback, html

from dashboard import components, data
from dashboard import figures_gaps as fg
from dashboard.address_query import AddressQuery
from dashboard.callbacks import checked, codes, text
from dashboard.html_block import HtmlBlock
from dashboard.queries import common
from dashboard.queries.gaps import (  # the page's queries
    country_rows,
    group_name,
    group_parity,
    group_series,
    groups,
    indicator_descriptions,
    inequality_rows,
    member_parity,
    published_series,
    scatter_rows,
    scatter_years,
    sources_of,
)
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode, first, parse_choice, parse_codes, parse_int

dash.register_page(__name__, path="/gaps", name="Gaps", title="Gaps · Digital divide indicators")

DEFAULT_GAP = "gender"
DEFAULT_GROUP = "world"
# Economies with both sex and urban/rural survey values, from four regions and income levels.
DEFAULT_COUNTRIES = ("BRA", "CIV", "FRA", "MOZ")
LATEST = "latest"  # the scatter's default: each economy's latest year with both values
NO_COUNTRIES = "none"  # written to the URL when every country was removed, so the link keeps that choice


class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the CSS, the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "gaps"  # components.page derives gaps-main and gaps-notices from it
    MAIN: Final = "gaps-main"
    NOTICES: Final = "gaps-notices"
    GAP: Final = "gaps-gap"
    GROUP: Final = "gaps-group"
    OFFLINE_NOTE: Final = "gaps-offline-note"
    # Charts (components.chart): each id also names its -summary, -source and -table parts.
    SERIES: Final = "gaps-series"
    SERIES_NOTE: Final = "gaps-series-note"
    PUBLISHED: Final = "gaps-published"
    PUBLISHED_NOTE: Final = "gaps-published-note"
    PARITY: Final = "gaps-parity"
    YEAR: Final = "gaps-year"
    SCATTER: Final = "gaps-scatter"
    COUNTRIES: Final = "gaps-countries"
    COUNTRIES_TREND: Final = "gaps-countries-trend"
    INEQUALITY: Final = "gaps-inequality"
    QUERY: Final = "gaps-query"  # the address bar's query (AddressQuery)


# --- URL state -------------------------------------------------------------------------------------------------


def parse_year(params: dict, years: list[int], notices: list[str]) -> int | None:
    """A scatter year; empty or "latest" means each economy's latest year with both values."""
    text = first(params.get("year"))
    if not text or text == LATEST:
        return None
    number = parse_int(text)
    if number is not None and number in years:
        return number
    span = f"{min(years)}–{max(years)}" if years else "none"
    notices.append(f"No gap data for year “{text[:10]}” (years with data: {span}): showing each economy's "
                   "latest year instead.")
    return None


def parse_query(params: dict) -> tuple[str, str, tuple[str, ...], int | None, list[str]]:
    notices: list[str] = []
    gap = parse_choice(params, "gap", list(fg.GAPS), DEFAULT_GAP, notices, label="gap")
    group = parse_choice(params, "group", groups()["group_id"].tolist(), DEFAULT_GROUP, notices, label="group")
    known = set(common.countries()["iso3"])
    if first(params.get("countries")).lower() == NO_COUNTRIES:
        countries: tuple[str, ...] = ()
    else:
        # Absent, or nothing usable in it (the notice says what was ignored): the default countries.
        countries = parse_codes(params, "countries", known, notices) or tuple(
            code for code in DEFAULT_COUNTRIES if code in known)
    year = parse_year(params, scatter_years(fg.GAPS[gap]), notices)
    return gap, group, countries, year, notices


def encode_query(gap: str, group: str, countries: list[str] | tuple[str, ...] | None, year) -> str:
    codes = tuple(countries or ()) or NO_COUNTRIES
    year = parse_int(year) if isinstance(year, str) else year if isinstance(year, int) else None
    return encode({"gap": gap, "group": group, "countries": codes, "year": year})


# --- layout ----------------------------------------------------------------------------------------------------


def _year_options(years: list[int]) -> list[dict]:
    return [{"label": "Latest year for each economy", "value": LATEST}] + [
        {"label": str(year), "value": str(year)} for year in reversed(years)]


def _definitions() -> html.Details:
    rows = indicator_descriptions([gap.parity_indicator for gap in fg.GAPS.values()]
                                  + [gap.gap_indicator for gap in fg.GAPS.values()])
    return html.Details(className="caption", children=[
        html.Summary("Definitions"),
        html.Ul([html.Li([html.Strong(row.name), ": ", row.description]) for row in rows.itertuples()]
                + [html.Li("Group aggregates are population-weighted means over the members with data; the value "
                           "is left empty where those members hold under 50 % of the group's population. A group's "
                           "ratio is the ratio of its aggregates, not a mean of country ratios.")]),
    ])


def layout(**query) -> html.Main:
    try:
        gap, group, countries, year, notices = parse_query(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    group_options = [{"label": row.label, "value": row.group_id} for row in groups().itertuples()]
    country_options = [{"label": f"{row.name} ({row.iso3})", "value": row.iso3}
                       for row in common.countries().itertuples()]
    # Two charts side by side when there is room. minmax(0, …) and min-width 0 keep the tracks from growing
    # with the plotly graph inside them (a responsive graph in an auto-sized track resizes without end).
    pair_grid = {"display": "grid", "gridTemplateColumns": "repeat(auto-fit, minmax(min(440px, 100%), 1fr))",
                 "gap": "0 1rem"}
    cell = {"minWidth": 0}
    year_value = str(year) if year else LATEST
    page = components.page(
        "Gaps: women and men, rural and urban",
        "How far apart are women and men, and rural and urban residents, in Internet use — in each group over "
        "time, in each country, against income — and is the divide between countries narrowing? The address "
        "bar keeps the view, so a copied link reproduces it.",
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label("Gap", htmlFor=Ids.GAP),
                # A dropdown, not RadioItems: Dash 4 renders radio items as inputs nested in role=option
                # labels, which axe-core reports as serious (nested-interactive, no accessible name).
                StagedDropdown(id=Ids.GAP, value=gap, clearable=False, searchable=False,
                             options=[{"label": item.label, "value": key} for key, item in fg.GAPS.items()]),
            ]),
            html.Div(className="control", children=[
                html.Label("Group", htmlFor=Ids.GROUP),
                StagedDropdown(id=Ids.GROUP, value=group, clearable=False, options=group_options),
            ]),
        ]),
        _definitions(),
        html.P(id=Ids.OFFLINE_NOTE, className="notice", children=(
            "How many women and men are offline? Counting them needs population by sex, which these data do not "
            "include, so we do not estimate it; the charts show the share of women and of men using the Internet "
            "instead. People offline in total (all ages and both sexes) are on the Explore page.")),
        html.Div(style=pair_grid, children=[
            html.Div(style=cell, children=[
                components.chart(Ids.SERIES, title="Our aggregate (computed here)"),
                html.P(id=Ids.SERIES_NOTE, className="caption")]),
            html.Div(style=cell, children=[
                components.chart(Ids.PUBLISHED, title="The publisher's aggregate (ITU)"),
                html.P(id=Ids.PUBLISHED_NOTE, className="caption")]),
        ]),
        components.chart(Ids.PARITY, title="Country parity scores"),
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label("Year of the comparison with income", htmlFor=Ids.YEAR),
                StagedDropdown(id=Ids.YEAR, value=year_value, clearable=False,
                             options=_year_options(scatter_years(fg.GAPS[gap]))),
            ]),
        ]),
        components.chart(Ids.SCATTER, title="Gap against income"),
        html.Section(className="controls", children=[
            html.Div(className="control control-wide", children=[
                html.Label("Countries to follow over time", htmlFor=Ids.COUNTRIES),
                StagedDropdown(id=Ids.COUNTRIES, multi=True, value=list(countries), options=country_options,
                             placeholder="Type a country name…"),
            ]),
        ]),
        components.chart(Ids.COUNTRIES_TREND, title="Chosen countries over time"),
        components.chart(Ids.INEQUALITY, title="Is the divide between countries narrowing?"),
        AddressQuery(id=Ids.QUERY, data=update_query(gap, group, list(countries), year_value)),
        notices=notices, page_id=Ids.PAGE,
    )
    return components.fill(page, {
        **dict(zip(GROUP_PARTS, update_group_charts(gap, group, year_value), strict=True)),
        **dict(zip(COUNTRY_PARTS, update_country_trend(gap, list(countries)), strict=True)),
        **dict(zip(components.chart_parts(Ids.INEQUALITY), update_inequality(), strict=True)),
    })


# --- callbacks (plain functions, registered below, so tests can call them directly) ---------------------------


def update_year_options(gap_key: str, year: str | None):
    """Each gap has its own survey years; keep the chosen year when the new gap has it."""
    years = scatter_years(fg.GAPS[gap_key])
    value = year if year in {str(item) for item in years} else LATEST
    return _year_options(years), value


@data.per_version
def _source_line(lead: str, *sources: tuple[str, str]) -> str:
    """fg.source_line of the releases behind these (indicator, breakdown) pairs, built once per database."""
    return fg.source_line(pd.concat([sources_of(*pair) for pair in sources]), lead)


def _table(frame: pd.DataFrame, labels: dict[str, str], digits: int = 1) -> HtmlBlock:
    """The data-table alternative as one block of escaped HTML (components.data_table)."""
    return components.data_table(frame, labels, digits)


# What ITU's aggregate beside ours is, by how its group matches ours (indicators/publisher_groups.yaml).
PUBLISHED_NOTES = {
    "same": "Solid lines: ITU's own aggregate for {name} (the same economies); dotted: ITU's World.",
    "classification": ("Solid lines: ITU's own aggregate for {name}, over the World Bank income classification "
                       "of ITU's edition (ours is today's, so a few economies differ); dotted: ITU's World."),
    "approximate": ("Solid lines: ITU's {code_name}, the nearest of ITU's groups to {name}, not the same: {note} "
                    "Dotted: ITU's World."),
}


def _published_note(group_id: str, name: str) -> str:
    if group_id == "world":
        return "ITU's World aggregate, as published."
    match = common.publisher_match(group_id, "itu_key_ict")
    if match is None:
        return (f"ITU publishes no aggregate for {name}, so its World is shown for reference. ITU's regions "
                "(Africa, Americas, Arab States, Asia-Pacific, CIS, Europe) are its own groupings.")
    code_name = str(match["group_code"]).removeprefix("itu:").replace("_", " ").title()
    return PUBLISHED_NOTES[match["match"]].format(name=name, code_name=code_name, note=match["note"] or "")


def update_group_charts(gap_key: str, group_id: str, year: str | None):
    """The group's series (ours and ITU's), its members' parity scores and the gap against income."""
    years = scatter_years(fg.GAPS[gap_key])
    chosen = parse_int(year)
    return _group_parts(gap_key, group_id) + _scatter_parts(gap_key, group_id, chosen if chosen in years else None)


def _group_parts(gap_key: str, group_id: str) -> tuple:
    """The series, the publisher's series and the parity chart (they do not depend on the scatter's year).
    Not kept per version: in the paired runs, caching these and the scatter cost more on a miss than it saved."""
    gap = fg.GAPS[gap_key]
    name = group_name(group_id)
    breakdown = ("internet_use", gap.dimension)

    series = group_series(group_id, gap)
    series_table = series.assign(category=series["category"].map(gap.names),
                                 population_coverage=100 * series["population_coverage"])
    series_source = (_source_line("Our population-weighted aggregate of", breakdown)[:-1] + ". "
                     + _source_line("Weights (total population)", ("population", "total")))

    published, edition = published_series(group_id, gap)
    edition_label = (f"Key ICT indicators, edition of {pd.Timestamp(edition['vintage']).date().isoformat()}"
                     if edition is not None and pd.notna(edition["vintage"]) else "Key ICT indicators")
    published_source = fg.source_line(pd.DataFrame([edition]) if edition is not None else pd.DataFrame(),
                                      "Source (the publisher's own aggregate, not ours)")
    published_note = _published_note(group_id, name)
    published_table = published.assign(category=published["category"].map(gap.names))

    parity = fg.rows_of(member_parity(group_id, gap))  # once: four builders read it
    own_ratio = group_parity(group_id, gap)
    parity_source = _source_line(f"{gap.ratio_label}, derived here from", breakdown)

    rows, published_rows = fg.rows_of(series), fg.rows_of(published)  # once: several builders read each
    return (
        fg.group_series(rows, gap, name), fg.series_summary(rows, gap, name), series_source,
        _table(series_table[["year", "category", "value", "population_coverage", "n_countries", "n_members"]],
               {"year": "Year", "category": gap.dimension.capitalize(), "value": "Internet use (%)",
                "population_coverage": "Population coverage (%)", "n_countries": "Economies with data",
                "n_members": "Members"}),
        fg.coverage_note(rows, name),
        fg.published_series(published_rows, gap, edition_label),
        fg.published_summary(published_rows, gap, edition_label),
        published_source,
        _table(published_table[["group_name", "year", "category", "value"]],
               {"group_name": "ITU group", "year": "Year", "category": gap.dimension.capitalize(),
                "value": "Internet use (%)"}),
        published_note,
        fg.parity_dots(parity, gap, name, own_ratio), fg.parity_summary(parity, gap, name), parity_source,
        _table(fg.parity_table(parity), {"name": "Economy", "iso3": "Code", "year": "Survey year",
                                         "value": gap.ratio_label, "status": "Against the parity band"}),
    )


def _scatter_parts(gap_key: str, group_id: str, year: int | None) -> tuple:
    """The gap against income in one year (None: each economy's latest)."""
    gap = fg.GAPS[gap_key]
    breakdown = ("internet_use", gap.dimension)
    scatter = scatter_rows(group_id, gap, year)
    year_label = str(year) if year else ", ".join(
        part for part in (fg.year_span(scatter["year"]), "each economy's latest year") if part)
    scatter_source = (_source_line("Gap derived here from", breakdown)[:-1] + ". "
                      + _source_line("GNI per capita", ("gni_per_capita", "total")))
    scatter_table = scatter[["name", "iso3", "wb_region", "year", "gap", "gni"]].sort_values("gap", ascending=False)
    rows = fg.rows_of(scatter)  # once: both builders read it
    return (
        fg.gap_vs_income(rows, gap, year_label), fg.scatter_summary(rows, gap, year_label), scatter_source,
        _table(scatter_table, {"name": "Economy", "iso3": "Code", "wb_region": "Region", "year": "Year",
                               "gap": "Gap (points)", "gni": "GNI per capita (US$)"}),
    )


def update_country_trend(gap_key: str, countries: list[str] | None):
    gap = fg.GAPS[gap_key]
    totals, breakdown = country_rows(tuple(countries or ()), gap)
    source = (_source_line("All ages and sexes", ("internet_use", "total"))[:-1] + ". "
              + _source_line(f"By {gap.dimension}", ("internet_use", gap.dimension)))
    table = pd.DataFrame(sorted([(row["name"], row["year"], "all", row["value"]) for row in totals]
                                + [(row["name"], row["year"], gap.names[row["category"]].lower(), row["value"])
                                   for row in breakdown]), columns=["name", "year", "category", "value"])
    return (fg.country_trend(totals, breakdown, gap), fg.country_summary(totals, breakdown, gap), source,
            _table(table, {"name": "Economy", "year": "Year", "category": "Who", "value": "Internet use (%)"}))


@data.per_version
def update_inequality() -> tuple:
    """The Gini/Theil chart and its parts: the same for every view, so built once per database."""
    rows = inequality_rows()
    source = _source_line("Computed here (population-weighted, World Bank regions) from", ("internet_use", "total"),
                          ("population", "total"))
    return (fg.inequality(rows), fg.inequality_summary(rows), source,
            _table(rows, {"year": "Year", "n_countries": "Economies", "gini": "Gini", "theil": "Theil T",
                          "theil_between": "Between regions", "theil_within": "Within regions"}, digits=3))


def update_query(gap_key: str, group_id: str, countries: list[str] | None, year: str | None) -> str:
    return encode_query(gap_key, group_id, countries, year)


# The outputs of update_group_charts and update_country_trend, in the order they return them. The layout
# holds the view the address asks for (components.fill), so no callback runs at load.
GROUP_PARTS = [*components.chart_parts(Ids.SERIES), (Ids.SERIES_NOTE, "children"),
               *components.chart_parts(Ids.PUBLISHED), (Ids.PUBLISHED_NOTE, "children"),
               *components.chart_parts(Ids.PARITY), *components.chart_parts(Ids.SCATTER)]
COUNTRY_PARTS = components.chart_parts(Ids.COUNTRIES_TREND)

def _group_ids() -> list[str]:
    return groups()["group_id"].tolist()


# Each callback's inputs by kind (dashboard.callbacks): a wrong type or an unknown id gets the default.
GAP, GROUP, YEAR = text(known=fg.GAPS, default=DEFAULT_GAP), text(known=_group_ids, default=DEFAULT_GROUP), \
    text(default=LATEST)
callback(Output(Ids.YEAR, "options"), Output(Ids.YEAR, "value"),
         Input(Ids.GAP, "value"), State(Ids.YEAR, "value"), prevent_initial_call=True)(
    checked(GAP, YEAR)(update_year_options))
callback(*[Output(*part) for part in GROUP_PARTS],
         Input(Ids.GAP, "value"), Input(Ids.GROUP, "value"), Input(Ids.YEAR, "value"),
         prevent_initial_call=True)(checked(GAP, GROUP, YEAR)(update_group_charts))
callback(*[Output(*part) for part in COUNTRY_PARTS],
         Input(Ids.GAP, "value"), Input(Ids.COUNTRIES, "value"), prevent_initial_call=True)(
    checked(GAP, codes())(update_country_trend))
callback(Output(Ids.QUERY, "data"), Input(Ids.GAP, "value"), Input(Ids.GROUP, "value"),
         Input(Ids.COUNTRIES, "value"), Input(Ids.YEAR, "value"), prevent_initial_call=True)(
    checked(GAP, GROUP, codes(), YEAR)(update_query))
