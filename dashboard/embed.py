"""A chart alone, for an <iframe>: /embed/<page>?<the page's own URL state>.

A small HTML page, not a Dash page: the chart (drawn by plotly.js from the figure the page itself would
draw), its title, its source line and a link to the full view; no site header, footer or controls, no
callbacks. Each embeddable page is a row of EMBEDS: a function from the query parameters to an Embed, built
with the page's own parsing (bad values give the default view and a notice, like the page) and its own
figure functions.

    /embed/scatter?x=gni_per_capita&y=internet_use&year=2022&logx=1
    /embed/explore?indicator=internet_use&year=2023&group=ldc           (the world map)
    /embed/explore?indicator=internet_use&countries=NOR,NGA&chart=trend (the trend chart)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import dash
import plotly.utils
from flask import Flask, Response, abort, request

from dashboard import components
from dashboard.dash_boundary import PLOTLY_BUNDLE_PATH


@dataclass(frozen=True)
class Embed:
    title: str
    figure: dict
    source: str
    summary: str
    page: str  # the full view's path and query, linked under the chart
    notices: list[str] = field(default_factory=list)


def scatter_embed(params: dict) -> Embed:
    from dashboard.pages import scatter  # a page module: imported once the Dash app exists

    state, notices = scatter.parse_query(params)
    drawn = scatter.view(state)
    return Embed(drawn.title, drawn.figure, drawn.source, drawn.summary, "/scatter" + scatter.encode_query(state),
                 notices)


def explore_embed(params: dict) -> Embed:
    from dashboard import explore_embed as explore  # the Explore page's state and figures

    return explore.embed(params)


EMBEDS: dict[str, Callable[[dict], Embed]] = {"scatter": scatter_embed, "explore": explore_embed}


def embed(page: str) -> Response:
    make = EMBEDS.get(page)
    if make is None:
        abort(404, description=f"No chart to embed for “{page[:40]}”: try one of {', '.join(EMBEDS)}.")
    chart = make(request.args.to_dict(flat=True))
    return Response(document(chart), mimetype="text/html")


def document(chart: Embed) -> str:
    """The page: title, chart, source line, link; the figure as JSON that plotly.js draws in the browser."""
    prefix = dash.get_relative_path("/")
    # The page's <h1> gives the title: the chart's own is left out. "</" escaped: the JSON sits in a <script>.
    layout = {key: value for key, value in chart.figure.get("layout", {}).items() if key != "title"}
    figure = json.dumps({**chart.figure, "layout": {**layout, "margin": {**layout.get("margin", {}), "t": 20}}},
                        cls=plotly.utils.PlotlyJSONEncoder).replace("</", "<\\/")
    config = json.dumps({**components.GRAPH_CONFIG, "responsive": True, "topojsonURL": f"{prefix}topojson/"})
    notices = "".join(f'<p class="notice">{escape(text)}</p>' for text in chart.notices)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(chart.title)} · Digital divide indicators</title>
<style>
body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       background: #fff; }}
main {{ padding: .5rem .75rem; }}
h1 {{ font-size: 1.05rem; margin: 0 0 .25rem; }}
#chart {{ width: 100%; min-height: 380px; }}
figure {{ margin: 0; }}
p, figcaption {{ font-size: .8rem; margin: .25rem 0; color: #444; }}
.notice {{ color: #7a4b00; }}
a {{ color: #0b5cad; }}
</style>
<script src="{prefix}{PLOTLY_BUNDLE_PATH.lstrip('/')}min.js"></script>
<script src="{prefix}geo-assets.js"></script>
</head><body><main>
<h1>{escape(chart.title)}</h1>
{notices}
<figure><div id="chart"></div><figcaption class="summary">{escape(chart.summary)}</figcaption></figure>
<p class="source">{escape(chart.source)}</p>
<p><a href="{escape(prefix + chart.page.lstrip('/'))}" target="_blank" rel="noopener">Open this chart on the
Digital divide indicators dashboard</a></p>
</main>
<script type="application/json" id="figure">{figure}</script>
<script>
(function () {{
  var figure = JSON.parse(document.getElementById("figure").textContent);
  Plotly.newPlot("chart", figure.data, figure.layout, {config});
}})();
</script>
</body></html>
"""


def register(server: Flask) -> None:
    server.add_url_rule("/embed/<page>", view_func=embed)
