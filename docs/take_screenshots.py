"""Screenshots of every page for the README (docs/screenshots/*.png), from a real build and browser.

Run: .venv/bin/python docs/take_screenshots.py [--db PATH]   (builds a database from ../shared/data/raw
without --db). Each page is opened in headless Chromium at 1280 px wide and captured once drawn.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database, gunicorn

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# file name → (path, selector that says the page is drawn)
PAGES = {
    "overview": ("/", "#overview-spark-afford svg.sparkline polyline"),
    "explore": ("/explore?indicator=internet_use&countries=NGA,IND,BRA,NOR", "#explore-map path.choroplethlocation"),
    "scatter": ("/scatter?group=ldc", "#scatter-chart .scatterlayer .trace"),
    "gaps": ("/gaps", "#gaps-parity .scatterlayer .trace"),
    "targets": ("/targets", "#targets-map path.choroplethlocation"),
    "country": ("/country/KEN", ".js-plotly-plot .scatterlayer .trace"),
    "data": ("/data?indicator=internet_use&group=ldc", "table"),
    "sql": ("/sql", "#sql-result table"),
    "about": ("/about", "#about-coverage path.choroplethlocation"),
    "indicator": ("/indicator/internet_use", "#indicator-editions-itu-key-ict .scatterlayer .trace"),
}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--db", type=Path, default=None)
    args = options.parse_args()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "digital_divide.duckdb"
        if args.db is None:
            build_database(db)
        with gunicorn(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            for name, (path, ready) in PAGES.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url + path)
                try:
                    page.wait_for_selector(ready, state="attached", timeout=60_000)
                except Exception as exc:  # report and go on with the other pages
                    print(f"{name}: not drawn ({exc.__class__.__name__}); captured as it is")
                page.wait_for_timeout(1500)  # let transitions settle
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                page.close()
                print(f"{name}: {OUT / f'{name}.png'}")
            browser.close()


if __name__ == "__main__":
    main()
