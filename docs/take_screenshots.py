"""Screenshots of every page for the README (docs/screenshots/*.png), from a real build and browser.

Run: .venv/bin/python docs/take_screenshots.py [--db PATH] [--locales ar,zh,ru]   (builds a database from
../shared/data/raw without --db). Each page is opened in headless Chromium at 1280 px wide and captured once drawn.
With --locales, the Overview and Explore are captured in each of those languages instead (overview-ar.png, …, for
the README's "In six languages"); Arabic and Chinese need fonts Chromium can find (Debian's fonts-noto-core and
fonts-noto-cjk: `make screenshots` installs them), and the script stops if they are missing rather than capture
boxes where the letters should be.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database, gunicorn
from dashboard import i18n

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
IN_EACH_LOCALE = ("overview", "explore")  # the pages --locales captures
# A script's letters are drawn only with a font that has them: fontconfig's language tag per locale that needs one
# beyond what Latin and Cyrillic get from any font here (checked with `fc-list :lang=…`).
FONT_LANGUAGE = {"ar": "ar", "zh": "zh-cn"}


def missing_fonts(codes: list[str]) -> list[str]:
    """The locales among `codes` whose script no installed font covers."""
    return [code for code in codes if code in FONT_LANGUAGE
            and not subprocess.run(["fc-list", f":lang={FONT_LANGUAGE[code]}"], capture_output=True,
                                   text=True).stdout.strip()]


def shots(codes: list[str] | None) -> list[tuple[str, str, str]]:
    """(file name, address path, selector that says the page is drawn) of each screenshot to take: every page in
    English, or IN_EACH_LOCALE in each locale of `codes` (overview-ar.png is /ar/)."""
    if not codes:
        return [(name, path, ready) for name, (path, ready) in PAGES.items()]
    return [(f"{name}-{code}", i18n.href(PAGES[name][0], i18n.BY_CODE[code]), PAGES[name][1])
            for code in codes for name in IN_EACH_LOCALE]


def locale_codes(text: str) -> list[str]:
    codes = [code.strip() for code in text.split(",") if code.strip()]
    unknown = [code for code in codes if code not in i18n.BY_CODE]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown locale {', '.join(unknown)} (known: {', '.join(i18n.BY_CODE)})")
    return codes


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--db", type=Path, default=None)
    options.add_argument("--locales", type=locale_codes, default=None,
                         help="capture the Overview and Explore in these locales, e.g. ar,zh,ru")
    args = options.parse_args()
    if missing := missing_fonts(args.locales or []):
        sys.exit(f"no font for {', '.join(missing)}: apt-get install -y fonts-noto-core fonts-noto-cjk")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "digital_divide.duckdb"
        if args.db is None:
            build_database(db)
        with gunicorn(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            failed = []
            for name, path, ready in shots(args.locales):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url + path)
                try:
                    page.wait_for_selector(ready, state="attached", timeout=60_000)
                    # the web fonts and the Noto fallbacks are loaded before the picture is taken
                    page.evaluate("document.fonts.ready.then(() => true)")
                except Exception as exc:  # report and go on with the other pages
                    failed.append(name)
                    print(f"{name}: not drawn ({exc.__class__.__name__}); captured as it is")
                page.wait_for_timeout(1500)  # let transitions settle
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                page.close()
                print(f"{name}: {OUT / f'{name}.png'}")
            browser.close()
    if failed:
        sys.exit(f"not drawn in time: {', '.join(failed)}")


if __name__ == "__main__":
    main()
