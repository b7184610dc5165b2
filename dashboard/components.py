"""Building blocks every page uses, so that each chart carries the same promises: a source line,
a one-sentence summary, a data-table alternative, and notices for anything ignored in the URL."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import i18n, map_preview, response_cache
from dashboard.figures_overview import (
    TABLE_ROWS,  # noqa: F401 (the tables' row limit, for the pages)
    scroll_box,  # noqa: F401 (a wide table's own scrolling box)
)
from dashboard.figures_overview import frame_table as table_html
from dashboard.html_block import HtmlBlock
from dashboard.i18n import gettext as _
from dashboard.staged import StagedGraph

# No "Share chart" button: it uploads the chart to a Plotly server, off this host. No camera either: its PNG
# carried no source or licence; "Download PNG" under the chart (assets/chart_downloads.js) adds them.
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["sendChartToCloud", "toImage"]}


def graph_config() -> dict:
    """Plotly config: map shapes from this app (app.py's /topojson/ route), never from a CDN; the modebar's words
    and the axes' number formats in the request's locale (plotly.js's own translations, app.py's /plotly-locale/,
    which the index loads for that locale). The one place a graph's locale is set."""
    config = {**GRAPH_CONFIG, "topojsonURL": dash.get_relative_path("/topojson/")}
    locale = i18n.current()
    return config if locale is i18n.DEFAULT else {**config, "locale": locale.plotly}


def downloads(chart_id: str, *, png: bool = False) -> html.Div:
    """The chart's CSV (the rows of its data table `<chart_id>-table`, exactly as on screen, after a block of
    "# key,value" metadata lines), SVG and, for a plotly chart, PNG downloads, all made in the browser (offline;
    assets/chart_downloads.js). Each names the chart, its unit, its source line (`<chart_id>-source`: publisher,
    dataset, release, licence), the page and the day; the images carry them in a footer."""
    buttons = [html.Button(_("Download CSV"), type="button", className="csv-download",
                           **{"data-table": f"{chart_id}-table", "data-name": chart_id})]
    if png:
        buttons.append(html.Button(_("Download PNG"), type="button", className="png-download",
                                   **{"data-graph": chart_id}))
    buttons.append(html.Button(_("Download SVG"), type="button", className="svg-download", **{"data-graph": chart_id}))
    return html.Div(className="chart-downloads", children=buttons)


def graph(graph_id: str, *, preview: bool = False) -> html.Div:
    """A plotly graph with its downloads (CSV, PNG and SVG: `downloads`).

    With `preview`, a map drawn on the server (`<graph_id>-preview`, dashboard/map_preview.py) stands in its
    place until plotly has drawn it; `fill` draws it from the figure it sets."""
    return html.Div(className="graph-box", children=[
        HtmlBlock(id=f"{graph_id}-preview", className="chart-preview") if preview else None,
        StagedGraph(id=graph_id, config=graph_config(), className="graph"),
        downloads(graph_id, png=True),
    ])


def svg_chart(chart_id: str) -> html.Div:
    """A chart drawn as SVG on the server (dashboard/sparkline.py), its markup set as the block's children."""
    return html.Div(className="graph-box", children=[HtmlBlock(id=chart_id, className="svg-chart"),
                                                     downloads(chart_id)])


def page(title: str, lede: str, *children, notices: list[str] | None = None, page_id: str = "page") -> html.Main:
    """A page: heading, one-paragraph lede, the URL notices (role=status), then the content."""
    return html.Main(className="page", id=f"{page_id}-main", children=[
        html.H1(title),
        html.P(lede, className="lede"),
        html.Div([html.P(text, className="notice") for text in notices or []], id=f"{page_id}-notices",
                 role="status"),
        *children,
    ])


def missing_database(message: str) -> html.Main:
    response_cache.do_not_store()  # the database may be readable on the next request: this answer is not kept
    return html.Main(className="page", children=[
        html.H1(_("Digital divide indicators")), html.P(message, className="notice", role="alert")])


def chart(graph_id: str, *, title: str | None = None, drawing: html.Div | None = None,
          preview: bool = False) -> html.Section:
    """A chart with its text summary, source line and data-table alternative (filled by callbacks).

    Callbacks fill `<graph_id>` (figure), `<graph_id>-summary` (one sentence), `<graph_id>-source`
    (source, release, licence) and `<graph_id>-table` (the rows behind the chart). `drawing` replaces
    the plotly graph (e.g. by `svg_chart`); `preview` is `graph`'s.
    """
    return html.Section(className="chart", children=[
        html.H2(title, className="chart-title") if title else None,
        drawing or graph(graph_id, preview=preview),
        html.P(id=f"{graph_id}-summary", className="summary", **{"aria-live": "polite"}),
        html.P(id=f"{graph_id}-source", className="caption source"),
        html.Details(className="table-alternative", children=[
            html.Summary(_("Show the data as a table")),
            html.Div(id=f"{graph_id}-table"),
        ]),
    ])


def chart_parts(graph_id: str) -> list[tuple[str, str]]:
    """The four outputs of a `chart`, as (component id, property), in the order its view functions return
    them: figure, summary, source line, table."""
    return [(graph_id, "figure"), (f"{graph_id}-summary", "children"), (f"{graph_id}-source", "children"),
            (f"{graph_id}-table", "children")]


def data_table(frame: pd.DataFrame, labels: dict[str, str] | None = None, digits: int = 1) -> HtmlBlock:
    """The chart's data-table alternative: one block of escaped HTML rather than a component per cell,
    which Dash 4 renders an order of magnitude faster for a few hundred rows."""
    return HtmlBlock(table_html(frame, labels, digits))


def fill(tree, values: dict[tuple[str, str], object]):
    """Set each (component id, property) of `values` in `tree` (a page's layout, or a list of components)
    and return the tree: a chart's figure, summary and table built with the page instead of by a callback.

    The page then opens with its charts in the layout and runs no callback: each callback Dash runs at load
    makes its renderer re-check every component of the page several times (measured on Targets: 0.16-0.27 s of
    the first chart's time went to four such callbacks). Callbacks filled this way are registered with
    `prevent_initial_call=True` and redraw on a change only. A figure set on a graph with a preview block
    (`graph(..., preview=True)`) draws the preview too."""
    previews = {f"{component_id}-preview": (value, component_id)
                for (component_id, prop), value in values.items() if prop == "figure"}
    # Each id's (property, value) pairs in `values`' order: one look-up per node instead of a pass over `values`.
    by_id: dict[object, list[tuple[str, object]]] = {}
    for (component_id, prop), value in values.items():
        by_id.setdefault(component_id, []).append((prop, value))
    pending = list(tree) if isinstance(tree, list | tuple) else [tree]
    while pending:
        node = pending.pop()
        node_id = getattr(node, "id", None)
        if node_id is not None:
            if type(node_id) is str:
                settings = by_id.get(node_id, ())
            else:  # a dict id (pattern-matching callbacks): unhashable, compared as before
                settings = [(prop, value) for (component_id, prop), value in values.items()
                            if node_id == component_id]
            for prop, value in settings:
                setattr(node, prop, value)
            if settings:
                node_id = getattr(node, "id", None)
            if type(node_id) is str and node_id in previews:
                node.children = map_preview.render(*previews[node_id])
        children = getattr(node, "children", None)
        if type(children) is list or isinstance(children, list | tuple):
            pending += [child for child in children if hasattr(child, "to_plotly_json")]
        elif hasattr(children, "to_plotly_json"):
            pending.append(children)
    return tree
