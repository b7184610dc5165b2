"""Data: the observations behind every chart, filtered in the URL and downloaded as CSV, Parquet or XLSX.

`/data?indicator=internet_use,mobile_broadband_per_100&group=ldc&from=2015&to=2024&sex=female` —
indicators, economies (`countries=NOR,NGA` or `group=<group_id>`), years and breakdowns. The table
pages through at most SCREEN_CAP rows; the downloads of the selection run the same query without the
cap, in the same order, so a download of a selection under the cap has exactly the rows on screen.
Every row carries the publisher's flag (`obs_status`: estimate, break in series…); the XLSX file adds a
sheet of metadata (indicator, unit, source, release, licence, attribution).
The module is data_download.py so as not to shadow dashboard/data.py.
"""

from __future__ import annotations

import json
from html import escape
from types import MappingProxyType
from typing import Final, NamedTuple

import dash
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import components, data, formatting, i18n, localized
from dashboard.address_query import AddressQuery
from dashboard.callbacks import checked, clicks, codes, number, text, texts
from dashboard.data_files import (  # the page's queries
    XLSX_MAX_ROWS,
)
from dashboard.data_selection import (  # the page's queries
    MAX_INDICATORS,
    PAGE_ROWS,
    encode_params,
    parse_params,
)
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries import data_download as queries
from dashboard.queries.data_download import (  # the page's queries
    BREAKDOWNS,
    COLUMNS,
    SCREEN_CAP,
    DataState,
    breakdown_choices,
    group_choices,
    indicator_choices,
    year_range,
)
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Data · Digital divide indicators")


dash.register_page(__name__, path="/data", name="Data", title=_title)

# The on-screen table's headers (the files keep the column ids, COLUMNS).
LABELS = {"indicator_id": N_("Indicator"), "iso3": N_("Code"), "name": N_("Economy"), "year": N_("Year"),
          "sex": N_("Sex"), "area": N_("Area"), "age": N_("Age"), "value": N_("Value"), "obs_status": N_("Flag"),
          "unit": N_("Unit"), "source_id": N_("Source release"), "license": N_("Licence")}
DIMMED = {"opacity": 0.45, "cursor": "default"}  # a pager button with nowhere to go
# The formats' names, as a language writes them (marked: the catalogues may keep them as they are).
EXTENSIONS = (("csv", N_("CSV")), ("parquet", N_("Parquet")), ("xlsx", N_("XLSX")))
DOWNLOADS = [(scope, extension) for scope in ("selection", "full") for extension, _label in EXTENSIONS]


class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the CSS, the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "data"  # components.page derives data-main and data-notices from it
    MAIN: Final = "data-main"
    NOTICES: Final = "data-notices"
    INDICATOR: Final = "data-indicator"
    COUNTRIES: Final = "data-countries"
    GROUP: Final = "data-group"
    FROM: Final = "data-from"
    TO: Final = "data-to"
    SEX: Final = "data-sex"
    AREA: Final = "data-area"
    AGE: Final = "data-age"
    BREAKDOWN: Final = MappingProxyType({"sex": SEX, "area": AREA, "age": AGE})  # by BREAKDOWNS key
    SOURCES: Final = "data-sources"
    STATUS: Final = "data-status"
    PREVIOUS: Final = "data-previous"
    NEXT: Final = "data-next"
    TABLE: Final = "data-table"  # holds the ROWS table (or a "no data" line)
    ROWS: Final = "data-rows"  # the <table> itself, inside the HTML block
    QUERY: Final = "data-query"  # the address bar's query (AddressQuery)
    PAGE_NUMBER: Final = "data-page"  # the table's page, kept between pager clicks (dcc.Store)

    @staticmethod
    def download(scope: str, extension: str) -> str:
        """A download link's id, e.g. data-download-selection-csv (scope and extension from DOWNLOADS)."""
        return f"data-download-{scope}-{extension}"


# --- choices known to the database -------------------------------------------------------------------


# --- URL state ---------------------------------------------------------------------------------------


# --- queries -----------------------------------------------------------------------------------------


# --- files -------------------------------------------------------------------------------------------


def download_href(query: str, scope: str, extension: str) -> str:
    """The URL of a file of this selection (served by dashboard/downloads.py)."""
    return dash.get_relative_path(f"/download/{scope}.{extension}") + query


# --- layout ------------------------------------------------------------------------------------------


def _labelled(label: str, control_id: str, control, wide: bool = False, narrow: bool = False) -> html.Div:
    return html.Div(className="control control-wide" if wide else "control",
                    style={"minWidth": "150px"} if narrow else None,
                    children=[html.Label(label, htmlFor=control_id), control])


# A download link's aria-label by scope: "{format}" is CSV, Parquet or XLSX.
DOWNLOAD_LABELS = {"selection": N_("Download this selection as {format}"),
                   "full": N_("Download the full series as {format}")}


def _download_links(query: str, scope: str) -> list[html.A]:
    """CSV, Parquet and XLSX links of one scope; their href follows the selection (clientside callback below)."""
    return [html.A(_(label), id=Ids.download(scope, extension), className="button", download="",
                   href=download_href(query, scope, extension),
                   **{"aria-label": _(DOWNLOAD_LABELS[scope]).format(format=_(label))})
            for extension, label in EXTENSIONS]


def _year_options(indicators: tuple[str, ...]) -> list[dict]:
    span = year_range(indicators)
    return [] if span is None else _years_between(*span)


@data.per_version
def _years_between(first: int, last: int) -> list[dict]:
    """The From and To options, latest first (kept by span: a few dozen distinct spans). Callers must not change
    them."""
    return [{"label": str(year), "value": year} for year in range(last, first - 1, -1)]


BREAKDOWN_LABELS = {"all": N_("All (every breakdown)"), "total": N_("Total")}
BREAKDOWN_TITLES = {"sex": N_("Sex"), "area": N_("Area"), "age": N_("Age")}  # by BREAKDOWNS key
# The breakdowns' values in words, on screen (the files keep the values: total, female, urban, 15-24 …); an age band
# is written as it is.
BREAKDOWN_WORDS = {"total": N_("total"), "female": N_("female"), "male": N_("male"), "rural": N_("rural"),
                   "urban": N_("urban")}


def _breakdown_option(value: str) -> str:
    if value in BREAKDOWN_LABELS:
        return _(BREAKDOWN_LABELS[value])
    return _(BREAKDOWN_WORDS[value]).capitalize() if value in BREAKDOWN_WORDS else value.capitalize()


def _economies() -> pd.DataFrame:
    """iso3 and name of every economy, by name: the database's names in English (as the files have them), UNTERM's
    in the request's other language."""
    if i18n.current() is i18n.DEFAULT:
        return common.countries()
    return common.country_names(localized.code())


# The dropdowns' options, built once per database version and language (callers must not change them): rebuilding
# them from their frames was a fifth of a layout's cost.
@data.per_version
def _indicator_options() -> list[dict]:
    indicators = indicator_choices()
    return [{"label": f"{localized.indicator_name(indicator, name)} ({indicator})", "value": indicator}
            for indicator, name in zip(indicators["indicator_id"].tolist(), indicators["name"].tolist(), strict=True)]


@data.per_version
def _economy_options() -> list[dict]:
    countries = _economies()
    return [{"label": f"{name} ({iso3})", "value": iso3}
            for iso3, name in zip(countries["iso3"].tolist(), countries["name"].tolist(), strict=True)]


@data.per_version
def _group_options() -> list[dict]:
    groups = group_choices()
    return [{"label": f"{localized.group_name(name)} ({formatting.count(members)})", "value": group}
            for group, name, members in zip(groups["group_id"].tolist(), groups["name"].tolist(),
                                            groups["members"].tolist(), strict=True)]


@data.per_version
def _breakdown_options() -> dict[str, list[dict]]:
    choices = breakdown_choices()
    return {key: [{"label": _breakdown_option(value), "value": value} for value in ["all", *choices[key]]]
            for key in BREAKDOWNS}


def layout(**query) -> html.Main:
    try:
        state, notices = parse_params(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    breakdown_options = _breakdown_options()
    canonical = encode_params(state._replace(page=1))
    years = _year_options(state.indicators)
    breakdown_controls = [
        _labelled(_(BREAKDOWN_TITLES[key]), Ids.BREAKDOWN[key], StagedDropdown(
            id=Ids.BREAKDOWN[key], clearable=False, value=getattr(state, key), searchable=False,
            options=breakdown_options[key]),
            narrow=True)
        for key in BREAKDOWNS
    ]
    page = components.page(
        _("Data"),
        _("The observations behind every chart: choose indicators, economies, years and breakdowns, then download "
          "exactly this selection, or the full series of the chosen indicators, as CSV, Parquet or XLSX. Every row "
          "names its source release, licence and the publisher's flag."),
        html.Section(className="controls data-controls", children=[
            _labelled(_("Indicators"), Ids.INDICATOR, StagedDropdown(
                id=Ids.INDICATOR, multi=True, value=list(state.indicators),
                options=_indicator_options(),
                placeholder=_("Type an indicator…")), wide=True),
            _labelled(_("Countries"), Ids.COUNTRIES, StagedDropdown(
                id=Ids.COUNTRIES, multi=True, value=list(state.countries),
                options=_economy_options(),
                placeholder=_("All economies (or type a name…)"))),
            _labelled(_("…or a group"), Ids.GROUP, StagedDropdown(
                id=Ids.GROUP, value=state.group, placeholder=_("All economies"),
                options=_group_options())),
        ]),
        html.Section(className="controls data-controls", children=[
            _labelled(_("From"), Ids.FROM, StagedDropdown(id=Ids.FROM, value=state.year_from, options=years,
                                                           placeholder=_("First year")), narrow=True),
            _labelled(_("To"), Ids.TO, StagedDropdown(id=Ids.TO, value=state.year_to, options=years,
                                                       placeholder=_("Latest year")), narrow=True),
            *breakdown_controls,
        ]),
        html.Section(className="data-downloads", children=[
            html.H2(_("Download"), className="chart-title"),
            html.Div(className="download-row", children=[
                html.Span(_("This selection:") + " ", className="download-label"),
                *_download_links(canonical, "selection"),
            ]),
            html.Div(className="download-row", children=[
                html.Span(_("Full series of the chosen indicators (all years, economies and breakdowns):") + " ",
                          className="download-label"),
                *_download_links(canonical, "full"),
            ]),
            # The column ids and flag codes are the files' own (English, for machines): they stay as they are.
            html.P(_("Columns: {columns}. CSV in UTF-8; Parquet via Apache Arrow; XLSX (at most {max_rows} rows) "
                     "with a second sheet “metadata” (indicator, unit, source, release, licence, attribution). "
                     "Values are rounded to six significant digits on screen; CSV and Parquet keep every digit, "
                     "XLSX Excel's 15 significant digits. obs_status is the publisher's flag (e.g. Estimated, "
                     "Break; A for a normal value; derived for values computed here), shown in words on screen.")
                   .format(columns=", ".join(COLUMNS), max_rows=formatting.count(XLSX_MAX_ROWS)),
                   className="caption"),
        ]),
        html.Section(className="chart", children=[
            html.H2(_("Sources of this selection"), className="chart-title"),
            html.Div(id=Ids.SOURCES),
        ]),
        html.Section(className="chart", children=[
            html.P(id=Ids.STATUS, className="summary", **{"aria-live": "polite"}),
            html.Div(className="pager", children=[
                html.Button(_("‹ Previous rows"), id=Ids.PREVIOUS, className="button", n_clicks=0),
                html.Button(_("Next rows ›"), id=Ids.NEXT, className="button", n_clicks=0),
            ]),
            html.Div(id=Ids.TABLE, className="data-scroll"),
        ]),
        AddressQuery(id=Ids.QUERY),
        dcc.Store(id=Ids.PAGE_NUMBER, data=state.page),
        notices=notices, page_id=Ids.PAGE,
    )
    shown = update_table(list(state.indicators), list(state.countries), state.group, state.year_from, state.year_to,
                         state.sex, state.area, state.age, 0, 0, state.page)
    return components.fill(page, dict(zip(TABLE_PARTS, shown, strict=True)))


# --- rendering of one selection ------------------------------------------------------------------------


def _value(value: float) -> str:
    """Six significant digits on screen (8.260000229 → 8.26, as published; the files keep every digit), with the
    locale's decimal sign and grouping."""
    if i18n.current() is i18n.DEFAULT:
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if abs(value) >= 1e6:
        return formatting.fixed(value, 0)
    text = f"{value:.6g}"
    return text if "e" in text else formatting.fixed(float(text), len(text.partition(".")[2]))


def _cell(column: str, value, economy: dict[str, str]) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if column == "obs_status":
        return formatting.flag(value)
    if column == "value":
        return _value(value)
    if column in economy:  # the economy's name in the request's language
        return economy[column]
    if column == "unit":
        return localized.unit_label(value)
    if column in BREAKDOWN_TITLES and value in BREAKDOWN_WORDS:
        return _(BREAKDOWN_WORDS[value])
    return str(value)


class _Cells(NamedTuple):
    """The table's cells (escaped <td>…</td>) that depend on a code of queries.Observations only, in the request's
    language: every column but the year and the value. Written once per database version and language, so that a
    row is a few joined strings (each cell's _cell per request was most of the table's cost)."""

    indicator: list[str]  # indicator_id, by indicator code
    economy: list[str]  # iso3 and name, by economy code
    breakdowns: list[list[str]]  # by BREAKDOWNS key, by its code
    status: list[str]  # by status code
    unit: list[str]  # by indicator code
    source: list[str]  # source_id and licence, by source code


def _td(column: str, value, economy: dict[str, str] | None = None) -> str:
    return f"<td>{escape(_cell(column, value, economy or {}))}</td>"


@data.per_version
def _cells() -> _Cells:
    table = queries.observations()
    english = i18n.current() is i18n.DEFAULT
    # English keeps the database's names, as the files have them; another language UNTERM's.
    economies = [_td("iso3", iso3) + _td("name", name, {} if english else
                                         {"name": localized.country_name(iso3, name)})
                 for iso3, name in zip(table.economies, table.names, strict=True)]
    return _Cells([_td("indicator_id", indicator) for indicator in table.indicators], economies,
                  [[_td(key, value) for value in table.breakdowns[key][1]] for key in BREAKDOWNS],
                  [_td("obs_status", status) for status in table.statuses], [_td("unit", unit) for unit in table.units],
                  [_td("source_id", source) + _td("license", licence)
                   for source, licence in zip(table.sources, table.licenses, strict=True)])


def table(positions: np.ndarray) -> HtmlBlock | html.P:
    """The rows at these positions of queries.Observations as one block of escaped HTML (a Dash component per
    cell would be far slower to build, send and render: components.data_table does the same)."""
    if not len(positions):
        return html.P(_("No data for this selection."), className="no-data")
    head = "".join(f'<th scope="col">{escape(_(LABELS[column]))}</th>' for column in COLUMNS)
    rows, cells = queries.observations(), _cells()
    sex, area, age = ([words[code] for code in rows.breakdowns[key][0][positions].tolist()]
                      for words, key in zip(cells.breakdowns, BREAKDOWNS, strict=True))
    indicators = rows.indicator[positions].tolist()
    body = "".join(
        f"<tr>{cells.indicator[indicator]}{cells.economy[economy]}<td>{year}</td>{sex_cell}{area_cell}{age_cell}"
        f"{_td('value', value)}{cells.status[status]}{cells.unit[indicator]}{cells.source[source]}</tr>"
        for indicator, economy, year, sex_cell, area_cell, age_cell, value, status, source in zip(
            indicators, rows.iso3[positions].tolist(), rows.year[positions].tolist(), sex, area, age,
            rows.value[positions].tolist(), rows.status[positions].tolist(), rows.source[positions].tolist(),
            strict=True))
    return HtmlBlock(components.scroll_box(f'<table class="data-table" id="{Ids.ROWS}"><thead><tr>{head}</tr>'
                                          f"</thead><tbody>{body}</tbody></table>", _("Rows of this selection")))


def _around(template: str, key: str, component, **fields) -> list:
    """A translated sentence with a component (a link, a strong name) in place of its {key}, wherever the
    language puts it: the text before it, the component, the text after it."""
    before, _found, after = template.partition("{" + key + "}")
    return [part for part in (before.format(**fields), component, after.format(**fields)) if part != ""]


def sources_list(releases: list[tuple]) -> html.Ul | html.P:
    """The releases of a selection (queries.releases: each a row of details and its count of rows)."""
    if not releases:
        return html.P(_("No rows, so no sources."), className="no-data")
    items = []
    for row, count in releases:
        release = (_("release of {date}").format(date=formatting.date(row.vintage)) if pd.notna(row.vintage)
                   else _("undated release"))
        licence = (html.A(row.license, href=row.license_url, rel="license noopener", target="_blank")
                   if row.license_url.startswith("http") else row.license)
        items.append(html.Li([
            *_around(_("{name} ({indicator_id}, {unit}; publisher's code {code}): {publisher}, {dataset}, {release} "
                       "[{source_id}]."), "name", html.Strong(localized.indicator_name(row.indicator_id, row.name)),
                     indicator_id=row.indicator_id, unit=localized.unit_label(row.unit), code=row.source_code,
                     publisher=row.publisher, dataset=row.dataset, release=release, source_id=row.source_id),
            " ", *_around(_("Licence: {licence}."), "licence", licence),
            " " + ngettext("{count} row.", "{count} rows.", count).format(count=formatting.count(count)),
        ]))
    return html.Ul(items, className="source-list")


def render(state: DataState) -> tuple:
    """Table, status line, sources list, canonical query, page (clamped) and number of pages of a selection."""
    found = queries.find(state)
    total = len(found.positions)
    pages = max(1, -(-min(total, SCREEN_CAP) // PAGE_ROWS))
    page = min(max(1, state.page), pages)
    state = state._replace(page=page)
    shown = found.positions[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    if total == 0:
        status = _("No rows match this selection.")
    else:
        first = (page - 1) * PAGE_ROWS + 1
        status = _("Rows {first}–{last} of {total} (page {page} of {pages}).").format(
            first=formatting.count(first), last=formatting.count(first + len(shown) - 1),
            total=formatting.count(total), page=formatting.count(page), pages=formatting.count(pages))
        if total > SCREEN_CAP:
            status += " " + _("The table pages through the first {cap} rows; the downloads of this selection have "
                              "all {total}.").format(cap=formatting.count(SCREEN_CAP), total=formatting.count(total))
        else:
            status += " " + ngettext("The downloads of this selection have exactly this row.",
                                     "The downloads of this selection have exactly these {total} rows.",
                                     total).format(total=formatting.count(total))
    return table(shown), status, sources_list(queries.releases(found.counts)), encode_params(state), page, pages


def _triggered() -> str | None:
    try:
        return dash.ctx.triggered_id
    except Exception:  # called as a plain function (tests): no callback context
        return None


# update_table's outputs, in its order. The layout holds the table the address asks for (components.fill), so
# the callback does not run at load.
TABLE_PARTS = [(Ids.TABLE, "children"), (Ids.STATUS, "children"), (Ids.SOURCES, "children"),
               (Ids.QUERY, "data"), (Ids.PAGE_NUMBER, "data"), (Ids.FROM, "options"), (Ids.TO, "options"),
               (Ids.PREVIOUS, "disabled"), (Ids.NEXT, "disabled"), (Ids.PREVIOUS, "style"),
               (Ids.NEXT, "style")]


@callback(
    *[Output(*part) for part in TABLE_PARTS],
    Input(Ids.INDICATOR, "value"), Input(Ids.COUNTRIES, "value"), Input(Ids.GROUP, "value"),
    Input(Ids.FROM, "value"), Input(Ids.TO, "value"),
    Input(Ids.SEX, "value"), Input(Ids.AREA, "value"), Input(Ids.AGE, "value"),
    Input(Ids.PREVIOUS, "n_clicks"), Input(Ids.NEXT, "n_clicks"),
    State(Ids.PAGE_NUMBER, "data"), prevent_initial_call=True,
)
@checked(texts(), codes(), text(), number(1900, 2100), number(1900, 2100), text(default="total"), text(default="total"),
         text(default="total"), clicks(), clicks(), number(1, SCREEN_CAP // PAGE_ROWS + 1, default=1))
def update_table(indicators, countries, group, year_from, year_to, sex, area, age, _previous, _next, page):
    """Any filter change goes back to the first page; the pager buttons turn pages."""
    trigger = _triggered()
    # Values come from the page's own controls, but a hand-made request may send anything: coerce, never fail.
    page = page if isinstance(page, int) else 1
    year_from, year_to = (year if isinstance(year, int) else None for year in (year_from, year_to))
    if trigger == Ids.PREVIOUS:
        page -= 1
    elif trigger == Ids.NEXT:
        page += 1
    elif trigger is not None:
        page = 1
    indicators, countries = (values if isinstance(values, list) else [] for values in (indicators, countries))
    chosen = tuple(dict.fromkeys(value for value in indicators if isinstance(value, str)))[:MAX_INDICATORS]
    if not chosen:
        return (html.P(_("Choose at least one indicator."), className="no-data"), "", "", encode({}), 1, [], [],
                True, True, DIMMED, DIMMED)
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    countries = tuple(code for code in countries if isinstance(code, str))
    state = DataState(chosen, countries, None if countries or not isinstance(group, str) else group, year_from,
                      year_to, *(value if isinstance(value, str) else "total" for value in (sex, area, age)), page)
    years = _year_options(chosen)
    table_, status, source_list, query, page, pages = render(state)
    first, last = page <= 1, page >= pages
    return (table_, status, source_list, query, page, years, years, first, last,
            DIMMED if first else None, DIMMED if last else None)


@callback(Output(Ids.GROUP, "value"), Output(Ids.COUNTRIES, "value"),
          Input(Ids.GROUP, "value"), Input(Ids.COUNTRIES, "value"), prevent_initial_call=True)
@checked(text(), codes())
def one_kind_of_economy_filter(group, countries):
    """Countries or a group, not both: choosing one clears the other."""
    trigger = _triggered()
    if trigger == Ids.GROUP and group and countries:
        return group, []
    if trigger == Ids.COUNTRIES and countries and group:
        return None, countries
    return dash.no_update, dash.no_update


# The download links follow the selection in the browser: no server round trip.
clientside_callback(
    f"""function (query) {{
        const base = {json.dumps(dash.get_relative_path("/download/"))};
        return {json.dumps([f"{scope}.{extension}" for scope, extension in DOWNLOADS])}
            .map(file => base + file + (query || ""));
    }}""",
    *[Output(Ids.download(scope, extension), "href") for scope, extension in DOWNLOADS],
    Input(Ids.QUERY, "data"),
    prevent_initial_call=True,
)
