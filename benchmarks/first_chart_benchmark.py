"""Time to the first drawn chart in headless Chromium (median of 5 loads), against gunicorn.

Run: .venv/bin/python benchmarks/first_chart_benchmark.py [--loads N] [--db PATH]
Two times per load, both measured in the page from navigation start to the first frame painted after a
selector is in the DOM, each load in a fresh browser context (cold cache):
- "first chart": the first chart of any kind drawn on the page (ANY_CHART), or the named one (on the
  pages whose main content is a table). Charts drawn on the server count: the Overview's sparklines and
  the maps' previews (dashboard/map_preview.py, a picture of the map until plotly has drawn it);
- "named chart": the page's main chart in PATHS as plotly draws it, interactive (the one its tests wait
  on; on some pages not the first one drawn, e.g. the last of the overview's four sparklines, or the parity
  chart, third on Gaps). On Explore, Targets and About this is the time the preview gives way to plotly.
The page times itself: asking it from here after the fact would add whatever work the browser is still
busy with.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database, gunicorn

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A drawn chart (a plotly trace or map shape, a sparkline or a map preview drawn as SVG on the server), anywhere
# on the page.
ANY_CHART = (".js-plotly-plot .scatterlayer .trace, .js-plotly-plot path.choroplethlocation, "
             "svg.sparkline polyline, .map-preview path")
# label: (path, the selector that says the page's first chart is drawn; the page tests in tests/dashboard/ wait on them)
PATHS = {
    "overview": ("/", "#overview-spark-afford svg.sparkline polyline"),
    "explore (default view)": ("/explore", "#explore-map path.choroplethlocation"),
    "explore (two countries, 2010)": ("/explore?year=2010&countries=NOR,NGA", "#explore-map path.choroplethlocation"),
    "gaps": ("/gaps", "#gaps-parity .scatterlayer .trace"),
    "targets": ("/targets", "#targets-map path.choroplethlocation"),
    "country (KEN)": ("/country/KEN", "#country-trend-internet_use .scatterlayer .trace"),
    "data": ("/data", "#data-rows tbody tr"),
    "sql": ("/sql", "#sql-result table"),
    "about": ("/about", "#about-coverage path.choroplethlocation"),
}


# Watches the DOM from the first byte; when the selector matches, waits for the next frame to be painted
# (requestAnimationFrame runs just before a paint, a task queued from it runs just after) and keeps that time.
TIMER = """
(selector, key) => {
    const observer = new MutationObserver(() => {
        if (!document.querySelector(selector)) return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => { window[key] = performance.now(); }));
    });
    observer.observe(document, {childList: true, subtree: true});
}
"""


def time_first_chart(browser, url: str, selector: str) -> tuple[float, float]:
    """(first chart or table drawn, the named chart drawn), in seconds from navigation start."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(f"({TIMER})({json.dumps(ANY_CHART + ', ' + selector)}, '__anyChartDrawn');"
                            f"({TIMER})({json.dumps(selector)}, '__namedChartDrawn')")
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__namedChartDrawn !== undefined && window.__anyChartDrawn !== undefined",
                           timeout=60_000, polling=100)
    first, named = page.evaluate("[window.__anyChartDrawn, window.__namedChartDrawn]")
    context.close()
    return first / 1000, named / 1000


# The same fixed piece of script every time: how fast this machine runs page code right now. This shared VM's
# speed drifts (the same commit measured 1.1 s and 1.8 s to Explore's first chart an hour apart); printed
# before and after the table, it says which kind of hour the figures come from.
CPU_CHECK = "() => { const start = performance.now(); let sum = 0; for (let i = 0; i < 3e7; i++) sum += i % 7; " \
            "return [performance.now() - start, sum]; }"


def cpu_check(browser) -> float:
    """Milliseconds Chromium takes for CPU_CHECK (median of 3) in a blank page."""
    page = browser.new_page()
    times = [page.evaluate(CPU_CHECK)[0] for _ in range(3)]
    page.close()
    return statistics.median(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--loads", type=int, default=5)
    options.add_argument("--db", type=Path, default=None, help="an existing database (default: build one)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "digital_divide.duckdb"
        if args.db is None:
            build_database(db)
        with gunicorn(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            # Warm the server's query cache once per page, as a live server would be.
            for path, selector in PATHS.values():
                time_first_chart(browser, url + path, selector)
            before = cpu_check(browser)
            print(f"{'':34} {'first chart':^26}   {'named chart (plotly)':^26}   (seconds, {args.loads} loads)")
            print(f"{'page':34} " + f"{'median':>8} {'min':>8} {'max':>8}   " * 2)
            for label, (path, selector) in PATHS.items():
                loads = [time_first_chart(browser, url + path, selector) for _ in range(args.loads)]
                cells = [f"{statistics.median(t):8.2f} {min(t):8.2f} {max(t):8.2f}" for t in zip(*loads, strict=True)]
                print(f"{label:34} " + "   ".join(cells))
            print(f"CPU check (a fixed loop in Chromium, ms): {before:.0f} before, {cpu_check(browser):.0f} after")
            browser.close()


if __name__ == "__main__":
    main()
