"""SQL console: one read-only SELECT against the database, through the same sandbox as
`python -m dashboard.sql` (dashboard/sql_sandbox.py): each query in a child process with capped memory, killed at the
time limit; external access off, configuration locked, a row cap. The query lives in the URL (?sql=…) so
it can be shared, but a link only shows it: it runs when the reader presses "Run query". At most two
queries run at once per server process; more get a one-line "busy" message at once, so other pages never
wait behind SQL. A successful result is kept per database version and SQL text (dashboard/sql_results.py), and the
answers built from it, like a refusal, are kept by the shared response cache; an answer that depends on the moment
(busy, time limit, memory cap, random()/now()) calls response_cache.do_not_store().
The page speaks the reader's language, the sandbox's refusals too (`said`), but DuckDB's own error text stays as
DuckDB gives it, after a translated "Not run: query failed:"; the SQL, its comments and its results are the same in
every language.
"""

from __future__ import annotations

import re
from typing import Final

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, data, formatting, i18n, response_cache, sql_results
from dashboard.address_query import AddressQuery
from dashboard.callbacks import MAX_TEXT, checked, clicks, text
from dashboard.html_block import HtmlBlock
from dashboard.i18n import gettext as _
from dashboard.i18n import ngettext
from dashboard.sql_sandbox import (
    EXAMPLE_QUERIES,
    ROW_CAP,
    TIME_LIMIT_S,
    QueryResult,
    SandboxBusy,
    SandboxError,
    load_dependent,
    repeatable,
    warm_up,
)
from dashboard.staged import StagedDropdown
from dashboard.url_state import encode, first


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("SQL · Digital divide indicators")


dash.register_page(__name__, path="/sql", name="SQL", title=_title)

MAX_SQL_CHARS = 10_000  # a longer query in a URL is refused before it reaches the parser
# What the Run and Download callbacks take: more than the sandbox accepts (MAX_TEXT), so that a long query
# gets the sandbox's one-line "… characters long" refusal rather than being read as no query at all.
SQL_INPUT_MAX = 10 * MAX_TEXT
DEFAULT_EXAMPLE = next(iter(EXAMPLE_QUERIES))


class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the CSS, the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "sql"  # components.page derives sql-main and sql-notices from it
    MAIN: Final = "sql-main"
    NOTICES: Final = "sql-notices"
    EXAMPLE: Final = "sql-example"
    TEXT: Final = "sql-text"
    RUN: Final = "sql-run"
    DOWNLOAD_BUTTON: Final = "sql-download-button"
    DOWNLOAD: Final = "sql-download"  # the dcc.Download that receives the CSV
    STATUS: Final = "sql-status"
    RESULT: Final = "sql-result"
    QUERY: Final = "sql-query"  # the address bar's query (AddressQuery)


def initial_sql(params: dict, notices: list[str]) -> str:
    """The query to show: ?sql=…, else ?example=<name>, else the first example."""
    sql = first(params.get("sql"))
    if sql:
        if len(sql) <= MAX_SQL_CHARS:
            return sql
        notices.append(_("The query in the address is longer than {count} characters: not loaded.").format(
            count=formatting.count(MAX_SQL_CHARS)))
    example = first(params.get("example"))
    if example and example not in EXAMPLE_QUERIES:
        notices.append(_("Unknown example “{example}”: showing “{default}”.").format(example=example[:40],
                                                                                   default=_(DEFAULT_EXAMPLE)))
    return EXAMPLE_QUERIES.get(example, EXAMPLE_QUERIES[DEFAULT_EXAMPLE]).strip()


def layout(**query) -> html.Main:
    notices: list[str] = []
    sql = initial_sql(query, notices)
    warm_up()  # a reader here is likely to run a query: have a sandbox process ready (in the background)
    return components.page(
        _("Query the database"),
        _("Run one read-only SELECT over the tables documented in docs/schema.md. A query runs when you press "
          "“Run query” (a shared link only fills it in). Results are capped at {rows} rows and queries stop after "
          "{seconds} seconds; files, extensions and settings are out of reach. The same sandbox serves "
          "`python -m dashboard.sql`.").format(rows=formatting.count(ROW_CAP), seconds=_number(TIME_LIMIT_S, "g")),
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label(_("Example queries"), htmlFor=Ids.EXAMPLE),
                # The title in the reader's language; the value (and ?example=…) stays the English title.
                StagedDropdown(id=Ids.EXAMPLE, options=[{"label": _(name), "value": name} for name in EXAMPLE_QUERIES],
                               placeholder=_("Pick an example…"), clearable=True),
            ]),
        ]),
        html.Section(className="chart", children=[
            html.Label("SQL", htmlFor=Ids.TEXT, className="sql-label"),
            dcc.Textarea(id=Ids.TEXT, value=sql, className="sql-text", spellCheck=False, dir="ltr",
                         style={"width": "100%", "height": "12rem", "fontFamily": "monospace"}),
            html.Div(className="sql-actions", children=[
                html.Button(_("Run query"), id=Ids.RUN, n_clicks=0, className="button"),
                html.Button(_("Download CSV"), id=Ids.DOWNLOAD_BUTTON, n_clicks=0, className="button"),
                dcc.Download(id=Ids.DOWNLOAD),
            ]),
            html.P(_("Press “Run query” to run it."), id=Ids.STATUS, className="summary", role="status"),
            # Scrollable, so keyboard users must be able to focus it to scroll.
            html.Div(id=Ids.RESULT, className="sql-result", tabIndex="0", role="region",
                     **{"aria-label": _("Query result")}),
        ]),
        AddressQuery(id=Ids.QUERY),
        notices=notices, page_id=Ids.PAGE,
    )


@callback(Output(Ids.TEXT, "value"), Input(Ids.EXAMPLE, "value"), prevent_initial_call=True)
@checked(text())
def load_example(name: str | None):
    return EXAMPLE_QUERIES[name].strip() if name in EXAMPLE_QUERIES else dash.no_update


def shareable(sql: object) -> str:
    """The canonical query string for `sql`, or no_update (the address stays) if it cannot be a link: not
    UTF-8 text, or longer than a link may carry."""
    if not isinstance(sql, str) or len(sql) > MAX_SQL_CHARS:
        return dash.no_update
    try:
        return encode({"sql": sql})
    except UnicodeEncodeError:  # lone surrogates (invalid UTF-8 sent as \udcxx escapes)
        return dash.no_update


def completed(sql: str) -> QueryResult:
    """The sandbox's result for `sql`: kept per database version when the query is repeatable
    (dashboard/sql_results.py), else run afresh, and then this request's answer is not kept either (random(),
    now() … give another answer each time). Raises SandboxError and data.DatabaseMissingError."""
    if sql_results.kept(sql) or repeatable(sql):
        return sql_results.result(sql)
    response_cache.do_not_store()
    return sql_results.run(sql)


def _number(value: float | int, spec: str) -> str:
    """A number of the page's texts and the sandbox's messages in the request's locale, to the decimals its format
    spec gives ("{seconds:.2f}" → "5,31" in French; ":g" as few as the value needs; an int is a count)."""
    places = re.search(r"\.(\d+)f", spec)
    if places:
        return formatting.fixed(value, int(places[1]))
    if isinstance(value, int):
        return formatting.count(value)
    return formatting.fixed(value, len(format(value, "g").partition(".")[2]))


def said(exc: SandboxError) -> str:
    """The sandbox's one line in the request's language: its Phrase translated, its numbers in the locale, DuckDB's
    own text as DuckDB gives it. English is the sandbox's text itself."""
    if i18n.current() is i18n.DEFAULT:
        return str(exc)
    return exc.phrase.said(_, _number)


def not_answered(exc: SandboxError) -> None:
    """An answer saying busy, time limit or memory cap depends on the moment: never kept by the response cache."""
    if load_dependent(exc):
        response_cache.do_not_store()


def execute(sql: str) -> tuple[str, object, str]:
    """Run through the sandbox; return (status sentence, result table, canonical query string)."""
    try:
        status, table = answer(sql or "")
    except SandboxBusy as exc:
        response_cache.do_not_store()
        return said(exc), html.P(), shareable(sql)
    except SandboxError as exc:
        not_answered(exc)
        return _("Not run: {reason}").format(reason=said(exc)), html.P(), shareable(sql)
    except data.DatabaseMissingError as exc:
        response_cache.do_not_store()
        return str(exc), html.P(), ""
    return status, table, shareable(sql)


def answer(sql: str) -> tuple[str, HtmlBlock]:
    """The status sentence and the table of `sql`'s result, in the request's language. A repeatable query's are
    kept beside its result (per version, SQL and language: a "Run query" click with the same SQL answers them
    again; writing the table was most of the click's cost), any other's built afresh."""
    if sql_results.kept(sql, _answer_name()) or repeatable(sql):
        return sql_results.derived(_answer_name(), sql, shown)
    response_cache.do_not_store()
    return shown(sql_results.run(sql))


def _answer_name() -> str:
    return f"answer:{i18n.current().code}"


def shown(result: QueryResult) -> tuple[str, HtmlBlock]:
    """A result's status sentence and table."""
    milliseconds = formatting.fixed(result.elapsed_s * 1000, 0)
    if result.truncated:
        status = _("First {count} rows (capped) in {milliseconds} ms.").format(count=formatting.count(ROW_CAP),
                                                                              milliseconds=milliseconds)
    else:
        rows = len(result.rows)
        status = ngettext("{count} row in {milliseconds} ms.", "{count} rows in {milliseconds} ms.", rows).format(
            count=formatting.count(rows), milliseconds=milliseconds)
    return status, components.data_table(result.rows, digits=2)


@callback(
    Output(Ids.STATUS, "children"), Output(Ids.RESULT, "children"), Output(Ids.QUERY, "data"),
    Input(Ids.RUN, "n_clicks"), State(Ids.TEXT, "value"), prevent_initial_call=True,
)
@checked(clicks(), text(default="", max_length=SQL_INPUT_MAX))
def run(_clicks: int, sql: str):  # on a click only: a link (?sql=…) shows its query, it does not run it
    return execute(sql)


@callback(Output(Ids.DOWNLOAD, "data"), Input(Ids.DOWNLOAD_BUTTON, "n_clicks"), State(Ids.TEXT, "value"),
          prevent_initial_call=True)
@checked(clicks(), text(default="", max_length=SQL_INPUT_MAX))
def download(_clicks: int, sql: str):
    sql = sql or ""
    try:
        if sql_results.kept(sql, "csv") or repeatable(sql):
            return sql_results.derived("csv", sql, as_csv)
        response_cache.do_not_store()
        return as_csv(sql_results.run(sql))
    except SandboxError as exc:
        not_answered(exc)
        return dash.no_update
    except data.DatabaseMissingError:
        response_cache.do_not_store()
        return dash.no_update


def as_csv(result: QueryResult) -> dict:
    """The dcc.Download payload of a result: query.csv."""
    return dcc.send_data_frame(result.rows.to_csv, "query.csv", index=False)
