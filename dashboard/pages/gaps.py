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

from dashboard import components, data, i18n, localized
from dashboard import figures_gaps as fg
from dashboard.address_query import AddressQuery
from dashboard.callbacks import checked, codes, text
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries.gaps import (  # the page's queries
    country_rows,
    group_ids,
    group_name,
    group_parity,
    group_series_rows,
    groups,
    indicator_descriptions,
    inequality_rows,
    itu_match,
    member_parity_rows,
    newest_itu_edition,
    published_series_rows,
    scatter_rows_plain,
    scatter_years,
    sources_of,
)
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode, first, parse_choice, parse_codes, parse_int
from indicators import catalogue


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Gaps · Digital divide indicators")


dash.register_page(__name__, path="/gaps", name="Gaps", title=_title)

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
    span = f"{min(years)}–{max(years)}" if years else _("none")
    notices.append(_("No gap data for year “{year}” (years with data: {span}): showing each economy's latest year "
                     "instead.").format(year=text[:10], span=span))
    return None


def parse_query(params: dict) -> tuple[str, str, tuple[str, ...], int | None, list[str]]:
    notices: list[str] = []
    gap = parse_choice(params, "gap", list(fg.GAPS), DEFAULT_GAP, notices, label=_("gap"))
    group = parse_choice(params, "group", group_ids(), DEFAULT_GROUP, notices, label=_("group"))
    known = _country_codes()
    if first(params.get("countries")).lower() == NO_COUNTRIES:
        countries: tuple[str, ...] = ()
    else:
        # Absent, or nothing usable in it (the notice says what was ignored): the default countries.
        countries = parse_codes(params, "countries", known, notices) or tuple(
            code for code in DEFAULT_COUNTRIES if code in known)
    year = parse_year(params, scatter_years(fg.GAPS[gap]), notices)
    return gap, group, countries, year, notices


@data.per_version
def _country_codes() -> frozenset[str]:
    return frozenset(common.countries()["iso3"].tolist())


def encode_query(gap: str, group: str, countries: list[str] | tuple[str, ...] | None, year) -> str:
    codes = tuple(countries or ()) or NO_COUNTRIES
    year = parse_int(year) if isinstance(year, str) else year if isinstance(year, int) else None
    return encode({"gap": gap, "group": group, "countries": codes, "year": year})


# --- layout ----------------------------------------------------------------------------------------------------


# --- data texts in the request's language (dashboard/localized.py) ------------------------------------------------

# A group's label in the control, by its type (as dashboard/queries/gaps.py's GROUP_TYPE_PREFIX).
GROUP_LABELS = {"wb_region": N_("World Bank region: {name}"), "income_group": N_("Income group: {name}"),
                "m49_region": N_("UN region: {name}"), "m49_subregion": N_("UN sub-region: {name}")}


def _group_label(group_type: str, name: str) -> str:
    label = GROUP_LABELS.get(group_type)
    return _(label).format(name=localized.group_name(name)) if label else localized.group_name(name)


def _group_name(group_id: str) -> str:
    return localized.group_name(group_name(group_id))


def _named(rows: fg.Rows) -> list[dict]:
    """Rows (iso3, name, …; a frame or plain dicts) with each economy named in the request's language, and its World
    Bank region's name too where there is one; copies (the queries' rows are shared). English keeps the names
    of table country, as the page and its tests had them before it was translated."""
    if i18n.current() is i18n.DEFAULT:
        return fg.rows_of(rows)
    out = []
    for row in fg.rows_of(rows):
        row = {**row, "name": localized.country_name(row["iso3"], row["name"])}
        if row.get("wb_region"):
            row["wb_region"] = localized.group_name(row["wb_region"])
        out.append(row)
    return out


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _country_options() -> list[dict]:
    """Every economy, named and ordered as in the request's language (UNTERM's names, table country_name);
    callers must not change the list."""
    return _country_options_in(localized.code())


@data.per_version
def _country_options_in(locale: str) -> list[dict]:
    """_country_options, once per database and language (`locale`: the cache key only)."""
    del locale
    rows = common.countries()
    if i18n.current() is i18n.DEFAULT:
        return [{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in rows.itertuples()]
    order = {iso3: index for index, iso3 in enumerate(common.country_names(localized.code())["iso3"])}
    named = sorted((order.get(row.iso3, len(order)), localized.country_name(row.iso3, row.name), row.iso3)
                    for row in rows.itertuples())
    return [{"label": f"{name} ({iso3})", "value": iso3} for _rank, name, iso3 in named]


def _year_options(years: list[int]) -> list[dict]:
    return [{"label": _("Latest year for each economy"), "value": LATEST}] + [
        {"label": str(year), "value": str(year)} for year in reversed(years)]


@data.per_version
def _definition_texts_in(locale: str) -> tuple[tuple[str, str], ...]:
    """Each gap indicator's (name, description) in the request's language, once per database and language."""
    rows = indicator_descriptions([gap.parity_indicator for gap in fg.GAPS.values()]
                                  + [gap.gap_indicator for gap in fg.GAPS.values()])
    entries = catalogue().indicators
    return tuple((localized.indicator_name(row.indicator_id, row.name),
                  entries[row.indicator_id].text("description", locale) if row.indicator_id in entries
                  else row.description) for row in rows.itertuples())


@data.per_version
def _group_options_in(locale: str) -> list[dict]:
    """The group control's options, once per database and language (`locale`: the cache key only)."""
    del locale
    return [{"label": _group_label(row.group_type, row.name), "value": row.group_id}
            for row in groups().itertuples()]


def _definitions() -> html.Details:
    return html.Details(className="caption", children=[
        html.Summary(_("Definitions")),
        html.Ul([html.Li([html.Strong(name), ": ", description])
                 for name, description in _definition_texts_in(localized.code())]
                + [html.Li(_("Group aggregates are population-weighted means over the members with data; the "
                             "value is left empty where those members hold under 50 % of the group's population. A "
                             "group's ratio is the ratio of its aggregates, not a mean of country ratios."))]),
    ])


def layout(**query) -> html.Main:
    try:
        gap, group, countries, year, notices = parse_query(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    group_options = _group_options_in(localized.code())
    country_options = _country_options()
    # Two charts side by side when there is room. minmax(0, …) and min-width 0 keep the tracks from growing
    # with the plotly graph inside them (a responsive graph in an auto-sized track resizes without end).
    pair_grid = {"display": "grid", "gridTemplateColumns": "repeat(auto-fit, minmax(min(440px, 100%), 1fr))",
                 "gap": "0 1rem"}
    cell = {"minWidth": 0}
    year_value = str(year) if year else LATEST
    page = components.page(
        _("Gaps: women and men, rural and urban"),
        _("How far apart are women and men, and rural and urban residents, in Internet use — in each group over "
          "time, in each country, against income — and is the divide between countries narrowing? The address "
          "bar keeps the view, so a copied link reproduces it."),
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label(_("Gap"), htmlFor=Ids.GAP),
                # A dropdown, not RadioItems: Dash 4 renders radio items as inputs nested in role=option
                # labels, which axe-core reports as serious (nested-interactive, no accessible name).
                StagedDropdown(id=Ids.GAP, value=gap, clearable=False, searchable=False,
                             options=[{"label": _(item.label), "value": key} for key, item in fg.GAPS.items()]),
            ]),
            html.Div(className="control", children=[
                html.Label(_("Group"), htmlFor=Ids.GROUP),
                StagedDropdown(id=Ids.GROUP, value=group, clearable=False, options=group_options),
            ]),
        ]),
        _definitions(),
        html.P(id=Ids.OFFLINE_NOTE, className="notice", children=_(
            "How many women and men are offline? Counting them needs population by sex, which these data do not "
            "include, so we do not estimate it; the charts show the share of women and of men using the Internet "
            "instead. People offline in total (all ages and both sexes) are on the Explore page.")),
        html.Div(style=pair_grid, children=[
            html.Div(style=cell, children=[
                components.chart(Ids.SERIES, title=_("Our aggregate (computed here)")),
                html.P(id=Ids.SERIES_NOTE, className="caption")]),
            html.Div(style=cell, children=[
                components.chart(Ids.PUBLISHED, title=_("The publisher's aggregate (ITU)")),
                html.P(id=Ids.PUBLISHED_NOTE, className="caption")]),
        ]),
        components.chart(Ids.PARITY, title=_("Country parity scores")),
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label(_("Year of the comparison with income"), htmlFor=Ids.YEAR),
                StagedDropdown(id=Ids.YEAR, value=year_value, clearable=False,
                             options=_year_options(scatter_years(fg.GAPS[gap]))),
            ]),
        ]),
        components.chart(Ids.SCATTER, title=_("Gap against income")),
        html.Section(className="controls", children=[
            html.Div(className="control control-wide", children=[
                html.Label(_("Countries to follow over time"), htmlFor=Ids.COUNTRIES),
                StagedDropdown(id=Ids.COUNTRIES, multi=True, value=list(countries), options=country_options,
                             placeholder=_("Type a country name…")),
            ]),
        ]),
        components.chart(Ids.COUNTRIES_TREND, title=_("Chosen countries over time")),
        components.chart(Ids.INEQUALITY, title=_("Is the divide between countries narrowing?")),
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


def _source_line(lead: str, *sources: tuple[str, str]) -> str:
    """fg.source_line of the releases behind these (indicator, breakdown) pairs (`lead` already translated)."""
    return _source_line_in(localized.code(), lead, *sources)


@data.per_version
def _source_line_in(locale: str, lead: str, *sources: tuple[str, str]) -> str:
    """_source_line, built once per database and language (`locale` is part of the cache key only)."""
    del locale
    return fg.source_line(pd.concat([sources_of(*pair) for pair in sources]), lead)


def _table(frame: pd.DataFrame, labels: dict[str, str], digits: int = 1) -> HtmlBlock:
    """The data-table alternative as one block of escaped HTML (components.data_table)."""
    return components.data_table(frame, labels, digits)


# What ITU's aggregate beside ours is, by how its group matches ours (indicators/publisher_groups.yaml).
PUBLISHED_NOTES = {
    "same": N_("Solid lines: ITU's own aggregate for {name} (the same economies); dotted: ITU's World."),
    "classification": N_("Solid lines: ITU's own aggregate for {name}, over the World Bank income classification "
                         "of ITU's edition (ours is today's, so a few economies differ); dotted: ITU's World."),
    "approximate": N_("Solid lines: ITU's {code_name}, the nearest of ITU's groups to {name}, not the same: {note} "
                      "Dotted: ITU's World."),
}
# indicators/publisher_groups.yaml's notes on ITU's groups, for the catalogues (a test keeps them equal): a note
# reworded there shows in English until it is reworded here too.
ITU_NOTES = (
    N_("ITU's list of small island developing states is its own; ours is the UN M49 list."),
    N_("ITU's Africa region is sub-Saharan Africa without Sudan, Somalia, Mauritania and the Comoros, which ITU "
       "counts among the Arab States."),
    N_("ITU's Africa excludes North Africa and the other members of the League of Arab States (ITU's Arab States "
       "region)."),
    N_("ITU's Americas is ITU's own list of the region's economies; small territories may be counted differently."),
    N_("ITU's Europe excludes Russia, Belarus and the other CIS countries, which form ITU's own region."),
    N_("ITU's Asia & Pacific includes Oceania and excludes West Asia's Arab States and Central Asia's CIS "
       "countries."),
)


def _published_note(group_id: str, name: str) -> str:
    if group_id == "world":
        return _("ITU's World aggregate, as published.")
    match = itu_match(group_id)
    if match is None:
        return _("ITU publishes no aggregate for {name}, so its World is shown for reference. ITU's regions "
                 "(Africa, Americas, Arab States, Asia-Pacific, CIS, Europe) are its own groupings.").format(name=name)
    code_name = str(match["group_code"]).removeprefix("itu:").replace("_", " ")
    code_name = code_name.upper() if len(code_name) <= 4 else code_name.title()  # "SIDS", "Asia Pacific"
    note = match["note"] or ""
    return _(PUBLISHED_NOTES[match["match"]]).format(name=name, code_name=localized.group_name(code_name),
                                                     note=_(note) if note in ITU_NOTES else note)


def update_group_charts(gap_key: str, group_id: str, year: str | None):
    """The group's series (ours and ITU's), its members' parity scores and the gap against income."""
    years = scatter_years(fg.GAPS[gap_key])
    chosen = parse_int(year)
    return _group_parts(gap_key, group_id) + _scatter_parts(gap_key, group_id, chosen if chosen in years else None)


DIMENSION_TITLES = {"sex": N_("Sex"), "area": N_("Area")}


def _group_parts(gap_key: str, group_id: str) -> tuple:
    """The series, the publisher's series and the parity chart (they do not depend on the scatter's year).
    Not kept per version: in the paired runs, caching these and the scatter cost more on a miss than it saved."""
    gap = fg.GAPS[gap_key]
    name = _group_name(group_id)
    breakdown = ("internet_use", gap.dimension)
    side_names = {category: _(label) for category, label in gap.names.items()}
    dimension = _(DIMENSION_TITLES[gap.dimension])  # the tables' column of the breakdown

    # The queries' rows as plain dicts kept per version (dashboard/queries/gaps.py), read by the builders and
    # turned into the tables' frames directly: pandas' assign, map and column picks cost more than the charts.
    rows = group_series_rows(group_id, gap)
    series_table = fg.table_frame([(row["year"], side_names.get(row["category"]), row["value"],
                            None if row["population_coverage"] is None else 100 * row["population_coverage"],
                            row["n_countries"], row["n_members"]) for row in rows],
                          ["year", "category", "value", "population_coverage", "n_countries", "n_members"])
    series_source = " ".join((_source_line(_("Our population-weighted aggregate of"), breakdown),
                              _source_line(_("Weights (total population)"), ("population", "total"))))

    published_rows = [{**row, "group_name": localized.group_name(row["group_name"])}
                      for row in published_series_rows(group_id, gap)]
    edition_label, published_source = _edition_texts_in(localized.code())
    published_note = _published_note(group_id, name)
    published_table = fg.table_frame([(row["group_name"], row["year"], side_names.get(row["category"]), row["value"])
                              for row in published_rows], ["group_name", "year", "category", "value"])

    parity = _named(member_parity_rows(group_id, gap))  # once: four builders read it
    own_ratio = group_parity(group_id, gap)
    parity_source = _source_line(_("{ratio}, derived here from").format(ratio=_(gap.ratio_label)), breakdown)

    return (
        fg.group_series(rows, gap, name), fg.series_summary(rows, gap, name), series_source,
        _table(series_table,
               {"year": _("Year"), "category": dimension, "value": _("Internet use (%)"),
                "population_coverage": _("Population coverage (%)"), "n_countries": _("Economies with data"),
                "n_members": _("Members")}),
        fg.coverage_note(rows, name),
        fg.published_series(published_rows, gap, edition_label),
        fg.published_summary(published_rows, gap, edition_label),
        published_source,
        _table(published_table,
               {"group_name": _("ITU group"), "year": _("Year"), "category": dimension,
                "value": _("Internet use (%)")}),
        published_note,
        fg.parity_dots(parity, gap, name, own_ratio), fg.parity_summary(parity, gap, name), parity_source,
        _table(fg.parity_table(parity), {"name": _("Economy"), "iso3": _("Code"), "year": _("Survey year"),
                                         "value": _(gap.ratio_label), "status": _("Against the parity band")}),
    )


@data.per_version
def _edition_texts_in(locale: str) -> tuple[str, str]:
    """The label and the source line of ITU's newest Key ICT edition, once per database and language (`locale`:
    the cache key only)."""
    del locale
    edition = newest_itu_edition()
    label = (_("Key ICT indicators, edition of {date}").format(date=pd.Timestamp(edition["vintage"]).date().isoformat())
             if edition is not None and pd.notna(edition["vintage"]) else _("Key ICT indicators"))
    source = fg.source_line(pd.DataFrame([edition]) if edition is not None else pd.DataFrame(),
                            _("Source (the publisher's own aggregate, not ours)"))
    return label, source


def _scatter_parts(gap_key: str, group_id: str, year: int | None) -> tuple:
    """The gap against income in one year (None: each economy's latest)."""
    gap = fg.GAPS[gap_key]
    breakdown = ("internet_use", gap.dimension)
    scatter = scatter_rows_plain(group_id, gap, year)
    span = fg.year_span(row["year"] for row in scatter)
    year_label = str(year) if year else (_("{years}, each economy's latest year").format(years=span) if span
                                         else _("each economy's latest year"))
    scatter_source = " ".join((_source_line(_("Gap derived here from"), breakdown),
                               _source_line(_("GNI per capita"), ("gni_per_capita", "total"))))
    columns = ["name", "iso3", "wb_region", "year", "gap", "gni"]
    rows = _named(scatter)  # once: both builders read it
    scatter_table = _frame(rows, columns)[columns].sort_values("gap", ascending=False)
    return (
        fg.gap_vs_income(rows, gap, year_label), fg.scatter_summary(rows, gap, year_label), scatter_source,
        _table(scatter_table, {"name": _("Economy"), "iso3": _("Code"), "wb_region": _("Region"), "year": _("Year"),
                               "gap": _("Gap (points)"), "gni": _("GNI per capita (US$)")}),
    )


def update_country_trend(gap_key: str, countries: list[str] | None):
    gap = fg.GAPS[gap_key]
    totals, breakdown = (_named(rows) for rows in country_rows(tuple(countries or ()), gap))
    source = " ".join((_source_line(_("All ages and sexes"), ("internet_use", "total")),
                       _source_line(_(gap.by), ("internet_use", gap.dimension))))
    everyone = _("all")
    table = fg.table_frame(sorted([(row["name"], row["year"], everyone, row["value"]) for row in totals]
                                  + [(row["name"], row["year"], _(gap.names[row["category"]]).lower(), row["value"])
                                     for row in breakdown]), ["name", "year", "category", "value"])
    return (fg.country_trend(totals, breakdown, gap), fg.country_summary(totals, breakdown, gap), source,
            _table(table, {"name": _("Economy"), "year": _("Year"), "category": _("Who"),
                           "value": _("Internet use (%)")}))


def update_inequality() -> tuple:
    """The Gini/Theil chart and its parts: the same for every view, so built once per database and language."""
    return _inequality_in(localized.code())


@data.per_version
def _inequality_in(locale: str) -> tuple:
    del locale  # part of the cache key only: the texts are in the request's language
    rows = inequality_rows()
    source = _source_line(_("Computed here (population-weighted, World Bank regions) from"),
                          ("internet_use", "total"), ("population", "total"))
    return (fg.inequality(rows), fg.inequality_summary(rows), source,
            _table(rows, {"year": _("Year"), "n_countries": _("Economies"), "gini": _("Gini"), "theil": _("Theil T"),
                          "theil_between": _("Between regions"), "theil_within": _("Within regions")}, digits=3))


def update_query(gap_key: str, group_id: str, countries: list[str] | None, year: str | None) -> str:
    return encode_query(gap_key, group_id, countries, year)


# The outputs of update_group_charts and update_country_trend, in the order they return them. The layout
# holds the view the address asks for (components.fill), so no callback runs at load.
GROUP_PARTS = [*components.chart_parts(Ids.SERIES), (Ids.SERIES_NOTE, "children"),
               *components.chart_parts(Ids.PUBLISHED), (Ids.PUBLISHED_NOTE, "children"),
               *components.chart_parts(Ids.PARITY), *components.chart_parts(Ids.SCATTER)]
COUNTRY_PARTS = components.chart_parts(Ids.COUNTRIES_TREND)

# Each callback's inputs by kind (dashboard.callbacks): a wrong type or an unknown id gets the default.
GAP, GROUP, YEAR = text(known=fg.GAPS, default=DEFAULT_GAP), text(known=group_ids, default=DEFAULT_GROUP), \
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
