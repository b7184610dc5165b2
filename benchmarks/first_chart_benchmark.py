"""Time to the first drawn chart in headless Chromium (median of 5 loads), against gunicorn.

Run: .venv/bin/python benchmarks/first_chart_benchmark.py [--loads N] [--db PATH] [--pages overview,explore]
     [--locales en,fr,ar]
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

With --locales, the same pages are loaded under each locale's prefix (/fr/explore; English unprefixed), the loads
interleaved (each round loads every page in every locale in turn, so that a drift of this shared machine's speed
falls on all locales alike), and a table page × locale gives the median of each.
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
from dashboard import i18n

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


def _codes(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if unknown := [code for code in codes if code not in i18n.BY_CODE]:
        raise argparse.ArgumentTypeError(f"unknown locale {', '.join(unknown)} (known: {', '.join(i18n.BY_CODE)})")
    return codes


def _pages(text: str) -> dict[str, tuple[str, str]]:
    """The PATHS whose label starts with one of the comma-separated words ("explore" is both Explore views)."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    chosen = {label: page for label, page in PATHS.items() if any(label.startswith(word) for word in words)}
    if not chosen:
        raise argparse.ArgumentTypeError(f"no page matches {text!r} (pages: {', '.join(PATHS)})")
    return chosen


def per_locale_table(browser, url: str, pages: dict[str, tuple[str, str]], codes: list[str], loads: int) -> None:
    """Each page in each locale, loads interleaved; prints the medians (first chart / named chart) per locale."""
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(label, code): [] for label in pages for code in codes}
    for _ in range(loads):
        for label, (path, selector) in pages.items():
            for code in codes:
                address = url + i18n.href(path, i18n.BY_CODE[code])
                times[label, code].append(time_first_chart(browser, address, selector))
    print(f"median seconds of {loads} interleaved loads, first chart / named chart (plotly)")
    print(f"{'page':34} " + " ".join(f"{code:>13}" for code in codes))
    for label in pages:
        cells = [f"{statistics.median(t[0] for t in times[label, code]):6.2f}/"
                 f"{statistics.median(t[1] for t in times[label, code]):<6.2f}" for code in codes]
        print(f"{label:34} " + " ".join(f"{cell:>13}" for cell in cells))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--loads", type=int, default=5)
    options.add_argument("--db", type=Path, default=None, help="an existing database (default: build one)")
    options.add_argument("--pages", type=_pages, default=PATHS,
                         help="only the pages whose label starts with these words, e.g. overview,explore")
    options.add_argument("--locales", type=_codes, default=None,
                         help="the same pages under each locale's prefix, e.g. en,fr,ar: a table page × locale")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "digital_divide.duckdb"
        if args.db is None:
            build_database(db)
        with gunicorn(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            # Warm the server's query cache once per page (and locale), as a live server would be.
            for path, selector in args.pages.values():
                for code in args.locales or ["en"]:
                    time_first_chart(browser, url + i18n.href(path, i18n.BY_CODE[code]), selector)
            before = cpu_check(browser)
            if args.locales:
                per_locale_table(browser, url, args.pages, args.locales, args.loads)
            else:
                print(f"{'':34} {'first chart':^26}   {'named chart (plotly)':^26}   (seconds, {args.loads} loads)")
                print(f"{'page':34} " + f"{'median':>8} {'min':>8} {'max':>8}   " * 2)
                for label, (path, selector) in args.pages.items():
                    loads = [time_first_chart(browser, url + path, selector) for _ in range(args.loads)]
                    cells = [f"{statistics.median(t):8.2f} {min(t):8.2f} {max(t):8.2f}"
                             for t in zip(*loads, strict=True)]
                    print(f"{label:34} " + "   ".join(cells))
            print(f"CPU check (a fixed loop in Chromium, ms): {before:.0f} before, {cpu_check(browser):.0f} after")
            browser.close()


if __name__ == "__main__":
    main()
