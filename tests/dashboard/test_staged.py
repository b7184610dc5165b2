"""Work staged past the first chart (dashboard/staged.py, assets/staged.js, the preloads and app.warm_up).

In Chromium: a page's charts are drawn one at a time, the one nearest the top of the window first, each
keeping its height while plotly loads; a
dropdown reached at once, by pointer or by keyboard, offers its full list; the layout is fetched once, by
the page's preload. In Python: the staged components are their dcc components, and a warmed-up worker (app.warm_up)
has the pages' queries cached already.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dash import dcc

import app  # noqa: F401  (registers the pages, as gunicorn does: a page module needs the app)
from dashboard.pages.data_download import Ids as DataIds
from dashboard.pages.gaps import Ids as GapsIds
from dashboard.staged import StagedDropdown, StagedGraph
from tests.conftest import PROJECT_ROOT

# Notes the frame in which each chart first has plotly's SVG in it, from the page's first byte.
DRAW_RECORDER = """
window.__drawn = [];
window.__frame = 0;
(function count() { window.__frame += 1; requestAnimationFrame(count); })();
new MutationObserver(() => {
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
        const box = plot.closest('[id]');
        if (plot.querySelector('.main-svg') && !window.__drawn.some(entry => entry[0] === box.id)) {
            window.__drawn.push([box.id, window.__frame]);
        }
    }
}).observe(document, {childList: true, subtree: true});
"""

GAPS_CHARTS = [GapsIds.SERIES, GapsIds.PUBLISHED, GapsIds.PARITY, GapsIds.SCATTER, GapsIds.COUNTRIES_TREND,
               GapsIds.INEQUALITY]


def test_staged_components_are_the_dcc_components_under_another_name() -> None:
    graph = StagedGraph(id="chart", figure={"data": []}, config={"displaylogo": False})
    dropdown = StagedDropdown(id="pick", options=["a", "b"], value="a", multi=False)
    assert isinstance(graph, dcc.Graph) and isinstance(dropdown, dcc.Dropdown)
    assert graph.to_plotly_json()["namespace"] == dropdown.to_plotly_json()["namespace"] == "ddi_components"
    assert graph.to_plotly_json()["props"]["config"] == {"displaylogo": False}
    assert (graph.to_plotly_json()["type"], dropdown.to_plotly_json()["type"]) == ("StagedGraph", "StagedDropdown")


def test_charts_are_drawn_one_at_a_time_nearest_the_top_first(open_page) -> None:
    record = open_page("/gaps")
    record.page.context.add_init_script(DRAW_RECORDER)
    record.page.reload()  # recorded from the first byte this time
    record.page.wait_for_function(f"window.__drawn.length === {len(GAPS_CHARTS)}", timeout=60_000)
    drawn = record.page.evaluate("window.__drawn")
    positions = record.page.evaluate("""ids => ids.map(id => {
        const box = document.getElementById(id).getBoundingClientRect();
        return [id, box.top, box.left];
    })""", GAPS_CHARTS)
    by_position = [chart_id for chart_id, _, _ in sorted(positions, key=lambda row: (row[1], row[2]))]
    assert [chart_id for chart_id, _ in drawn] == by_position
    frames = [frame for _, frame in drawn]
    assert len(set(frames)) == len(frames), drawn  # each painted before the next was drawn
    assert not record.errors


# The first chart's box (its .graph-box) at every frame until plotly has drawn in it: [height, drawn].
HEIGHT_RECORDER = """
window.__heights = [];
(function sample() {
    const box = document.querySelector('.graph-box');
    const drawn = box !== null && box.querySelector('.main-svg') !== null;
    if (box) window.__heights.push([box.getBoundingClientRect().height, drawn]);
    if (!drawn) requestAnimationFrame(sample);
})();
"""


def test_a_chart_keeps_its_height_while_plotly_loads(open_page) -> None:
    # dcc.Graph draws nothing until plotly.js has loaded: without the wrapper's height the text below the
    # chart moved up for ~0.5 s and back down (and on a map, under its preview).
    record = open_page("/country/KEN")
    record.page.context.add_init_script(HEIGHT_RECORDER)
    record.page.reload()
    record.page.wait_for_function("window.__heights.length > 0 && window.__heights.at(-1)[1]", timeout=60_000)
    heights = record.page.evaluate("window.__heights")
    final = heights[-1][0]
    assert len(heights) > 2 and final > 250  # sampled before plotly drew, and the chart is drawn
    assert min(height for height, _ in heights) >= final - 1, heights


def test_a_dropdown_reached_at_once_offers_every_option(open_page) -> None:
    """With the idle path switched off (requestIdleCallback never calls back), a dropdown reached by
    pointer or by keyboard still offers options that were not chosen: reaching it brings the full list."""
    record = open_page("/explore")
    page = record.page
    page.context.add_init_script("window.requestIdleCallback = function () { return 0; };")
    page.reload()
    page.wait_for_selector("#explore-trend .main-svg", state="attached", timeout=60_000)  # all charts drawn
    # The full list comes from a callback: it may take a busy machine seconds, but it must come.
    page.locator("#explore-indicator").click()
    page.locator("input.dash-dropdown-search").fill("e-waste")
    page.get_by_role("option", name="E-waste generated per inhabitant").wait_for(timeout=30_000)
    page.keyboard.press("Escape")
    assert not record.errors

    keyboard = open_page("/data").page
    keyboard.context.add_init_script("window.requestIdleCallback = function () { return 0; };")
    keyboard.reload()
    keyboard.wait_for_selector(f"#{DataIds.ROWS} tbody tr")
    keyboard.locator(f"#{DataIds.COUNTRIES}").focus()
    keyboard.keyboard.press("ArrowDown")
    keyboard.locator("input.dash-dropdown-search").fill("Norw")
    keyboard.get_by_role("option", name="Norway (NOR)").wait_for(timeout=30_000)


def test_the_layout_is_fetched_once_by_the_pages_preload(open_page) -> None:
    record = open_page("/targets")
    record.page.wait_for_selector("#targets-map path.choroplethlocation", state="attached", timeout=60_000)
    html = record.page.content()
    assert 'rel="preload" href="/_dash-layout"' in html and 'rel="preload" href="/_dash-dependencies"' in html
    layout_requests = [url for url in record.requests if url.endswith("/_dash-layout")]
    assert len(layout_requests) == 1  # the renderer took the preloaded answer
    assert not [error for error in record.errors if "preload" in error]


def test_plotly_is_loaded_once_by_dashs_chunk_loader_without_a_preload(open_page) -> None:
    """The per-page plotly preloads gained nothing measurable (docs/serving.md) and are gone: Dash's own chunk
    loader fetches plotly, once."""
    record = open_page("/gaps")
    record.page.wait_for_selector(f"#{GapsIds.SERIES} .scatterlayer .trace", state="attached", timeout=60_000)
    record.page.wait_for_load_state("networkidle")
    content = record.page.content()
    for name in ("async-graph.js", "plotly.min.js"):
        assert f'{name}" as="script"' not in content, name
        assert len([url for url in record.requests if url.endswith(name)]) == 1, name
    assert record.errors == []


def test_a_warmed_up_worker_has_the_pages_queries_cached(built_db: Path) -> None:
    """The country profiles (one query for all economies) are ready before the first visitor asks: each gunicorn
    worker runs app.warm_up before it takes requests (gunicorn.conf.py)."""
    probe = ("import app\napp.warm_up()\nfrom dashboard import data\nfrom dashboard.queries import country\n"
             "before = data.query_cache.misses\ncountry.all_profiles()\n"
             "print(data.query_cache.misses - before)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env={**os.environ, "DDI_DB": str(built_db)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "0"
