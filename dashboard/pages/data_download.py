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
from typing import Final

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import components, data, formatting
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
from dashboard.queries import common
from dashboard.queries.data_download import (  # the page's queries
    BREAKDOWNS,
    COLUMNS,
    SCREEN_CAP,
    DataState,
    breakdown_choices,
    group_choices,
    indicator_choices,
    screen,
    year_range,
)
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode

dash.register_page(__name__, path="/data", name="Data", title="Data · Digital divide indicators")

LABELS = {"indicator_id": "Indicator", "iso3": "Code", "name": "Economy", "year": "Year", "sex": "Sex",
          "area": "Area", "age": "Age", "value": "Value", "obs_status": "Flag", "unit": "Unit",
          "source_id": "Source release", "license": "Licence"}
DIMMED = {"opacity": 0.45, "cursor": "default"}  # a pager button with nowhere to go
EXTENSIONS = (("csv", "CSV"), ("parquet", "Parquet"), ("xlsx", "XLSX"))
DOWNLOADS = [(scope, extension) for scope in ("selection", "full") for extension, _ in EXTENSIONS]


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


def _download_links(query: str, scope: str, what: str) -> list[html.A]:
    """CSV, Parquet and XLSX links of one scope; their href follows the selection (clientside callback below)."""
    return [html.A(label, id=Ids.download(scope, extension), className="button", download="",
                   href=download_href(query, scope, extension), **{"aria-label": f"{what} as {label}"})
            for extension, label in EXTENSIONS]


def _year_options(indicators: tuple[str, ...]) -> list[dict]:
    span = year_range(indicators)
    if span is None:
        return []
    return [{"label": str(year), "value": year} for year in range(span[1], span[0] - 1, -1)]


BREAKDOWN_LABELS = {"all": "All (every breakdown)", "total": "Total"}


def layout(**query) -> html.Main:
    try:
        indicators = indicator_choices()
        state, notices = parse_params(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    countries = common.countries()
    groups = group_choices()
    choices = breakdown_choices()
    canonical = encode_params(state._replace(page=1))
    years = _year_options(state.indicators)
    breakdown_controls = [
        _labelled(key.capitalize(), Ids.BREAKDOWN[key], StagedDropdown(
            id=Ids.BREAKDOWN[key], clearable=False, value=getattr(state, key), searchable=False,
            options=[{"label": BREAKDOWN_LABELS.get(value, value.capitalize()), "value": value}
                     for value in ["all", *choices[key]]]), narrow=True)
        for key in BREAKDOWNS
    ]
    page = components.page(
        "Data",
        "The observations behind every chart: choose indicators, economies, years and breakdowns, then download "
        "exactly this selection, or the full series of the chosen indicators, as CSV, Parquet or XLSX. Every row "
        "names its source release, licence and the publisher's flag.",
        html.Section(className="controls data-controls", children=[
            _labelled("Indicators", Ids.INDICATOR, StagedDropdown(
                id=Ids.INDICATOR, multi=True, value=list(state.indicators),
                options=[{"label": f"{row.name} ({row.indicator_id})", "value": row.indicator_id}
                         for row in indicators.itertuples()], placeholder="Type an indicator…"), wide=True),
            _labelled("Countries", Ids.COUNTRIES, StagedDropdown(
                id=Ids.COUNTRIES, multi=True, value=list(state.countries),
                options=[{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in countries.itertuples()],
                placeholder="All economies (or type a name…)")),
            _labelled("…or a group", Ids.GROUP, StagedDropdown(
                id=Ids.GROUP, value=state.group, placeholder="All economies",
                options=[{"label": f"{row.name} ({row.members})", "value": row.group_id}
                         for row in groups.itertuples()])),
        ]),
        html.Section(className="controls data-controls", children=[
            _labelled("From", Ids.FROM, StagedDropdown(id=Ids.FROM, value=state.year_from, options=years,
                                                        placeholder="First year"), narrow=True),
            _labelled("To", Ids.TO, StagedDropdown(id=Ids.TO, value=state.year_to, options=years,
                                                    placeholder="Latest year"), narrow=True),
            *breakdown_controls,
        ]),
        html.Section(className="data-downloads", children=[
            html.H2("Download", className="chart-title"),
            html.Div(className="download-row", children=[
                html.Span("This selection: ", className="download-label"),
                *_download_links(canonical, "selection", "Download this selection"),
            ]),
            html.Div(className="download-row", children=[
                html.Span("Full series of the chosen indicators (all years, economies and breakdowns): ",
                          className="download-label"),
                *_download_links(canonical, "full", "Download the full series"),
            ]),
            html.P(f"Columns: {', '.join(COLUMNS)}. CSV in UTF-8; Parquet via Apache Arrow; XLSX (at most "
                   f"{XLSX_MAX_ROWS:,} rows) with a second sheet “metadata” (indicator, unit, source, release, "
                   "licence, attribution). Values are rounded to six significant digits on screen; CSV and Parquet "
                   "keep every digit, XLSX Excel's 15 significant digits. obs_status is the publisher's flag (e.g. "
                   "Estimated, Break; A for a normal value; derived for values computed here), shown in words on "
                   "screen.", className="caption"),
        ]),
        html.Section(className="chart", children=[
            html.H2("Sources of this selection", className="chart-title"),
            html.Div(id=Ids.SOURCES),
        ]),
        html.Section(className="chart", children=[
            html.P(id=Ids.STATUS, className="summary", **{"aria-live": "polite"}),
            html.Div(className="pager", children=[
                html.Button("‹ Previous rows", id=Ids.PREVIOUS, className="button", n_clicks=0),
                html.Button("Next rows ›", id=Ids.NEXT, className="button", n_clicks=0),
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


def _cell(column: str, value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if column == "obs_status":
        return formatting.flag(value)
    if column == "value":
        # Six significant digits on screen (8.260000229 → 8.26, as published); the files keep every digit.
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def table(rows: pd.DataFrame) -> HtmlBlock | html.P:
    """The rows as one block of escaped HTML (a Dash component per cell would be far slower to build,
    send and render: components.data_table does the same)."""
    if rows.empty:
        return html.P("No data for this selection.", className="no-data")
    head = "".join(f'<th scope="col">{LABELS[column]}</th>' for column in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(column, value))}</td>"
                                    for column, value in zip(COLUMNS, row, strict=True)) + "</tr>"
                   for row in rows.itertuples(index=False))
    return HtmlBlock(components.scroll_box(f'<table class="data-table" id="{Ids.ROWS}"><thead><tr>{head}</tr>'
                                          f"</thead><tbody>{body}</tbody></table>", "Rows of this selection"))


def sources_list(frame: pd.DataFrame) -> html.Ul | html.P:
    if frame.empty:
        return html.P("No rows, so no sources.", className="no-data")
    items = []
    for row in frame.itertuples():
        release = f"release of {pd.Timestamp(row.vintage).date().isoformat()}" if pd.notna(row.vintage) \
            else "undated release"
        items.append(html.Li([
            html.Strong(row.name), f" ({row.indicator_id}, {row.unit}; publisher's code {row.source_code}): ",
            f"{row.publisher}, {row.dataset}, {release} [{row.source_id}]. Licence: ",
            html.A(row.license, href=row.license_url, rel="license noopener", target="_blank")
            if row.license_url.startswith("http") else row.license,
            f". {row.rows:,} rows.",
        ]))
    return html.Ul(items, className="source-list")


def render(state: DataState) -> tuple:
    """Table, status line, sources list, canonical query, page (clamped) and number of pages of a selection."""
    rows, total, found = screen(state)
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(1, state.page), pages)
    state = state._replace(page=page)
    shown = rows.iloc[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    if total == 0:
        status = "No rows match this selection."
    else:
        first = (page - 1) * PAGE_ROWS + 1
        status = f"Rows {first:,}–{first + len(shown) - 1:,} of {total:,} (page {page} of {pages})."
        if total > SCREEN_CAP:
            status += (f" The table pages through the first {SCREEN_CAP:,} rows; the downloads of this selection "
                       f"have all {total:,}.")
        else:
            status += f" The downloads of this selection have exactly these {total:,} rows."
    return table(shown), status, sources_list(found), encode_params(state), page, pages


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
        return (html.P("Choose at least one indicator.", className="no-data"), "", "", encode({}), 1, [], [],
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
