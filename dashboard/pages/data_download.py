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

import io
import json
from html import escape
from typing import NamedTuple
from urllib.parse import parse_qs

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import components, data, formatting
from dashboard.address_query import AddressQuery
from dashboard.callbacks import checked, clicks, codes, number, text, texts
from dashboard.html_block import HtmlBlock
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode, parse_choice, parse_codes, parse_int

dash.register_page(__name__, path="/data", name="Data", title="Data · Digital divide indicators")

DEFAULT_INDICATOR = "internet_use"
SCREEN_CAP = 5000  # rows the on-screen table pages through; downloads are uncapped
PAGE_ROWS = 500  # rows per page of the on-screen table
MAX_INDICATORS = 20
COLUMNS = ["indicator_id", "iso3", "name", "year", "sex", "area", "age", "value", "obs_status", "unit", "source_id",
           "license"]
LABELS = {"indicator_id": "Indicator", "iso3": "Code", "name": "Economy", "year": "Year", "sex": "Sex",
          "area": "Area", "age": "Age", "value": "Value", "obs_status": "Flag", "unit": "Unit",
          "source_id": "Source release", "license": "Licence"}
BREAKDOWNS = ("sex", "area", "age")
DIMMED = {"opacity": 0.45, "cursor": "default"}  # a pager button with nowhere to go
EXTENSIONS = (("csv", "CSV"), ("parquet", "Parquet"), ("xlsx", "XLSX"))
DOWNLOADS = [(scope, extension) for scope in ("selection", "full") for extension, _ in EXTENSIONS]


class DataState(NamedTuple):
    """A selection of observations (a NamedTuple: Dash's page loader cannot hold dataclasses)."""

    indicators: tuple[str, ...]
    countries: tuple[str, ...] = ()
    group: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sex: str = "total"
    area: str = "total"
    age: str = "total"
    page: int = 1


# --- choices known to the database -------------------------------------------------------------------


def indicator_choices() -> pd.DataFrame:
    return data.indicators()[["indicator_id", "name", "unit"]]


def group_choices() -> pd.DataFrame:
    return data.query("""
        SELECT cg.group_id, cg.group_type, cg.name,
               (SELECT count(*) FROM group_member gm WHERE gm.group_id = cg.group_id) AS members
        FROM country_group cg
        ORDER BY CASE cg.group_type WHEN 'world' THEN 0 WHEN 'wb_region' THEN 1 WHEN 'income_group' THEN 2
                 WHEN 'ldc' THEN 3 WHEN 'lldc' THEN 4 WHEN 'sids' THEN 5 ELSE 6 END, cg.name
    """)


def breakdown_choices() -> dict[str, list[str]]:
    """The values each breakdown takes in the database ('total' first)."""
    rows = data.query("SELECT DISTINCT sex, area, age FROM observation")
    return {key: sorted(set(rows[key]), key=lambda value: (value != "total", value)) for key in BREAKDOWNS}


def year_range(indicators: tuple[str, ...]) -> tuple[int, int] | None:
    if not indicators:
        return None
    marks = ", ".join("?" for _ in indicators)
    rows = data.query(f"SELECT min(year) AS first, max(year) AS last FROM observation WHERE indicator_id IN ({marks})",
                      list(indicators))
    if rows.empty or pd.isna(rows["first"].iloc[0]):
        return None
    return int(rows["first"].iloc[0]), int(rows["last"].iloc[0])


# --- URL state ---------------------------------------------------------------------------------------


def _first(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def _parse_year(params: dict, key: str, label: str, notices: list[str]) -> int | None:
    text = _first(params.get(key))
    if not text:
        return None
    year = parse_int(text)
    if year is not None and 1900 <= year <= 2100:
        return year
    notices.append(f"Ignored “{label}” year “{text[:10]}”: a four-digit year is expected.")
    return None


def parse_params(params: dict) -> tuple[DataState, list[str]]:
    """Query parameters → a valid selection, with notices for anything ignored (never an error)."""
    notices: list[str] = []
    known_indicators = indicator_choices()["indicator_id"].tolist()
    asked = [part.strip() for part in _first(params.get("indicator")).split(",") if part.strip()]
    indicators = tuple(dict.fromkeys(part for part in asked if part in known_indicators))
    unknown = [part for part in asked if part not in known_indicators]
    if unknown:
        notices.append(f"Ignored unknown indicators: {', '.join(part[:40] for part in unknown[:5])}.")
    if len(indicators) > MAX_INDICATORS:
        notices.append(f"At most {MAX_INDICATORS} indicators at once: the first {MAX_INDICATORS} are used.")
        indicators = indicators[:MAX_INDICATORS]
    if not indicators:
        fallback = DEFAULT_INDICATOR if DEFAULT_INDICATOR in known_indicators else known_indicators[0]
        if asked:
            notices.append(f"No known indicator in the link: showing {fallback}.")
        indicators = (fallback,)
    known_countries = set(data.countries()["iso3"])
    countries = parse_codes(params, "countries", known_countries, notices, limit=len(known_countries)) or ()
    group = parse_choice(params, "group", group_choices()["group_id"].tolist(), "", notices) or None
    if countries and group:
        notices.append("Both countries and a group were given: the countries are used.")
        group = None
    year_from = _parse_year(params, "from", "from", notices)
    year_to = _parse_year(params, "to", "to", notices)
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append(f"“from” {year_from} is after “to” {year_to}: the two were swapped.")
        year_from, year_to = year_to, year_from
    choices = breakdown_choices()
    breakdown = {key: parse_choice(params, key, ["all", *choices[key]], "total", notices) for key in BREAKDOWNS}
    page = parse_int(_first(params.get("page")))
    page = page if page is not None and 0 < page <= SCREEN_CAP // PAGE_ROWS else 1
    return DataState(indicators, countries, group, year_from, year_to, page=page, **breakdown), notices


def encode_params(state: DataState) -> str:
    """The canonical query string (breakdowns and page only when not the default)."""
    return encode({
        "indicator": state.indicators, "countries": state.countries, "group": state.group,
        "from": state.year_from, "to": state.year_to,
        **{key: getattr(state, key) for key in BREAKDOWNS if getattr(state, key) != "total"},
        "page": state.page if state.page > 1 else None,
    })


def query_errors(params: dict) -> list[str]:
    """What a download link asks for that the database does not know (a download answers 400 with these; the
    page, for a person, shows notices and a default instead). No indicator at all means the default one."""
    errors = []
    known_indicators = set(indicator_choices()["indicator_id"])
    asked = [part.strip() for part in _first(params.get("indicator")).split(",") if part.strip()]
    unknown = [part for part in asked if part not in known_indicators]
    if unknown:
        errors.append(f"unknown indicator {', '.join(part[:40] for part in unknown[:5])}")
    if len(set(asked)) > MAX_INDICATORS:
        errors.append(f"at most {MAX_INDICATORS} indicators at once")
    known_countries = set(data.countries()["iso3"])
    codes = [code.strip().upper() for code in _first(params.get("countries")).split(",") if code.strip()]
    unknown = [code for code in codes if code not in known_countries]
    if unknown:
        errors.append(f"unknown country {', '.join(code[:10] for code in unknown[:5])}")
    group = _first(params.get("group"))
    if group and group not in set(group_choices()["group_id"]):
        errors.append(f"unknown group {group[:40]}")
    for key in ("from", "to"):
        text = _first(params.get(key))
        if text and not 1900 <= (parse_int(text) or 0) <= 2100:
            errors.append(f"“{key}” is not a four-digit year: {text[:10]}")
    choices = breakdown_choices()
    for key in BREAKDOWNS:
        text = _first(params.get(key))
        if text and text not in ("all", *choices[key]):
            errors.append(f"unknown {key} {text[:20]}")
    return errors


def state_from_query(query: str | None) -> DataState:
    """The selection a canonical query string (the page's Store) stands for."""
    params = {key: values[0] for key, values in parse_qs((query or "").lstrip("?")).items()}
    return parse_params(params)[0]


# --- queries -----------------------------------------------------------------------------------------


def _where(state: DataState) -> tuple[str, list]:
    marks = ", ".join("?" for _ in state.indicators)
    clauses, params = [f"o.indicator_id IN ({marks})"], list(state.indicators)
    if state.countries:
        clauses.append(f"o.iso3 IN ({', '.join('?' for _ in state.countries)})")
        params += list(state.countries)
    elif state.group:
        clauses.append("o.iso3 IN (SELECT iso3 FROM group_member WHERE group_id = ?)")
        params.append(state.group)
    if state.year_from is not None:
        clauses.append("o.year >= ?")
        params.append(state.year_from)
    if state.year_to is not None:
        clauses.append("o.year <= ?")
        params.append(state.year_to)
    for key in BREAKDOWNS:
        if getattr(state, key) != "all":
            clauses.append(f"o.{key} = ?")
            params.append(getattr(state, key))
    return " AND ".join(clauses), params


_SELECT = """
    SELECT o.indicator_id, o.iso3, c.name, o.year, o.sex, o.area, o.age, o.value, o.obs_status, i.unit, o.source_id,
           s.license
    FROM observation o JOIN country c ON c.iso3 = o.iso3 JOIN indicator i ON i.indicator_id = o.indicator_id
    JOIN source s ON s.source_id = o.source_id
    WHERE {where}
    ORDER BY o.indicator_id, c.name, o.iso3, o.year, o.sex, o.area, o.age
"""


def selection(state: DataState) -> pd.DataFrame:
    """Every row of the selection, uncapped (the downloads), in the order of the on-screen table. Not cached:
    hundreds of distinct selections of up to tens of MB each grew workers by GB (the query cache is bounded by
    bytes, but files are asked for once)."""
    where, params = _where(state)
    return data.query_uncached(_SELECT.format(where=where), params)


def screen(state: DataState) -> tuple[pd.DataFrame, int]:
    """The first SCREEN_CAP rows of the selection (same query, same order) and the selection's size."""
    where, params = _where(state)
    rows = data.query(f"SELECT *, count(*) OVER () AS total_rows FROM ({_SELECT.format(where=where)}) "
                      f"LIMIT {SCREEN_CAP}", params)
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    return rows[COLUMNS], total


def full_series(indicators: tuple[str, ...]) -> pd.DataFrame:
    """Every observation of the indicators: all years, economies and breakdowns."""
    return selection(DataState(indicators, sex="all", area="all", age="all"))


def sources(state: DataState) -> pd.DataFrame:
    """The releases the selection's rows come from, with their licences."""
    where, params = _where(state)
    return data.query(f"""
        SELECT o.indicator_id, i.name, i.unit, i.source_code, o.source_id, s.publisher, s.dataset, s.vintage,
               s.license, s.license_url, s.attribution, s.url, count(*) AS rows
        FROM observation o JOIN indicator i ON i.indicator_id = o.indicator_id
        JOIN source s ON s.source_id = o.source_id
        WHERE {where}
        GROUP BY ALL ORDER BY o.indicator_id, s.vintage DESC NULLS LAST, o.source_id
    """, params)


# --- files -------------------------------------------------------------------------------------------


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)  # pyarrow
    return buffer.getvalue()


METADATA_COLUMNS = {"indicator_id": "Indicator", "name": "Name", "unit": "Unit", "publisher": "Publisher",
                    "dataset": "Dataset", "source_code": "Publisher's code", "source_id": "Source release",
                    "vintage": "Release date", "license": "Licence", "license_url": "Licence URL",
                    "attribution": "Attribution", "url": "Source URL", "rows": "Rows"}


XLSX_MAX_ROWS = 100_000  # openpyxl writes ~5,000 rows a second here: past this a CSV or Parquet file is the way


def _cells(frame: pd.DataFrame):
    """The frame's rows as lists of plain cells (None for a missing value)."""
    for row in frame.itertuples(index=False, name=None):
        yield [None if formatting.missing(value) and not isinstance(value, str) else value for value in row]


def xlsx_bytes(frame: pd.DataFrame, metadata: pd.DataFrame) -> bytes:
    """The rows on a sheet "data" (Excel's 15 significant digits) and, on a sheet "metadata", one row per
    indicator and source release: name, unit, publisher, dataset, release, licence and attribution.
    openpyxl's write-only mode: ~30 % faster than pandas' to_excel (7.3 s against 10.1 s for 37,475 rows)."""
    from openpyxl import Workbook

    about = metadata[list(METADATA_COLUMNS)].rename(columns=METADATA_COLUMNS)
    about["Release date"] = [pd.Timestamp(day).date().isoformat() if pd.notna(day) else ""
                             for day in about["Release date"]]
    book = Workbook(write_only=True)
    for name, sheet in (("data", frame), ("metadata", about)):
        page = book.create_sheet(name)
        page.append([str(column) for column in sheet.columns])
        for cells in _cells(sheet):
            page.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(state: DataState, scope: str, extension: str) -> str:
    stem = "+".join(state.indicators) if len(state.indicators) <= 3 else f"{len(state.indicators)}_indicators"
    return f"ddi_{stem}_{scope}.{extension}"


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
    return [html.A(label, id=f"data-download-{scope}-{extension}", className="button", download="",
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
    countries = data.countries()
    groups = group_choices()
    choices = breakdown_choices()
    canonical = encode_params(state._replace(page=1))
    years = _year_options(state.indicators)
    breakdown_controls = [
        _labelled(key.capitalize(), f"data-{key}", StagedDropdown(
            id=f"data-{key}", clearable=False, value=getattr(state, key), searchable=False,
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
            _labelled("Indicators", "data-indicator", StagedDropdown(
                id="data-indicator", multi=True, value=list(state.indicators),
                options=[{"label": f"{row.name} ({row.indicator_id})", "value": row.indicator_id}
                         for row in indicators.itertuples()], placeholder="Type an indicator…"), wide=True),
            _labelled("Countries", "data-countries", StagedDropdown(
                id="data-countries", multi=True, value=list(state.countries),
                options=[{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in countries.itertuples()],
                placeholder="All economies (or type a name…)")),
            _labelled("…or a group", "data-group", StagedDropdown(
                id="data-group", value=state.group, placeholder="All economies",
                options=[{"label": f"{row.name} ({row.members})", "value": row.group_id}
                         for row in groups.itertuples()])),
        ]),
        html.Section(className="controls data-controls", children=[
            _labelled("From", "data-from", StagedDropdown(id="data-from", value=state.year_from, options=years,
                                                        placeholder="First year"), narrow=True),
            _labelled("To", "data-to", StagedDropdown(id="data-to", value=state.year_to, options=years,
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
            html.Div(id="data-sources"),
        ]),
        html.Section(className="chart", children=[
            html.P(id="data-status", className="summary", **{"aria-live": "polite"}),
            html.Div(className="pager", children=[
                html.Button("‹ Previous rows", id="data-previous", className="button", n_clicks=0),
                html.Button("Next rows ›", id="data-next", className="button", n_clicks=0),
            ]),
            html.Div(id="data-table", className="data-scroll"),
        ]),
        AddressQuery(id="data-query"),
        dcc.Store(id="data-page", data=state.page),
        notices=notices, page_id="data",
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
    return HtmlBlock(f'<table class="data-table" id="data-rows"><thead><tr>{head}</tr></thead>'
                     f"<tbody>{body}</tbody></table>")


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
    rows, total = screen(state)
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
    return table(shown), status, sources_list(sources(state)), encode_params(state), page, pages


def _triggered() -> str | None:
    try:
        return dash.ctx.triggered_id
    except Exception:  # called as a plain function (tests): no callback context
        return None


# update_table's outputs, in its order. The layout holds the table the address asks for (components.fill), so
# the callback does not run at load.
TABLE_PARTS = [("data-table", "children"), ("data-status", "children"), ("data-sources", "children"),
               ("data-query", "data"), ("data-page", "data"), ("data-from", "options"), ("data-to", "options"),
               ("data-previous", "disabled"), ("data-next", "disabled"), ("data-previous", "style"),
               ("data-next", "style")]


@callback(
    *[Output(*part) for part in TABLE_PARTS],
    Input("data-indicator", "value"), Input("data-countries", "value"), Input("data-group", "value"),
    Input("data-from", "value"), Input("data-to", "value"),
    Input("data-sex", "value"), Input("data-area", "value"), Input("data-age", "value"),
    Input("data-previous", "n_clicks"), Input("data-next", "n_clicks"),
    State("data-page", "data"), prevent_initial_call=True,
)
@checked(texts(), codes(), text(), number(1900, 2100), number(1900, 2100), text(default="total"), text(default="total"),
         text(default="total"), clicks(), clicks(), number(1, SCREEN_CAP // PAGE_ROWS + 1, default=1))
def update_table(indicators, countries, group, year_from, year_to, sex, area, age, _previous, _next, page):
    """Any filter change goes back to the first page; the pager buttons turn pages."""
    trigger = _triggered()
    # Values come from the page's own controls, but a hand-made request may send anything: coerce, never fail.
    page = page if isinstance(page, int) else 1
    year_from, year_to = (year if isinstance(year, int) else None for year in (year_from, year_to))
    if trigger == "data-previous":
        page -= 1
    elif trigger == "data-next":
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


@callback(Output("data-group", "value"), Output("data-countries", "value"),
          Input("data-group", "value"), Input("data-countries", "value"), prevent_initial_call=True)
@checked(text(), codes())
def one_kind_of_economy_filter(group, countries):
    """Countries or a group, not both: choosing one clears the other."""
    trigger = _triggered()
    if trigger == "data-group" and group and countries:
        return group, []
    if trigger == "data-countries" and countries and group:
        return None, countries
    return dash.no_update, dash.no_update


# The download links follow the selection in the browser: no server round trip.
clientside_callback(
    f"""function (query) {{
        const base = {json.dumps(dash.get_relative_path("/download/"))};
        return {json.dumps([f"{scope}.{extension}" for scope, extension in DOWNLOADS])}
            .map(file => base + file + (query || ""));
    }}""",
    *[Output(f"data-download-{scope}-{extension}", "href") for scope, extension in DOWNLOADS],
    Input("data-query", "data"),
    prevent_initial_call=True,
)
