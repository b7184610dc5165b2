"""Time to the first drawn chart in headless Chromium (median of 5 loads), against gunicorn.

Run: .venv/bin/python benchmarks/first_chart_benchmark.py [--loads N] [--db PATH]
"First drawn chart" = the first frame painted after the page's selector in PATHS is in the DOM (the
first trace of a chart, the first shape of a map, or the first table rendered), measured in the page from
navigation start, each load in a fresh browser context (cold cache). The page times itself: asking it
from here after the fact would add whatever work the browser is still busy with.
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
# label: (path, the selector that says the page's first chart is drawn; the tests in tests/test_page_*.py wait on them)
PATHS = {
    "overview": ("/", "#overview-spark-afford .scatterlayer .trace"),
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
(selector) => {
    const observer = new MutationObserver(() => {
        if (!document.querySelector(selector)) return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => { window.__firstChartDrawn = performance.now(); }));
    });
    observer.observe(document, {childList: true, subtree: true});
}
"""


def time_first_chart(browser, url: str, selector: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(f"({TIMER})({json.dumps(selector)})")
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__firstChartDrawn !== undefined", timeout=60_000, polling=100)
    elapsed_ms = page.evaluate("window.__firstChartDrawn")
    context.close()
    return elapsed_ms / 1000


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
            print(f"{'page':34} {'median':>8} {'min':>8} {'max':>8}   (seconds, {args.loads} loads)")
            for label, (path, selector) in PATHS.items():
                times = [time_first_chart(browser, url + path, selector) for _ in range(args.loads)]
                print(f"{label:34} {statistics.median(times):8.2f} {min(times):8.2f} {max(times):8.2f}")
            browser.close()


if __name__ == "__main__":
    main()
