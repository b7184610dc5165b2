"""/embed/<page>: a chart alone for an iframe, with the page's own URL state (dashboard/embed.py).

Served by gunicorn as in production; the embedded figure is compared with the page's own view of the same
state, and drawn in Chromium without the site's header.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

SCATTER_QUERY = "x=gni_per_capita&y=internet_use&year=2020&color=income&group=ldc&logx=1&logy=0"


def embedded_figure(text: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="figure">(.*?)</script>', text, re.S)
                      .group(1).replace("<\\/", "</"))


@pytest.fixture
def scatter(built_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages import scatter as module

    return module


def test_the_scatter_embed_is_the_pages_chart_without_the_site_frame(app_url: str, scatter) -> None:
    response = requests.get(f"{app_url}/embed/scatter?{SCATTER_QUERY}", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    text = response.text
    assert "site-header" not in text and "<nav" not in text and "Download CSV" not in text
    page = scatter.view(scatter.parse_query(dict(part.split("=") for part in SCATTER_QUERY.split("&")))[0])
    figure = embedded_figure(text)
    assert [trace["name"] for trace in figure["data"]] == [trace["name"] for trace in page.figure["data"]]
    assert [trace.get("ids") for trace in figure["data"]] == [trace.get("ids") for trace in page.figure["data"]]
    assert figure["layout"]["xaxis"]["type"] == "log"
    assert f"<h1>{page.title}</h1>" in unescape(text) and "Least developed countries highlighted" in page.title
    assert page.source in unescape(text)
    assert f'href="/scatter?{SCATTER_QUERY}"' in unescape(text)


@pytest.mark.parametrize(("query", "trace_type"), [("indicator=internet_use&year=2022&group=ldc", "choropleth"),
                                                   ("indicator=internet_use&countries=NOR,NGA&chart=trend", "scatter")])
def test_explore_map_and_trend_embed(app_url: str, query: str, trace_type: str) -> None:
    response = requests.get(f"{app_url}/embed/explore?{query}", timeout=30)
    assert response.status_code == 200 and "site-header" not in response.text
    figure = embedded_figure(response.text)
    assert figure["data"] and figure["data"][0]["type"] == trace_type
    if trace_type == "scatter":
        assert {"Norway", "Nigeria"} <= {trace["name"] for trace in figure["data"]}
    assert "Source:" in response.text and 'href="/explore?indicator=internet_use' in response.text


@pytest.mark.parametrize("path", ["/embed/scatter?x=%3Cscript%3Ealert(1)%3C/script%3E&year=%C2%B2&logx=7",
                                  "/embed/explore?indicator=nope&chart=pie&year=99999999999"])
def test_bad_values_give_the_default_chart_and_a_notice(app_url: str, path: str) -> None:
    response = requests.get(app_url + path, timeout=30)
    assert response.status_code == 200
    assert '<p class="notice">Unknown' in response.text and "<script>alert" not in response.text
    assert embedded_figure(response.text)["data"]


def test_an_unknown_page_is_a_404_with_one_line(app_url: str) -> None:
    response = requests.get(f"{app_url}/embed/nope", timeout=30)
    assert response.status_code == 404 and "scatter, explore" in response.text


@pytest.mark.parametrize(("path", "ready"), [
    (f"/embed/scatter?{SCATTER_QUERY}", "#chart .scatterlayer .trace"),
    ("/embed/explore?indicator=internet_use", "#chart path.choroplethlocation")])
def test_embed_draws_in_the_browser_without_errors_or_site_header(open_page, app_url: str, path: str,
                                                                  ready: str) -> None:
    record = open_page(path, viewport={"width": 640, "height": 700})
    page = record.page
    page.wait_for_selector(ready, state="attached", timeout=30_000)
    assert page.locator(".site-header").count() == 0 and page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []
